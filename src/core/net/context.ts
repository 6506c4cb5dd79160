/**
 * What a host needs from the lab it lives in: the clock, randomness, the wire and the
 * capture log. An interface, so that net/ does not import lab/.
 */
import type { EventQueue } from '../sim/events.ts';
import type { Rng } from '../sim/rng.ts';
import type { DropCode, FrameLog } from '../sim/frameLog.ts';
import type { EthernetRepr, Ipv4Repr } from '../wire/types.ts';
import type { Dev } from './dev.ts';

export interface NetContext {
  readonly q: EventQueue;
  readonly rng: Rng;
  readonly capture: FrameLog;
  /** Microseconds since the Unix epoch at virtual time 0. */
  readonly epochUs: number;
  /**
   * Put a frame on `dev`'s wire: log it and deliver it. Returns its capture number (0 = not
   * sent). `cause`: the frame whose arrival led to this one (default: the frame being
   * processed right now, if any).
   */
  transmit(dev: Dev, frame: EthernetRepr, cause?: number): number;
  /** Log a packet dropped inside host `hostId` before it reached any wire. Returns its capture number. */
  logInternalDrop(hostId: number, ip: Ipv4Repr, reason: string, code: DropCode): number;
  /** Annotate a logged frame as dropped by `hostId`. */
  markDropped(no: number, hostId: number, reason: string, code: DropCode): void;
  /** Attach an observation to a logged frame (not a drop: e.g. "RS1 ignored this ARP request: arp_ignore=1"). */
  note(no: number, hostId: number, text: string): void;
  /** A new lab-wide NIC id. */
  allocDevId(): number;
  /** Something in the network state changed (for UIs that redraw the topology). */
  changed(what: string, hostId: number): void;
}
