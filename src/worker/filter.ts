/**
 * Display filters (Wireshark's syntax, the subset a lab needs), compiled to a predicate over
 * a frame's bytes. A local adapter: src/core/wire/filter.ts is being written by the wire
 * engineer; when it lands, `compileFilter` here should defer to it.
 *
 * Supported: protocol names (eth arp ip ipip icmp tcp udp http tls vrrp data), fields
 * eth.addr/src/dst/type, ip.addr/src/dst/proto/ttl/id/len, tcp.port/srcport/dstport/seq/ack/len,
 * tcp.flags.syn/ack/fin/reset/push/urg, udp.port/srcport/dstport, icmp.type/code,
 * arp.opcode, arp.src.proto_ipv4, arp.dst.proto_ipv4, arp.src.hw_mac, arp.dst.hw_mac,
 * http.request, http.response, frame.len, frame.number; operators == != > < >= <= (and
 * eq ne gt lt ge le), `and`/`&&`, `or`/`||`, `not`/`!`, parentheses; values: numbers (dec or
 * 0x hex), dotted quads (with /prefix), MACs, true/false.
 *
 * Semantics follow Wireshark 4: a field that occurs several times (ip.src in IP-in-IP, or in
 * an ICMP error's quote) matches `==` when any occurrence does, and `!=` only when all
 * occurrences differ. Runs on a reusable FrameScan, so filtering allocates nothing per frame.
 */
import { get16, get32 } from '../core/wire/bytes.ts';
import { APP_HTTP, APP_TLS, FrameScan, scanFrame } from '../core/wire/scan.ts';
import { parseIpv4, parseMac, prefixMask } from '../core/wire/types.ts';
import type { FilterCheck } from './protocol.ts';

export type FramePredicate = (bytes: Uint8Array, no: number) => boolean;

export type Compiled = { ok: true; match: FramePredicate } | { ok: false; error: string; pos: number };

type Kind = 'ip' | 'mac' | 'num' | 'bool';
/** Pushes every occurrence of a field's value into `out`. */
type Extract = (s: FrameScan, out: number[], no: number) => void;

interface FieldDef { kind: Kind; get: Extract }

const ip32 = (b: Uint8Array, o: number) => get32(b, o);
const mac48 = (b: Uint8Array, o: number) => get16(b, o) * 4294967296 + get32(b, o + 2);

function ipField(off: number[]): Extract {
  return (s, out) => { for (let i = 0; i < s.ipN; i++) for (const o of off) out.push(ip32(s.b, s.ipOff[i] + o)); };
}
function ipByte(get: (b: Uint8Array, o: number) => number): Extract {
  return (s, out) => { for (let i = 0; i < s.ipN; i++) out.push(get(s.b, s.ipOff[i])); };
}
function tcpPorts(which: 'src' | 'dst' | 'both', l4 = 6): Extract {
  return (s, out) => {
    if (s.l4 === l4) {
      if (which !== 'dst') out.push(get16(s.b, s.l4Off));
      if (which !== 'src') out.push(get16(s.b, s.l4Off + 2));
    }
    if (s.q4 === l4 && s.q4End - s.q4Off >= 4) {
      if (which !== 'dst') out.push(get16(s.b, s.q4Off));
      if (which !== 'src') out.push(get16(s.b, s.q4Off + 2));
    }
  };
}
function tcpFlag(bit: number): Extract {
  return (s, out) => { if (s.l4 === 6) out.push(s.b[s.l4Off + 13] & bit ? 1 : 0); };
}
function proto(test: (s: FrameScan) => boolean): Extract {
  return (s, out) => { if (test(s)) out.push(1); };
}

const FIELDS: Record<string, FieldDef> = {
  'frame.len': { kind: 'num', get: (s, out) => out.push(s.len) },
  'frame.number': { kind: 'num', get: (_s, out, no) => out.push(no) },
  'eth.src': { kind: 'mac', get: (s, out) => { if (s.len >= 14) out.push(mac48(s.b, 6)); } },
  'eth.dst': { kind: 'mac', get: (s, out) => { if (s.len >= 14) out.push(mac48(s.b, 0)); } },
  'eth.addr': { kind: 'mac', get: (s, out) => { if (s.len >= 14) out.push(mac48(s.b, 0), mac48(s.b, 6)); } },
  'eth.type': { kind: 'num', get: (s, out) => { if (s.ethType >= 0) out.push(s.ethType); } },
  'ip.src': { kind: 'ip', get: ipField([12]) },
  'ip.dst': { kind: 'ip', get: ipField([16]) },
  'ip.addr': { kind: 'ip', get: ipField([12, 16]) },
  'ip.proto': { kind: 'num', get: ipByte((b, o) => b[o + 9]) },
  'ip.ttl': { kind: 'num', get: ipByte((b, o) => b[o + 8]) },
  'ip.id': { kind: 'num', get: ipByte((b, o) => get16(b, o + 4)) },
  'ip.len': { kind: 'num', get: ipByte((b, o) => get16(b, o + 2)) },
  'tcp.port': { kind: 'num', get: tcpPorts('both') },
  'tcp.srcport': { kind: 'num', get: tcpPorts('src') },
  'tcp.dstport': { kind: 'num', get: tcpPorts('dst') },
  'tcp.seq': { kind: 'num', get: (s, out) => { if (s.l4 === 6) out.push(get32(s.b, s.l4Off + 4)); } },
  'tcp.ack': { kind: 'num', get: (s, out) => { if (s.l4 === 6) out.push(get32(s.b, s.l4Off + 8)); } },
  'tcp.len': { kind: 'num', get: (s, out) => { if (s.l4 === 6) out.push(s.l4End - s.l4Off - s.l4Hl); } },
  'tcp.flags.fin': { kind: 'bool', get: tcpFlag(1) },
  'tcp.flags.syn': { kind: 'bool', get: tcpFlag(2) },
  'tcp.flags.reset': { kind: 'bool', get: tcpFlag(4) },
  'tcp.flags.push': { kind: 'bool', get: tcpFlag(8) },
  'tcp.flags.ack': { kind: 'bool', get: tcpFlag(16) },
  'tcp.flags.urg': { kind: 'bool', get: tcpFlag(32) },
  'udp.port': { kind: 'num', get: tcpPorts('both', 17) },
  'udp.srcport': { kind: 'num', get: tcpPorts('src', 17) },
  'udp.dstport': { kind: 'num', get: tcpPorts('dst', 17) },
  'icmp.type': { kind: 'num', get: (s, out) => { if (s.l4 === 1) out.push(s.b[s.l4Off]); } },
  'icmp.code': { kind: 'num', get: (s, out) => { if (s.l4 === 1) out.push(s.b[s.l4Off + 1]); } },
  'arp.opcode': { kind: 'num', get: (s, out) => { if (s.arp >= 0) out.push(get16(s.b, s.arp + 6)); } },
  'arp.src.hw_mac': { kind: 'mac', get: (s, out) => { if (s.arp >= 0) out.push(mac48(s.b, s.arp + 8)); } },
  'arp.src.proto_ipv4': { kind: 'ip', get: (s, out) => { if (s.arp >= 0) out.push(ip32(s.b, s.arp + 14)); } },
  'arp.dst.hw_mac': { kind: 'mac', get: (s, out) => { if (s.arp >= 0) out.push(mac48(s.b, s.arp + 18)); } },
  'arp.dst.proto_ipv4': { kind: 'ip', get: (s, out) => { if (s.arp >= 0) out.push(ip32(s.b, s.arp + 24)); } },
  'http.request': { kind: 'bool', get: proto((s) => s.app === APP_HTTP && s.b[s.appOff] !== 0x48) },
  'http.response': { kind: 'bool', get: proto((s) => s.app === APP_HTTP && s.b[s.appOff] === 0x48 && s.b[s.appOff + 1] === 0x54) },
  // Protocols: present or not.
  eth: { kind: 'bool', get: proto((s) => s.ethType >= 0) },
  arp: { kind: 'bool', get: proto((s) => s.ethType === 0x0806) },
  ip: { kind: 'bool', get: proto((s) => s.ipN > 0) },
  ipip: { kind: 'bool', get: proto((s) => s.ipipCount > 0) },
  icmp: { kind: 'bool', get: proto((s) => s.l4 === 1) },
  tcp: { kind: 'bool', get: proto((s) => s.l4 === 6) },
  udp: { kind: 'bool', get: proto((s) => s.l4 === 17) },
  vrrp: { kind: 'bool', get: proto((s) => s.l4 === 112) },
  http: { kind: 'bool', get: proto((s) => s.app === APP_HTTP) },
  tls: { kind: 'bool', get: proto((s) => s.app === APP_TLS) },
};

/** Field names the filter box can suggest. */
export const FILTER_FIELDS: readonly string[] = Object.keys(FIELDS).sort();

// ---- lexer ------------------------------------------------------------------------------------

type Tok = { t: 'id' | 'op' | 'lp' | 'rp' | 'and' | 'or' | 'not' | 'end'; v: string; pos: number };

const OPS: Record<string, string> = { '==': '==', '!=': '!=', '>=': '>=', '<=': '<=', '>': '>', '<': '<', eq: '==', ne: '!=', gt: '>', lt: '<', ge: '>=', le: '<=', '===': '==', '!==': '!=' };

class FilterError extends Error { constructor(msg: string, readonly pos: number) { super(msg); } }

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n') { i++; continue; }
    if (c === '(') { out.push({ t: 'lp', v: c, pos: i++ }); continue; }
    if (c === ')') { out.push({ t: 'rp', v: c, pos: i++ }); continue; }
    const two = src.slice(i, i + 3);
    const op = ['===', '!==', '==', '!=', '>=', '<=', '&&', '||', '>', '<', '!'].find((o) => two.startsWith(o));
    if (op) {
      if (op === '&&') out.push({ t: 'and', v: op, pos: i });
      else if (op === '||') out.push({ t: 'or', v: op, pos: i });
      else if (op === '!') out.push({ t: 'not', v: op, pos: i });
      else out.push({ t: 'op', v: OPS[op], pos: i });
      i += op.length;
      continue;
    }
    if (c === '=') throw new FilterError('"=" is not an operator; use "=="', i);
    if (c === '"') {
      const j = src.indexOf('"', i + 1);
      if (j < 0) throw new FilterError('unterminated string', i);
      out.push({ t: 'id', v: src.slice(i + 1, j), pos: i });
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z0-9_.:/-]+/.exec(src.slice(i));
    if (!m) throw new FilterError(`unexpected character "${c}"`, i);
    const w = m[0];
    const lw = w.toLowerCase();
    if (lw === 'and') out.push({ t: 'and', v: w, pos: i });
    else if (lw === 'or') out.push({ t: 'or', v: w, pos: i });
    else if (lw === 'not') out.push({ t: 'not', v: w, pos: i });
    else if (OPS[lw] && /^[a-z]+$/.test(lw)) out.push({ t: 'op', v: OPS[lw], pos: i });
    else out.push({ t: 'id', v: w, pos: i });
    i += w.length;
  }
  out.push({ t: 'end', v: '', pos: src.length });
  return out;
}

// ---- parser -----------------------------------------------------------------------------------

type Node = (s: FrameScan, no: number, tmp: number[]) => boolean;

function parseValue(kind: Kind, tok: Tok, field: string): (v: number) => number | null {
  const text = tok.v;
  if (kind === 'ip') {
    const [a, p] = text.split('/');
    const addr = parseIpv4(a);
    const prefix = p === undefined ? 32 : Number(p);
    if (addr === null || !(prefix >= 0 && prefix <= 32) || (p !== undefined && !/^\d+$/.test(p))) {
      throw new FilterError(`"${text}" is not a valid IPv4 address for ${field}`, tok.pos);
    }
    const mask = prefixMask(prefix);
    const want = (addr & mask) >>> 0;
    return (v) => (((v & mask) >>> 0) === want ? 0 : v < want ? -1 : 1);
  }
  if (kind === 'mac') {
    const m = parseMac(text);
    if (m === null) throw new FilterError(`"${text}" is not a valid Ethernet address for ${field}`, tok.pos);
    return (v) => v - m;
  }
  let n: number;
  if (kind === 'bool' && /^(true|false)$/i.test(text)) n = /^true$/i.test(text) ? 1 : 0;
  else if (/^0x[0-9a-f]+$/i.test(text)) n = parseInt(text, 16);
  else if (/^\d+$/.test(text)) n = Number(text);
  else throw new FilterError(`"${text}" is not a valid ${kind === 'bool' ? 'boolean' : 'number'} for ${field}`, tok.pos);
  return (v) => v - n;
}

function compare(op: string, d: number): boolean {
  switch (op) {
    case '==': return d === 0;
    case '!=': return d !== 0;
    case '>': return d > 0;
    case '<': return d < 0;
    case '>=': return d >= 0;
    default: return d <= 0;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  private peek(): Tok { return this.toks[this.i]; }
  private next(): Tok { return this.toks[this.i++]; }

  parse(): Node {
    const n = this.or();
    const t = this.peek();
    if (t.t !== 'end') throw new FilterError(t.t === 'rp' ? 'unbalanced ")"' : `unexpected "${t.v}"`, t.pos);
    return n;
  }
  private or(): Node {
    let l = this.and();
    while (this.peek().t === 'or') { this.next(); const a = l, b = this.and(); l = (s, no, tmp) => a(s, no, tmp) || b(s, no, tmp); }
    return l;
  }
  private and(): Node {
    let l = this.not();
    while (this.peek().t === 'and') { this.next(); const a = l, b = this.not(); l = (s, no, tmp) => a(s, no, tmp) && b(s, no, tmp); }
    return l;
  }
  private not(): Node {
    if (this.peek().t === 'not') { this.next(); const a = this.not(); return (s, no, tmp) => !a(s, no, tmp); }
    return this.primary();
  }
  private primary(): Node {
    const t = this.next();
    if (t.t === 'lp') {
      const n = this.or();
      const r = this.next();
      if (r.t !== 'rp') throw new FilterError('missing ")"', r.pos);
      return n;
    }
    if (t.t === 'end') throw new FilterError('the filter ends too early', t.pos);
    if (t.t !== 'id') throw new FilterError(`unexpected "${t.v}"`, t.pos);
    const name = t.v.toLowerCase();
    const def = FIELDS[name];
    if (!def) throw new FilterError(`"${t.v}" is neither a field nor a protocol name`, t.pos);
    if (this.peek().t !== 'op') {
      // As Wireshark: a bare field tests presence (`tcp.flags.syn` is in every TCP frame).
      return (s, no, tmp) => { tmp.length = 0; def.get(s, tmp, no); return tmp.length > 0; };
    }
    const op = this.next().v;
    const vt = this.next();
    if (vt.t !== 'id') throw new FilterError(vt.t === 'end' ? `${op} needs a value after it` : `unexpected "${vt.v}"`, vt.pos);
    const cmp = parseValue(def.kind, vt, name);
    if ((def.kind === 'ip' || def.kind === 'mac') && op !== '==' && op !== '!=') {
      throw new FilterError(`${op} does not apply to addresses; use == or !=`, vt.pos);
    }
    if (op === '!=') {
      return (s, no, tmp) => {
        tmp.length = 0; def.get(s, tmp, no);
        if (!tmp.length) return false;
        for (const v of tmp) if (cmp(v) === 0) return false;
        return true;
      };
    }
    return (s, no, tmp) => {
      tmp.length = 0; def.get(s, tmp, no);
      for (const v of tmp) { const d = cmp(v); if (d !== null && compare(op, d)) return true; }
      return false;
    };
  }
}

export function compileFilter(text: string): Compiled {
  if (text.trim() === '') return { ok: true, match: () => true };
  try {
    const node = new Parser(lex(text)).parse();
    const scan = new FrameScan();
    const tmp: number[] = [];
    return { ok: true, match: (bytes, no) => node(scanFrame(bytes, scan), no, tmp) };
  } catch (e) {
    if (e instanceof FilterError) return { ok: false, error: e.message, pos: e.pos };
    return { ok: false, error: String(e), pos: 0 };
  }
}

export function checkFilter(text: string): FilterCheck {
  const c = compileFilter(text);
  return c.ok ? { ok: true } : { ok: false, error: c.error, pos: c.pos };
}
