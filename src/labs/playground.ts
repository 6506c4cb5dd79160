/**
 * The scheduler playground: all 13 IPVS schedulers on a bench, without a network.
 *
 * A `SchedulerPlayground` is one virtual service with real servers whose weights and
 * connection counters the student sets by hand ("RS1 has 3 open connections"); `fire()`
 * sends new connections and returns, for each one, the kernel scheduler's own decision and
 * explanation (the same code the lab's IPVS runs: src/core/ipvs/sched/), plus the seed's
 * overhead formula filled in with each server's numbers, so a student can check the choice
 * by hand. A fired connection either stays open (counted in ActiveConn) or finishes
 * (InActConn, as a completed curl leaves it for 120 s).
 *
 * `SCHEDULERS` describes each scheduler: the seed's words (quoted), what the kernel really
 * computes, and where the two differ. `explainDecision()` turns a decision of the lab's IPVS
 * (Ipvs.decisions()) into the same table, so the UI shows lab traffic and playground picks
 * alike.
 */
import { Dest } from '../core/ipvs/dest.ts';
import type { Decision } from '../core/ipvs/ipvs.ts';
import { schedulerByName, type SchedEnv, type SchedStep } from '../core/ipvs/sched/index.ts';
import { Service } from '../core/ipvs/service.ts';
import { ConnF, DestF, Fwd, Proto, SH_FALLBACK, SH_PORT, MH_FALLBACK, MH_PORT } from '../core/ipvs/types.ts';
import { fmtIp, parseIpv4, type Ipv4Addr } from '../core/wire/types.ts';
import type { Bi, PlaygroundPreset } from './types.ts';

export type SchedulerName = 'rr' | 'wrr' | 'lc' | 'wlc' | 'sed' | 'nq' | 'sh' | 'dh' | 'mh' | 'lblc' | 'lblcr' | 'fo' | 'ovf';

export interface SchedulerInfo {
  readonly name: SchedulerName;
  readonly title: Bi;
  /** Static: ignores the servers' load; dynamic: reads the connection counters. */
  readonly kind: 'static' | 'dynamic';
  /** What the seed says about it (its own words), if it says anything. */
  readonly seed: string | null;
  /** What the kernel computes. */
  readonly formula: Bi;
  /** Where the seed is wrong or incomplete. */
  readonly correction?: Bi;
  /** Does the value column make sense (an overhead to minimise, a weight to maximise)? */
  readonly value: 'min' | 'max' | 'none';
}

export const SCHEDULERS: Readonly<Record<SchedulerName, SchedulerInfo>> = {
  rr: {
    name: 'rr', kind: 'static', value: 'none',
    title: { en: 'Round robin', zh: '轮询' },
    seed: 'RR:roundrobin 轮询 RS分别被调度,当RS配置有差别时不推荐',
    formula: { en: 'The next real server in the list after the last one chosen (weight 0 = skipped). The list is newest first.', zh: '选上次选中的服务器在列表中的下一台(权重为 0 的跳过)。列表里最后添加的排在最前面。' },
  },
  wrr: {
    name: 'wrr', kind: 'static', value: 'max',
    title: { en: 'Weighted round robin', zh: '加权轮询' },
    seed: 'WRR:Weighted RR,加权轮询根据RS的配置进行加权调度,性能差的RS被调度的次数少',
    formula: { en: 'Round robin over the servers whose weight ≥ a current weight cw, which steps down by gcd(weights) each pass: a server with weight w is chosen w/gcd times per cycle.', zh: '在权重 ≥ 当前权值 cw 的服务器之间轮询,cw 每轮减少所有权重的最大公约数:权重为 w 的服务器每个周期被选中 w/gcd 次。' },
  },
  lc: {
    name: 'lc', kind: 'dynamic', value: 'min',
    title: { en: 'Least connection', zh: '最少连接' },
    seed: 'LC:least connections(最少链接发) 适用于长连接应用Overhead(负载值)=activeconns(活动链接数) x 256+inactiveconns(非活动链接数)',
    formula: { en: 'Overhead = activeconns × 256 + inactconns; the smallest wins (ties: the first in the list). Weights are ignored, except weight 0.', zh: 'Overhead = activeconns × 256 + inactconns,最小者胜出(相同时取列表中靠前的)。不看权重(权重为 0 的除外)。' },
  },
  wlc: {
    name: 'wlc', kind: 'dynamic', value: 'min',
    title: { en: 'Weighted least connection (the default)', zh: '加权最少连接(默认算法)' },
    seed: 'WLC:Weighted LC(权重最少链接) 默认调度方法Overhead=(activeconns x 256+inactiveconns)/weight',
    formula: { en: 'Overhead = (activeconns × 256 + inactconns) / weight; the smallest wins. The kernel compares without dividing: A beats B when overhead(A) × weight(B) < overhead(B) × weight(A).', zh: 'Overhead = (activeconns × 256 + inactconns) / weight,最小者胜出。内核比较时不做除法:当 overhead(A) × weight(B) < overhead(B) × weight(A) 时 A 胜出。' },
  },
  sed: {
    name: 'sed', kind: 'dynamic', value: 'min',
    title: { en: 'Shortest expected delay', zh: '最短期望延迟' },
    seed: 'SED:Shortest Expection Delay, 初始连接高权重优先Overhead=(activeconns+1+inactiveconns) x 256/weight',
    formula: { en: 'Overhead = (activeconns + 1) / weight; the smallest wins. Inactive connections do not count.', zh: 'Overhead = (activeconns + 1) / weight,最小者胜出。非活动连接不计入。' },
    correction: { en: 'The seed adds inactconns; the kernel (ip_vs_sed.c) does not: only active connections + 1. So completed requests never push sed away from the heaviest server.', zh: '笔记的公式里加上了 inactiveconns,内核(ip_vs_sed.c)并没有:只算活动连接数 + 1。所以已经结束的请求不会让 sed 离开权重最高的服务器。' },
  },
  nq: {
    name: 'nq', kind: 'dynamic', value: 'min',
    title: { en: 'Never queue', zh: '永不排队' },
    seed: 'NQ:Never Queue,第一轮均匀分配,后续SED',
    formula: { en: 'The first server in the list with no active connection is chosen at once; if every server is busy, sed: the smallest (activeconns + 1) / weight.', zh: '列表中第一台没有活动连接的服务器立即被选中;如果每台都有活动连接,再按 sed 计算:(activeconns + 1) / weight 最小者。' },
    correction: { en: '"First round evenly distributed" is not quite it: an idle server is taken at once, and it is always the first idle one in the list — with short requests (never active for long) that is the same server every time.', zh: '\"第一轮均匀分配\"并不准确:空闲的服务器会被立即选中,而且总是列表中第一台空闲的——如果请求都很短(很快就不再活动),每次选中的都是同一台。' },
  },
  sh: {
    name: 'sh', kind: 'static', value: 'none',
    title: { en: 'Source hashing', zh: '源地址哈希' },
    seed: 'SH:Source Hashing,实现session sticky,源IP地址hash;将来自于同一个IP地址的请求始终发往第一次挑中的RS,从而实现会话绑定',
    formula: { en: 'bucket = hash(client address) mod 256; a table built from the server list (each server fills `weight` consecutive buckets) gives the server. Same client → same bucket → same server.', zh: 'bucket = hash(客户端地址) mod 256;由服务器列表建立的一张表(每台服务器占 weight 个连续的桶)给出对应的服务器。同一客户端 → 同一个桶 → 同一台服务器。' },
    correction: { en: 'Not "the RS chosen the first time": the server is fixed by the hash table, before any request. Adding or removing a server rebuilds the table and moves clients.', zh: '并不是\"第一次挑中的 RS\":服务器由哈希表决定,在任何请求之前就已确定。增删服务器会重建哈希表,客户端也会随之移动。' },
  },
  dh: {
    name: 'dh', kind: 'static', value: 'none',
    title: { en: 'Destination hashing', zh: '目标地址哈希' },
    seed: 'DH:Destination Hashing;目标地址哈希,第一次轮询调度至RS,后续将发往同一个目标地址的请求始终转发至第一次挑中的RS,典型使用场景是正向代理缓存场景中的负载均衡,如:宽带运营商',
    formula: { en: 'bucket = hash(destination address) mod 256 → server (the table ignores weights). With one VIP every connection goes to the same server.', zh: 'bucket = hash(目标地址) mod 256 → 服务器(这张表不考虑权重)。只有一个 VIP 时,所有连接都去同一台服务器。' },
    correction: { en: 'There is no "first round robin": the hash table decides, as for sh.', zh: '并没有\"第一次轮询\":和 sh 一样由哈希表决定。' },
  },
  mh: {
    name: 'mh', kind: 'static', value: 'none',
    title: { en: 'Maglev hashing', zh: 'Maglev 哈希' },
    seed: null,
    formula: { en: 'Google\'s Maglev: a lookup table of 4093 slots filled from each server\'s own permutation (weights give more slots); slot = hash(client) mod 4093. Like sh, but removing a server moves only its own clients.', zh: 'Google 的 Maglev 算法:一张 4093 个槽位的查找表,按每台服务器自己的排列顺序填充(权重大的占更多槽位);槽位 = hash(客户端) mod 4093。和 sh 类似,但删掉一台服务器时只有它的客户端会移动。' },
  },
  lblc: {
    name: 'lblc', kind: 'dynamic', value: 'min',
    title: { en: 'Locality-based least connection', zh: '基于局部性的最少连接' },
    seed: 'LBLC:Locality-Based LC,动态的DH算法,使用场景:根据负载状态实现正向代理',
    formula: { en: 'Remembers a server per destination address; uses it unless it is overloaded (active > weight while another server is below half its weight), otherwise picks by wlc and remembers the new one.', zh: '为每个目标地址记住一台服务器;只要它没有过载(活动连接数 > 权重,且另有服务器低于其权重的一半)就继续用它,否则按 wlc 重新选择并记住新的。' },
  },
  lblcr: {
    name: 'lblcr', kind: 'dynamic', value: 'min',
    title: { en: 'LBLC with replication', zh: '带复制的 LBLC' },
    seed: 'LBLCR:LBLC with Replication,带复制功能的LBLC,解决LBLC负载不均衡问题,从负载重的复制到负载轻的RS',
    formula: { en: 'Like lblc, but a destination address maps to a set of servers: the least loaded of the set is used; when it is overloaded a server chosen by wlc joins the set.', zh: '和 lblc 类似,但一个目标地址对应一组服务器:使用组内负载最轻的;它过载时,按 wlc 选出的服务器加入这一组。' },
  },
  fo: {
    name: 'fo', kind: 'static', value: 'max',
    title: { en: 'Weighted fail over', zh: '加权故障转移' },
    seed: 'FO(Weighted Fai Over)调度算法:常用作灰度发布 在此FO算法中,遍历虚拟服务所关联的真实服务器链表,找到还未过载(未设置IP_VS_DEST_F OVERLOAD标志)的且权重最高的真实服务器,进行调度',
    formula: { en: 'The server with the highest weight that is not marked OVERLOAD (ties: the first in the list). All traffic goes to one server until it fails or is quiesced.', zh: '权重最高且没有 OVERLOAD 标记的服务器(相同时取列表中靠前的)。所有流量都发给这一台,直到它出故障或被设为权重 0。' },
  },
  ovf: {
    name: 'ovf', kind: 'dynamic', value: 'max',
    title: { en: 'Overflow connection', zh: '溢出连接' },
    seed: 'OVF(Overflow-connection)调度算法基于真实服务器的活动连接数量和权重值实现。将新连接调度到权重值最高的真实服务器,直到其活动连接数量超过权重值,之后调度到下一个权重值最高的真实服务器',
    formula: { en: 'Among servers that are not OVERLOAD, have weight > 0 and activeconns ≤ weight: the highest weight. Only active connections count.', zh: '在没有 OVERLOAD 标记、权重 > 0 且 activeconns ≤ 权重的服务器中,选权重最高的。只计算活动连接。' },
    correction: { en: 'The seed\'s condition list says "active connections less than the weight"; the kernel (ip_vs_ovf.c) skips a server only when activeconns > weight, so it still takes a connection when they are equal.', zh: '笔记的条件列表里写的是\"活动连接数量小于其权重值\";内核(ip_vs_ovf.c)只在 activeconns > 权重时才跳过,所以两者相等时仍会接收新连接。' },
  },
};

export const SCHEDULER_ORDER: readonly SchedulerName[] = ['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'sh', 'dh', 'mh', 'lblc', 'lblcr', 'fo', 'ovf'];

/** One real server's row in a decision: the scheduler's figures and the seed's formula with numbers. */
export interface DecisionRow {
  /** "RS1" when known, else the address:port. */
  readonly name: string;
  readonly dest: string;
  readonly weight: number;
  readonly active: number;
  readonly inactive: number;
  /** The formula with this server's numbers: "(0×256+3)/1 = 3". */
  readonly expr: string | null;
  /** The scheduler's own figure ("bucket 191") or note ("weight 0 (quiesced)"). */
  readonly kernel: string | null;
  readonly chosen: boolean;
}

export interface DecisionView {
  readonly scheduler: string;
  readonly chosen: string | null;
  readonly chosenName: string | null;
  /** The kernel's one-line explanation. */
  readonly text: string;
  readonly rows: readonly DecisionRow[];
  readonly bucket?: number;
  /** Set when a persistence template decided (no scheduler ran). */
  readonly template?: string;
  readonly info?: SchedulerInfo;
}

/** The formula of a scheduler with one server's numbers. */
export function formulaFor(sched: string, s: { weight: number; active: number; inactive: number }): string | null {
  const { weight: w, active: a, inactive: i } = s;
  const q = (n: number, d: number) => (d === 0 ? '∞' : Number.isInteger(n / d) ? String(n / d) : (n / d).toFixed(2));
  switch (sched) {
    case 'lc': return `${a}×256+${i} = ${a * 256 + i}`;
    case 'wlc': case 'lblc': case 'lblcr': return `(${a}×256+${i})/${w} = ${q(a * 256 + i, w)}`;
    case 'sed': return `(${a}+1)/${w} = ${q(a + 1, w)}`;
    case 'nq': return a === 0 ? `active 0: idle` : `(${a}+1)/${w} = ${q(a + 1, w)}`;
    case 'fo': return `weight ${w}`;
    case 'ovf': return `weight ${w}, active ${a} ${a > w ? '>' : '≤'} ${w}`;
    case 'wrr': return `weight ${w}`;
    default: return null;
  }
}

/**
 * Rows in list order: the scheduler's steps, and (when `all` is given: the playground knows
 * the whole list) the servers the scheduler did not need to look at.
 */
function rowsOf(sched: string, steps: readonly SchedStep[], chosen: string | null, nameOf: (dest: string) => string, all?: readonly SchedStep[]): DecisionRow[] {
  const byDest = new Map<string, SchedStep>();
  for (const s of steps) {
    const prev = byDest.get(s.dest);
    byDest.set(s.dest, prev ? { ...prev, value: prev.value ?? s.value, note: s.note ?? prev.note } : s);
  }
  const order = all ? all.map((a) => byDest.get(a.dest) ?? a) : [...byDest.values()];
  const rows: DecisionRow[] = [];
  for (const s of order) {
    const kernel = [s.value, s.note && s.note !== 'chosen' ? s.note : null].filter(Boolean).join('; ') || null;
    rows.push({
      name: nameOf(s.dest), dest: s.dest, weight: s.weight, active: s.active, inactive: s.inactive,
      expr: formulaFor(sched, { weight: s.weight, active: s.active, inactive: s.inactive }), kernel, chosen: s.dest === chosen,
    });
  }
  return rows;
}

/** A decision of the lab's IPVS (Ipvs.decisions()) as a table; `nameOf` maps "addr:port" to a host name. */
export function explainDecision(d: Decision, nameOf: (dest: string) => string = (x) => x): DecisionView {
  const r = d.sched;
  const sched = r ? r.text.split(':')[0] : 'persistence';
  const info = (SCHEDULERS as Record<string, SchedulerInfo>)[sched];
  if (!r) {
    return { scheduler: sched, chosen: d.dest, chosenName: d.dest ? nameOf(d.dest) : null, text: d.text, rows: [], template: d.template ?? undefined };
  }
  return {
    scheduler: sched, chosen: d.dest, chosenName: d.dest ? nameOf(d.dest) : null, text: r.text,
    rows: rowsOf(sched, r.steps, d.dest, nameOf), bucket: r.bucket, template: d.template ?? undefined, info,
  };
}

// ---- the playground ------------------------------------------------------------------------

export interface PlayDest {
  readonly name: string;
  readonly addr: string;
  readonly weight: number;
  readonly active: number;
  readonly inactive: number;
  readonly overloaded: boolean;
}

export interface Pick extends DecisionView {
  /** 1-based number of the connection since the last reset. */
  readonly n: number;
  readonly client: string;
}

const FLAG_BITS: Record<string, number> = { 'sh-fallback': SH_FALLBACK, 'sh-port': SH_PORT, 'mh-fallback': MH_FALLBACK, 'mh-port': MH_PORT };

/**
 * A virtual service on a bench. Real servers are listed as the kernel keeps them: the one
 * added last first (that is why rr starts with it). Counters are whatever the student sets
 * plus what fired connections add.
 */
export class SchedulerPlayground {
  private svc!: Service;
  private readonly byDest = new Map<Dest, string>();
  private n = 0;
  private now = 0;
  readonly vip: string;
  readonly port: number;
  private schedName: SchedulerName = 'rr';
  private flags: string[] = [];

  constructor(preset?: PlaygroundPreset, opts: { vip?: string; port?: number } = {}) {
    this.vip = opts.vip ?? '192.168.1.100';
    this.port = opts.port ?? 80;
    this.reset(preset ?? {
      scheduler: 'rr',
      dests: [{ name: 'RS1', addr: '192.168.137.130:80', weight: 1 }, { name: 'RS2', addr: '192.168.137.200:80', weight: 1 }],
    });
  }

  private env(): SchedEnv {
    return { now: this.now, lblcExpiration: () => 86400e6, lblcrExpiration: () => 86400e6 };
  }

  /** Start over from a preset: the servers are added in the order listed (so the last is the list head). */
  reset(p: PlaygroundPreset): void {
    this.svc = new Service(Proto.TCP, parseIpv4(this.vip)! as Ipv4Addr, this.port, 0);
    this.byDest.clear();
    this.n = 0;
    this.setScheduler(p.scheduler as SchedulerName, p.flags ?? []);
    for (const d of p.dests) this.addDest(d.name, d.addr, d.weight, { active: d.active, inactive: d.inactive, overloaded: d.overloaded });
  }

  get scheduler(): SchedulerName { return this.schedName; }

  /** `ipvsadm -E -s NAME [-b FLAGS]`: the scheduler's state starts afresh. */
  setScheduler(name: SchedulerName, flags: readonly string[] = []): void {
    const s = schedulerByName(name);
    if (!s) throw new Error(`unknown scheduler ${name}`);
    this.svc.sched?.done?.(this.svc);
    this.schedName = name;
    this.flags = [...flags];
    this.svc.flags = flags.reduce((f, x) => f | (FLAG_BITS[x] ?? 0), 0);
    this.svc.sched = s;
    s.init(this.svc, this.env());
  }

  /** `ipvsadm -a`: the new server goes to the head of the list. */
  addDest(name: string, addr: string, weight: number, counters: { active?: number; inactive?: number; overloaded?: boolean } = {}): void {
    const m = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(addr);
    if (!m) throw new Error(`bad address ${addr}`);
    const d = new Dest(parseIpv4(m[1])! as Ipv4Addr, m[2] ? Number(m[2]) : this.port);
    d.weight = weight;
    d.lastWeight = weight || 1;
    d.connFlags = Fwd.MASQ | ConnF.INACTIVE;
    d.flags = DestF.AVAILABLE | (counters.overloaded ? DestF.OVERLOAD : 0);
    d.activeConns = counters.active ?? 0;
    d.inactConns = counters.inactive ?? 0;
    d.svc = this.svc;
    this.svc.dests.unshift(d);
    this.byDest.set(d, name);
    this.svc.sched?.addDest?.(this.svc, d);
  }

  /** `ipvsadm -d` */
  removeDest(name: string): void {
    const d = this.find(name);
    const i = this.svc.dests.indexOf(d);
    this.svc.dests.splice(i, 1);
    this.byDest.delete(d);
    this.svc.sched?.delDest?.(this.svc, d, i);
  }

  /** `ipvsadm -e ... -w W`, or a student setting the counters by hand. */
  setDest(name: string, change: { weight?: number; active?: number; inactive?: number; overloaded?: boolean }): void {
    const d = this.find(name);
    if (change.weight !== undefined) { d.weight = change.weight; if (change.weight) d.lastWeight = change.weight; }
    if (change.active !== undefined) d.activeConns = change.active;
    if (change.inactive !== undefined) d.inactConns = change.inactive;
    if (change.overloaded !== undefined) d.flags = change.overloaded ? d.flags | DestF.OVERLOAD : d.flags & ~DestF.OVERLOAD;
    if (change.weight !== undefined) this.svc.sched?.updDest?.(this.svc, d);
  }

  /** All connections finished and expired: counters back to 0 (the scheduler keeps its state). */
  clearCounters(): void {
    for (const d of this.svc.dests) { d.activeConns = 0; d.inactConns = 0; }
  }

  /** The servers in kernel list order (newest first). */
  dests(): PlayDest[] {
    return this.svc.dests.map((d) => ({ name: this.byDest.get(d)!, addr: d.label, weight: d.weight, active: d.activeConns, inactive: d.inactConns, overloaded: d.overloaded }));
  }

  /**
   * New connections: each is scheduled as the kernel would, then counted on its server
   * (`keep: 'active'` — it stays open; `'inactive'` — it finished, as a completed curl).
   * `clients` are the source addresses to use in turn (sh and mh hash them).
   */
  fire(count = 1, opts: { keep?: 'active' | 'inactive'; clients?: readonly string[]; sport?: number } = {}): Pick[] {
    const out: Pick[] = [];
    const clients = opts.clients?.length ? opts.clients : ['192.168.1.111'];
    for (let k = 0; k < count; k++) {
      const client = clients[(this.n) % clients.length];
      const sport = opts.sport ?? 40000 + this.n;
      this.n++;
      this.now += 100_000;
      const pkt = { proto: Proto.TCP, saddr: parseIpv4(client)!, sport, daddr: this.svc.addr, dport: this.port };
      const r = this.svc.sched!.schedule(this.svc, pkt, this.env());
      const chosen = r.dest ? r.dest.label : null;
      const nameOf = (label: string) => { for (const [d, n] of this.byDest) if (d.label === label) return n; return label; };
      out.push({
        n: this.n, client: `${client}:${sport}`, scheduler: this.schedName, chosen, chosenName: r.dest ? this.byDest.get(r.dest) ?? chosen : null,
        text: r.text, rows: rowsOf(this.schedName, r.steps, chosen, nameOf, this.svc.dests.map((d) => ({ dest: d.label, weight: d.weight, active: d.activeConns, inactive: d.inactConns }))),
        bucket: r.bucket, info: SCHEDULERS[this.schedName],
      });
      if (r.dest) { if ((opts.keep ?? 'inactive') === 'active') r.dest.activeConns++; else r.dest.inactConns++; }
    }
    return out;
  }

  /** Close `n` open connections of a server (active → inactive, as when a client disconnects). */
  close(name: string, n = 1): void {
    const d = this.find(name);
    const k = Math.min(n, d.activeConns);
    d.activeConns -= k;
    d.inactConns += k;
  }

  private find(name: string): Dest {
    for (const [d, n] of this.byDest) if (n === name) return d;
    throw new Error(`no real server ${name}`);
  }

  /** The flags given to setScheduler. */
  get schedFlags(): readonly string[] { return this.flags; }
}

/** "192.168.137.130:80" → "RS1" using the lab's hosts (for explainDecision). */
export function destNamer(hosts: readonly { name: string; addrs: readonly number[] }[]): (dest: string) => string {
  return (dest) => {
    const a = parseIpv4(dest.split(':')[0]);
    const h = a === null ? undefined : hosts.find((x) => x.addrs.includes(a));
    return h ? h.name : dest;
  };
}

export { fmtIp };
