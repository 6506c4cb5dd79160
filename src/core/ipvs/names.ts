/**
 * The libc look-ups ipvsadm uses, over a host's files: inet_aton() (glibc's, with octal, hex
 * and short forms), gethostbyname()/gethostbyaddr() through /etc/hosts (the lab has no DNS
 * server: the keyfiles' 8.8.8.8 is unreachable), getservbyname()/getservbyport() through
 * /etc/services, strtol() as string_to_number() uses it.
 */
import type { Vfs } from '../fs/vfs.ts';

/** glibc inet_aton(): 1 to 4 parts in decimal, octal (0…) or hex (0x…); trailing whitespace ends it. */
export function inetAton(s: string): number | null {
  const ws = s.search(/[ \t\n\v\f\r]/);
  const str = ws >= 0 ? s.slice(0, ws) : s;
  if (str === '') return null;
  const parts = str.split('.');
  if (parts.length > 4) return null;
  const vals: number[] = [];
  for (const p of parts) {
    let v: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) v = p.length > 2 ? parseInt(p.slice(2), 16) : 0;
    else if (/^0[0-7]*$/.test(p)) v = parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) v = parseInt(p, 10);
    else return null;
    if (!Number.isFinite(v) || v > 0xffffffff) return null;
    vals.push(v);
  }
  const n = vals.length;
  for (let i = 0; i < n - 1; i++) if (vals[i] > 255) return null;
  const last = vals[n - 1];
  const max = [0xffffffff, 0xffffff, 0xffff, 0xff][n - 1];
  if (last > max) return null;
  let v = 0;
  for (let i = 0; i < n - 1; i++) v += vals[i] * 2 ** (24 - 8 * i);
  return (v + last) >>> 0;
}

function lines(fs: Vfs, path: string): string[][] {
  let text = '';
  try { text = fs.readFile(path); } catch { return []; }
  return text.split('\n').map((l) => l.replace(/#.*/, '').trim().split(/\s+/)).filter((t) => t.length >= 2 && t[0] !== '');
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
function dotted(s: string): number | null {
  const m = DOTTED.exec(s);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) { const o = Number(m[i]); if (o > 255) return null; v = v * 256 + o; }
  return v;
}

/** gethostbyname() for IPv4 through /etc/hosts. */
export function hostByName(fs: Vfs, name: string): number | null {
  const lower = name.toLowerCase();
  for (const t of lines(fs, '/etc/hosts')) {
    const a = dotted(t[0]);
    if (a !== null && t.slice(1).some((n) => n.toLowerCase() === lower)) return a;
  }
  return null;
}

/** gethostbyaddr(): the canonical (first) name of the first /etc/hosts line for the address. */
export function hostByAddr(fs: Vfs, addr: number): string | null {
  for (const t of lines(fs, '/etc/hosts')) if (dotted(t[0]) === addr) return t[1];
  return null;
}

const protoStr = (p: number) => (p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 132 ? 'sctp' : null);

/** getservbyname(name, proto) */
export function servByName(fs: Vfs, name: string, proto: number): number | null {
  const ps = protoStr(proto);
  if (!ps) return null;
  for (const t of lines(fs, '/etc/services')) {
    const m = /^(\d+)\/(\w+)$/.exec(t[1]);
    if (!m || m[2] !== ps) continue;
    if (t[0] === name || t.slice(2).includes(name)) return Number(m[1]);
  }
  return null;
}

/** getservbyport(port, proto) */
export function servByPort(fs: Vfs, port: number, proto: number): string | null {
  const ps = protoStr(proto);
  if (!ps) return null;
  for (const t of lines(fs, '/etc/services')) {
    const m = /^(\d+)\/(\w+)$/.exec(t[1]);
    if (m && m[2] === ps && Number(m[1]) === port) return t[0];
  }
  return null;
}

/** string_to_number(): strtol(s, &end, 10) must consume everything and land in [min, max]. */
export function stringToNumber(s: string, min: number, max: number): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(s);
  if (!m) return -1;
  let n = Number(m[2]);
  if (m[1] === '-') n = -n;
  if (Math.abs(n) > 9223372036854775807) return -1; // ERANGE
  return n >= min && n <= max ? n : -1;
}

/** strtol() with base 10 for parse_fwmark(): null unless the whole string is a number. */
export function strtol10(s: string): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(s);
  if (!m) return null;
  const n = Number(m[2]);
  if (n > 9223372036854775807) return null;
  return m[1] === '-' ? -n : n;
}

/** inet_pton(AF_INET6, s): only whether it is a valid IPv6 literal. */
export function isIpv6(s: string): boolean {
  if (!s.includes(':')) return false;
  let str = s;
  const v4 = /^(.*:)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(s);
  if (v4) { if (dotted(v4[2]) === null) return false; str = v4[1] + '0:0'; }
  const dbl = str.split('::');
  if (dbl.length > 2) return false;
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  const head = groups(dbl[0]);
  const tail = dbl.length === 2 ? groups(dbl[1]) : [];
  const all = [...head, ...tail];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return dbl.length === 2 ? all.length <= 7 : all.length === 8;
}
