/**
 * A stand-in LabSession, used only until the real one (src/shell/session.ts) is present.
 *
 * It implements the LabSessionApi contract over a real Lab from `createLab()`, with a toy
 * shell that knows a handful of commands (echo, curl, sleep, for-loops, clear, hostname,
 * ip a, cat) so the page, the capture and the animation have real frames to show. Commands
 * are generators that yield what they wait for; `pump` resumes them after every simulation
 * event, so a run depends only on the inputs and their virtual times (same journal, same
 * frames), which is what time travel needs.
 *
 * Deliberately left out: everything else a shell does. It is a scaffold, not a shell.
 */
import type { Lab } from '../core/lab/lab.ts';
import type { Host } from '../core/net/host.ts';
import { fmtIp, parseIpv4 } from '../core/wire/types.ts';
import type { InputEvent, LabSessionApi, PumpResult, TerminalSink, TopologyOp } from '../shell/sessionApi.ts';

interface Wait { until?: number; ready?: () => boolean }
type Job = Generator<Wait, number, void>;

interface Shell {
  readonly host: Host;
  job: Job | null;
  wait: Wait | null;
  stdin: string;
  /** A job that was interrupted: cleanup runs on the next pump. */
  killed: boolean;
}

const COMMANDS = ['cat', 'clear', 'curl', 'echo', 'exit', 'for', 'help', 'hostname', 'ip', 'sleep', 'true', 'false'];
const SEC = 1_000_000;

export class MockSession implements LabSessionApi {
  private readonly shells = new Map<string, Shell>();
  private readonly events: InputEvent[] = [];

  constructor(readonly lab: Lab, private readonly sink: TerminalSink) {
    for (const h of lab.hosts) if (!h.ext.noShell) this.shells.set(h.hostname.toLowerCase(), { host: h, job: null, wait: null, stdin: '', killed: false });
  }

  shellHosts(): string[] { return [...this.shells.values()].map((s) => s.host.hostname); }

  prompt(host: string): string { return `[root@${this.sh(host).host.hostname} ~]# `; }

  needsMore(_host: string, text: string): boolean {
    let q: string | null = null;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (q) { if (c === q) q = null; else if (c === '\\' && q === '"') i++; }
      else if (c === '"' || c === "'") q = c;
      else if (c === '\\' && i === text.length - 1) return true;
    }
    if (q) return true;
    const words = text.split(/[\s;]+/);
    const opens = words.filter((w) => w === 'for' || w === 'while').length;
    const closes = words.filter((w) => w === 'done').length;
    return opens > closes;
  }

  complete(_host: string, line: string, cursor: number): { replaceFrom: number; candidates: string[] } {
    const before = line.slice(0, cursor);
    const m = /(\S*)$/.exec(before)!;
    const word = m[1];
    const from = cursor - word.length;
    if (before.slice(0, from).trim() !== '') return { replaceFrom: from, candidates: [] };
    return { replaceFrom: from, candidates: COMMANDS.filter((c) => c.startsWith(word)) };
  }

  submit(host: string, line: string): void {
    const s = this.sh(host);
    this.events.push({ kind: 'line', host: s.host.hostname, text: line, at: this.lab.now });
    if (s.job) return;
    s.job = this.run(s, line);
    s.wait = null;
    this.step(s);
  }

  feedStdin(host: string, text: string): void {
    const s = this.sh(host);
    this.events.push({ kind: 'stdin', host: s.host.hostname, text, at: this.lab.now });
    s.stdin += text;
  }

  interrupt(host: string): void {
    const s = this.sh(host);
    this.events.push({ kind: 'interrupt', host: s.host.hostname, at: this.lab.now });
    if (!s.job) return;
    s.job.return(130);
    s.job = null;
    s.wait = null;
    this.sink.output(s.host.hostname, '\n');
    this.sink.prompt(s.host.hostname, this.prompt(host));
  }

  finishEdit(): void { /* the mock has no editor */ }

  busy(host: string): boolean { return this.sh(host).job !== null; }

  pump(budgetMs: number, realNow: () => number, simUntil: number): PumpResult {
    const t0 = realNow();
    const q = this.lab.q;
    let n = 0;
    for (;;) {
      this.runReady();
      const t = q.peekTime();
      if (t > simUntil) {
        if (simUntil !== Infinity && simUntil > q.now) q.advanceTo(simUntil);
        this.runReady();
        break;
      }
      if (t === Infinity) break;
      q.runNext();
      if ((++n & 63) === 0 && realNow() - t0 >= budgetMs) break;
    }
    let waitingOnTime = false;
    let idle = true;
    for (const s of this.shells.values()) {
      if (s.job) { idle = false; if (s.wait) waitingOnTime = true; }
    }
    return { idle, nextEvent: q.peekTime(), waitingOnTime };
  }

  journal(): readonly InputEvent[] { return this.events; }

  topology(op: TopologyOp): string | null {
    this.events.push({ kind: 'topology', op, at: this.lab.now });
    return `mock session: topology change '${op.op}' is not supported`;
  }

  // ---- the toy shell ----------------------------------------------------------------------

  private sh(host: string): Shell {
    const s = this.shells.get(host.toLowerCase());
    if (!s) throw new Error(`no shell on host ${host}`);
    return s;
  }

  private runReady(): void {
    for (const s of this.shells.values()) {
      if (!s.job || !s.wait) continue;
      const w = s.wait;
      if ((w.ready && w.ready()) || (w.until !== undefined && this.lab.now >= w.until)) this.step(s);
    }
  }

  private step(s: Shell): void {
    for (;;) {
      const job = s.job;
      if (!job) return;
      const r = job.next();
      if (r.done) {
        s.job = null;
        s.wait = null;
        this.sink.prompt(s.host.hostname, this.prompt(s.host.hostname));
        return;
      }
      const w = r.value;
      if ((w.ready && w.ready()) || (w.until !== undefined && this.lab.now >= w.until)) continue;
      s.wait = w;
      return;
    }
  }

  private *run(s: Shell, line: string): Job {
    return yield* this.exec(s, line.trim());
  }

  private out(s: Shell, text: string): void { this.sink.output(s.host.hostname, text); }

  private *exec(s: Shell, line: string): Job {
    if (!line || line.startsWith('#')) return 0;
    const loop = /^for\s+(\w+)\s+in\s+\{(\d+)\.\.(\d+)\}\s*;?\s*do\s+(.+?)\s*;?\s*done$/s.exec(line);
    if (loop) {
      const [, v, a, b, body] = loop;
      let st = 0;
      for (let i = Number(a); i <= Number(b); i++) {
        for (const part of body.split(/\s*;\s*|\n/)) st = yield* this.exec(s, part.replaceAll('$' + v, String(i)).trim());
      }
      return st;
    }
    if (line.includes(';')) {
      let st = 0;
      for (const part of line.split(';')) st = yield* this.exec(s, part.trim());
      return st;
    }
    const argv = line.split(/\s+/).map((w) => w.replace(/^["']|["']$/g, ''));
    const h = s.host;
    switch (argv[0]) {
      case 'echo': this.out(s, argv.slice(1).join(' ') + '\n'); return 0;
      case 'true': return 0;
      case 'false': return 1;
      case 'hostname': this.out(s, h.hostname + '\n'); return 0;
      case 'clear': this.sink.clear?.(h.hostname); return 0;
      case 'help': this.out(s, `mock shell (the real session is not built yet): ${COMMANDS.join(' ')}\n`); return 0;
      case 'sleep': {
        const until = this.lab.now + Math.round(Number(argv[1] ?? 0) * SEC);
        yield { until };
        return 0;
      }
      case 'cat': {
        let st = 0;
        for (const p of argv.slice(1)) {
          try { this.out(s, h.fs.readFile(p)); } catch { this.out(s, `cat: ${p}: No such file or directory\n`); st = 1; }
        }
        return st;
      }
      case 'ip': {
        if (argv[1] !== 'a' && argv[1] !== 'addr') { this.out(s, 'mock: only `ip a`\n'); return 1; }
        for (const d of h.devs.values()) {
          this.out(s, `${d.ifindex}: ${d.name}: <${d.up ? 'UP' : 'DOWN'}> mtu ${d.mtu}\n`);
          for (const a of d.addrs) this.out(s, `    inet ${fmtIp(a.addr)}/${a.prefix} scope ${a.scope} ${d.name}\n`);
        }
        return 0;
      }
      case 'curl': return yield* this.curl(s, argv.slice(1).find((a) => !a.startsWith('-')) ?? '');
      default:
        this.out(s, `bash: ${argv[0]}: command not found\n`);
        return 127;
    }
  }

  private *curl(s: Shell, url: string): Job {
    const m = /^(?:http:\/\/)?([\d.]+)(?::(\d+))?(\/.*)?$/.exec(url);
    const addr = m ? parseIpv4(m[1]) : null;
    if (!m || addr === null) { this.out(s, `curl: (6) Could not resolve host: ${url}\n`); return 6; }
    const port = Number(m[2] ?? 80);
    const sock = s.host.tcp.connect(addr, port, 'curl');
    if (typeof sock === 'string') { this.out(s, `curl: (7) Failed to connect to ${m[1]} port ${port}: ${sock}\n`); return 7; }
    let body = '';
    let err: string | null = null;
    let eof = false;
    sock.onEstablished = () => sock.send(`GET ${m[3] ?? '/'} HTTP/1.1\r\nHost: ${m[1]}\r\nUser-Agent: curl/7.76.1\r\nAccept: */*\r\n\r\n`);
    sock.onData = () => { body += new TextDecoder().decode(sock.read()); };
    sock.onEof = () => { eof = true; };
    sock.onError = (e) => { err = e; };
    const complete = () => {
      if (err !== null || eof) return true;
      const i = body.indexOf('\r\n\r\n');
      if (i < 0) return false;
      const cl = /content-length:\s*(\d+)/i.exec(body.slice(0, i));
      return cl !== null && body.length - i - 4 >= Number(cl[1]);
    };
    try {
      yield { ready: complete };
    } finally {
      if (sock.state !== 'CLOSED') sock.close();
    }
    if (err !== null) {
      const why = err === 'ECONNREFUSED' ? 'Connection refused' : err === 'ETIMEDOUT' ? 'Connection timed out' : err === 'EHOSTUNREACH' ? 'No route to host' : err;
      this.out(s, `curl: (7) Failed to connect to ${m[1]} port ${port}: ${why}\n`);
      return 7;
    }
    const i = body.indexOf('\r\n\r\n');
    this.out(s, i >= 0 ? body.slice(i + 4) : body);
    // A real curl process takes a moment to exit; it also keeps loops from being instantaneous.
    yield { until: this.lab.now + 200 };
    return 0;
  }
}
