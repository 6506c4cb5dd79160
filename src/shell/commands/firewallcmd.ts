/**
 * firewall-cmd of firewalld 1.3.4 (RHEL 9), the client of the running daemon (core/services/
 * firewalld.ts, reached as over D-Bus with `Firewalld.of(host)`). Follows src/firewall-cmd and
 * src/firewall/command.py of the v1.3.4 tree: argparse parsing (long options, unique prefixes,
 * mutually exclusive groups, "unrecognized arguments" with exit 2), the option-combination
 * checks, "not running"/"FirewallD is not running" with exit 252 (NOT_RUNNING) on stderr,
 * "success" after a change, warnings for ALREADY_ENABLED/NOT_ENABLED (still "success"),
 * "Error: CODE: detail" with firewalld's exit code for the rest, and the add/remove/query
 * sequences with several items.
 *
 * Modelled: --state, --reload, --complete-reload, --runtime-to-permanent, --version, --help,
 * --get-default-zone, --get-active-zones, --get-zones, --get-services, --list-all,
 * --list-services/--list-ports/--list-protocols, --add/--remove/--query-service/-port/-protocol,
 * --zone=public, --permanent (edits /etc/firewalld/zones/public.xml as zone_writer writes it,
 * copying from /usr/lib/firewalld/zones the first time; the running rules change on --reload),
 * -q and -v. Runtime changes apply at once and are lost on --reload or a restart. Other real
 * options (rich rules, masquerade, interfaces, policies, direct, ipsets, other zones) are
 * recognised and refused in the lab's own words with exit 2.
 */
import {
  FW_ERRORS, Firewalld, SERVICE_NAMES, ZONE_NAMES, checkPort, editZone, queryZone, readPermanentZone, writePermanentZone,
  type FwError, type FwErrorCode, type ZoneConfig, type ZoneItemKind,
} from '../../core/services/firewalld.ts';
import type { CmdContext, Co, Command } from '../types.ts';

const VERSION = '1.3.4';
const USAGE = "usage: 'firewall-cmd --help' for usage information or see firewall-cmd(1) man page\n";

/** Options the lab implements: flags (store_true) and options taking one value (`append` ones marked). */
const FLAGS = ['--verbose', '--quiet', '--help', '--version', '--state', '--reload', '--complete-reload', '--runtime-to-permanent',
  '--get-default-zone', '--get-zones', '--get-services', '--get-active-zones', '--permanent', '--list-services', '--list-ports',
  '--list-protocols', '--list-all'];
const APPEND = ['--add-service', '--remove-service', '--query-service', '--add-port', '--remove-port', '--query-port',
  '--add-protocol', '--remove-protocol', '--query-protocol'];
const VALUED = ['--zone', ...APPEND];
const SHORT: Record<string, string> = { '-h': '--help', '-V': '--version', '-v': '--verbose', '-q': '--quiet' };

/** Every other option of firewall-cmd 1.3.4's parser (recognised, not modelled here). */
const UNMODELLED_FLAGS = ['--reset-to-defaults', '--check-config', '--get-ipset-types', '--get-log-denied', '--get-automatic-helpers',
  '--panic-on', '--panic-off', '--query-panic', '--lockdown-on', '--lockdown-off', '--query-lockdown', '--get-policies',
  '--get-icmptypes', '--get-active-policies', '--list-all-zones', '--list-all-policies', '--list-lockdown-whitelist-commands',
  '--list-lockdown-whitelist-contexts', '--list-lockdown-whitelist-uids', '--list-lockdown-whitelist-users', '--list-interfaces',
  '--list-sources', '--list-ingress-zones', '--list-egress-zones', '--add-forward', '--remove-forward', '--query-forward',
  '--add-masquerade', '--remove-masquerade', '--query-masquerade', '--add-icmp-block-inversion', '--remove-icmp-block-inversion',
  '--query-icmp-block-inversion', '--list-rich-rules', '--list-icmp-blocks', '--list-forward-ports', '--list-source-ports',
  '--get-target', '--get-priority', '--get-options', '--get-ipsets', '--get-entries', '--get-destinations', '--get-ports',
  '--get-source-ports', '--get-protocols', '--get-modules', '--get-service-helpers', '--get-includes', '--get-description',
  '--get-short', '--get-helpers', '--get-module', '--get-family', '--direct', '--get-all-passthroughs', '--get-all-chains',
  '--get-all-rules'];
const UNMODELLED_VALUED = ['--set-log-denied', '--set-automatic-helpers', '--set-default-zone', '--get-zone-of-interface',
  '--get-zone-of-source', '--info-zone', '--info-policy', '--info-service', '--info-icmptype', '--info-ipset', '--info-helper',
  '--new-icmptype', '--new-icmptype-from-file', '--delete-icmptype', '--load-icmptype-defaults', '--new-service',
  '--new-service-from-file', '--delete-service', '--load-service-defaults', '--new-zone', '--new-zone-from-file', '--delete-zone',
  '--load-zone-defaults', '--new-policy', '--new-policy-from-file', '--delete-policy', '--load-policy-defaults', '--new-ipset',
  '--new-ipset-from-file', '--delete-ipset', '--load-ipset-defaults', '--new-helper', '--new-helper-from-file', '--delete-helper',
  '--load-helper-defaults', '--path-zone', '--path-policy', '--path-service', '--path-icmptype', '--path-ipset', '--path-helper',
  '--name', '--add-lockdown-whitelist-command', '--remove-lockdown-whitelist-command', '--query-lockdown-whitelist-command',
  '--add-lockdown-whitelist-context', '--remove-lockdown-whitelist-context', '--query-lockdown-whitelist-context',
  '--add-lockdown-whitelist-uid', '--remove-lockdown-whitelist-uid', '--query-lockdown-whitelist-uid',
  '--add-lockdown-whitelist-user', '--remove-lockdown-whitelist-user', '--query-lockdown-whitelist-user', '--policy', '--timeout',
  '--add-interface', '--remove-interface', '--query-interface', '--change-interface', '--change-zone', '--add-source',
  '--remove-source', '--query-source', '--change-source', '--add-ingress-zone', '--remove-ingress-zone', '--query-ingress-zone',
  '--add-egress-zone', '--remove-egress-zone', '--query-egress-zone', '--add-rich-rule', '--remove-rich-rule', '--query-rich-rule',
  '--add-source-port', '--remove-source-port', '--query-source-port', '--add-icmp-block', '--remove-icmp-block',
  '--query-icmp-block', '--add-forward-port', '--remove-forward-port', '--query-forward-port', '--set-target', '--set-priority',
  '--option', '--type', '--ipset', '--add-option', '--remove-option', '--query-option', '--add-entry', '--remove-entry',
  '--query-entry', '--add-entries-from-file', '--remove-entries-from-file', '--icmptype', '--add-destination',
  '--remove-destination', '--query-destination', '--service', '--add-module', '--remove-module', '--query-module', '--add-helper',
  '--remove-helper', '--query-helper', '--add-include', '--remove-include', '--query-include', '--set-destination',
  '--set-description', '--set-short', '--helper', '--family', '--module', '--set-module', '--set-family', '--passthrough',
  '--add-passthrough', '--remove-passthrough', '--query-passthrough', '--get-passthroughs', '--add-chain', '--remove-chain',
  '--query-chain', '--get-chains', '--add-rule', '--remove-rule', '--remove-rules', '--query-rule', '--get-rules'];

const ALL_LONG = [...FLAGS, ...VALUED, ...UNMODELLED_FLAGS, ...UNMODELLED_VALUED];
const TAKES_VALUE = new Set([...VALUED, ...UNMODELLED_VALUED]);

/** argparse's mutually exclusive groups, for the options the lab models. */
const GROUPS: string[][] = [
  ['--verbose', '--quiet'],
  ['--help', '--version', '--state', '--reload', '--complete-reload', '--runtime-to-permanent', '--get-default-zone', '--get-zones',
    '--get-services', '--get-active-zones'],
  [...APPEND, '--list-services', '--list-ports', '--list-protocols', '--list-all'],
];
/** How argparse names an option in its errors (all its option strings). */
const argName = (o: string) => {
  const s = Object.keys(SHORT).find((k) => SHORT[k] === o);
  return s ? `${s}/${o}` : o;
};

const STANDALONE = new Set(['--help', '--version', '--state', '--reload', '--complete-reload', '--runtime-to-permanent', '--get-default-zone', '--get-active-zones']);
const ZONE_OPS = new Set([...APPEND, '--list-services', '--list-ports', '--list-protocols', '--list-all']);
const LIST_GET = new Set(['--help', '--version', '--list-all', '--list-services', '--list-ports', '--list-protocols', '--get-default-zone',
  '--get-active-zones', '--get-zones', '--get-services']);

interface Args {
  flags: Set<string>;
  zone: string | null;
  /** The append options, in the order given. */
  lists: Map<string, string[]>;
  unmodelled: string[];
}

class Exit {
  constructor(readonly status: number) {}
}

const HELP = `
Usage: firewall-cmd [OPTIONS...]

General Options
  -h, --help           Prints a short help text and exits
  -V, --version        Print the version string of firewalld
  -q, --quiet          Do not print status messages

Status Options
  --state              Return and print firewalld state
  --reload             Reload firewall and keep state information
  --complete-reload    Reload firewall and lose state information
  --runtime-to-permanent
                       Create permanent from runtime configuration

Permanent Options
  --permanent          Set an option permanently
                       Usable for options marked with [P]

Zone Options
  --get-default-zone   Print default zone for connections and interfaces
  --get-active-zones   Print currently active zones
  --get-zones          Print predefined zones [P]
  --get-services       Print predefined services [P]
  --zone=<zone>        Use this zone to set or query options, else default zone
                       Usable for options marked with [Z]

Options to Adapt and Query Zones and Policies
  --list-all           List everything added for or enabled [P] [Z] [O]
  --list-services      List services added [P] [Z]
  --add-service=<service>
                       Add a service [P] [Z] [O] [T]
  --remove-service=<service>
                       Remove a service [P] [Z] [O]
  --query-service=<service>
                       Return whether service has been added [P] [Z] [O]
  --list-ports         List ports added [P] [Z] [O]
  --add-port=<portid>[-<portid>]/<protocol>
                       Add the port [P] [Z] [O] [T]
  --remove-port=<portid>[-<portid>]/<protocol>
                       Remove the port [P] [Z] [O]
  --query-port=<portid>[-<portid>]/<protocol>
                       Return whether the port has been added [P] [Z] [O]
  --list-protocols     List protocols added [P] [Z] [O]
  --add-protocol=<protocol>
                       Add the protocol [P] [Z] [O] [T]
  --remove-protocol=<protocol>
                       Remove the protocol [P] [Z] [O]
  --query-protocol=<protocol>
                       Return whether the protocol has been added [P] [Z] [O]

(This lab models the public zone's services, ports and protocols; the other options of
firewall-cmd(1) are recognised and refused.)
`;

/** The interfaces NetworkManager hands to firewalld's default zone: the VM's Ethernet devices that are up. */
function zoneInterfaces(ctx: CmdContext): string[] {
  const out: string[] = [];
  for (const d of ctx.host.kernel.devs.values()) if (d.kind === 'ether' && d.up) out.push(d.name);
  return out.sort();
}

function* firewallCmd(ctx: CmdContext): Co<number> {
  let quiet = false;
  const out = (s: string) => { if (!quiet) ctx.stdout.write(s + '\n'); };
  const err = (s: string) => { if (!quiet) ctx.stderr.write(s + '\n'); };
  /** command.py's print_and_exit: codes above 1 go to stderr. */
  const printAndExit = (msg: string, code = 0): Exit => {
    if (code > 1) err(msg); else out(msg);
    return new Exit(code);
  };
  const fail = (msg: string): Exit => printAndExit(msg, 2);
  const argError = (msg: string): Exit => {
    ctx.stderr.write(USAGE + `firewall-cmd: error: ${msg}\n`);
    return new Exit(2);
  };

  try {
    const a = parseArgs(ctx.argv.slice(1), argError);
    quiet = a.flags.has('--quiet');
    const verbose = a.flags.has('--verbose');
    const has = (o: string) => a.flags.has(o) || a.lists.has(o);
    const all = [...a.flags, ...a.lists.keys()];
    const standalone = all.some((o) => STANDALONE.has(o));
    const config = has('--get-zones') || has('--get-services');
    const zoneOps = all.some((o) => ZONE_OPS.has(o));
    const permanent = a.flags.has('--permanent');

    if (a.unmodelled.length > 0) {
      const o = a.unmodelled[0];
      throw printAndExit(`firewall-cmd: ${o} is not modelled in this lab (it models the public zone's services, ports and protocols; see firewall-cmd --help)`, 2);
    }
    if (standalone && (a.zone !== null || permanent || zoneOps)) {
      throw fail(USAGE + "Can't use stand-alone options with other options.");
    }
    if (quiet && all.some((o) => LIST_GET.has(o))) {
      quiet = false;
      throw fail("-q/--quiet can't be used with this option(s)");
    }
    if (a.flags.has('--help')) {
      ctx.stdout.write(HELP);
      return 0;
    }
    const fw = Firewalld.of(ctx.host.kernel);
    if (!(standalone || config || zoneOps)) {
      throw fail(`State: ${fw ? 'running' : 'not running'}\n\nNo options specified\n${USAGE.slice(0, -1)}`);
    }
    if (!fw) throw printAndExit(has('--state') ? 'not running' : 'FirewallD is not running', FW_ERRORS.NOT_RUNNING);

    const zone = a.zone === null || a.zone === '' ? 'public' : a.zone;
    if (zoneOps && zone !== 'public') {
      if (!ZONE_NAMES.includes(zone)) throw printAndExit(`Error: INVALID_ZONE: ${zone}`, FW_ERRORS.INVALID_ZONE);
      throw printAndExit(`firewall-cmd: the zone '${zone}' is not modelled in this lab (only public, the default zone, is)`, 2);
    }

    if (permanent) {
      if (has('--get-zones')) throw printAndExit(ZONE_NAMES.join(' '));
      if (has('--get-services')) throw printAndExit(SERVICE_NAMES.join(' '));
      const fs = ctx.fs;
      const view = {
        get: () => readPermanentZone(fs),
        edit: (op: 'add' | 'remove', kind: ZoneItemKind, item: string, proto: string | null): FwError | null => {
          const z = readPermanentZone(fs);
          const e = editZone(z, op, kind, item, proto, 'permanent', zone);
          if (!e) writePermanentZone(fs, z);
          return e;
        },
        query: (kind: ZoneItemKind, item: string, proto: string | null) => queryZone(readPermanentZone(fs), kind, item, proto),
        interfaces: [] as string[],
      };
      zoneCommand(a, zone, view, verbose, out, err, printAndExit);
    } else if (has('--version')) throw printAndExit(VERSION);
    else if (has('--state')) throw printAndExit('running');
    else if (has('--reload') || has('--complete-reload')) fw.reload();
    else if (has('--runtime-to-permanent')) writePermanentZone(ctx.fs, fw.zone());
    else if (has('--get-default-zone')) throw printAndExit('public');
    else if (has('--get-zones')) throw printAndExit(ZONE_NAMES.join(' '));
    else if (has('--get-active-zones')) {
      const ifs = zoneInterfaces(ctx);
      if (ifs.length > 0) out(`public\n  interfaces: ${ifs.join(' ')}`);
      return 0;
    } else if (has('--get-services')) throw printAndExit(SERVICE_NAMES.join(' '));
    else {
      zoneCommand(a, zone, {
        get: () => fw.zone(),
        edit: (op, kind, item, proto) => fw.edit(op, kind, item, proto),
        query: (kind, item, proto) => fw.query(kind, item, proto),
        interfaces: zoneInterfaces(ctx),
      }, verbose, out, err, printAndExit);
    }
    throw printAndExit('success');
  } catch (e) {
    if (e instanceof Exit) return e.status;
    throw e;
  }
}

interface ZoneView {
  get(): ZoneConfig;
  edit(op: 'add' | 'remove', kind: ZoneItemKind, item: string, proto: string | null): FwError | null;
  query(kind: ZoneItemKind, item: string, proto: string | null): boolean;
  readonly interfaces: string[];
}

const sortPorts = (ports: [string, string][]) => [...ports].sort((x, y) =>
  (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : Number(x[0].split('-')[0]) - Number(y[0].split('-')[0])));

/** command.py's parse_port (client side, before the daemon sees the port). */
function parsePort(v: string): [string, string] | FwError {
  const parts = v.split('/');
  if (parts.length !== 2) {
    return { code: 'INVALID_PORT', msg: 'bad port (most likely missing protocol), correct syntax is portid[-portid]/protocol' };
  }
  const [port, proto] = parts;
  if (!checkPort(port)) return { code: 'INVALID_PORT', msg: port };
  if (!['tcp', 'udp', 'sctp', 'dccp'].includes(proto)) return { code: 'INVALID_PROTOCOL', msg: `'${proto}' not in {'tcp'|'udp'|'sctp'|'dccp'}` };
  return [port, proto];
}

const fmtErr = (e: FwError) => `${e.code}: ${e.msg}`;
const codeOf = (e: FwError): number => FW_ERRORS[e.code as FwErrorCode] ?? FW_ERRORS.UNKNOWN_ERROR;

function zoneCommand(a: Args, zone: string, v: ZoneView, verbose: boolean, out: (s: string) => void, err: (s: string) => void,
  printAndExit: (msg: string, code?: number) => Exit): void {
  if (a.flags.has('--list-all')) {
    const z = v.get();
    const ifs = v.interfaces;
    out(ifs.length > 0 ? `${zone} (active)` : zone);
    if (verbose) { out(`  summary: ${z.short}`); out(`  description: ${z.description}`); }
    const target = /\btarget="([^"]*)"/.exec(z.attrs)?.[1] ?? 'default';
    out(`  target: ${target}`);
    out(`  icmp-block-inversion: ${z.icmpBlockInversion ? 'yes' : 'no'}`);
    out(`  interfaces: ${ifs.join(' ')}`);
    out('  sources: ');
    out(`  services: ${[...z.services].sort().join(' ')}`);
    out(`  ports: ${z.ports.map(([p, q]) => `${p}/${q}`).join(' ')}`);
    out(`  protocols: ${[...z.protocols].sort().join(' ')}`);
    out(`  forward: ${z.forward ? 'yes' : 'no'}`);
    out(`  masquerade: ${z.masquerade ? 'yes' : 'no'}`);
    out('  forward-ports: ');
    out('  source-ports: ');
    out('  icmp-blocks: ');
    out('  rich rules: ');
    throw new Exit(0);
  }
  if (a.flags.has('--list-services')) throw printAndExit([...v.get().services].sort().join(' '));
  if (a.flags.has('--list-ports')) throw printAndExit(sortPorts(v.get().ports).map(([p, q]) => `${p}/${q}`).join(' '));
  if (a.flags.has('--list-protocols')) throw printAndExit([...v.get().protocols].sort().join(' '));
  for (const [opt, items] of a.lists) {
    const [verb, kind] = opt.slice(2).split('-') as ['add' | 'remove' | 'query', ZoneItemKind];
    const parse = (x: string): [string, string | null] | FwError => {
      if (kind !== 'port') return [x, null];
      return parsePort(x);
    };
    const label = (item: string, proto: string | null) => (kind === 'port' ? `${item}/${proto}` : `'${item}'`);
    if (verb === 'query') {
      const parsed: [string, string | null][] = [];
      for (const x of items) {
        const p = parse(x);
        if (Array.isArray(p)) parsed.push(p);
        else if (items.length > 1) err(`Warning: ${fmtErr(p)}`);
        else throw printAndExit(`Error: ${fmtErr(p)}`, codeOf(p));
      }
      for (const [item, proto] of parsed) {
        const res = v.query(kind, item, proto);
        if (items.length > 1) out(`${label(item, proto)}: ${res ? 'yes' : 'no'}`);
        else throw printAndExit(res ? 'yes' : 'no', res ? 0 : 1);
      }
      throw new Exit(0);
    }
    // command.py's __cmd_sequence
    const parsed: [string, string | null][] = [];
    const codes: number[] = [];
    let errors = 0;
    for (const x of items) {
      const p = parse(x);
      if (Array.isArray(p)) { parsed.push(p); continue; }
      const code = codeOf(p);
      if (items.length > 1) err(`Warning: ${fmtErr(p)}`);
      else throw printAndExit(`Error: ${fmtErr(p)}`, code);
      if (!codes.includes(code)) codes.push(code);
      errors++;
    }
    for (const [item, proto] of parsed) {
      const e = v.edit(verb, kind, item, proto);
      if (!e) continue;
      let code = codeOf(e);
      if (e.code === 'ALREADY_ENABLED' || e.code === 'NOT_ENABLED') code = 0;
      if (items.length > 1) err(`Warning: ${fmtErr(e)}`);
      else if (code === 0) { err(`Warning: ${fmtErr(e)}`); return; }
      else throw printAndExit(`Error: ${fmtErr(e)}`, code);
      if (!codes.includes(code)) codes.push(code);
      errors++;
    }
    if (items.length > errors || codes.includes(0)) return;
    throw new Exit(codes.length === 1 ? codes[0] : FW_ERRORS.UNKNOWN_ERROR);
  }
}

/** argparse, as firewall-cmd's parser is built: long options (unique prefixes), -h -V -v -q, `--opt=value` or `--opt value`. */
function parseArgs(argv: readonly string[], argError: (msg: string) => Exit): Args {
  const a: Args = { flags: new Set(), zone: null, lists: new Map(), unmodelled: [] };
  const unknown: string[] = [];
  const seen: string[] = [];
  const note = (opt: string) => {
    for (const g of GROUPS) {
      if (!g.includes(opt)) continue;
      const other = seen.find((s) => s !== opt && g.includes(s));
      if (other) throw argError(`argument ${argName(opt)}: not allowed with argument ${argName(other)}`);
    }
    if (!seen.includes(opt)) seen.push(opt);
  };
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i];
    let name: string;
    let value: string | undefined;
    if (w.startsWith('--') && w.length > 2) {
      const eq = w.indexOf('=');
      const typed = eq >= 0 ? w.slice(0, eq) : w;
      value = eq >= 0 ? w.slice(eq + 1) : undefined;
      if (ALL_LONG.includes(typed)) name = typed;
      else {
        const m = [...new Set(ALL_LONG.filter((o) => o.startsWith(typed)))];
        if (m.length > 1) throw argError(`ambiguous option: ${typed} could match ${m.join(', ')}`);
        if (m.length === 0) { unknown.push(w); continue; }
        name = m[0];
      }
    } else if (/^-[a-zA-Z]/.test(w)) {
      const long = SHORT[w.slice(0, 2)];
      if (!long) { unknown.push(w); continue; }
      name = long;
      if (w.length > 2) {
        // -hq: argparse splits bundled flags
        for (const c of w.slice(2)) {
          const l = SHORT[`-${c}`];
          if (!l) throw argError(`argument ${argName(long)}: ignored explicit argument '${w.slice(2)}'`);
          note(l); a.flags.add(l);
        }
      }
    } else {
      unknown.push(w);
      continue;
    }
    if (TAKES_VALUE.has(name)) {
      if (value === undefined) {
        const nxt = argv[i + 1];
        if (nxt === undefined || (nxt.startsWith('-') && nxt.length > 1 && !/^-\d/.test(nxt))) {
          throw argError(`argument ${argName(name)}: expected one argument`);
        }
        value = nxt;
        i++;
      }
      if (!VALUED.includes(name)) { if (!a.unmodelled.includes(name)) a.unmodelled.push(name); continue; }
      if (name === '--zone') { a.zone = value; continue; }
      note(name);
      const l = a.lists.get(name) ?? [];
      l.push(value);
      a.lists.set(name, l);
    } else {
      if (value !== undefined) throw argError(`argument ${argName(name)}: ignored explicit argument '${value}'`);
      if (!FLAGS.includes(name)) { if (!a.unmodelled.includes(name)) a.unmodelled.push(name); continue; }
      note(name);
      a.flags.add(name);
    }
  }
  if (unknown.length > 0) throw argError(`unrecognized arguments: ${unknown.join(' ')}`);
  return a;
}

export const firewallCmdCommand: Command = {
  name: 'firewall-cmd',
  pkg: 'firewalld',
  path: '/usr/bin/firewall-cmd',
  run: firewallCmd,
};

export const firewallCommands: Command[] = [firewallCmdCommand];
