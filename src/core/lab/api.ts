/**
 * The core's facade, as the shell and the UI see it. Commands talk to a host only through
 * HostApi (as ipvsadm talks netlink, not kernel memory); the UI talks to a LabApi.
 * This file grows with the core; keep it small and stable.
 */
import type { Vfs } from '../fs/vfs.ts';

export interface HostApi {
  /** The current hostname (changes with hostnamectl). */
  readonly hostname: string;
  /** The host's filesystem. */
  readonly fs: Vfs;
  /** Virtual time in microseconds since the lab started. */
  now(): number;
  /** Wall-clock seconds since the Unix epoch, from the virtual clock. */
  epochSeconds(): number;
  /** A new process id on this host. */
  allocPid(): number;
  /** Installed package names (rpm names: httpd, ipvsadm, mod_ssl, ...). */
  hasPackage(name: string): boolean;
}
