/**
 * Frames moving on the topology (d3): each hop the worker reports travels from the sender's
 * NIC down its wire, along the network's bar, and up the receiver's wire (a broadcast fans
 * out to every NIC on the network), coloured by protocol and labelled with what matters at
 * that hop. When the sender changed the packet it received (IPVS at the director), a callout
 * at the sender says what: that is where the label changes.
 *
 * Cost model (software-rendered school PCs): a requestAnimationFrame loop (d3.timer) runs
 * only while something is in flight and stops by itself; only transforms change per frame;
 * labels are drawn for the newest few packets only; no filters, blur or shadows.
 */
import { easeCubicInOut, select, timer, type Selection, type Timer } from 'd3';
import type { Hop } from '../../worker/protocol.ts';
import { DROP_COLOR, PROTO_COLOR } from '../theme.ts';
import { wire, type Rect, type XY } from '../topology/layout.ts';

/** What the animator needs to know about the drawing: where things are now. */
export interface AnimGeometry {
  /** Host node's rectangle (flow coordinates) by host id. */
  hostRect(hostId: number): Rect | null;
  /** The NIC's host id, network node rectangle, and its slot among the host's NICs on that network. */
  nic(nicId: number): { hostId: number; seg: Rect; slot: number; slots: number } | null;
  /** The right edge of what is visible (flow coordinates): labels that would cross it go left. */
  rightEdge?(): number;
}

interface Packet {
  readonly key: number;
  readonly hop: Hop;
  readonly paths: XY[][];
  readonly lengths: number[];
  readonly t0: number;
  readonly dur: number;
  readonly color: string;
  readonly labelled: boolean;
  hovered: boolean;
  /** Its elements, kept so a frame of animation touches the DOM directly (no d3 join per frame). */
  el?: SVGGElement;
  dots?: SVGCircleElement[];
  lab?: SVGGElement;
  /** Width of the drawn label (0 when none). */
  labelW?: number;
}

interface Callout { key: number; host: number; text: string; t0: number; dur: number; el?: SVGGElement }

const MAX_IN_FLIGHT = 600;
const LABELLED = 6;
const CHAR_W = 6.6;

function pathLength(p: XY[]): number {
  let l = 0;
  for (let i = 1; i < p.length; i++) l += Math.hypot(p[i].x - p[i - 1].x, p[i].y - p[i - 1].y);
  return l;
}

function along(p: XY[], len: number, f: number): XY {
  let d = f * len;
  for (let i = 1; i < p.length; i++) {
    const a = p[i - 1], b = p[i];
    const s = Math.hypot(b.x - a.x, b.y - a.y);
    if (d <= s || i === p.length - 1) {
      const k = s === 0 ? 1 : Math.min(1, d / s);
      return { x: a.x + (b.x - a.x) * k, y: a.y + (b.y - a.y) * k };
    }
    d -= s;
  }
  return p[p.length - 1];
}

export class Animator {
  private readonly root: Selection<SVGGElement, unknown, null, undefined>;
  private readonly pktLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly calloutLayer: Selection<SVGGElement, unknown, null, undefined>;
  private packets: Packet[] = [];
  private callouts: Callout[] = [];
  private loop: Timer | null = null;
  private seq = 0;
  expanded = false;
  /** Real ms a hop takes at speed 1 (the worker holds the lab this long). */
  hopMs = 650;
  speed = 1;
  onSelect: (no: number) => void = () => {};
  /** Frames drawn by the loop (bench). */
  framesDrawn = 0;
  /** Hops that could not be placed on the drawing (a NIC or node not on it), with why. */
  readonly skipped: string[] = [];

  constructor(svgGroup: SVGGElement, private readonly geo: AnimGeometry, private readonly now: () => number = () => performance.now()) {
    this.root = select(svgGroup);
    this.calloutLayer = this.root.append('g').attr('class', 'callouts');
    this.pktLayer = this.root.append('g').attr('class', 'pkts');
  }

  get inFlight(): number { return this.packets.length; }

  /** Start animating hops (newest last). */
  add(hops: readonly Hop[]): void {
    const t = this.now();
    const dur = this.hopMs / Math.max(0.05, this.speed);
    for (const hop of hops) {
      const p = this.route(hop);
      if (!p) { this.skipped.push(`${hop.no}: ${this.why}`); if (this.skipped.length > 50) this.skipped.shift(); continue; }
      const drop = hop.drop !== undefined || hop.toNics.length === 0;
      this.packets.push({
        key: ++this.seq, hop, paths: p, lengths: p.map(pathLength), t0: t, dur,
        color: drop ? DROP_COLOR : PROTO_COLOR[hop.cls], labelled: false, hovered: false,
      });
      if (hop.rewrite) this.callouts.push({ key: this.seq, host: hop.fromHost, text: hop.rewrite, t0: t, dur: dur * 1.6 });
    }
    if (this.callouts.some((c) => !c.el)) this.drawCallouts();
    if (this.packets.length > MAX_IN_FLIGHT) this.packets.splice(0, this.packets.length - MAX_IN_FLIGHT);
    // Only the newest few carry a label: 200 labels in flight would be unreadable and slow.
    const n = this.packets.length;
    for (let i = 0; i < n; i++) (this.packets[i] as { labelled: boolean }).labelled = i >= n - LABELLED;
    this.join();
    this.start();
  }

  private why = '';

  private route(hop: Hop): XY[][] | null {
    const from = this.geo.nic(hop.fromNic);
    if (!from) { this.why = `no NIC ${hop.fromNic}`; return null; }
    const fr = this.geo.hostRect(from.hostId);
    if (!fr) { this.why = `no box for host ${from.hostId}`; return null; }
    const [a, b] = wire(fr, from.seg, from.slot, from.slots);
    const paths: XY[][] = [];
    for (const id of hop.toNics) {
      const to = this.geo.nic(id);
      if (!to) continue;
      const tr = this.geo.hostRect(to.hostId);
      if (!tr) continue;
      const [d, c] = wire(tr, to.seg, to.slot, to.slots);
      paths.push([a, b, c, d]);
    }
    if (paths.length === 0) {
      // Nobody took it: it dies on the network.
      const mid = { x: from.seg.x + from.seg.w / 2, y: b.y };
      paths.push([a, b, { x: (b.x + mid.x) / 2, y: b.y }]);
    }
    return paths;
  }

  private start(): void {
    if (this.loop) return;
    this.loop = timer(() => this.tick());
  }

  private stop(): void {
    this.loop?.stop();
    this.loop = null;
  }

  private join(): void {
    const self = this;
    const sel = this.pktLayer.selectAll<SVGGElement, Packet>('g.pkt').data(this.packets, (d) => d.key);
    sel.exit().remove();
    const g = sel.enter().append('g')
      .attr('class', (d) => `pkt pkt--${d.hop.cls}${d.hop.drop ? ' pkt--drop' : ''}`)
      .attr('data-no', (d) => d.hop.no)
      .on('click', (_e, d) => self.onSelect(d.hop.no))
      .on('pointerenter', function (_e, d) { d.hovered = true; self.label(this, d); })
      .on('pointerleave', function (_e, d) { d.hovered = false; self.label(this, d); });
    g.each(function (d) {
      const s = select(this);
      d.el = this;
      d.dots = [];
      for (let i = 0; i < d.paths.length; i++) d.dots.push(s.append('circle').attr('r', 5.5).attr('fill', d.color).attr('class', 'pkt__dot').node()!);
      d.lab = s.append('g').attr('class', 'pkt__label').node()!;
    });
    const all = g.merge(sel);
    all.each(function (d) { self.label(this, d); });
  }

  private label(el: SVGGElement, d: Packet): void {
    const l = select(el).select<SVGGElement>('g.pkt__label');
    const show = d.labelled || d.hovered;
    const wantLines = show ? [d.hop.label, ...(this.expanded || d.hovered ? [d.hop.macs] : []), ...(d.hop.drop ? [`✕ ${d.hop.drop}`] : [])] : [];
    const key = wantLines.join('\n');
    if (l.attr('data-k') === key) return;
    l.attr('data-k', key);
    l.selectAll('*').remove();
    d.labelW = 0;
    if (!wantLines.length) return;
    const w = Math.max(...wantLines.map((x) => x.length)) * CHAR_W + 10;
    d.labelW = w;
    l.append('rect').attr('class', 'pkt__bg').attr('x', 8).attr('y', -22).attr('rx', 3).attr('width', w).attr('height', wantLines.length * 14 + 6)
      .attr('stroke', d.color);
    wantLines.forEach((line, i) => {
      l.append('text').attr('class', i === 0 ? 'pkt__text' : 'pkt__sub').attr('x', 13).attr('y', -10 + i * 14).text(line);
    });
  }

  private tick(): void {
    const t = this.now();
    this.framesDrawn++;
    let ended = false;
    const right = this.geo.rightEdge?.() ?? Infinity;
    for (const d of this.packets) {
      const k = (t - d.t0) / d.dur;
      if (k >= 1) { ended = true; continue; }
      const f = easeCubicInOut(k);
      const dots = d.dots!;
      let fx = 0, fy = 0;
      for (let i = 0; i < d.paths.length; i++) {
        const p = along(d.paths[i], d.lengths[i], f);
        if (i === 0) { fx = p.x; fy = p.y; }
        dots[i].setAttribute('cx', p.x.toFixed(1));
        dots[i].setAttribute('cy', p.y.toFixed(1));
      }
      if (d.lab!.firstChild) {
        const lx = fx + 8 + (d.labelW ?? 0) > right ? fx - (d.labelW ?? 0) - 16 : fx;
        d.lab!.setAttribute('transform', `translate(${lx.toFixed(1)},${fy.toFixed(1)})`);
      }
    }
    if (ended) {
      const live: Packet[] = [];
      for (const d of this.packets) { if ((t - d.t0) / d.dur >= 1) d.el?.remove(); else live.push(d); }
      this.packets = live;
    }
    if (this.callouts.length) {
      const before = this.callouts.length;
      this.callouts = this.callouts.filter((c) => { if (t - c.t0 < c.dur) return true; c.el?.remove(); return false; });
      if (this.callouts.length !== before || this.callouts.some((c) => !c.el)) this.drawCallouts();
      else this.placeCallouts();
    }
    if (this.packets.length === 0 && this.callouts.length === 0) this.stop();
  }

  private drawCallouts(): void {
    const sel = this.calloutLayer.selectAll<SVGGElement, Callout>('g.callout').data(this.callouts, (d) => d.key);
    sel.exit().remove();
    const g = sel.enter().append('g').attr('class', 'callout');
    g.each(function (d) {
      const s = select(this);
      d.el = this;
      const text = `✎ ${d.text}`;
      (d as Callout & { w?: number }).w = text.length * CHAR_W + 14;
      s.append('rect').attr('class', 'callout__bg').attr('rx', 4).attr('width', text.length * CHAR_W + 14).attr('height', 20).attr('y', -24);
      s.append('text').attr('class', 'callout__text').attr('x', 7).attr('y', -10).text(text);
    });
    this.placeCallouts();
  }

  /** Callouts sit on the top right of the sending host (which the student may be dragging). */
  private placeCallouts(): void {
    const right = this.geo.rightEdge?.() ?? Infinity;
    for (const c of this.callouts) {
      const r = this.geo.hostRect(c.host);
      const w = (c as Callout & { w?: number }).w ?? 0;
      const x = r ? Math.max(r.x - 10, Math.min(r.x + r.w - 10, right - w - 4)) : -9999;
      c.el?.setAttribute('transform', r ? `translate(${x.toFixed(1)},${(r.y - 2).toFixed(1)})` : 'translate(-9999,-9999)');
    }
  }

  /** Redraw labels (expanded MACs toggled). */
  relabel(): void {
    const self = this;
    this.pktLayer.selectAll<SVGGElement, Packet>('g.pkt').each(function (d) { self.label(this, d); });
  }

  clear(): void {
    this.packets = [];
    this.callouts = [];
    this.join();
    this.drawCallouts();
    this.stop();
    this.pktLayer.selectAll('*').remove();
  }

  dispose(): void {
    this.stop();
    this.root.selectAll('*').remove();
  }
}
