/**
 * A saved or shared lab: which preset it started from, everything the student did (the
 * session journal: every command on every host, with its virtual time and scheduler step,
 * plus stdin, Ctrl-C, editor saves and topology edits), the guide's progress and the
 * topology layout. Replaying the journal in a fresh session of the same preset rebuilds the
 * lab exactly (src/shell/session.ts), so this is all a link or a file needs to carry.
 *
 * `validateShare` is the one gate for data from outside (a URL fragment, an imported file,
 * storage written by an older version): a hand-written check of every field's type,
 * length and range, building fresh objects so nothing unexpected (extra keys, `__proto__`)
 * gets through. It never evaluates anything; what it returns is plain data whose strings
 * must be shown as text (React text nodes, terminal output), never as HTML.
 *
 * The caps also bound what a hostile link can make the replay do: at most MAX_EVENTS
 * inputs, virtual time at most MAX_AT, and at most MAX_STEP scheduler steps.
 */
import type { InputEvent, TopologyOp } from '../shell/sessionApi.ts';

export const SHARE_VERSION = 1;

/** Guide progress as src/labs/guide.ts serializes it (GuideRunState). */
export interface GuideProgressState {
  readonly guide: string;
  readonly done: readonly { readonly frame: number; readonly time: number; readonly pollFrame: number; readonly pollTime: number; readonly traffic: boolean }[];
}

/** Node positions of the topology view (src/ui/topology/layout.ts SavedLayout). */
export type LayoutState = Readonly<Record<string, { readonly x: number; readonly y: number; readonly w?: number }>>;

export interface LabShare {
  readonly v: typeof SHARE_VERSION;
  /** The core preset the lab starts from (nat, dr, tun, fullnat, ha, blank). */
  readonly preset: string;
  /** The start page's lab id when it differs from the preset (a guided lesson). */
  readonly lab?: string;
  /** The lab's RNG seed when it is not the default. */
  readonly seed?: string;
  readonly journal: readonly InputEvent[];
  readonly guide?: GuideProgressState;
  readonly layout?: LayoutState;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

// ---- limits -------------------------------------------------------------------------------------

export const LIMITS = {
  /** Characters of a URL fragment's payload. */
  encodedChars: 16 * 1024,
  /** Bytes after decompression (the JSON text), and of an imported file. */
  decodedBytes: 64 * 1024,
  events: 10_000,
  /** One command line, stdin chunk or editor save. */
  textChars: 32 * 1024,
  /** Virtual time of the last input: a week. */
  maxAt: 7 * 24 * 3600 * 1e6,
  maxStep: 1e9,
  layoutNodes: 200,
  guideSteps: 500,
} as const;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const DEV = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,15}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const PRESET = /^[a-z][a-z0-9-]{0,31}$/;
const SEED = /^[\x20-\x7e]{1,64}$/;
const ROLE = /^[a-z]{1,16}$/;

// ---- validation -----------------------------------------------------------------------------------

class Invalid extends Error {}

function fail(where: string, what: string): never { throw new Invalid(`${where}: ${what}`); }

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function str(x: unknown, where: string, re?: RegExp, max: number = LIMITS.textChars): string {
  if (typeof x !== 'string') fail(where, 'not a string');
  if (x.length > max) fail(where, 'too long');
  if (re && !re.test(x)) fail(where, 'not allowed');
  return x;
}

function int(x: unknown, where: string, min: number, max: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) fail(where, 'not an integer');
  if (x < min || x > max) fail(where, 'out of range');
  return x;
}

function num(x: unknown, where: string, min: number, max: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) fail(where, 'not a number');
  if (x < min || x > max) fail(where, 'out of range');
  return x;
}

function bool(x: unknown, where: string): boolean {
  if (typeof x !== 'boolean') fail(where, 'not a boolean');
  return x;
}

/** Only these keys (catches typos and smuggled fields). */
function keys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(where, `unexpected field "${k.slice(0, 20)}"`);
}

export function validateTopologyOp(x: unknown, where: string): TopologyOp {
  if (!isObj(x)) fail(where, 'not an object');
  const op = str(x.op, `${where}.op`, /^[a-zA-Z]{1,16}$/);
  const host = () => str(x.host, `${where}.host`, NAME);
  const dev = () => str(x.dev, `${where}.dev`, DEV);
  const seg = () => str(x.segment, `${where}.segment`, NAME);
  const only = (...k: string[]) => keys(x, ['op', ...k], where);
  switch (op) {
    case 'power': only('host', 'on'); return { op, host: host(), on: bool(x.on, `${where}.on`) };
    case 'cable': only('host', 'dev', 'plugged'); return { op, host: host(), dev: dev(), plugged: bool(x.plugged, `${where}.plugged`) };
    case 'addHost': only('host', 'role'); return { op, host: host(), role: str(x.role, `${where}.role`, ROLE) };
    case 'removeHost': only('host'); return { op, host: host() };
    case 'addNic': only('host', 'dev', 'segment'); return { op, host: host(), dev: dev(), segment: seg() };
    case 'removeNic': only('host', 'dev'); return { op, host: host(), dev: dev() };
    case 'connect': only('host', 'dev', 'segment'); return { op, host: host(), dev: dev(), segment: x.segment === null ? null : seg() };
    case 'addSegment': only('segment'); return { op, segment: seg() };
    case 'removeSegment': only('segment'); return { op, segment: seg() };
    case 'rename': only('host', 'to'); return { op, host: host(), to: str(x.to, `${where}.to`, NAME) };
    default: return fail(`${where}.op`, 'unknown operation');
  }
}

/** Check one journal entry and rebuild it from the fields it may have. */
export function validateEvent(x: unknown, where: string): InputEvent {
  if (!isObj(x)) fail(where, 'not an object');
  const kind = str(x.kind, `${where}.kind`, /^[a-z]{1,16}$/);
  const at = int(x.at, `${where}.at`, 0, LIMITS.maxAt);
  const step = int(x.step, `${where}.step`, 0, LIMITS.maxStep);
  switch (kind) {
    case 'line': case 'stdin':
      keys(x, ['kind', 'host', 'text', 'at', 'step'], where);
      return { kind, host: str(x.host, `${where}.host`, NAME), text: str(x.text, `${where}.text`), at, step };
    case 'interrupt':
      keys(x, ['kind', 'host', 'at', 'step'], where);
      return { kind, host: str(x.host, `${where}.host`, NAME), at, step };
    case 'edit':
      keys(x, ['kind', 'host', 'content', 'at', 'step'], where);
      return { kind, host: str(x.host, `${where}.host`, NAME), content: x.content === null ? null : str(x.content, `${where}.content`), at, step };
    case 'topology':
      keys(x, ['kind', 'op', 'at', 'step'], where);
      return { kind, op: validateTopologyOp(x.op, `${where}.op`), at, step };
    default: return fail(`${where}.kind`, 'unknown kind');
  }
}

export function validateJournal(x: unknown, where = 'journal', maxEvents: number = LIMITS.events): InputEvent[] {
  if (!Array.isArray(x)) fail(where, 'not a list');
  if (x.length > maxEvents) fail(where, 'too many inputs');
  const out: InputEvent[] = [];
  let at = 0;
  let step = 0;
  for (let i = 0; i < x.length; i++) {
    const e = validateEvent(x[i], `${where}[${i}]`);
    // The session's clock and step counter only go forward.
    if (e.at < at || e.step < step) fail(`${where}[${i}]`, 'goes back in time');
    at = e.at;
    step = e.step;
    out.push(e);
  }
  return out;
}

function validateGuide(x: unknown, where: string): GuideProgressState {
  if (!isObj(x)) fail(where, 'not an object');
  keys(x, ['guide', 'done'], where);
  const guide = str(x.guide, `${where}.guide`, ID);
  if (!Array.isArray(x.done)) fail(`${where}.done`, 'not a list');
  if (x.done.length > LIMITS.guideSteps) fail(`${where}.done`, 'too many steps');
  const done = x.done.map((d, i) => {
    const w = `${where}.done[${i}]`;
    if (!isObj(d)) fail(w, 'not an object');
    keys(d, ['frame', 'time', 'pollFrame', 'pollTime', 'traffic'], w);
    return {
      frame: int(d.frame, `${w}.frame`, -1, 1e12), time: int(d.time, `${w}.time`, 0, LIMITS.maxAt * 2),
      pollFrame: int(d.pollFrame, `${w}.pollFrame`, -1, 1e12), pollTime: int(d.pollTime, `${w}.pollTime`, 0, LIMITS.maxAt * 2),
      traffic: bool(d.traffic, `${w}.traffic`),
    };
  });
  return { guide, done };
}

function validateLayout(x: unknown, where: string): LayoutState {
  if (!isObj(x)) fail(where, 'not an object');
  const names = Object.keys(x);
  if (names.length > LIMITS.layoutNodes) fail(where, 'too many nodes');
  const out: Record<string, { x: number; y: number; w?: number }> = Object.create(null);
  for (const n of names) {
    const w = `${where}.${n.slice(0, 20)}`;
    str(n, w, NAME);
    const p = x[n];
    if (!isObj(p)) fail(w, 'not an object');
    keys(p, ['x', 'y', 'w'], w);
    const pos: { x: number; y: number; w?: number } = { x: num(p.x, `${w}.x`, -1e6, 1e6), y: num(p.y, `${w}.y`, -1e6, 1e6) };
    if (p.w !== undefined) pos.w = num(p.w, `${w}.w`, 0, 1e5);
    out[n] = pos;
  }
  return { ...out };
}

export interface ValidateOptions {
  /** Presets this build knows; others are refused. Absent: any well-formed name. */
  readonly presets?: readonly string[];
  /** Most journal entries accepted (LIMITS.events for links; storage allows more). */
  readonly maxEvents?: number;
}

/** Check a whole share (the decoded URL, an imported file, a stored save). */
export function validateShare(x: unknown, o: ValidateOptions = {}): Result<LabShare> {
  try {
    if (!isObj(x)) fail('lab', 'not an object');
    keys(x, ['v', 'preset', 'lab', 'seed', 'journal', 'guide', 'layout'], 'lab');
    if (x.v !== SHARE_VERSION) fail('lab.v', typeof x.v === 'number' && x.v > SHARE_VERSION ? 'made by a newer version of the lab' : 'unknown version');
    const preset = str(x.preset, 'lab.preset', PRESET);
    if (o.presets && !o.presets.includes(preset)) fail('lab.preset', 'unknown lab');
    const share: { -readonly [K in keyof LabShare]: LabShare[K] } = { v: SHARE_VERSION, preset, journal: validateJournal(x.journal, 'lab.journal', o.maxEvents) };
    if (x.lab !== undefined) share.lab = str(x.lab, 'lab.lab', ID);
    if (x.seed !== undefined) share.seed = str(x.seed, 'lab.seed', SEED);
    if (x.guide !== undefined) share.guide = validateGuide(x.guide, 'lab.guide');
    if (x.layout !== undefined) share.layout = validateLayout(x.layout, 'lab.layout');
    return { ok: true, value: share };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: `This lab link or file is not valid (${e.message}).` };
    return { ok: false, error: 'This lab link or file is not valid.' };
  }
}
