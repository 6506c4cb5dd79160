/**
 * The four forwarding methods as data: the preset each starts from, its VIP, and the commands
 * of the nat, dr, tun and fullnat guides (src/labs/guides/*.json) host by host. No imports, so
 * the page can read it without pulling in the simulation (modeSetup.ts runs the scripts).
 */
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

/** The mode a preset is about (ha is DR with two directors), or null. */
export function modeOfPreset(preset: string): ModeName | null {
  if (preset === 'ha') return 'dr';
  return (MODE_NAMES as readonly string[]).includes(preset) ? (preset as ModeName) : null;
}
