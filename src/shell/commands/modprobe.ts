/**
 * Kernel modules (kmod 28): modprobe [-r] [-v] MOD..., rmmod, insmod, lsmod, modinfo, over
 * the catalogue in core/services/kmod.ts. Loading goes through Host.loadModule, so
 * `modprobe ipip` creates tunl0 and the kernel log (dmesg) shows what the module prints.
 */
import { MODULE_DIR, allModules, isLoaded, loadOrder, loadedModules, moduleDef, modprobe, modprobeRemove } from '../../core/services/kmod.ts';
import type { CmdContext, Co, Command } from '../types.ts';

function* modprobeMain(ctx: CmdContext): Co<number> {
  const h = ctx.host.kernel;
  let remove = false;
  let verbose = false;
  let quiet = false;
  let all = false;
  let dry = false;
  const mods: string[] = [];
  for (const a of ctx.argv.slice(1)) {
    if (a === '-r' || a === '--remove') remove = true;
    else if (a === '-v' || a === '--verbose') verbose = true;
    else if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '-a' || a === '--all') all = true;
    else if (a === '-n' || a === '--dry-run' || a === '--show') dry = true;
    else if (a === '-V' || a === '--version') { ctx.stdout.write('kmod version 28\n+ZSTD +XZ +ZLIB +LIBCRYPTO -EXPERIMENTAL\n'); return 0; }
    else if (a === '-h' || a === '--help') { ctx.stdout.write('Usage:\n\tmodprobe [options] [-i] [-b] modulename\n\tmodprobe [options] -a [-i] [-b] modulename [modulename...]\n\tmodprobe [options] -r [-i] modulename\n\tmodprobe [options] -r -a [-i] modulename [modulename...]\n'); return 0; }
    else if (/^-[rvqan]+$/.test(a)) {
      for (const c of a.slice(1)) { if (c === 'r') remove = true; else if (c === 'v') verbose = true; else if (c === 'q') quiet = true; else if (c === 'a') all = true; else dry = true; }
    } else if (a.startsWith('-') && a.length > 1) {
      ctx.stderr.write(a.startsWith('--') ? `modprobe: unrecognized option '${a}'\n` : `modprobe: invalid option -- '${a[1]}'\n`);
      ctx.stderr.write('modprobe: ERROR: unknown command line option\n');
      return 1;
    } else mods.push(a);
  }
  if (!mods.length) {
    ctx.stderr.write('modprobe: ERROR: missing parameters. See -h.\n');
    return 1;
  }
  // Without -a, only the first word is a module; the rest are its parameters.
  const names = all || remove ? mods : [mods[0]];
  for (const name of names) {
    const def = moduleDef(name);
    if (!def) {
      if (!quiet) ctx.stderr.write(`modprobe: FATAL: Module ${name} not found in directory ${MODULE_DIR}\n`);
      return 1;
    }
    if (remove) {
      if (verbose) for (const m of loadOrder(def.name).reverse()) if (isLoaded(h, m)) ctx.stdout.write(`rmmod ${m}\n`);
      if (dry) continue;
      const r = modprobeRemove(h, def.name);
      if (!r.ok) {
        if (r.error === 'in-use') { ctx.stderr.write(`modprobe: FATAL: Module ${def.name} is in use.\n`); return 1; }
        if (r.error === 'not-loaded') { ctx.stderr.write(`modprobe: FATAL: Module ${def.name} is not in kernel.\n`); return 1; }
      }
      continue;
    }
    if (verbose) for (const m of loadOrder(def.name)) if (!isLoaded(h, m)) ctx.stdout.write(`insmod /lib/modules/5.14.0-427.13.1.el9_4.x86_64/kernel/${pathOf(m)}\n`);
    if (!dry) modprobe(h, def.name);
  }
  return 0;
}

function pathOf(m: string): string {
  if (m.startsWith('ip_vs')) return `net/netfilter/ipvs/${m}.ko.xz`;
  if (m.startsWith('nf_') || m.startsWith('nft_') || m.startsWith('xt_') || m === 'nfnetlink' || m === 'nf_tables') return `net/netfilter/${m}.ko.xz`;
  if (['ipip', 'tunnel4', 'ip_tunnel', 'ip_gre', 'gre'].includes(m) || m.startsWith('ipt') || m === 'ip_tables') return `net/ipv4/${m}.ko.xz`;
  if (m === 'libcrc32c') return `lib/${m}.ko.xz`;
  return `drivers/net/${m}.ko.xz`;
}

function* lsmodMain(ctx: CmdContext): Co<number> {
  if (ctx.argv.length > 1) {
    ctx.stderr.write('Usage: lsmod\n');
    return 1;
  }
  let out = 'Module                  Size  Used by\n';
  for (const m of loadedModules(ctx.host.kernel)) {
    out += `${m.def.name.padEnd(19)} ${String(m.def.size).padStart(8)}  ${m.refcount}${m.holders.length ? ' ' + m.holders.join(',') : ''}\n`;
  }
  ctx.stdout.write(out);
  return 0;
}

function* rmmodMain(ctx: CmdContext): Co<number> {
  const h = ctx.host.kernel;
  const mods = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  if (!mods.length) { ctx.stderr.write('rmmod: ERROR: missing module name.\n'); return 1; }
  let rc = 0;
  for (const name of mods) {
    const def = moduleDef(name);
    if (!def || !isLoaded(h, def.name)) { ctx.stderr.write(`rmmod: ERROR: Module ${name} is not currently loaded\n`); rc = 1; continue; }
    const r = modprobeRemove(h, def.name, { deps: false });
    if (!r.ok && r.error === 'in-use') {
      ctx.stderr.write(r.holders?.length ? `rmmod: ERROR: Module ${def.name} is in use by: ${r.holders.join(' ')}\n` : `rmmod: ERROR: Module ${def.name} is in use\n`);
      rc = 1;
    }
  }
  return rc;
}

function* insmodMain(ctx: CmdContext): Co<number> {
  const h = ctx.host.kernel;
  const file = ctx.argv.slice(1).find((a) => !a.startsWith('-'));
  if (!file) { ctx.stderr.write('insmod: ERROR: missing filename.\n'); return 1; }
  const base = file.replace(/^.*\//, '').replace(/\.ko(\.xz)?$/, '');
  const def = moduleDef(base);
  if (!def || !file.includes('.ko')) { ctx.stderr.write(`insmod: ERROR: could not load module ${file}: No such file or directory\n`); return 1; }
  if (isLoaded(h, def.name)) { ctx.stderr.write(`insmod: ERROR: could not insert module ${file}: File exists\n`); return 1; }
  const missing = def.deps.filter((d) => !isLoaded(h, d));
  if (missing.length) { ctx.stderr.write(`insmod: ERROR: could not insert module ${file}: Unknown symbol in module\n`); return 1; }
  h.loadModule(def.name);
  return 0;
}

function* modinfoMain(ctx: CmdContext): Co<number> {
  const mods = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  if (!mods.length) { ctx.stderr.write('modinfo: ERROR: missing module or filename.\n'); return 1; }
  let rc = 0;
  for (const name of mods) {
    const def = moduleDef(name);
    if (!def) { ctx.stderr.write(`modinfo: ERROR: Module ${name} not found.\n`); rc = 1; continue; }
    const f = (k: string, v: string) => `${(k + ':').padEnd(16)}${v}\n`;
    ctx.stdout.write(f('filename', `${MODULE_DIR}/kernel/${pathOf(def.name)}`) + f('description', def.description) + f('license', 'GPL')
      + f('rhelversion', '9.4') + f('depends', def.deps.join(',')) + f('retpoline', 'Y') + f('intree', 'Y') + f('name', def.name)
      + f('vermagic', '5.14.0-427.13.1.el9_4.x86_64 SMP preempt mod_unload modversions '));
  }
  return rc;
}

export const modprobeCmd: Command = { name: 'modprobe', pkg: 'kmod', run: modprobeMain };
export const lsmod: Command = { name: 'lsmod', pkg: 'kmod', run: lsmodMain };
export const rmmod: Command = { name: 'rmmod', pkg: 'kmod', run: rmmodMain };
export const insmod: Command = { name: 'insmod', pkg: 'kmod', run: insmodMain };
export const modinfo: Command = { name: 'modinfo', pkg: 'kmod', run: modinfoMain };
void allModules;
