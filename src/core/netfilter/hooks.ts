/**
 * Netfilter-style hook points on a host's IPv4 path.
 *
 * Every packet a host receives, forwards or sends passes through these hooks, each a list of
 * `{ priority, fn }` entries run in ascending priority, exactly like the kernel's
 * nf_hook_entries: iptables tables register at their kernel priorities (mangle -150,
 * nat DNAT -100, filter 0, nat SNAT 100) and IPVS at its own (ip_vs_ops4 in
 * net/netfilter/ipvs/ip_vs_core.c), so their relative order matches Linux. A hook fn may
 * rewrite `skb.ip`, set `skb.mark`, or return a verdict:
 *  - ACCEPT: go on to the next entry, then continue the path;
 *  - DROP:   the packet is dropped; `skb.dropReason` says why (logged in the capture);
 *  - STOLEN: the hook took the packet over (IPVS transmitting it itself).
 */
import type { Ipv4Repr } from '../wire/types.ts';

export const Hook = { PREROUTING: 0, LOCAL_IN: 1, FORWARD: 2, LOCAL_OUT: 3, POSTROUTING: 4 } as const;
export type Hook = (typeof Hook)[keyof typeof Hook];
export const HOOK_NAMES = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'] as const;

export const Verdict = { DROP: 0, ACCEPT: 1, STOLEN: 2 } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/** Kernel priorities (include/uapi/linux/netfilter_ipv4.h). */
export const NfPri = {
  CONNTRACK_DEFRAG: -400,
  RAW: -300,
  CONNTRACK: -200,
  MANGLE: -150,
  NAT_DST: -100,
  FILTER: 0,
  SECURITY: 50,
  NAT_SRC: 100,
  CONNTRACK_HELPER: 300,
  CONNTRACK_CONFIRM: 0x7fffffff,
} as const;

/** What a hook sees and may change: the kernel's sk_buff, reduced to what the lab needs. */
export interface Skb {
  ip: Ipv4Repr;
  /** Device the packet came in on (null for locally generated). */
  inDev: string | null;
  /** Device it will leave by, once routed (null before routing). */
  outDev: string | null;
  /** Next hop chosen by routing (the destination itself for on-link routes). */
  nexthop: number;
  /** Firewall mark (iptables MARK, IPVS -f services). */
  mark: number;
  /** Capture number of the frame it arrived in (0 when locally generated): drops annotate it. */
  frameNo: number;
  /** Why a hook dropped it, shown in the capture. */
  dropReason?: string;
  /** Per-subsystem state: conntrack entry, IPVS connection, ... */
  ct?: unknown;
  ipvs?: unknown;
  /** Set by IPVS when it has already handled the packet (so the other IPVS hooks skip it). */
  ipvsDone?: boolean;
}

export type HookFn = (skb: Skb, hook: Hook) => Verdict;

export interface HookEntry {
  readonly hook: Hook;
  readonly priority: number;
  readonly owner: string;   // "iptables:mangle", "ipvs", ...
  readonly fn: HookFn;
}

export class HookTable {
  private readonly lists: HookEntry[][] = [[], [], [], [], []];

  register(e: HookEntry): () => void {
    const l = this.lists[e.hook];
    // Stable insert: equal priorities keep registration order (as nf_register_net_hook).
    let i = l.length;
    while (i > 0 && l[i - 1].priority > e.priority) i--;
    l.splice(i, 0, e);
    return () => { const j = l.indexOf(e); if (j >= 0) l.splice(j, 1); };
  }

  unregisterOwner(owner: string): void {
    for (const l of this.lists) for (let i = l.length - 1; i >= 0; i--) if (l[i].owner === owner) l.splice(i, 1);
  }

  entries(hook: Hook): readonly HookEntry[] { return this.lists[hook]; }

  /** Run the hook's entries in order; stops at the first non-ACCEPT verdict. */
  run(hook: Hook, skb: Skb): Verdict {
    const l = this.lists[hook];
    for (let i = 0; i < l.length; i++) {
      const v = l[i].fn(skb, hook);
      if (v !== Verdict.ACCEPT) return v;
    }
    return Verdict.ACCEPT;
  }

  isEmpty(hook: Hook): boolean { return this.lists[hook].length === 0; }
}
