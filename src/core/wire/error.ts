/**
 * What a codec returns instead of throwing when bytes do not decode (smoltcp's `Error`).
 *
 * Parsing untrusted bytes never throws: a `parseX` returns either a Repr or a `WireError`,
 * and `parseFrame` turns a failed layer into a `RawRepr` holding that layer's bytes.
 */

export type WireErrorReason =
  | 'truncated'    // fewer bytes than the header (or its length fields) need
  | 'malformed'    // a length or version field that cannot be right
  | 'checksum'     // only when checksum verification was asked for
  | 'unsupported'; // a well-formed header the lab does not model (hardware type, VRRPv3…)

export interface WireError {
  readonly kind: 'error';
  readonly layer: string;
  readonly reason: WireErrorReason;
  readonly detail: string;
}

export function wireError(layer: string, reason: WireErrorReason, detail: string): WireError {
  return { kind: 'error', layer, reason, detail };
}

export function isWireError(x: unknown): x is WireError {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'error';
}

export interface ParseOptions {
  /**
   * Reject a layer whose checksum is wrong (it becomes raw bytes). Off by default: the capture
   * pane wants to show a packet with a bad checksum as what it is, and says "Bad" itself.
   */
  readonly verifyChecksums?: boolean;
}
