/**
 * Vim's regular expressions (`:help pattern`) translated to JavaScript RegExp source, for the
 * headless vi's `/`, `:s` and `:g`.
 *
 * Translated: the four magic levels (`\v` very magic, `\m` magic — the default — `\M`
 * nomagic, `\V` very nomagic), `\( \) \| \+ \= \? \{n,m} \{-}` (lazy), `\< \>`, `\zs \ze`,
 * the character classes `\s \S \d \D \w \W \a \A \l \L \u \U \x \X \o \O \h \H`, `\n \t \e
 * \r`, bracket expressions with `[:alpha:]`-style classes, back-references `\1`…`\9`, `~`
 * (the previous substitute string), `\c`/`\C` (ignore case or not), and `^`/`$` as anchors
 * only where vim treats them so.
 *
 * Left out: multi-line matches (`\_s`, `\n` across lines: patterns match within one line),
 * `\%` items (`\%V`, `\%23l`…), `\@` look-arounds written in vim syntax, equivalence classes.
 */

export class VimRegexError extends Error {
  constructor(msg: string) { super(msg); this.name = 'VimRegexError'; }
}

const CLASS_ESC: Record<string, string> = {
  s: '[ \\t]', S: '[^ \\t]', d: '[0-9]', D: '[^0-9]', w: '[0-9A-Za-z_]', W: '[^0-9A-Za-z_]',
  a: '[A-Za-z]', A: '[^A-Za-z]', l: '[a-z]', L: '[^a-z]', u: '[A-Z]', U: '[^A-Z]', x: '[0-9A-Fa-f]', X: '[^0-9A-Fa-f]',
  o: '[0-7]', O: '[^0-7]', h: '[A-Za-z_]', H: '[^A-Za-z_]', i: '[A-Za-z0-9_]', k: '[A-Za-z0-9_]', f: '[^\\s]', p: '[ -~]',
};

const POSIX: Record<string, string> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: '0-9A-Za-z', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v', blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f', xdigit: '0-9A-Fa-f',
};

function esc(c: string): string {
  if ('\\^$.|?*+()[]{}/'.includes(c)) return '\\' + c;
  if (c === '\t') return '\\t';
  const n = c.charCodeAt(0);
  if (n < 0x20) return '\\x' + n.toString(16).padStart(2, '0');
  return c;
}

function escLiteral(s: string): string {
  let o = '';
  for (const c of s) o += esc(c);
  return o;
}

export interface VimRegexOpts {
  ignorecase?: boolean;
  smartcase?: boolean;
  /** The previous substitute string, for `~`. */
  prevSub?: string;
}

/** Translate a vim pattern; throws VimRegexError with vim's message for a broken one. */
export function vimRegex(src: string, o: VimRegexOpts = {}): RegExp {
  let magic = 2; // 3 very magic, 2 magic, 1 nomagic, 0 very nomagic
  let icase: boolean | undefined;
  let out = '';
  let zs = -1;
  let ze = -1;
  let depth = 0;
  let atStart = true; // at the start of a branch: ^ is an anchor, * is literal
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const c = src[i];
    const startHere: boolean = atStart;
    atStart = false;
    let special: string | null = null; // the "meaning" of this item when it is magic
    if (c === '\\') {
      if (i + 1 >= n) throw new VimRegexError('E10: \\ should be followed by /, ? or &');
      const d = src[++i];
      if (d === 'v') { magic = 3; atStart = startHere; continue; }
      if (d === 'm') { magic = 2; atStart = startHere; continue; }
      if (d === 'M') { magic = 1; atStart = startHere; continue; }
      if (d === 'V') { magic = 0; atStart = startHere; continue; }
      if (d === 'c') { icase = true; atStart = startHere; continue; }
      if (d === 'C') { icase = false; atStart = startHere; continue; }
      if (d === 'z') {
        const e = src[++i];
        if (e === 's') { zs = out.length; atStart = startHere; continue; }
        if (e === 'e') { ze = out.length; continue; }
        throw new VimRegexError(`E68: Invalid character after \\z`);
      }
      if (CLASS_ESC[d]) { out += CLASS_ESC[d]; continue; }
      if (d === 'n') { out += '\\n'; continue; }
      if (d === 't') { out += '\\t'; continue; }
      if (d === 'e') { out += '\\x1b'; continue; }
      if (d === 'r') { out += '\\r'; continue; }
      if (d >= '1' && d <= '9') { out += '\\' + d; continue; }
      // A backslash makes a magic character literal and a literal one magic (per level).
      if (magic === 3) { out += esc(d); continue; }
      if ('()|+?={<>'.includes(d)) special = d;
      else if (d === '.' && magic < 2) special = '.';
      else if (d === '*' && magic < 2) special = '*';
      else if (d === '[' && magic < 2) special = '[';
      else if (d === '~' && magic < 2) special = '~';
      else if (d === '^' && magic === 0) special = '^';
      else if (d === '$' && magic === 0) special = '$';
      else { out += esc(d); continue; }
    } else {
      if (magic === 3 && '()|+?={<>@%'.includes(c)) special = c;
      else if (magic >= 2 && '.*[~'.includes(c)) special = c;
      else if (magic >= 1 && (c === '^' || c === '$')) special = c;
      else if (magic === 0 && c === '^' && i === 0) special = c;
      else if (magic === 0 && c === '$' && i === n - 1) special = c;
      else { out += esc(c); continue; }
    }
    switch (special) {
      case '(': out += '('; depth++; atStart = true; break;
      case ')':
        if (depth === 0) throw new VimRegexError('E16: Unmatched \\)');
        out += ')'; depth--; break;
      case '|': out += '|'; atStart = true; break;
      case '+': case '?': case '=': case '*':
        if (startHere) { out += esc(special === '=' ? '=' : special); break; }
        out += special === '=' ? '?' : special;
        break;
      case '{': {
        let j = i + 1;
        let body = '';
        while (j < n && src[j] !== '}') {
          if (src[j] === '\\' && src[j + 1] === '}') { j++; break; }
          body += src[j++];
        }
        if (j >= n || (src[j] !== '}')) throw new VimRegexError(`E554: Syntax error in \\{...}`);
        i = j;
        const lazy = body.startsWith('-');
        if (lazy) body = body.slice(1);
        const m = /^(\d*)(,(\d*))?$/.exec(body);
        if (!m) throw new VimRegexError(`E554: Syntax error in \\{...}`);
        let q: string;
        if (!m[2]) q = m[1] === '' ? '*' : `{${m[1]}}`;
        else q = `{${m[1] || '0'},${m[3]}}`;
        if (q === '{0,}') q = '*';
        out += q + (lazy ? '?' : '');
        break;
      }
      case '<': out += '(?<![0-9A-Za-z_])(?=[0-9A-Za-z_])'; break;
      case '>': out += '(?<=[0-9A-Za-z_])(?![0-9A-Za-z_])'; break;
      case '.': out += '.'; break;
      case '~': out += escLiteral(o.prevSub ?? ''); break;
      case '^': out += startHere ? '^' : '\\^'; atStart = startHere; break;
      case '$': {
        // An anchor at the end of the pattern or of a branch/group.
        const rest = src.slice(i + 1);
        const anchor = rest === '' || rest.startsWith('\\|') || rest.startsWith('\\)') || (magic === 3 && (rest.startsWith('|') || rest.startsWith(')')));
        out += anchor ? '$' : '\\$';
        break;
      }
      case '[': {
        const r = bracket(src, i);
        if (r === null) { out += '\\['; break; }
        out += r.text;
        i = r.end;
        break;
      }
      default: out += esc(special!);
    }
  }
  if (depth > 0) throw new VimRegexError('E54: Unmatched \\(');
  if (zs >= 0 || ze >= 0) {
    const a = zs >= 0 ? zs : 0;
    const b = ze >= 0 ? ze : out.length;
    out = (a > 0 ? `(?<=${out.slice(0, a)})` : '') + out.slice(a, b) + (b < out.length ? `(?=${out.slice(b)})` : '');
  }
  if (icase === undefined) {
    icase = !!o.ignorecase;
    if (icase && o.smartcase && /[A-Z]/.test(src)) icase = false;
  }
  try {
    return new RegExp(out, icase ? 'gi' : 'g');
  } catch {
    throw new VimRegexError(`E486: Pattern not found: ${src}`);
  }
}

/** A bracket expression starting at src[i] === '[': its JS text and where it ends, or null (a literal '['). */
function bracket(src: string, i: number): { text: string; end: number } | null {
  let j = i + 1;
  let body = '';
  if (src[j] === '^') { body += '^'; j++; }
  if (src[j] === ']') { body += '\\]'; j++; }
  for (; j < src.length; j++) {
    const c = src[j];
    if (c === ']') return { text: `[${body}]`, end: j };
    if (c === '[' && src[j + 1] === ':') {
      const k = src.indexOf(':]', j + 2);
      const name = k < 0 ? '' : src.slice(j + 2, k);
      if (POSIX[name]) { body += POSIX[name]; j = k + 1; continue; }
    }
    if (c === '\\' && j + 1 < src.length) {
      const d = src[++j];
      if (d === 'n') body += '\\n';
      else if (d === 't') body += '\\t';
      else if (d === 'e') body += '\\x1b';
      else if (d === 'r') body += '\\r';
      else if (d === '\\' || d === ']' || d === '^' || d === '-') body += '\\' + d;
      else body += '\\\\' + (d === '[' ? '\\[' : d);
      continue;
    }
    if (c === '[' || c === '/') { body += '\\' + c; continue; }
    body += c;
  }
  return null;
}

/**
 * Expand a `:s` replacement for one match: `&` and `\0` (the match), `\1`…`\9`, `\r` or a
 * literal CR (a line break, returned as "\n"), `\n` (a NUL, as vim inserts), `\t`, `\\`,
 * `\&`, and the case operators `\u \l \U \L \e \E`. `~` is expanded by the caller (it is
 * the previous replacement, substituted before use).
 */
export function expandReplacement(rep: string, m: RegExpExecArray): string {
  let out = '';
  let once: 'u' | 'l' | null = null;
  let span: 'U' | 'L' | null = null;
  const put = (s: string) => {
    for (const ch of s) {
      let c = ch;
      if (span === 'U') c = c.toUpperCase();
      else if (span === 'L') c = c.toLowerCase();
      if (once) { c = once === 'u' ? c.toUpperCase() : c.toLowerCase(); once = null; }
      out += c;
    }
  };
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i];
    if (c === '&') { put(m[0]); continue; }
    if (c === '\r') { out += '\n'; continue; }
    if (c !== '\\' || i + 1 >= rep.length) { put(c); continue; }
    const d = rep[++i];
    if (d >= '0' && d <= '9') put(m[Number(d)] ?? '');
    else if (d === 'r') out += '\n';
    else if (d === 'n') out += '\0';
    else if (d === 't') put('\t');
    else if (d === 'u' || d === 'l') once = d;
    else if (d === 'U' || d === 'L') span = d;
    else if (d === 'e' || d === 'E') span = null;
    else put(d);
  }
  return out;
}

/** Replace unescaped `~` in a replacement with the previous replacement (vim does this first). */
export function tildeExpand(rep: string, prev: string): string {
  let out = '';
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i];
    if (c === '\\' && i + 1 < rep.length) { out += c + rep[++i]; continue; }
    out += c === '~' ? prev : c;
  }
  return out;
}
