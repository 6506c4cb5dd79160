/**
 * Name resolution as glibc does it for the lab: IPv4 literals, then /etc/hosts. There is no
 * DNS server in the lab (the keyfiles' 8.8.8.8 is unreachable), so other names fail the way
 * a host without working DNS fails.
 */
import { parseIpv4, type Ipv4Addr } from '../../../core/wire/types.ts';
import type { Vfs } from '../../../core/fs/vfs.ts';
import type { Host } from '../../../core/net/host.ts';

/** Also accepts the shortened forms inet_aton takes ("127.1", "10.1.2"). */
export function parseInetAton(s: string): Ipv4Addr | null {
  const p = parseIpv4(s);
  if (p !== null) return p;
  if (!/^\d+(\.\d+){0,3}$/.test(s)) return null;
  const parts = s.split('.').map(Number);
  if (parts.some((x) => !Number.isFinite(x))) return null;
  let v = 0;
  if (parts.length === 1) v = parts[0];
  else if (parts.length === 2) { if (parts[0] > 255 || parts[1] > 0xffffff) return null; v = parts[0] * 2 ** 24 + parts[1]; }
  else if (parts.length === 3) { if (parts[0] > 255 || parts[1] > 255 || parts[2] > 0xffff) return null; v = parts[0] * 2 ** 24 + parts[1] * 2 ** 16 + parts[2]; }
  if (v > 0xffffffff) return null;
  return v as Ipv4Addr;
}

export function resolveHost(fs: Vfs, name: string): Ipv4Addr | null {
  const lit = parseInetAton(name);
  if (lit !== null) return lit;
  let hosts = '';
  try { hosts = fs.readFile('/etc/hosts'); } catch { /* none */ }
  const lower = name.toLowerCase();
  for (const line of hosts.split('\n')) {
    const t = line.replace(/#.*/, '').trim().split(/\s+/);
    if (t.length < 2) continue;
    const a = parseIpv4(t[0]);
    if (a === null) continue;
    if (t.slice(1).some((n) => n.toLowerCase() === lower)) return a;
  }
  return null;
}

/**
 * The name an address has, or null: /etc/hosts first, then (no DNS in the lab) RHEL 9's
 * nss-myhostname (`hosts: files dns myhostname`), which names the host's current default
 * gateways `_gateway` — what `route`, `arp` and `traceroute` show on a real VM.
 */
export function reverseHost(fs: Vfs, addr: number, gateways: readonly number[] = []): string | null {
  let hosts = '';
  try { hosts = fs.readFile('/etc/hosts'); } catch { /* none */ }
  for (const line of hosts.split('\n')) {
    const t = line.replace(/#.*/, '').trim().split(/\s+/);
    if (t.length >= 2 && parseIpv4(t[0]) === addr) return t[1];
  }
  return gateways.includes(addr) ? '_gateway' : null;
}

/** The gateways of the host's default routes on devices that are up (nss-myhostname's `_gateway`). */
export function defaultGateways(h: Host): number[] {
  return h.routes.routes.filter((r) => r.prefix === 0 && r.gw !== null && (r.dev === null || h.dev(r.dev)?.up)).map((r) => r.gw!);
}
