/**
 * POSIX regular expressions (BRE and ERE, with the GNU extensions grep, sed and gawk accept)
 * translated to JavaScript RegExp source.
 *
 * What is translated: BRE `\( \) \{m,n\} \| \+ \?`, ERE `( ) {m,n} | + ?`, bracket expressions
 * with `[:class:]`, `[.c.]`, `[=c=]` and a literal backslash (awk: an escape), back-references,
 * GNU's `\w \W \s \S \b \B \< \> \` \'`, sed's `\n \t \dNNN \oNNN \xHH \cX`, awk's string
 * escapes. `^`/`$` are anchors only where POSIX says so in a BRE (else literal), a leading
 * `*` is literal, stacked quantifiers (`a**`, ERE `a+?`) keep their POSIX meaning instead
 * of JavaScript's lazy one. Error messages are glibc regcomp's, which grep and sed print.
 *
 * Left out: POSIX leftmost-*longest* matching. JavaScript picks the first alternative that
 * matches, so `ab|abcd` matches `ab` where GNU matches `abcd`; single-branch patterns (the
 * vast majority) behave the same because greedy quantifiers already take the longest run.
 */

export type Flavor = 'grep' | 'sed' | 'awk';

export class RegexError extends Error {
  constructor(msg: string) {
    super(msg);
    this.name = 'RegexError';
  }
}

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
};

/** Escape one character for use outside a JS character class. */
export function jsEscape(c: string): string {
  if ('\\^$.|?*+()[]{}/'.includes(c)) return '\\' + c;
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  const n = c.charCodeAt(0);
  if (n < 0x20) return '\\x' + n.toString(16).padStart(2, '0');
  return c;
}

/** Escape a whole string as a literal pattern. */
export function jsLiteral(s: string): string {
  let o = '';
  for (const c of s) o += jsEscape(c);
  return o;
}

function classEscape(c: string): string {
  if ('\\]^-['.includes(c)) return '\\' + c;
  if (c === '\n') return '\\n';
  const n = c.charCodeAt(0);
  if (n < 0x20) return '\\x' + n.toString(16).padStart(2, '0');
  return c;
}

export interface Translated {
  /** JavaScript pattern source (use with the `s` flag so `.` matches a newline, as POSIX). */
  readonly source: string;
  /** Number of capturing groups. */
  readonly groups: number;
}

/**
 * Translate `src`. `groupBase` offsets back-reference numbers, for several patterns joined
 * into one alternation (grep -e a -e b).
 */
export function translate(src: string, ere: boolean, flavor: Flavor, groupBase = 0): Translated {
  let out = '';
  let i = 0;
  let atom = -1;          // where the last quantifiable atom starts in `out`; -1 = none
  let quantified = false; // the last thing emitted was a quantifier
  let branchStart = true; // at the start of the pattern, a group or an alternative
  let groups = 0;
  const open: { pos: number; num: number }[] = [];
  const closed = new Set<number>();
  const n = src.length;

  const emitAtom = (s: string): void => {
    atom = out.length;
    out += s;
    quantified = false;
    branchStart = false;
  };
  const emitAnchor = (s: string): void => {
    out += s;
    atom = -1;
    quantified = false;
  };
  const quantify = (q: string): void => {
    // glibc's regcomp (sed) rejects a quantified quantifier in a BRE; grep's dfa and gawk accept it
    if (quantified && flavor === 'sed' && !ere) throw new RegexError('Invalid preceding regular expression');
    if (quantified) out = out.slice(0, atom) + '(?:' + out.slice(atom) + ')';
    out += q;
    quantified = true;
    branchStart = false;
  };
  const openGroup = (): void => {
    groups++;
    open.push({ pos: out.length, num: groups });
    out += '(';
    atom = -1;
    quantified = false;
    branchStart = true;
  };
  const closeGroup = (): void => {
    const g = open.pop()!;
    out += ')';
    closed.add(g.num);
    atom = g.pos;
    quantified = false;
    branchStart = false;
  };
  const alternate = (): void => {
    out += '|';
    atom = -1;
    quantified = false;
    branchStart = true;
  };

  /** Parse `{m,n}` body starting at src[k] (just after the brace). Returns [quant, endIndex] or null. */
  const interval = (k: number, close: string): [string, number] | null => {
    const m = /^(\d*)(,(\d*))?/.exec(src.slice(k))!;
    const end = k + m[0].length;
    if (!src.startsWith(close, end)) return null;
    if (m[1] === '' && m[2] === undefined) return null;
    const lo = m[1] === '' ? 0 : Number(m[1]);
    const hi = m[2] === undefined ? lo : m[3] === '' ? Infinity : Number(m[3]);
    if (lo > 32767 || (hi !== Infinity && hi > 32767)) throw new RegexError('Regular expression too big');
    if (hi < lo) throw new RegexError('Invalid content of \\{\\}');
    const q = m[2] === undefined ? `{${lo}}` : hi === Infinity ? `{${lo},}` : `{${lo},${hi}}`;
    return [q, end + close.length];
  };

  const bracket = (): void => {
    // src[i] === '['
    if (flavor === 'grep' && /^\[:[a-z]+:\]/.test(src.slice(i))) {
      throw new RegexError('character class syntax is [[:space:]], not [:space:]');
    }
    // glibc: a bracket that opens at the very end of the pattern is a plain syntax error
    if (flavor === 'grep' && /^\[\^?$/.test(src.slice(i))) throw new RegexError('Invalid regular expression');
    let j = i + 1;
    let neg = false;
    if (src[j] === '^') { neg = true; j++; }
    let body = '';
    let first = true;
    const readElem = (): { ch?: string; cls?: string } => {
      const c = src[j];
      if (c === '[' && (src[j + 1] === ':' || src[j + 1] === '.' || src[j + 1] === '=')) {
        const kind = src[j + 1];
        const end = src.indexOf(kind + ']', j + 2);
        if (end < 0) throw new RegexError('Unmatched [, [^, [:, [., or [=');
        const name = src.slice(j + 2, end);
        j = end + 2;
        if (kind === ':') {
          const cls = CLASSES[name];
          if (cls === undefined) throw new RegexError('Invalid character class name');
          return { cls };
        }
        if ([...name].length !== 1) throw new RegexError('Invalid collation character');
        return { ch: name };
      }
      if (c === '\\' && flavor === 'awk' && j + 1 < n) {
        j += 2;
        return { ch: awkEscape(src[j - 1]) };
      }
      // GNU sed converts \n, \t... before regcomp sees the pattern, brackets included
      if (c === '\\' && flavor === 'sed' && j + 1 < n && 'afnrtv'.includes(src[j + 1])) {
        j += 2;
        return { ch: awkEscape(src[j - 1]) };
      }
      j++;
      return { ch: c };
    };
    for (;;) {
      if (j >= n) throw new RegexError('Unmatched [, [^, [:, [., or [=');
      if (src[j] === ']' && !first) break;
      first = false;
      const a = readElem();
      if (a.cls !== undefined) { body += a.cls; continue; }
      if (src[j] === '-' && j + 1 < n && src[j + 1] !== ']') {
        j++;
        const b = readElem();
        if (b.cls !== undefined) throw new RegexError('Invalid range end');
        if (b.ch!.codePointAt(0)! < a.ch!.codePointAt(0)!) throw new RegexError('Invalid range end');
        body += classEscape(a.ch!) + '-' + classEscape(b.ch!);
        continue;
      }
      body += classEscape(a.ch!);
    }
    i = j + 1;
    emitAtom('[' + (neg ? '^' : '') + body + ']');
  };

  while (i < n) {
    const c = src[i];
    if (c === '\\') {
      if (i + 1 >= n) throw new RegexError('Trailing backslash');
      const d = src[i + 1];
      i += 2;
      if (!ere && flavor !== 'awk') {
        if (d === '(') { openGroup(); continue; }
        if (d === ')') {
          if (!open.length) throw new RegexError('Unmatched ) or \\)');
          closeGroup();
          continue;
        }
        if (d === '|') { alternate(); continue; }
        if (d === '{') {
          if (atom < 0) { emitAtom('\\{'); continue; } // GNU: a leading \{ is literal
          const iv = interval(i, '\\}');
          if (!iv) {
            if (src.indexOf('\\}', i) < 0) throw new RegexError('Unmatched \\{');
            throw new RegexError('Invalid content of \\{\\}');
          }
          i = iv[1];
          quantify(iv[0]);
          continue;
        }
        if (d === '+' || d === '?') {
          if (atom < 0) emitAtom(jsEscape(d));
          else quantify(d);
          continue;
        }
      }
      if (d >= '1' && d <= '9') {
        if (flavor === 'awk') {
          // gawk: \NNN is an octal escape, not a back-reference.
          const m = /^[0-7]{1,3}/.exec(src.slice(i - 1));
          if (m && !/[89]/.test(d)) {
            i = i - 1 + m[0].length;
            emitAtom(jsEscape(String.fromCharCode(parseInt(m[0], 8))));
          } else emitAtom(jsEscape(d));
          continue;
        }
        const k = Number(d);
        if (!closed.has(k)) throw new RegexError('Invalid back reference');
        emitAtom(`(?:\\${k + groupBase})`);
        continue;
      }
      switch (d) {
        case 'w': case 'W': case 's': case 'S': emitAtom('\\' + d); continue;
        case 'b': case 'B':
          if (flavor === 'awk' && d === 'b') { emitAtom('\\x08'); continue; }
          emitAnchor('\\' + d);
          continue;
        case 'y': if (flavor === 'awk') { emitAnchor('\\b'); continue; } break;
        case '<': emitAnchor('\\b(?=\\w)'); continue;
        case '>': emitAnchor('\\b(?<=\\w)'); continue;
        case '`': emitAnchor('(?<![\\s\\S])'); continue;
        case "'": emitAnchor('(?![\\s\\S])'); continue;
        default: break;
      }
      if (flavor !== 'grep') {
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07' };
        if (d in simple) { emitAtom(jsEscape(simple[d])); continue; }
        if (flavor === 'sed') {
          const m = d === 'd' ? /^\d{1,3}/.exec(src.slice(i)) : d === 'o' ? /^[0-7]{1,3}/.exec(src.slice(i))
            : d === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(src.slice(i)) : null;
          if (m) {
            i += m[0].length;
            emitAtom(jsEscape(String.fromCharCode(parseInt(m[0], d === 'd' ? 10 : d === 'o' ? 8 : 16))));
            continue;
          }
          if (d === 'c' && i < n) {
            const x = src[i++].toUpperCase();
            emitAtom(jsEscape(String.fromCharCode(x.charCodeAt(0) ^ 0x40)));
            continue;
          }
        }
        if (flavor === 'awk' && d === '0') {
          emitAtom('\\x00');
          continue;
        }
      }
      emitAtom(jsEscape(d));
      continue;
    }
    if (c === '[') { bracket(); continue; }
    i++;
    if (c === '.') { emitAtom('.'); continue; }
    if (c === '*') {
      if (atom >= 0) quantify('*');
      else if (!ere && flavor !== 'awk') emitAtom('\\*');
      else if (flavor === 'sed') throw new RegexError('Invalid preceding regular expression');
      // GNU ERE: a leading `*` applies to nothing and is dropped
      continue;
    }
    if (c === '^') {
      if (ere || flavor === 'awk' || branchStart) emitAnchor('^');
      else emitAtom('\\^');
      continue;
    }
    if (c === '$') {
      const rest = src.slice(i);
      if (ere || flavor === 'awk' || rest === '' || rest.startsWith('\\)') || rest.startsWith('\\|')) emitAnchor('$');
      else emitAtom('\\$');
      continue;
    }
    if (ere || flavor === 'awk') {
      if (c === '+' || c === '?') {
        if (atom >= 0) quantify(c);
        else if (flavor === 'sed') throw new RegexError('Invalid preceding regular expression');
        continue;
      }
      if (c === '{') {
        const iv = atom >= 0 ? interval(i, '}') : null;
        if (iv) { i = iv[1]; quantify(iv[0]); } else emitAtom('\\{');
        continue;
      }
      if (c === '(') { openGroup(); continue; }
      if (c === ')') {
        if (open.length) closeGroup();
        else emitAtom('\\)');
        continue;
      }
      if (c === '|') { alternate(); continue; }
    }
    emitAtom(jsEscape(c));
  }
  if (open.length) throw new RegexError('Unmatched ( or \\(');
  return { source: out, groups };
}

function awkEscape(d: string): string {
  const m: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b' };
  return m[d] ?? d;
}

export interface CompileOpts {
  readonly ere: boolean;
  readonly flavor: Flavor;
  readonly icase?: boolean;
  readonly global?: boolean;
  /** sed's M flag: ^ and $ also match around embedded newlines. */
  readonly multiline?: boolean;
}

/** Compile a POSIX pattern to a RegExp (throws RegexError with glibc's message). */
export function compile(src: string, o: CompileOpts): RegExp {
  const t = translate(src, o.ere, o.flavor);
  return jsRegExp(t.source, o);
}

export function jsRegExp(source: string, o: { icase?: boolean; global?: boolean; multiline?: boolean }): RegExp {
  const flags = 's' + (o.icase ? 'i' : '') + (o.global ? 'g' : '') + (o.multiline ? 'm' : '');
  try {
    return new RegExp(source, flags);
  } catch {
    throw new RegexError('Invalid regular expression');
  }
}
