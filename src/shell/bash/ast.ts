/**
 * The syntax tree of a bash program, as the parser builds it and the executor walks it.
 *
 * Words keep their quoting structure (parts), because expansion depends on it: only unquoted
 * expansion results are split on IFS, only unquoted characters are glob patterns, brace
 * expansion only sees unquoted literal text. Nodes carry the line they start on for $LINENO
 * and `FILE: line N:` messages. Left out: process substitution, coprocesses, `select`,
 * `time` (parsed and ignored), extglob patterns.
 */

export type WordPart =
  /** Unquoted literal text (may hold glob characters, braces, `~`). */
  | { readonly t: 'lit'; readonly s: string }
  /** Quoted literal text: '...', $'...', a backslash-escaped character. */
  | { readonly t: 'sq'; readonly s: string }
  /** "..." (its parts are never split or globbed). */
  | { readonly t: 'dq'; readonly parts: WordPart[] }
  | ParamPart
  /** $(...) or `...`. `body` is parsed lazily for backticks. */
  | { readonly t: 'cmd'; readonly src: string; body?: List; readonly backtick: boolean; readonly line: number }
  /** $((...)) */
  | { readonly t: 'arith'; readonly src: Word }
  /** <(...) / >(...) process substitution */
  | { readonly t: 'procsubst'; readonly dir: '<' | '>'; readonly src: string; readonly body: List; readonly line: number }

export type ParamOp =
  | '' | ':-' | '-' | ':=' | '=' | ':+' | '+' | ':?' | '?'
  | '#' | '##' | '%' | '%%' | '/' | '//' | '/#' | '/%' | ':' | '^' | '^^' | ',' | ',,' | '~' | '~~' | '@';

export interface ParamPart {
  readonly t: 'param';
  /** Variable name, a digit string, or one of @ * # ? - $ ! 0. */
  readonly name: string;
  /** Array subscript text (`@`, `*`, or an expression/key), if any. */
  readonly index?: Word;
  /** ${#x} */
  readonly length?: boolean;
  /** ${!x} indirection, or ${!prefix*} / ${!a[@]} when `op` says so. */
  readonly indirect?: boolean;
  readonly op: ParamOp;
  /** The operand word (default value, pattern, offset, ...). */
  readonly arg?: Word;
  /** The replacement for ${x/p/r}, the length for ${x:o:l}. */
  readonly arg2?: Word;
  /** `${x}` braces were used (only for error messages). */
  readonly braced: boolean;
  /** The raw text between `${` and `}`, for `bad substitution` messages. */
  readonly raw?: string;
  /** Parse error to report at expansion time (bash reports `bad substitution` then). */
  readonly bad?: boolean;
}

export interface Word {
  readonly parts: WordPart[];
  /** The word's source text (for printing commands and error messages). */
  readonly text: string;
  /** Elements of a compound array assignment `a=(x y)` (set on the assignment's word). */
  readonly array?: Word[];
  /** Set when the word is a single unquoted literal needing no expansion at all. */
  readonly plain?: string;
  /** Cache for brace expansion results. */
  braced?: Word[] | null;
}

export type RedirOp = '<' | '>' | '>>' | '>|' | '<>' | '<&' | '>&' | '&>' | '&>>' | '<<' | '<<-' | '<<<';

export interface Redir {
  readonly op: RedirOp;
  /** Explicit file descriptor (the `2` of `2>`), or -1 for the default. */
  readonly fd: number;
  /** The target word (file name, fd number, `-`), or the here-document body. */
  target: Word;
  /** Here-documents: the body is not expanded (quoted delimiter). */
  readonly quoted?: boolean;
  /** Here-documents: the delimiter (for messages). */
  readonly delim?: string;
}

export interface Assign {
  readonly name: string;
  /** Subscript of `a[i]=v`. */
  readonly index?: Word;
  readonly append: boolean;
  readonly value: Word;
  /** `a=(...)` */
  readonly array?: Word[];
}

export interface SimpleCommand {
  readonly t: 'simple';
  readonly line: number;
  /** Some word holds <(...) (its temporary files are removed when the command ends). */
  procSubst?: boolean;
  readonly assigns: Assign[];
  readonly words: Word[];
  readonly redirs: Redir[];
}

export interface Pipeline {
  readonly t: 'pipeline';
  readonly line: number;
  readonly cmds: Command[];
  /** `|&` after stage i: its stderr goes down the pipe too. */
  readonly stderrToo: boolean[];
  readonly bang: boolean;
  /** `time` / `time -p` prefix: report elapsed (virtual) time on stderr. */
  readonly time?: 'posix' | 'bash';
}

/** `a && b || c` as a left-leaning chain. */
export interface AndOr {
  readonly t: 'andor';
  readonly line: number;
  readonly first: Command;
  readonly rest: { op: '&&' | '||'; cmd: Command }[];
}

export interface ListItem { readonly cmd: Command; readonly async: boolean }

export interface List {
  readonly t: 'list';
  readonly line: number;
  readonly items: ListItem[];
}

export interface Subshell { readonly t: 'subshell'; readonly line: number; readonly body: List; readonly redirs: Redir[] }
export interface Group { readonly t: 'group'; readonly line: number; readonly body: List; readonly redirs: Redir[] }
export interface If {
  readonly t: 'if'; readonly line: number;
  readonly clauses: { cond: List; body: List }[];
  readonly else?: List;
  readonly redirs: Redir[];
}
export interface For {
  readonly t: 'for'; readonly line: number;
  readonly name: string;
  /** Absent: `for x; do` iterates over "$@". */
  readonly words?: Word[];
  readonly body: List;
  readonly redirs: Redir[];
  /** `select NAME in ...` (a menu loop) instead of `for`. */
  readonly select?: boolean;
}
export interface ArithFor {
  readonly t: 'arithfor'; readonly line: number;
  readonly init: Word; readonly cond: Word; readonly step: Word;
  readonly body: List;
  readonly redirs: Redir[];
}
export interface While {
  readonly t: 'while'; readonly line: number;
  readonly until: boolean;
  readonly cond: List;
  readonly body: List;
  readonly redirs: Redir[];
}
export interface CaseItem { readonly patterns: Word[]; readonly body: List | null; readonly term: ';;' | ';&' | ';;&' }
export interface Case {
  readonly t: 'case'; readonly line: number;
  readonly word: Word;
  readonly items: CaseItem[];
  readonly redirs: Redir[];
}
export interface FuncDef {
  readonly t: 'func'; readonly line: number;
  readonly name: string;
  readonly body: Command;
  /** Source file the function was defined in (for messages). */
  readonly file?: string;
}
export interface Arith { readonly t: 'arith'; readonly line: number; readonly expr: Word; readonly redirs: Redir[] }
export interface Cond { readonly t: 'cond'; readonly line: number; readonly expr: CondExpr; readonly redirs: Redir[] }

export type CondExpr =
  | { readonly t: 'and' | 'or'; readonly a: CondExpr; readonly b: CondExpr }
  | { readonly t: 'not'; readonly a: CondExpr }
  | { readonly t: 'unary'; readonly op: string; readonly a: Word }
  | { readonly t: 'binary'; readonly op: string; readonly a: Word; readonly b: Word }
  | { readonly t: 'word'; readonly a: Word };

export type Command =
  | SimpleCommand | Pipeline | AndOr | List | Subshell | Group | If | For | ArithFor | While | Case
  | FuncDef | Arith | Cond;

/** A Command that may carry redirections of its own. */
export type Compound = Subshell | Group | If | For | ArithFor | While | Case | Arith | Cond;

export function lit(s: string): Word {
  return { parts: s ? [{ t: 'lit', s }] : [], text: s, plain: s };
}
