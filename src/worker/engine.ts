/**
 * The lab worker's core: owns the Lab and its LabSession, runs them in short slices, and
 * answers the page (protocol.ts). Independent of `self`, so it runs in a Web Worker and in
 * tests alike: it takes a `post` function and a scheduler.
 *
 * Running: each slice lasts at most SLICE_MS of real time; between slices the event loop
 * delivers the page's messages, so Ctrl-C and typing are handled within one slice. The
 * virtual clock follows real time through a Pacer (short gaps between frames are skipped).
 * In animate mode a slice stops right after a frame is put on a wire and holds the lab for
 * the time the page needs to show that hop, so a student can follow every frame.
 *
 * Time travel: the session's journal of inputs (each with its virtual time and scheduler
 * step) is replayed into a fresh Lab up to the chosen frame (LabSession.replay); the lab is
 * deterministic, so the past lab carries the same frames, byte for byte. The live lab is kept aside and comes back unchanged on "live". Typing while
 * in the past continues from there (the old future is dropped, like a new branch).
 */
import { createLab } from '../core/lab/presets.ts';
import type { Lab } from '../core/lab/lab.ts';
import type { FrameRecord } from '../core/sim/frameLog.ts';
import { dissect, StreamTracker, type DissectContext, type Field, type Layer } from '../core/wire/dissect.ts';
import { writePcapng, type PcapFrame } from '../core/wire/pcapng.ts';
import { APP_HTTP, FrameScan, scanFrame } from '../core/wire/scan.ts';
import { get16, get32 } from '../core/wire/bytes.ts';
import { fmtIp } from '../core/wire/types.ts';
import { LabSession } from '../shell/session.ts';
import type { InputEvent, PumpResult, TerminalSink } from '../shell/sessionApi.ts';
import { takeEditTarget } from '../shell/commands/editor.ts';
import type { EditTarget } from '../editor/fileTarget.ts';
import type { KeyValueStore } from '../persist/storage.ts';
import { decodeShare, shareLink, shareToJson, makeShare } from '../share/codec.ts';
import type { LabShare } from '../share/schema.ts';
import type { GuideRunState } from '../labs/guide.ts';
import { LabsController, summaryOf } from './labs.ts';
import { Persist, PRESET_NAMES } from './persist.ts';
import { CaptureView, pointTest, type NicLookup } from './captureView.ts';
import { checkFilter } from './filter.ts';
import { Pacer } from './pacer.ts';
import type {
  CapturePoint, ClockMode, FieldNode, FrameDetail, FromWorker, Hop, LayerNode, PacketRow, Query, QueryResult,
  PersistAnswer, PersistOp, Restored, Status, StreamChunk, TcpStream, ToWorker,
} from './protocol.ts';
import { hopLabel, RewriteTracker, rowCore } from './rows.ts';
import { ipvsSnapshot, topologySnapshot } from './snapshot.ts';
import { keepalivedSnapshot } from './keepalivedSnapshot.ts';

export const SLICE_MS = 8;
/** Real time a hop is held on screen in animate mode at speed 1. */
export const HOP_MS = 650;
const STATUS_EVERY_MS = 100;
const IPVS_EVERY_MS = 200;
const MAX_HOPS_PER_POST = 400;

export interface EngineHost {
  post(msg: FromWorker, transfer?: Transferable[]): void;
  /** Run `fn` soon, after pending messages (MessageChannel in a worker). */
  soon(fn: () => void): void;
  /** Run `fn` after `ms`; returns a cancel function. */
  later(fn: () => void, ms: number): () => void;
  now(): number;
  /** Where saved labs go (IndexedDB in the browser); absent: nothing is saved. */
  store?: () => Promise<KeyValueStore>;
  /** Real time for snapshot names and export file names (ms since the epoch). */
  wallClock?: () => number;
}

/**
 * The session as the page uses it: while a journal is replayed into a fresh lab (a saved or
 * shared lab, undo, a snapshot), `echo` receives what the student typed, so the rebuilt
 * terminals show the typed lines as the line discipline echoed them.
 */
class PageSession extends LabSession {
  echo: Transcripts | null = null;
  override submit(host: string, line: string): void { this.echo?.typed(this.term(host)?.key ?? host, line.split('\n').join('\n> ') + '\n'); super.submit(host, line); }
  override feedStdin(host: string, text: string): void { this.echo?.typed(this.term(host)?.key ?? host, text); super.feedStdin(host, text); }
  override interrupt(host: string): void { this.echo?.typed(this.term(host)?.key ?? host, '^C'); super.interrupt(host); }
  override finishEdit(host: string, content: string | null): void { this.echo?.editDone(this.term(host)?.key ?? host); super.finishEdit(host, content); }
}

/** MAX_BUFFERED of the page's terminal registry: older text would be dropped there anyway. */
const MAX_TRANSCRIPT = 512 * 1024;

/** What each terminal showed while a journal was replayed (rebuilt scrollback). */
class Transcripts {
  readonly text = new Map<string, string>();
  readonly lastPrompt = new Map<string, string | null>();
  readonly edits = new Map<string, { path: string; content: string; mode: 'vi' | 'nano'; target?: EditTarget }>();
  private add(host: string, s: string): void {
    let t = (this.text.get(host) ?? '') + s;
    if (t.length > MAX_TRANSCRIPT * 1.25) t = t.slice(t.length - MAX_TRANSCRIPT);
    this.text.set(host, t);
  }
  begin(host: string, prompt: string): void { this.text.set(host, prompt); this.lastPrompt.set(host, prompt); }
  output(host: string, data: string): void {
    const p = this.lastPrompt.get(host);
    if (p) {
      // Output while the shell sits at its prompt (a job notice): the line discipline prints it above the prompt.
      const t = this.text.get(host) ?? '';
      this.text.set(host, t.endsWith(p) ? t.slice(0, t.length - p.length) : t);
      this.add(host, data.endsWith('\n') ? data : data + '\n');
      this.add(host, p);
      return;
    }
    this.add(host, data);
  }
  prompt(host: string, p: string): void { this.add(host, p); this.lastPrompt.set(host, p); }
  typed(host: string, s: string): void { this.add(host, s); this.lastPrompt.set(host, null); }
  clear(host: string): void { this.add(host, '\x1b[H\x1b[2J'); }
  edit(host: string, e: { path: string; content: string; mode: 'vi' | 'nano'; target?: EditTarget }): void { this.edits.set(host, e); }
  editDone(host: string): void { this.edits.delete(host); }
}

/** One Lab + session + what the page needs derived from its capture. */
export class World {
  readonly tracker = new StreamTracker();
  readonly rewrites = new RewriteTracker();
  readonly rewriteOf = new Map<number, string>();
  /** NIC id → host id. */
  readonly nicHost = new Map<number, number>();
  observed = 0;
  topoVersion = 0;
  /** The hosts with a shell the page knows about: id → name. */
  shells = new Map<number, string>();
  topoDirty = true;
  ipvsDirty = true;
  readonly unsubscribe: () => void;

  constructor(readonly lab: Lab, readonly session: LabSession, readonly engineName: string) {
    this.unsubscribe = lab.on((e) => {
      if (e.kind === 'topology' || e.what === 'link' || e.what === 'addr' || e.what === 'power' || e.what === 'hostname' || e.what === 'module') this.topoDirty = true;
      this.ipvsDirty = true;
    });
    this.mapNics();
    this.observed = lab.capture.firstNo - 1;
  }

  mapNics(): void {
    this.nicHost.clear();
    for (const h of this.lab.hosts) for (const d of h.devs.values()) this.nicHost.set(d.id, h.id);
  }

  /** Virtual time of the next thing due: a simulation event or a process's deadline (sleep, timeouts). */
  nextDue(): number {
    const u = this.session.procs.wakeCondition().until;
    return Math.min(this.lab.q.peekTime(), u ?? Infinity);
  }

  /** The conversation context for dissecting or filtering frame `no`. */
  ctx(no: number): DissectContext {
    const cap = this.lab.capture;
    return { ...this.tracker.context(no), frameBytes: (n) => cap.get(n)?.bytes };
  }

  /** "lvs: packet for … is not for this host …" (the reason may already name the host). */
  dropText(d: { host: number; reason: string }): string {
    const h = this.hostName(d.host);
    return d.reason.startsWith(`${h}:`) ? d.reason : `${h}: ${d.reason}`;
  }

  hostName(id: number): string { return this.lab.hostById(id)?.hostname ?? `host${id}`; }

  lookup(): NicLookup {
    const lab = this.lab;
    return {
      nic: (host, nic) => {
        const h = lab.host(host);
        const d = h?.dev(nic);
        return h && d ? { id: d.id, segment: d.segment ? d.segment.id : -2, host: h.id } : undefined;
      },
      segment: (name) => lab.segment(name)?.id,
    };
  }
}

export class LabEngine {
  private live: World | null = null;
  /** The past lab while time travelling. */
  private past: World | null = null;
  private travelAt: number | null = null;
  /** The live journal (the future, while travelling). */
  private futureJournal: readonly InputEvent[] = [];
  private preset = 'nat';
  private muted = false;
  private mode: ClockMode = { animate: false, paused: false, speed: 1 };
  private pacer: Pacer;
  private holdUntil = 0;
  private scheduled = false;
  private cancelTimer: (() => void) | null = null;
  private pendingHops: Hop[] = [];
  private view = new CaptureView();
  private pointSpec: CapturePoint = { kind: 'all' };
  private filterText = '';
  private lastStatus = '';
  private lastStatusAt = -Infinity;
  private lastIpvs = '';
  private lastKeepalived = '';
  private lastIpvsAt = -Infinity;
  private lastViewCount = -1;
  private lastViewGen = -1;
  private lastViewAt = -Infinity;
  private stepWanted = 0;
  /** A status change was held back by the rate limit: a later slice must send it. */
  private statusPending = false;
  private readonly scan = new FrameScan();
  private readonly labs: LabsController;
  private readonly persist: Persist;
  /** The autosave key of this lab (the start page's lab id), null: not saved. */
  private labKey: string | null = null;
  private layout: LabShare['layout'];
  /** What the terminals show while a journal is replayed into the live lab. */
  private recorder: Transcripts | null = null;
  /** Messages that arrived while the lab was being restored (from storage). */
  private waiting: ToWorker[] | null = null;
  private saveWanted = false;
  /** Autosaves wait for this (the save a link replaces is moved aside first). */
  private saveGate: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: EngineHost) {
    this.pacer = new Pacer(0, host.now());
    this.labs = new LabsController((m) => host.post(m), () => host.now());
    this.persist = new Persist(host.store);
  }

  private get world(): World { return (this.past ?? this.live)!; }

  // ---- messages ------------------------------------------------------------------------------

  handle(msg: ToWorker): void {
    if (this.waiting) { this.waiting.push(msg); return; }
    try {
      this.dispatch(msg);
    } catch (e) {
      this.host.post({ t: 'error', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
    }
    this.kick();
  }

  private dispatch(msg: ToWorker): void {
    if (msg.t === 'init') { this.start(msg); return; }
    // The page may set the clock mode and the capture view before the lab exists.
    if (!this.live && msg.t === 'mode') { this.mode = { ...this.mode, ...msg.mode }; return; }
    if (!this.live && msg.t === 'view') { this.pointSpec = msg.point; this.filterText = msg.filter; return; }
    if (!this.live) throw new Error('lab not started');
    switch (msg.t) {
      case 'stdin': this.input(); this.world.session.feedStdin(msg.host, msg.text); break;
      case 'interrupt': this.input(); this.world.session.interrupt(msg.host); break;
      case 'finishEdit': this.input(); this.world.session.finishEdit(msg.host, msg.content); break;
      case 'topology': {
        this.input();
        const err = this.world.session.topology(msg.op);
        if (err) this.host.post({ t: 'error', message: err });
        this.world.topoDirty = true;
        this.world.mapNics();
        this.commandDone();
        break;
      }
      case 'guide': {
        const err = this.labs.select(msg.id, msg.restart);
        if (err) this.host.post({ t: 'error', message: err });
        this.saveWanted = true;
        break;
      }
      case 'layout': this.layout = msg.layout ?? undefined; this.saveWanted = true; break;
      case 'challengeEnd': this.travel(null); break;
      case 'mode': {
        const was = this.mode;
        this.mode = { ...this.mode, ...msg.mode };
        if (was.animate !== this.mode.animate || was.paused !== this.mode.paused) {
          this.pacer.rebase(this.world.lab.now, this.host.now());
          this.holdUntil = 0;
          this.pendingHops = [];
        }
        this.sendStatus(true);
        break;
      }
      case 'step':
        if (this.past) this.travel(this.travelAt! + 1);
        else this.stepWanted++;
        break;
      case 'travel': this.travel(msg.no); break;
      case 'view': {
        this.pointSpec = msg.point;
        this.filterText = msg.filter;
        const err = this.configureView(this.world);
        if (err) this.host.post({ t: 'error', message: `filter: ${err}` });
        this.sendView(true);
        break;
      }
      case 'synth': this.synth(msg.count); break;
      case 'req': this.request(msg.id, msg.query); break;
    }
  }

  private request(id: number, q: Query): void {
    const ok = (value: unknown) => {
      const transfer = value instanceof Uint8Array ? [value.buffer as ArrayBuffer] : undefined;
      this.host.post({ t: 'res', id, ok: true, value }, transfer);
    };
    const fail = (e: unknown) => this.host.post({ t: 'res', id, ok: false, error: String(e) });
    try {
      const value = this.answer(q);
      if (value instanceof Promise) value.then((v) => { ok(v); this.kick(); }, fail);
      else ok(value);
    } catch (e) {
      fail(e);
    }
  }

  private answer(q: Query): QueryResult[Query['q']] | Promise<QueryResult[Query['q']]> {
    const w = this.world;
    switch (q.q) {
      case 'complete': return w.session.complete(q.host, q.line, q.cursor);
      case 'enter': {
        if (w.session.needsMore(q.host, q.text)) return { more: true };
        this.input();
        this.world.session.submit(q.host, q.text);
        return { more: false };
      }
      case 'rows': return { gen: this.view.gen, from: q.from, rows: this.rows(q.from, q.to) };
      case 'detail': return this.detail(q.no);
      case 'stream': return this.stream(q.no);
      case 'pcapng': return this.pcapng();
      case 'checkFilter': return checkFilter(q.text);
      case 'indexOf': return this.view.indexOf(q.no);
      case 'journal': return this.live!.session.journal();
      case 'guides': return this.labs.guides();
      case 'guideImport': {
        const r = this.labs.importGuide(q.text);
        if (!r.ok) return r;
        void this.persist.saveGuide(r.guide.id, q.text);
        return { ok: true, guide: summaryOf(r.guide, false) };
      }
      case 'playground': return this.labs.playgroundOp(q.op);
      case 'challengeNext': {
        // Made from the live lab; the page then sees the lab as it was when the frame arrived.
        if (this.past) this.travel(null);
        const ch = this.labs.challengeNext();
        if (!ch) return { none: { en: 'No frame has passed through a director yet (or you have seen them all). Send some traffic to the VIP, e.g. curl from the client, then try again.', zh: '还没有经过调度器的帧(或者已经全部做过了)。先向 VIP 发一些流量,例如在客户端执行 curl,再试一次。' } };
        this.travel(ch.frame);
        return ch;
      }
      case 'challengeCheck': {
        const r = this.labs.challengeCheck(q.id, q.guess);
        if (r) this.travel(r.answerFrame);
        return r;
      }
      case 'share': {
        const r = shareLink(q.base, this.share(true));
        return r.ok ? { ok: true, url: r.value, chars: r.value.length } : r;
      }
      case 'persist': return this.persistOp(q.op);
    }
  }

  // ---- starting ------------------------------------------------------------------------------

  private newWorld(preset: string, muted: boolean): World {
    const lab = createLab(preset);
    const ref: { w: World | null } = { w: null };
    const session = new PageSession(lab, this.sinkFor(() => muted || this.muted, () => ref.w !== null && ref.w === this.live));
    const w = new World(lab, session, 'session');
    ref.w = w;
    return w;
  }

  /** A sink to the page; while a journal is replayed into the live lab, to the transcripts. */
  private sinkFor(muted: () => boolean, isLive: () => boolean): TerminalSink {
    const post = (m: FromWorker) => this.host.post(m);
    return {
      output: (host, data) => { if (this.recorder && isLive()) this.recorder.output(host, data); else if (!muted()) post({ t: 'out', host, data }); },
      prompt: (host, prompt) => {
        if (this.recorder && isLive()) { this.recorder.prompt(host, prompt); return; }
        if (!muted()) post({ t: 'prompt', host, prompt });
        if (isLive()) this.commandDone();
      },
      edit: (host, path, content, mode) => {
        const target = takeEditTarget(path);
        if (this.recorder && isLive()) this.recorder.edit(host, { path, content, mode, target });
        else if (!muted()) post({ t: 'edit', host, path, content, mode, target });
      },
      clear: (host) => { if (this.recorder && isLive()) this.recorder.clear(host); else if (!muted()) post({ t: 'clear', host }); },
    };
  }

  /** A command finished (its prompt came back) or the hardware changed: re-check the guide, save. */
  private commandDone(): void {
    this.labs.touched();
    this.saveWanted = true;
  }

  /** The `init` message: a shared link, the autosave of this lab, or a fresh lab. */
  private start(msg: Extract<ToWorker, { t: 'init' }>): void {
    this.labKey = Persist.validKey(msg.labKey) ? msg.labKey : null;
    if (msg.link !== undefined) {
      const r = decodeShare(msg.link, { presets: PRESET_NAMES });
      if (!r.ok) {
        // A fresh lab, whose autosave must not silently replace the student's: that one can be undone.
        const key = this.labKey;
        if (key) this.saveGate = this.persist.store().then((s) => s?.reset(key)).catch(() => {});
        this.init(msg.preset, undefined, { from: 'link', error: r.error, events: 0 });
        return;
      }
      const key = r.value.lab && Persist.validKey(r.value.lab) ? r.value.lab : r.value.preset;
      this.labKey = this.labKey ? key : null;
      // The opened link becomes this lab's autosave (the one it replaces can be undone).
      if (this.labKey) this.saveGate = this.persist.store().then((s) => s?.importFile(shareToJson(r.value))).catch(() => {});
      this.startFrom(r.value, 'link');
      return;
    }
    if (msg.journal?.length) { this.init(msg.preset, msg.journal, { from: 'saved', events: msg.journal.length }); return; }
    if (!this.labKey || !this.persist.available) { this.init(msg.preset); return; }
    // Look for an autosave first; messages that arrive meanwhile wait (typed-ahead lines run after the restore).
    const key = this.labKey;
    this.waiting = [];
    void this.persist.restore(key).then(async (r) => {
      // A teacher's guide the saved lab follows is kept beside it.
      const gid = r && r.ok ? r.value.guide?.guide : undefined;
      if (gid && !this.labs.guides().some((g) => g.id === gid)) {
        const text = await this.persist.loadGuide(gid).catch(() => null);
        if (text) this.labs.importGuide(text);
      }
      return r;
    }).then((r) => {
      const queued = this.waiting ?? [];
      this.waiting = null;
      try {
        if (r && r.ok && r.value.preset === msg.preset) this.startFrom(r.value, 'saved');
        else this.init(msg.preset, undefined, r && !r.ok ? { from: 'saved', error: r.error, events: 0 } : undefined);
      } catch (e) {
        this.host.post({ t: 'error', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
        this.init(msg.preset);
      }
      for (const m of queued) this.handle(m);
      this.kick();
    });
  }

  /** Rebuild a saved or shared lab: replay its journal, then follow its guide and layout. */
  private startFrom(share: LabShare, from: Restored['from']): void {
    this.layout = share.layout;
    this.init(share.preset, share.journal, { from, events: share.journal.length, labKey: this.labKey ?? undefined, layout: share.layout }, share.guide ?? null);
  }

  /**
   * Build the lab. With a journal, replay it (recording what the terminals showed) and let
   * the commands it started finish, so the lab is as it was when it was saved; `restored`
   * tells the page (its terminals are then rebuilt from the transcripts). `guide`: the
   * progress to follow (undefined: keep the current guide from its start).
   */
  private init(preset: string, journal?: readonly InputEvent[], restored?: Restored, guide?: GuideRunState | null): void {
    const t0 = this.host.now();
    this.live?.unsubscribe();
    this.past?.unsubscribe();
    this.past = null;
    this.travelAt = null;
    this.preset = preset;
    this.pendingHops = [];
    this.holdUntil = 0;
    const w = this.newWorld(preset, false);
    this.live = w;
    const rec = restored ? new Transcripts() : null;
    if (rec) for (const h of w.session.shellHosts()) rec.begin(h, w.session.prompt(h));
    if (journal?.length) {
      this.recorder = rec;
      const ps = w.session as PageSession;
      ps.echo = rec;
      try {
        if (!rec) this.muted = true;
        w.session.replay(journal);
        this.settle(w);
      } finally { this.muted = false; this.recorder = null; ps.echo = null; }
    }
    this.pacer.rebase(w.lab.now, this.host.now());
    const gen = this.view.gen;
    this.view = new CaptureView();
    this.view.gen = gen;
    this.configureView(w);
    w.topoVersion++;
    w.topoDirty = false;
    const timing = { origin: globalThis.performance?.timeOrigin ?? 0, init: t0, built: this.host.now() };
    const shells = w.session.shellHosts();
    w.shells = new Map(shells.map((h) => [w.lab.host(h)?.id ?? -1, h]));
    if (rec) {
      for (const h of shells) {
        const busy = w.session.busy(h);
        let text = rec.text.get(h) ?? '';
        let prompt: string | null = busy ? null : rec.lastPrompt.get(h) ?? null;
        if (!busy && prompt === null) { prompt = w.session.prompt(h); text += prompt; }
        this.host.post({ t: 'replayed', host: h, text, prompt });
      }
    } else {
      // Prompts first: the terminals can show them while the page is still drawing the topology.
      for (const h of shells) this.host.post({ t: 'prompt', host: h, prompt: w.session.prompt(h) });
    }
    this.host.post({ t: 'ready', preset, shells, topology: topologySnapshot(w.lab, w.topoVersion), engine: w.engineName, timing, ...(restored ? { restored } : {}) });
    if (rec) for (const [host, e] of rec.edits) this.host.post({ t: 'edit', host, ...e });
    this.labs.bind(w.lab, guide);
    this.lastIpvs = '';
    this.lastKeepalived = '';
    this.observe(w);
    this.flush(true);
  }

  /**
   * After a replay: let the commands still running finish (a curl loop typed last), as fast
   * as the lab can, bounded by two minutes of virtual time and a few seconds of real time
   * (a `ping` without -c goes on running live afterwards).
   */
  private settle(w: World): void {
    const t0 = this.host.now();
    const limit = w.lab.now + 120e6;
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (this.host.now() - t0 > 5000) return;
      const due = w.nextDue();
      const runnable = w.session.procs.anyRunnable();
      // Once every shell is idle, what is due within the pacer's fast gap still happens (a
      // connection's last FIN and ACK), as it would have at once in the live lab.
      if (!w.session.shellHosts().some((h) => w.session.busy(h)) && !runnable && due - w.lab.now > this.pacer.fastGapUs) return;
      if (!runnable && due > limit) return;
      w.session.pump(50, () => this.host.now(), runnable ? w.lab.now : Math.max(due, w.lab.now));
    }
  }

  // ---- saving ---------------------------------------------------------------------------------

  /** The lab as a LabShare: the preset, every input so far, the guide's progress, the layout. */
  private share(forLink = false): LabShare {
    const live = this.live!;
    const guide = this.labs.guideState();
    const withGuide = guide && (!forLink || this.labs.guideIsBuiltin());
    const lab = this.labKey && this.labKey !== this.preset ? this.labKey : undefined;
    return makeShare(this.preset, live.session.journal(), {
      ...(lab ? { lab } : {}),
      ...(withGuide ? { guide } : {}),
      ...(this.layout && Object.keys(this.layout).length ? { layout: this.layout } : {}),
    });
  }

  private autosave(): void {
    const key = this.labKey;
    if (!key || !this.persist.available || !this.live) return;
    const share = this.share();
    void this.saveGate.then(() => this.persist.autosave(key, share)).then((ok) => {
      if (ok) this.host.post({ t: 'saved', events: share.journal.length, storage: this.persist.kind });
    });
  }

  private async persistOp(op: PersistOp): Promise<PersistAnswer> {
    const key = this.labKey;
    const store = await this.persist.store();
    if (!key || !store) return { ok: false, error: 'Saving is not available in this browser window (no storage).', storage: 'none' };
    const storage = this.persist.kind;
    const now = this.host.wallClock?.() ?? 0;
    await this.saveGate;
    await store.flush();
    switch (op.op) {
      case 'snapshots':
        return { ok: true, snapshots: await store.listSnapshots(key), canUndo: await store.canUndo(key), storage };
      case 'reset': {
        await store.autosave(key, this.share());
        await store.reset(key);
        this.init(this.preset, undefined, { from: 'reset', events: 0 });
        return { ok: true, canUndo: await store.canUndo(key), storage };
      }
      case 'undo': {
        const r = await store.undo(key);
        if (!r) return { ok: false, error: 'There is nothing to undo.', storage };
        if (!r.ok) return { ok: false, error: r.error, storage };
        this.startFrom(r.value, 'undo');
        return { ok: true, canUndo: await store.canUndo(key), storage };
      }
      case 'snapshot': {
        await store.saveSnapshot(key, op.name, this.share(), now);
        return { ok: true, snapshots: await store.listSnapshots(key), storage };
      }
      case 'rollback': {
        await store.autosave(key, this.share());
        const s = await store.rollback(key, op.id);
        if (!s) return { ok: false, error: 'That snapshot can no longer be read.', storage };
        this.startFrom(s, 'snapshot');
        return { ok: true, canUndo: true, storage };
      }
      case 'deleteSnapshot':
        await store.deleteSnapshot(key, op.id);
        return { ok: true, snapshots: await store.listSnapshots(key), storage };
      case 'export':
        return { ok: true, file: store.exportFile(key, this.share(), now), storage };
      case 'import': {
        await store.autosave(key, this.share());
        const r = await store.importFile(op.text);
        if (!r.ok) return { ok: false, error: r.error, storage };
        const theirs = r.value.lab && Persist.validKey(r.value.lab) ? r.value.lab : r.value.preset;
        if (theirs !== key) return { ok: true, labKey: theirs, storage };
        this.startFrom(r.value, 'import');
        return { ok: true, labKey: theirs, canUndo: true, storage };
      }
    }
  }

  /** Something the student did: bring the clock up to real time first; leave the past if in it. */
  private input(): void {
    if (this.past) this.branch();
    const w = this.world;
    const now = this.host.now();
    if (!this.mode.animate) w.session.pump(SLICE_MS, () => this.host.now(), this.pacer.target(now));
    // In slow motion the clock does not owe the lab the time it sat idle.
    else if (this.pacer.target(now) > w.lab.now) this.pacer.rebase(w.lab.now, now);
  }

  // ---- running --------------------------------------------------------------------------------

  /** Make sure a slice runs soon. */
  private kick(): void {
    if (this.scheduled || !this.live) return;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.scheduled = true;
    this.host.soon(() => { this.scheduled = false; this.slice(); });
  }

  private wakeIn(ms: number): void {
    if (this.scheduled) return;
    this.cancelTimer?.();
    this.cancelTimer = this.host.later(() => { this.cancelTimer = null; this.slice(); }, Math.min(Math.max(ms, 1), 1000));
  }

  /** One slice: at most SLICE_MS of simulation, then report what changed. */
  slice(): void {
    if (!this.live) return;
    const h = this.host;
    const t0 = h.now();
    const w = this.world;
    const budgetLeft = () => SLICE_MS - (h.now() - t0);
    let again = false;
    let wake = Infinity;
    try {
      if (this.past) {
        // The past is frozen: nothing runs until the student steps or goes live.
      } else if (this.mode.animate) {
        const r = this.animateSlice(w, t0, budgetLeft);
        again = r.again;
        wake = r.wake;
      } else {
        let r: PumpResult;
        for (;;) {
          const now = h.now();
          r = w.session.pump(Math.max(1, budgetLeft()), () => h.now(), this.pacer.target(now));
          this.observe(w);
          if (budgetLeft() <= 0) { again = true; break; }
          if (this.pacer.skipGap(w.lab.now, w.nextDue(), h.now())) continue;
          if (!r.idle && !r.waitingOnTime && w.session.procs.anyRunnable()) { again = true; continue; }
          break;
        }
        const due = w.nextDue();
        if (!again && due < Infinity) wake = this.pacer.delayUntil(due, h.now());
      }
    } catch (e) {
      h.post({ t: 'error', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
    }
    this.flush(false);
    if (again) this.kick();
    else if (wake < Infinity) this.wakeIn(this.statusPending ? Math.min(wake, STATUS_EVERY_MS) : wake);
    else if (this.statusPending || (this.mode.animate && !this.mode.paused)) this.wakeIn(STATUS_EVERY_MS);
  }

  private animateSlice(w: World, t0: number, budgetLeft: () => number): { again: boolean; wake: number } {
    const h = this.host;
    const lab = w.lab;
    if (this.mode.paused && this.stepWanted === 0) {
      // Shells may still run (ipvsadm needs no time), but the clock stands still.
      const r = w.session.pump(Math.max(1, budgetLeft()), () => h.now(), lab.now);
      this.observe(w);
      return { again: !r.idle && !r.waitingOnTime && budgetLeft() <= 0, wake: Infinity };
    }
    if (!this.mode.paused && t0 < this.holdUntil) return { again: false, wake: this.holdUntil - t0 };
    const before = lab.capture.lastNo;
    const held = (): { again: boolean; wake: number } => {
      if (this.stepWanted > 0) this.stepWanted--;
      const hold = HOP_MS / Math.max(0.05, this.mode.speed);
      this.holdUntil = h.now() + hold;
      this.pacer.rebase(lab.now, this.holdUntil);
      return { again: false, wake: this.mode.paused ? Infinity : hold };
    };
    // One simulation event at a time, so the lab stops right after the frame it puts on a
    // wire (pump would run a whole exchange in one go). Between events the shells run at the
    // current instant, which is the schedule pump follows, so runs stay identical.
    for (let guard = 0; guard < 100_000; guard++) {
      const r = w.session.pump(Math.max(1, budgetLeft()), () => h.now(), lab.now);
      this.observe(w);
      if (lab.capture.lastNo > before) return held();
      if (budgetLeft() <= 0) return { again: true, wake: Infinity };
      const ev = lab.q.peekTime();
      const deadline = w.session.procs.wakeCondition().until ?? Infinity;
      const next = Math.min(ev, deadline);
      if (next === Infinity) {
        if (r.idle || !w.session.procs.anyRunnable()) { this.stepWanted = 0; return { again: false, wake: Infinity }; }
        continue;
      }
      if (this.stepWanted === 0 && next > this.pacer.target(h.now()) && next - lab.now > this.pacer.fastGapUs) {
        return { again: false, wake: this.pacer.delayUntil(next, h.now()) };
      }
      if (deadline < ev) w.session.pump(Math.max(1, budgetLeft()), () => h.now(), deadline);
      else lab.q.runNext();
      this.observe(w);
      if (lab.capture.lastNo > before) return held();
    }
    return { again: true, wake: Infinity };
  }

  /** Look at frames logged since last time: trackers, the view, hops for the animation. */
  private observe(w: World): void {
    const cap = w.lab.capture;
    if (w.observed < cap.firstNo - 1) w.observed = cap.firstNo - 1;
    if (w.observed >= cap.lastNo) return;
    const animate = this.mode.animate && w === this.world;
    for (let no = w.observed + 1; no <= cap.lastNo; no++) {
      const r = cap.get(no)!;
      w.tracker.observe(r.bytes, no);
      if (r.to >= 0) {
        const to = w.nicHost.get(r.to);
        if (to !== undefined) w.rewrites.received(to, r.time, r.bytes);
      }
      if (r.from >= 0) {
        const from = w.lab.hostById(r.host);
        const rw = w.rewrites.sent(r.host, r.time, r.bytes, from?.role === 'director');
        if (rw) {
          w.rewriteOf.set(no, rw);
          if (w.rewriteOf.size > 50_000) for (const k of w.rewriteOf.keys()) { w.rewriteOf.delete(k); if (w.rewriteOf.size < 40_000) break; }
        }
      }
      if (animate && r.segment >= 0) this.pendingHops.push(this.hop(w, r));
    }
    w.observed = cap.lastNo;
    if (w === this.world) this.view.update(cap);
    if (this.pendingHops.length > MAX_HOPS_PER_POST) this.pendingHops.splice(0, this.pendingHops.length - MAX_HOPS_PER_POST);
  }

  private hop(w: World, r: FrameRecord): Hop {
    const { label, cls, macs } = hopLabel(r.bytes);
    let toNics: number[] = [];
    if (r.to >= 0) toNics = [r.to];
    else if (!r.drop) {
      const seg = w.lab.segmentById(r.segment);
      if (seg) for (const p of seg.ports) if (p.id !== r.from) toNics.push(p.id);
    }
    const rw = w.rewriteOf.get(r.no);
    const mac = rw && rw.startsWith('dst MAC');
    return {
      no: r.no, time: r.time, seg: r.segment, fromHost: r.host, fromNic: r.from, toNics, cls,
      label: mac ? `${label} → MAC ${rw!.slice(rw!.lastIndexOf(' ') + 1)}` : label,
      macs, rewrite: rw, drop: r.drop ? `${w.dropText(r.drop)}` : undefined,
    };
  }

  /** Send what changed: hops, status, view length, topology, IPVS. */
  private flush(force: boolean): void {
    const w = this.world;
    const now = this.host.now();
    if (this.pendingHops.length) {
      this.host.post({ t: 'hops', hops: this.pendingHops });
      this.pendingHops = [];
    }
    if (w.topoDirty) {
      w.topoDirty = false;
      w.mapNics();
      w.topoVersion++;
      const shells = w.session.shellHosts();
      this.host.post({ t: 'topology', topology: topologySnapshot(w.lab, w.topoVersion), shells });
      // A machine added to the lab: its console shows the login prompt; a renamed one shows
      // its new name at once when its shell is idle (bash redraws \h at the next prompt anyway).
      const names = new Map<number, string>();
      for (const h of shells) {
        const id = w.lab.host(h)?.id ?? -1;
        names.set(id, h);
        const was = w.shells.get(id);
        if (was === undefined || (was !== h && !w.session.busy(h))) this.host.post({ t: 'prompt', host: h, prompt: w.session.prompt(h) });
      }
      w.shells = names;
      // A NIC capture point may now mean another NIC id.
      if (this.pointSpec.kind === 'nic') this.configureView(w);
    }
    if (force || now - this.lastIpvsAt >= IPVS_EVERY_MS) {
      this.lastIpvsAt = now;
      if (w.ipvsDirty || force) {
        w.ipvsDirty = false;
        const snap = ipvsSnapshot(w.lab);
        const s = JSON.stringify(snap);
        if (s !== this.lastIpvs) { this.lastIpvs = s; this.host.post({ t: 'ipvs', ipvs: snap }); }
        const ka = keepalivedSnapshot(w.lab);
        const k = JSON.stringify(ka);
        if (k !== this.lastKeepalived) { this.lastKeepalived = k; this.host.post({ t: 'keepalived', keepalived: ka }); }
      }
    }
    this.sendView(force);
    this.sendStatus(force);
    if (w === this.live) {
      this.labs.update(now, w.session.shellHosts().some((x) => w.session.busy(x)), force);
      if (this.saveWanted) { this.saveWanted = false; this.autosave(); }
    }
  }

  /** Apply the capture point and filter to `w`'s capture (returns the filter's error). */
  private configureView(w: World): string | null {
    return this.view.configure(pointTest(this.pointSpec, w.lookup()), this.filterText, w.lab.capture, (no) => w.ctx(no));
  }

  /**
   * The view's length, at most every STATUS_EVERY_MS while it only grows (a 10,000-request
   * loop adds rows every slice; the page need not re-render that often); at once when rows
   * were renumbered (new filter, capture point, time travel).
   */
  private sendView(force: boolean): void {
    if (!force && this.view.count === this.lastViewCount && this.view.gen === this.lastViewGen) return;
    const now = this.host.now();
    if (!force && this.view.gen === this.lastViewGen && now - this.lastViewAt < STATUS_EVERY_MS) { this.statusPending = true; return; }
    this.lastViewAt = now;
    this.lastViewCount = this.view.count;
    this.lastViewGen = this.view.gen;
    this.host.post({ t: 'view', count: this.view.count, gen: this.view.gen });
  }

  private sendStatus(force: boolean): void {
    const now = this.host.now();
    if (!force && now - this.lastStatusAt < STATUS_EVERY_MS) { this.statusPending = true; return; }
    this.statusPending = false;
    const w = this.world;
    const live = this.live!;
    const status: Status = {
      now: w.lab.now,
      frames: w.lab.capture.total,
      evicted: w.lab.capture.evicted,
      busy: w.session.shellHosts().filter((x) => w.session.busy(x)),
      travelAt: this.travelAt,
      travelEnd: this.past ? live.lab.capture.lastNo : null,
      mode: this.mode,
      engine: w.engineName,
    };
    const s = JSON.stringify(status);
    if (s === this.lastStatus && !force) return;
    this.lastStatus = s;
    this.lastStatusAt = now;
    this.host.post({ t: 'status', status });
  }

  // ---- time travel ---------------------------------------------------------------------------

  /** Restore the lab as it was right after frame `no`; null goes back to the live lab. */
  travel(no: number | null): void {
    const live = this.live!;
    if (no === null || no >= live.lab.capture.lastNo) {
      if (!this.past) return;
      this.past.unsubscribe();
      this.past = null;
      this.travelAt = null;
      this.view.limit = Infinity;
      this.configureView(live);
      live.topoDirty = true;
      live.ipvsDirty = true;
      this.pacer.rebase(live.lab.now, this.host.now());
      this.flush(true);
      return;
    }
    no = Math.max(1, no);
    if (!live.lab.capture.has(no)) throw new Error(`frame ${no} is no longer in the capture`);
    let w = this.past;
    this.muted = true;
    try {
      if (!w || this.travelAt === null || no < this.travelAt) {
        // Back in time: replay the journal into a fresh lab up to that frame.
        this.past?.unsubscribe();
        this.futureJournal = live.session.journal().slice();
        w = this.newWorld(this.preset, true);
        this.past = w;
        w.session.replay(this.futureJournal, { frame: no });
      } else if (w.lab.capture.lastNo < no) {
        // Forward from the past: continue the same schedule with the inputs not applied yet.
        const applied = w.session.journal().length;
        w.session.replay(this.futureJournal.slice(applied), { frame: no });
      }
      runToFrame(w, no);
    } finally { this.muted = false; }
    this.travelAt = no;
    this.observe(w);
    this.view.limit = no;
    this.configureView(w);
    w.topoDirty = true;
    w.ipvsDirty = true;
    this.flush(true);
  }

  /** Typing in the past: the past becomes the present. */
  private branch(): void {
    const p = this.past!;
    this.live?.unsubscribe();
    this.live = p;
    this.past = null;
    this.travelAt = null;
    this.view.limit = Infinity;
    this.configureView(p);
    this.pacer.rebase(p.lab.now, this.host.now());
    this.labs.rebind(p.lab, p.lab.capture.lastNo);
    this.saveWanted = true;
    for (const h of p.session.shellHosts()) {
      this.host.post({ t: 'out', host: h, data: `\n[time travel: continuing from frame ${p.lab.capture.lastNo}; the later frames are gone]\n` });
      if (!p.session.busy(h)) this.host.post({ t: 'prompt', host: h, prompt: p.session.prompt(h) });
    }
  }

  // ---- the capture pane's requests -------------------------------------------------------------

  private rows(from: number, to: number): PacketRow[] {
    const w = this.world;
    const cap = w.lab.capture;
    const out: PacketRow[] = [];
    const end = Math.min(to, this.view.count, from + 2000);
    for (let i = Math.max(0, from); i < end; i++) {
      const r = cap.get(this.view.at(i));
      if (!r) continue;
      const c = rowCore(r.bytes, w.ctx(r.no));
      out.push({
        no: r.no, time: r.time, seg: r.segment, ...c,
        fromHost: r.host, toHost: r.to >= 0 ? (w.nicHost.get(r.to) ?? -1) : -1,
        drop: r.drop ? `${w.dropText(r.drop)}` : undefined,
      });
    }
    return out;
  }

  private detail(no: number): FrameDetail | null {
    const w = this.world;
    const r = w.lab.capture.get(no);
    if (!r) return null;
    const seg = w.lab.segmentById(r.segment);
    const notes = w.lab.notesOf(no).map((n) => `${w.hostName(n.host)}: ${n.text}`);
    const drop = r.drop ? `${w.dropText(r.drop)}` : undefined;
    const comments = [...(drop ? [`dropped by ${drop}`] : []), ...notes];
    const d = dissect(r.bytes, { ...w.ctx(no), frame: { number: no, timeUs: w.lab.epochUs + r.time, interfaceName: seg?.name ?? 'host-internal', comments } });
    const rw = w.rewriteOf.get(no);
    return {
      no, time: r.time, segName: seg?.name ?? '(inside the host)', bytes: r.bytes.slice(),
      layers: d.layers.map(layerNode), problems: d.problems, drop, notes: rw ? [`rewritten by ${w.hostName(r.host)}: ${rw}`, ...notes] : notes,
    };
  }

  private stream(no: number): TcpStream | null {
    const w = this.world;
    const cap = w.lab.capture;
    const r0 = cap.get(no);
    if (!r0) return null;
    const s = scanFrame(r0.bytes, this.scan);
    const ii = s.innerIp;
    if (s.l4 !== 6 || ii < 0) return null;
    const key = (b: Uint8Array, sc: FrameScan) => {
      const io = sc.ipOff[sc.innerIp];
      return { a: get32(b, io + 12), b: get32(b, io + 16), ap: get16(b, sc.l4Off), bp: get16(b, sc.l4Off + 2) };
    };
    const k = key(r0.bytes, s);
    const client = { addr: k.a, port: k.ap };
    const chunks: StreamChunk[] = [];
    const seen = new Set<string>();
    let synFound = false;
    for (const r of cap.range()) {
      if (this.view.limit < r.no) break;
      const sc = scanFrame(r.bytes, this.scan);
      if (sc.l4 !== 6 || sc.innerIp < 0) continue;
      const x = key(r.bytes, sc);
      const fwd = x.a === k.a && x.ap === k.ap && x.b === k.b && x.bp === k.bp;
      const rev = x.a === k.b && x.ap === k.bp && x.b === k.a && x.bp === k.ap;
      if (!fwd && !rev) continue;
      const flags = r.bytes[sc.l4Off + 13];
      if (flags & 2 && !(flags & 16) && !synFound) { synFound = true; client.addr = x.a; client.port = x.ap; }
      const ps = sc.l4Off + sc.l4Hl, pe = sc.l4End;
      if (pe <= ps) continue;
      const id = `${fwd ? 1 : 0}/${get32(r.bytes, sc.l4Off + 4)}`;
      if (seen.has(id)) continue;  // the same segment seen on another network
      seen.add(id);
      let text = '';
      for (let i = ps; i < pe; i++) text += String.fromCharCode(r.bytes[i]);
      chunks.push({ fromClient: x.a === client.addr && x.ap === client.port, text, no: r.no });
    }
    void APP_HTTP;
    const A = fmtIp(k.a), B = fmtIp(k.b);
    return {
      title: `${A}:${k.ap} ⇄ ${B}:${k.bp}`,
      chunks,
      filter: `ip.addr == ${A} and ip.addr == ${B} and tcp.port == ${k.ap} and tcp.port == ${k.bp}`,
    };
  }

  private pcapng(): Uint8Array {
    const w = this.world;
    const segs = w.lab.captureInterfaces();
    const ifIndex = new Map<number, number>();
    const ifaces = segs.map((s, i) => { ifIndex.set(s.id, i); return { name: s.name, description: `LVS Lab ${s.kind}` }; });
    const internal = ifaces.length;
    let needInternal = false;
    const frames: PcapFrame[] = [];
    const nos = this.view.numbers();
    for (let i = 0; i < nos.length; i++) {
      const r = w.lab.capture.get(nos[i]);
      if (!r) continue;
      let iface = ifIndex.get(r.segment);
      if (iface === undefined) { iface = internal; needInternal = true; }
      const notes = w.lab.notesOf(r.no).map((n) => `${w.hostName(n.host)}: ${n.text}`);
      const comment = [r.drop ? `dropped by ${w.dropText(r.drop)}` : '', ...notes].filter(Boolean).join('\n');
      frames.push({ iface, timeUs: r.time, bytes: r.bytes, comment: comment || undefined });
    }
    if (needInternal) ifaces.push({ name: 'host-internal', description: 'packets a host dropped before any wire' });
    return writePcapng(frames, ifaces, { epochUs: w.lab.epochUs, application: 'LVS Lab' });
  }

  /** Fill the capture with copies of the frames it has (bench and scroll tests). */
  private synth(count: number): void {
    const w = this.live!;
    const cap = w.lab.capture;
    const base: FrameRecord[] = [...cap.range()].map((r) => ({ ...r, bytes: r.bytes.slice() }));
    if (!base.length) return;
    for (let i = 0; i < count; i++) {
      const r = base[i % base.length];
      cap.add(r.bytes, w.lab.now, r.segment, r.from, r.to, r.host);
    }
    this.observe(w);
    this.flush(true);
  }
}

function fieldNode(f: Field): FieldNode {
  return { name: f.name, label: f.label, range: f.range, children: f.children?.map(fieldNode) };
}

function layerNode(l: Layer): LayerNode {
  return { name: l.name, abbrev: l.abbrev, summary: l.summary, range: l.range, fields: l.fields.map(fieldNode) };
}

/**
 * After the journal is exhausted, LabSession.replay stops when only `ready()` waits remain
 * (it has no deadline to run to). Frames after the last input still come from the lab's
 * events: run the same schedule as pump does (processes, then the lab up to the next thing
 * due) until frame `no` exists or nothing more can happen.
 */
function runToFrame(w: World, no: number): void {
  const cap = w.lab.capture;
  for (let guard = 0; guard < 1_000_000 && cap.lastNo < no; guard++) {
    const due = w.nextDue();
    if (due === Infinity && !w.session.procs.anyRunnable()) return;
    w.session.pump(5_000, () => performance.now(), Math.max(due, w.lab.now));
  }
}
