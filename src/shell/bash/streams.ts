/**
 * Streams behind file descriptors: pipes, files, devices, strings and the terminal.
 *
 * A pipe holds at most ~64 KB (PIPE_BUF-like back-pressure, as Linux's 16 pages): a writer
 * whose buffer is full blocks in `drain()` (yielding `io`), a reader of an empty pipe yields
 * `io`, a write after the reader has gone throws ShellSignal('PIPE'). Every change of a
 * pipe's state bumps `pipeActivity`, which the pipeline scheduler uses to tell "blocked"
 * from "making progress". File output goes straight into the Vfs inode (so a file being
 * written can be read at the same time, and a deleted file keeps its open inode, as on
 * Unix). `/dev/zero` and `/dev/urandom` read as endless chunks; nothing here builds a
 * string larger than one chunk unless a caller asks for `readAll`.
 */
import type { Co, InStream, OutStream } from '../types.ts';
import { IO_WAIT, ShellSignal, TICK } from '../types.ts';
import type { Inode, Vfs } from '../../core/fs/vfs.ts';
import { FsError } from '../../core/fs/vfs.ts';

export const PIPE_CAPACITY = 65536;
const CHUNK = 4096;

/** Longest line (or `read -n` count) an input stream collects before failing with ENOMEM. */
export const MAX_LINE = 64 * 1024 * 1024;

/** Bumped on every pipe read, write or close. */
export const pipeActivity = { count: 0 };

/** An input stream with line buffering on top of a chunk source. */
export abstract class BufferedIn implements InStream {
  protected pending = '';
  abstract readonly isTty: boolean;
  /** The next raw chunk, or null at EOF. */
  protected abstract fill(): Co<string | null>;

  *read(): Co<string | null> {
    if (this.pending) { const s = this.pending; this.pending = ''; return s; }
    return yield* this.fill();
  }

  *readAll(): Co<string> {
    const parts: string[] = [];
    if (this.pending) { parts.push(this.pending); this.pending = ''; }
    for (;;) {
      const c = yield* this.fill();
      if (c === null) break;
      parts.push(c);
    }
    return parts.join('');
  }

  *readLine(): Co<string | null> {
    const nl = this.pending.indexOf('\n');
    if (nl >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      return line;
    }
    // A line still without its newline is kept in pieces (joined once complete), so that a
    // very long one (`read x < /dev/zero`) costs linear time; past MAX_LINE it fails as a
    // real program runs out of memory.
    const parts = this.pending ? [this.pending] : [];
    let size = this.pending.length;
    this.pending = '';
    for (;;) {
      const c = yield* this.fill();
      if (c === null) return size ? parts.join('') : null;
      const i = c.indexOf('\n');
      if (i >= 0) {
        parts.push(c.slice(0, i));
        this.pending = c.slice(i + 1);
        return parts.join('');
      }
      parts.push(c);
      size += c.length;
      if (size > MAX_LINE) throw new FsError('ENOMEM', '');
    }
  }

  /** Read up to `n` characters (for `read -n`, `head -c`-like users). */
  *readN(n: number): Co<string | null> {
    while (this.pending.length < n) {
      const c = yield* this.fill();
      if (c === null) break;
      this.pending += c;
      if (this.pending.length > MAX_LINE) throw new FsError('ENOMEM', '');
    }
    if (!this.pending) return null;
    const s = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    return s;
  }

  /** Put text back in front of the stream (read's partial consumption). */
  unread(s: string): void { this.pending = s + this.pending; }
}

/** A fixed string (here-documents, here-strings, files read at open). */
export class StringIn extends BufferedIn {
  readonly isTty = false;
  private done = false;
  constructor(private data: string) { super(); }
  // eslint-disable-next-line require-yield
  protected *fill(): Co<string | null> {
    if (this.done) return null;
    this.done = true;
    const d = this.data;
    this.data = '';
    return d || null;
  }
}

/** An empty input (/dev/null, background jobs). */
export class NullIn extends BufferedIn {
  readonly isTty = false;
  // eslint-disable-next-line require-yield
  protected *fill(): Co<string | null> { return null; }
}

/** Endless /dev/zero or /dev/urandom. */
export class DevIn extends BufferedIn {
  readonly isTty = false;
  private seed: number;
  constructor(private readonly kind: 'zero' | 'urandom', seed = 0x9e3779b9) { super(); this.seed = seed >>> 0 || 1; }
  private chunks = 0;
  protected *fill(): Co<string | null> {
    // An endless device read in a loop must still let the driver in.
    if ((++this.chunks & 255) === 0) yield TICK;
    if (this.kind === 'zero') return ZEROS;
    let s = '';
    let x = this.seed;
    for (let i = 0; i < CHUNK; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      s += String.fromCharCode(x & 0xff);
    }
    this.seed = x;
    return s;
  }
}
const ZEROS = '\0'.repeat(CHUNK);

/**
 * Counts output and makes `drain()` yield a tick every ~1 MB: `yes > /dev/null` never
 * blocks, but must still let the driver deliver Ctrl-C.
 */
class Throttle {
  private since = 0;
  add(n: number): void { this.since += n; }
  *tick(): Co<void> {
    if (this.since >= 1 << 20) { this.since = 0; yield TICK; }
  }
}

/** Writes that go nowhere (/dev/null, closed descriptors of background jobs). */
export class NullOut implements OutStream {
  readonly isTty = false;
  private readonly t = new Throttle();
  write(s: string): void { this.t.add(s.length); }
  *drain(): Co<void> { yield* this.t.tick(); }
}
export const NULL_OUT = new NullOut();

/** Largest regular file a redirection grows (then ENOSPC, as a full disk would say). */
export const MAX_FILE = 64 * 1024 * 1024;

/** Output appended to a Vfs inode (after the redirection opened/truncated it). */
export class FileOut implements OutStream {
  readonly isTty = false;
  private readonly t = new Throttle();
  constructor(private readonly fs: Vfs, private readonly node: Inode, private readonly path: string) {}
  write(s: string): void {
    if (!s) return;
    if (this.node.kind === 'file' && (this.node.data?.length ?? 0) + s.length > MAX_FILE) throw new FsError('ENOSPC', this.path);
    this.fs.writeNode(this.node, s, true, this.path);
    this.t.add(s.length);
  }
  *drain(): Co<void> { yield* this.t.tick(); }
}

/** Collects output in memory (command substitution). Capped, as a real shell would run out of memory. */
export class BufOut implements OutStream {
  readonly isTty = false;
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly cap = 16 * 1024 * 1024) {}
  write(s: string): void {
    if (this.size + s.length > this.cap) throw new ShellSignal('PIPE');
    this.parts.push(s);
    this.size += s.length;
  }
  // eslint-disable-next-line require-yield
  *drain(): Co<void> { /* never blocks */ }
  text(): string { return this.parts.join(''); }
}

/**
 * The terminal as an output stream: writes pass through; `drain()` yields a tick after every
 * ~64 KB so that `yes` on a terminal still lets the driver repaint and deliver Ctrl-C.
 */
export class TermOut implements OutStream {
  private since = 0;
  constructor(private readonly inner: OutStream) {}
  get isTty(): boolean { return this.inner.isTty; }
  write(s: string): void {
    this.inner.write(s);
    this.since += s.length;
  }
  *drain(): Co<void> {
    yield* this.inner.drain();
    if (this.since >= PIPE_CAPACITY) {
      this.since = 0;
      yield TICK;
    }
  }
}

/** Output passed to a callback (the terminal, tests). */
export class FnOut implements OutStream {
  constructor(private readonly fn: (s: string) => void, readonly isTty = false) {}
  write(s: string): void { if (s) this.fn(s); }
  // eslint-disable-next-line require-yield
  *drain(): Co<void> { /* terminal never blocks */ }
}

/** A pipe between two pipeline stages. */
export class Pipe {
  private chunks: string[] = [];
  private head = 0;
  size = 0;
  writerClosed = false;
  readerClosed = false;
  readonly reader: PipeReader;
  readonly writer: PipeWriter;
  constructor() {
    this.reader = new PipeReader(this);
    this.writer = new PipeWriter(this);
  }
  push(s: string): void {
    this.chunks.push(s);
    this.size += s.length;
    pipeActivity.count++;
  }
  take(): string {
    const parts = this.head === 0 ? this.chunks : this.chunks.slice(this.head);
    const s = parts.length === 1 ? parts[0] : parts.join('');
    this.chunks = [];
    this.head = 0;
    this.size = 0;
    pipeActivity.count++;
    return s;
  }
  closeWriter(): void { if (!this.writerClosed) { this.writerClosed = true; pipeActivity.count++; } }
  closeReader(): void {
    if (!this.readerClosed) { this.readerClosed = true; this.chunks = []; this.size = 0; pipeActivity.count++; }
  }
}

export class PipeWriter implements OutStream {
  readonly isTty = false;
  constructor(readonly pipe: Pipe) {}
  write(s: string): void {
    if (this.pipe.readerClosed) throw new ShellSignal('PIPE');
    if (s) this.pipe.push(s);
  }
  get full(): boolean { return this.pipe.size >= PIPE_CAPACITY; }
  *drain(): Co<void> {
    while (this.pipe.size >= PIPE_CAPACITY && !this.pipe.readerClosed) yield IO_WAIT;
    if (this.pipe.readerClosed) throw new ShellSignal('PIPE');
  }
}

export class PipeReader extends BufferedIn {
  readonly isTty = false;
  constructor(readonly pipe: Pipe) { super(); }
  protected *fill(): Co<string | null> {
    const p = this.pipe;
    while (p.size === 0) {
      if (p.writerClosed) return null;
      yield IO_WAIT;
    }
    return p.take();
  }
}

/**
 * The terminal's input: the host terminal feeds typed lines with `feed`, `eof` for Ctrl-D.
 * A reader of an empty terminal waits as a `sim` wait whose `ready()` turns true when input
 * arrives (headless, nothing ever arrives, so the driver sees a wait that can never end).
 */
export class TermIn extends BufferedIn {
  readonly isTty = true;
  private queue: string[] = [];
  private closed = false;
  /** Number of readers currently blocked (the terminal may show that input goes to a program). */
  waiting = 0;
  feed(s: string): void { this.queue.push(s); }
  /** Ctrl-D: the next read returns end of file. */
  eof(): void { this.closed = true; }
  get hasInput(): boolean { return this.queue.length > 0 || this.closed || this.pending.length > 0; }
  protected *fill(): Co<string | null> {
    while (!this.queue.length) {
      if (this.closed) { this.closed = false; return null; }
      this.waiting++;
      try {
        yield { kind: 'sim', ready: () => this.queue.length > 0 || this.closed };
      } finally { this.waiting--; }
    }
    return this.queue.shift()!;
  }
}
