/**
 * Challenge mode: a frame arrives at the director; before showing the next one, ask the
 * student to predict the addresses of the frame the director sends because of it — MACs, IP
 * addresses, ports (and for TUN the outer header) — then check the answer field by field,
 * explaining each.
 *
 * Everything comes from the capture: the frame in, and the frame out it caused, paired by
 * IP identification and TCP sequence numbers (traffic.ts `pairOut`). What the director did —
 * NAT, DR, TUN, FULLNAT, a NAT or FULLNAT reply, plain routing — is read from what changed,
 * and names for the addresses come from the lab (which host has that MAC or IP; the VIP).
 */
import type { Lab } from '../core/lab/lab.ts';
import { PRESETS, type PresetName } from '../core/lab/presets.ts';
import { Ipvs } from '../core/ipvs/ipvs.ts';
import { fmtIp, fmtMac, parseIpv4, parseMac } from '../core/wire/types.ts';
import { labName, trafficOf, type Pkt } from './traffic.ts';
import type { Bi } from './types.ts';

export interface Endpoints {
  readonly ethSrc: string;
  readonly ethDst: string;
  readonly ipSrc: string;
  readonly ipDst: string;
  readonly sport?: number;
  readonly dport?: number;
  /** TUN: the outer (tunnel) header's addresses. */
  readonly outerSrc?: string;
  readonly outerDst?: string;
}

export type ChallengeField = keyof Endpoints;

export type DirectorAction = 'NAT' | 'NAT reply' | 'DR' | 'TUN' | 'FULLNAT' | 'FULLNAT reply' | 'routing';

export interface Choice {
  readonly value: string;
  /** "RS1 eth0", "VIP", "client". */
  readonly label: string;
}

export interface Challenge {
  readonly director: string;
  /** The frame arriving at the director (show it). */
  readonly frame: number;
  /** The frame the director sent because of it (hide it until checked). */
  readonly answerFrame: number;
  readonly segmentIn: string;
  readonly segmentOut: string;
  /** The arriving frame's addresses. */
  readonly given: Endpoints;
  /** The fields to predict, in display order. */
  readonly ask: readonly ChallengeField[];
  /** Values to offer in drop-downs (every MAC and IPv4 address of the lab, named). */
  readonly choices: { readonly mac: readonly Choice[]; readonly ip: readonly Choice[] };
  /** What the director did (hide it until checked: it gives the answer away). */
  readonly action: DirectorAction;
  readonly answer: Endpoints;
  readonly explain: Bi;
}

export interface FieldResult {
  readonly field: ChallengeField;
  readonly expected: string;
  readonly given: string | null;
  readonly ok: boolean;
  readonly why: Bi;
}

export interface ChallengeResult {
  readonly correct: boolean;
  readonly score: number;
  readonly fields: readonly FieldResult[];
  readonly explain: Bi;
}

function endpoints(p: Pkt): Endpoints {
  const l4 = p.tcp ?? p.udp;
  return {
    ethSrc: fmtMac(p.ethSrc), ethDst: fmtMac(p.ethDst),
    ipSrc: fmtIp(p.ip!.src), ipDst: fmtIp(p.ip!.dst),
    ...(l4 ? { sport: l4.sport, dport: l4.dport } : {}),
    ...(p.encap ? { outerSrc: fmtIp(p.encap.src), outerDst: fmtIp(p.encap.dst) } : {}),
  };
}

function vipsOf(lab: Lab): Set<number> {
  const s = new Set<number>();
  for (const h of lab.hosts) for (const svc of Ipvs.of(h)?.services() ?? []) if (!svc.fwmark) s.add(svc.addr);
  const pv = PRESETS[lab.preset as PresetName]?.vip;
  if (pv) s.add(parseIpv4(pv)!);
  return s;
}

function isDirector(lab: Lab, hostId: number): boolean {
  const h = lab.hostById(hostId);
  return !!h && ((Ipvs.of(h)?.services().length ?? 0) > 0 || h.role === 'director');
}

/** Every MAC and address of the lab, named. */
function choicesOf(lab: Lab): Challenge['choices'] {
  const vips = vipsOf(lab);
  const mac: Choice[] = [];
  const ip = new Map<string, string[]>();
  for (const h of lab.hosts) {
    const n = labName(h);
    for (const d of h.devs.values()) {
      if (d.kind === 'ether') mac.push({ value: fmtMac(d.mac), label: `${n} ${d.name}` });
      for (const a of d.addrs) {
        if (a.scope === 'host') continue;
        const v = fmtIp(a.addr);
        ip.set(v, [...(ip.get(v) ?? []), `${n} ${d.name}`]);
      }
    }
  }
  for (const v of vips) if (!ip.has(fmtIp(v))) ip.set(fmtIp(v), []);
  return {
    mac,
    ip: [...ip.entries()].map(([value, ls]) => ({ value, label: vips.has(parseIpv4(value)!) ? `VIP${ls.length ? ` (on ${ls.join(', ')})` : ''}` : ls.join(', ') })),
  };
}

function actionOf(lab: Lab, p: Pkt, q: Pkt, vips: Set<number>): DirectorAction {
  if (q.encap && !p.encap) return 'TUN';
  const s = p.ip!.src !== q.ip!.src, d = p.ip!.dst !== q.ip!.dst;
  if (s && d) return vips.has(p.ip!.dst) ? 'FULLNAT' : 'FULLNAT reply';
  if (d) return 'NAT';
  if (s) return 'NAT reply';
  const dir = lab.hostById(q.fromHost);
  return vips.has(p.ip!.dst) && dir?.isLocal(p.ip!.dst) ? 'DR' : 'routing';
}

const EXPLAIN: Record<DirectorAction, Bi> = {
  NAT: { en: 'NAT: the director picked a real server and rewrote the destination address (and port, if mapped) to it; the source is still the client. The frame leaves on the real servers\' network, from the director\'s MAC to the real server\'s.', zh: 'NAT:调度器选定一台真实服务器,把目标地址(以及映射的端口)改写成它的;源地址仍是客户端。帧从真实服务器所在的网络发出,源 MAC 是调度器的,目标 MAC 是真实服务器的。' },
  'NAT reply': { en: 'A NAT reply: the real server answered the client through the director, which rewrote the source address and port back to the VIP\'s. The destination stays the client; the frame goes to the next hop towards it.', zh: 'NAT 的应答:真实服务器经由调度器回应客户端,调度器把源地址和端口改回 VIP 的;目标仍是客户端,帧发往去客户端路上的下一跳。' },
  DR: { en: 'DR: nothing in the IP packet changes — client → VIP, same ports. Only the Ethernet header: the director\'s MAC as source, the chosen real server\'s MAC as destination.', zh: 'DR:IP 包里什么都不变——客户端 → VIP,端口也一样。只改以太网头:源 MAC 是调度器的,目标 MAC 是被选中的真实服务器的。' },
  TUN: { en: 'TUN: the client\'s packet is untouched inside; the director wraps it in a new IP header from its own address to the real server\'s (protocol 4) and sends that to the real server\'s MAC.', zh: 'TUN:客户端的包原封不动地放在里面;调度器在外面加一层新的 IP 头,从自己的地址发往真实服务器的地址(协议号 4),发给真实服务器的 MAC。' },
  FULLNAT: { en: 'FULLNAT: both addresses are rewritten: the source becomes the director\'s local address (with a port it chose), the destination the real server\'s.', zh: 'FULLNAT:两个地址都被改写:源地址换成调度器的本地地址(端口由它选择),目标地址换成真实服务器的。' },
  'FULLNAT reply': { en: 'A FULLNAT reply: the real server answered the director\'s local address; the director translates it back to VIP → client, with the client\'s port.', zh: 'FULLNAT 的应答:真实服务器回应的是调度器的本地地址;调度器把它转换回 VIP → 客户端,端口也换回客户端的。' },
  routing: { en: 'Plain routing: the director forwards the packet unchanged (apart from the TTL); only the Ethernet header is new, for the next hop.', zh: '普通路由:调度器原样转发这个包(只有 TTL 减一);只有以太网头是新的,指向下一跳。' },
};

/**
 * Frames arriving at a director (by default: any host running IPVS services) that a
 * challenge can be made of, oldest first: they have an IP header and a frame the director
 * sent because of them. TCP handshake frames first is usually the most instructive choice.
 */
export function challengeCandidates(lab: Lab, opts: { director?: string; from?: number; limit?: number } = {}): number[] {
  const t = trafficOf(lab);
  const dir = opts.director ? lab.host(opts.director)?.id : undefined;
  const out: number[] = [];
  for (const p of t.range(opts.from ?? 1)) {
    if (p.seg < 0 || !p.ip || p.toHost < 0 || t.dropOf(p.no)) continue;
    if (dir !== undefined ? p.toHost !== dir : !isDirector(lab, p.toHost)) continue;
    if (!t.pairOut(p.no)) continue;
    out.push(p.no);
    if (opts.limit && out.length >= opts.limit) break;
  }
  return out;
}

/** The challenge for frame `no` arriving at a host, or null when the host sent nothing because of it. */
export function challengeFor(lab: Lab, no: number): Challenge | null {
  const t = trafficOf(lab);
  const p = t.get(no);
  if (!p?.ip || p.toHost < 0) return null;
  const q = t.pairOut(no);
  if (!q) return null;
  const vips = vipsOf(lab);
  const action = actionOf(lab, p, q, vips);
  const answer = endpoints(q);
  const ask: ChallengeField[] = ['ethSrc', 'ethDst'];
  if (answer.outerSrc) ask.push('outerSrc', 'outerDst');
  ask.push('ipSrc', 'ipDst');
  if (answer.sport !== undefined) ask.push('sport', 'dport');
  return {
    director: t.hostName(p.toHost), frame: p.no, answerFrame: q.no, segmentIn: t.segName(p.seg), segmentOut: t.segName(q.seg),
    given: endpoints(p), ask, choices: choicesOf(lab), action, answer, explain: EXPLAIN[action],
  };
}

function norm(field: ChallengeField, v: string | number | undefined | null): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (field === 'ethSrc' || field === 'ethDst') { const m = parseMac(String(v).trim()); return m === null ? String(v).trim().toLowerCase() : fmtMac(m); }
  if (field === 'sport' || field === 'dport') return String(Number(v));
  const a = parseIpv4(String(v).trim());
  return a === null ? String(v).trim() : fmtIp(a);
}

function fieldWhy(ch: Challenge, f: ChallengeField, lab?: Lab): Bi {
  const g = ch.given, a = ch.answer;
  const same = (x: ChallengeField) => g[x] !== undefined && String(g[x]) === String(a[x]);
  const who = (mac: string) => { const l = ch.choices.mac.find((c) => c.value === mac)?.label; return l ? `${mac} (${l})` : mac; };
  const whoIp = (ip: string) => { const l = ch.choices.ip.find((c) => c.value === ip)?.label; return l ? `${ip} (${l})` : ip; };
  void lab;
  switch (f) {
    case 'ethSrc': return { en: `A frame always leaves with the sending NIC's own MAC: ${who(a.ethSrc)}.`, zh: `帧发出时,源 MAC 总是发送网卡自己的 MAC:${who(a.ethSrc)}。` };
    case 'ethDst': return { en: `The next hop on ${ch.segmentOut}: ${who(a.ethDst)}, found by ARP.`, zh: `${ch.segmentOut} 上的下一跳:${who(a.ethDst)},通过 ARP 查到。` };
    case 'outerSrc': return { en: `The tunnel starts at the director: its own address ${whoIp(a.outerSrc!)}.`, zh: `隧道的起点是调度器:它自己的地址 ${whoIp(a.outerSrc!)}。` };
    case 'outerDst': return { en: `The tunnel ends at the chosen real server: ${whoIp(a.outerDst!)}.`, zh: `隧道的终点是被选中的真实服务器:${whoIp(a.outerDst!)}。` };
    case 'ipSrc': return same('ipSrc') ? { en: `Unchanged: ${whoIp(a.ipSrc)}.`, zh: `不变:${whoIp(a.ipSrc)}。` } : { en: `Rewritten to ${whoIp(a.ipSrc)} (${ch.action}).`, zh: `被改写为 ${whoIp(a.ipSrc)}(${ch.action})。` };
    case 'ipDst': return same('ipDst') ? { en: `Unchanged: ${whoIp(a.ipDst)}.`, zh: `不变:${whoIp(a.ipDst)}。` } : { en: `Rewritten to ${whoIp(a.ipDst)} (${ch.action}).`, zh: `被改写为 ${whoIp(a.ipDst)}(${ch.action})。` };
    case 'sport': return same('sport') ? { en: `Unchanged: ${a.sport}.`, zh: `不变:${a.sport}。` } : { en: `Rewritten to ${a.sport}.`, zh: `被改写为 ${a.sport}。` };
    case 'dport': return same('dport') ? { en: `Unchanged: ${a.dport}.`, zh: `不变:${a.dport}。` } : { en: `Rewritten to ${a.dport}.`, zh: `被改写为 ${a.dport}。` };
  }
}

/** Check a prediction, field by field. Values may be typed loosely ("00:0C:29:..", " 80"). */
export function checkChallenge(ch: Challenge, guess: Partial<Record<ChallengeField, string | number>>): ChallengeResult {
  const fields: FieldResult[] = ch.ask.map((f) => {
    const expected = norm(f, ch.answer[f])!;
    const given = norm(f, guess[f]);
    return { field: f, expected, given, ok: given === expected, why: fieldWhy(ch, f) };
  });
  const score = fields.filter((x) => x.ok).length;
  return { correct: score === fields.length, score, fields, explain: ch.explain };
}
