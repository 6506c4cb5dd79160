/**
 * rpm 4.16 queries over the host's rpm database (core/services/packages.ts): -q PKG, -qa
 * [PATTERN], -ql PKG, -qi PKG, -qc PKG, -qd PKG, -qf FILE, -e PKG (erase, silent),
 * --version. Output and messages as rpm prints them (`package foo is not installed`, exit
 * status = number of failures). Not modelled: installing local .rpm files, verification,
 * signatures, query formats.
 */
import { findPackage, installedPackages, nvra, packageFiles, removePackage, rpmDbEntry, dependents, type PackageDef } from '../../core/services/packages.ts';
import type { CmdContext, Co, Command } from '../types.ts';
import { strftime } from './util.ts';

function installedMatch(ctx: CmdContext, spec: string): PackageDef | undefined {
  const p = findPackage(spec);
  return p && ctx.host.kernel.packages.has(p.name) && (p.name === spec || spec.startsWith(p.name + '-') || spec === `${p.name}.${p.arch}`) ? p : undefined;
}

function infoBlock(ctx: CmdContext, p: PackageDef): string {
  const e = rpmDbEntry(ctx.host.kernel, p.name);
  const when = (s: number) => strftime('%a %d %b %Y %I:%M:%S %p UTC', s);
  const build = Math.floor(ctx.host.kernel.net.epochUs / 1e6) - 86400 * 120;
  const f = (k: string, v: string) => `${k.padEnd(12)}: ${v}`;
  const lines = [f('Name', p.name)];
  if (p.epoch) lines.push(f('Epoch', String(p.epoch)));
  lines.push(f('Version', p.version), f('Release', p.release), f('Architecture', p.arch), f('Install Date', when(e?.installTime ?? build)),
    f('Group', 'Unspecified'), f('Size', String(p.installSize)), f('License', p.license ?? 'GPLv2+'),
    f('Signature', `RSA/SHA256, ${when(build + 3600)}, Key ID 199e2f91fd431d51`), f('Source RPM', `${p.name}-${p.version}-${p.release}.src.rpm`),
    f('Build Date', when(build)), f('Build Host', 'x86-64-01.build.eng.rdu2.redhat.com'), f('Packager', 'Red Hat, Inc. <http://bugzilla.redhat.com/bugzilla>'),
    f('Vendor', 'Red Hat, Inc.'));
  if (p.url) lines.push(f('URL', p.url));
  lines.push(f('Summary', p.summary), 'Description :', p.description ?? `${p.summary}.`);
  return lines.join('\n') + '\n';
}

function* rpmMain(ctx: CmdContext): Co<number> {
  const args = ctx.argv.slice(1);
  const h = ctx.host.kernel;
  let query = false;
  let all = false;
  let mode: 'name' | 'list' | 'info' | 'config' | 'docs' | 'file' = 'name';
  let erase = false;
  let nodeps = false;
  const specs: string[] = [];
  for (const a of args) {
    if (a === '--version') { ctx.stdout.write('RPM version 4.16.1.3\n'); return 0; }
    if (a === '--query') { query = true; continue; }
    if (a === '--all') { all = true; continue; }
    if (a === '--list') { mode = 'list'; continue; }
    if (a === '--info') { mode = 'info'; continue; }
    if (a === '--file') { mode = 'file'; continue; }
    if (a === '--configfiles') { mode = 'config'; continue; }
    if (a === '--docfiles') { mode = 'docs'; continue; }
    if (a === '--erase') { erase = true; continue; }
    if (a === '--nodeps') { nodeps = true; continue; }
    if (a.startsWith('--')) { ctx.stderr.write(`rpm: ${a}: unknown option\n`); return 1; }
    if (a.startsWith('-') && a.length > 1) {
      for (const c of a.slice(1)) {
        switch (c) {
          case 'q': query = true; break;
          case 'a': all = true; break;
          case 'l': mode = 'list'; break;
          case 'i': mode = 'info'; break;
          case 'c': mode = 'config'; break;
          case 'd': mode = 'docs'; break;
          case 'f': mode = 'file'; break;
          case 'e': erase = true; break;
          case 'v': case 'h': break;
          default: ctx.stderr.write(`rpm: -${c}: unknown option\n`); return 1;
        }
      }
      continue;
    }
    specs.push(a);
  }
  if (erase) {
    if (!specs.length) { ctx.stderr.write('rpm: no packages given for erase\n'); return 1; }
    let fails = 0;
    for (const s of specs) {
      const p = installedMatch(ctx, s);
      if (!p) { ctx.stderr.write(`error: package ${s} is not installed\n`); fails++; continue; }
      const deps = dependents(h, [p.name]);
      if (deps.length && !nodeps) {
        ctx.stderr.write(`error: Failed dependencies:\n${deps.map((d) => `\t${p.name} is needed by (installed) ${nvra(d)}`).join('\n')}\n`);
        return 1;
      }
    }
    for (const s of specs) { const p = installedMatch(ctx, s); if (p) removePackage(h, p.name); }
    return fails;
  }
  if (!query) {
    ctx.stderr.write('rpm: no operation specified\n'); return 1;
  }
  if (all) {
    const re = specs.length ? specs.map((s) => new RegExp('^' + s.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$')) : null;
    let out = '';
    for (const p of installedPackages(h)) {
      if (re && !re.some((r) => r.test(p.name) || r.test(nvra(p)))) continue;
      out += mode === 'info' ? infoBlock(ctx, p) : mode === 'list' ? packageFiles(p).join('\n') + '\n' : nvra(p) + '\n';
    }
    ctx.stdout.write(out);
    return 0;
  }
  if (!specs.length) { ctx.stderr.write('rpm: no arguments given for query\n'); return 1; }
  let fails = 0;
  let out = '';
  for (const s of specs) {
    if (mode === 'file') {
      const path = ctx.resolve(s);
      if (!ctx.fs.exists(path)) { out += `error: file ${path}: No such file or directory\n`; fails++; continue; }
      const owner = installedPackages(h).find((p) => packageFiles(p).includes(path));
      if (!owner) { out += `file ${path} is not owned by any package\n`; fails++; continue; }
      out += nvra(owner) + '\n';
      continue;
    }
    const p = installedMatch(ctx, s);
    if (!p) { out += `package ${s} is not installed\n`; fails++; continue; }
    if (mode === 'name') out += nvra(p) + '\n';
    else if (mode === 'info') out += infoBlock(ctx, p);
    else {
      const files = packageFiles(p).filter((f) => mode === 'list' || (mode === 'config' ? f.startsWith('/etc/') : f.startsWith('/usr/share/doc/') || f.startsWith('/usr/share/man/')));
      out += files.length ? files.join('\n') + '\n' : '(contains no files)\n';
    }
  }
  ctx.stdout.write(out);
  return fails;
}

export const rpm: Command = { name: 'rpm', pkg: 'rpm', run: rpmMain };
