/**
 * The message protocol between the page (main thread) and the lab worker.
 *
 * The worker owns the Lab and its LabSession; the page owns only what it draws. Messages
 * are plain structured-clone data, typed both ways:
 *  - `ToWorker`: commands (fire and forget) and requests (`req`, answered by a `res` with
 *    the same id). Requests are how the page pulls what it shows on demand — the packet
 *    rows in view, one frame's dissection, a TCP stream — so nothing scales with the size of
 *    the capture except what is on screen.
 *  - `FromWorker`: terminal output and prompts (the TerminalSink, forwarded), periodic
 *    `status` (clock, counters, busy hosts), snapshots that change rarely (topology, IPVS
 *    tables, scheduler decisions; sent only when they changed), `hops` for the animation
 *    (only while animating), and `view` when the capture view's length changes.
 *
 * What it deliberately leaves out: no shared memory (SharedArrayBuffer needs cross-origin
 * isolation headers a static host may not send) and no transfer of the capture itself.
 */
import type { EditTarget } from '../editor/fileTarget.ts';
import type { Bi, PlaygroundPreset } from '../labs/types.ts';
import type { Choice, ChallengeField, DirectorAction, Endpoints, FieldResult } from '../labs/challenge.ts';
import type { Pick, PlayDest, SchedulerInfo, SchedulerName } from '../labs/playground.ts';
import type { InputEvent, TopologyOp } from '../shell/sessionApi.ts';
import type { KeepalivedSnapshot } from './keepalivedTypes.ts';

// ---- shared data shapes ---------------------------------------------------------------------

export type HostRoleName = 'client' | 'director' | 'realserver' | 'router' | 'gateway' | 'host';

export interface NicInfo {
  readonly id: number;
  readonly name: string;
  readonly mac: string;
  /** "192.168.1.100/24", primary first. */
  readonly addrs: readonly string[];
  readonly segment: number | null;
  readonly up: boolean;
  readonly carrier: boolean;
}

export interface HostInfo {
  readonly id: number;
  readonly name: string;
  readonly role: HostRoleName;
  readonly powered: boolean;
  /** Has a bash (the VMware NAT gateway has none). */
  readonly shell: boolean;
  readonly nics: readonly NicInfo[];
}

export interface SegmentInfo {
  readonly id: number;
  readonly name: string;
  readonly kind: 'nat' | 'hostonly' | 'custom';
  /** Networks of the addresses on it ("192.168.137.0/24"). */
  readonly nets: readonly string[];
}

export interface TopologySnapshot {
  readonly version: number;
  readonly preset: string;
  readonly segments: readonly SegmentInfo[];
  readonly hosts: readonly HostInfo[];
}

export interface IpvsDestInfo {
  readonly addr: string;          // "192.168.137.130:80"
  readonly fwd: string;           // Masq | Route | Tunnel | FullNat | Local
  readonly weight: number;
  readonly active: number;
  readonly inact: number;
}

export interface IpvsServiceInfo {
  readonly proto: string;         // TCP | UDP | FWM
  readonly addr: string;          // "192.168.1.100:80" or the fwmark
  readonly sched: string;
  readonly flags: string;         // "persistent 300" …
  readonly dests: readonly IpvsDestInfo[];
}

/** One scheduling decision, with the numbers the scheduler compared. */
export interface SchedDecision {
  readonly seq: number;
  readonly time: number;          // virtual µs
  readonly host: string;          // the director
  readonly service: string;       // "TCP 192.168.1.100:80"
  readonly sched: string;         // "wlc"
  readonly client: string;        // "192.168.1.111:40312"
  readonly chosen: string | null; // "192.168.137.130:80", null when no dest was available
  /** "wlc: RS1 (0*256+3)/1 = 3, RS2 (0*256+4)/1 = 4 → RS1" */
  readonly text: string;
  /** Per-candidate numbers, when the engine exposes them. */
  readonly candidates?: readonly { readonly dest: string; readonly value: string; readonly chosen: boolean }[];
}

export interface IpvsSnapshot {
  /** Director host name → its table (hosts without IPVS are absent). */
  readonly tables: Readonly<Record<string, readonly IpvsServiceInfo[]>>;
  /** The most recent decisions, oldest first. */
  readonly decisions: readonly SchedDecision[];
  /** False until the IPVS core exposes a table (`host.ext.ipvs`). */
  readonly available: boolean;
}

/** Protocol classes, for colour (the legend lists them in this order). */
export type ProtoClass = 'arp' | 'icmp' | 'tcp' | 'http' | 'ipip' | 'udp' | 'vrrp' | 'tls' | 'other';
export const PROTO_CLASSES: readonly ProtoClass[] = ['arp', 'icmp', 'tcp', 'http', 'tls', 'ipip', 'udp', 'vrrp', 'other'];

/** One row of the packet list (Wireshark's columns plus what the flow graph needs). */
export interface PacketRow {
  readonly no: number;
  /** Virtual µs since the lab started. */
  readonly time: number;
  readonly seg: number;
  readonly src: string;
  readonly dst: string;
  readonly protocol: string;
  readonly length: number;
  readonly info: string;
  readonly cls: ProtoClass;
  /** Sending host id (-1 unknown) and receiving host id (-1: broadcast / nobody). */
  readonly fromHost: number;
  readonly toHost: number;
  /** Drop reason, with the host that dropped it. */
  readonly drop?: string;
  /** The flow graph's arrow text: "40312 → 80 [SYN]". */
  readonly flow: string;
}

/** What a frame looks like at one hop, for the animation. */
export interface Hop {
  readonly no: number;
  readonly time: number;
  readonly seg: number;
  readonly fromHost: number;
  readonly fromNic: number;
  /** Receiving NIC ids (several for a broadcast); empty when nobody took it. */
  readonly toNics: readonly number[];
  readonly cls: ProtoClass;
  /** "TCP SYN 192.168.1.111:40312 → 192.168.1.100:80" */
  readonly label: string;
  /** "00:0c:29:… → 00:0c:29:…" (shown on hover/expanded). */
  readonly macs: string;
  /** What the sending host changed compared with the frame it received ("dst IP 192.168.1.100 → 192.168.137.130"). */
  readonly rewrite?: string;
  readonly drop?: string;
}

export interface FieldNode {
  readonly name: string;
  readonly label: string;
  readonly range: readonly [number, number];
  readonly children?: readonly FieldNode[];
}

export interface LayerNode {
  readonly name: string;
  readonly abbrev: string;
  readonly summary: string;
  readonly range: readonly [number, number];
  readonly fields: readonly FieldNode[];
}

export interface FrameDetail {
  readonly no: number;
  readonly time: number;
  readonly segName: string;
  readonly bytes: Uint8Array;
  readonly layers: readonly LayerNode[];
  readonly problems: readonly string[];
  readonly drop?: string;
  readonly notes: readonly string[];
}

export interface StreamChunk { readonly fromClient: boolean; readonly text: string; readonly no: number }
export interface TcpStream {
  readonly title: string;          // "192.168.1.111:40312 → 192.168.1.100:80"
  readonly chunks: readonly StreamChunk[];
  /** Display filter selecting the stream's frames. */
  readonly filter: string;
}

/** Where the capture listens: every network, one network, or one host's interface. */
export type CapturePoint =
  | { readonly kind: 'all' }
  | { readonly kind: 'segment'; readonly segment: string }
  | { readonly kind: 'nic'; readonly host: string; readonly nic: string };

export type FilterCheck = { readonly ok: true } | { readonly ok: false; readonly error: string; readonly pos: number };

/** How the virtual clock runs. */
export interface ClockMode {
  /** Animate frames: the simulation is slowed so every hop can be watched. */
  readonly animate: boolean;
  /** Paused (animate mode only): the lab stops until play or step. */
  readonly paused: boolean;
  /** Animation speed factor (0.25 … 4). */
  readonly speed: number;
}

export interface Status {
  /** Virtual µs. */
  readonly now: number;
  readonly frames: number;
  /** Frames evicted from the capture ring. */
  readonly evicted: number;
  readonly busy: readonly string[];
  /** Time travel: the frame the lab was restored to (null = live). */
  readonly travelAt: number | null;
  /** The newest frame that exists in the journal's future (when travelling). */
  readonly travelEnd: number | null;
  readonly mode: ClockMode;
  /** Which session implementation drives the shells ("session" or "mock"). */
  readonly engine: string;
}

// ---- page → worker ---------------------------------------------------------------------------

export type Query =
  | { readonly q: 'complete'; readonly host: string; readonly line: string; readonly cursor: number }
  /** Enter at a prompt: submits `text` unless it needs a continuation line (then answers true). */
  | { readonly q: 'enter'; readonly host: string; readonly text: string }
  | { readonly q: 'rows'; readonly from: number; readonly to: number; readonly gen: number }
  | { readonly q: 'detail'; readonly no: number }
  | { readonly q: 'stream'; readonly no: number }
  | { readonly q: 'pcapng' }
  | { readonly q: 'checkFilter'; readonly text: string }
  /** Index in the current view of frame `no` (or of the nearest frame after it); -1 if none. */
  | { readonly q: 'indexOf'; readonly no: number }
  | { readonly q: 'journal' }
  | LabsQuery;

export interface QueryResult {
  complete: { replaceFrom: number; candidates: string[] };
  enter: { more: boolean };
  rows: { gen: number; from: number; rows: PacketRow[] };
  detail: FrameDetail | null;
  stream: TcpStream | null;
  pcapng: Uint8Array;
  checkFilter: FilterCheck;
  indexOf: number;
  journal: readonly InputEvent[];
  guides: readonly GuideSummary[];
  guideImport: { readonly ok: true; readonly guide: GuideSummary } | { readonly ok: false; readonly errors: readonly string[] };
  playground: PlaygroundState;
  challengeNext: ChallengeView | { readonly none: Bi };
  challengeCheck: ChallengeResultView | null;
  share: { readonly ok: true; readonly url: string; readonly chars: number } | { readonly ok: false; readonly error: string };
  persist: PersistAnswer;
}

export type ToWorker =
  | {
    readonly t: 'init'; readonly preset: string; readonly journal?: readonly InputEvent[];
    /** The lab's key for saving (the start page's lab id): restore its autosave, and autosave from now on. */
    readonly labKey?: string;
    /** A shared lab's URL fragment token (`#lab=…`), decoded and checked by the worker; it wins over the autosave. */
    readonly link?: string;
  }
  | { readonly t: 'stdin'; readonly host: string; readonly text: string }
  | { readonly t: 'interrupt'; readonly host: string }
  | { readonly t: 'finishEdit'; readonly host: string; readonly content: string | null }
  | { readonly t: 'topology'; readonly op: TopologyOp }
  | { readonly t: 'mode'; readonly mode: Partial<ClockMode> }
  /** Animate mode: let the lab run until one more frame is on a wire. */
  | { readonly t: 'step' }
  /** Restore the lab as it was right after frame `no` (deterministic replay); null = back to live. */
  | { readonly t: 'travel'; readonly no: number | null }
  | { readonly t: 'view'; readonly point: CapturePoint; readonly filter: string }
  /** Bench/test hook: log `count` synthetic frames (copies of real ones) to fill the capture. */
  | { readonly t: 'synth'; readonly count: number }
  | { readonly t: 'req'; readonly id: number; readonly query: Query }
  | LabsCommand;

// ---- worker → page ---------------------------------------------------------------------------

export type FromWorker =
  | {
    readonly t: 'ready'; readonly preset: string; readonly shells: readonly string[]; readonly topology: TopologySnapshot; readonly engine: string;
    /** When the worker got `init` and finished building the lab (its performance clock and timeOrigin), for diagnostics. */
    readonly timing?: { readonly origin: number; readonly init: number; readonly built: number };
    /** The lab was rebuilt from a journal (autosave, link, undo, snapshot, import), or a link could not be opened. */
    readonly restored?: Restored;
  }
  | { readonly t: 'out'; readonly host: string; readonly data: string }
  | { readonly t: 'prompt'; readonly host: string; readonly prompt: string }
  | { readonly t: 'clear'; readonly host: string }
  | { readonly t: 'edit'; readonly host: string; readonly path: string; readonly content: string; readonly mode: 'vi' | 'nano'; readonly target?: EditTarget }
  /** A rebuilt lab's terminal, as it was: everything shown so far and the prompt it ends at (null: a command is running). */
  | { readonly t: 'replayed'; readonly host: string; readonly text: string; readonly prompt: string | null }
  | { readonly t: 'status'; readonly status: Status }
  | { readonly t: 'topology'; readonly topology: TopologySnapshot; readonly shells?: readonly string[] }
  | { readonly t: 'ipvs'; readonly ipvs: IpvsSnapshot }
  /** keepalived on the hosts running it (VRRP state, checker verdicts); sent when it changed. */
  | { readonly t: 'keepalived'; readonly keepalived: KeepalivedSnapshot }
  | { readonly t: 'hops'; readonly hops: readonly Hop[] }
  /** The capture view changed: `count` rows; `gen` changes when rows were renumbered (new filter/point/travel). */
  | { readonly t: 'view'; readonly count: number; readonly gen: number }
  | { readonly t: 'res'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: 'res'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly t: 'error'; readonly message: string }
  | LabsEvent;

export type QueryName = Query['q'];
export type QueryOf<N extends QueryName> = Extract<Query, { q: N }>;

// ---- guided labs, findings, challenge, playground, saving (the issue "Guided labs …") -------------

/** A guide in the picker. */
export interface GuideSummary {
  readonly id: string;
  readonly title: Bi;
  readonly summary: Bi;
  readonly preset: string;
  readonly picture: string;
  readonly level?: string;
  readonly minutes?: number;
  readonly steps: number;
  /** Shipped with the lab (false: a teacher's file). */
  readonly builtin: boolean;
}

/** What "show me" does: type into a host's terminal, or a hardware change. */
export type GuideAction = { readonly host: string; readonly run: string } | { readonly topology: TopologyOp };

export interface GuideStepView {
  readonly id: string;
  readonly title: Bi;
  /** Markdown-lite (`code`, **bold**, `- ` lists, blank-line paragraphs): rendered as text, never as HTML. */
  readonly explain: Bi;
  readonly hint: Bi;
  readonly actions: readonly GuideAction[];
  readonly checked: boolean;
  readonly playground?: PlaygroundPreset;
}

/** A guide with its texts resolved for this lab (placeholders filled), both languages. */
export interface GuideView {
  readonly id: string;
  readonly title: Bi;
  readonly summary: Bi;
  readonly picture: string;
  readonly preset: string;
  readonly builtin: boolean;
  readonly steps: readonly GuideStepView[];
}

export interface GuideStepState {
  readonly state: 'done' | 'current' | 'todo';
  /** The check's latest finding (the current step) or what completed it. */
  readonly detail?: Bi;
  readonly ok?: boolean;
  /** Frames that prove it (traffic checks). */
  readonly frames?: readonly number[];
  readonly doneAt?: { readonly frame: number; readonly time: number };
}

export interface GuideProgressView {
  readonly guide: string;
  readonly steps: readonly GuideStepState[];
  readonly current: number;
  readonly complete: boolean;
}

/** A misconfiguration the detector found (src/labs/detector.ts), and whether the lab is fixed now. */
export interface FindingView {
  readonly id: number;
  readonly kind: string;
  readonly frame: number;
  readonly role: 'cause' | 'effect';
  readonly related: readonly number[];
  readonly host: string;
  readonly title: Bi;
  readonly what: Bi;
  readonly fix: { readonly host: string; readonly commands: readonly string[]; readonly why: Bi };
  /** The lab's state no longer has the problem (checked after every command). */
  readonly resolved: boolean;
}

/** Challenge mode: the frame arriving at the director; the answer stays in the worker until checked. */
export interface ChallengeView {
  readonly id: number;
  readonly director: string;
  readonly frame: number;
  readonly segmentIn: string;
  readonly segmentOut: string;
  readonly given: Endpoints;
  readonly ask: readonly ChallengeField[];
  readonly choices: { readonly mac: readonly Choice[]; readonly ip: readonly Choice[] };
}

export interface ChallengeResultView {
  readonly id: number;
  readonly correct: boolean;
  readonly score: number;
  readonly total: number;
  readonly fields: readonly FieldResult[];
  readonly explain: Bi;
  readonly action: DirectorAction;
  readonly answer: Endpoints;
  readonly answerFrame: number;
}

export type PlaygroundOp =
  | { readonly op: 'state' }
  | { readonly op: 'reset'; readonly preset?: PlaygroundPreset }
  | { readonly op: 'scheduler'; readonly name: SchedulerName; readonly flags?: readonly string[] }
  | { readonly op: 'add'; readonly name: string; readonly addr: string; readonly weight: number }
  | { readonly op: 'remove'; readonly name: string }
  | { readonly op: 'set'; readonly name: string; readonly weight?: number; readonly active?: number; readonly inactive?: number; readonly overloaded?: boolean }
  | { readonly op: 'fire'; readonly count: number; readonly keep: 'active' | 'inactive'; readonly clients?: readonly string[] }
  | { readonly op: 'close'; readonly name: string }
  | { readonly op: 'clear' };

export interface PlaygroundState {
  readonly scheduler: SchedulerName;
  readonly flags: readonly string[];
  readonly dests: readonly PlayDest[];
  readonly info: SchedulerInfo;
  /** Connections fired by this operation (fire), else empty. */
  readonly picks: readonly Pick[];
  readonly error?: string;
}

export interface SnapshotView { readonly id: string; readonly name: string; readonly time: number; readonly events: number; readonly at: number }

export type PersistOp =
  | { readonly op: 'reset' }
  | { readonly op: 'undo' }
  | { readonly op: 'snapshots' }
  | { readonly op: 'snapshot'; readonly name: string }
  | { readonly op: 'rollback'; readonly id: string }
  | { readonly op: 'deleteSnapshot'; readonly id: string }
  | { readonly op: 'export' }
  | { readonly op: 'import'; readonly text: string };

export interface PersistAnswer {
  readonly ok: boolean;
  readonly error?: string;
  readonly snapshots?: readonly SnapshotView[];
  readonly canUndo?: boolean;
  readonly file?: { readonly name: string; readonly text: string };
  /** import: the preset and lab key of the file's lab (the page moves there when it is another lab). */
  readonly labKey?: string;
  /** Where saves go ("indexeddb", "localstorage", "memory", "none"). */
  readonly storage?: string;
}

export interface Restored {
  readonly from: 'saved' | 'link' | 'undo' | 'snapshot' | 'import' | 'reset';
  /** The link or save could not be used: the plain reason (the lab starts fresh). */
  readonly error?: string;
  /** The lab key the rebuilt lab belongs to. */
  readonly labKey?: string;
  readonly layout?: Readonly<Record<string, { readonly x: number; readonly y: number; readonly w?: number }>>;
  /** Inputs replayed. */
  readonly events: number;
}

export type LabsQuery =
  | { readonly q: 'guides' }
  | { readonly q: 'guideImport'; readonly text: string }
  | { readonly q: 'playground'; readonly op: PlaygroundOp }
  | { readonly q: 'challengeNext' }
  | { readonly q: 'challengeCheck'; readonly id: number; readonly guess: Partial<Record<ChallengeField, string>> }
  | { readonly q: 'share'; readonly base: string }
  | { readonly q: 'persist'; readonly op: PersistOp };

export type LabsCommand =
  /** Follow a guide (null: none). `restart` forgets its progress. */
  | { readonly t: 'guide'; readonly id: string | null; readonly restart?: boolean }
  /** The topology's arrangement, kept with saves and links. */
  | { readonly t: 'layout'; readonly layout: Readonly<Record<string, { readonly x: number; readonly y: number; readonly w?: number }>> | null }
  /** Leave challenge mode (back to the live lab). */
  | { readonly t: 'challengeEnd' };

export type LabsEvent =
  | { readonly t: 'guide'; readonly guide: GuideView | null }
  | { readonly t: 'progress'; readonly progress: GuideProgressView | null }
  | { readonly t: 'findings'; readonly findings: readonly FindingView[] }
  /** The lab was saved (autosave after a command): virtual time of its last input. */
  | { readonly t: 'saved'; readonly events: number; readonly storage: string };
