/**
 * The core's facade, as the shell sees a machine. Commands talk to a host only through
 * HostApi (as ipvsadm talks netlink, not kernel memory). `kernel` is the machine's kernel
 * and userland daemons (the Host object): network commands use it the way real tools use
 * netlink, /proc and D-Bus. Nothing in the shell may reach another host except through the
 * network.
 */
import type { Vfs } from '../fs/vfs.ts';
import type { Host } from '../net/host.ts';

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
  /** The machine itself: kernel networking, sysctl, systemd, packages. */
  readonly kernel: Host;
}

/** The HostApi of a Host. */
export class HostFacade implements HostApi {
  constructor(readonly kernel: Host) {}
  get hostname(): string { return this.kernel.hostname; }
  get fs(): Vfs { return this.kernel.fs; }
  now(): number { return this.kernel.now; }
  epochSeconds(): number { return Math.floor((this.kernel.net.epochUs + this.kernel.now) / 1_000_000); }
  allocPid(): number { return this.kernel.allocPid(); }
  hasPackage(name: string): boolean { return this.kernel.packages.has(name); }
}
