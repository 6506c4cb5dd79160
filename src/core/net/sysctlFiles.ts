/**
 * sysctl configuration files as procps-ng 3.3.17 and systemd-sysctl read them: `key = value`
 * lines, `#`/`;` comments, `-key` (ignore a missing key), globs in keys
 * (`net.ipv4.conf.*.rp_filter`), and the `--system` search order.
 */
import { FsError } from '../fs/vfs.ts';
import type { Host } from './host.ts';

export interface SysctlLine {
  readonly line: number;
  readonly key: string;         // with dots, as written (slashes turned into dots)
  readonly value: string;
  readonly ignoreMissing: boolean;
}

export type SysctlParseIssue = { line: number; kind: 'no-equals'; text: string };

export function parseSysctlFile(text: string): { lines: SysctlLine[]; issues: SysctlParseIssue[] } {
  const lines: SysctlLine[] = [];
  const issues: SysctlParseIssue[] = [];
  text.split('\n').forEach((raw, i) => {
    let t = raw.trim();
    if (!t || t.startsWith('#') || t.startsWith(';')) return;
    let ignoreMissing = false;
    if (t.startsWith('-')) { ignoreMissing = true; t = t.slice(1).trim(); }
    const eq = t.indexOf('=');
    if (eq < 0) { issues.push({ line: i + 1, kind: 'no-equals', text: t }); return; }
    const key = t.slice(0, eq).trim().replace(/\//g, '.');
    const value = t.slice(eq + 1).trim();
    lines.push({ line: i + 1, key, value, ignoreMissing });
  });
  return { lines, issues };
}

/** Keys matching a glob (`*` matches one component or part of one, as fnmatch on the path). */
export function expandSysctlKey(h: Host, key: string): string[] {
  if (!key.includes('*') && !key.includes('?')) return [key];
  const re = new RegExp('^' + key.split('.').map((p) => p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]*').replace(/\?/g, '[^.]')).join('\\.') + '$');
  return h.sysctl.keys().filter((k) => re.test(k));
}

export type ApplyResult =
  | { ok: true; key: string; value: string }
  | { ok: false; key: string; value: string; errno: 'ENOENT' | 'EINVAL' | 'EACCES' | 'EPERM' };

/** Set one key (no glob); returns the error as errno. */
export function setSysctl(h: Host, key: string, value: string): ApplyResult {
  try {
    h.sysctl.set(key, value);
    return { ok: true, key, value };
  } catch (e) {
    const errno = e instanceof FsError ? e.code : 'EINVAL';
    return { ok: false, key, value, errno: (errno === 'ENOENT' || errno === 'EACCES' || errno === 'EPERM') ? errno : 'EINVAL' };
  }
}

/** The files `sysctl --system` reads, in order (later files override earlier ones). */
export function systemSysctlFiles(h: Host): string[] {
  const dirs = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'];
  const byName = new Map<string, string>();
  for (const d of dirs) {
    let names: string[] = [];
    try { names = h.fs.readdir(d); } catch { continue; }
    for (const n of names) if (n.endsWith('.conf') && !byName.has(n)) byName.set(n, `${d}/${n}`);
  }
  const files = [...byName.keys()].sort().map((n) => byName.get(n)!);
  // procps applies /etc/sysctl.conf last, unless it is the target of a /etc/sysctl.d symlink already read.
  files.push('/etc/sysctl.conf');
  return files;
}

/** What systemd-sysctl does at boot: apply every file quietly. */
export function applySystemSysctl(h: Host): void {
  const seen = new Set<string>();
  for (const f of systemSysctlFiles(h)) {
    let text: string;
    let real = f;
    try { real = h.fs.realpath(f); text = h.fs.readFile(f); } catch { continue; }
    if (seen.has(real)) continue;
    seen.add(real);
    for (const l of parseSysctlFile(text).lines) {
      for (const k of expandSysctlKey(h, l.key)) {
        // systemd-sysctl skips conf.all when a later "-key" line says so; "-" lines just tolerate absence.
        if (l.key.includes('*') && k.includes('.all.') && text.includes(`-${k}`)) continue;
        setSysctl(h, k, l.value);
      }
    }
  }
}
