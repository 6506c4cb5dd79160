/**
 * The scheduler contract (struct ip_vs_scheduler of include/net/ip_vs.h) and helpers shared
 * by the schedulers.
 *
 * Each scheduler keeps its per-service state in `svc.schedData` and is told about
 * destination changes through addDest/delDest/updDest, called where the kernel calls them:
 * after the destination was linked into (or unlinked from) the list, or edited.
 *
 * `schedule` returns the kernel's answer (a destination or null) together with an
 * explanation for people: the numbers it compared, per destination in list order, and a
 * one-line summary such as `wlc: 192.168.137.200:80 (0*256+3)/1 = 3, 192.168.137.130:80
 * (0*256+4)/1 = 4 → 192.168.137.200:80`. Explanations never change the decision.
 */
import type { Dest } from '../dest.ts';
import type { Service } from '../service.ts';

/** What a scheduler may look at in a packet (ip_vs_iphdr plus the ports). */
export interface SchedPacket {
  readonly proto: number;
  readonly saddr: number;
  readonly sport: number;
  readonly daddr: number;
  readonly dport: number;
}

/** The environment: the virtual clock and the sysctls some schedulers read. */
export interface SchedEnv {
  /** Virtual time, µs. */
  readonly now: number;
  /** net.ipv4.vs.lblc_expiration in µs. */
  lblcExpiration(): number;
  /** net.ipv4.vs.lblcr_expiration in µs. */
  lblcrExpiration(): number;
}

/** One destination as the scheduler saw it. */
export interface SchedStep {
  readonly dest: string;
  readonly weight: number;
  readonly active: number;
  readonly inactive: number;
  /** The figure compared ("(0*256+3)/1 = 3", "bucket 191"), if any. */
  readonly value?: string;
  /** Why it was passed over ("weight 0 (quiesced)", "OVERLOAD"), or "chosen". */
  readonly note?: string;
}

export interface SchedResult {
  readonly dest: Dest | null;
  /** One line with the numbers compared and the outcome. */
  readonly text: string;
  readonly steps: readonly SchedStep[];
  /** Hash schedulers: the bucket (sh, dh) or lookup slot (mh) the client mapped to. */
  readonly bucket?: number;
  /** The text ip_vs_scheduler_err() logs when nothing was found. */
  readonly err?: string;
}

export interface Scheduler {
  readonly name: string;
  /** init_service: set up svc.schedData for the current destination list. */
  init(svc: Service, env: SchedEnv): void;
  /** done_service */
  done?(svc: Service): void;
  addDest?(svc: Service, dest: Dest): void;
  /** Called after `dest` was removed from the list; `index` is where it was. */
  delDest?(svc: Service, dest: Dest, index: number): void;
  updDest?(svc: Service, dest: Dest): void;
  schedule(svc: Service, pkt: SchedPacket, env: SchedEnv): SchedResult;
}

export const NO_DEST = 'no destination available';

export function step(d: Dest, value?: string, note?: string): SchedStep {
  return { dest: d.label, weight: d.weight, active: d.activeConns, inactive: d.inactConns, value, note };
}

/** Why a destination cannot take new connections (weight 0 or OVERLOAD), or null. */
export function unusable(d: Dest): string | null {
  if (d.overloaded) return 'OVERLOAD';
  if (d.weight <= 0) return 'weight 0 (quiesced)';
  return null;
}

/** "3", "1.5", "0.33" — a quotient for explanations only (decisions use integers). */
export function ratio(n: number, d: number): string {
  if (d === 0) return '∞';
  const q = n / d;
  return Number.isInteger(q) ? String(q) : q.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

export function result(name: string, dest: Dest | null, steps: SchedStep[], summary: string, extra: { bucket?: number; err?: string } = {}): SchedResult {
  const outcome = dest ? `→ ${dest.label}` : `→ none (${extra.err ?? NO_DEST})`;
  // slice(): an exact-size copy (a list grown by push keeps spare capacity, and a result lives
  // as long as the connection it created).
  // join(): one flat string, not a tree of cons strings (the text lives as long as the connection).
  const text = [name, ': ', summary, summary ? ' ' : '', outcome].join('');
  return { dest, steps: steps.slice(), text, bucket: extra.bucket, err: dest ? undefined : extra.err ?? NO_DEST };
}

/** gcd() of lib/math/gcd.c. */
export function gcd(a: number, b: number): number {
  while (b) { const t = a % b; a = b; b = t; }
  return a;
}

/** hash_32(val, bits) of include/linux/hash.h: (val * GOLDEN_RATIO_32) >> (32 - bits). */
export function hash32(val: number, bits: number): number {
  return (Math.imul(val >>> 0, 0x61c88647) >>> 0) >>> (32 - bits);
}
