/**
 * Display filters for the capture view: the wire engineer's Wireshark-grammar compiler
 * (src/core/wire/filter.ts), bound to frame numbers. The view gives each frame its
 * conversation context (a StreamTracker's, with access to other frames' bytes) so that
 * reassembled HTTP and relative sequence numbers filter as they display.
 */
import type { DissectContext } from '../core/wire/dissect.ts';
import { compileFilter as compileWire, FILTER_FIELDS } from '../core/wire/filter.ts';
import type { FilterCheck } from './protocol.ts';

export type FramePredicate = (bytes: Uint8Array, no: number) => boolean;

export type Compiled = { ok: true; match: FramePredicate } | { ok: false; error: string; pos: number };

export { FILTER_FIELDS };

export function compileFilter(text: string, ctxOf?: (no: number) => DissectContext): Compiled {
  const r = compileWire(text);
  if (!r.ok) return { ok: false, error: r.error, pos: r.pos };
  const m = r.match;
  return { ok: true, match: ctxOf ? (b, no) => m(b, ctxOf(no)) : (b) => m(b) };
}

export function checkFilter(text: string): FilterCheck {
  const c = compileWire(text);
  return c.ok ? { ok: true } : { ok: false, error: c.error, pos: c.pos };
}
