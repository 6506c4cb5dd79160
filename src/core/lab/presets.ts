/**
 * The lab presets of ../shared/spec/lab-runner.md: nat, dr, tun, fullnat, ha and blank.
 *
 * A preset is data (networks, machines, their NICs and addresses, packages and files); a
 * machine is built the way a real one comes up: its root filesystem and NetworkManager
 * keyfiles are written, then it boots (systemd-sysctl applies the sysctl files,
 * NetworkManager activates the keyfiles, enabled units start). So `nmcli`, `ip addr` and
 * `/etc/NetworkManager/system-connections/*.nmconnection` agree from the first prompt.
 */
import { applySystemSysctl } from '../net/sysctlFiles.ts';
import type { Host, HostRole } from '../net/host.ts';
import { BASE_PACKAGES, installPackage } from '../services/packages.ts';
import { bootSelinux } from '../services/selinux.ts';
import '../services/httpd.ts';
import '../keepalived/daemon.ts';
import '../services/networkManager.ts';
import { KEYFILE_DIR } from '../services/networkManager.ts';
import { ip as ipAddr, prefixMask, type Ipv4Addr, type MacAddr } from '../wire/types.ts';
import { Lab, type LabOptions } from './lab.ts';
import { SYSCTL_CONF, buildRootfs } from './rootfs.ts';

export interface NicSpec {
  readonly name: string;
  readonly segment: string;
  /** "192.168.1.100/24" */
  readonly cidr?: string;
  readonly gateway?: string;
}

export interface MachineSpec {
  readonly hostname: string;
  readonly role: HostRole;
  readonly nics: readonly NicSpec[];
  readonly packages?: readonly string[];
  /** Extra lines appended to /etc/sysctl.conf. */
  readonly sysctl?: readonly string[];
  readonly files?: Readonly<Record<string, string>>;
  /** Units enabled (and so started at boot). */
  readonly enable?: readonly string[];
}

export interface PresetSpec {
  readonly name: string;
  readonly title: string;
  readonly segments: readonly { name: string; kind: 'nat' | 'hostonly' | 'custom' }[];
  readonly machines: readonly MachineSpec[];
  /** The VIP the lab is about, for guides and the UI. */
  readonly vip?: string;
}

export const PRESET_NAMES = ['nat', 'dr', 'tun', 'fullnat', 'ha', 'blank'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const HOSTS_FILE = `127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4
::1         localhost localhost.localdomain localhost6 localhost6.localdomain6
`;

const RS_HTTPD: Pick<MachineSpec, 'packages' | 'enable'> = { packages: ['httpd'], enable: ['httpd'] };

function rs(name: string, addr: string, gw: string): MachineSpec {
  return {
    hostname: name, role: 'realserver', ...RS_HTTPD,
    nics: [{ name: 'eth0', segment: 'vmnet1', cidr: `${addr}/24`, gateway: gw }],
    files: { '/var/www/html/index.html': `${name} - ${addr}\n` },
  };
}

const NAT_GW: MachineSpec = {
  hostname: 'gateway', role: 'gateway',
  nics: [{ name: 'eth0', segment: 'vmnet8', cidr: '192.168.1.2/24' }],
};

const SEGMENTS = [{ name: 'vmnet8', kind: 'nat' as const }, { name: 'vmnet1', kind: 'hostonly' as const }];

const DR_MACHINES: MachineSpec[] = [
  NAT_GW,
  { hostname: 'client', role: 'client', nics: [{ name: 'eth0', segment: 'vmnet8', cidr: '192.168.1.111/24', gateway: '192.168.1.11' }] },
  {
    hostname: 'route', role: 'router', sysctl: ['net.ipv4.ip_forward = 1'],
    nics: [{ name: 'eth0', segment: 'vmnet8', cidr: '192.168.1.11/24' }, { name: 'eth1', segment: 'vmnet1', cidr: '192.168.137.140/24' }],
  },
  { hostname: 'lvs', role: 'director', nics: [{ name: 'eth0', segment: 'vmnet1', cidr: '192.168.137.100/24', gateway: '192.168.137.140' }] },
  rs('RS1', '192.168.137.130', '192.168.137.140'),
  rs('RS2', '192.168.137.200', '192.168.137.140'),
];

export const PRESETS: Record<PresetName, PresetSpec> = {
  blank: { name: 'blank', title: 'Blank lab', segments: [], machines: [] },
  nat: {
    name: 'nat', title: 'LVS-NAT', vip: '192.168.1.100', segments: SEGMENTS,
    machines: [
      NAT_GW,
      { hostname: 'client', role: 'client', nics: [{ name: 'eth0', segment: 'vmnet8', cidr: '192.168.1.111/24', gateway: '192.168.1.2' }] },
      {
        hostname: 'lvs', role: 'director',
        nics: [
          { name: 'eth0', segment: 'vmnet8', cidr: '192.168.1.100/24', gateway: '192.168.1.2' },
          { name: 'eth1', segment: 'vmnet1', cidr: '192.168.137.100/24' },
        ],
      },
      rs('RS1', '192.168.137.130', '192.168.137.100'),
      rs('RS2', '192.168.137.200', '192.168.137.100'),
    ],
  },
  dr: { name: 'dr', title: 'LVS-DR', vip: '192.168.137.254', segments: SEGMENTS, machines: DR_MACHINES },
  tun: { name: 'tun', title: 'LVS-TUN', vip: '192.168.137.254', segments: SEGMENTS, machines: DR_MACHINES },
  fullnat: { name: 'fullnat', title: 'LVS-FULLNAT', vip: '192.168.137.254', segments: SEGMENTS, machines: DR_MACHINES },
  ha: {
    name: 'ha', title: 'LVS-DR with two directors (keepalived)', vip: '192.168.137.254', segments: SEGMENTS,
    machines: [
      ...DR_MACHINES,
      { hostname: 'lvs2', role: 'director', nics: [{ name: 'eth0', segment: 'vmnet1', cidr: '192.168.137.101/24', gateway: '192.168.137.140' }] },
    ],
  },
};

/** A keyfile in the shape the seed shows (`cat /etc/NetworkManager/system-connections/eth0.nmconnection`). */
export function keyfileFor(nic: NicSpec): string {
  const lines = ['[connection]', `id=${nic.name}`, 'type=ethernet', `interface-name=${nic.name}`, '[ipv4]'];
  if (nic.cidr) {
    lines.push('method=manual', `address1=${nic.cidr}${nic.gateway ? ',' + nic.gateway : ''}`, 'dns=8.8.8.8');
  } else {
    lines.push('method=auto');
  }
  return lines.join('\n') + '\n';
}

function vmwareNatMac(lab: Lab): MacAddr {
  const r = lab.rng.fork('mac:vmnet8-nat').u32() & 0xffffff;
  return (0x005056 * 0x1000000 + r) as MacAddr;
}

/** Build one machine (files, NICs, packages) and plug its NICs in; does not boot it. */
export function buildMachine(lab: Lab, m: MachineSpec): Host {
  const h = lab.addHost(m.hostname, m.role);
  h.ext.labName = m.hostname;
  for (const nic of m.nics) {
    const mac = m.role === 'gateway' ? vmwareNatMac(lab) : lab.vmwareMac(`${m.hostname}/${nic.name}`);
    h.addDev(nic.name, 'ether', mac);
    let seg = lab.segment(nic.segment);
    if (!seg) seg = lab.addSegment(nic.segment, nic.segment === 'vmnet8' ? 'nat' : nic.segment === 'vmnet1' ? 'hostonly' : 'custom');
    h.attach(nic.name, seg);
  }
  if (m.role === 'gateway') {
    // VMware's NAT device: not a Linux VM. It answers ARP and ping on vmnet8 and forwards
    // everything else to the host's real network, which the lab does not have.
    h.ext.noShell = true;
    h.sysctl.set('net.ipv4.ip_forward', '1');
    for (const nic of m.nics) {
      const [a, p] = nic.cidr!.split('/');
      h.setLinkUp(nic.name, true);
      h.addAddr(nic.name, ipAddr(a), Number(p), { brd: broadcastOf(a, Number(p)) });
    }
    h.routes.add({ dst: 0 as Ipv4Addr, prefix: 0, gw: null, dev: null, proto: 'static', scope: 'global', src: null, metric: null, type: 'blackhole', onlink: false, owner: 'manual' });
    h.ext.blackholeReason = 'the VMware NAT device sends this to the Internet, which is outside the lab';
    return h;
  }
  buildRootfs(h, HOSTS_FILE);
  for (const p of [...BASE_PACKAGES, ...(m.packages ?? [])]) installPackage(h, p);
  for (const nic of m.nics) h.fs.install(`${KEYFILE_DIR}/${nic.name}.nmconnection`, keyfileFor(nic), 0o600);
  if (m.sysctl?.length) h.fs.install('/etc/sysctl.conf', SYSCTL_CONF + m.sysctl.join('\n') + '\n');
  for (const [path, content] of Object.entries(m.files ?? {})) h.fs.install(path, content);
  h.sd.enable('NetworkManager');
  h.sd.enable('sshd');
  for (const u of m.enable ?? []) h.sd.enable(u);
  return h;
}

function broadcastOf(a: string, p: number): Ipv4Addr {
  return ((ipAddr(a) | ~prefixMask(p)) >>> 0) as Ipv4Addr;
}

/** Boot a built machine: sysctl files, SELinux's mode from /etc/selinux/config, then systemd's enabled units (NetworkManager first). */
export function bootMachine(h: Host): void {
  if (h.ext.noShell) return;
  applySystemSysctl(h);
  bootSelinux(h);
  h.sd.boot();
}

/** A fresh lab in the state the preset describes. */
export function createLab(preset: PresetName | string, opts: LabOptions = {}): Lab {
  const spec = PRESETS[preset as PresetName];
  if (!spec) throw new Error(`unknown lab preset '${preset}'`);
  const lab = new Lab({ seed: opts.seed ?? `lvs-lab:${preset}`, ...opts });
  lab.preset = spec.name;
  for (const s of spec.segments) lab.addSegment(s.name, s.kind);
  const hosts = spec.machines.map((m) => buildMachine(lab, m));
  for (const h of hosts) bootMachine(h);
  return lab;
}
