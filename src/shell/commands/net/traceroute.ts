/**
 * traceroute 2.1.0 (RHEL 9): UDP probes to ports 33434+ with increasing TTL, three per hop,
 * answered by ICMP time-exceeded from each router and port-unreachable from the target;
 * `* * *` for silence (5 s per probe), `!H`/`!N`/`!X` for unreachable codes.
 */
import { SEC } from '../../../core/sim/events.ts';
import { IcmpType, IpProto, fmtIp, type IcmpRepr, type Ipv4Addr, type Ipv4Repr } from '../../../core/wire/types.ts';
import { waitSim, type CmdContext, type Co, type Command } from '../../types.ts';
import { defaultGateways, resolveHost, reverseHost } from './resolve.ts';

export const tracerouteCommand: Command = {
  name: 'traceroute',
  pkg: 'traceroute',
  path: '/usr/bin/traceroute',
  *run(ctx: CmdContext): Co<number> {
    const h = ctx.host.kernel;
    let numeric = false, maxHops = 30, queries = 3, wait = 5, first = 1;
    let dest: string | undefined;
    const argv = ctx.argv.slice(1);
    // Option arguments as traceroute's CLIF checks them (a missing or non-numeric one is an error).
    let bad = false;
    const num = (i: number, spec: string, float = false): number => {
      const opt = argv[i - 1], v = argv[i];
      if (v === undefined) ctx.stderr.write(`Option \`${opt}' (argc ${i}) requires an argument: \`${opt} ${spec}'\n`);
      else if (!(float ? /^\d+(\.\d*)?$/ : /^\d+$/).test(v)) ctx.stderr.write(`Cannot handle \`${opt}' option with arg \`${v}' (argc ${i})\n`);
      else return Number(v);
      bad = true;
      return 0;
    };
    for (let i = 0; i < argv.length && !bad; i++) {
      const a = argv[i];
      if (a === '-n') numeric = true;
      else if (a === '-m') maxHops = num(++i, 'max_ttl');
      else if (a === '-q') queries = num(++i, 'nqueries');
      else if (a === '-w') wait = num(++i, 'MAX,HERE,NEAR', true);
      else if (a === '-f') first = num(++i, 'first_ttl');
      else if (a === '-I' || a === '-T' || a === '-U' || a === '-4') { /* probe methods: UDP only here */ }
      else if (a.startsWith('-')) { ctx.stderr.write(`Bad option \`${a}' (argc ${i + 1})\n`); return 2; }
      else if (dest === undefined) dest = a;
    }
    if (bad) return 2;
    if (maxHops > 255) { ctx.stderr.write('max hops cannot be more than 255\n'); return 2; }
    if (first < 1 || first > maxHops) { ctx.stderr.write('first hop out of range\n'); return 2; }
    if (queries < 1 || queries > 10) { ctx.stderr.write('no more than 10 probes per hop\n'); return 2; }
    if (dest === undefined) {
      ctx.stderr.write('Usage:\n  traceroute [ -46dFITnreAUDV ] [ -f first_ttl ] [ -g gate,... ] [ -i device ] [ -m max_ttl ] [ -N squeries ] [ -p port ] [ -t tos ] [ -l flow_label ] [ -w MAX,HERE,NEAR ] [ -q nqueries ] [ -s src_addr ] [ -z sendwait ] [ --fwmark=num ] host [ packetlen ]\n');
      return 2;
    }
    const dst = resolveHost(ctx.fs, dest);
    if (dst === null) { ctx.stderr.write(`${dest}: Name or service not known\nCannot handle "host" cmdline arg \`${dest}' on position 1 (argc 1)\n`); return 2; }
    const rr = h.routeOutput(dst);
    if (typeof rr === 'string') { ctx.stderr.write(`connect: Network is unreachable\n`); return 1; }
    ctx.stdout.write(`traceroute to ${dest} (${fmtIp(dst)}), ${maxHops} hops max, 60 byte packets\n`);
    const gws = numeric ? [] : defaultGateways(h);
    const name = (a: number) => (numeric ? fmtIp(a) : `${reverseHost(ctx.fs, a, gws) ?? fmtIp(a)} (${fmtIp(a)})`);
    let port = 33434;
    let got: { from: number; type: number; code: number; at: number } | null = null;
    let want = -1;
    const listener = (ip: Ipv4Repr, icmp: IcmpRepr) => {
      if (icmp.type !== IcmpType.TimeExceeded && icmp.type !== IcmpType.DestUnreachable) return;
      const p = icmp.payload;
      if (p.length < 28) return;
      const ihl = (p[0] & 15) * 4;
      if (p[9] !== IpProto.UDP) return;
      const dport = (p[ihl + 2] << 8) | p[ihl + 3];
      if (dport !== want) return;
      got = { from: ip.src, type: icmp.type, code: icmp.code, at: h.now };
    };
    h.icmpListeners.add(listener);
    try {
      for (let ttl = first; ttl <= maxHops; ttl++) {
        let line = `${String(ttl).padStart(2)} `;
        let lastFrom = -1;
        let reached = false;
        for (let q = 0; q < queries; q++) {
          want = port++;
          got = null;
          const t0 = h.now;
          h.udp.send(null, dst, want, new Uint8Array(32), { src: rr.src, ttl });
          yield* waitSim(() => got !== null, h.now + wait * SEC);
          const g = got as { from: number; type: number; code: number; at: number } | null;
          if (!g) { line += ' *'; continue; }
          if (g.from !== lastFrom) { line += ` ${name(g.from)}`; lastFrom = g.from; }
          line += `  ${((g.at - t0) / 1000).toFixed(3)} ms`;
          if (g.type === IcmpType.DestUnreachable) {
            reached = true;
            if (g.code === 1) line += ' !H'; else if (g.code === 0) line += ' !N'; else if (g.code === 13) line += ' !X'; else if (g.code === 2) line += ' !P';
          }
        }
        ctx.stdout.write(line + '\n');
        if (reached) break;
        void (dst as Ipv4Addr);
      }
    } finally {
      h.icmpListeners.delete(listener);
    }
    return 0;
  },
};
