/**
 * The misconfiguration detector: recognises the classic LVS traps in the traffic itself —
 * the capture records, their drop annotations and notes — and marks the frame where things
 * go wrong, with what happened and the command that fixes it, in English and Chinese.
 *
 * Traps (TrapKind):
 *   arp-vip        a real server answers ARP for the VIP (no arp_ignore): the router may send
 *                  clients straight to it. Effects: client frames for the VIP delivered to a
 *                  real server by the router.
 *   arp-announce   a real server asks ARP with the VIP as its sender address (no arp_announce):
 *                  the router learns the VIP at the real server's MAC.
 *   nat-gateway    a NAT real server's reply does not go to the director (its gateway is
 *                  another router, or nobody): it bypasses the director or dies on the way.
 *   wrong-source   a client receives a SYN-ACK from an address it never sent a SYN to (the
 *                  reply left with the wrong source address) and answers with a reset.
 *   rp-filter      rp_filter dropped a packet (for TUN: the decapsulated request on tunl0).
 *   vip-missing    a DR/TUN real server dropped a packet for the VIP: the VIP is not on lo
 *                  (DR) or tunl0 (TUN), or there is no tunl0 at all.
 *   wrong-method   like vip-missing, but the real server routes through the director (a NAT
 *                  lab): it was added as Route (-g, ipvsadm's default) instead of -m.
 *   ip-forward     the NAT director dropped a real server's reply: ip_forward is 0.
 *   vip-unanswered nobody answers ARP for the VIP: the director does not have it.
 *
 * What the lab is about (which hosts are directors, the VIPs, the real servers and their
 * forwarding methods) is read from the directors' IPVS tables and the preset; everything
 * else comes from the frames. Findings are per frame: `cause` findings are where it goes
 * wrong, `effect` findings are consequences and point at their cause (`related`). Repeats
 * of the same trap on the same flow (retransmissions) are folded into one finding, whose
 * `related` lists them.
 *
 * Use `new Detector(lab)` and call `update()` as the lab runs (it reads only new frames), or
 * `detect(lab)` for a one-off scan.
 */
import type { Lab } from '../core/lab/lab.ts';
import { PRESETS, type PresetName } from '../core/lab/presets.ts';
import type { Host } from '../core/net/host.ts';
import { Ipvs } from '../core/ipvs/ipvs.ts';
import { Fwd } from '../core/ipvs/types.ts';
import { fmtIp, parseIpv4, sameSubnet } from '../core/wire/types.ts';
import { isRst, isSyn, isSynAck, labName, trafficOf, type Pkt, type TrafficIndex } from './traffic.ts';
import type { Bi } from './types.ts';

export type TrapKind = 'arp-vip' | 'arp-announce' | 'nat-gateway' | 'wrong-source' | 'rp-filter' | 'vip-missing' | 'wrong-method' | 'ip-forward' | 'vip-unanswered';

export interface Fix {
  /** Where to type the commands. */
  readonly host: string;
  readonly commands: readonly string[];
  readonly why: Bi;
}

export interface Finding {
  readonly kind: TrapKind;
  /** The frame where it goes wrong (cause) or where it shows (effect). */
  readonly frame: number;
  readonly role: 'cause' | 'effect';
  /** Repeats (retransmissions of the same flow) and, for effects, the cause's frame. */
  readonly related: number[];
  /** The machine whose configuration is wrong. */
  readonly host: string;
  readonly title: Bi;
  /** What happened at this frame. */
  readonly what: Bi;
  readonly fix: Fix;
}

/** What the lab is about, from the directors' IPVS tables and the preset. */
interface LvsContext {
  readonly directors: Set<number>;
  readonly vips: Set<number>;
  /** Real server address → its services' forwarding methods and director. */
  readonly dests: Map<number, { fwd: number; port: number; director: number }[]>;
  /** Address → hosts that have it. */
  readonly owners: Map<number, number[]>;
  /** MAC → host. */
  readonly macs: Map<number, number>;
}

function contextOf(lab: Lab): LvsContext {
  const directors = new Set<number>();
  const vips = new Set<number>();
  const dests = new Map<number, { fwd: number; port: number; director: number }[]>();
  for (const h of lab.hosts) {
    const ipvs = Ipvs.of(h);
    if (!ipvs) continue;
    const svcs = ipvs.services();
    if (!svcs.length) continue;
    directors.add(h.id);
    for (const s of svcs) {
      if (!s.fwmark) vips.add(s.addr);
      for (const d of s.dests) dests.set(d.addr, [...(dests.get(d.addr) ?? []), { fwd: d.fwd, port: d.port, director: h.id }]);
    }
  }
  const pv = PRESETS[lab.preset as PresetName]?.vip;
  if (pv) vips.add(parseIpv4(pv)!);
  if (!directors.size) for (const h of lab.hosts) if (h.role === 'director') directors.add(h.id);
  const owners = new Map<number, number[]>();
  const macs = new Map<number, number>();
  for (const h of lab.hosts) {
    for (const d of h.devs.values()) {
      if (d.kind === 'ether') macs.set(d.mac, h.id);
      for (const a of d.addrs) if (a.scope !== 'host') owners.set(a.addr, [...(owners.get(a.addr) ?? []), h.id]);
    }
  }
  return { directors, vips, dests, owners, macs };
}

const name = (lab: Lab, id: number) => { const h = lab.hostById(id); return h ? labName(h) : `host#${id}`; };

/** The director's address on the real server's network (its DIP there), for route fixes. */
function dipFor(lab: Lab, director: number, rip: number): number | null {
  const d = lab.hostById(director);
  if (!d) return null;
  for (const { a } of d.allAddrs()) if (a.prefix < 32 && a.scope === 'global' && sameSubnet(a.addr, rip, a.prefix)) return a.addr;
  return null;
}

const ARP_FIX = (vipText: string): Bi => ({
  en: `arp_ignore=1 makes a real server answer ARP only for addresses on the NIC the request came in on (${vipText} is on lo or tunl0); arp_announce=2 makes it never use ${vipText} as the sender of its own ARP requests. Then flush the router's stale entry (ip neigh flush dev eth1 on route).`,
  zh: `arp_ignore=1 让真实服务器只应答目标地址配置在收到请求的那块网卡上的 ARP(${vipText} 在 lo 或 tunl0 上);arp_announce=2 让它自己发 ARP 请求时绝不用 ${vipText} 作发送方地址。然后清除路由器上错误的缓存(在 route 上执行 ip neigh flush dev eth1)。`,
});
const ARP_CMDS = ['sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2', 'echo net.ipv4.conf.all.arp_ignore=1 >> /etc/sysctl.conf', 'echo net.ipv4.conf.all.arp_announce=2 >> /etc/sysctl.conf'];

export class Detector {
  private seen: number;
  private readonly list: Finding[] = [];
  private readonly byFrame = new Map<number, Finding[]>();
  /** Folding key → finding. */
  private readonly folded = new Map<string, Finding>();
  /** SYNs sent: `${host}|${src}:${sport}` → destination. */
  private readonly syns = new Map<string, { dst: number; dport: number; no: number }>();
  /** VIP → the frame where a real server claimed it (ARP reply or announcement), for effects. */
  private readonly claims = new Map<string, { no: number; kind: TrapKind; host: number }>();
  private readonly t: TrafficIndex;

  constructor(readonly lab: Lab, opts: { from?: number } = {}) {
    this.t = trafficOf(lab);
    this.seen = (opts.from ?? lab.capture.firstNo) - 1;
  }

  /**
   * Read the frames logged since the last call and return the new findings. Frames younger
   * than 5 ms of virtual time wait for the next call: their receivers may not have annotated
   * them yet (a drop is noted when the frame arrives, after the wire's latency). `final`:
   * the lab will not run any more (a finished transcript), read everything.
   */
  update(opts: { final?: boolean } = {}): Finding[] {
    const before = this.list.length;
    const ctx = contextOf(this.lab);
    const horizon = opts.final ? Infinity : this.lab.now - 5_000;
    for (const p of this.t.range(this.seen + 1)) {
      if (p.time > horizon && p.seg >= 0) break;
      this.seen = p.no;
      this.scan(p, ctx);
    }
    return this.list.slice(before);
  }

  /** Every finding so far, in frame order of their first frame. */
  findings(): readonly Finding[] { return this.list; }

  /** Findings that mark frame `no` (as their frame or a related one). */
  at(no: number): readonly Finding[] { return this.byFrame.get(no) ?? []; }

  private add(f: Finding, key?: string): void {
    if (key) {
      const old = this.folded.get(key);
      if (old) {
        if (!old.related.includes(f.frame)) old.related.push(f.frame);
        this.index(f.frame, old);
        return;
      }
      this.folded.set(key, f);
    }
    this.list.push(f);
    this.index(f.frame, f);
    for (const r of f.related) this.index(r, f);
  }

  private index(no: number, f: Finding): void {
    const l = this.byFrame.get(no) ?? [];
    if (!l.includes(f)) l.push(f);
    this.byFrame.set(no, l);
  }

  private scan(p: Pkt, c: LvsContext): void {
    const lab = this.lab;
    const drop = this.t.dropOf(p.no);
    const isDirector = (h: number) => c.directors.has(h);

    // ---- ARP: real servers claiming the VIP -----------------------------------------------
    if (p.arp && p.seg >= 0 && c.vips.has(p.arp.spa) && !isDirector(p.fromHost)) {
      const rs = p.fromHost, rsName = name(lab, rs), vip = fmtIp(p.arp.spa);
      const h = lab.hostById(rs);
      const ethDev = h ? [...h.devs.values()].find((d) => d.mac === p.ethSrc)?.name ?? 'eth0' : 'eth0';
      if (p.arp.op === 2) {
        this.claims.set(`${p.arp.spa}|${p.ethSrc}`, { no: p.no, kind: 'arp-vip', host: rs });
        this.add({
          kind: 'arp-vip', frame: p.no, role: 'cause', related: [], host: rsName,
          title: { en: `${rsName} answers ARP for the VIP`, zh: `${rsName} 应答了 VIP 的 ARP 请求` },
          what: {
            en: `${rsName} tells ${name(lab, p.toHost)} that ${vip} is at its own MAC. It has the VIP (on lo or tunl0) and arp_ignore is 0 on ${ethDev}, so it answers for any of its addresses. Whoever believes it sends clients' packets for ${vip} straight to ${rsName}, past the director.`,
            zh: `${rsName} 告诉 ${name(lab, p.toHost)}:${vip} 在它自己的 MAC 上。它配置了 VIP(在 lo 或 tunl0 上),而 ${ethDev} 上的 arp_ignore 是 0,所以它会为自己的任何地址应答 ARP。谁相信了它,就会把客户端发往 ${vip} 的包直接交给 ${rsName},绕过调度器。`,
          },
          fix: { host: rsName, commands: ARP_CMDS, why: ARP_FIX(vip) },
        }, `arp-vip|${rs}|${p.arp.spa}`);
      } else if (p.arp.op === 1 && p.arp.spa !== p.arp.tpa) {
        this.claims.set(`${p.arp.spa}|${p.ethSrc}`, { no: p.no, kind: 'arp-announce', host: rs });
        this.add({
          kind: 'arp-announce', frame: p.no, role: 'cause', related: [], host: rsName,
          title: { en: `${rsName} announces the VIP in its ARP request`, zh: `${rsName} 在 ARP 请求中宣告了 VIP` },
          what: {
            en: `${rsName} asks for ${fmtIp(p.arp.tpa)} with ${vip} as the sender address (arp_announce is 0: it uses the source of the packet it is about to send, the VIP). Every host on the network that already knows ${vip} updates it to ${rsName}'s MAC — the router too.`,
            zh: `${rsName} 询问 ${fmtIp(p.arp.tpa)} 的 MAC 时,把 ${vip} 当成了发送方地址(arp_announce 为 0:它用的是即将发出的那个包的源地址,也就是 VIP)。网络上所有已经缓存了 ${vip} 的主机——包括路由器——都会把它更新为 ${rsName} 的 MAC。`,
          },
          fix: { host: rsName, commands: ARP_CMDS, why: ARP_FIX(vip) },
        }, `arp-announce|${rs}|${p.arp.spa}`);
      }
    }

    // ---- IP frames ------------------------------------------------------------------------------
    const ip = p.ip;
    if (!ip) return;

    // A client's packet for the VIP handed to a real server by somebody else than a director.
    if (p.seg >= 0 && !p.encap && c.vips.has(ip.dst) && p.toHost >= 0 && !isDirector(p.toHost) && !isDirector(p.fromHost)
      && c.dests.has(this.firstAddrOf(p.toHost) ?? -1)) {
      const claim = this.claims.get(`${ip.dst}|${p.ethDst}`);
      const rsName = name(lab, p.toHost);
      this.add({
        kind: claim?.kind ?? 'arp-vip', frame: p.no, role: 'effect', related: claim ? [claim.no] : [], host: rsName,
        title: { en: `The director is bypassed: ${name(lab, p.fromHost)} sends the VIP's traffic to ${rsName}`, zh: `调度器被绕过:${name(lab, p.fromHost)} 把发往 VIP 的流量交给了 ${rsName}` },
        what: {
          en: `${name(lab, p.fromHost)} believes ${fmtIp(ip.dst)} is at ${rsName}'s MAC${claim ? ` (since frame ${claim.no})` : ''}, so this packet never reaches the director: no scheduling, one server gets everything.`,
          zh: `${name(lab, p.fromHost)} 认为 ${fmtIp(ip.dst)} 在 ${rsName} 的 MAC 上${claim ? `(从帧 ${claim.no} 开始)` : ''},所以这个包根本到不了调度器:没有调度,所有请求都落到一台服务器上。`,
        },
        fix: { host: rsName, commands: ARP_CMDS, why: ARP_FIX(fmtIp(ip.dst)) },
      }, `bypass|${p.toHost}|${ip.dst}`);
    }

    // NAT real server replies that do not go back through the director.
    const nat = (c.dests.get(ip.src) ?? []).find((d) => d.fwd === Fwd.MASQ && (p.tcp ? d.port === 0 || d.port === p.tcp.sport : true));
    if (nat && p.tcp && !(isSyn(p)) && !c.vips.has(ip.dst) && this.owns(c, p.fromHost, ip.src) && !this.owns(c, nat.director, ip.dst)) {
      const dir = lab.hostById(nat.director);
      const dirMacs = new Set(dir ? [...dir.devs.values()].map((d) => d.mac as number) : []);
      const rs = p.fromHost, rsName = name(lab, rs), dirName = name(lab, nat.director);
      const dip = dipFor(lab, nat.director, ip.src);
      const fix: Fix = {
        host: rsName,
        commands: dip ? [`ip route replace default via ${fmtIp(dip)}`, `nmcli connection modify eth0 ipv4.gateway ${fmtIp(dip)}`, 'nmcli connection up eth0'] : [],
        why: {
          en: `In NAT mode the replies must go back through the director, which turns their source back into the VIP: the real server's default gateway must be the director's DIP${dip ? ` (${fmtIp(dip)})` : ''}.`,
          zh: `NAT 模式下应答必须原路回到调度器,由它把源地址改回 VIP:真实服务器的默认网关必须是调度器的 DIP${dip ? `(${fmtIp(dip)})` : ''}。`,
        },
      };
      if (p.seg >= 0 && !dirMacs.has(p.ethDst)) {
        const viaHost = c.macs.get(p.ethDst);
        const via = viaHost !== undefined ? name(lab, viaHost) : 'another router';
        const viaIp = viaHost !== undefined ? this.addrOnLinkWith(viaHost, ip.src) : undefined;
        const gwText = viaIp !== undefined ? `${via} (${fmtIp(viaIp)})` : via;
        const gwZh = viaIp !== undefined ? `${via}(${fmtIp(viaIp)})` : via;
        this.add({
          kind: 'nat-gateway', frame: p.no, role: 'cause', related: [], host: rsName,
          title: { en: `${rsName}'s reply bypasses the director`, zh: `${rsName} 的应答绕过了调度器` },
          what: {
            en: `${rsName} sends its reply to ${fmtIp(ip.dst)} to ${gwText}, not to ${dirName}: its gateway is not the director. The reply keeps its real source ${fmtIp(ip.src)}, which the client never talked to.`,
            zh: `${rsName} 把发给 ${fmtIp(ip.dst)} 的应答交给了 ${gwZh},而不是 ${dirName}:它的网关不是调度器。这个应答保留了真实的源地址 ${fmtIp(ip.src)},而客户端从来没有和这个地址通信过。`,
          },
          fix,
        }, `nat-gateway|${rs}|${ip.dst}:${p.tcp.dport}`);
      } else if (p.seg < 0 && p.fromHost === rs && drop) {
        const arps = this.recentArpFrom(p, rs);
        const asked = arps.length ? this.t.get(arps[arps.length - 1])?.arp?.tpa : undefined;
        const why = asked !== undefined
          ? { en: `it sends replies to the client via ${fmtIp(asked)}, and nobody answers ARP for that address`, zh: `它要经过 ${fmtIp(asked)} 把应答发给客户端,可是没有人应答这个地址的 ARP` }
          : { en: drop.reason.replace(/^[^:]+: /, ''), zh: drop.reason.replace(/^[^:]+: /, '') };
        this.add({
          kind: 'nat-gateway', frame: p.no, role: 'cause', related: arps, host: rsName,
          title: { en: `${rsName} cannot send its reply`, zh: `${rsName} 的应答发不出去` },
          what: {
            en: `${rsName}'s reply to ${fmtIp(ip.dst)} never left it: ${why.en}. Its gateway should be ${dirName}${dip ? ` (${fmtIp(dip)})` : ''}.`,
            zh: `${rsName} 发给 ${fmtIp(ip.dst)} 的应答根本没有发出去:${why.zh}。它的网关应该是 ${dirName}${dip ? `(${fmtIp(dip)})` : ''}。`,
          },
          fix,
        }, `nat-gateway|${rs}|${ip.dst}:${p.tcp.dport}`);
      }
    }

    // SYNs a host sends, and SYN-ACKs from somebody else.
    // Only the hosts that opened the connection (a router forwards SYNs of others).
    if (p.tcp && p.seg >= 0 && isSyn(p) && this.owns(c, p.fromHost, ip.src)) this.syns.set(`${p.fromHost}|${ip.src}:${p.tcp.sport}`, { dst: ip.dst, dport: p.tcp.dport, no: p.no });
    if (p.tcp && p.seg >= 0 && isSynAck(p) && p.toHost >= 0 && !drop && this.owns(c, p.toHost, ip.dst)) {
      const syn = this.syns.get(`${p.toHost}|${ip.dst}:${p.tcp.dport}`);
      if (syn && (syn.dst !== ip.src || syn.dport !== p.tcp.sport)) {
        const client = name(lab, p.toHost);
        const ownerIds = c.owners.get(ip.src) ?? [];
        const owner = ownerIds.length ? name(lab, ownerIds[0]) : fmtIp(ip.src);
        const rst = this.t.range(p.no + 1, p.no + 20).find((q) => q.fromHost === p.toHost && isRst(q) && q.ip?.dst === ip.src && q.tcp?.dport === p.tcp!.sport);
        const natDest = (c.dests.get(ip.src) ?? []).find((d) => d.fwd === Fwd.MASQ);
        const dip = natDest ? dipFor(lab, natDest.director, ip.src) : null;
        this.add({
          kind: 'wrong-source', frame: p.no, role: 'cause', related: [syn.no, ...(rst ? [rst.no] : [])], host: owner,
          title: { en: `The reply comes from the wrong address`, zh: `应答的源地址不对` },
          what: {
            en: `${client} sent its SYN to ${fmtIp(syn.dst)}:${syn.dport} (frame ${syn.no}), but this SYN-ACK comes from ${fmtIp(ip.src)}:${p.tcp.sport} (${owner}). To ${client} it belongs to no connection${rst ? `, so it answers with a reset (frame ${rst.no})` : ''} and keeps waiting for ${fmtIp(syn.dst)}.`,
            zh: `${client} 把 SYN 发给了 ${fmtIp(syn.dst)}:${syn.dport}(帧 ${syn.no}),这个 SYN-ACK 却来自 ${fmtIp(ip.src)}:${p.tcp.sport}(${owner})。对 ${client} 来说它不属于任何连接${rst ? `,所以回了一个复位(帧 ${rst.no})` : ''},并继续等待 ${fmtIp(syn.dst)} 的应答。`,
          },
          fix: natDest && dip ? {
            host: owner, commands: [`ip route replace default via ${fmtIp(dip)}`],
            why: { en: `${owner} is a NAT real server: its replies must go through the director (gateway ${fmtIp(dip)}), which rewrites their source to ${fmtIp(syn.dst)}.`, zh: `${owner} 是 NAT 模式的真实服务器:它的应答必须经过调度器(网关 ${fmtIp(dip)}),由调度器把源地址改写为 ${fmtIp(syn.dst)}。` },
          } : {
            host: owner, commands: [],
            why: { en: `A reply must come from the address the client connected to (${fmtIp(syn.dst)}): in DR and TUN the real server needs that VIP on lo or tunl0; in NAT and FULLNAT the reply must pass through the director.`, zh: `应答必须来自客户端所连接的地址(${fmtIp(syn.dst)}):DR 和 TUN 模式下真实服务器要在 lo 或 tunl0 上配置这个 VIP;NAT 和 FULLNAT 模式下应答必须经过调度器。` },
          },
        }, `wrong-source|${p.toHost}|${ip.dst}:${p.tcp.dport}`);
      }
    }

    if (!drop) return;
    const dh = drop.host, dhName = name(lab, dh);

    // rp_filter.
    if (drop.code === 'rp-filter') {
      const dev = /on (\S+?):?\s/.exec(drop.reason)?.[1] ?? (p.encap ? 'tunl0' : 'eth0');
      const tun = !!p.encap || dev === 'tunl0';
      this.add({
        kind: 'rp-filter', frame: p.no, role: 'cause', related: [], host: dhName,
        title: tun ? { en: `rp_filter on ${dhName}'s tunl0 drops the tunnelled request`, zh: `${dhName} 上 tunl0 的 rp_filter 丢弃了隧道里的请求` }
          : { en: `rp_filter drops the packet on ${dhName}`, zh: `${dhName} 的 rp_filter 丢弃了数据包` },
        what: tun ? {
          en: `${dhName} unwrapped the IPIP packet: inside, a request from ${fmtIp(ip.src)} arriving on tunl0. But its route back to ${fmtIp(ip.src)} leaves by eth0, and strict reverse-path filtering (rp_filter=1) drops a packet that arrives on another interface than the way back.`,
          zh: `${dhName} 拆开了 IPIP 包:里面是来自 ${fmtIp(ip.src)}、从 tunl0 进来的请求。但它回 ${fmtIp(ip.src)} 的路由走的是 eth0,严格的反向路径过滤(rp_filter=1)会丢弃从回程接口以外的接口进来的包。`,
        } : { en: drop.reason, zh: `反向路径过滤丢弃了它:${drop.reason}` },
        fix: {
          host: dhName, commands: [`sysctl -w net.ipv4.conf.${dev}.rp_filter=0`, 'sysctl -w net.ipv4.conf.all.rp_filter=0'],
          why: { en: `The kernel uses the larger of conf.all and conf.${dev}: both must be 0 for ${dev}.`, zh: `内核取 conf.all 和 conf.${dev} 中较大的值:对 ${dev} 来说两者都必须是 0。` },
        },
      }, `rp-filter|${dh}|${ip.src}:${p.tcp?.sport ?? 0}`);
      return;
    }

    // A real server that does not own the VIP (DR: lo; TUN: tunl0), or cannot unwrap IPIP.
    if (!isDirector(dh) && c.vips.has(ip.dst) && (drop.code === 'not-forwarding' || (p.encap && (drop.code === 'proto-unreachable' || drop.code === 'link-down')))) {
      const vip = fmtIp(ip.dst);
      // Added as Route in a NAT lab: the real server's way back to the client is the director.
      const rsHost = lab.hostById(dh);
      const back = rsHost?.lookupRoute(ip.src);
      const viaDirector = back?.gw != null && isDirector((c.owners.get(back.gw) ?? [])[0] ?? -1);
      const rip = rsHost ? [...c.dests.keys()].find((a) => this.owns(c, dh, a)) : undefined;
      if (!p.encap && viaDirector && rip !== undefined && p.tcp) {
        const dirName = name(lab, p.fromHost);
        this.add({
          kind: 'wrong-method', frame: p.no, role: 'cause', related: [], host: dirName,
          title: { en: `${dhName} was added as Route (DR) in a NAT lab`, zh: `在 NAT 实验中,${dhName} 被以 Route(DR)方式添加` },
          what: {
            en: `The director forwarded the client's packet to ${dhName} unchanged, still addressed to ${vip}: that is DR (-g, ipvsadm's default when -m is missing). ${dhName} routes through the director and does not have ${vip}, so it drops the packet. In a NAT lab the real servers must be added with -m, so that the director rewrites the destination to ${fmtIp(rip)}.`,
            zh: `调度器把客户端的包原样转给了 ${dhName},目标地址仍是 ${vip}:这是 DR 方式(-g,漏写 -m 时 ipvsadm 的默认值)。${dhName} 的网关是调度器,它自己没有 ${vip},只好丢弃。NAT 实验中真实服务器必须用 -m 添加,调度器才会把目标地址改写为 ${fmtIp(rip)}。`,
          },
          fix: {
            host: dirName, commands: [`ipvsadm -e -t ${vip}:${p.tcp.dport} -r ${fmtIp(rip)}:${p.tcp.dport} -m`],
            why: { en: '`-e` edits the real server in place (adding it again fails with "Destination already exists").', zh: '`-e` 直接修改这台真实服务器(再加一次会报 "Destination already exists")。' },
          },
        }, `wrong-method|${dh}`);
        return;
      }
      let what: Bi, cmds: string[];
      if (p.encap && drop.code === 'proto-unreachable') {
        what = { en: `${dhName} received an IPIP packet (protocol 4) but has no ipip module: no tunl0 to unwrap it, so it answers "protocol unreachable".`, zh: `${dhName} 收到了 IPIP 包(协议号 4),但没有加载 ipip 模块:没有 tunl0 来拆包,只好回应\"协议不可达\"。` };
        cmds = ['modprobe ipip', 'ip link set tunl0 up', `ip addr add ${vip}/32 dev tunl0`, 'sysctl -w net.ipv4.conf.tunl0.rp_filter=0'];
      } else if (p.encap && drop.code === 'link-down') {
        what = { en: `${dhName} received an IPIP packet but tunl0 is down.`, zh: `${dhName} 收到了 IPIP 包,但 tunl0 没有启用。` };
        cmds = ['ip link set tunl0 up', `ip addr add ${vip}/32 dev tunl0`];
      } else if (p.encap) {
        what = { en: `${dhName} unwrapped the IPIP packet and found a packet for ${vip}, an address it does not have; not being a router, it drops it. The VIP must be on its tunl0.`, zh: `${dhName} 拆开 IPIP 包后发现里面是发给 ${vip} 的包,而它没有这个地址;它不是路由器,只好丢弃。VIP 必须配在它的 tunl0 上。` };
        cmds = [`ip addr add ${vip}/32 dev tunl0`];
      } else {
        what = { en: `The director passed ${dhName} a packet still addressed to ${vip} (DR only changes the MAC). ${dhName} does not have ${vip} and is not a router, so it drops it. The VIP must be on its lo.`, zh: `调度器交给 ${dhName} 的包目标地址仍然是 ${vip}(DR 只改 MAC)。${dhName} 没有 ${vip} 这个地址,也不是路由器,只好丢弃。VIP 必须配在它的 lo 上。` };
        cmds = [`ip addr add ${vip}/32 dev lo`, ...ARP_CMDS.slice(0, 1)];
      }
      this.add({
        kind: 'vip-missing', frame: p.no, role: 'cause', related: [], host: dhName,
        title: { en: `${dhName} does not accept packets for the VIP`, zh: `${dhName} 不接收发往 VIP 的包` },
        what, fix: { host: dhName, commands: cmds, why: { en: `A ${p.encap ? 'TUN' : 'DR'} real server must own the VIP itself, hidden from ARP.`, zh: `${p.encap ? 'TUN' : 'DR'} 模式的真实服务器自己必须拥有 VIP,并且不对外应答它的 ARP。` } },
      }, `vip-missing|${dh}|${drop.code}`);
      return;
    }

    // The NAT director does not route the replies.
    if (drop.code === 'not-forwarding' && isDirector(dh) && (c.dests.get(ip.src) ?? []).some((d) => d.fwd === Fwd.MASQ && d.director === dh)) {
      this.add({
        kind: 'ip-forward', frame: p.no, role: 'cause', related: [], host: dhName,
        title: { en: `${dhName} does not forward the real server's reply`, zh: `${dhName} 不转发真实服务器的应答` },
        what: {
          en: `This reply from ${name(lab, p.fromHost)} is addressed to the client ${fmtIp(ip.dst)}, not to ${dhName}. The director must route it (and IPVS rewrites its source to the VIP on the way), but net.ipv4.ip_forward is 0: it is dropped, and the client's curl times out.`,
          zh: `这个来自 ${name(lab, p.fromHost)} 的应答是发给客户端 ${fmtIp(ip.dst)} 的,不是发给 ${dhName} 的。调度器必须转发它(IPVS 在转发途中把源地址改成 VIP),可是 net.ipv4.ip_forward 为 0:包被丢弃,客户端的 curl 超时。`,
        },
        fix: {
          host: dhName, commands: ['sysctl -w net.ipv4.ip_forward=1', 'echo "net.ipv4.ip_forward = 1" >> /etc/sysctl.conf'],
          why: { en: 'NAT: requests and replies both pass through the director, which routes between its two networks.', zh: 'NAT 模式:请求和应答都要经过调度器,它要在两个网络之间转发。' },
        },
      }, `ip-forward|${dh}|${ip.src}:${p.tcp?.sport ?? 0}>${ip.dst}:${p.tcp?.dport ?? 0}`);
      return;
    }

    // Nobody answers ARP for the VIP.
    if (drop.code === 'arp-failed' && c.vips.has(ip.dst) && !isDirector(dh) && !p.encap) {
      const dir = [...c.directors][0];
      const dirName = dir !== undefined ? name(lab, dir) : 'the director';
      const vip = fmtIp(ip.dst);
      const dev = dir !== undefined ? this.devToward(lab.hostById(dir), ip.dst) : 'eth0';
      this.add({
        kind: 'vip-unanswered', frame: p.no, role: 'cause', related: this.recentArpFor(p, ip.dst), host: dirName,
        title: { en: `Nobody answers for the VIP ${vip}`, zh: `没有人应答 VIP ${vip}` },
        what: {
          en: `${dhName} asked by ARP who has ${vip} and got no answer, so it dropped the client's packet. The director must own the VIP on its NIC (the real servers must not answer).`,
          zh: `${dhName} 通过 ARP 询问谁是 ${vip},没有得到应答,只好丢弃客户端的包。调度器必须在网卡上配置 VIP(真实服务器不能应答)。`,
        },
        fix: { host: dirName, commands: [`ip addr add ${vip}/32 dev ${dev}`], why: { en: `The VIP on ${dirName}'s ${dev} makes it answer ARP for ${vip}.`, zh: `VIP 配在 ${dirName} 的 ${dev} 上,它才会应答 ${vip} 的 ARP。` } },
      }, `vip-unanswered|${ip.dst}`);
    }
  }

  private owns(c: LvsContext, host: number, addr: number): boolean {
    return (c.owners.get(addr) ?? []).includes(host);
  }

  /** `host`'s address in the same subnet as `near`. */
  private addrOnLinkWith(host: number, near: number): number | undefined {
    const h = this.lab.hostById(host);
    if (!h) return undefined;
    for (const { a } of h.allAddrs()) if (a.prefix < 32 && a.scope === 'global' && sameSubnet(a.addr, near, a.prefix)) return a.addr;
    return undefined;
  }

  private firstAddrOf(host: number): number | undefined {
    const h = this.lab.hostById(host);
    if (!h) return undefined;
    for (const d of h.devs.values()) if (d.kind === 'ether') for (const a of d.addrs) return a.addr;
    return undefined;
  }

  private devToward(h: Host | undefined, addr: number): string {
    if (!h) return 'eth0';
    for (const d of h.devs.values()) if (d.kind === 'ether' && d.addrs.some((a) => a.prefix < 32 && sameSubnet(a.addr, addr, a.prefix))) return d.name;
    return 'eth0';
  }

  /** ARP requests `host` sent in the 4 s before `p` (an unanswered resolution). */
  private recentArpFrom(p: Pkt, host: number): number[] {
    return this.t.range(Math.max(this.t.firstNo, p.no - 400), p.no - 1).filter((q) => q.arp?.op === 1 && q.fromHost === host && q.time >= p.time - 4_000_000).map((q) => q.no);
  }

  private recentArpFor(p: Pkt, addr: number): number[] {
    return this.t.range(Math.max(this.t.firstNo, p.no - 400), p.no - 1).filter((q) => q.arp?.op === 1 && q.arp.tpa === addr && q.time >= p.time - 4_000_000).map((q) => q.no);
  }
}

/** Scan the capture (frames from `from`) and return every finding. */
export function detect(lab: Lab, opts: { from?: number } = {}): readonly Finding[] {
  const d = new Detector(lab, opts);
  d.update({ final: true });
  return d.findings();
}
