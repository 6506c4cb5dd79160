/**
 * ping from iputils 20210202 (RHEL 9): ICMP echo with iputils' payload (a 16-byte timeval
 * then bytes 0x10, 0x11, ...), one probe per interval on the virtual clock, replies printed
 * as they arrive, ICMP errors reported as "From X icmp_seq=N Destination Host Unreachable",
 * and the statistics block (also on Ctrl-C). Exit 0 when a reply came, 1 when none did,
 * 2 for usage and resolution errors.
 */
import { IcmpType, IpProto, fmtIp, type IcmpRepr, type Ipv4Addr, type Ipv4Repr } from '../../../core/wire/types.ts';
import { SEC } from '../../../core/sim/events.ts';
import { ShellSignal, waitSim, type CmdContext, type Co, type Command } from '../../types.ts';
import { resolveHost } from './resolve.ts';

const USAGE = `
Usage
  ping [options] <destination>

Options:
  <destination>      dns name or ip address
  -a                 use audible ping
  -A                 use adaptive ping
  -B                 sticky source address
  -c <count>         stop after <count> replies
  -D                 print timestamps
  -d                 use SO_DEBUG socket option
  -f                 flood ping
  -h                 print help and exit
  -I <interface>     either interface name or address
  -i <interval>      seconds between sending each packet
  -L                 suppress loopback of multicast packets
  -l <preload>       send <preload> number of packages while waiting replies
  -m <mark>          tag the packets going out
  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>
  -n                 no dns name resolution
  -O                 report outstanding replies
  -p <pattern>       contents of padding byte
  -q                 quiet output
  -Q <tclass>        use quality of service <tclass> bits
  -s <size>          use <size> as number of data bytes to be sent
  -S <size>          use <size> as SO_SNDBUF socket option value
  -t <ttl>           define time to live
  -U                 print user-to-user latency
  -v                 verbose output
  -V                 print version and exit
  -w <deadline>      reply wait <deadline> in seconds
  -W <timeout>       time to wait for response

IPv4 options:
  -4                 use IPv4
  -b                 allow pinging broadcast
  -R                 record route
  -T <timestamp>     define timestamp, can be one of <tsonly|tsandaddr|tsprespec>

IPv6 options:
  -6                 use IPv6
  -F <flowlabel>     define flow label, default is random
  -N <nodeinfo opt>  use icmp6 node info query, try <help> as argument

For more details see ping(8).
`;

const UNREACH: Record<number, string> = {
  0: 'Destination Net Unreachable', 1: 'Destination Host Unreachable', 2: 'Destination Protocol Unreachable',
  3: 'Destination Port Unreachable', 4: 'Frag needed and DF set', 5: 'Source Route Failed', 6: 'Destination Net Unknown',
  7: 'Destination Host Unknown', 9: 'Destination Net Prohibited', 10: 'Destination Host Prohibited',
  13: 'Communication prohibited by filter',
};

function fmtMs(us: number): string {
  const ms = us / 1000;
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(3);
}

export const pingCommand: Command = {
  name: 'ping',
  pkg: 'iputils',
  path: '/usr/bin/ping',
  *run(ctx: CmdContext): Co<number> {
    const h = ctx.host.kernel;
    let count = Infinity, interval = 1, timeoutW = -1, deadline = -1, size = 56, ttl = -1, quiet = false, numeric = false, bcast = false;
    let iface: string | undefined;
    let dest: string | undefined;
    const argv = ctx.argv.slice(1);
    const num = (opt: string, v: string | undefined, int: boolean, min: number, max: number, what: string): number => {
      if (v === undefined) { ctx.stderr.write(`ping: option requires an argument -- '${opt}'\n${USAGE}`); throw 2; }
      const n = Number(v);
      if (!Number.isFinite(n) || (int && !Number.isInteger(n)) || v.trim() === '') { ctx.stderr.write(`ping: invalid argument: '${v}'\n`); throw 1; }
      if (n < min || n > max) { ctx.stderr.write(`ping: invalid argument: '${v}': out of range: ${min} <= value <= ${max}\n`); throw 1; }
      void what;
      return n;
    };
    try {
      for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a.startsWith('-') && a.length > 1) {
          for (let j = 1; j < a.length; j++) {
            const c = a[j];
            const optArg = () => (j + 1 < a.length ? a.slice(j + 1) : argv[++i]);
            const takes = 'cisWwtIlmMpQSF'.includes(c);
            const v = takes ? optArg() : undefined;
            if (takes) j = a.length;
            switch (c) {
              case 'c': count = num(c, v, true, 1, 9223372036854775807, 'count'); break;
              case 'i': interval = num(c, v, false, 0, 2147483, 'interval'); break;
              case 'W': timeoutW = num(c, v, false, 0, 2147483, 'timeout'); break;
              case 'w': deadline = num(c, v, true, 0, 2147483647, 'deadline'); break;
              case 's': size = num(c, v, true, 0, 65507, 'size'); break;
              case 't': ttl = num(c, v, true, 0, 255, 'ttl'); break;
              case 'I': iface = v; break;
              case 'q': quiet = true; break;
              case 'n': numeric = true; break;
              case 'b': bcast = true; break;
              case '4': break;
              case 'h': ctx.stdout.write(USAGE); return 2;
              case 'V': ctx.stdout.write('ping from iputils 20210202\n'); return 0;
              case '6': ctx.stderr.write('ping: connect: Network is unreachable\n'); return 2;
              case 'l': case 'm': case 'M': case 'p': case 'Q': case 'S': case 'F': break;
              case 'a': case 'A': case 'B': case 'D': case 'd': case 'f': case 'L': case 'O': case 'U': case 'v': case 'R': break;
              default: ctx.stderr.write(`ping: invalid option -- '${c}'\n${USAGE}`); return 2;
            }
          }
        } else if (dest === undefined) dest = a;
        else { ctx.stderr.write(`ping: usage error: Only one destination address allowed\n`); return 2; }
      }
    } catch (code) {
      if (typeof code === 'number') return code;
      throw code;
    }
    void numeric;
    if (dest === undefined) { ctx.stderr.write('ping: usage error: Destination address required\n'); return 2; }
    const dst = resolveHost(ctx.fs, dest);
    if (dst === null) { ctx.stderr.write(`ping: ${dest}: Name or service not known\n`); return 2; }
    const isBcast = dst === 0xffffffff || [...h.devs.values()].some((d) => d.addrs.some((a) => a.prefix < 31 && ((a.addr | ~((0xffffffff << (32 - a.prefix)) >>> 0)) >>> 0) === dst));
    if (isBcast && !bcast) { ctx.stderr.write(`ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n`); return 2; }

    // Source address and interface (connect() on the ICMP socket).
    let src: Ipv4Addr | 0 = 0;
    let oif: string | undefined;
    if (iface !== undefined) {
      const a = resolveHost(ctx.fs, iface);
      if (a !== null && /^[\d.]+$/.test(iface)) {
        if (!h.isLocal(a)) { ctx.stderr.write(`ping: bind icmp socket: Cannot assign requested address\n`); return 2; }
        src = a;
      } else {
        if (!h.dev(iface)) { ctx.stderr.write(`ping: SO_BINDTODEVICE ${iface}: No such device\n`); return 2; }
        oif = iface;
      }
    }
    const rr = h.routeOutput(dst, src, oif);
    if (typeof rr === 'string') {
      ctx.stderr.write(`ping: connect: ${rr === 'ENETUNREACH' ? 'Network is unreachable' : rr === 'EHOSTUNREACH' ? 'No route to host' : 'Invalid argument'}\n`);
      return 2;
    }
    src = rr.src;
    const ident = ctx.host.allocPid() & 0xffff;
    ctx.stdout.write(`PING ${dest} (${fmtIp(dst)}) ${size}(${size + 28}) bytes of data.\n`);

    const sent = new Map<number, number>();
    const rtts: number[] = [];
    let transmitted = 0, received = 0, errors = 0, dup = 0;
    const start = h.now;
    const replies: string[] = [];
    let lastReplyAt = 0;
    const listener = (ip: Ipv4Repr, icmp: IcmpRepr) => {
      if (icmp.type === IcmpType.EchoReply && (icmp.rest >>> 16) === ident) {
        const seq = icmp.rest & 0xffff;
        const t0 = sent.get(seq);
        if (t0 === undefined) return;
        if (t0 < 0) { dup++; return; }
        const rtt = Math.max(h.now - t0, 1);
        sent.set(seq, -1);
        received++;
        rtts.push(rtt);
        lastReplyAt = h.now;
        if (!quiet) replies.push(`${icmp.payload.length + 8} bytes from ${fmtIp(ip.src)}: icmp_seq=${seq} ttl=${ip.ttl} time=${fmtMs(rtt)} ms\n`);
        return;
      }
      if (icmp.type === IcmpType.DestUnreachable || icmp.type === IcmpType.TimeExceeded) {
        const p = icmp.payload;
        // The quoted header: our echo request (type 8) with our ident.
        if (p.length < 28) return;
        const ihl = (p[0] & 15) * 4;
        if (p[9] !== IpProto.ICMP || p[ihl] !== IcmpType.EchoRequest || ((p[ihl + 4] << 8) | p[ihl + 5]) !== ident) return;
        const seq = (p[ihl + 6] << 8) | p[ihl + 7];
        errors++;
        const what = icmp.type === IcmpType.TimeExceeded ? 'Time to live exceeded' : (UNREACH[icmp.code] ?? `Dest Unreachable, Bad Code: ${icmp.code}`);
        if (!quiet) replies.push(`From ${fmtIp(ip.src)} icmp_seq=${seq} ${what}\n`);
      }
    };
    h.icmpListeners.add(listener);
    const flush = () => { if (replies.length) { ctx.stdout.write(replies.join('')); replies.length = 0; } };
    let interrupted = false;
    try {
      let seq = 0;
      let next = h.now;
      const payload = new Uint8Array(size);
      for (let i = 0; i < size; i++) payload[i] = i & 0xff;
      for (;;) {
        if (transmitted < count && (deadline < 0 || h.now - start < deadline * SEC)) {
          seq++;
          const nowUs = ctx.host.epochSeconds();
          if (size >= 16) { payload[0] = nowUs & 255; payload[1] = (nowUs >>> 8) & 255; payload[2] = (nowUs >>> 16) & 255; payload[3] = (nowUs >>> 24) & 255; }
          const req: IcmpRepr = { kind: 'icmp', type: IcmpType.EchoRequest, code: 0, rest: ((ident << 16) | (seq & 0xffff)) >>> 0, payload: payload.slice() };
          sent.set(seq & 0xffff, h.now);
          transmitted++;
          const err = h.sendIp(dst, IpProto.ICMP, req, { src: src as Ipv4Addr, ttl: ttl >= 0 ? ttl : undefined, oif, df: true });
          if (err) {
            errors++;
            if (err === 'EPERM') ctx.stdout.write(`ping: sendmsg: Operation not permitted\n`);
          }
          next = h.now + Math.round(interval * SEC);
        }
        const done = () => transmitted >= count || (deadline >= 0 && h.now - start >= deadline * SEC);
        if (done()) {
          // Wait for the last replies: -W, or until everything is answered (at most 10 s, as iputils' linger).
          const linger = timeoutW >= 0 ? timeoutW * SEC : 10 * SEC;
          const until = deadline >= 0 ? Math.min(start + deadline * SEC, h.now + linger) : h.now + linger;
          const allIn = () => received + errors >= transmitted;
          while (h.now < until && !allIn()) {
            yield* waitSim(() => replies.length > 0 || allIn(), until);
            flush();
          }
          flush();
          break;
        }
        while (h.now < next) {
          yield* waitSim(() => replies.length > 0, next);
          flush();
        }
      }
    } catch (e) {
      if (!(e instanceof ShellSignal) || e.sig !== 'INT') { h.icmpListeners.delete(listener); throw e; }
      interrupted = true;
      flush();
    }
    h.icmpListeners.delete(listener);
    void lastReplyAt;
    // Statistics.
    const elapsedMs = Math.round((h.now - start) / 1000);
    const loss = transmitted ? Math.round((100 * (transmitted - received)) / transmitted) : 0;
    let s = `\n--- ${dest} ping statistics ---\n${transmitted} packets transmitted, ${received} received`;
    if (dup) s += `, +${dup} duplicates`;
    if (errors) s += `, +${errors} errors`;
    s += `, ${loss}% packet loss, time ${interrupted ? elapsedMs : Math.max(0, Math.round((transmitted - 1) * interval * 1000) + (transmitted > 1 ? Math.min(3, transmitted) : 0))}ms\n`;
    if (rtts.length) {
      const ms = rtts.map((x) => x / 1000);
      const min = Math.min(...ms), max = Math.max(...ms), avg = ms.reduce((a, b) => a + b, 0) / ms.length;
      const mdev = Math.sqrt(ms.reduce((a, b) => a + b * b, 0) / ms.length - avg * avg);
      s += `rtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)}/${(Number.isFinite(mdev) ? mdev : 0).toFixed(3)} ms\n`;
    } else if (errors) {
      s += `pipe ${Math.min(transmitted, 3)}\n`;
    }
    ctx.stdout.write(s);
    return received > 0 ? 0 : 1;
  },
};
