/**
 * Shell patterns: `*`, `?`, `[...]` (with `!`/`^`, ranges and `[:class:]`), as used by
 * pathname expansion, `case`, `[[ == ]]` and `${x#pat}`-style operators.
 *
 * During expansion, characters that came from quoted text are marked with CTLESC (a private
 * use character, like bash's \001) so they match literally. Patterns compile to cached
 * RegExps. Pathname expansion walks the Vfs one component at a time; as in bash 5.1 without
 * `dotglob`, a leading `.` must be matched explicitly, and `.*` does match `.` and `..`.
 * Results are sorted with an en_US-like collation (glibc ignores punctuation and case on
 * the first pass, which is why `ls` on RHEL puts `.bashrc` between `anaconda-ks.cfg` and `bin`).
 */
import type { Vfs } from '../../core/fs/vfs.ts';

/** Marks the next character as quoted (literal) in a pattern / expanded word. */
export const CTLESC = '\uE000';

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: '0-9A-Za-z', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f', word: '0-9A-Za-z_',
};

function reEscape(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? '\\' + c : c;
}

/** Does `s` contain an unquoted, unescaped glob character? */
export function hasGlob(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === CTLESC || c === '\\') { i++; continue; }
    if (c === '*' || c === '?') return true;
    if (c === '[' && classEnd(s, i) > 0) return true;
  }
  return false;
}

/** Index of the `]` closing a bracket expression opened at `i`, or -1. */
function classEnd(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '!' || s[j] === '^') j++;
  if (s[j] === ']') j++;
  for (; j < s.length; j++) {
    const c = s[j];
    if (c === CTLESC || c === '\\') { j++; continue; }
    if (c === '[' && s[j + 1] === ':') {
      const e = s.indexOf(':]', j + 2);
      if (e > 0) { j = e + 1; continue; }
    }
    if (c === ']') return j;
  }
  return -1;
}

/** The regex source for a shell pattern. `path`: `*`/`?` do not match `/`. */
export function patternSource(p: string, path = false, lazy = false): string {
  let re = '';
  const any = path ? '[^/]' : '[^]';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === CTLESC || c === '\\') {
      i++;
      if (i < p.length) re += reEscape(p[i]);
      else if (c === '\\') re += '\\\\';
      continue;
    }
    if (c === '*') {
      while (p[i + 1] === '*') i++;
      re += any + (lazy ? '*?' : '*');
      continue;
    }
    if (c === '?') { re += any; continue; }
    if (c === '[') {
      const e = classEnd(p, i);
      if (e < 0) { re += '\\['; continue; }
      let j = i + 1;
      let cls = '';
      let neg = false;
      if (p[j] === '!' || p[j] === '^') { neg = true; j++; }
      let first = true;
      for (; j < e; j++) {
        const d = p[j];
        if (d === '[' && p[j + 1] === ':') {
          const ce = p.indexOf(':]', j + 2);
          const name = p.slice(j + 2, ce);
          cls += CLASSES[name] ?? '';
          j = ce + 1;
          first = false;
          continue;
        }
        if (d === CTLESC || d === '\\') {
          j++;
          const e2 = p[j] ?? '\\';
          cls += /[\\\]^-]/.test(e2) ? '\\' + e2 : e2;
          first = false;
          continue;
        }
        if (d === ']' && first) { cls += '\\]'; first = false; continue; }
        first = false;
        if (d === '-' && cls && p[j + 1] !== undefined && j + 1 < e) { cls += '-'; continue; }
        cls += /[\\\]^-]/.test(d) ? '\\' + d : d;
      }
      re += neg ? `[^${cls}${path ? '/' : ''}]` : `[${cls}]`;
      i = e;
      continue;
    }
    re += reEscape(c);
  }
  return re;
}

const cache = new Map<string, RegExp>();

/** An anchored RegExp for a whole-string match. */
export function patternRegex(p: string, path = false): RegExp {
  const key = (path ? 'P' : 'S') + p;
  let r = cache.get(key);
  if (!r) {
    if (cache.size > 2000) cache.clear();
    try { r = new RegExp(`^(?:${patternSource(p, path)})$`); } catch { r = new RegExp(`^${reEscape(p)}$`); }
    cache.set(key, r);
  }
  return r;
}

/** Does `s` match the whole pattern? */
export function matchPattern(p: string, s: string): boolean {
  if (!hasGlob(p)) return unescapePattern(p) === s;
  return patternRegex(p).test(s);
}

/** Remove CTLESC markers and backslash escapes, giving the literal text of a pattern. */
export function unescapePattern(p: string): string {
  if (!p.includes(CTLESC) && !p.includes('\\')) return p;
  let s = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === CTLESC || c === '\\') { i++; if (i < p.length) s += p[i]; else if (c === '\\') s += c; continue; }
    s += c;
  }
  return s;
}

/** Remove only CTLESC markers (quote removal of an expanded word). */
export function stripCtl(s: string): string {
  if (!s.includes(CTLESC)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === CTLESC) { i++; if (i < s.length) out += s[i]; continue; }
    out += s[i];
  }
  return out;
}

/** Mark every glob-special character of `s` as quoted. */
export function quotePattern(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '*' || c === '?' || c === '[' || c === ']' || c === '\\' || c === CTLESC) out += CTLESC;
    out += c;
  }
  return out;
}

// ---- prefix / suffix / substring matching for ${x#p} ${x%p} ${x/p/r} -------------------------

/** ${x#p} (longest=false) / ${x##p} */
export function removePrefix(s: string, p: string, longest: boolean): string {
  if (!hasGlob(p)) { const l = unescapePattern(p); return s.startsWith(l) ? s.slice(l.length) : s; }
  const re = patternRegex(p);
  if (longest) { for (let i = s.length; i >= 0; i--) if (re.test(s.slice(0, i))) return s.slice(i); }
  else { for (let i = 0; i <= s.length; i++) if (re.test(s.slice(0, i))) return s.slice(i); }
  return s;
}

/** ${x%p} (longest=false) / ${x%%p} */
export function removeSuffix(s: string, p: string, longest: boolean): string {
  if (!hasGlob(p)) { const l = unescapePattern(p); return l && s.endsWith(l) ? s.slice(0, s.length - l.length) : (l ? s : s); }
  const re = patternRegex(p);
  if (longest) { for (let i = 0; i <= s.length; i++) if (re.test(s.slice(i))) return s.slice(0, i); }
  else { for (let i = s.length; i >= 0; i--) if (re.test(s.slice(i))) return s.slice(0, i); }
  return s;
}

/** ${x/p/r}, ${x//p/r}, ${x/#p/r}, ${x/%p/r} */
export function replacePattern(s: string, p: string, r: string, mode: '/' | '//' | '/#' | '/%'): string {
  if (p === '') return s;
  const re = patternRegex(p);
  if (mode === '/#') {
    for (let i = s.length; i >= 0; i--) if (re.test(s.slice(0, i))) return r + s.slice(i);
    return s;
  }
  if (mode === '/%') {
    for (let i = 0; i <= s.length; i++) if (re.test(s.slice(i))) return s.slice(0, i) + r;
    return s;
  }
  let out = '';
  let i = 0;
  let replaced = false;
  while (i <= s.length) {
    if (replaced && mode === '/') { out += s.slice(i); break; }
    let m = -1;
    for (let j = s.length; j > i; j--) if (re.test(s.slice(i, j))) { m = j; break; }
    if (m < 0) { if (i < s.length) out += s[i]; i++; continue; }
    out += r;
    i = m;
    replaced = true;
  }
  return out;
}

// ---- pathname expansion ----------------------------------------------------------------------

let collator: Intl.Collator | null = null;
/** Sort order of bash's glob results and `ls` in en_US.UTF-8 (approximately strcoll). */
export function collate(a: string, b: string): number {
  collator ??= new Intl.Collator('en-US', { ignorePunctuation: true, numeric: false });
  const c = collator.compare(a, b);
  if (c !== 0) return c;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Expand a pattern (with CTLESC quoting) against the Vfs. Returns the sorted matches, or
 * null when nothing matches (the caller then keeps the word, as bash without nullglob).
 */
export function globPaths(fs: Vfs, cwd: string, pattern: string): string[] | null {
  const abs = pattern.startsWith('/');
  const comps = pattern.split('/');
  // Leading empty component for absolute paths, trailing empty for "dir/*/"
  let bases: string[] = [abs ? '/' : ''];
  for (let ci = abs ? 1 : 0; ci < comps.length; ci++) {
    const comp = comps[ci];
    const last = ci === comps.length - 1;
    if (comp === '') {
      if (last) bases = bases.filter((b) => fs.isDir(resolve(cwd, b))).map((b) => b + (b.endsWith('/') ? '' : '/'));
      continue;
    }
    const next: string[] = [];
    if (!hasGlob(comp)) {
      const name = unescapePattern(comp);
      for (const b of bases) next.push(join(b, name));
    } else {
      const re = patternRegex(comp, true);
      const dotOk = comp[0] === '.' || (comp[0] === CTLESC && comp[1] === '.') || (comp[0] === '\\' && comp[1] === '.');
      for (const b of bases) {
        const dir = resolve(cwd, b);
        let names: string[];
        try { if (!fs.isDir(dir)) continue; names = fs.readdir(dir); } catch { continue; }
        if (dotOk) names = ['.', '..', ...names];
        const matched: string[] = [];
        for (const n of names) {
          if (n[0] === '.' && !dotOk) continue;
          if (re.test(n)) matched.push(n);
        }
        matched.sort(collate);
        for (const n of matched) next.push(join(b, n));
      }
    }
    bases = next;
    if (!bases.length) return null;
  }
  const out = bases.filter((b) => existsNoFollow(fs, resolve(cwd, b)));
  return out.length ? out : null;
}

function existsNoFollow(fs: Vfs, p: string): boolean {
  try { fs.lstat(p); return true; } catch { return false; }
}

function join(base: string, name: string): string {
  if (base === '') return name;
  return base.endsWith('/') ? base + name : base + '/' + name;
}

function resolve(cwd: string, p: string): string {
  if (p === '') return cwd;
  if (p.startsWith('/')) return p;
  return (cwd === '/' ? '' : cwd) + '/' + p;
}
