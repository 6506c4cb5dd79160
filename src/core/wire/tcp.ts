/**
 * TCP header (RFC 9293) and its options: EOL, NOP, MSS, window scale (RFC 7323), SACK
 * permitted and SACK (RFC 2018), timestamps (RFC 7323), and the FULLNAT "TCP option address"
 * (TOA) that Alibaba's LVS and DPVS add to the first data segment so the real server can learn
 * the client's address: kind 254, length 8, client port (2 bytes), client IPv4 (4 bytes), as in
 * their `toa.h` (`struct toa_data { opcode; opsize; port; ip; }`).
 *
 * The data offset is derived from the options; the option area is padded with zero bytes to
 * a multiple of 4, as Linux's `tcp_options_write` would (Linux itself never needs padding: it
 * aligns with NOPs, which a Repr lists explicitly). Options the lab does not know, or known
 * kinds with a length that does not fit them, are kept as `{ kind: 'unknown', type, data }` so
 * nothing is lost. The NS bit and the reserved bits are not modelled.
 *
 * Canonical form (what `parseTcp` returns, and what makes `parseTcp(emitTcp(r))` equal r):
 * `urgent` is absent when zero and the option list does not end with `eol` (EOL followed only
 * by zero padding is the padding itself). An EOL followed by non-zero bytes is kept, and
 * parsing carries on after it, so even odd option areas survive a round trip.
 */
import * as bytesM from './bytes.ts';
import * as checksumM from './checksum.ts';
import { wireError, type ParseOptions, type WireError } from './error.ts';
import * as typesM from './types.ts';
import type { Ipv4Addr, TcpOption, TcpRepr } from './types.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { copyBytes, copyInto, get16, get32, put16, put32 } = bytesM;
const { checksumValid, finishChecksum, pseudoHeaderSum, sum16 } = checksumM;
const { IpProto } = typesM;

export const TCP_FIELD = {
  SRC_PORT: [0, 2],
  DST_PORT: [2, 4],
  SEQ: [4, 8],
  ACK: [8, 12],
  DATA_OFF: 12, // high nibble: header length in 32-bit words; low bit: NS
  FLAGS: 13,
  WINDOW: [14, 16],
  CHECKSUM: [16, 18],
  URGENT: [18, 20],
  OPTIONS: 20,
} as const;
export const TCP_HEADER_LEN = 20;
export const TCP_MAX_OPTIONS_LEN = 40;

export const TcpOptionKind = {
  EOL: 0, NOP: 1, MSS: 2, WS: 3, SACK_PERM: 4, SACK: 5, TS: 8, TOA: 254,
} as const;

export class TcpView {
  private constructor(readonly buf: Uint8Array, readonly off: number, readonly len: number) {}

  static check(buf: Uint8Array, off = 0, len = buf.length - off): TcpView | WireError {
    if (off < 0 || len < 0 || off + len > buf.length) return wireError('tcp', 'truncated', 'view outside buffer');
    if (len < TCP_HEADER_LEN) return wireError('tcp', 'truncated', `${len} bytes, header needs 20`);
    const v = new TcpView(buf, off, len);
    const hl = v.headerLen;
    if (hl < TCP_HEADER_LEN) return wireError('tcp', 'malformed', `data offset ${hl} bytes < 20`);
    if (hl > len) return wireError('tcp', 'truncated', `data offset ${hl} bytes > segment ${len}`);
    return v;
  }
  static unchecked(buf: Uint8Array, off = 0, len = buf.length - off): TcpView {
    return new TcpView(buf, off, len);
  }

  get srcPort(): number { return get16(this.buf, this.off + TCP_FIELD.SRC_PORT[0]); }
  set srcPort(v: number) { put16(this.buf, this.off + TCP_FIELD.SRC_PORT[0], v); }
  get dstPort(): number { return get16(this.buf, this.off + TCP_FIELD.DST_PORT[0]); }
  set dstPort(v: number) { put16(this.buf, this.off + TCP_FIELD.DST_PORT[0], v); }
  get seq(): number { return get32(this.buf, this.off + TCP_FIELD.SEQ[0]); }
  set seq(v: number) { put32(this.buf, this.off + TCP_FIELD.SEQ[0], v); }
  get ack(): number { return get32(this.buf, this.off + TCP_FIELD.ACK[0]); }
  set ack(v: number) { put32(this.buf, this.off + TCP_FIELD.ACK[0], v); }
  /** Header length in bytes (data offset × 4). */
  get headerLen(): number { return (this.buf[this.off + TCP_FIELD.DATA_OFF] >> 4) * 4; }
  set headerLen(v: number) {
    const o = this.off + TCP_FIELD.DATA_OFF;
    this.buf[o] = ((v >> 2) << 4) | (this.buf[o] & 0x0f);
  }
  /** The 12 flag bits (reserved, NS/AE, CWR … FIN), as Wireshark's `tcp.flags`. */
  get flags12(): number { return ((this.buf[this.off + TCP_FIELD.DATA_OFF] & 0x0f) << 8) | this.buf[this.off + TCP_FIELD.FLAGS]; }
  get flags(): number { return this.buf[this.off + TCP_FIELD.FLAGS]; }
  set flags(v: number) { this.buf[this.off + TCP_FIELD.FLAGS] = v; }
  get window(): number { return get16(this.buf, this.off + TCP_FIELD.WINDOW[0]); }
  set window(v: number) { put16(this.buf, this.off + TCP_FIELD.WINDOW[0], v); }
  get checksum(): number { return get16(this.buf, this.off + TCP_FIELD.CHECKSUM[0]); }
  set checksum(v: number) { put16(this.buf, this.off + TCP_FIELD.CHECKSUM[0], v); }
  get urgent(): number { return get16(this.buf, this.off + TCP_FIELD.URGENT[0]); }
  set urgent(v: number) { put16(this.buf, this.off + TCP_FIELD.URGENT[0], v); }
  get optionsStart(): number { return this.off + TCP_FIELD.OPTIONS; }
  get payloadStart(): number { return this.off + this.headerLen; }
  get end(): number { return this.off + this.len; }
  get options(): Uint8Array { return this.buf.subarray(this.optionsStart, this.payloadStart); }
  get payload(): Uint8Array { return this.buf.subarray(this.payloadStart, this.end); }

  verifyChecksum(src: number, dst: number): boolean {
    return checksumValid(this.buf, this.off, this.end, pseudoHeaderSum(src, dst, IpProto.TCP, this.len));
  }
  fillChecksum(src: number, dst: number): void {
    this.checksum = 0;
    this.checksum = finishChecksum(sum16(this.buf, this.off, this.end, pseudoHeaderSum(src, dst, IpProto.TCP, this.len)));
  }
}

// ---- options --------------------------------------------------------------------------------

export function tcpOptionLen(o: TcpOption): number {
  switch (o.kind) {
    case 'eol': case 'nop': return 1;
    case 'mss': return 4;
    case 'ws': return 3;
    case 'sackPerm': return 2;
    case 'sack': return 2 + 8 * o.blocks.length;
    case 'ts': return 10;
    case 'toa': return 8;
    case 'unknown': return 2 + o.data.length;
  }
}

/** Bytes the option area takes, padded to a multiple of 4. */
export function tcpOptionsLen(options: readonly TcpOption[]): number {
  let n = 0;
  for (let i = 0; i < options.length; i++) n += tcpOptionLen(options[i]);
  return (n + 3) & ~3;
}

/** Writes the options at `off`, zero-padded to a multiple of 4; returns the padded length. */
export function emitTcpOptions(options: readonly TcpOption[], buf: Uint8Array, off: number): number {
  // Linux's option block on every segment after the handshake: NOP, NOP, timestamps.
  if (options.length === 3) {
    const a = options[0], b = options[1], c = options[2];
    if (a.kind === 'nop' && b.kind === 'nop' && c.kind === 'ts') {
      buf[off] = 1; buf[off + 1] = 1; buf[off + 2] = 8; buf[off + 3] = 10;
      put32(buf, off + 4, c.val); put32(buf, off + 8, c.ecr);
      return 12;
    }
  }
  let p = off;
  for (let i = 0; i < options.length; i++) {
    const o = options[i];
    switch (o.kind) {
      case 'eol': buf[p++] = 0; break;
      case 'nop': buf[p++] = 1; break;
      case 'mss': buf[p] = 2; buf[p + 1] = 4; put16(buf, p + 2, o.value); p += 4; break;
      case 'ws': buf[p] = 3; buf[p + 1] = 3; buf[p + 2] = o.shift; p += 3; break;
      case 'sackPerm': buf[p] = 4; buf[p + 1] = 2; p += 2; break;
      case 'sack': {
        const n = o.blocks.length;
        buf[p] = 5; buf[p + 1] = 2 + 8 * n; p += 2;
        for (let j = 0; j < n; j++) { put32(buf, p, o.blocks[j][0]); put32(buf, p + 4, o.blocks[j][1]); p += 8; }
        break;
      }
      case 'ts': buf[p] = 8; buf[p + 1] = 10; put32(buf, p + 2, o.val); put32(buf, p + 6, o.ecr); p += 10; break;
      case 'toa': buf[p] = 254; buf[p + 1] = 8; put16(buf, p + 2, o.port); put32(buf, p + 4, o.addr); p += 8; break;
      case 'unknown': buf[p] = o.type; buf[p + 1] = o.data.length + 2; copyInto(buf, p + 2, o.data); p += 2 + o.data.length; break;
    }
  }
  while ((p - off) & 3) buf[p++] = 0;
  return p - off;
}

function allZero(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 0) return false;
  return true;
}

/** Decodes the option area `b[start, end)`. An option running past the end is malformed. */
export function parseTcpOptions(b: Uint8Array, start: number, end: number): TcpOption[] | WireError {
  const out: TcpOption[] = [];
  let p = start;
  while (p < end) {
    const kind = b[p];
    if (kind === 0) {
      if (allZero(b, p + 1, end)) break; // padding
      out.push({ kind: 'eol' });
      p++;
      continue;
    }
    if (kind === 1) { out.push({ kind: 'nop' }); p++; continue; }
    if (p + 1 >= end) return wireError('tcp', 'malformed', `option ${kind} has no length byte`);
    const len = b[p + 1];
    if (len < 2) return wireError('tcp', 'malformed', `option ${kind} length ${len} < 2`);
    if (p + len > end) return wireError('tcp', 'malformed', `option ${kind} length ${len} runs past the header`);
    if (kind === 2 && len === 4) out.push({ kind: 'mss', value: get16(b, p + 2) });
    else if (kind === 3 && len === 3) out.push({ kind: 'ws', shift: b[p + 2] });
    else if (kind === 4 && len === 2) out.push({ kind: 'sackPerm' });
    else if (kind === 5 && (len - 2) % 8 === 0) {
      const blocks: (readonly [number, number])[] = [];
      for (let q = p + 2; q < p + len; q += 8) blocks.push([get32(b, q), get32(b, q + 4)]);
      out.push({ kind: 'sack', blocks });
    } else if (kind === 8 && len === 10) out.push({ kind: 'ts', val: get32(b, p + 2), ecr: get32(b, p + 6) });
    else if (kind === 254 && len === 8) out.push({ kind: 'toa', port: get16(b, p + 2), addr: get32(b, p + 4) as Ipv4Addr });
    else out.push({ kind: 'unknown', type: kind, data: copyBytes(b, p + 2, p + len) });
    p += len;
  }
  return out;
}

// ---- repr -----------------------------------------------------------------------------------

export function parseTcp(v: TcpView, src: number, dst: number, opts?: ParseOptions): TcpRepr | WireError {
  if (opts?.verifyChecksums && !v.verifyChecksum(src, dst)) return wireError('tcp', 'checksum', 'bad TCP checksum');
  const options = parseTcpOptions(v.buf, v.optionsStart, v.payloadStart);
  if (!Array.isArray(options)) return options;
  const urgent = v.urgent;
  const r: TcpRepr = {
    kind: 'tcp',
    srcPort: v.srcPort,
    dstPort: v.dstPort,
    seq: v.seq,
    ack: v.ack,
    flags: v.flags,
    window: v.window,
    options,
    payload: copyBytes(v.buf, v.payloadStart, v.end),
  };
  return urgent !== 0 ? { ...r, urgent } : r;
}

export function tcpBufferLen(r: TcpRepr): number {
  return TCP_HEADER_LEN + tcpOptionsLen(r.options) + r.payload.length;
}

/**
 * Writes the segment at `off` with its checksum over the pseudo-header of `src`/`dst`.
 * Returns the bytes written. Throws RangeError when the options exceed 40 bytes (a bug in the
 * caller: no real stack can send that).
 */
export function emitTcp(r: TcpRepr, buf: Uint8Array, off: number, src: number, dst: number): number {
  const optLen = r.options.length === 0 ? 0 : emitTcpOptions(r.options, buf, off + TCP_HEADER_LEN);
  if (optLen > TCP_MAX_OPTIONS_LEN) throw new RangeError(`TCP options take ${optLen} bytes, at most 40 fit`);
  const hl = TCP_HEADER_LEN + optLen;
  const pl = r.payload.length;
  if (pl !== 0) copyInto(buf, off + hl, r.payload);
  const len = hl + pl;
  put16(buf, off, r.srcPort);
  put16(buf, off + 2, r.dstPort);
  put32(buf, off + 4, r.seq);
  put32(buf, off + 8, r.ack);
  buf[off + 12] = (hl >> 2) << 4;
  buf[off + 13] = r.flags;
  put16(buf, off + 14, r.window);
  buf[off + 16] = 0;
  buf[off + 17] = 0;
  put16(buf, off + 18, r.urgent ?? 0);
  put16(buf, off + 16, finishChecksum(sum16(buf, off, off + len, pseudoHeaderSum(src, dst, IpProto.TCP, len))));
  return len;
}
