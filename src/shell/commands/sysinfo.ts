/**
 * Who and what the machine is: printenv, env, whoami, id, groups, uname (coreutils), uptime,
 * w, free (procps-ng 3.3.17) and df (coreutils), with the figures of a small RHEL 9.4 VM
 * (2 vCPUs, 1.7 GiB RAM, 2 GiB swap, a 17 GiB XFS root on LVM and a 1 GiB /boot).
 *
 * Uptime counts from the host's last boot (systemd's boot time plus the kernel's few seconds
 * before it) on the virtual clock. `env VAR=x cmd` and `env -u VAR cmd` run the command
 * through ctx.runLine in a child shell.
 */
import { KERNEL_RELEASE } from '../../core/services/systemd.ts';
import type { CmdContext } from '../types.ts';
import { human } from './ls.ts';
import {
  defineCommand, epochNow, getopt, groups, lq, shellQuote, strftime, users,
} from './util.ts';

// ---- environment ---------------------------------------------------------------------------

export const printenv = defineCommand('printenv', function* (io, ctx) {
  const p = getopt(io, ctx.argv, { short: '0', long: [{ name: 'null', key: '0' }] });
  if (typeof p === 'number') return p;
  const end = p.opts.length ? '\0' : '\n';
  const env = ctx.env.exported();
  if (!p.args.length) {
    for (const [k, v] of Object.entries(env)) io.out(`${k}=${v}${end}`);
    return 0;
  }
  let status = 0;
  for (const n of p.args) {
    if (n.includes('=') || !(n in env)) { status = 1; continue; }
    io.out(env[n] + end);
  }
  return status;
});

export const env = defineCommand('env', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'iu:0C:S:v',
    stopAtOperand: true,
    long: [{ name: 'ignore-environment', key: 'i' }, { name: 'unset', key: 'u', arg: 'req' }, { name: 'null', key: '0' },
      { name: 'chdir', key: 'C', arg: 'req' }, { name: 'split-string', key: 'S', arg: 'req' }, { name: 'debug', key: 'v' }],
    usageStatus: 125,
  });
  if (typeof p === 'number') return p;
  let ignore = false;
  const unset: string[] = [];
  let chdir: string | undefined;
  let end = '\n';
  let args = [...p.args];
  for (const [k, v] of p.opts) {
    if (k === 'i') ignore = true;
    else if (k === 'u') unset.push(v ?? '');
    else if (k === '0') end = '\0';
    else if (k === 'C') chdir = v;
    else if (k === 'S') args = [...(v ?? '').split(/\s+/).filter(Boolean), ...args];
  }
  if (args[0] === '-') { ignore = true; args.shift(); }
  const assigns: [string, string][] = [];
  while (args.length && /^[^=]+=/.test(args[0])) {
    const a = args.shift()!;
    const k = a.indexOf('=');
    assigns.push([a.slice(0, k), a.slice(k + 1)]);
  }
  if (!args.length) {
    const vars: Record<string, string> = ignore ? {} : { ...ctx.env.exported() };
    for (const u of unset) delete vars[u];
    for (const [k, v] of assigns) vars[k] = v;
    for (const [k, v] of Object.entries(vars)) io.out(`${k}=${v}${end}`);
    return 0;
  }
  if (!ctx.runLine) {
    io.err(`${lq(io, args[0])}: No such file or directory`);
    return 127;
  }
  const q1 = (s: string): string => shellQuote(s, false);
  const toUnset = ignore ? Object.keys(ctx.env.exported()) : unset;
  let line = '';
  if (chdir !== undefined) line += `cd ${q1(chdir)} || exit 125; `;
  if (toUnset.length) line += `unset ${toUnset.map(q1).join(' ')}; `;
  line += [...assigns.map(([k, v]) => `${k}=${q1(v)}`), ...args.map(q1)].join(' ');
  io.sync();
  return yield* ctx.runLine(line);
});

// ---- identity ------------------------------------------------------------------------------

const ROOT_CONTEXT = 'unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023';

export const whoami = defineCommand('whoami', function* (io, ctx) {
  const p = getopt(io, ctx.argv, { short: '', long: [{ name: 'help' }, { name: 'version' }] });
  if (typeof p === 'number') return p;
  if (p.args.length) { io.err(`extra operand ${lq(io, p.args[0])}`); io.tryHelp(); return 1; }
  io.out('root\n');
  return 0;
});

interface Who { uid: number; gid: number; name: string; group: string }

function lookupUser(ctx: CmdContext, name: string): Who | undefined {
  const us = users(ctx), gs = groups(ctx);
  let uid = us.byName.get(name);
  if (uid === undefined && /^\d+$/.test(name) && us.byId.has(Number(name))) uid = Number(name);
  if (uid === undefined) return undefined;
  let gid = uid;
  try {
    for (const line of ctx.fs.readFile('/etc/passwd').split('\n')) {
      const f = line.split(':');
      if (Number(f[2]) === uid && f[3] !== undefined) { gid = Number(f[3]); break; }
    }
  } catch { /* no passwd */ }
  return { uid, gid, name: us.byId.get(uid) ?? String(uid), group: gs.byId.get(gid) ?? String(gid) };
}

export const id = defineCommand('id', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'aZgGnruz',
    long: [{ name: 'context', key: 'Z' }, { name: 'group', key: 'g' }, { name: 'groups', key: 'G' }, { name: 'name', key: 'n' },
      { name: 'real', key: 'r' }, { name: 'user', key: 'u' }, { name: 'zero', key: 'z' }],
  });
  if (typeof p === 'number') return p;
  const f = new Set(p.opts.map(([k]) => k));
  if (p.args.length > 1) { io.err(`extra operand ${lq(io, p.args[1])}`); io.tryHelp(); return 1; }
  const who = lookupUser(ctx, p.args[0] ?? 'root');
  if (!who) { io.err(`${lq(io, p.args[0])}: no such user`); return 1; }
  const self = !p.args.length;
  const modes = ['u', 'g', 'G', 'Z'].filter((k) => f.has(k));
  if (modes.length > 1) { io.err('cannot print "only" of more than one choice'); return 1; }
  if (f.has('n') && !modes.length) { io.err('cannot print only names or real IDs in default format'); return 1; }
  if (f.has('Z')) {
    if (!self) { io.err("can't display context for another user's process"); return 1; }
    io.out(ROOT_CONTEXT + '\n');
    return 0;
  }
  if (f.has('u')) { io.out((f.has('n') ? who.name : String(who.uid)) + '\n'); return 0; }
  if (f.has('g')) { io.out((f.has('n') ? who.group : String(who.gid)) + '\n'); return 0; }
  if (f.has('G')) { io.out((f.has('n') ? who.group : String(who.gid)) + '\n'); return 0; }
  io.out(`uid=${who.uid}(${who.name}) gid=${who.gid}(${who.group}) groups=${who.gid}(${who.group})${self ? ` context=${ROOT_CONTEXT}` : ''}\n`);
  return 0;
});

export const groupsCmd = defineCommand('groups', function* (io, ctx) {
  const names = ctx.argv.slice(1);
  if (!names.length) { io.out('root\n'); return 0; }
  let status = 0;
  for (const n of names) {
    const w = lookupUser(ctx, n);
    if (!w) { io.err(`${lq(io, n)}: no such user`); status = 1; continue; }
    io.out(`${n} : ${w.group}\n`);
  }
  return status;
});

// ---- uname ---------------------------------------------------------------------------------

const KERNEL_VERSION = '#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024';

export const uname = defineCommand('uname', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'asnrvmpio',
    long: [{ name: 'all', key: 'a' }, { name: 'kernel-name', key: 's' }, { name: 'nodename', key: 'n' },
      { name: 'kernel-release', key: 'r' }, { name: 'kernel-version', key: 'v' }, { name: 'machine', key: 'm' },
      { name: 'processor', key: 'p' }, { name: 'hardware-platform', key: 'i' }, { name: 'operating-system', key: 'o' },
      { name: 'help' }, { name: 'version' }],
  });
  if (typeof p === 'number') return p;
  if (p.args.length) { io.err(`extra operand ${lq(io, p.args[0])}`); io.tryHelp(); return 1; }
  const f = new Set(p.opts.map(([k]) => k));
  if (f.has('version')) { io.out('uname (GNU coreutils) 8.32\n'); return 0; }
  const all = f.has('a');
  const parts: string[] = [];
  const want = (k: string): boolean => all || f.has(k);
  if (want('s') || !f.size) parts.push('Linux');
  if (want('n')) parts.push(ctx.host.hostname);
  if (want('r')) parts.push(KERNEL_RELEASE);
  if (want('v')) parts.push(KERNEL_VERSION);
  if (want('m')) parts.push('x86_64');
  if (want('p')) parts.push('x86_64');
  if (want('i')) parts.push('x86_64');
  if (want('o')) parts.push('GNU/Linux');
  io.out(parts.join(' ') + '\n');
  return 0;
});

// ---- uptime / w ----------------------------------------------------------------------------

/** Seconds since the kernel started (systemd's boot time plus the kernel's own start-up). */
export function uptimeSeconds(ctx: CmdContext): number {
  const k = ctx.host.kernel as unknown as { sd?: { bootTime?: number } } | undefined;
  const boot = k?.sd?.bootTime ?? 0;
  return Math.max(0, Math.floor((ctx.host.now() - boot + 4_212_877) / 1e6));
}

function load(ctx: CmdContext): string {
  // An idle lab VM: a little load shortly after boot, decaying to zero.
  const up = uptimeSeconds(ctx);
  const l1 = up < 60 ? 0.08 : 0;
  const l5 = up < 300 ? 0.02 : 0;
  return `${l1.toFixed(2)}, ${l5.toFixed(2)}, ${(0).toFixed(2)}`;
}

function upString(secs: number): string {
  const days = Math.floor(secs / 86400);
  const hours = Math.floor((secs % 86400) / 3600);
  const mins = Math.floor((secs % 3600) / 60);
  let s = '';
  if (days) s += `${days} day${days === 1 ? '' : 's'}, `;
  s += hours ? `${String(hours).padStart(2)}:${String(mins).padStart(2, '0')}, ` : `${mins} min, `;
  return s;
}

function uptimeLine(ctx: CmdContext): string {
  const now = epochNow(ctx);
  return ` ${strftime('%H:%M:%S', now)} up ${upString(uptimeSeconds(ctx))} 1 user,  load average: ${load(ctx)}`;
}

export const uptime = defineCommand('uptime', function* (io, ctx) {
  const p = getopt(io, ctx.argv, { short: 'psV', long: [{ name: 'pretty', key: 'p' }, { name: 'since', key: 's' }, { name: 'version', key: 'V' }, { name: 'help', key: 'h' }] });
  if (typeof p === 'number') return p;
  const f = new Set(p.opts.map(([k]) => k));
  if (p.args.length) {
    io.errRaw(`\nUsage:\n uptime [options]\n\nOptions:\n -p, --pretty   show uptime in pretty format\n -h, --help     display this help and exit\n -s, --since    system up since\n -V, --version  output version information and exit\n\nFor more details see uptime(1).\n`);
    return 1;
  }
  if (f.has('V')) { io.out('uptime from procps-ng 3.3.17\n'); return 0; }
  const secs = uptimeSeconds(ctx);
  if (f.has('s')) { io.out(strftime('%Y-%m-%d %H:%M:%S', epochNow(ctx) - secs) + '\n'); return 0; }
  if (f.has('p')) {
    const w = Math.floor(secs / 604800), d = Math.floor((secs % 604800) / 86400);
    const h = Math.floor((secs % 86400) / 3600), m = Math.floor((secs % 3600) / 60);
    const parts: string[] = [];
    if (w) parts.push(`${w} week${w > 1 ? 's' : ''}`);
    if (d) parts.push(`${d} day${d > 1 ? 's' : ''}`);
    if (h) parts.push(`${h} hour${h > 1 ? 's' : ''}`);
    if (m || !parts.length) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
    io.out(`up ${parts.join(', ')}\n`);
    return 0;
  }
  io.out(uptimeLine(ctx) + '\n');
  return 0;
});

export const w = defineCommand('w', function* (io, ctx) {
  const p = getopt(io, ctx.argv, { short: 'hsfiuoV', long: [{ name: 'no-header', key: 'h' }, { name: 'short', key: 's' }, { name: 'from', key: 'f' }] });
  if (typeof p === 'number') return p;
  const f = new Set(p.opts.map(([k]) => k));
  const short = f.has('s');
  const from = !f.has('f');
  if (!f.has('h')) {
    io.out(uptimeLine(ctx) + '\n');
    io.out(`USER     TTY      ${from ? 'FROM             ' : ''}LOGIN@   IDLE ${short ? '' : '  JCPU   PCPU '}WHAT\n`);
  }
  if (p.args.length && p.args[0] !== 'root') return 0;
  const login = epochNow(ctx) - Math.max(0, uptimeSeconds(ctx) - 25);
  io.out(`root     pts/0    ${from ? '-                ' : ''}${strftime('%H:%M', login)}    0.00s ${short ? '' : ' 0.01s  0.00s '}w${p.args.length ? '' : ''}\n`);
  return 0;
});

// ---- free ----------------------------------------------------------------------------------

/** Memory of the lab VM in KiB: total, used, free, shared, buffers, cache, available. */
function memory(ctx: CmdContext): { total: number; used: number; free: number; shared: number; buffers: number; cache: number; avail: number; swap: number } {
  // Used memory grows a little with uptime (page cache), deterministically.
  const up = uptimeSeconds(ctx);
  const total = 1813852;
  const cache = 316184 + Math.min(120000, Math.floor(up / 10) * 4);
  const buffers = 3160;
  const used = 278144;
  const shared = 8596;
  const free = total - used - cache - buffers;
  return { total, used, free, shared, buffers, cache, avail: free + cache - 70000, swap: 2097148 };
}

export const free = defineCommand('free', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'bkmghltwsc:V',
    long: [{ name: 'bytes', key: 'b' }, { name: 'kibi', key: 'k' }, { name: 'mebi', key: 'm' }, { name: 'gibi', key: 'g' },
      { name: 'human', key: 'h' }, { name: 'total', key: 't' }, { name: 'wide', key: 'w' }, { name: 'si' }, { name: 'kilo' },
      { name: 'mega' }, { name: 'giga' }, { name: 'seconds', key: 's', arg: 'req' }, { name: 'count', key: 'c', arg: 'req' }, { name: 'help' }],
  });
  if (typeof p === 'number') return p;
  let unit = 1024;
  let humanMode = false, total = false, wide = false;
  for (const [k] of p.opts) {
    if (k === 'b') unit = 1;
    else if (k === 'k') unit = 1024;
    else if (k === 'm') unit = 1024 ** 2;
    else if (k === 'g') unit = 1024 ** 3;
    else if (k === 'h') humanMode = true;
    else if (k === 't') total = true;
    else if (k === 'w') wide = true;
    else if (k === 'V') { io.out('free from procps-ng 3.3.17\n'); return 0; }
  }
  const m = memory(ctx);
  const fmt = (kib: number): string => {
    const bytes = kib * 1024;
    if (humanMode) {
      if (bytes === 0) return '0B';
      const units = ['B', 'Ki', 'Mi', 'Gi', 'Ti'];
      let v = bytes, u = 0;
      while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
      return (v < 10 && u > 0 ? v.toFixed(1) : String(Math.floor(v))) + units[u];
    }
    return String(Math.floor(bytes / unit));
  };
  const col = (s: string): string => ' ' + s.padStart(11);
  let out = wide
    ? '               total        used        free      shared     buffers       cache   available\n'
    : '               total        used        free      shared  buff/cache   available\n';
  out += 'Mem:'.padEnd(8) + col(fmt(m.total)) + col(fmt(m.used)) + col(fmt(m.free)) + col(fmt(m.shared))
    + (wide ? col(fmt(m.buffers)) + col(fmt(m.cache)) : col(fmt(m.buffers + m.cache))) + col(fmt(m.avail)) + '\n';
  out += 'Swap:'.padEnd(8) + col(fmt(m.swap)) + col(fmt(0)) + col(fmt(m.swap)) + '\n';
  if (total) out += 'Total:'.padEnd(8) + col(fmt(m.total + m.swap)) + col(fmt(m.used)) + col(fmt(m.free + m.swap)) + '\n';
  io.out(out);
  return 0;
});

// ---- df ------------------------------------------------------------------------------------

interface Mount { fs: string; type: string; size: number; used: number; mount: string }

function mounts(): Mount[] {
  return [
    { fs: 'devtmpfs', type: 'devtmpfs', size: 4096, used: 0, mount: '/dev' },
    { fs: 'tmpfs', type: 'tmpfs', size: 906924, used: 0, mount: '/dev/shm' },
    { fs: 'tmpfs', type: 'tmpfs', size: 362772, used: 5060, mount: '/run' },
    { fs: '/dev/mapper/rhel-root', type: 'xfs', size: 17811456, used: 1772928, mount: '/' },
    { fs: '/dev/sda1', type: 'xfs', size: 983040, used: 228124, mount: '/boot' },
    { fs: 'tmpfs', type: 'tmpfs', size: 181384, used: 0, mount: '/run/user/0' },
  ];
}

export const df = defineCommand('df', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'ahHiklmPTt:x:B:',
    long: [{ name: 'all', key: 'a' }, { name: 'human-readable', key: 'h' }, { name: 'si', key: 'H' }, { name: 'inodes', key: 'i' },
      { name: 'local', key: 'l' }, { name: 'portability', key: 'P' }, { name: 'print-type', key: 'T' }, { name: 'type', key: 't', arg: 'req' },
      { name: 'exclude-type', key: 'x', arg: 'req' }, { name: 'total' }, { name: 'block-size', key: 'B', arg: 'req' }, { name: 'output', arg: 'opt' }],
  });
  if (typeof p === 'number') return p;
  let humanBase = 0, inodes = false, showType = false, total = false, blockSize = 1024;
  const types: string[] = [], exclude: string[] = [];
  for (const [k, v] of p.opts) {
    if (k === 'h') humanBase = 1024;
    else if (k === 'H') humanBase = 1000;
    else if (k === 'i') inodes = true;
    else if (k === 'T') showType = true;
    else if (k === 't') types.push(v ?? '');
    else if (k === 'x') exclude.push(v ?? '');
    else if (k === 'total') total = true;
    else if (k === 'k') blockSize = 1024;
    else if (k === 'm') blockSize = 1024 * 1024;
    else if (k === 'B') {
      const m = /^(\d*)([KMG]?)$/.exec(v ?? '');
      if (!m || (m[1] === '' && m[2] === '')) { io.err(`invalid --block-size argument ${lq(io, v ?? '')}`); return 1; }
      blockSize = (m[1] ? Number(m[1]) : 1) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[m[2]];
    }
  }
  let rows = mounts().filter((m) => (!types.length || types.includes(m.type)) && !exclude.includes(m.type));
  let status = 0;
  if (p.args.length) {
    const picked: Mount[] = [];
    for (const a of p.args) {
      const path = ctx.resolve(a);
      if (!ctx.fs.exists(path)) { io.err(`${a}: No such file or directory`); status = 1; continue; }
      const best = mounts().filter((m) => path === m.mount || path.startsWith(m.mount === '/' ? '/' : m.mount + '/'))
        .sort((x, y) => y.mount.length - x.mount.length)[0];
      if (best) picked.push(best);
    }
    rows = picked;
  }
  if (!rows.length) {
    if (!p.args.length) io.err('no file systems processed');
    return status || 1;
  }
  const sizeHdr = humanBase ? 'Size' : inodes ? 'Inodes' : blockSize === 1024 ? '1K-blocks' : blockSize === 1024 ** 2 ? '1M-blocks' : `${blockSize}B-blocks`;
  const header = ['Filesystem', ...(showType ? ['Type'] : []), sizeHdr, inodes ? 'IUsed' : 'Used', inodes ? 'IFree' : humanBase ? 'Avail' : 'Available', inodes ? 'IUse%' : 'Use%', 'Mounted on'];
  const cell = (kib: number): string => {
    if (humanBase) return kib === 0 ? '0' : human(kib * 1024, humanBase);
    return String(Math.ceil((kib * 1024) / blockSize));
  };
  const lines: string[][] = [header];
  const sum = { size: 0, used: 0 };
  for (const m of rows) {
    sum.size += m.size; sum.used += m.used;
    if (inodes) {
      const total = m.type === 'xfs' ? Math.floor(m.size / 2) : Math.floor(m.size / 4);
      const used = m.type === 'xfs' ? Math.floor(m.used / 50) : m.mount === '/dev' ? 410 : 12;
      lines.push([m.fs, ...(showType ? [m.type] : []), String(total), String(used), String(total - used), `${Math.ceil((used * 100) / total)}%`, m.mount]);
    } else {
      const avail = m.size - m.used;
      const pct = m.used === 0 ? 0 : Math.ceil((m.used * 100) / (m.used + avail));
      lines.push([m.fs, ...(showType ? [m.type] : []), cell(m.size), cell(m.used), cell(avail), `${pct}%`, m.mount]);
    }
  }
  if (total && !inodes) {
    const avail = sum.size - sum.used;
    lines.push(['total', ...(showType ? ['-'] : []), cell(sum.size), cell(sum.used), cell(avail), `${Math.ceil((sum.used * 100) / sum.size)}%`, '-']);
  }
  // df.c's field table gives each column a minimum width
  const MIN: Record<string, number> = { Filesystem: 14, Type: 4, 'Use%': 4, 'Mounted on': 0 };
  const widths = header.map((h, i) => Math.max(MIN[h] ?? 5, ...lines.map((l) => l[i].length)));
  for (const l of lines) {
    const out = l.map((c, i) => {
      if (i === 0 || i === l.length - 1 || (showType && i === 1)) return i === l.length - 1 ? c : c.padEnd(widths[i]);
      return c.padStart(widths[i]);
    });
    io.out(out.join(' ') + '\n');
  }
  return status;
});
