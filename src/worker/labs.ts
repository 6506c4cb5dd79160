/**
 * The lab worker's side of the guided labs (src/labs): the guide a student follows and its
 * progress, the misconfiguration detector's findings (and whether each is fixed now), the
 * challenge ("predict the director's next frame") and the scheduler playground.
 *
 * Everything here reads the live Lab and never changes it, so it has no effect on replay:
 * a shared or reloaded lab rebuilds the same state, and the guide's progress and the
 * findings are recomputed from it (the saved progress only keeps completed steps completed).
 *
 * When things are evaluated: the guide after every command finishes (the shell's prompt
 * came back), after every topology change, and about once a second while a command runs;
 * the detector every 200 ms of real time while frames arrive. Both are cheap (they read
 * only the frames logged since the previous call). A finding is "resolved" when a probe of
 * the lab's state made from it (ip_forward is 1 now, the real server no longer answers ARP
 * for the VIP, …) holds; it is re-checked with the guide.
 *
 * Left out: the detector has no memory across a rebuild (a reload re-detects from the
 * replayed capture, which is the same).
 */
import type { Lab } from '../core/lab/lab.ts';
import { fmtIp } from '../core/wire/types.ts';
import { challengeCandidates, challengeFor, checkChallenge, type Challenge, type ChallengeField } from '../labs/challenge.ts';
import { evaluate } from '../labs/checks.ts';
import { Detector, type Finding } from '../labs/detector.ts';
import { GuideRun, type GuideRunState } from '../labs/guide.ts';
import { builtinGuide, builtinGuides } from '../labs/guides/index.ts';
import { SCHEDULERS, SchedulerPlayground, type Pick } from '../labs/playground.ts';
import { labName, trafficOf, type Pkt } from '../labs/traffic.ts';
import type { Check, Guide } from '../labs/types.ts';
import { formatErrors, validateGuide } from '../labs/validate.ts';
import type {
  ChallengeResultView, ChallengeView, FindingView, FromWorker, GuideProgressView, GuideStepState, GuideSummary, GuideView,
  PlaygroundOp, PlaygroundState,
} from './protocol.ts';

/** How often (real ms) the detector looks at new frames, and the guide re-checks while a command runs. */
const DETECT_EVERY_MS = 200;
const GUIDE_BUSY_EVERY_MS = 1000;

interface Tracked {
  readonly id: number;
  readonly f: Finding;
  readonly probe: Check | null;
  resolved: boolean;
}

export function summaryOf(g: Guide, builtin: boolean): GuideSummary {
  return {
    id: g.id, title: g.title, summary: g.summary, preset: g.preset, picture: g.picture, level: g.level, minutes: g.minutes,
    steps: g.steps.length, builtin,
  };
}

export class LabsController {
  private lab: Lab | null = null;
  private guide: Guide | null = null;
  private run: GuideRun | null = null;
  /** Guides loaded from a teacher's file in this session, by id. */
  private readonly imported = new Map<string, Guide>();
  private detector: Detector | null = null;
  private tracked: Tracked[] = [];
  private nextFinding = 1;
  private lastProgress = '';
  private lastFindings = '';
  private guideDirty = true;
  private lastGuideAt = -Infinity;
  private lastDetectAt = -Infinity;
  private detectGap = DETECT_EVERY_MS;
  private readonly playground = new SchedulerPlayground();
  private challenge: { id: number; ch: Challenge } | null = null;
  private challengeSeq = 0;
  /** The last frame a challenge was made of (the next one starts after it). */
  private askedUpTo = 0;

  constructor(private readonly post: (m: FromWorker) => void, private readonly clock: () => number = () => 0) {}

  // ---- binding to a lab ---------------------------------------------------------------------------

  /**
   * Follow a (new) live lab: a fresh detector over its whole capture, and the guide.
   * `state`: the saved progress of the guide to follow (a restored lab); null: no guide;
   * undefined: keep following the current guide, from its first step (a reset lab).
   */
  bind(lab: Lab, state?: GuideRunState | null): void {
    this.lab = lab;
    this.detector = new Detector(lab);
    this.tracked = [];
    this.lastFindings = '';
    this.challenge = null;
    this.askedUpTo = 0;
    if (state === undefined) this.setGuide(this.guide);
    else {
      const g = state ? this.find(state.guide) : undefined;
      this.setGuide(g ?? null, g && state ? state : undefined);
    }
  }

  /** Time travel made the past the present: keep the steps completed up to then. */
  rebind(lab: Lab, frame: number): void {
    this.lab = lab;
    this.run?.rewind(frame);
    this.run?.rebind(lab);
    this.detector = new Detector(lab);
    this.tracked = [];
    this.lastFindings = '';
    this.guideDirty = true;
  }

  /** A command finished or the hardware changed: evaluate the guide (and the findings' probes) soon. */
  touched(): void { this.guideDirty = true; }

  // ---- guides ----------------------------------------------------------------------------------------

  private find(id: string): Guide | undefined { return this.imported.get(id) ?? builtinGuide(id); }

  guides(): GuideSummary[] {
    return [...builtinGuides().map((g) => summaryOf(g, true)), ...[...this.imported.values()].map((g) => summaryOf(g, false))];
  }

  /** A teacher's lab file: validated; on success it can be followed (and is kept for this session). */
  importGuide(text: string): { ok: true; guide: Guide } | { ok: false; errors: string[] } {
    if (text.length > 512 * 1024) return { ok: false, errors: ['(file): larger than 512 KB; a guide is a small JSON file'] };
    const r = validateGuide(text);
    if (!r.ok) return { ok: false, errors: formatErrors(r.errors).split('\n').slice(0, 50) };
    if (builtinGuide(r.guide.id)) return { ok: false, errors: [`id: "${r.guide.id}" is the id of a built-in guide; give your guide its own id`] };
    this.imported.set(r.guide.id, r.guide);
    return { ok: true, guide: r.guide };
  }

  /** Start following a guide (null: stop). Its progress starts empty unless `state` is given. */
  select(id: string | null, restart = false): string | null {
    if (id === null) { this.setGuide(null); return null; }
    const g = this.find(id);
    if (!g) return `no guide "${id}"`;
    if (this.guide?.id === g.id && !restart) return null;
    this.setGuide(g);
    return null;
  }

  private setGuide(g: Guide | null, state?: GuideRunState): void {
    this.guide = g;
    this.run = g && this.lab ? new GuideRun(g, this.lab, state) : null;
    this.lastProgress = '';
    this.guideDirty = true;
    this.post({ t: 'guide', guide: g && this.run ? this.view(g, this.run) : null });
  }

  /** The progress to save with the lab. */
  guideState(): GuideRunState | undefined { return this.run?.state(); }

  /** The guide is a built-in one (a link can carry its progress; another browser knows it). */
  guideIsBuiltin(): boolean { return !!this.guide && !!builtinGuide(this.guide.id) && !this.imported.has(this.guide.id); }

  private view(g: Guide, run: GuideRun): GuideView {
    return {
      id: g.id, preset: g.preset, picture: g.picture, builtin: !this.imported.has(g.id),
      title: { en: run.text(g.title, 'en'), zh: run.text(g.title, 'zh') },
      summary: { en: run.text(g.summary, 'en'), zh: run.text(g.summary, 'zh') },
      steps: g.steps.map((s, i) => ({
        id: s.id,
        title: { en: run.title(i, 'en'), zh: run.title(i, 'zh') },
        explain: { en: run.explain(i, 'en'), zh: run.explain(i, 'zh') },
        hint: { en: run.hint(i, 'en'), zh: run.hint(i, 'zh') },
        actions: run.showMe(i),
        checked: !!s.check,
        playground: s.playground,
      })),
    };
  }

  // ---- periodic work -----------------------------------------------------------------------------

  /**
   * Called after every slice: run the detector and the guide when due. `busy`: a command is
   * running somewhere (the guide is then re-checked about once a second).
   */
  update(realNow: number, busy: boolean, force = false): void {
    if (!this.lab) return;
    if (force || this.guideDirty || realNow - this.lastDetectAt >= this.detectGap) {
      const t0 = this.clock();
      this.detect();
      const took = this.clock() - t0;
      this.lastDetectAt = realNow;
      // While a loop pours out frames, the detector gets at most about a seventh of the
      // worker's time (it reads ~10 µs a frame): it falls behind and catches up at the prompt.
      this.detectGap = busy ? Math.max(DETECT_EVERY_MS, took * 6) : DETECT_EVERY_MS;
    }
    if (force || this.guideDirty || (busy && realNow - this.lastGuideAt >= GUIDE_BUSY_EVERY_MS)) {
      this.guideDirty = false;
      this.lastGuideAt = realNow;
      this.probeFindings();
      this.updateGuide();
    }
  }

  private updateGuide(): void {
    const run = this.run;
    if (!run) {
      if (this.lastProgress !== 'null') { this.lastProgress = 'null'; this.post({ t: 'progress', progress: null }); }
      return;
    }
    const p = run.update();
    const steps: GuideStepState[] = p.steps.map((s) => ({
      state: s.state,
      ...(s.result ? { ok: s.result.ok, detail: { en: s.result.detail, zh: s.result.detailZh }, frames: s.result.frames?.slice(0, 50) } : {}),
      ...(s.doneAt ? { doneAt: s.doneAt } : {}),
    }));
    const view: GuideProgressView = { guide: p.guide, steps, current: p.current, complete: p.complete };
    const key = JSON.stringify(view);
    if (key === this.lastProgress) return;
    this.lastProgress = key;
    this.post({ t: 'progress', progress: view });
  }

  private detect(): void {
    const d = this.detector;
    if (!d) return;
    const news = d.update();
    if (!news.length) { this.postFindings(); return; }
    const t = trafficOf(this.lab!);
    for (const f of news) {
      const probe = probeFor(this.lab!, f, t.get(f.frame));
      const tr: Tracked = { id: this.nextFinding++, f, probe, resolved: false };
      if (probe) tr.resolved = evaluate(this.lab!, probe).ok;
      // A finding made of frames from before the fix: it describes the past, already repaired.
      this.tracked.push(tr);
    }
    this.postFindings();
  }

  private probeFindings(): void {
    for (const tr of this.tracked) if (tr.probe) tr.resolved = evaluate(this.lab!, tr.probe).ok;
    this.postFindings();
  }

  private postFindings(): void {
    const list: FindingView[] = this.tracked.map(({ id, f, resolved }) => ({
      id, kind: f.kind, frame: f.frame, role: f.role, related: [...f.related].slice(0, 40), host: f.host, title: f.title, what: f.what,
      fix: { host: f.fix.host, commands: f.fix.commands, why: f.fix.why }, resolved,
    }));
    const key = JSON.stringify(list.map((x) => [x.id, x.related.length, x.resolved]));
    if (key === this.lastFindings) return;
    this.lastFindings = key;
    this.post({ t: 'findings', findings: list });
  }

  // ---- challenge ------------------------------------------------------------------------------------

  /** The next frame arriving at a director (after the last one asked), as a challenge. */
  challengeNext(): ChallengeView | null {
    const lab = this.lab;
    if (!lab) return null;
    const from = Math.max(lab.capture.firstNo, this.askedUpTo + 1);
    for (const no of challengeCandidates(lab, { from, limit: 200 })) {
      const ch = challengeFor(lab, no);
      if (!ch) continue;
      this.askedUpTo = no;
      const id = ++this.challengeSeq;
      this.challenge = { id, ch };
      return { id, director: ch.director, frame: ch.frame, segmentIn: ch.segmentIn, segmentOut: ch.segmentOut, given: ch.given, ask: ch.ask, choices: ch.choices };
    }
    return null;
  }

  challengeCheck(id: number, guess: Partial<Record<ChallengeField, string>>): ChallengeResultView | null {
    const c = this.challenge;
    if (!c || c.id !== id) return null;
    const r = checkChallenge(c.ch, guess);
    return {
      id, correct: r.correct, score: r.score, total: r.fields.length, fields: r.fields, explain: r.explain,
      action: c.ch.action, answer: c.ch.answer, answerFrame: c.ch.answerFrame,
    };
  }

  // ---- playground ------------------------------------------------------------------------------------

  playgroundOp(op: PlaygroundOp): PlaygroundState {
    const pg = this.playground;
    let picks: Pick[] = [];
    let error: string | undefined;
    try {
      switch (op.op) {
        case 'state': break;
        case 'reset': pg.reset(op.preset ?? { scheduler: 'rr', dests: [{ name: 'RS1', addr: '192.168.137.130:80', weight: 1 }, { name: 'RS2', addr: '192.168.137.200:80', weight: 1 }] }); break;
        case 'scheduler': pg.setScheduler(op.name, op.flags ?? []); break;
        case 'add': pg.addDest(op.name, op.addr, op.weight); break;
        case 'remove': pg.removeDest(op.name); break;
        case 'set': pg.setDest(op.name, { weight: op.weight, active: op.active, inactive: op.inactive, overloaded: op.overloaded }); break;
        case 'fire': picks = pg.fire(Math.max(1, Math.min(100, op.count)), { keep: op.keep, clients: op.clients }); break;
        case 'close': pg.close(op.name); break;
        case 'clear': pg.clearCounters(); break;
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    return { scheduler: pg.scheduler, flags: pg.schedFlags, dests: pg.dests(), info: SCHEDULERS[pg.scheduler], picks, ...(error ? { error } : {}) };
  }
}

// ---- "is it fixed now?" ---------------------------------------------------------------------------

function devWithMac(lab: Lab, host: string, mac: number): string | undefined {
  const h = lab.host(host);
  if (!h) return undefined;
  for (const d of h.devs.values()) if (d.kind === 'ether' && d.mac === mac) return d.name;
  return undefined;
}

/**
 * A check that holds once the lab no longer has the problem `f` describes, made from the
 * finding and its frame; null when there is no such state to look at.
 */
export function probeFor(lab: Lab, f: Finding, p: Pkt | undefined): Check | null {
  const host = f.host;
  switch (f.kind) {
    case 'ip-forward':
      return { sysctl: { host, key: 'net.ipv4.ip_forward', value: 1 } };
    case 'arp-vip': case 'arp-announce': {
      if (!p) return null;
      if (p.arp) {
        const vip = fmtIp(p.arp.spa);
        const dev = devWithMac(lab, host, p.ethSrc) ?? 'eth0';
        return f.kind === 'arp-vip'
          ? { arpAnswers: { host, ip: vip, dev, expect: false } }
          : { sysctl: { host, key: `net.ipv4.conf.${dev}.arp_announce`, value: 2, effective: true } };
      }
      if (p.ip) {
        // The director bypassed: fixed when the real server keeps quiet and the sender no longer has it cached.
        const vip = fmtIp(p.ip.dst);
        const dev = devWithMac(lab, host, p.ethDst) ?? 'eth0';
        const sender = lab.hostById(p.fromHost);
        const parts: Check[] = [{ arpAnswers: { host, ip: vip, dev, expect: false } }];
        if (sender) parts.push({ not: { neighbour: { host: labName(sender), ip: vip, macOf: host } } });
        return { all: parts };
      }
      return null;
    }
    case 'rp-filter': {
      const dev = /conf\.([A-Za-z0-9_.-]+)\.rp_filter/.exec(f.fix.commands[0] ?? '')?.[1] ?? 'eth0';
      const key = `net.ipv4.conf.${dev}.rp_filter`;
      return { any: [{ sysctl: { host, key, value: 0, effective: true } }, { sysctl: { host, key, value: 2, effective: true } }] };
    }
    case 'vip-missing':
      return p?.ip ? { address: { host, cidr: fmtIp(p.ip.dst) } } : null;
    case 'vip-unanswered':
      return p?.ip ? { address: { host, cidr: fmtIp(p.ip.dst) } } : null;
    case 'wrong-method': {
      const m = /-r (\S+) -m/.exec(f.fix.commands[0] ?? '');
      return m ? { not: { ipvsDest: { host, addr: m[1], fwd: 'Route' } } } : null;
    }
    case 'nat-gateway': case 'wrong-source': {
      const via = /via (\d+\.\d+\.\d+\.\d+)/.exec(f.fix.commands[0] ?? '')?.[1];
      if (!via || !p?.ip) return null;
      const client = f.kind === 'nat-gateway' ? p.ip.dst : p.ip.dst;
      return { route: { host: f.fix.host, to: fmtIp(client), via } };
    }
  }
  return null;
}
