/**
 * Random sequences of lab operations — commands on random hosts (traffic through the
 * director, IPVS and network changes, services stopped and started, `sleep`), cables pulled
 * and replugged, machines powered off and on (session.topology, i.e. lab/power.ts) — with
 * the lab's invariants checked after every step:
 *
 *  frames   Every captured frame is delivered or dropped with a reason. Precisely, for every
 *           record whose delivery time has passed: a host-internal record (segment -1) has a
 *           drop annotation; a record addressed to one NIC (`to` ≥ 0) reached that NIC's
 *           host with the host up and the NIC running, or carries a drop annotation; a
 *           unicast frame on a wire with `to` = -1 (no NIC had that MAC) carries one too,
 *           unless promiscuous NICs took it. Broadcasts need neither.
 *  IPVS     For every destination (in a service or in the trash): ActiveConn + InActConn is
 *           the number of connections bound to it, InActConn those flagged inactive,
 *           PersistConn its templates; no counter is negative; a template's control count
 *           is the number of connections it controls.
 *  timeouts Every listed connection expires in the future (expiry ≥ now): none outlives
 *           its timeout.
 *  ARP      As the kernel behaves: a powered-off host has no neighbours; a device that is
 *           down has none but permanent ones, one without carrier (arp_evict_nocarrier) none
 *           with a MAC (a resolution started since can only be INCOMPLETE or FAILED);
 *           a REACHABLE entry has a MAC, was confirmed within its reachable time, and that
 *           MAC belongs to a NIC attached to the same network as the entry's device.
 *  shells   No command crashes or throws; every terminal still runs `echo` afterwards.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { announce, params } from './fuzz.ts';
import { FuzzLab } from './harness.ts';
import { checkArp, checkFrames, checkIpvs, Deliveries } from './invariants.ts';
import { describeOutcome, problems } from './lines.ts';

announce('labops');

interface Scenario { preset: string; hosts: string[]; setup: [string, string][]; lines: Record<string, string[]> }

const NAT: Scenario = {
  preset: 'nat',
  hosts: ['client', 'lvs', 'RS1', 'RS2'],
  setup: [
    ['lvs', 'sysctl -w net.ipv4.ip_forward=1'], ['lvs', 'ipvsadm -A -t 192.168.1.100:80 -s rr'],
    ['lvs', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m'], ['lvs', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 -m'],
  ],
  lines: {
    client: ['curl -s 192.168.1.100', 'curl -s -m 2 192.168.1.100', 'for i in 1 2 3; do curl -s -m 1 192.168.1.100; done', 'ping -c 2 -i 0.2 -W 1 192.168.1.100',
      'curl -s -m 1 192.168.1.100:81', 'ping -c 1 -W 1 192.168.1.77', 'sleep 1', 'sleep 30', 'ip neigh flush all', 'ip link set eth0 down', 'ip link set eth0 up'],
    lvs: ['ipvsadm -Ln', 'ipvsadm -Lnc', 'ipvsadm -E -t 192.168.1.100:80 -s wlc', 'ipvsadm -E -t 192.168.1.100:80 -s rr -p 30',
      'ipvsadm -e -t 192.168.1.100:80 -r 192.168.137.130:80 -m -w 0', 'ipvsadm -e -t 192.168.1.100:80 -r 192.168.137.130:80 -m -w 2',
      'ipvsadm -d -t 192.168.1.100:80 -r 192.168.137.200:80', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 -m',
      'ipvsadm --set 5 3 10', 'ipvsadm --set 900 120 300', 'ipvsadm -C', 'ipvsadm -A -t 192.168.1.100:80 -s rr', 'ipvsadm -Z',
      'sysctl -w net.ipv4.ip_forward=0', 'sysctl -w net.ipv4.ip_forward=1', 'curl -s -m 1 192.168.137.130', 'ip neigh flush dev eth1',
      'ip link set eth1 down', 'ip link set eth1 up', 'sysctl -w net.ipv4.neigh.eth1.base_reachable_time_ms=2000', 'sleep 5', 'modprobe -r ip_vs_rr'],
    RS1: ['systemctl stop httpd', 'systemctl start httpd', 'ip route del default', 'ip route add default via 192.168.137.100', 'sleep 2',
      'curl -s -m 1 192.168.137.200', 'ping -c 1 -W 1 192.168.137.100'],
    RS2: ['systemctl restart httpd', 'systemctl stop httpd', 'systemctl start httpd', 'ip link set eth0 down', 'ip link set eth0 up'],
  },
};

const DR: Scenario = {
  preset: 'dr',
  hosts: ['client', 'route', 'lvs', 'RS1', 'RS2'],
  setup: [
    ['lvs', 'ip addr add 192.168.137.254/32 dev eth0'], ['lvs', 'ipvsadm -A -t 192.168.137.254:80 -s rr'],
    ['lvs', 'ipvsadm -a -t 192.168.137.254:80 -r 192.168.137.130:80 -g'], ['lvs', 'ipvsadm -a -t 192.168.137.254:80 -r 192.168.137.200:80 -g'],
    ['RS1', 'ip addr add 192.168.137.254/32 dev lo'], ['RS1', 'sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2'],
    ['RS2', 'ip addr add 192.168.137.254/32 dev lo'], ['RS2', 'sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2'],
  ],
  lines: {
    client: ['curl -s -m 2 192.168.137.254', 'for i in 1 2 3; do curl -s -m 1 192.168.137.254; done', 'ping -c 2 -i 0.2 -W 1 192.168.137.254', 'sleep 3'],
    route: ['ip neigh flush all', 'ping -c 1 -W 1 192.168.137.254', 'ip neigh', 'sleep 1'],
    lvs: ['ipvsadm -Lnc', 'ipvsadm -E -t 192.168.137.254:80 -s lc', 'ipvsadm --set 4 2 10', 'ipvsadm -C', 'ip addr del 192.168.137.254/32 dev eth0',
      'ip addr add 192.168.137.254/32 dev eth0', 'ipvsadm -A -t 192.168.137.254:80 -s rr', 'ipvsadm -a -t 192.168.137.254:80 -r 192.168.137.130:80 -g'],
    RS1: ['sysctl -w net.ipv4.conf.all.arp_ignore=0', 'sysctl -w net.ipv4.conf.all.arp_ignore=1', 'systemctl stop httpd', 'systemctl start httpd'],
    RS2: ['ip addr del 192.168.137.254/32 dev lo', 'ip addr add 192.168.137.254/32 dev lo', 'sleep 2'],
  },
};

type Op =
  | { k: 'cmd'; host: string; line: string }
  | { k: 'cable'; host: string; dev: string; plugged: boolean }
  | { k: 'power'; host: string; on: boolean }
  | { k: 'wait'; ms: number };

const opsFor = (sc: Scenario): fc.Arbitrary<Op> => fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...sc.hosts).chain((host) => fc.constantFrom(...sc.lines[host] ?? ['sleep 1']).map((line) => ({ k: 'cmd' as const, host, line }))) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('cable' as const), host: fc.constantFrom(...sc.hosts), dev: fc.constantFrom('eth0', 'eth1'), plugged: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('power' as const), host: fc.constantFrom(...sc.hosts.filter((h) => h !== 'client')), on: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('wait' as const), ms: fc.constantFrom(1, 50, 1000, 5000, 31_000, 125_000) }) },
);

function runScenario(sc: Scenario, ops: readonly Op[]): string | null {
  const fl = new FuzzLab(sc.preset);
  const s = fl.session;
  for (const [h, l] of sc.setup) fl.run(h, l);
  const deliveries = new Deliveries(s.lab);
  let next = s.lab.capture.lastNo + 1;
  const fail = (i: number, why: string[]) => `after step ${i + 1} of ${ops.length} (${JSON.stringify(ops[i])}), at ${s.lab.now} µs:\n    ${why.slice(0, 8).join('\n    ')}`;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const bad: string[] = [];
    switch (op.k) {
      case 'cmd': {
        const o = fl.run(op.host, op.line);
        const p = problems(o, false).filter((x) => !x.includes('took'));
        if (p.length) bad.push(`${describeOutcome(o)}: ${p.join('; ')}`);
        break;
      }
      case 'cable': { const r = s.topology({ op: 'cable', host: op.host, dev: op.dev, plugged: op.plugged }); if (r && !r.includes('has no')) bad.push(r); break; }
      case 'power': { const r = s.topology({ op: 'power', host: op.host, on: op.on }); if (r) bad.push(r); break; }
      case 'wait': s.settle(op.ms * 1000); break;
    }
    const f = checkFrames(s.lab, deliveries, next);
    next = f.next;
    bad.push(...f.bad);
    for (const h of s.lab.hosts) bad.push(...checkIpvs(h, s.lab.now));
    bad.push(...checkArp(s.lab));
    if (bad.length) return fail(i, bad);
  }
  // Everything on the wire lands; every terminal still answers.
  s.settle(200_000);
  const f = checkFrames(s.lab, deliveries, next);
  if (f.bad.length) return fail(ops.length - 1, f.bad);
  for (const h of sc.hosts) {
    const o = fl.run(h, 'echo ok');
    if (o.out !== 'ok\n' || o.status !== 0) return `at the end, ${describeOutcome(o)}`;
  }
  return null;
}

const PER_RUN = 30;

describe('random lab operations keep the invariants', () => {
  for (const sc of [NAT, DR]) {
    it(`${sc.preset}: frames delivered or dropped with a reason, IPVS counters, timeouts and ARP caches as the kernel keeps them`, () => {
      fc.assert(fc.property(fc.array(opsFor(sc), { minLength: 1, maxLength: 2 * PER_RUN }), (ops) => {
        const bad = runScenario(sc, ops);
        if (bad) throw new Error(`${sc.preset} lab, ${bad}`);
      }), params('lab.ops', 2 * PER_RUN));
    });
  }
});
