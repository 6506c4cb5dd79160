/**
 * The IPv4 routing table (the kernel's main table) with longest-prefix match and metrics,
 * printed the way iproute2 6.2 prints it. Local addresses (the kernel's local table) are
 * not stored here: the host answers "is this address mine" from its devices' addresses.
 */
import { fmtIp, prefixMask, type Ipv4Addr } from '../wire/types.ts';

export type RouteType = 'unicast' | 'unreachable' | 'blackhole' | 'prohibit';
export type RouteProto = 'kernel' | 'static' | 'boot' | 'dhcp' | 'keepalived';

export interface Route {
  dst: Ipv4Addr;
  prefix: number;
  gw: Ipv4Addr | null;
  dev: string | null;       // null only for unreachable/blackhole/prohibit
  proto: RouteProto;
  scope: 'link' | 'global' | 'host';
  src: Ipv4Addr | null;     // preferred source
  metric: number | null;    // null: none given (prints nothing; sorts as 0)
  type: RouteType;
  onlink: boolean;
  /** Who made it: NetworkManager removes its own on deactivation; the kernel its prefix routes. */
  owner: 'nm' | 'manual' | 'kernel' | 'keepalived';
}

export class RouteTable {
  routes: Route[] = [];
  /** Bumped on every change, so callers can cache lookups. */
  gen = 0;

  add(r: Route): 'ok' | 'exists' {
    if (this.routes.some((x) => sameKey(x, r))) return 'exists';
    this.routes.push(canon(r));
    this.sort();
    this.gen++;
    return 'ok';
  }

  /** Replace-or-add (`ip route replace`). */
  replace(r: Route): void {
    const i = this.routes.findIndex((x) => sameKey(x, r));
    if (i >= 0) this.routes[i] = canon(r); else this.routes.push(canon(r));
    this.sort();
    this.gen++;
  }

  /** Delete the first route matching the given fields (unspecified fields match anything). */
  del(match: Partial<Route> & { dst: Ipv4Addr; prefix: number }): Route | null {
    const i = this.routes.findIndex((x) =>
      x.dst === match.dst && x.prefix === match.prefix &&
      (match.gw === undefined || match.gw === null || x.gw === match.gw) &&
      (match.dev === undefined || match.dev === null || x.dev === match.dev) &&
      (match.metric === undefined || match.metric === null || (x.metric ?? 0) === match.metric) &&
      (match.type === undefined || x.type === match.type));
    if (i < 0) return null;
    this.gen++;
    return this.routes.splice(i, 1)[0];
  }

  removeWhere(pred: (r: Route) => boolean): Route[] {
    const gone = this.routes.filter(pred);
    if (gone.length) { this.routes = this.routes.filter((r) => !pred(r)); this.gen++; }
    return gone;
  }

  /**
   * Longest-prefix match among routes whose device passes `usable`; ties go to the lowest
   * metric, then to the earliest added (as fib_table_lookup walks aliases by priority).
   */
  lookup(dst: number, usable: (dev: string) => boolean): Route | null {
    let best: Route | null = null;
    for (const r of this.routes) {
      if (r.prefix < (best?.prefix ?? -1)) continue;
      if (((dst & prefixMask(r.prefix)) >>> 0) !== r.dst) continue;
      if (r.dev !== null && !usable(r.dev)) continue;
      if (best === null || r.prefix > best.prefix || (r.metric ?? 0) < (best.metric ?? 0)) best = r;
    }
    return best;
  }

  private sort(): void {
    // iproute2 prints the kernel's order: by table walk, which for the main table is
    // default routes first, then by prefix address, then longer prefix first, then metric.
    this.routes.sort((a, b) => (a.dst - b.dst) || (b.prefix - a.prefix) || ((a.metric ?? 0) - (b.metric ?? 0)));
  }
}

/** The table's own copy, always built in one property order: one hidden class for every route, so lookups stay monomorphic. */
function canon(r: Route): Route {
  return { dst: r.dst, prefix: r.prefix, gw: r.gw, dev: r.dev, proto: r.proto, scope: r.scope, src: r.src, metric: r.metric, type: r.type, onlink: r.onlink, owner: r.owner };
}

function sameKey(a: Route, b: Route): boolean {
  return a.dst === b.dst && a.prefix === b.prefix && (a.metric ?? 0) === (b.metric ?? 0) && a.type === b.type;
}

/** One line of `ip route show`, with iproute2's trailing space. */
export function formatRoute(r: Route): string {
  let s = '';
  if (r.type !== 'unicast') s += r.type + ' ';
  s += r.prefix === 0 && r.dst === 0 ? 'default' : r.prefix === 32 ? fmtIp(r.dst) : `${fmtIp(r.dst)}/${r.prefix}`;
  s += ' ';
  if (r.gw !== null) s += `via ${fmtIp(r.gw)} `;
  if (r.dev !== null) s += `dev ${r.dev} `;
  if (r.proto !== 'boot') s += `proto ${r.proto} `;
  if (r.scope !== 'global' && r.type === 'unicast') s += `scope ${r.scope} `;
  if (r.src !== null) s += `src ${fmtIp(r.src)} `;
  if (r.metric !== null) s += `metric ${r.metric} `;
  if (r.onlink) s += 'onlink ';
  return s;
}
