/**
 * The iptables 1.8.10 (nf_tables) frontend: command-line parsing exactly as xshared.c's
 * do_parse() does it (glibc getopt_long with extension options merged in as they are
 * loaded, implicit protocol matches, `!` handling, the command/option legality table), the
 * commands of xtables.c/nft.c with their errno messages, and the -L/-S/iptables-save
 * formats. iptables-restore and iptables-save live here too, because the iptables.service
 * unit (core) needs restore.
 *
 * Every command is one transaction: it works on a copy of the table and commits only when
 * it succeeds, so a failing command changes nothing (as one nft batch).
 *
 * Pure: argv in, {stdout, stderr, status} out. Never throws for bad input.
 */
import { clock, DAY_NAMES, MONTH_NAMES, utcFields } from '../sim/calendar.ts';
import { fmtIp, maskPrefix, parseIpv4, prefixMask } from '../wire/types.ts';
import {
  DEFAULT_SERVICES, IptError, MATCHES, STANDARD_TARGETS, TARGETS, isTargetName, parseProtocol, parseServices, perr, protoName,
  saveString, strtouiAll, type MatchExt, type OptEntry, type ParseCtx, type PrintCtx, type Services, type TargetExt,
} from './ext.ts';
import {
  BUILTIN_CHAINS, CHAIN_HOOK, INV, SAVE_ORDER, TABLE_NAMES, cloneTable, type Chain, type MatchInst, type Netfilter,
  type Rule, type RuleTarget, type Table, type TableName,
} from './tables.ts';
import type { Vfs } from '../fs/vfs.ts';

export const IPT_VERSION = '1.8.10';
const VERS = `${IPT_VERSION} (nf_tables)`;

export interface IptResult { stdout: string; stderr: string; status: number }

export interface IptEnv {
  /** Host filesystem (for /etc/services and /etc/hosts); optional in tests. */
  readonly fs?: Vfs;
  /** Seconds since the epoch on the virtual clock (iptables-save's date). */
  readonly epochSeconds?: number;
}

// ---- command / option bits (xshared.h) ----------------------------------------------------------

const CMD = {
  NONE: 0, INSERT: 1, DELETE: 2, DELETE_NUM: 4, REPLACE: 8, APPEND: 16, LIST: 32, FLUSH: 64, ZERO: 128,
  NEW_CHAIN: 256, DELETE_CHAIN: 512, SET_POLICY: 1024, RENAME_CHAIN: 2048, LIST_RULES: 4096, ZERO_NUM: 8192, CHECK: 16384,
} as const;
const CMD_CHARS = ['I', 'D', 'D', 'R', 'A', 'L', 'F', 'Z', 'N', 'X', 'P', 'E', 'S', 'Z', 'C'];

const OPT = { NUMERIC: 1, SOURCE: 2, DESTINATION: 4, PROTOCOL: 8, JUMP: 16, VERBOSE: 32, EXPANDED: 64, VIANAMEIN: 128,
  VIANAMEOUT: 256, LINENUMBERS: 512, COUNTERS: 1024, FRAGMENT: 2048 } as const;
const OPT_CHARS = ['n', 's', 'd', 'p', 'j', 'v', 'x', 'i', 'o', '0', 'c', 'f'];
const INV_FOR_OPT = [0, INV.SRC, INV.DST, INV.PROTO, 0, 0, 0, INV.IN, INV.OUT, 0, 0, 32];

/** commands_v_options, first 12 option columns: -n -s -d -p -j -v -x -i -o --line -c -f. */
const LEGAL: string[] = [
  'x     x  x  ', // INSERT
  'x     x  xx ', // DELETE
  'xxxxx xxxxxx', // DELETE_NUM
  'x     x  x  ', // REPLACE
  'x     x  x  ', // APPEND
  ' xxxx  xx xx', // LIST
  'xxxxx xxxxxx', // FLUSH
  'xxxxx xxxxxx', // ZERO
  'xxxxx xxxxxx', // NEW_CHAIN
  'xxxxx xxxxxx', // DEL_CHAIN
  'xxxxx xxxx x', // SET_POLICY
  'xxxxx xxxxxx', // RENAME
  'xxxxx xxxxxx', // LIST_RULES
  'xxxxx xxxxxx', // ZERO_NUM
  'x     x  xx ', // CHECK
];

function cmd2char(cmd: number): string {
  let i = 0;
  for (let o = cmd; o > 1; o >>= 1) i++;
  return CMD_CHARS[i] ?? '?';
}
function opt2char(opt: number): string {
  let i = 0;
  for (let o = opt; o > 1; o >>= 1) i++;
  return OPT_CHARS[i] ?? '?';
}

// ---- getopt_long ---------------------------------------------------------------------------------

interface LongOpt { readonly name: string; readonly hasArg: 0 | 1 | 2; readonly key: string }

const BASE_LONG: LongOpt[] = [
  ['append', 1, 'A'], ['delete', 1, 'D'], ['check', 1, 'C'], ['insert', 1, 'I'], ['replace', 1, 'R'], ['list', 2, 'L'],
  ['list-rules', 2, 'S'], ['flush', 2, 'F'], ['zero', 2, 'Z'], ['new-chain', 1, 'N'], ['delete-chain', 2, 'X'],
  ['rename-chain', 1, 'E'], ['policy', 1, 'P'], ['source', 1, 's'], ['destination', 1, 'd'], ['src', 1, 's'], ['dst', 1, 'd'],
  ['protocol', 1, 'p'], ['in-interface', 1, 'i'], ['jump', 1, 'j'], ['table', 1, 't'], ['match', 1, 'm'], ['numeric', 0, 'n'],
  ['out-interface', 1, 'o'], ['verbose', 0, 'v'], ['wait', 2, 'w'], ['wait-interval', 2, 'W'], ['exact', 0, 'x'],
  ['fragments', 0, 'f'], ['version', 0, 'V'], ['help', 2, 'h'], ['line-numbers', 0, '0'], ['modprobe', 1, 'M'],
  ['set-counters', 1, 'c'], ['goto', 1, 'g'], ['ipv4', 0, '4'], ['ipv6', 0, '6'],
].map(([name, hasArg, key]) => ({ name: name as string, hasArg: hasArg as 0 | 1 | 2, key: key as string }));

/** IPT_OPTSTRING: "-:A:C:D:E:F::I:L::M:N:P:VX::Z::c:d:i:j:o:p:s:t:R:S::W::46bfg:h::m:nvw::x" */
const SHORT: Record<string, 0 | 1 | 2> = {
  A: 1, C: 1, D: 1, E: 1, F: 2, I: 1, L: 2, M: 1, N: 1, P: 1, V: 0, X: 2, Z: 2, c: 1, d: 1, i: 1, j: 1, o: 1, p: 1, s: 1, t: 1,
  R: 1, S: 2, W: 2, '4': 0, '6': 0, b: 0, f: 0, g: 1, h: 2, m: 1, n: 0, v: 0, w: 2, x: 0,
};

type GetoptRet = { c: string; optarg?: string; optopt?: string } | null;

class Getopt {
  optind = 0;
  private nextchar = '';
  constructor(private readonly argv: string[], private readonly longs: () => LongOpt[]) {}

  next(): GetoptRet {
    const argv = this.argv;
    if (!this.nextchar) {
      if (this.optind === 0) this.optind = 1;
      if (this.optind >= argv.length) return null;
      const a = argv[this.optind];
      if (a === '--') { this.optind++; return null; }
      if (a[0] !== '-' || a.length === 1) { this.optind++; return { c: '\x01', optarg: a }; }
      if (a[1] === '-') return this.long(a.slice(2));
      this.nextchar = a.slice(1);
    }
    const ch = this.nextchar[0];
    this.nextchar = this.nextchar.slice(1);
    const last = this.nextchar === '';
    if (last) this.optind++;
    const spec = SHORT[ch];
    if (spec === undefined) return { c: '?', optopt: ch };
    if (spec === 0) return { c: ch };
    if (spec === 2) {
      if (!last) { const v = this.nextchar; this.nextchar = ''; this.optind++; return { c: ch, optarg: v }; }
      return { c: ch };
    }
    if (!last) { const v = this.nextchar; this.nextchar = ''; this.optind++; return { c: ch, optarg: v }; }
    if (this.optind >= argv.length) return { c: ':', optopt: ch };
    return { c: ch, optarg: argv[this.optind++] };
  }

  private long(body: string): GetoptRet {
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const all = this.longs();
    let found: LongOpt | undefined = all.find((o) => o.name === name);
    if (!found) {
      const cands = all.filter((o) => o.name.startsWith(name));
      if (cands.length === 0 || name === '') { this.optind++; return { c: '?', optopt: '' }; }
      const f = cands[0];
      if (cands.some((o) => o.key !== f.key || o.hasArg !== f.hasArg)) { this.optind++; return { c: '?', optopt: '' }; }
      found = f;
    }
    this.optind++;
    if (eq >= 0) {
      if (found.hasArg === 0) return { c: '?', optopt: found.key.length === 1 ? found.key : '' };
      return { c: found.key, optarg: body.slice(eq + 1) };
    }
    if (found.hasArg === 1) {
      if (this.optind >= this.argv.length) return { c: ':', optopt: found.key };
      return { c: found.key, optarg: this.argv[this.optind++] };
    }
    return { c: found.key };
  }

  /** xs_has_arg(). */
  hasArg(): boolean {
    const a = this.argv[this.optind];
    return this.optind < this.argv.length && a[0] !== '-' && a[0] !== '!';
  }
  take(): string { return this.argv[this.optind++]; }
  peek(): string | undefined { return this.argv[this.optind]; }
  get argc(): number { return this.argv.length; }
  /** Re-read the current word (optind--, after loading the protocol match). */
  back(): void { this.optind--; this.nextchar = ''; }
}

// ---- parsed command ---------------------------------------------------------------------------

interface ExtState<E> { ext: E; data: any; xflags: number; completed: boolean }

interface Parsed {
  command: number;
  chain?: string;
  rulenum: number;
  newname?: string;
  policy?: string;
  table: string;
  verbose: number;
  options: number;
  inv: number;
  protocol?: string;
  proto: number;
  shost?: string;
  dhost?: string;
  iniface: string;
  outiface: string;
  jumpto: string;
  goto: boolean;
  target: ExtState<TargetExt> | null;
  matches: ExtState<MatchExt>[];
  protoUsed: boolean;
  pcnt: number;
  bcnt: number;
  /** -h / -V: print and exit 0. */
  early?: string;
}

function extOptKey(kind: 'm' | 't', name: string, id: number): string { return `${kind}:${name}:${id}`; }

/** Parse argv (argv[0] = program name) as do_parse() does. Throws IptError. */
function doParse(argv: string[], restore: boolean, sv: Services, resolveHost: (n: string) => number[] | null): Parsed {
  const p: Parsed = {
    command: 0, rulenum: 0, table: 'filter', verbose: 0, options: 0, inv: 0, proto: 0, iniface: '', outiface: '',
    jumpto: '', goto: false, target: null, matches: [], protoUsed: false, pcnt: 0, bcnt: 0,
  };
  let longs: LongOpt[] = [...BASE_LONG];
  const loadedExts = new Set<string>();
  const mergeOpts = (kind: 'm' | 't', name: string, opts: readonly OptEntry[]) => {
    const k = `${kind}:${name}`;
    if (loadedExts.has(k)) return;
    loadedExts.add(k);
    longs = [...longs, ...opts.map((o) => ({ name: o.name, hasArg: o.hasArg, key: extOptKey(kind, name, o.id) }))];
  };
  const g = new Getopt(argv, () => longs);
  let invert = false;
  let tableSet = false;

  const addCommand = (newcmd: number, others: number) => {
    if (invert) throw perr("unexpected '!' flag");
    if (p.command & ~others) throw perr(`Cannot use -${cmd2char(newcmd)} with -${cmd2char(p.command & ~others)}`);
    p.command |= newcmd;
  };
  const setOption = (opt: number) => {
    if (p.options & opt) throw perr(`multiple -${opt2char(opt)} flags not allowed`);
    p.options |= opt;
    if (invert) {
      let i = 0;
      while (1 << i !== opt) i++;
      if (!INV_FOR_OPT[i]) throw perr(`cannot have ! before -${opt2char(opt)}`);
      p.inv |= INV_FOR_OPT[i];
    }
  };
  const ruleNum = (s: string): number => {
    const n = strtouiAll(s, 1, 0x7fffffff);
    if (n === null) throw perr(`Invalid rule number \`${s}'`);
    return n;
  };
  const pctx = (): ParseCtx => ({
    proto: p.proto, invProto: !!(p.inv & INV.PROTO), services: sv,
    peek: () => g.peek(), consume: () => { g.take(); },
  });
  const findMatch = (name: string): MatchExt | undefined => MATCHES.get(name);
  const addMatch = (ext: MatchExt) => {
    for (const m of p.matches) m.completed = true;
    p.matches.push({ ext, data: ext.init(), xflags: 0, completed: false });
    mergeOpts('m', ext.name, ext.opts);
  };
  const extParse = (st: ExtState<MatchExt | TargetExt>, kind: string, o: OptEntry, arg: string | undefined) => {
    const ext = st.ext;
    if (ext.guided) {
      const bit = 1 << o.id;
      const extName = ext.name;
      if ((!o.multi || (o.excl ?? 0) & bit) && st.xflags & bit) throw perr(`${extName}: option "--${o.name}" can only be used once.\n`);
      if (invert && !o.invert) throw perr(`${extName}: option "--${o.name}" cannot be inverted.\n`);
      if (o.hasArg === 1 && arg === undefined) throw perr(`${extName}: option "--${o.name}" requires an argument.\n`);
      st.xflags |= bit;
    }
    void kind;
    ext.parse(st.data, o, arg, invert, pctx());
  };

  for (;;) {
    const r = g.next();
    if (r === null) break;
    const c = r.c;
    const optarg = r.optarg;
    switch (c) {
      case 'A': addCommand(CMD.APPEND, CMD.NONE); p.chain = optarg; break;
      case 'C': addCommand(CMD.CHECK, CMD.NONE); p.chain = optarg; break;
      case 'D':
        addCommand(CMD.DELETE, CMD.NONE); p.chain = optarg;
        if (g.hasArg()) { p.rulenum = ruleNum(g.take()); p.command = CMD.DELETE_NUM; }
        break;
      case 'R':
        addCommand(CMD.REPLACE, CMD.NONE); p.chain = optarg;
        if (g.hasArg()) p.rulenum = ruleNum(g.take());
        else throw perr('-R requires a rule number');
        break;
      case 'I':
        addCommand(CMD.INSERT, CMD.NONE); p.chain = optarg;
        p.rulenum = g.hasArg() ? ruleNum(g.take()) : 1;
        break;
      case 'L': case 'S':
        addCommand(c === 'L' ? CMD.LIST : CMD.LIST_RULES, CMD.ZERO | CMD.ZERO_NUM);
        if (optarg !== undefined) p.chain = optarg;
        else if (g.hasArg()) p.chain = g.take();
        if (g.hasArg()) p.rulenum = ruleNum(g.take());
        break;
      case 'F':
        addCommand(CMD.FLUSH, CMD.NONE);
        if (optarg !== undefined) p.chain = optarg; else if (g.hasArg()) p.chain = g.take();
        break;
      case 'Z':
        addCommand(CMD.ZERO, CMD.LIST | CMD.LIST_RULES);
        if (optarg !== undefined) p.chain = optarg; else if (g.hasArg()) p.chain = g.take();
        if (g.hasArg()) { p.rulenum = ruleNum(g.take()); p.command = CMD.ZERO_NUM; }
        break;
      case 'N':
        assertValidChainName(optarg!);
        addCommand(CMD.NEW_CHAIN, CMD.NONE); p.chain = optarg;
        break;
      case 'X':
        addCommand(CMD.DELETE_CHAIN, CMD.NONE);
        if (optarg !== undefined) p.chain = optarg; else if (g.hasArg()) p.chain = g.take();
        break;
      case 'E':
        addCommand(CMD.RENAME_CHAIN, CMD.NONE); p.chain = optarg;
        if (g.hasArg()) p.newname = g.take();
        else throw perr('-E requires old-chain-name and new-chain-name');
        assertValidChainName(p.newname);
        break;
      case 'P':
        addCommand(CMD.SET_POLICY, CMD.NONE); p.chain = optarg;
        if (g.hasArg()) p.policy = g.take();
        else throw perr('-P requires a chain and a policy');
        break;
      case 'h':
        p.early = helpText(p.protocol);
        return p;
      case 'p': {
        setOption(OPT.PROTOCOL);
        const s = optarg!.toLowerCase();
        p.protocol = s;
        p.proto = parseProtocol(s);
        if (p.proto === 0 && p.inv & INV.PROTO) throw perr('rule would never match protocol');
        break;
      }
      case 's': setOption(OPT.SOURCE); p.shost = optarg; break;
      case 'd': setOption(OPT.DESTINATION); p.dhost = optarg; break;
      case 'g':
        setOption(OPT.JUMP); p.goto = true; p.jumpto = parseTargetName(optarg!);
        break;
      case 'j': {
        setOption(OPT.JUMP);
        p.jumpto = parseTargetName(optarg!);
        const t = TARGETS.get(p.jumpto);
        if (t) {
          p.target = { ext: t, data: t.init(), xflags: 0, completed: false };
          mergeOpts('t', t.name, t.opts);
        }
        break;
      }
      case 'i': case 'o': {
        if (optarg === '') throw perr('Empty interface is likely to be undesired');
        setOption(c === 'i' ? OPT.VIANAMEIN : OPT.VIANAMEOUT);
        if (optarg!.length + 1 > 16) throw perr(`interface name \`${optarg}' must be shorter than IFNAMSIZ (15)`);
        if (c === 'i') p.iniface = optarg!; else p.outiface = optarg!;
        break;
      }
      case 'f': setOption(OPT.FRAGMENT); break;
      case 'v':
        if (!p.verbose) setOption(OPT.VERBOSE);
        p.verbose++;
        break;
      case 'm': {
        if (invert) throw perr('unexpected ! flag before --match');
        const m = findMatch(optarg!);
        if (!m) throw perr(`Couldn't load match \`${optarg}':No such file or directory\n`);
        addMatch(m);
        break;
      }
      case 'n': setOption(OPT.NUMERIC); break;
      case 't':
        if (invert) throw perr('unexpected ! flag before --table');
        if (restore && tableSet) throw perr('The -t option cannot be used in iptables-restore.\n');
        p.table = optarg!;
        tableSet = true;
        break;
      case 'x': setOption(OPT.EXPANDED); break;
      case 'V':
        p.early = invert ? `Not ${VERS} ;-)\n` : `iptables v${VERS}\n`;
        return p;
      case 'w': case 'W':
        if (restore) throw perr(`You cannot use \`-${c}' from iptables-restore`);
        if (optarg === undefined && g.hasArg()) {
          const v = g.peek()!;
          if (c === 'w' && strtouiAll(v, 0, 0x7fffffff) !== null) g.take();
          else if (c === 'W') g.take();
        }
        break;
      case '0': setOption(OPT.LINENUMBERS); break;
      case 'M': break;
      case 'c': {
        setOption(OPT.COUNTERS);
        const pc = optarg!;
        let bc: string | undefined;
        const comma = pc.indexOf(',', 1);
        if (comma >= 0) bc = pc.slice(comma + 1);
        if (bc === undefined && g.hasArg()) bc = g.take();
        if (bc === undefined) throw perr('-c requires packet and byte counter');
        const pn = /^\s*\+?\d+/.exec(pc);
        if (!pn) throw perr('-c packet counter not numeric');
        const bn = /^\s*\+?\d+/.exec(bc);
        if (!bn) throw perr('-c byte counter not numeric');
        p.pcnt = Number(pn[0]); p.bcnt = Number(bn[0]);
        break;
      }
      case '4': break;
      case '6':
        if (restore) return p;
        throw new IptError('param', '\x00tryonly');
      case 'b': throw perr(`unknown option "-b"`);
      case '\x01':
        if (optarg === '!') {
          if (invert) throw perr('multiple consecutive ! not allowed');
          invert = true;
          continue;
        }
        throw new IptError('badarg', `Bad argument \`${optarg}'`);
      default: {
        // Extension options (command_default).
        if (c.startsWith('t:') && p.target) {
          const [, name, id] = c.split(':');
          if (name === p.target.ext.name) {
            const o = p.target.ext.opts.find((x) => x.id === Number(id))!;
            extParse(p.target, 't', o, optarg);
            break;
          }
        }
        if (c.startsWith('m:')) {
          const [, name, id] = c.split(':');
          const st = p.matches.find((m) => !m.completed && m.ext.name === name);
          if (st) {
            const o = st.ext.opts.find((x) => x.id === Number(id))!;
            extParse(st, 'm', o, optarg);
            break;
          }
        }
        // load_proto(): -p tcp makes --dport load the tcp match, then re-read the option.
        if (p.protocol !== undefined && !p.protoUsed) {
          p.protoUsed = true;
          let pname: string | null = p.protocol;
          const num = strtouiAll(p.protocol, 0, 255);
          if (num !== null) pname = protoName(num, !!(p.options & OPT.NUMERIC));
          const m = pname ? findMatch(pname) : undefined;
          if (m && (m === MATCHES.get('tcp') || m === MATCHES.get('udp') || m === MATCHES.get('icmp'))) {
            addMatch(m);
            g.back();
            continue;
          }
        }
        if (c === ':') throw perr(`option "${argv[g.optind - 1]}" requires an argument`);
        if (c === '?') throw perr(`unknown option "${r.optopt ? `-${r.optopt}` : argv[g.optind - 1]}"`);
        throw perr(`Unknown arg "${optarg ?? ''}"`);
      }
    }
    invert = false;
  }

  if (p.table === 'nat' && (p.policy === 'DROP' || p.jumpto === 'DROP')) {
    throw perr('\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n');
  }
  const pc = pctx();
  for (const m of p.matches) finalCheck(m, pc);
  if (p.target) finalCheck(p.target, pc);
  if (g.optind < g.argc) throw perr('unknown arguments found on commandline');
  if (!p.command) throw perr('no command specified');
  if (invert) throw perr('nothing appropriate following !');
  // post_parse: default addresses and multi-address syntax checks happen in buildRules().
  if (p.command & (CMD.REPLACE | CMD.INSERT | CMD.DELETE | CMD.APPEND | CMD.CHECK)) {
    const s = parseAddrs(p.shost ?? '0.0.0.0/0', resolveHost);
    const d = parseAddrs(p.dhost ?? '0.0.0.0/0', resolveHost);
    if ((s.length > 1 || d.length > 1) && p.inv & (INV.SRC | INV.DST)) throw perr('! not allowed with multiple source or destination IP addresses');
    if (p.command === CMD.REPLACE && (s.length !== 1 || d.length !== 1)) throw perr('Replacement rule does not specify a unique address');
  } else {
    if (p.shost) parseAddrs(p.shost, resolveHost);
    if (p.dhost) parseAddrs(p.dhost, resolveHost);
  }
  genericOptCheck(p.command, p.options);
  if (p.chain !== undefined && p.chain.length >= 29) throw perr(`chain name \`${p.chain}' too long (must be under 29 chars)`);
  if (p.command & (CMD.APPEND | CMD.DELETE | CMD.DELETE_NUM | CMD.CHECK | CMD.INSERT | CMD.REPLACE)) {
    if ((p.chain === 'PREROUTING' || p.chain === 'INPUT') && p.options & OPT.VIANAMEOUT) throw perr(`Can't use -o with ${p.chain}\n`);
    if ((p.chain === 'POSTROUTING' || p.chain === 'OUTPUT') && p.options & OPT.VIANAMEIN) throw perr(`Can't use -i with ${p.chain}\n`);
  }
  return p;
}

function finalCheck(st: ExtState<MatchExt | TargetExt>, pc: ParseCtx): void {
  const ext = st.ext;
  ext.final?.(st.data, st.xflags, pc);
  if (!ext.guided) return;
  for (const o of ext.opts) {
    if (o.mand && !(st.xflags & (1 << o.id))) throw perr(`${ext.name}: option "--${o.name}" must be specified\n`);
    if (!(st.xflags & (1 << o.id))) continue;
    const canon = (id: number) => ext.opts.find((x) => x.id === id)!;
    for (let i = 0; i < 32; i++) {
      if (i === o.id) continue;
      const other = ext.opts.find((x) => x.id === i);
      if (!other) continue;
      if (!((o.excl ?? 0) & (1 << i))) continue;
      if ((st.xflags & ((1 << o.id) | (1 << i))) !== ((1 << o.id) | (1 << i))) continue;
      throw perr(`${ext.name}: option "--${canon(o.id).name}" cannot be used together with "--${canon(i).name}".\n`);
    }
  }
}

function genericOptCheck(command: number, options: number): void {
  for (let i = 0; i < OPT_CHARS.length; i++) {
    let legal = 0;
    for (let j = 0; j < LEGAL.length; j++) {
      if (!(command & (1 << j))) continue;
      if (options & (1 << i)) {
        if (LEGAL[j][i] !== 'x') legal = 1;
        else if (legal === 0) legal = -1;
      }
    }
    if (legal === -1) throw perr(`Illegal option \`-${OPT_CHARS[i]}' with this command`);
  }
}

function parseTargetName(n: string): string {
  if (n.length < 1) throw perr('Invalid target name (too short)');
  if (n.length >= 29) throw perr(`Invalid target name \`${n}' (28 chars max)`);
  if (/\s/.test(n)) throw perr(`Invalid target name \`${n}'`);
  return n;
}

function assertValidChainName(n: string): void {
  if (n.length >= 29) throw perr(`chain name \`${n}' too long (must be under 29 chars)`);
  if (n[0] === '-' || n[0] === '!') throw perr(`chain name not allowed to start with \`${n[0]}'`);
  if (isTargetName(n)) throw perr('chain name may not clash with target name');
  if (/\s/.test(n)) throw perr(`Invalid chain name \`${n}'`);
}

/** xtables_ipparse_multiple(): "a.b.c.d[/mask][,...]" → (addr, mask) pairs, addresses masked. */
function parseAddrs(s: string, resolveHost: (n: string) => number[] | null): { addr: number; mask: number }[] {
  const out: { addr: number; mask: number }[] = [];
  for (const part0 of s.split(',')) {
    const part = part0.replace(/^\s+/, '');
    if (part.length > 255) throw perr('Hostname too long');
    const slash = part.lastIndexOf('/');
    let mask = 0xffffffff;
    let name = part;
    if (slash >= 0) {
      name = part.slice(0, slash);
      const m = part.slice(slash + 1);
      const dotted = numericAddr(m, true);
      if (dotted !== null) mask = dotted;
      else {
        const bits = strtouiAll(m, 0, 32);
        if (bits === null) throw perr(`invalid mask \`${m}' specified`);
        mask = prefixMask(bits);
      }
    }
    if (mask === 0) name = '0.0.0.0';
    const num = parseIpv4Loose(name);
    const addrs = num !== null ? [num] : resolveHost(name);
    if (!addrs || addrs.length === 0) throw perr(`host/network \`${name}' not found`);
    for (const a of addrs) out.push({ addr: (a & mask) >>> 0, mask: mask >>> 0 });
  }
  return out;
}

/** __numeric_to_ipaddr(): up to four dotted bytes (each a strtoui number), short forms zero-filled unless a mask. */
function numericAddr(s: string, isMask: boolean): number | null {
  const parts = s.slice(0, 19).split('.');
  if (parts.length > 4) parts.length = 4;
  if (isMask && parts.length < 4) return null;
  if (s.split('.').length > 4) return null;
  let n = 0;
  for (let i = 0; i < 4; i++) {
    if (i < parts.length) {
      const b = strtouiAll(parts[i], 0, 255);
      if (b === null) return null;
      n = n * 256 + b;
    } else n = n * 256;
  }
  return n >>> 0;
}
const parseIpv4Loose = (s: string) => numericAddr(s, false);

// ---- rule construction and text -------------------------------------------------------------

function buildRules(p: Parsed, resolveHost: (n: string) => number[] | null): Rule[] {
  const s = parseAddrs(p.shost ?? '0.0.0.0/0', resolveHost);
  const d = parseAddrs(p.dhost ?? '0.0.0.0/0', resolveHost);
  const matches: MatchInst[] = [];
  for (const m of p.matches) {
    if (m.ext.isEmpty?.(m.data)) continue;
    matches.push({ ext: m.ext, data: m.data });
  }
  let target: RuleTarget;
  if (p.target) target = { kind: 'ext', ext: p.target.ext, data: p.target.data };
  else if (STANDARD_TARGETS.has(p.jumpto)) target = { kind: 'verdict', v: p.jumpto as 'ACCEPT' };
  else if (p.jumpto) target = { kind: 'jump', chain: p.jumpto, goto: p.goto };
  else target = { kind: 'none' };
  const out: Rule[] = [];
  for (const a of s) for (const b of d) {
    const r: Rule = {
      src: a.addr, smsk: a.mask, dst: b.addr, dmsk: b.mask, iniface: p.iniface, outiface: p.outiface,
      proto: p.proto, inv: p.inv & (INV.SRC | INV.DST | INV.IN | INV.OUT | INV.PROTO), matches, target,
      pkts: p.pcnt, bytes: p.bcnt, spec: '',
    };
    r.spec = ruleSaveText(r, false);
    out.push(r);
  }
  return out;
}

function maskStr(mask: number): string {
  const pl = maskPrefix(mask);
  return pl >= 0 ? String(pl) : fmtIp(mask);
}

const printCtx = (numeric: boolean, proto: number, sv: Services): PrintCtx => ({ numeric, services: sv, proto });

function matchSaveName(m: MatchInst): string { return m.ext.name; }

/** The rule as -S prints it after "-A CHAIN" (counters optional). */
export function ruleSaveText(r: Rule, counters: boolean, sv: Services = DEFAULT_SERVICES): string {
  let s = '';
  if (r.smsk || r.src || r.inv & INV.SRC) s += `${r.inv & INV.SRC ? ' !' : ''} -s ${fmtIp(r.src)}/${maskStr(r.smsk)}`;
  if (r.dmsk || r.dst || r.inv & INV.DST) s += `${r.inv & INV.DST ? ' !' : ''} -d ${fmtIp(r.dst)}/${maskStr(r.dmsk)}`;
  if (r.iniface) s += `${r.inv & INV.IN ? ' !' : ''} -i ${r.iniface}`;
  if (r.outiface) s += `${r.inv & INV.OUT ? ' !' : ''} -o ${r.outiface}`;
  if (r.proto) {
    const n = protoName(r.proto, false);
    s += `${r.inv & INV.PROTO ? ' !' : ''} -p ${n ?? r.proto}`;
  }
  const pc = printCtx(true, r.proto, sv);
  for (const m of r.matches) s += ` -m ${matchSaveName(m)}` + m.ext.save(m.data, pc);
  if (counters) s += ` -c ${r.pkts} ${r.bytes}`;
  const t = r.target;
  if (t.kind === 'ext') s += ` -j ${t.ext.name}` + t.ext.save(t.data, pc);
  else if (t.kind === 'verdict') s += ` -j ${t.v}`;
  else if (t.kind === 'jump') s += ` -${t.goto ? 'g' : 'j'} ${t.chain}`;
  return s.startsWith(' ') ? s.slice(1) : s;
}

function targetName(r: Rule): string {
  const t = r.target;
  return t.kind === 'ext' ? t.ext.listName ?? t.ext.name : t.kind === 'verdict' ? t.v : t.kind === 'jump' ? t.chain : '';
}

// ---- listing ----------------------------------------------------------------------------------

const FMT = { NUMERIC: 1, NOCOUNTS: 2, KMG: 4, OPTIONS: 8, NOTABLE: 16, NOTARGET: 32, VIA: 64, NONEWLINE: 128, LINENUMBERS: 256 } as const;

function printNum(n: number, f: number): string {
  if (!(f & FMT.KMG)) return f & FMT.NOTABLE ? `${n} ` : `${String(n).padStart(8)} `;
  if (n <= 99999) return f & FMT.NOTABLE ? `${n} ` : `${String(n).padStart(5)} `;
  const units = ['K', 'M', 'G', 'T'];
  let v = n;
  for (let i = 0; i < units.length; i++) {
    v = Math.floor((v + 500) / 1000);
    if (v <= 9999 || i === units.length - 1) return f & FMT.NOTABLE ? `${v}${units[i]} ` : `${String(v).padStart(4)}${units[i]} `;
  }
  return `${n} `;
}

function header(f: number, chain: Chain, refs: number): string {
  let s = `Chain ${chain.name}`;
  if (chain.builtin) {
    s += ` (policy ${chain.policy}`;
    if (!(f & FMT.NOCOUNTS)) s += ' ' + printNum(chain.pkts, f | FMT.NOTABLE) + 'packets, ' + printNum(chain.bytes, f | FMT.NOTABLE) + 'bytes';
    s += ')\n';
  } else s += ` (${refs} references)\n`;
  if (f & FMT.LINENUMBERS) s += 'num  ';
  if (!(f & FMT.NOCOUNTS)) s += f & FMT.KMG ? ' pkts bytes ' : '    pkts      bytes ';
  s += 'target     prot opt';
  if (f & FMT.VIA) s += ' in     out    ';
  s += ' source               destination         \n';
  return s;
}

export interface NameLookup { hostOf(addr: number): string | null }

function addrText(addr: number, mask: number, f: number, names: NameLookup): string {
  if (!mask && !(f & FMT.NUMERIC)) return 'anywhere';
  const a = f & FMT.NUMERIC ? fmtIp(addr) : names.hostOf(addr) ?? fmtIp(addr);
  if (mask === 0xffffffff) return a;
  const pl = maskPrefix(mask);
  return `${a}/${pl >= 0 ? pl : fmtIp(mask)}`;
}

function ruleLine(r: Rule, num: number, f: number, sv: Services, names: NameLookup): string {
  const nt = (f & FMT.NOTABLE) !== 0;
  let s = '';
  if (f & FMT.LINENUMBERS) s += nt ? `${num} ` : `${String(num).padEnd(4)} `;
  if (!(f & FMT.NOCOUNTS)) s += printNum(r.pkts, f) + printNum(r.bytes, f);
  const tn = targetName(r);
  s += nt ? `${tn} ` : `${tn.padEnd(9)} `;
  s += r.inv & INV.PROTO ? '!' : ' ';
  const pname = protoName(r.proto, (f & FMT.NUMERIC) !== 0);
  const ptxt = (f & (FMT.NUMERIC | FMT.NOTABLE)) === FMT.NUMERIC || !pname ? String(r.proto) : pname;
  s += nt ? `${ptxt} ` : `${ptxt.padEnd(4)} `;
  if (f & FMT.OPTIONS) s += (nt ? 'opt ' : '') + '-- ';
  if (f & FMT.VIA) {
    const any = f & FMT.NUMERIC ? '*' : 'any';
    const i = (r.inv & INV.IN ? '!' : '') + (r.iniface || any);
    const o = (r.inv & INV.OUT ? '!' : '') + (r.outiface || any);
    s += nt ? `in ${i} out ${o} ` : ` ${i.padEnd(6)} ${o.padEnd(6)} `;
  }
  s += r.inv & INV.SRC ? '!' : ' ';
  const src = addrText(r.src, r.smsk, f, names);
  s += nt ? `${src} ` : `${src.padEnd(19)} `;
  s += r.inv & INV.DST ? '!' : ' ';
  const dst = addrText(r.dst, r.dmsk, f, names);
  s += nt ? `-> ${dst}` : `${dst.padEnd(19)} `;
  if (nt) s += '  ';
  if (r.target.kind === 'jump' && r.target.goto) s += '[goto] ';
  const pc = printCtx((f & FMT.NUMERIC) !== 0, r.proto, sv);
  for (const m of r.matches) s += m.ext.print(m.data, pc);
  if (r.target.kind === 'ext') s += r.target.ext.print(r.target.data, pc);
  return s + '\n';
}

function refsOf(t: Table, name: string): number {
  let n = 0;
  for (const c of t.chains.values()) for (const r of c.rules) if (r.target.kind === 'jump' && r.target.chain === name) n++;
  return n;
}

/** Chains of a table in listing order: built-ins (hook order), then user chains by name. */
export function chainOrder(t: Table): Chain[] {
  const b = BUILTIN_CHAINS[t.name as TableName].map((n) => t.chains.get(n)!);
  const u = [...t.chains.values()].filter((c) => !c.builtin).sort((a, c) => (a.name < c.name ? -1 : a.name > c.name ? 1 : 0));
  return [...b, ...u];
}

// ---- the command runner ---------------------------------------------------------------------

class Out {
  out = '';
  err = '';
}

function errText(prog: string, e: IptError, line = -1): string {
  const prefix = `${prog} v${VERS}: `;
  const tryLine = `Try \`${prog} -h' or '${prog} --help' for more information.\n`;
  const lineTxt = line >= 0 ? `Error occurred at line: ${line}\n` : '';
  switch (e.kind) {
    case 'param':
      if (e.message === '\x00tryonly') return lineTxt + tryLine;
      return `${prefix}${e.message}\n${lineTxt}${tryLine}`;
    case 'badarg': return `${e.message}\n${lineTxt}${tryLine}`;
    case 'version': return `${prefix}${e.message}\nPerhaps ${prog} or your kernel needs to be upgraded.\n`;
    case 'other': case 'resource': return `${prefix}${e.message}\n`;
    case 'errno': return `${prog}: ${e.message}.\n`;
  }
}

const errno = (m: string) => new IptError('errno', m);
const E_NOENT = 'No chain/target/match by that name';

export interface IptContext {
  readonly nf: Netfilter;
  readonly sv: Services;
  readonly names: NameLookup;
  readonly resolveHost: (n: string) => number[] | null;
}

export function makeContext(nf: Netfilter, fs?: Vfs): IptContext {
  let services = DEFAULT_SERVICES;
  let hostsText = '127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4\n';
  if (fs) {
    try { services = parseServices(fs.readFile('/etc/services')); } catch { /* keep builtin */ }
    try { hostsText = fs.readFile('/etc/hosts'); } catch { /* keep */ }
  }
  const byName = new Map<string, number[]>();
  const byAddr = new Map<number, string>();
  for (const raw of hostsText.split('\n')) {
    const f = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (f.length < 2) continue;
    const a = parseIpv4(f[0]);
    if (a === null) continue;
    if (!byAddr.has(a)) byAddr.set(a, f[1]);
    for (const n of f.slice(1)) { const l = byName.get(n) ?? []; if (!l.includes(a)) l.push(a); byName.set(n, l); }
  }
  return {
    nf, sv: services,
    names: { hostOf: (a) => byAddr.get(a) ?? null },
    resolveHost: (n) => byName.get(n) ?? null,
  };
}

/** Run `iptables ARGS...` (argv[0] is the program name). */
export function runIptables(ctx: IptContext, argv: readonly string[], opts: { restoreLine?: number; restoreTable?: Table } = {}): IptResult {
  const o = new Out();
  const prog = 'iptables';
  try {
    const p = doParse([...argv], opts.restoreLine !== undefined, ctx.sv, ctx.resolveHost);
    if (p.early !== undefined) return { stdout: p.early, stderr: '', status: 0 };
    const status = execute(ctx, p, o, opts.restoreTable);
    return { stdout: o.out, stderr: o.err, status };
  } catch (e) {
    if (e instanceof IptError) return { stdout: o.out, stderr: o.err + errText(prog, e), status: e.status };
    return { stdout: o.out, stderr: o.err + `${prog}: internal error: ${(e as Error).message}\n`, status: 1 };
  }
}

/** Parse-and-run for iptables-restore: returns the error (to be formatted by the caller). */
function runRestoreLine(ctx: IptContext, argv: string[], table: Table): { out: string; err?: IptError } {
  const o = new Out();
  try {
    const p = doParse(argv, true, ctx.sv, ctx.resolveHost);
    if (p.early !== undefined) return { out: p.early };
    execute(ctx, p, o, table);
    return { out: o.out };
  } catch (e) {
    if (e instanceof IptError) return { out: o.out, err: e };
    return { out: o.out, err: new IptError('other', (e as Error).message) };
  }
}

function kernelInvalid(chain: string, rule: Rule, table: string, cmdName: string): IptError | null {
  const hook = CHAIN_HOOK[chain] ?? null;
  const builtin = BUILTIN_CHAINS[table as TableName].includes(chain);
  const h = builtin ? hook : null;
  if (rule.target.kind === 'ext' && rule.target.ext.invalid?.(rule.target.data, table, h, rule.proto, !!(rule.inv & INV.PROTO))) {
    return new IptError('resource', ` ${cmdName} failed (Invalid argument): rule in chain ${chain}`);
  }
  for (const m of rule.matches) {
    if (m.ext.hooks !== undefined && h !== null && !(m.ext.hooks & (1 << h))) {
      return new IptError('resource', ` ${cmdName} failed (Invalid argument): rule in chain ${chain}`);
    }
  }
  if (rule.target.kind === 'jump' && BUILTIN_CHAINS[table as TableName].includes(rule.target.chain)) {
    return new IptError('resource', ` ${cmdName} failed (Operation not supported): rule in chain ${chain}`);
  }
  return null;
}

/** Would adding a jump from `from` to `to` create a loop? */
function makesLoop(t: Table, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [to];
  while (stack.length) {
    const c = stack.pop()!;
    if (c === from) return true;
    if (seen.has(c)) continue;
    seen.add(c);
    for (const r of t.chains.get(c)?.rules ?? []) if (r.target.kind === 'jump') stack.push(r.target.chain);
  }
  return false;
}

function execute(ctx: IptContext, p: Parsed, o: Out, restoreTable?: Table): number {
  const nf = ctx.nf;
  const live = nf.table(p.table);
  if (!live) throw new IptError('version', `table '${p.table}' does not exist`);
  const t = restoreTable ?? cloneTable(live);
  const verbose = (p.options & OPT.VERBOSE) !== 0;
  const commit = () => { if (!restoreTable) nf.commitTable(t); };
  const chainName = p.chain ?? '';
  const isBuiltin = (n: string) => BUILTIN_CHAINS[t.name as TableName].includes(n);
  /** nft_xt_builtin_init(table, chain): the table and that built-in chain now exist. */
  const builtinInit = (chain?: string) => {
    t.exists = true;
    for (const c of t.chains.values()) if (c.builtin && (chain === undefined || c.name === chain)) c.exists = true;
  };
  const findChain = (n: string): Chain | undefined => {
    const c = t.chains.get(n);
    if (!c) return undefined;
    if (c.builtin && !c.exists) return undefined;
    return c;
  };
  const fmtPrint = (r: Rule) => {
    if (verbose) o.out += ruleLine(r, 0, FMT.NOCOUNTS | FMT.OPTIONS | FMT.VIA | FMT.NUMERIC | FMT.NOTABLE, ctx.sv, ctx.names);
  };
  const assertJumpChain = () => {
    if (p.jumpto && !p.target && !STANDARD_TARGETS.has(p.jumpto) && !t.chains.has(p.jumpto)) {
      throw perr(`Chain '${p.jumpto}' does not exist`);
    }
  };
  const checkKernel = (rules: Rule[], name: string) => {
    for (const r of rules) {
      const e = kernelInvalid(chainName, r, t.name, name);
      if (e) throw e;
      if (r.target.kind === 'jump' && makesLoop(t, chainName, r.target.chain)) {
        throw new IptError('resource', ` ${name} failed (Too many levels of symbolic links): rule in chain ${chainName}`);
      }
    }
  };

  switch (p.command) {
    case CMD.APPEND: case CMD.INSERT: {
      const rules = buildRules(p, ctx.resolveHost);
      assertJumpChain();
      builtinInit(isBuiltin(chainName) ? chainName : undefined);
      if (!isBuiltin(chainName)) t.exists = true;
      const c = findChain(chainName);
      if (!c) throw errno(E_NOENT);
      const name = p.command === CMD.APPEND ? 'RULE_APPEND' : 'RULE_INSERT';
      checkKernel(rules, name);
      if (p.command === CMD.APPEND) {
        for (const r of rules) { c.rules.push(r); fmtPrint(r); }
      } else {
        const idx = p.rulenum - 1;
        if (idx > c.rules.length) throw errno('Index of insertion too big');
        for (const r of rules) { c.rules.splice(idx, 0, r); fmtPrint(r); }
      }
      commit();
      return 0;
    }
    case CMD.CHECK: case CMD.DELETE: {
      const rules = buildRules(p, ctx.resolveHost);
      assertJumpChain();
      const c = findChain(chainName);
      if (!c) throw errno(p.command === CMD.CHECK ? 'Bad rule (does a matching rule exist in that chain?)' : E_NOENT);
      for (const r of rules) {
        const i = c.rules.findIndex((x) => x.spec === r.spec);
        if (i < 0) throw errno('Bad rule (does a matching rule exist in that chain?)');
        if (p.command === CMD.DELETE) { fmtPrint(c.rules[i]); c.rules.splice(i, 1); }
        else fmtPrint(c.rules[i]);
      }
      if (p.command === CMD.DELETE) commit();
      return 0;
    }
    case CMD.DELETE_NUM: {
      const c = findChain(chainName);
      if (!c) throw errno(E_NOENT);
      if (p.rulenum > c.rules.length) throw errno('Index of deletion too big');
      c.rules.splice(p.rulenum - 1, 1);
      commit();
      return 0;
    }
    case CMD.REPLACE: {
      const rules = buildRules(p, ctx.resolveHost);
      assertJumpChain();
      const c = findChain(chainName);
      if (!c) throw errno(E_NOENT);
      if (p.rulenum > c.rules.length) throw errno('Index of replacement too big');
      checkKernel(rules, 'RULE_REPLACE');
      c.rules[p.rulenum - 1] = rules[0];
      fmtPrint(rules[0]);
      commit();
      return 0;
    }
    case CMD.FLUSH: {
      if (p.chain !== undefined || verbose) builtinInit(p.chain !== undefined && isBuiltin(p.chain) ? p.chain : undefined);
      else if (!t.exists) return 0;
      if (p.chain !== undefined) {
        const c = findChain(p.chain);
        if (!c) throw errno(E_NOENT);
        if (verbose) o.out += `Flushing chain \`${c.name}'\n`;
        c.rules = [];
      } else {
        for (const c of chainOrder(t)) {
          if (verbose) o.out += `Flushing chain \`${c.name}'\n`;
          c.rules = [];
        }
      }
      commit();
      return 0;
    }
    case CMD.ZERO: case CMD.ZERO_NUM:
      zero(t, p, o, verbose, builtinInit, findChain);
      commit();
      return 0;
    case CMD.LIST: case CMD.LIST | CMD.ZERO: case CMD.LIST | CMD.ZERO_NUM: {
      list(t, p, o, ctx);
      if (p.command & (CMD.ZERO | CMD.ZERO_NUM)) { zero(t, p, o, verbose, builtinInit, findChain); commit(); }
      return 0;
    }
    case CMD.LIST_RULES: case CMD.LIST_RULES | CMD.ZERO: case CMD.LIST_RULES | CMD.ZERO_NUM: {
      listRules(t, p, o, ctx);
      if (p.command & (CMD.ZERO | CMD.ZERO_NUM)) { zero(t, p, o, verbose, builtinInit, findChain); commit(); }
      return 0;
    }
    case CMD.NEW_CHAIN: {
      t.exists = true;
      if (t.chains.has(chainName)) throw errno('Chain already exists');
      t.chains.set(chainName, { name: chainName, builtin: false, policy: null, rules: [], pkts: 0, bytes: 0, exists: true });
      commit();
      return 0;
    }
    case CMD.DELETE_CHAIN: {
      if (p.chain !== undefined) {
        const c = findChain(p.chain);
        if (!c) throw errno(E_NOENT);
        if (c.builtin) {
          if (c.rules.length || c.policy !== 'ACCEPT') throw new IptError('resource', ` CHAIN_DEL failed (Device or resource busy): chain ${c.name}`);
          c.exists = false; c.pkts = 0; c.bytes = 0;
        } else {
          if (c.rules.length || refsOf(t, c.name)) throw new IptError('resource', ` CHAIN_DEL failed (Device or resource busy): chain ${c.name}`);
          if (verbose) o.out += `Deleting chain \`${c.name}'\n`;
          t.chains.delete(c.name);
        }
      } else {
        if (!t.exists) return 0;
        const users = chainOrder(t).filter((c) => !c.builtin);
        for (const c of users) {
          const refsOutside = [...t.chains.values()].some((x) => x.builtin && x.rules.some((r) => r.target.kind === 'jump' && r.target.chain === c.name));
          if (c.rules.length || refsOutside) throw new IptError('resource', ` CHAIN_DEL failed (Device or resource busy): chain ${c.name}`);
        }
        for (const c of users) { if (verbose) o.out += `Deleting chain \`${c.name}'\n`; t.chains.delete(c.name); }
        for (const c of t.chains.values()) if (c.builtin && c.exists && !c.rules.length && c.policy === 'ACCEPT') { c.exists = false; c.pkts = 0; c.bytes = 0; }
      }
      commit();
      return 0;
    }
    case CMD.RENAME_CHAIN: {
      const nn = p.newname!;
      if (t.chains.has(nn)) throw errno('File exists');
      const c = findChain(chainName);
      if (!c || c.builtin) throw errno(E_NOENT);
      t.chains.delete(c.name);
      for (const x of t.chains.values()) x.rules = x.rules.map((r) => r.target.kind === 'jump' && r.target.chain === c.name
        ? { ...r, target: { ...r.target, chain: nn }, spec: '' } : r).map((r) => (r.spec ? r : { ...r, spec: ruleSaveText(r, false) }));
      c.name = nn;
      t.chains.set(nn, c);
      commit();
      return 0;
    }
    case CMD.SET_POLICY: {
      const pol = p.policy!;
      if (pol !== 'ACCEPT' && pol !== 'DROP') throw errno("Bad policy name. Run `dmesg' for more information");
      if (!isBuiltin(chainName)) throw errno('Bad built-in chain name');
      builtinInit(chainName);
      t.chains.get(chainName)!.policy = pol;
      commit();
      return 0;
    }
    default:
      throw new IptError('param', '\x00tryonly');
  }
}

function zero(t: Table, p: Parsed, o: Out, verbose: boolean, builtinInit: (c?: string) => void,
  findChain: (n: string) => Chain | undefined): void {
  if (p.command & CMD.ZERO_NUM) {
    const c = findChain(p.chain ?? '');
    if (!c) throw errno(E_NOENT);
    const r = c.rules[p.rulenum - 1];
    if (!r) throw errno('Index of counter too big');
    r.pkts = 0; r.bytes = 0;
    return;
  }
  // 1.8.10 creates every built-in chain of the table here (fixed after the release).
  builtinInit();
  const chains = p.chain !== undefined ? [findChain(p.chain)] : chainOrder(t);
  if (chains[0] === undefined) throw errno(E_NOENT);
  for (const c of chains as Chain[]) {
    if (verbose) o.out += `Zeroing chain \`${c.name}'\n`;
    c.pkts = 0; c.bytes = 0;
    for (const r of c.rules) { r.pkts = 0; r.bytes = 0; }
  }
}

function listFormat(p: Parsed): number {
  let f: number = FMT.OPTIONS;
  if (!(p.options & OPT.VERBOSE)) f |= FMT.NOCOUNTS; else f |= FMT.VIA;
  if (p.options & OPT.NUMERIC) f |= FMT.NUMERIC;
  if (!(p.options & OPT.EXPANDED)) f |= FMT.KMG;
  if (p.options & OPT.LINENUMBERS) f |= FMT.LINENUMBERS;
  return f;
}

/** A chain as listings see it: never-created built-ins are shown faked (empty, ACCEPT, 0 counters). */
function shown(c: Chain): Chain {
  return c.builtin && !c.exists ? { ...c, policy: 'ACCEPT', rules: [], pkts: 0, bytes: 0 } : c;
}

function list(t: Table, p: Parsed, o: Out, ctx: IptContext): void {
  const f = listFormat(p);
  if (p.chain !== undefined) {
    const c = t.chains.get(p.chain);
    if (!c) throw errno(E_NOENT);
    const sc = shown(c);
    if (p.rulenum) {
      const r = sc.rules[p.rulenum - 1];
      if (r) o.out += ruleLine(r, p.rulenum, f, ctx.sv, ctx.names);
      return;
    }
    o.out += header(f, sc, refsOf(t, c.name));
    sc.rules.forEach((r, i) => { o.out += ruleLine(r, i + 1, f, ctx.sv, ctx.names); });
    return;
  }
  let first = true;
  for (const c0 of chainOrder(t)) {
    const c = shown(c0);
    if (!first) o.out += '\n';
    first = false;
    o.out += header(f, c, refsOf(t, c.name));
    if (p.rulenum) { const r = c.rules[p.rulenum - 1]; if (r) o.out += ruleLine(r, p.rulenum, f, ctx.sv, ctx.names); continue; }
    c.rules.forEach((r, i) => { o.out += ruleLine(r, i + 1, f, ctx.sv, ctx.names); });
  }
}

function listRules(t: Table, p: Parsed, o: Out, ctx: IptContext): void {
  const counters = (p.options & OPT.VERBOSE) !== 0;
  const chainLine = (c: Chain) => c.builtin
    ? `-P ${c.name} ${c.policy}${counters ? ` -c ${c.pkts} ${c.bytes}` : ''}\n`
    : `-N ${c.name}\n`;
  const rules = (c: Chain, only?: number) => {
    c.rules.forEach((r, i) => {
      if (only && i + 1 !== only) return;
      o.out += `-A ${c.name} ${ruleSaveText(r, counters, ctx.sv)}`.trimEnd() + '\n';
    });
  };
  if (p.chain !== undefined) {
    const c0 = t.chains.get(p.chain);
    if (!c0) throw errno(E_NOENT);
    const c = shown(c0);
    if (!p.rulenum) o.out += chainLine(c);
    rules(c, p.rulenum || undefined);
    return;
  }
  const chains = chainOrder(t).map(shown);
  for (const c of chains) o.out += chainLine(c);
  for (const c of chains) rules(c);
}

// ---- iptables-save ------------------------------------------------------------------------------


/** C ctime() without the newline (UTC: the lab's hosts run in UTC). */
export function ctime(epochS: number): string {
  const f = utcFields(epochS);
  return `${DAY_NAMES[f.weekday]} ${MONTH_NAMES[f.month]} ${String(f.day).padStart(2)} ${clock(f)} ${f.year}`;
}

/** The save text of one table. */
export function saveTable(t: Table, counters: boolean, date: string, sv: Services = DEFAULT_SERVICES): string {
  let s = `# Generated by iptables-save v${VERS} on ${date}\n*${t.name}\n`;
  const chains = chainOrder(t).map(shown);
  for (const c of chains) s += c.builtin ? `:${c.name} ${c.policy} [${c.pkts}:${c.bytes}]\n` : `:${c.name} - [0:0]\n`;
  for (const c of chains) for (const r of c.rules) s += `${counters ? `[${r.pkts}:${r.bytes}] ` : ''}-A ${c.name} ${ruleSaveText(r, false, sv)}`.trimEnd() + '\n';
  s += `COMMIT\n# Completed on ${date}\n`;
  return s;
}

export function runIptablesSave(ctx: IptContext, argv: readonly string[], epochS: number): IptResult {
  let table: string | undefined;
  let counters = false;
  const args = argv.slice(1);
  let err = '';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-c' || a === '--counters') counters = true;
    else if (a === '-t' || a === '--table') {
      if (i + 1 >= args.length) return { stdout: '', stderr: "iptables-save: option requires an argument -- 't'\nLook at manual page `iptables-save.8' for more information.\n", status: 1 };
      table = args[++i];
    } else if (a.startsWith('-t') && a.length > 2) table = a.slice(2);
    else if (a.startsWith('--table=')) table = a.slice(8);
    else if (a === '-V' || a === '--version') return { stdout: `iptables-save v${VERS}\n`, stderr: '', status: 0 };
    else if (a === '-b' || a === '--binary') err += '-b/--binary option is not implemented\n';
    else if (a === '-M' || a === '--modprobe') i++;
    else if (a.startsWith('-')) {
      return { stdout: '', stderr: `iptables-save: ${a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${a.slice(1, 2)}'`}\nLook at manual page \`iptables-save.8' for more information.\n`, status: 1 };
    } else return { stdout: '', stderr: 'Unknown arguments found on commandline\n', status: 1 };
  }
  const date = ctime(epochS);
  const nf = ctx.nf;
  if (table !== undefined) {
    const t = nf.table(table);
    if (!t) return { stdout: '', stderr: err + `Table \`${table}' does not exist\n`, status: 1 };
    return { stdout: saveTable(t, counters, date, ctx.sv), stderr: err, status: 0 };
  }
  let out = '';
  for (const tn of SAVE_ORDER) {
    const t = nf.tables[tn];
    if (t.exists) out += saveTable(t, counters, date, ctx.sv);
  }
  return { stdout: out, stderr: err, status: 0 };
}

// ---- iptables-restore -----------------------------------------------------------------------------

/** Split a rule line into argv as add_param_to_argv() does (double quotes group, backslash escapes). */
function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let have = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '\\' && i + 1 < line.length) { cur += line[++i]; continue; }
    if (ch === '"') { quoted = !quoted; have = true; continue; }
    if (!quoted && /\s/.test(ch)) { if (have) { out.push(cur); cur = ''; have = false; } continue; }
    cur += ch; have = true;
  }
  if (have) out.push(cur);
  return out;
}

export interface RestoreOpts { noflush?: boolean; test?: boolean; counters?: boolean; table?: string }

/** Parse `iptables-restore` options; returns the file argument (null = stdin) or an error result. */
export function parseRestoreArgs(argv: readonly string[]): { opts: RestoreOpts; file: string | null } | IptResult {
  const opts: RestoreOpts = {};
  const rest: string[] = [];
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-n' || a === '--noflush') opts.noflush = true;
    else if (a === '-t' || a === '--test') opts.test = true;
    else if (a === '-c' || a === '--counters') opts.counters = true;
    else if (a === '-v' || a === '--verbose' || a === '-b' || a === '-w' || a === '-W' || a === '--wait') { /* accepted */ }
    else if (a === '-T' || a === '--table') opts.table = args[++i];
    else if (a === '-V' || a === '--version') return { stdout: `iptables-restore v${VERS}\n`, stderr: '', status: 0 };
    else if (a === '-h' || a === '--help') {
      return { stdout: `Usage: iptables-restore [-c] [-v] [-V] [-t] [-h] [-n] [-w secs] [-W usecs] [-T table] [-M command] [file]\n`, stderr: '', status: 0 };
    } else if (/^-[nctv]+$/.test(a)) { for (const ch of a.slice(1)) { if (ch === 'n') opts.noflush = true; if (ch === 't') opts.test = true; if (ch === 'c') opts.counters = true; } }
    else if (a.startsWith('-') && a !== '-') return { stdout: '', stderr: "Try `iptables-restore -h' for more information.\n", status: 1 };
    else rest.push(a);
  }
  if (rest.length > 1) return { stdout: '', stderr: 'Unknown arguments found on commandline\n', status: 1 };
  return { opts, file: rest[0] ?? null };
}

/** Apply restore input to the host's tables. */
export function runIptablesRestore(ctx: IptContext, input: string, opts: RestoreOpts): IptResult {
  const prog = 'iptables-restore';
  const nf = ctx.nf;
  let out = '';
  const lines = input.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let cur: Table | null = null;
  let lineNo = 0;
  const fail = (e: IptError, ln: number): IptResult => ({ stdout: out, stderr: errText(prog, e, e.kind === 'param' || e.kind === 'badarg' ? ln : -1), status: e.status });
  for (const raw of lines) {
    lineNo++;
    const line = raw;
    if (line === '' || line[0] === '#') continue;
    if (cur && /^COMMIT\s*$/.test(line)) {
      if (!opts.test) {
        // Kernel-side checks of the batch: jumps to chains that do not exist.
        nf.commitTable(cur);
      }
      cur = null;
      continue;
    }
    if (line[0] === '*' && !cur) {
      const name = line.slice(1).split(/[ \t]/)[0];
      if (!name) return fail(perr(`${prog}: line ${lineNo} table name invalid`), lineNo);
      const live = nf.table(name);
      if (!live) return fail(perr(`${prog}: line ${lineNo} table name '${name}' invalid`), lineNo);
      if (opts.table && opts.table !== name) continue;
      const t = cloneTable(live);
      t.exists = true;
      if (!opts.noflush) {
        for (const c of [...t.chains.values()]) {
          if (c.builtin) c.rules = [];
          else t.chains.delete(c.name);
        }
      }
      cur = t;
      continue;
    }
    if (line[0] === ':' && cur) {
      const f = line.slice(1).split(/[ \t]+/).filter((x) => x);
      const chain = f[0];
      if (!chain) return fail(perr(`${prog}: line ${lineNo} chain name invalid`), lineNo);
      try { assertValidChainName(chain); } catch (e) { if (chain !== '' && BUILTIN_CHAINS[cur.name as TableName].includes(chain)) { /* fine */ } else return fail(e as IptError, lineNo); }
      const policy = f[1];
      if (!policy) return fail(perr(`${prog}: line ${lineNo} policy invalid`), lineNo);
      const builtin = cur.chains.get(chain);
      if (builtin?.builtin) {
        const ctrs = f[2];
        const m = ctrs ? /^\[(\d+):(\d+)\]$/.exec(ctrs) : null;
        if ((ctrs && !m) || (!ctrs && opts.counters)) return fail(perr(`invalid policy counters for chain '${chain}'`), lineNo);
        if (policy !== 'ACCEPT' && policy !== 'DROP') {
          return fail(new IptError('other', `Can't set policy \`${policy}' on \`${chain}' line ${lineNo}: Invalid argument`), lineNo);
        }
        builtin.policy = policy;
        builtin.exists = true;
        if (opts.counters && m) { builtin.pkts = Number(m[1]); builtin.bytes = Number(m[2]); }
      } else if (!cur.chains.has(chain)) {
        cur.chains.set(chain, { name: chain, builtin: false, policy: null, rules: [], pkts: 0, bytes: 0, exists: true });
      } else if (!opts.noflush) {
        cur.chains.get(chain)!.rules = [];
      }
      continue;
    }
    if (cur) {
      let rest = line;
      let counters: [string, string] | null = null;
      const cm = /^\[([^:\]]*):([^\]]*)\]\s*/.exec(rest);
      if (cm) { counters = [cm[1], cm[2]]; rest = rest.slice(cm[0].length); }
      const argv = ['iptables-restore', '-t', cur.name];
      if (opts.counters && counters) argv.push('--set-counters', counters[0], counters[1]);
      argv.push(...splitLine(rest));
      const r = runRestoreLine(ctx, argv, cur);
      out += r.out;
      if (r.err) {
        if (r.err.kind === 'errno') return { stdout: out, stderr: `${prog}: line ${lineNo} failed: ${r.err.message}.\n`, status: 1 };
        if (r.err.kind === 'resource') {
          return { stdout: out, stderr: `${prog} v${VERS}: \nline ${lineNo}:${r.err.message.replace(/^ /, ' ')}\n`, status: 4 };
        }
        return fail(r.err, lineNo);
      }
      continue;
    }
    return { stdout: out, stderr: `${prog}: line ${lineNo} failed\n`, status: 1 };
  }
  if (cur) return { stdout: out, stderr: `${prog}: COMMIT expected at line ${lineNo + 1}\n`, status: 1 };
  return { stdout: out, stderr: '', status: 0 };
}

// ---- ip6tables (a stub that exists) ---------------------------------------------------------------

const V6_CHAINS: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'], nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'], raw: ['PREROUTING', 'OUTPUT'], security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** ip6tables: lists empty tables; everything else is refused (the lab has no IPv6). */
export function runIp6tables(argv: readonly string[]): IptResult {
  const args = argv.slice(1);
  if (args.includes('-V') || args.includes('--version')) return { stdout: `ip6tables v${VERS}\n`, stderr: '', status: 0 };
  let table = 'filter';
  const ti = args.findIndex((a) => a === '-t' || a === '--table');
  if (ti >= 0) table = args[ti + 1] ?? '';
  const rest = args.filter((_, i) => i !== ti && i !== ti + 1 || ti < 0);
  const listing = rest.some((a) => /^-[a-zA-Z]*[LS]/.test(a) || a === '--list' || a === '--list-rules');
  if (!V6_CHAINS[table]) {
    return { stdout: '', stderr: `ip6tables v${VERS}: table '${table}' does not exist\nPerhaps ip6tables or your kernel needs to be upgraded.\n`, status: 3 };
  }
  if (!listing) {
    return { stdout: '', stderr: `ip6tables v${VERS}: IPv6 is not available in this lab\nTry \`ip6tables -h' or 'ip6tables --help' for more information.\n`, status: 2 };
  }
  const verbose = rest.some((a) => /^-[a-zA-Z]*v/.test(a) || a === '--verbose');
  const rulesFmt = rest.some((a) => /^-[a-zA-Z]*S/.test(a) || a === '--list-rules');
  if (rulesFmt) return { stdout: V6_CHAINS[table].map((c) => `-P ${c} ACCEPT\n`).join(''), stderr: '', status: 0 };
  const chains = V6_CHAINS[table].map((c) => {
    const h = verbose ? `Chain ${c} (policy ACCEPT 0 packets, 0 bytes)\n pkts bytes target     prot opt in     out     source               destination         \n`
      : `Chain ${c} (policy ACCEPT)\ntarget     prot opt source               destination         \n`;
    return h;
  });
  return { stdout: chains.join('\n'), stderr: '', status: 0 };
}

// ---- help ----------------------------------------------------------------------------------------

function helpText(_proto?: string): string {
  const n = 'iptables';
  return `${n} v${VERS}

Usage: ${n} -[ACD] chain rule-specification [options]
       ${n} -I chain [rulenum] rule-specification [options]
       ${n} -R chain rulenum rule-specification [options]
       ${n} -D chain rulenum [options]
       ${n} -[LS] [chain [rulenum]] [options]
       ${n} -[FZ] [chain] [options]
       ${n} -[NX] chain
       ${n} -E old-chain-name new-chain-name
       ${n} -P chain target [options]
       ${n} -h (print this help information)

Commands:
Either long or short options are allowed.
  --append  -A chain		Append to chain
  --check   -C chain		Check for the existence of a rule
  --delete  -D chain		Delete matching rule from chain
  --delete  -D chain rulenum
				Delete rule rulenum (1 = first) from chain
  --insert  -I chain [rulenum]
				Insert in chain as rulenum (default 1=first)
  --replace -R chain rulenum
				Replace rule rulenum (1 = first) in chain
  --list    -L [chain [rulenum]]
				List the rules in a chain or all chains
  --list-rules -S [chain [rulenum]]
				Print the rules in a chain or all chains
  --flush   -F [chain]		Delete all rules in  chain or all chains
  --zero    -Z [chain [rulenum]]
				Zero counters in chain or all chains
  --new     -N chain		Create a new user-defined chain
  --delete-chain
            -X [chain]		Delete a user-defined chain
  --policy  -P chain target
				Change policy on chain to target
  --rename-chain
            -E old-chain new-chain
				Change chain name, (moving any references)

Options:
    --ipv4	-4		Nothing (line is ignored by ip6tables-restore)
    --ipv6	-6		Error (line is ignored by iptables-restore)
[!] --protocol	-p proto	protocol: by number or name, eg. \`tcp'
[!] --source	-s address[/mask][...]
				source specification
[!] --destination -d address[/mask][...]
				destination specification
[!] --in-interface -i input name[+]
				network interface name ([+] for wildcard)
 --jump	-j target
				target for rule (may load target extension)
  --goto      -g chain
			       jump to chain with no return
  --match	-m match
				extended match (may load extension)
  --numeric	-n		numeric output of addresses and ports
[!] --out-interface -o output name[+]
				network interface name ([+] for wildcard)
  --table	-t table	table to manipulate (default: \`filter')
  --verbose	-v		verbose mode
  --wait	-w [seconds]	maximum wait to acquire xtables lock before give up
  --line-numbers		print line numbers when listing
  --exact	-x		expand numbers (display exact values)
[!] --fragment	-f		match second or further fragments only
  --modprobe=<command>		try to insert modules using this command
  --set-counters -c PKTS BYTES	set the counter during insert/append
[!] --version	-V		print package version.
`;
}

export { TABLE_NAMES, saveString };
