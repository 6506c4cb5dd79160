/**
 * Generators of command lines (fast-check) and the checks every line's outcome must pass.
 */
import fc from 'fast-check';
import { allCommands } from '../../src/shell/commands/index.ts';
import type { LineOutcome } from './harness.ts';
import { COMMON, CURATED, SHELL_COMMANDS, goldenCorpus, vocabOf } from './vocab.ts';

/** Every command a lab host can run: the registry plus the shell's own. */
export const ALL_COMMANDS = [...new Set([...allCommands.map((c) => c.name), ...SHELL_COMMANDS])].sort();

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** One word as bash should pass it to the command. */
export function quoteArg(s: string): string {
  return SAFE.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const word = (cmd: string) => fc.oneof(
  { weight: 7, arbitrary: fc.constantFrom(...vocabOf(cmd)) },
  { weight: 2, arbitrary: fc.constantFrom(...COMMON) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...vocabOf(cmd)), fc.constantFrom('', '=', ',', ':'), fc.constantFrom(...vocabOf(cmd), ...COMMON)).map(([a, s, b]) => a + s + b) },
);

/** `cmd` with random arguments drawn mostly from what it understands. */
export function commandLine(cmd: string): fc.Arbitrary<string> {
  return fc.array(word(cmd), { maxLength: 7 }).map((args) => [cmd, ...args.map(quoteArg)].join(' '));
}

/** A random command of ALL_COMMANDS with random arguments, on a random host. */
export const anyCommandLine = fc.constantFrom(...ALL_COMMANDS).chain((cmd) => commandLine(cmd).map((line) => ({ cmd, line })));

const CORPUS: readonly [string, string][] = [...CURATED, ...goldenCorpus()];
const MUT_CHARS = [' ', ';', '|', '&', '>', '<', '$', '(', ')', '{', '}', '[', ']', '"', "'", '\\', '`', '*', '?', '!', '#', '-', '=', ':', '/', '.', '\n', '\t', '0', '9', 'a', 'Z', '\u00e9', '\0'];

type Mutation =
  | { k: 'delTok' | 'dupTok'; i: number }
  | { k: 'swapTok'; i: number }
  | { k: 'setTok' | 'insTok'; i: number; w: string }
  | { k: 'delCh' | 'truncate'; i: number }
  | { k: 'insCh' | 'setCh'; i: number; c: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ k: fc.constantFrom('delTok' as const, 'dupTok' as const, 'swapTok' as const), i: fc.nat() }),
  fc.record({ k: fc.constantFrom('setTok' as const, 'insTok' as const), i: fc.nat(), w: fc.oneof(fc.constantFrom(...COMMON), fc.constantFrom(...vocabOf('ipvsadm'), ...vocabOf('ip'), ...vocabOf('sed'))) }),
  fc.record({ k: fc.constantFrom('delCh' as const, 'truncate' as const), i: fc.nat() }),
  fc.record({ k: fc.constantFrom('insCh' as const, 'setCh' as const), i: fc.nat(), c: fc.constantFrom(...MUT_CHARS) }),
);

export function mutate(line: string, muts: readonly Mutation[]): string {
  let s = line;
  for (const m of muts) {
    const toks = s.split(' ');
    const ti = m.i % Math.max(1, toks.length);
    const ci = m.i % Math.max(1, s.length + 1);
    switch (m.k) {
      case 'delTok': toks.splice(ti, 1); s = toks.join(' '); break;
      case 'dupTok': toks.splice(ti, 0, toks[ti] ?? ''); s = toks.join(' '); break;
      case 'swapTok': if (toks.length > 1) { const j = (ti + 1) % toks.length; [toks[ti], toks[j]] = [toks[j], toks[ti]]; } s = toks.join(' '); break;
      case 'setTok': toks[ti] = m.w; s = toks.join(' '); break;
      case 'insTok': toks.splice(ti, 0, m.w); s = toks.join(' '); break;
      case 'delCh': s = s.slice(0, ci) + s.slice(ci + 1); break;
      case 'truncate': s = s.slice(0, ci); break;
      case 'insCh': s = s.slice(0, ci) + m.c + s.slice(ci); break;
      case 'setCh': s = s.slice(0, ci) + m.c + s.slice(ci + 1); break;
    }
  }
  return s;
}

/** A valid line of the corpus with one to three mutations. */
export const mutatedLine = fc.tuple(fc.constantFrom(...CORPUS), fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([[host, line], muts]) => ({ host, line: mutate(line, muts) }));

const BASH_TOKENS = [
  'echo', 'x=1', '$x', '"$x"', "'a b'", '$(', ')', '`', '${', '}', '{', '(', '((', '))', '[[', ']]', '|', '||', '&&', '&', ';', ';;', '\n',
  '<', '>', '>>', '<<EOF', 'EOF', '<<<', '2>&1', '>&2', '&>', 'if', 'then', 'else', 'fi', 'for', 'in', 'do', 'done', 'while', 'until',
  'case', 'esac', 'function', 'f()', 'f', '!', '*', '?', '[a-z]', '~', '{1..3}', '{a,b}', '$((1+2))', '$((1/0))', '${x:-y}', '${#x}',
  '${x/a/b}', '${x:1:2}', '${!x}', '"', "'", '\\', '#', 'yes', 'head', 'cat', 'read', 'exit', 'return', 'break', 'continue', 'set -e',
  'set -u', 'trap', 'eval', 'source', 'declare', 'local', 'shift', 'sleep 1', ' ', 'a=(1 2)', '${a[@]}', '$@', '$*', '$#', '$?', '$$', '$!',
  'wait', 'kill %1', 'jobs', 'fg', 'alias', 'unalias', 'printf %d', '%s', 'ipvsadm', '-Ln', 'ip a', 'curl -s 192.168.1.100', 'ping -c1',
  'sysctl -a', 'systemctl', 'nmcli', 'iptables -L', 'grep', 'sed', 'awk', "'{print}'", 'sort', 'wc -l', '/etc/passwd', '/dev/null',
  '/tmp/f', 'true', 'false', ':', 'time', 'exec', 'coproc', 'select', '[[ -f', '-eq', '=~', 'let', 'mapfile', 'getopts', 'shopt -s extglob',
  '@(a|b)', '+(x)', '$RANDOM', '$LINENO', '$SECONDS', 'PS1=', 'IFS=:', 'cd', 'pushd', 'popd', 'umask', 'ulimit',
];

/** Random bash syntax (with commands in it). */
export const bashLine = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...BASH_TOKENS), { maxLength: 14 }).map((a) => a.join(' ')) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...BASH_TOKENS), { maxLength: 10 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

// ---- checks -----------------------------------------------------------------------------------

/** A JavaScript error leaking into what the user sees. */
const JS_ERROR = /\b(TypeError|ReferenceError|RangeError|SyntaxError|InternalError|AggregateError)\b|is not a function|Cannot read propert|Cannot set propert|is not defined\b|is not iterable|Maximum call stack|\n\s+at [\w.<>$ ]+ \(|\bat .*\.[tj]s:\d+:\d+|\[object [A-Z]/;
/** JavaScript values printed as text: a bug unless the user typed them. */
const JS_VALUE = /\b(undefined|NaN)\b|\[object \w+\]/;

/**
 * Non-zero exits that need no message, as the real tools behave: tests and matchers that say
 * "no", commands that report on stdout, silent modes, and statuses the line chose itself.
 */
export function silentFailureOk(cmd: string, args: readonly string[], status: number, out: string): boolean {
  const has = (...o: string[]) => args.some((a) => o.includes(a) || o.some((x) => x.length === 2 && x[0] === '-' && /^-[a-zA-Z]+$/.test(a) && a.includes(x[1])));
  switch (cmd) {
    case 'false': case 'test': case '[': case 'let': case 'expr': case 'return': case 'exit': case 'logout': case 'bash': case 'sh':
    case 'eval': case 'source': case '.': case 'command': case 'builtin': case 'wait': case 'fg': case 'bg': case 'exec': case 'caller':
    case 'getopts': case 'read': case 'mapfile': case 'readarray': case 'shift': case 'type': case 'which': case 'hash': case 'compgen':
      return true;
    case 'grep': case 'egrep': case 'fgrep': return status === 1 || (status === 2 && has('-s')); // no match; -s: no file messages
    case 'printenv': return status === 1;                             // a variable that is not set
    case 'readlink': return !has('-v');                               // not a link: silent without -v
    case 'diff': case 'cmp': return status === 1;                     // files differ (on stdout)
    case 'comm': case 'sort': return has('-C');                       // sort -C: silent check
    case 'awk': case 'gawk': case 'sed': return true;                 // `exit N` / `q N` in the program
    case 'curl': return has('-s', '--silent', '-f', '--fail') || out.length > 0;
    case 'ping': return out.length > 0;                               // statistics say what was lost
    case 'systemctl': return out.length > 0 || args.some((a) => a.startsWith('is-')) || has('-q', '--quiet');
    case 'rpm': return out.length > 0 || has('-V');                   // "package x is not installed" on stdout
    case 'dnf': case 'yum': return status === 100 || out.length > 0;  // check-update: updates available
    case 'modprobe': return has('-q');
    case 'sysctl': return has('-q', '-e');
    case 'journalctl': return has('-q');
    case 'tcpdump': case 'traceroute': return out.length > 0;
    case 'kill': return out.length > 0;
    case 'arp': return out.length > 0;                                // "No ARP entry for HOST" on stdout
    case 'declare': case 'typeset': return has('-f', '-F');           // declare -f NAME: no such function, silently
    default: return false;
  }
}

/** What is wrong with a line's outcome (empty when nothing). `strict`: a single command with its own stderr. */
export function problems(o: LineOutcome, strict: boolean, cmd?: string, args: readonly string[] = []): string[] {
  const p: string[] = [];
  if (o.thrown) p.push(`runLine threw: ${o.thrown}`);
  for (const c of o.crashes) p.push(`process crashed: ${c}`);
  if (!Number.isInteger(o.status) || o.status < 0 || o.status > 255) p.push(`exit status ${o.status}`);
  if (JS_ERROR.test(o.err)) p.push('a JavaScript error on stderr');
  if (JS_ERROR.test(o.out) && !JS_ERROR.test(o.line)) p.push('a JavaScript error on stdout');
  const typed = JS_VALUE.exec(o.line)?.[0];
  const shown = JS_VALUE.exec(o.out + o.err)?.[0];
  if (shown && shown !== typed && !/\bundefined\b/.test(o.line)) p.push(`"${shown}" in the output`);
  if (strict && cmd && o.status !== 0 && !o.interrupted && o.status !== 130 && o.status !== 137 && o.status !== 127
    && o.err.trim() === '' && !silentFailureOk(cmd, args, o.status, o.out)) {
    p.push(`exit ${o.status} without a word on stderr`);
  }
  return p;
}

export function describeOutcome(o: LineOutcome): string {
  const cut = (s: string) => (s.length > 600 ? `${s.slice(0, 600)}…` : s);
  return `${o.host}# ${o.line}\n  -> exit ${o.status}${o.interrupted ? ' (after an automatic Ctrl-C)' : ''}, ${o.ms.toFixed(1)} ms (longest step ${o.maxStepMs.toFixed(1)} ms)\n  stdout: ${JSON.stringify(cut(o.out))}\n  stderr: ${JSON.stringify(cut(o.err))}`;
}

// ---- sequences --------------------------------------------------------------------------------

/** Real time a command may take (ms). */
export const LINE_BUDGET_MS = 100;

export interface Step { readonly host: string; readonly line: string; readonly cmd?: string }

/** The words a simple generated line passes to its command (as quoteArg wrote them). */
export function argsOf(line: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]);
  return out.slice(1);
}

/**
 * Run `steps` on a fresh lab of `preset` and return what went wrong, if anything. A line over
 * the time budget is run again on a fresh lab after the same lines (the lab is deterministic),
 * so a garbage collection or a busy machine is not taken for a slow command.
 */
export function runSteps(newLab: () => { run(host: string, line: string): LineOutcome }, steps: readonly Step[]): string | null {
  let lab = newLab();
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i];
    let o = lab.run(st.host, st.line);
    if (slowness(o)) {
      const again = newLab();
      for (let j = 0; j < i; j++) again.run(steps[j].host, steps[j].line);
      const o2 = again.run(st.host, st.line);
      if (!slowness(o2)) { o = o2; lab = again; }
    }
    const p = problems(o, st.cmd !== undefined, st.cmd, st.cmd !== undefined ? argsOf(st.line) : []);
    const slow = slowness(o);
    if (slow) p.push(slow);
    if (p.length) return `line ${i + 1} of ${steps.length}: ${describeOutcome(o)}\n  problems:\n    ${p.join('\n    ')}`;
  }
  return null;
}

/** Out of memory, in the words of the tools and of bash. */
const OOM = /memory exhausted|Cannot allocate memory/;

/**
 * Real-time rules. A command finishes within LINE_BUDGET_MS. A runaway (one the guards had
 * to stop with Ctrl-C, or that ran out of memory) cannot finish at all; what matters then is
 * that the lab stays responsive: no single scheduler step longer than STEP_BUDGET_MS, and
 * the command gone within LINE_BUDGET_MS of the Ctrl-C.
 */
export function slowness(o: LineOutcome): string | null {
  if (o.maxStepMs > STEP_BUDGET_MS) return `one scheduler step took ${o.maxStepMs.toFixed(0)} ms of real time (budget ${STEP_BUDGET_MS} ms)`;
  if (o.interrupted) {
    return o.afterInterruptMs > LINE_BUDGET_MS ? `still running ${o.afterInterruptMs.toFixed(0)} ms after Ctrl-C (budget ${LINE_BUDGET_MS} ms)` : null;
  }
  if (OOM.test(o.err)) return null;
  return o.ms > LINE_BUDGET_MS ? `took ${o.ms.toFixed(0)} ms of real time (budget ${LINE_BUDGET_MS} ms)` : null;
}

/** Real time one scheduler step may take (a key, a Ctrl-C or another terminal waits that long). */
export const STEP_BUDGET_MS = 50;
