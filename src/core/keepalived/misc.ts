/**
 * What MISC_CHECK's `misc_path` can run in the lab. keepalived fork()s and execve()s the
 * program on the director; the lab's core cannot run the shell (the shell sits on top of the
 * core), so the checker runs a documented subset itself, with the same exit codes:
 *
 *   /bin/true, true, :               → 0
 *   /bin/false, false                → 1
 *   exit N                           → N (in a script)
 *   test|[ -e|-f|-d|-s|-x|-r FILE ], test -z|-n STR → 0/1 as test(1) on the director's files
 *   nc|ncat -z [-w SECS] HOST PORT   → 0 when a TCP handshake completes, else 1
 *   curl [-s] [-f|--fail] [-o FILE] [-m|--max-time S] [--connect-timeout S] http://HOST[:PORT]/PATH
 *                                    → 0 on a response (22 with -f and status ≥ 400), 7 refused,
 *                                      28 timed out
 *   ping -c N [-W S] HOST            → 0 when an echo reply arrives, else 1
 *   systemctl is-active [--quiet] UNIT → 0 when the director's unit is active, else 3
 *   a script file (#!/bin/bash or #!/bin/sh): its lines run in order, `exit N` ends it, the
 *     status is the last command's; `cmd1 && cmd2` and `cmd1 || cmd2` are honoured.
 *
 * A path that does not exist gives 127 (as execve failing in the child), a file without
 * execute permission 126, anything else the lab does not know 127. The whole run is killed
 * after misc_timeout (reported as "timed out").
 */
import type { Host } from '../net/host.ts';
import type { Timer } from '../sim/events.ts';
import { IcmpType, IpProto, parseIpv4, type IcmpRepr, type Ipv4Addr, type Ipv4Repr } from '../wire/types.ts';

export interface MiscRun { cancel(): void }
export type MiscResult = { status: number } | { timedOut: true };

type Step = (done: (status: number) => void) => () => void;

const enc = new TextEncoder();

export function runMisc(host: Host, argv: readonly string[], timeoutUs: number, done: (r: MiscResult) => void): MiscRun {
  const q = host.net.q;
  let finished = false;
  let cancelStep: (() => void) | null = null;
  const timer: Timer = q.after(Math.max(1, timeoutUs), () => {
    if (finished) return;
    finished = true;
    cancelStep?.();
    done({ timedOut: true });
  });
  // The child runs asynchronously: even `/bin/true` answers a moment later.
  q.after(1500, () => {
    if (finished) return;
    cancelStep = runArgv(host, argv, 0)((st) => {
      if (finished) return;
      finished = true;
      q.cancel(timer);
      done({ status: st });
    });
  });
  return { cancel() { if (!finished) { finished = true; q.cancel(timer); cancelStep?.(); } } };
}

/** One command (argv) as a step. */
function runArgv(host: Host, argv: readonly string[], depth: number): Step {
  const cmd = argv[0] ?? '';
  const base = cmd.slice(cmd.lastIndexOf('/') + 1);
  const args = argv.slice(1);
  const now = (st: number): Step => (d) => { d(st); return () => {}; };
  switch (base) {
    case 'true': case ':': return now(0);
    case 'false': return now(1);
    case 'exit': return now(Number(args[0] ?? 0) & 255);
    case 'test': case '[': return now(testCmd(host, base === '[' ? args.slice(0, -1) : args));
    case 'nc': case 'ncat': return ncCmd(host, args);
    case 'curl': return curlCmd(host, args);
    case 'ping': return pingCmd(host, args);
    case 'systemctl': {
      const unit = args.filter((a) => !a.startsWith('-'));
      if (unit[0] !== 'is-active' || !unit[1]) return now(1);
      const u = host.sd.unit(unit[1]);
      return now(u && u.state === 'active' ? 0 : 3);
    }
    default: break;
  }
  if (cmd.includes('/')) {
    let st;
    try { st = host.fs.stat(cmd); } catch { return now(127); }
    if (st.kind !== 'file') return now(126);
    if (!(st.mode & 0o111)) return now(126);
    if (depth > 4) return now(126);
    let text = '';
    try { text = host.fs.readFile(cmd); } catch { return now(126); }
    return scriptCmd(host, text, [cmd, ...args], depth);
  }
  return now(127);
}

/** A shell script: lines, `&&`/`||` chains, `exit`, positional parameters $1.. */
function scriptCmd(host: Host, text: string, argv: readonly string[], depth: number): Step {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return (done) => {
    let cancel: () => void = () => {};
    let i = 0;
    let last = 0;
    let stopped = false;
    const next = (): void => {
      if (stopped) return;
      if (i >= lines.length) { done(last); return; }
      const line = lines[i++].replace(/\$(\d)/g, (_m, n: string) => argv[Number(n)] ?? '').replace(/\$\?/g, String(last));
      const parts = line.split(/\s*(&&|\|\|)\s*/);
      let k = 0;
      const chain = (): void => {
        const words = (parts[k] ?? '').split(/\s+/).filter(Boolean).map((w) => w.replace(/^["']|["']$/g, ''));
        if (words[0] === 'exit') { stopped = true; done(Number(words[1] ?? last) & 255); return; }
        cancel = runArgv(host, words, depth + 1)((st) => {
          last = st;
          // Skip the operands the operator short-circuits.
          while (k + 2 < parts.length) {
            const op = parts[k + 1];
            k += 2;
            if ((op === '&&' && st === 0) || (op === '||' && st !== 0)) { chain(); return; }
          }
          next();
        });
      };
      chain();
    };
    next();
    return () => { stopped = true; cancel(); };
  };
}

function testCmd(host: Host, a: readonly string[]): number {
  if (a.length === 0) return 1;
  if (a.length === 1) return a[0] ? 0 : 1;
  if (a[0] === '!') return testCmd(host, a.slice(1)) ? 0 : 1;
  const [op, v] = a;
  if (op === '-z') return v === '' ? 0 : 1;
  if (op === '-n') return v !== '' ? 0 : 1;
  if (a.length === 3 && (a[1] === '=' || a[1] === '==')) return a[0] === a[2] ? 0 : 1;
  if (a.length === 3 && a[1] === '!=') return a[0] !== a[2] ? 0 : 1;
  let st;
  try { st = host.fs.stat(v); } catch { return 1; }
  switch (op) {
    case '-e': case '-r': return 0;
    case '-f': return st.kind === 'file' ? 0 : 1;
    case '-d': return st.kind === 'dir' ? 0 : 1;
    case '-s': return st.size > 0 ? 0 : 1;
    case '-x': return st.mode & 0o111 ? 0 : 1;
    default: return 2;
  }
}

function secs(s: string | undefined, dflt: number): number {
  const n = Number(s);
  return Number.isFinite(n) && n > 0 ? n * 1_000_000 : dflt;
}

/** A TCP connection attempt: 'ok', 'refused', 'timeout' or an errno. */
function tcpTry(host: Host, addr: Ipv4Addr, port: number, timeout: number, onUp: (s: import('../net/tcp.ts').TcpSocket) => void, onFail: (why: string) => void): () => void {
  const s = host.tcp.connect(addr, port, 'keepalived-misc');
  if (typeof s === 'string') { onFail(s); return () => {}; }
  const t = host.net.q.after(timeout, () => { s.onError = undefined; s.onEstablished = undefined; s.abort(); onFail('timeout'); });
  s.onEstablished = () => { host.net.q.cancel(t); onUp(s); };
  s.onError = (e) => { host.net.q.cancel(t); onFail(e === 'ECONNREFUSED' ? 'refused' : e); };
  return () => { host.net.q.cancel(t); s.onError = undefined; s.onEstablished = undefined; s.abort(); };
}

function ncCmd(host: Host, a: readonly string[]): Step {
  let timeout = 10_000_000;
  const pos: string[] = [];
  let zero = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '-z') zero = true;
    else if (a[i] === '-w') timeout = secs(a[++i], timeout);
    else if (/^-[a-zA-Z]+$/.test(a[i])) { if (a[i].includes('z')) zero = true; }
    else pos.push(a[i]);
  }
  const addr = parseIpv4(pos[0] ?? '');
  const port = Number(pos[1]);
  return (done) => {
    if (addr === null || !(port > 0 && port < 65536) || !zero) { done(1); return () => {}; }
    return tcpTry(host, addr, port, timeout, (s) => { s.close(); done(0); }, () => done(1));
  };
}

function curlCmd(host: Host, a: readonly string[]): Step {
  let fail = false;
  let maxTime = 0;
  let connectTimeout = 0;
  let url = '';
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x === '-f' || x === '--fail') fail = true;
    else if (x === '-m' || x === '--max-time') maxTime = secs(a[++i], 0);
    else if (x === '--connect-timeout') connectTimeout = secs(a[++i], 0);
    else if (x === '-o' || x === '--output' || x === '-w' || x === '-H' || x === '-A') i++;
    else if (/^-[a-zA-Z]+$/.test(x)) { if (x.includes('f')) fail = true; }
    else if (!x.startsWith('-')) url = x;
  }
  const m = /^(?:http:\/\/)?([^/:]+)(?::(\d+))?(\/.*)?$/.exec(url);
  return (done) => {
    const addr = m ? parseIpv4(m[1]) : null;
    if (!m || addr === null) { done(m ? 6 : 3); return () => {}; }
    const port = m[2] ? Number(m[2]) : 80;
    const path = m[3] ?? '/';
    let cancelled = false;
    let overall: Timer | null = null;
    let cancelConn: () => void = () => {};
    if (maxTime) overall = host.net.q.after(maxTime, () => { cancelled = true; cancelConn(); done(28); });
    const fin = (st: number) => { if (cancelled) return; cancelled = true; host.net.q.cancel(overall); done(st); };
    cancelConn = tcpTry(host, addr, port, connectTimeout || maxTime || 300_000_000, (s) => {
      let rx = '';
      s.onData = () => {
        rx += new TextDecoder().decode(s.read());
        const head = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(rx);
        const end = rx.indexOf('\r\n\r\n');
        if (head && end >= 0) {
          const cl = /\r\ncontent-length:\s*(\d+)/i.exec(rx.slice(0, end));
          if (!cl || rx.length - end - 4 >= Number(cl[1])) {
            s.onData = undefined; s.onEof = undefined; s.close();
            fin(fail && Number(head[1]) >= 400 ? 22 : 0);
          }
        }
      };
      s.onEof = () => { s.close(); fin(/^HTTP\//.test(rx) ? 0 : 52); };
      s.onError = () => fin(56);
      s.send(enc.encode(`GET ${path} HTTP/1.1\r\nHost: ${m[1]}${m[2] ? ':' + m[2] : ''}\r\nUser-Agent: curl/7.76.1\r\nAccept: */*\r\n\r\n`));
    }, (why) => fin(why === 'refused' ? 7 : why === 'timeout' ? 28 : 7));
    return () => { cancelled = true; host.net.q.cancel(overall); cancelConn(); };
  };
}

function pingCmd(host: Host, a: readonly string[]): Step {
  let count = 1;
  let wait = 10_000_000;
  let target = '';
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '-c') count = Math.max(1, Number(a[++i]) || 1);
    else if (a[i] === '-W' || a[i] === '-w') wait = secs(a[++i], wait);
    else if (!a[i].startsWith('-')) target = a[i];
  }
  return (done) => {
    const dst = parseIpv4(target);
    if (dst === null) { done(2); return () => {}; }
    const ident = host.rng.u32() & 0xffff;
    let finished = false;
    const listener = (ip: Ipv4Repr, icmp: IcmpRepr) => {
      if (finished || icmp.type !== IcmpType.EchoReply || ip.src !== dst || (icmp.rest >>> 16) !== ident) return;
      finish(0);
    };
    const finish = (st: number) => {
      if (finished) return;
      finished = true;
      host.icmpListeners.delete(listener);
      host.net.q.cancel(t);
      done(st);
    };
    host.icmpListeners.add(listener);
    for (let i = 0; i < count; i++) {
      host.net.q.after(i * 1_000_000, () => {
        if (finished) return;
        const req: IcmpRepr = { kind: 'icmp', type: IcmpType.EchoRequest, code: 0, rest: ((ident << 16) | (i + 1)) >>> 0, payload: new Uint8Array(56) };
        host.sendIp(dst, IpProto.ICMP, req);
      });
    }
    const t = host.net.q.after((count - 1) * 1_000_000 + wait, () => finish(1));
    return () => { finished = true; host.icmpListeners.delete(listener); host.net.q.cancel(t); };
  };
}
