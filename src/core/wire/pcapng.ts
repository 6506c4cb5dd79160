/**
 * pcapng files (draft-ietf-opsawg-pcapng): what "Save capture" writes and "Open" reads.
 *
 * Writing: a Section Header Block, one Interface Description Block per lab segment
 * (LINKTYPE_ETHERNET, `if_name` = the segment's name such as "vmnet1", `if_tsresol` = 6 so
 * timestamps are microseconds), then one Enhanced Packet Block per frame with the virtual
 * timestamp and, for frames a host dropped, an `opt_comment` with the reason, which
 * Wireshark shows as a packet comment (`frame.comment`). Little-endian, as the section's
 * byte-order magic says. Deterministic: the same frames give the same bytes.
 *
 * Reading accepts both byte orders, any `if_tsresol`, EPBs and Simple Packet Blocks, and
 * skips blocks it does not know. It also reads classic libpcap files. It never throws and
 * never reads outside the buffer: damage gives `{ ok: false, error }` with what was read so
 * far.
 */
import * as bytesM from './bytes.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { copyBytes } = bytesM;

export const LINKTYPE_ETHERNET = 1;
const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const SPB = 0x00000003;
const EPB = 0x00000006;
const BOM = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const SHB_USERAPPL = 4;

export interface PcapFrame {
  readonly iface: number;
  /** Virtual µs since the lab started. */
  readonly timeUs: number;
  readonly bytes: Uint8Array;
  /** Length on the wire when `bytes` was cut short (defaults to bytes.length). */
  readonly origLen?: number;
  readonly comment?: string;
}

export interface PcapInterface {
  readonly name: string;
  readonly description?: string;
}

export interface WriteOptions {
  /** µs since the Unix epoch at virtual time 0 (added to every timeUs). */
  readonly epochUs?: number;
  /** shb_userappl, shown by capinfos. */
  readonly application?: string;
}

const utf8 = new TextEncoder();
const pad4 = (n: number) => (n + 3) & ~3;

class Writer {
  buf = new Uint8Array(1 << 16);
  pos = 0;
  private dv = new DataView(this.buf.buffer);
  private grow(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }
  u16(v: number): void { this.grow(2); this.dv.setUint16(this.pos, v, true); this.pos += 2; }
  u32(v: number): void { this.grow(4); this.dv.setUint32(this.pos, v >>> 0, true); this.pos += 4; }
  bytes(b: Uint8Array): void {
    this.grow(pad4(b.length));
    this.buf.set(b, this.pos);
    this.buf.fill(0, this.pos + b.length, this.pos + pad4(b.length));
    this.pos += pad4(b.length);
  }
  option(code: number, value: Uint8Array): void {
    this.u16(code);
    this.u16(value.length);
    this.bytes(value);
  }
  /** Writes a block: type, total length, body (from `fill`), total length again. */
  block(type: number, fill: () => void): void {
    const start = this.pos;
    this.u32(type);
    this.u32(0);
    fill();
    const total = this.pos - start + 4;
    this.u32(total);
    this.dv.setUint32(start + 4, total, true);
  }
  result(): Uint8Array { return this.buf.slice(0, this.pos); }
}

/**
 * Writes a pcapng file. Frames on an interface index that is not in `ifaces` are written
 * anyway (the file is then what it says); pass every segment that appears.
 */
export function writePcapng(frames: Iterable<PcapFrame>, ifaces: readonly PcapInterface[], opts: WriteOptions = {}): Uint8Array {
  const w = new Writer();
  const epoch = opts.epochUs ?? 0;
  w.block(SHB, () => {
    w.u32(BOM);
    w.u16(1);
    w.u16(0);
    w.u32(0xffffffff); // section length unknown
    w.u32(0xffffffff);
    if (opts.application !== undefined) w.option(SHB_USERAPPL, utf8.encode(opts.application));
    if (opts.application !== undefined) w.option(OPT_ENDOFOPT, new Uint8Array(0));
  });
  for (const i of ifaces) {
    w.block(IDB, () => {
      w.u16(LINKTYPE_ETHERNET);
      w.u16(0);
      w.u32(262144); // snaplen
      w.option(IF_NAME, utf8.encode(i.name));
      if (i.description !== undefined) w.option(IF_DESCRIPTION, utf8.encode(i.description));
      w.option(IF_TSRESOL, Uint8Array.of(6));
      w.option(OPT_ENDOFOPT, new Uint8Array(0));
    });
  }
  for (const f of frames) {
    w.block(EPB, () => {
      const t = Math.max(0, Math.round(epoch + f.timeUs));
      w.u32(f.iface);
      w.u32(Math.floor(t / 4294967296));
      w.u32(t % 4294967296);
      w.u32(f.bytes.length);
      w.u32(Math.max(f.origLen ?? f.bytes.length, f.bytes.length));
      w.bytes(f.bytes);
      if (f.comment !== undefined) {
        w.option(OPT_COMMENT, utf8.encode(f.comment));
        w.option(OPT_ENDOFOPT, new Uint8Array(0));
      }
    });
  }
  return w.result();
}

// ---- reading ------------------------------------------------------------------------------------

export interface ReadInterface {
  readonly linkType: number;
  readonly name?: string;
  readonly description?: string;
  /** Timestamp units per second (10^6 unless if_tsresol says otherwise). */
  readonly unitsPerSecond: number;
}

export interface ReadFrame {
  readonly iface: number;
  /** µs since the Unix epoch. */
  readonly timeUs: number;
  readonly bytes: Uint8Array;
  readonly origLen: number;
  readonly comment?: string;
}

export type ReadResult =
  | { readonly ok: true; readonly interfaces: ReadInterface[]; readonly frames: ReadFrame[] }
  | { readonly ok: false; readonly error: string; readonly interfaces: ReadInterface[]; readonly frames: ReadFrame[] };

const td = new TextDecoder('utf-8', { fatal: false });

interface Options { comment?: string; name?: string; description?: string; tsresol?: number }

/** Reads the options in `b[s, e)`; stops quietly at damage (options are not vital). */
function readOptions(b: Uint8Array, dv: DataView, s: number, e: number, le: boolean): Options {
  const out: Options = {};
  let p = s;
  while (p + 4 <= e) {
    const code = dv.getUint16(p, le), len = dv.getUint16(p + 2, le);
    if (code === OPT_ENDOFOPT) break;
    if (p + 4 + len > e) break;
    const v = b.subarray(p + 4, p + 4 + len);
    if (code === OPT_COMMENT && out.comment === undefined) out.comment = td.decode(v);
    else if (code === IF_NAME) out.name = td.decode(v);
    else if (code === IF_DESCRIPTION) out.description = td.decode(v);
    else if (code === IF_TSRESOL && len >= 1) out.tsresol = v[0];
    p += 4 + pad4(len);
  }
  return out;
}

function unitsFromTsresol(r: number | undefined): number {
  if (r === undefined) return 1e6;
  const exp = r & 0x7f;
  if (exp > 30) return 1e6;
  return r & 0x80 ? 2 ** exp : 10 ** exp;
}

/** Reads a pcapng (or classic pcap) file. Never throws. */
export function readPcapng(bytes: Uint8Array): ReadResult {
  const interfaces: ReadInterface[] = [];
  const frames: ReadFrame[] = [];
  try {
    if (bytes.length >= 4) {
      const m = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
      if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return readPcap(bytes);
    }
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const fail = (error: string): ReadResult => ({ ok: false, error, interfaces, frames });
    let p = 0;
    let le = true;
    let sectionIfaceBase = 0;
    if (bytes.length < 12 || dv.getUint32(0, true) !== SHB) return fail('not a pcapng file (no section header block)');
    while (p < bytes.length) {
      if (p + 12 > bytes.length) return fail(`truncated block header at offset ${p}`);
      let type = dv.getUint32(p, le);
      if (type === SHB) {
        const bom = dv.getUint32(p + 8, true);
        if (bom === BOM) le = true;
        else if (bom === 0x4d3c2b1a) le = false;
        else return fail(`bad byte-order magic at offset ${p}`);
        type = SHB;
        sectionIfaceBase = interfaces.length;
      }
      const total = dv.getUint32(p + 4, le);
      if (total < 12 || total % 4 !== 0) return fail(`bad block length ${total} at offset ${p}`);
      if (p + total > bytes.length) return fail(`block at offset ${p} runs past the end of the file`);
      if (dv.getUint32(p + total - 4, le) !== total) return fail(`block at offset ${p}: trailing length does not match`);
      const body = p + 8, end = p + total - 4;
      if (type === IDB) {
        if (end - body < 8) return fail(`short interface block at offset ${p}`);
        const o = readOptions(bytes, dv, body + 8, end, le);
        interfaces.push({
          linkType: dv.getUint16(body, le), unitsPerSecond: unitsFromTsresol(o.tsresol),
          ...(o.name !== undefined ? { name: o.name } : {}), ...(o.description !== undefined ? { description: o.description } : {}),
        });
      } else if (type === EPB) {
        if (end - body < 20) return fail(`short packet block at offset ${p}`);
        const ifIdx = sectionIfaceBase + dv.getUint32(body, le);
        const hi = dv.getUint32(body + 4, le), lo = dv.getUint32(body + 8, le);
        const cap = dv.getUint32(body + 12, le), orig = dv.getUint32(body + 16, le);
        if (body + 20 + cap > end) return fail(`packet block at offset ${p}: captured length ${cap} exceeds the block`);
        const iface = interfaces[ifIdx];
        if (iface === undefined) return fail(`packet block at offset ${p} names interface ${ifIdx - sectionIfaceBase}, which was not described`);
        const o = readOptions(bytes, dv, body + 20 + pad4(cap), end, le);
        const ts = hi * 4294967296 + lo;
        frames.push({
          iface: ifIdx, timeUs: iface.unitsPerSecond === 1e6 ? ts : Math.round((ts * 1e6) / iface.unitsPerSecond),
          bytes: copyBytes(bytes, body + 20, body + 20 + cap), origLen: orig, ...(o.comment !== undefined ? { comment: o.comment } : {}),
        });
      } else if (type === SPB) {
        if (end - body < 4) return fail(`short simple packet block at offset ${p}`);
        const orig = dv.getUint32(body, le);
        const cap = Math.min(orig, end - body - 4);
        if (interfaces[sectionIfaceBase] === undefined) return fail(`simple packet block at offset ${p} before any interface`);
        frames.push({ iface: sectionIfaceBase, timeUs: 0, bytes: copyBytes(bytes, body + 4, body + 4 + cap), origLen: orig });
      }
      p += total;
    }
    return { ok: true, interfaces, frames };
  } catch (e) {
    // Defensive only: every access above is bounds-checked first.
    return { ok: false, error: `unreadable capture: ${String(e)}`, interfaces, frames };
  }
}

/** Reads a classic libpcap file (µs or ns timestamps, either byte order). Never throws. */
export function readPcap(bytes: Uint8Array): ReadResult {
  const interfaces: ReadInterface[] = [];
  const frames: ReadFrame[] = [];
  if (bytes.length < 24) return { ok: false, error: 'not a pcap file (short header)', interfaces, frames };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const m = dv.getUint32(0, true);
  const le = m === 0xa1b2c3d4 || m === 0xa1b23c4d;
  const nano = m === 0xa1b23c4d || m === 0x4d3cb2a1;
  if (!le && m !== 0xd4c3b2a1 && m !== 0x4d3cb2a1) return { ok: false, error: 'not a pcap file (bad magic)', interfaces, frames };
  interfaces.push({ linkType: dv.getUint32(20, le) & 0x0fffffff, unitsPerSecond: nano ? 1e9 : 1e6 });
  let p = 24;
  while (p < bytes.length) {
    if (p + 16 > bytes.length) return { ok: false, error: `truncated record header at offset ${p}`, interfaces, frames };
    const sec = dv.getUint32(p, le), frac = dv.getUint32(p + 4, le), cap = dv.getUint32(p + 8, le), orig = dv.getUint32(p + 12, le);
    if (p + 16 + cap > bytes.length) return { ok: false, error: `record at offset ${p} runs past the end of the file`, interfaces, frames };
    frames.push({ iface: 0, timeUs: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac), bytes: copyBytes(bytes, p + 16, p + 16 + cap), origLen: orig });
    p += 16 + cap;
  }
  return { ok: true, interfaces, frames };
}

