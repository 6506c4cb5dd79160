/**
 * Share by URL: a lab (LabShare) packed into a URL fragment, and the JSON file format of
 * export/import. The fragment never reaches a server (browsers do not send it), so a shared
 * lab stays between the people who pass the link.
 *
 * Fragment token: `1.` + base64url(deflate-raw(JSON of the compact form)), compressed with
 * fflate at level 9. The compact form is a tuple `[v, preset, hosts, events, extra]`: host
 * names go in a table, and each event is `[kind, host, Δat, Δstep, text]` with times and
 * steps as differences from the previous event (they only go forward), which is what makes
 * a journal small. deflate-raw was measured against lz-string's
 * compressToEncodedURIComponent on the seed's NAT lab (share.test.ts prints both) and came
 * out smaller; it also decompresses in a stream, so the 64 KB cap is enforced while
 * inflating (a "zip bomb" stops after 64 KB instead of filling memory).
 *
 * Decoding checks, in order: the token's length (16 KB) and alphabet, base64url, inflate
 * with the size cap, strict UTF-8, JSON, the compact form's shape, then validateShare.
 * Every failure is a plain `{ ok: false, error }` with a sentence for the user: nothing is
 * thrown, nothing is evaluated, nothing is rendered.
 */
import { deflateSync, Inflate } from 'fflate';
import type { InputEvent, TopologyOp } from '../shell/sessionApi.ts';
import { LIMITS, SHARE_VERSION, validateShare, type LabShare, type Result, type ValidateOptions } from './schema.ts';

const TOKEN_VERSION = '1';
/** The fragment parameter the page uses: `https://…/#lab=1.eJyr…`. */
export const FRAGMENT_KEY = 'lab';

// ---- compact form -----------------------------------------------------------------------------

const KIND = ['line', 'stdin', 'interrupt', 'edit', 'topology'] as const;

type CompactEvent = (string | number | null | TopologyOp)[];

/** The tuple form (smaller JSON than the objects). */
export function toCompact(s: LabShare): unknown[] {
  const hosts: string[] = [];
  const hostIx = (h: string) => {
    let i = hosts.indexOf(h);
    if (i < 0) { i = hosts.length; hosts.push(h); }
    return i;
  };
  let at = 0;
  let step = 0;
  const events: CompactEvent[] = s.journal.map((e) => {
    const k = KIND.indexOf(e.kind);
    const dAt = e.at - at;
    const dStep = e.step - step;
    at = e.at;
    step = e.step;
    switch (e.kind) {
      case 'line': case 'stdin': return [k, hostIx(e.host), dAt, dStep, e.text];
      case 'interrupt': return [k, hostIx(e.host), dAt, dStep];
      case 'edit': return [k, hostIx(e.host), dAt, dStep, e.content];
      case 'topology': return [k, -1, dAt, dStep, e.op];
    }
  });
  const extra: Record<string, unknown> = {};
  if (s.lab !== undefined) extra.l = s.lab;
  if (s.seed !== undefined) extra.s = s.seed;
  if (s.guide !== undefined) extra.g = s.guide;
  if (s.layout !== undefined) extra.y = s.layout;
  return Object.keys(extra).length ? [s.v, s.preset, hosts, events, extra] : [s.v, s.preset, hosts, events];
}

/** Back from the tuple form to a LabShare-shaped object (validated by the caller). */
function fromCompact(c: unknown): unknown {
  if (!Array.isArray(c) || c.length < 4 || c.length > 5) throw new Error('not a lab');
  const [v, preset, hosts, events, extra] = c;
  if (!Array.isArray(hosts) || hosts.length > 256 || !hosts.every((h) => typeof h === 'string')) throw new Error('bad host table');
  if (!Array.isArray(events) || events.length > LIMITS.events) throw new Error('bad journal');
  let at = 0;
  let step = 0;
  const journal = events.map((e): Record<string, unknown> => {
    if (!Array.isArray(e) || e.length < 4 || e.length > 5) throw new Error('bad event');
    const [k, h, dAt, dStep, payload] = e;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= KIND.length) throw new Error('bad event kind');
    if (typeof dAt !== 'number' || typeof dStep !== 'number') throw new Error('bad event time');
    at += dAt;
    step += dStep;
    const kind = KIND[k];
    if (kind === 'topology') return { kind, op: payload, at, step };
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h >= hosts.length) throw new Error('bad host');
    const host = hosts[h];
    if (kind === 'interrupt') return { kind, host, at, step };
    if (kind === 'edit') return { kind, host, content: payload, at, step };
    return { kind, host, text: payload, at, step };
  });
  const out: Record<string, unknown> = { v, preset, journal };
  if (extra !== undefined) {
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) throw new Error('bad extras');
    const x = extra as Record<string, unknown>;
    for (const key of Object.keys(x)) if (!['l', 's', 'g', 'y'].includes(key)) throw new Error('bad extras');
    if (x.l !== undefined) out.lab = x.l;
    if (x.s !== undefined) out.seed = x.s;
    if (x.g !== undefined) out.guide = x.g;
    if (x.y !== undefined) out.layout = x.y;
  }
  return out;
}

// ---- base64url -----------------------------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

export function toBase64url(b: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    s += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  if (i < b.length) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8);
    s += B64[n >> 18] + B64[(n >> 12) & 63];
    if (i + 1 < b.length) s += B64[(n >> 6) & 63];
  }
  return s;
}

/** Decode base64url without padding; null for a character outside the alphabet or a bad length. */
export function fromBase64url(s: string): Uint8Array | null {
  if (s.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c] : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

// ---- deflate with a cap --------------------------------------------------------------------------

/** Inflate `data`, giving up as soon as the output passes `cap` bytes. */
export function inflateCapped(data: Uint8Array, cap: number): Uint8Array | 'too-big' | 'corrupt' {
  const parts: Uint8Array[] = [];
  let total = 0;
  let tooBig = false;
  let finished = false;
  const inf = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > cap) { tooBig = true; throw new RangeError('cap'); }
    parts.push(chunk.slice());
    if (final) finished = true;
  });
  try {
    const CH = 512;
    for (let i = 0; i < data.length; i += CH) inf.push(data.subarray(i, i + CH), i + CH >= data.length);
    if (data.length === 0) inf.push(new Uint8Array(0), true);
  } catch {
    return tooBig ? 'too-big' : 'corrupt';
  }
  if (!finished) return 'corrupt';
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// ---- the fragment ---------------------------------------------------------------------------------

const utf8 = new TextEncoder();

/** The fragment token for a lab (`1.` + base64url). */
export function encodeShare(s: LabShare): string {
  const json = JSON.stringify(toCompact(s));
  return `${TOKEN_VERSION}.${toBase64url(deflateSync(utf8.encode(json), { level: 9, mem: 8 }))}`;
}

const BROKEN = 'This lab link is broken or incomplete (it may have been cut off when it was copied).';

/** Read a fragment token back into a lab; never throws. */
export function decodeShare(token: unknown, o: ValidateOptions = {}): Result<LabShare> {
  try {
    if (typeof token !== 'string') return { ok: false, error: BROKEN };
    if (token.length > LIMITS.encodedChars + 2) return { ok: false, error: 'This lab link is too long to open.' };
    const dot = token.indexOf('.');
    if (dot < 0) return { ok: false, error: BROKEN };
    const ver = token.slice(0, dot);
    if (ver !== TOKEN_VERSION) {
      return { ok: false, error: /^\d+$/.test(ver) && Number(ver) > Number(TOKEN_VERSION) ? 'This lab link was made by a newer version of the lab.' : BROKEN };
    }
    const bytes = fromBase64url(token.slice(dot + 1));
    if (!bytes || bytes.length === 0) return { ok: false, error: BROKEN };
    const raw = inflateCapped(bytes, LIMITS.decodedBytes);
    if (raw === 'too-big') return { ok: false, error: 'This lab link holds more than a lab may (64 KB).' };
    if (raw === 'corrupt') return { ok: false, error: BROKEN };
    return parseJsonShare(raw, o, true);
  } catch {
    return { ok: false, error: BROKEN };
  }
}

function parseJsonShare(raw: Uint8Array, o: ValidateOptions, compact: boolean): Result<LabShare> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return { ok: false, error: compact ? BROKEN : 'This file is not a saved lab (it is not UTF-8 text).' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: compact ? BROKEN : 'This file is not a saved lab (it is not JSON).' };
  }
  if (compact) {
    try { value = fromCompact(value); } catch { return { ok: false, error: BROKEN }; }
  } else if (typeof value === 'object' && value !== null && (value as Record<string, unknown>).format === FILE_FORMAT) {
    const { format: _format, ...rest } = value as Record<string, unknown>;
    value = rest;
  } else {
    return { ok: false, error: 'This file is not a saved lab.' };
  }
  return validateShare(value, o);
}

/** The page URL with the lab in its fragment (`base` without a fragment). */
export function shareUrl(base: string, s: LabShare): string {
  const i = base.indexOf('#');
  return `${i < 0 ? base : base.slice(0, i)}#${FRAGMENT_KEY}=${encodeShare(s)}`;
}

/** The lab in a `location.hash` (`#lab=1.…`), null when the fragment has none. */
export function readFragment(hash: string, o: ValidateOptions = {}): Result<LabShare> | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of h.split('&')) {
    if (part.startsWith(`${FRAGMENT_KEY}=`)) return decodeShare(part.slice(FRAGMENT_KEY.length + 1), o);
  }
  return null;
}

// ---- the file format -----------------------------------------------------------------------------

export const FILE_FORMAT = 'lvs-lab';

/** Export: readable JSON with the same fields (and checks) as a link, plus a format tag. */
export function shareToJson(s: LabShare): string {
  return JSON.stringify({ format: FILE_FORMAT, ...s }, null, 1) + '\n';
}

/** The largest file import accepts (a long session's journal). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Import: a file's text (or bytes) back into a lab; never throws. Files may hold longer journals than links. */
export function shareFromJson(data: string | Uint8Array, o: ValidateOptions & { maxBytes?: number } = {}): Result<LabShare> {
  const max = o.maxBytes ?? MAX_FILE_BYTES;
  if (typeof data === 'string' && data.length > max) return { ok: false, error: `This file is too large to be a saved lab (${Math.round(max / 1024)} KB at most).` };
  const raw = typeof data === 'string' ? utf8.encode(data) : data;
  if (raw.length > max) return { ok: false, error: `This file is too large to be a saved lab (${Math.round(max / 1024)} KB at most).` };
  return parseJsonShare(raw, { maxEvents: 200_000, ...o }, false);
}

/**
 * The link for the share button, or why there is none: a lab whose token passes the 16 KB
 * cap (a very long session) cannot be opened from a link, so the page offers Export instead.
 */
export function shareLink(base: string, s: LabShare): Result<string> {
  if (s.journal.length > LIMITS.events) return { ok: false, error: 'This lab is too long to share as a link; export it to a file instead.' };
  if (utf8.encode(JSON.stringify(toCompact(s))).length > LIMITS.decodedBytes) return { ok: false, error: 'This lab is too long to share as a link; export it to a file instead.' };
  const url = shareUrl(base, s);
  const token = url.slice(url.indexOf('#') + FRAGMENT_KEY.length + 2);
  if (token.length > LIMITS.encodedChars) return { ok: false, error: 'This lab is too long to share as a link; export it to a file instead.' };
  return { ok: true, value: url };
}

/** A share from a session's pieces (what the page collects for the share button). */
export function makeShare(preset: string, journal: readonly InputEvent[], extra: Omit<LabShare, 'v' | 'preset' | 'journal'> = {}): LabShare {
  return { v: SHARE_VERSION, preset, journal: [...journal], ...extra };
}
