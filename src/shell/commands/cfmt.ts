/**
 * C printf conversions, for awk's printf/sprintf and seq -f: %d %i %o %u %x %X %c %s %e %E
 * %f %F %g %G %a %% with the `-+ #0` flags, width and precision (`*` takes an argument).
 * Values arrive already converted by the caller (awk's number/string rules live in awk.ts).
 */

export interface Conv {
  flags: string;
  width?: number;
  prec?: number;
  conv: string;
}

function pad(s: string, c: Conv, numeric: boolean): string {
  const w = c.width ?? 0;
  if (s.length >= w) return s;
  if (c.flags.includes('-')) return s + ' '.repeat(w - s.length);
  if (numeric && c.flags.includes('0') && !(c.prec !== undefined && 'diouxX'.includes(c.conv))) {
    const m = /^([+\- ]?(?:0[xX])?)(.*)$/.exec(s)!;
    if (!/^[+\- ]?(inf|nan)/i.test(s)) return m[1] + '0'.repeat(w - s.length) + m[2];
  }
  return ' '.repeat(w - s.length) + s;
}

function signed(v: number, s: string, c: Conv): string {
  if (v < 0 || Object.is(v, -0) && s.startsWith('-')) return s;
  if (c.flags.includes('+')) return '+' + s;
  if (c.flags.includes(' ')) return ' ' + s;
  return s;
}

/** %e with C's two-digit minimum exponent. */
function expo(v: number, prec: number, upper: boolean, alt: boolean): string {
  let s = Math.abs(v).toExponential(prec);
  s = s.replace(/e([+-])(\d)$/, 'e$10$2');
  if (alt && prec === 0) s = s.replace('e', '.e');
  if (v < 0 || Object.is(v, -0)) s = '-' + s;
  return upper ? s.toUpperCase() : s;
}

function fixed(v: number, prec: number, alt: boolean): string {
  let s: string;
  if (Math.abs(v) >= 1e21) {
    // toFixed switches to exponent form; build the digits from BigInt instead
    const neg = v < 0;
    s = BigInt(Math.round(Math.abs(v))).toString() + (prec > 0 ? '.' + '0'.repeat(prec) : '');
    if (neg) s = '-' + s;
  } else s = v.toFixed(prec);
  if (alt && prec === 0) s += '.';
  if (Object.is(v, -0) || (v < 0 && !s.startsWith('-'))) s = '-' + s;
  return s;
}

function general(v: number, prec: number, upper: boolean, alt: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (v === 0) {
    const z = alt ? '0.' + '0'.repeat(p - 1) : '0';
    return Object.is(v, -0) ? '-' + z : z;
  }
  const exp = Number(Math.abs(v).toExponential(p - 1).split('e')[1]);
  let s: string;
  if (exp < -4 || exp >= p) {
    s = expo(v, p - 1, upper, alt);
    if (!alt) s = s.replace(/\.?0+([eE])/, '$1');
  } else {
    s = fixed(v, Math.max(0, p - 1 - exp), alt);
    if (!alt && s.includes('.')) s = s.replace(/\.?0+$/, '');
  }
  return s;
}

/** Format one numeric or string value with a parsed conversion. */
export function formatOne(c: Conv, num: number, str: string): string {
  const alt = c.flags.includes('#');
  switch (c.conv) {
    case 'd': case 'i': {
      if (!Number.isFinite(num)) return pad(signed(num, num > 0 ? 'inf' : num < 0 ? '-inf' : 'nan', c), c, false);
      const t = Math.trunc(num);
      let digits = Math.abs(t) >= 1e21 ? BigInt(Math.abs(t)).toString() : String(Math.abs(t));
      if (c.prec !== undefined) digits = c.prec === 0 && t === 0 ? '' : digits.padStart(c.prec, '0');
      return pad(signed(t, (t < 0 ? '-' : '') + digits, c), c, true);
    }
    case 'o': case 'u': case 'x': case 'X': {
      let t = Math.trunc(num);
      if (!Number.isFinite(t)) t = 0;
      let big = BigInt(t);
      if (big < 0n) big = (1n << 64n) + big;
      let digits = big.toString(c.conv === 'o' ? 8 : c.conv === 'u' ? 10 : 16);
      if (c.conv === 'X') digits = digits.toUpperCase();
      if (c.prec !== undefined) digits = c.prec === 0 && big === 0n ? '' : digits.padStart(c.prec, '0');
      if (alt && c.conv === 'o' && !digits.startsWith('0')) digits = '0' + digits;
      if (alt && big !== 0n && (c.conv === 'x' || c.conv === 'X')) digits = (c.conv === 'x' ? '0x' : '0X') + digits;
      return pad(digits, c, true);
    }
    case 'e': case 'E': {
      if (!Number.isFinite(num)) return pad(signed(num, inf(num, c.conv === 'E'), c), c, false);
      return pad(signed(num, expo(num, c.prec ?? 6, c.conv === 'E', alt), c), c, true);
    }
    case 'f': case 'F': {
      if (!Number.isFinite(num)) return pad(signed(num, inf(num, c.conv === 'F'), c), c, false);
      return pad(signed(num, fixed(num, c.prec ?? 6, alt), c), c, true);
    }
    case 'g': case 'G': {
      if (!Number.isFinite(num)) return pad(signed(num, inf(num, c.conv === 'G'), c), c, false);
      return pad(signed(num, general(num, c.prec ?? 6, c.conv === 'G', alt), c), c, true);
    }
    case 'a': case 'A': {
      // rare; approximate with JS hex float
      const s = num.toString(16);
      return pad(signed(num, c.conv === 'A' ? s.toUpperCase() : s, c), c, true);
    }
    case 'c': return pad(str.slice(0, 1), c, false);
    case 's': return pad(c.prec !== undefined ? str.slice(0, c.prec) : str, c, false);
    default: return '';
  }
}

function inf(v: number, upper: boolean): string {
  const s = Number.isNaN(v) ? 'nan' : v < 0 ? '-inf' : 'inf';
  return upper ? s.toUpperCase() : s;
}

/** Split a format into literal text and conversions. */
export type FmtPiece = string | (Conv & { starW?: boolean; starP?: boolean });

export function parseFormat(fmt: string): FmtPiece[] {
  const out: FmtPiece[] = [];
  let lit = '';
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] !== '%') { lit += fmt[i]; continue; }
    if (fmt[i + 1] === '%') { lit += '%'; i++; continue; }
    const m = /^%([-+ #0']*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|L|q|j|z|t)?([diouxXeEfFgGaAcs])/.exec(fmt.slice(i));
    if (!m) { lit += '%'; continue; }
    if (lit) { out.push(lit); lit = ''; }
    out.push({
      flags: m[1].replace(/'/g, ''),
      width: m[2] && m[2] !== '*' ? Number(m[2]) : undefined,
      prec: m[3] !== undefined && m[3] !== '*' ? Number(m[3] || '0') : undefined,
      conv: m[5],
      starW: m[2] === '*',
      starP: m[3] === '*',
    });
    i += m[0].length - 1;
  }
  if (lit) out.push(lit);
  return out;
}
