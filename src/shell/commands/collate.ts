/**
 * String collation as glibc's en_US.UTF-8 locale does it (ISO 14651 table), which is what
 * `ls` and `sort` use on a RHEL 9 host with LANG=en_US.UTF-8: punctuation and spaces are
 * ignored at the first three levels, letters compare case-insensitively (digits before
 * letters), then lowercase sorts before uppercase, and only then does punctuation count.
 * So `ls -a /root` prints `anaconda-ks.cfg` between `..` and `.bash_logout`, as on RHEL.
 *
 * `LC_ALL=C` / `LC_COLLATE=C` / `LANG=C` select plain byte order (see `collatorFor`).
 * Left out: accents as a secondary level (they are folded into the base letter).
 */
import type { EnvApi } from '../types.ts';

interface Key { prim: string; tert: string }

const cache = new Map<string, Key>();

function keyOf(s: string): Key {
  let k = cache.get(s);
  if (k) return k;
  let prim = '';
  let tert = '';
  for (const ch of s) {
    if (/[0-9A-Za-z]/.test(ch)) {
      prim += ch.toLowerCase();
      tert += ch >= 'a' && ch <= 'z' ? '0' : ch >= 'A' && ch <= 'Z' ? '1' : '0';
    } else if (ch.charCodeAt(0) > 0x7f && /\p{L}|\p{N}/u.test(ch)) {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      const lower = base.toLowerCase();
      prim += lower;
      tert += base === lower ? '0'.repeat(lower.length) : '1'.repeat(lower.length);
    }
  }
  k = { prim, tert };
  if (cache.size > 500_000) cache.clear();
  cache.set(s, k);
  return k;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** en_US.UTF-8-like comparison. */
export function collate(a: string, b: string): number {
  if (a === b) return 0;
  const ka = keyOf(a), kb = keyOf(b);
  return cmpStr(ka.prim, kb.prim) || cmpStr(ka.tert, kb.tert) || cmpStr(a, b);
}

/** Byte (code point) order, as in the C locale. */
export function cByteOrder(a: string, b: string): number {
  return cmpStr(a, b);
}

/** The comparison the environment's locale selects. */
export function collatorFor(env: EnvApi): (a: string, b: string) => number {
  // Unset means the RHEL default (LANG=en_US.UTF-8 from /etc/locale.conf).
  const loc = env.get('LC_ALL') || env.get('LC_COLLATE') || env.get('LANG') || 'en_US.UTF-8';
  return loc === 'C' || loc === 'POSIX' || loc.startsWith('C.') ? cByteOrder : collate;
}
