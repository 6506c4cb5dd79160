/**
 * The four forwarding methods configured by script, as a student following the guides
 * would type it: the commands of the nat, dr, tun and fullnat guides (src/labs/guides/*.json),
 * host by host, run through a LabSession so every step is a real shell command (dnf,
 * ipvsadm, ip, sysctl, modprobe). The scheduler bench uses them when the running lab has no
 * virtual service yet, and the four-mode comparison builds one lab per mode with them.
 *
 * What it guarantees: after `configureMode(session, mode)` a `curl VIP` from the client is
 * answered by a real server through the director, in the way the mode forwards. What it
 * leaves out: persistence, keepalived, saving the rules (`ipvsadm -Sn`) — not needed to
 * carry one request.
 */
import { createLab } from '../core/lab/presets.ts';
import { LabSession } from '../shell/session.ts';
import type { TerminalSink } from '../shell/sessionApi.ts';

export type ModeName = 'nat' | 'dr' | 'tun' | 'fullnat';
export const MODE_NAMES: readonly ModeName[] = ['nat', 'dr', 'tun', 'fullnat'];

export interface ModeSpec {
  readonly mode: ModeName;
  /** The preset the mode's lab starts from. */
  readonly preset: ModeName;
  readonly vip: string;
  readonly port: number;
  /** ipvsadm's name for the forwarding method, as `-Ln` lists it. */
  readonly fwd: 'Masq' | 'Route' | 'Tunnel' | 'FullNat';
  /** FULLNAT's local address (ipvsadm --add-laddr). */
  readonly laddr?: string;
  /** [host, command] in the order they are typed. */
  readonly script: readonly (readonly [string, string])[];
}

const RS = ['192.168.137.130', '192.168.137.200'] as const;
const DR_VIP = '192.168.137.254';

/** Real servers answer for the VIP without announcing it (DR and TUN). */
const arpQuiet = (host: string): [string, string][] => [
  [host, 'sysctl -w net.ipv4.conf.all.arp_ignore=1'],
  [host, 'sysctl -w net.ipv4.conf.all.arp_announce=2'],
];

export const MODES: Readonly<Record<ModeName, ModeSpec>> = {
  nat: {
    mode: 'nat', preset: 'nat', vip: '192.168.1.100', port: 80, fwd: 'Masq',
    script: [
      ['lvs', 'sysctl -w net.ipv4.ip_forward=1'],
      ['lvs', 'dnf install ipvsadm -y'],
      ['lvs', 'ipvsadm -A -t 192.168.1.100:80 -s rr'],
      ['lvs', `ipvsadm -a -t 192.168.1.100:80 -r ${RS[0]}:80 -m`],
      ['lvs', `ipvsadm -a -t 192.168.1.100:80 -r ${RS[1]}:80 -m`],
    ],
  },
  dr: {
    mode: 'dr', preset: 'dr', vip: DR_VIP, port: 80, fwd: 'Route',
    script: [
      ['lvs', `ip addr add ${DR_VIP}/32 dev eth0`],
      ['lvs', 'dnf install ipvsadm -y'],
      ['lvs', `ipvsadm -A -t ${DR_VIP}:80 -s rr`],
      ['lvs', `ipvsadm -a -t ${DR_VIP}:80 -r ${RS[0]}:80 -g`],
      ['lvs', `ipvsadm -a -t ${DR_VIP}:80 -r ${RS[1]}:80 -g`],
      ['RS1', `ip addr add ${DR_VIP}/32 dev lo`],
      ['RS2', `ip addr add ${DR_VIP}/32 dev lo`],
      ...arpQuiet('RS1'), ...arpQuiet('RS2'),
    ],
  },
  tun: {
    mode: 'tun', preset: 'tun', vip: DR_VIP, port: 80, fwd: 'Tunnel',
    script: [
      ['lvs', `ip addr add ${DR_VIP}/32 dev eth0`],
      ['lvs', 'dnf install ipvsadm -y'],
      ['lvs', `ipvsadm -A -t ${DR_VIP}:80 -s rr`],
      ['lvs', `ipvsadm -a -t ${DR_VIP}:80 -r ${RS[0]} -i`],
      ['lvs', `ipvsadm -a -t ${DR_VIP}:80 -r ${RS[1]} -i`],
      ...['RS1', 'RS2'].flatMap((h): [string, string][] => [
        [h, 'modprobe ipip'],
        [h, 'ip link set tunl0 up'],
        [h, `ip addr add ${DR_VIP}/32 dev tunl0`],
        ...arpQuiet(h),
        [h, 'sysctl -w net.ipv4.conf.tunl0.rp_filter=0'],
        [h, 'sysctl -w net.ipv4.conf.all.rp_filter=0'],
      ]),
    ],
  },
  fullnat: {
    mode: 'fullnat', preset: 'fullnat', vip: DR_VIP, port: 80, fwd: 'FullNat', laddr: '192.168.137.100',
    script: [
      ['lvs', `ip addr add ${DR_VIP}/32 dev eth0`],
      ['lvs', 'dnf install ipvsadm -y'],
      ['lvs', `ipvsadm -A -t ${DR_VIP}:80 -s rr`],
      ['lvs', `ipvsadm -a -t ${DR_VIP}:80 -r ${RS[0]}:80 --fullnat`],
      ['lvs', `ipvsadm -a -t ${DR_VIP}:80 -r ${RS[1]}:80 --fullnat`],
      ['lvs', `ipvsadm --add-laddr -z 192.168.137.100 -t ${DR_VIP}:80 -F eth0`],
    ],
  },
};

/** A sink that keeps each host's output (for error messages) and shows nothing. */
export function quietSink(): TerminalSink & { text(host: string): string; clearText(): void } {
  const out = new Map<string, string>();
  return {
    output: (h, d) => { const s = (out.get(h) ?? '') + d; out.set(h, s.length > 20_000 ? s.slice(-10_000) : s); },
    prompt: () => {},
    text: (h) => out.get(h) ?? '',
    clearText: () => out.clear(),
  };
}

/** Type the mode's script into `session` (each command to completion). Returns the failed commands. */
export function configureMode(session: LabSession, mode: ModeName | ModeSpec): string[] {
  const spec = typeof mode === 'string' ? MODES[mode] : mode;
  const failed: string[] = [];
  for (const [host, line] of spec.script) {
    const status = session.runLine(host, line);
    if (status !== 0) failed.push(`${host}# ${line} (exit ${status})`);
    session.settle();
  }
  return failed;
}

/** A fresh lab of the mode's preset, configured: the session and the spec. */
export function buildModeLab(mode: ModeName, sink: TerminalSink = quietSink()): { session: LabSession; spec: ModeSpec; failed: string[] } {
  const spec = MODES[mode];
  const session = new LabSession(createLab(spec.preset), sink);
  const failed = configureMode(session, spec);
  return { session, spec, failed };
}

/** The mode a preset is about (ha is DR with two directors), or null. */
export function modeOfPreset(preset: string): ModeName | null {
  if (preset === 'ha') return 'dr';
  return (MODE_NAMES as readonly string[]).includes(preset) ? (preset as ModeName) : null;
}
