/**
 * The check engine: `evaluate(lab, check, ctx)` answers whether a guide step's check holds,
 * and why, from the lab's state and traffic alone (types.ts lists the vocabulary).
 *
 * State is read from the core's public objects as the real tools would see it: the Host's
 * devices, routes and sysctls, systemd's units, the filesystem, `Ipvs.of(host)` (the kernel
 * IPVS tables, connections and scheduling decisions) and `netfilterOf(host)` (iptables, with
 * `iptables -C` semantics for rule matching). Traffic is read from the capture through
 * traffic.ts. Evaluating never changes the lab.
 *
 * Traffic checks look at a window of frames: by default the frames since the previous step
 * was completed (`ctx.stepFrom`), so that a step proves what happened after it began; with
 * `"since": "guide"` every frame still in the capture.
 */
import type { Lab } from '../core/lab/lab.ts';
import type { Host } from '../core/net/host.ts';
import { Ipvs } from '../core/ipvs/ipvs.ts';
import type { Service } from '../core/ipvs/service.ts';
import { FWD_NAMES, Proto } from '../core/ipvs/types.ts';
import { makeContext, runIptables } from '../core/netfilter/cli.ts';
import { netfilterOf, TABLE_NAMES } from '../core/netfilter/tables.ts';
import { compileFilter } from '../core/wire/filter.ts';
import { fmtIp, fmtMac, parseIpv4, sameSubnet } from '../core/wire/types.ts';
import { answersTo, labName, trafficOf, type Answer, type Pkt, type TrafficIndex } from './traffic.ts';
import type { Check, CheckResult, Count, Hosts, RewriteField, ServiceRef, Since } from './types.ts';

export interface EvalContext {
  /** Values for `{{NAME}}` placeholders (a guide's `vars`). */
  readonly vars?: Readonly<Record<string, string>>;
  /** First frame of the current step's window (traffic checks with since = "step"). Default: the whole capture. */
  readonly stepFrom?: number;
  /** Virtual time (µs) the current step began (decisions with since = "step"). Default 0. */
  readonly stepTime?: number;
}

// ---- small helpers ------------------------------------------------------------------------------

const res = (ok: boolean, detail: string, detailZh: string, extra: Partial<CheckResult> = {}): CheckResult => ({ ok, detail, detailZh, ...extra });

/** `{{VIP}}`, `{{mac:route:eth1}}`, `{{ip:lvs:eth0}}` → their values. Unknown names stay as they are. */
export function resolveText(lab: Lab, s: string, vars: Readonly<Record<string, string>> = {}): string {
  if (!s.includes('{{')) return s;
  return s.replace(/\{\{\s*([A-Za-z0-9_:.-]+)\s*\}\}/g, (whole, name: string) => {
    if (Object.hasOwn(vars, name)) return vars[name];
    const m = /^(mac|ip):([^:]+):(.+)$/.exec(name);
    if (!m) return whole;
    const dev = lab.host(m[2])?.dev(m[3]);
    if (!dev) return whole;
    if (m[1] === 'mac') return fmtMac(dev.mac);
    const a = dev.addrs.find((x) => !x.secondary) ?? dev.addrs[0];
    return a ? fmtIp(a.addr) : whole;
  });
}

/** Deep-resolve every string of a check. */
function resolveCheck<T>(lab: Lab, v: T, vars: Readonly<Record<string, string>>): T {
  if (typeof v === 'string') return resolveText(lab, v, vars) as T;
  if (Array.isArray(v)) return v.map((x) => resolveCheck(lab, x, vars)) as T;
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = resolveCheck(lab, x, vars);
    return o as T;
  }
  return v;
}

export function countOk(n: number, c: Count | undefined, dflt: Count = { min: 1 }): boolean {
  const k = c ?? dflt;
  if (typeof k === 'number') return n === k;
  return (k.min === undefined || n >= k.min) && (k.max === undefined || n <= k.max);
}

export function fmtCount(c: Count | undefined, dflt: Count = { min: 1 }): string {
  const k = c ?? dflt;
  if (typeof k === 'number') return `exactly ${k}`;
  if (k.min !== undefined && k.max !== undefined) return k.min === k.max ? `exactly ${k.min}` : `${k.min}..${k.max}`;
  if (k.min !== undefined) return `at least ${k.min}`;
  if (k.max !== undefined) return k.max === 0 ? 'none' : `at most ${k.max}`;
  return 'any number';
}

function fmtCountZh(c: Count | undefined, dflt: Count = { min: 1 }): string {
  const k = c ?? dflt;
  if (typeof k === 'number') return `恰好 ${k}`;
  if (k.min !== undefined && k.max !== undefined) return k.min === k.max ? `恰好 ${k.min}` : `${k.min}~${k.max}`;
  if (k.min !== undefined) return `至少 ${k.min}`;
  if (k.max !== undefined) return k.max === 0 ? '没有' : `至多 ${k.max}`;
  return '任意';
}

const hostList = (h: Hosts | undefined): string[] => (h === undefined ? [] : typeof h === 'string' ? [h] : [...h]);

/** "192.168.1.100:80" → [addr, port]; "192.168.1.100" → [addr, null]. */
export function parseAddrPort(s: string): { addr: number; port: number | null } | null {
  const m = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(s.trim());
  if (!m) return null;
  const a = parseIpv4(m[1]);
  if (a === null) return null;
  return { addr: a, port: m[2] === undefined ? null : Number(m[2]) };
}

/** "10.0.0.1/24" → [addr, 24]; "10.0.0.1" → [addr, null]. */
export function parseCidr(s: string): { addr: number; prefix: number | null } | null {
  const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?$/.exec(s.trim());
  if (!m) return null;
  const a = parseIpv4(m[1]);
  if (a === null) return null;
  const p = m[2] === undefined ? null : Number(m[2]);
  if (p !== null && (p < 0 || p > 32)) return null;
  return { addr: a, prefix: p };
}

function protoNum(p: ServiceRef['proto']): number {
  return p === 'udp' ? Proto.UDP : p === 'sctp' ? Proto.SCTP : Proto.TCP;
}

export function serviceMatches(s: Service, ref: ServiceRef | undefined): boolean {
  if (!ref) return true;
  if (ref.fwmark !== undefined) return s.fwmark === ref.fwmark;
  if (s.fwmark) return false;
  if (ref.proto && s.protocol !== protoNum(ref.proto)) return false;
  if (ref.vip) {
    const ap = parseAddrPort(ref.vip);
    if (!ap || s.addr !== ap.addr || (ap.port !== null && s.port !== ap.port)) return false;
  }
  return true;
}

export function serviceRefText(ref: ServiceRef | undefined): string {
  if (!ref) return 'any service';
  if (ref.fwmark !== undefined) return `FWM ${ref.fwmark}`;
  return `${(ref.proto ?? 'tcp').toUpperCase()} ${ref.vip ?? '*'}`;
}

/** The first frame of a window. */
function windowFrom(ctx: EvalContext, since: Since | undefined): number {
  return since === 'guide' ? 1 : ctx.stepFrom ?? 1;
}

// ---- the evaluator ----------------------------------------------------------------------------

type Ev = (lab: Lab, c: never, ctx: EvalContext) => CheckResult;

function withHost(lab: Lab, name: string, fn: (h: Host) => CheckResult): CheckResult {
  const h = lab.host(name);
  if (!h) return res(false, `no host named ${name} in this lab`, `本实验中没有名为 ${name} 的主机`);
  return fn(h);
}

/** Evaluate a check against the lab now. Never throws for a valid check; never changes the lab. */
export function evaluate(lab: Lab, check: Check, ctx: EvalContext = {}): CheckResult {
  const c = ctx.vars ? resolveCheck(lab, check, ctx.vars) : resolveCheck(lab, check, {});
  return evalResolved(lab, c, ctx);
}

function evalResolved(lab: Lab, c: Check, ctx: EvalContext): CheckResult {
  const kind = Object.keys(c)[0] as keyof typeof EVALUATORS;
  const ev = EVALUATORS[kind] as Ev | undefined;
  if (!ev) return res(false, `unknown check '${String(kind)}'`, `未知的检查 '${String(kind)}'`);
  try {
    return ev(lab, (c as unknown as Record<string, never>)[kind], ctx);
  } catch (e) {
    return res(false, `check failed to run: ${(e as Error).message}`, `检查无法执行:${(e as Error).message}`);
  }
}

const EVALUATORS = {
  all(lab: Lab, parts: readonly Check[], ctx: EvalContext): CheckResult {
    const rs = parts.map((p) => evalResolved(lab, p, ctx));
    const bad = rs.filter((r) => !r.ok);
    // Several parts can fail for one reason (three ipvsadm checks, no IPVS yet): say it once.
    const said = (xs: readonly CheckResult[], k: 'detail' | 'detailZh', sep: string) => [...new Set(xs.map((r) => r[k]))].join(sep);
    const shown = bad.length ? bad : rs;
    return res(bad.length === 0, said(shown, 'detail', '; '), said(shown, 'detailZh', ';'), { parts: rs, frames: rs.flatMap((r) => r.frames ?? []) });
  },

  any(lab: Lab, parts: readonly Check[], ctx: EvalContext): CheckResult {
    const rs = parts.map((p) => evalResolved(lab, p, ctx));
    const good = rs.find((r) => r.ok);
    return good ? res(true, good.detail, good.detailZh, { parts: rs, frames: good.frames })
      : res(false, rs.map((r) => r.detail).join(' / '), rs.map((r) => r.detailZh).join(' / '), { parts: rs });
  },

  not(lab: Lab, part: Check, ctx: EvalContext): CheckResult {
    const r = evalResolved(lab, part, ctx);
    // The part's detail describes the state either way; say so when it should not hold.
    return r.ok ? res(false, `${r.detail} (it should not)`, `${r.detailZh}(不应如此)`, { parts: [r] }) : res(true, r.detail, r.detailZh, { parts: [r] });
  },

  sysctl(lab: Lab, c: { host: string; key: string; value: string | number; effective?: boolean }): CheckResult {
    return withHost(lab, c.host, (h) => {
      let v: string | undefined;
      const m = /^net\.ipv4\.conf\.([^.]+)\.(\w+)$/.exec(c.key);
      if (c.effective && m) v = h.dev(m[1]) || m[1] === 'all' || m[1] === 'default' ? String(h.sysctl.effective(m[1], m[2])) : undefined;
      else v = h.sysctl.get(c.key);
      const want = String(c.value).trim().replace(/\s+/g, ' ');
      const got = v?.trim().replace(/\s+/g, ' ');
      const what = c.effective ? `${c.key} (in effect: max of all and the device)` : c.key;
      if (got === undefined) return res(false, `${c.host}: ${c.key} does not exist`, `${c.host}:没有 ${c.key} 这个参数`);
      return res(got === want, `${c.host}: ${what} = ${got}${got === want ? '' : `, want ${want}`}`,
        `${c.host}:${c.key}${c.effective ? '(实际生效值)' : ''} = ${got}${got === want ? '' : `,应为 ${want}`}`);
    });
  },

  address(lab: Lab, c: { host: string; dev?: string; cidr: string }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const want = parseCidr(c.cidr)!;
      const devs = c.dev ? [h.dev(c.dev)].filter((d) => d !== undefined) : [...h.devs.values()];
      if (c.dev && devs.length === 0) return res(false, `${c.host} has no device ${c.dev}`, `${c.host} 没有网卡 ${c.dev}`);
      for (const d of devs) {
        const a = d.addrs.find((x) => x.addr === want.addr && (want.prefix === null || x.prefix === want.prefix));
        if (a) return res(true, `${c.host}: ${fmtIp(a.addr)}/${a.prefix} is on ${d.name}`, `${c.host}:${d.name} 上有 ${fmtIp(a.addr)}/${a.prefix}`);
      }
      const where = c.dev ?? 'any device';
      const elsewhere = [...h.devs.values()].find((d) => d.addrs.some((x) => x.addr === want.addr));
      const extra = elsewhere && c.dev ? ` (it is on ${elsewhere.name})` : '';
      const extraZh = elsewhere && c.dev ? `(它在 ${elsewhere.name} 上)` : '';
      return res(false, `${c.host}: ${c.cidr} is not on ${where}${extra}`, `${c.host}:${c.dev ?? '任何网卡'} 上没有 ${c.cidr}${extraZh}`);
    });
  },

  route(lab: Lab, c: { host: string; dst?: string; to?: string; via?: string; dev?: string }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const via = c.via ? parseIpv4(c.via) : null;
      const fits = (r: { gw: number | null; dev: string | null }) => (via === null || r.gw === via) && (!c.dev || r.dev === c.dev);
      const desc = `${c.via ? ` via ${c.via}` : ''}${c.dev ? ` dev ${c.dev}` : ''}`;
      if (c.to) {
        const a = parseIpv4(c.to)!;
        const r = h.lookupRoute(a);
        if (!r) return res(false, `${c.host}: no route to ${c.to}`, `${c.host}:没有去往 ${c.to} 的路由`);
        const got = `${r.gw !== null ? ` via ${fmtIp(r.gw)}` : ''}${r.dev ? ` dev ${r.dev}` : ''}`;
        return res(fits(r), `${c.host}: ${c.to} goes${got}${fits(r) ? '' : `, want${desc}`}`, `${c.host}:去往 ${c.to} 的路由是${got}${fits(r) ? '' : `,应为${desc}`}`);
      }
      const dst = c.dst === 'default' || c.dst === undefined ? { addr: 0, prefix: 0 } : parseCidr(c.dst)!;
      const prefix = dst.prefix ?? 32;
      const rs = h.routes.routes.filter((r) => r.dst === dst.addr && r.prefix === prefix);
      const ok = rs.some(fits);
      const name = c.dst ?? 'default';
      const have = rs.map((r) => `${r.gw !== null ? `via ${fmtIp(r.gw)} ` : ''}dev ${r.dev ?? '-'}`).join(', ') || 'none';
      return res(ok, `${c.host}: route ${name}${desc}${ok ? '' : ` not found (have: ${have})`}`,
        `${c.host}:路由 ${name}${desc}${ok ? '' : ` 不存在(现有:${have === 'none' ? '无' : have})`}`);
    });
  },

  link(lab: Lab, c: { host: string; dev: string; up?: boolean; carrier?: boolean }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const d = h.dev(c.dev);
      if (!d) return res(false, `${c.host} has no device ${c.dev}`, `${c.host} 没有网卡 ${c.dev}`);
      const okUp = c.up === undefined || d.up === c.up;
      const okCar = c.carrier === undefined || d.carrier === c.carrier;
      return res(okUp && okCar, `${c.host}: ${c.dev} is ${d.up ? 'UP' : 'DOWN'}, cable ${d.carrier ? 'connected' : 'disconnected'}`,
        `${c.host}:${c.dev} ${d.up ? '已启用(UP)' : '未启用(DOWN)'},网线${d.carrier ? '已连接' : '已断开'}`);
    });
  },

  module(lab: Lab, c: { host: string; name: string }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const ok = h.modules.has(c.name);
      return res(ok, `${c.host}: module ${c.name} ${ok ? 'is' : 'is not'} loaded`, `${c.host}:内核模块 ${c.name} ${ok ? '已加载' : '未加载'}`);
    });
  },

  package(lab: Lab, c: { host: string; name: string }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const ok = h.packages.has(c.name);
      return res(ok, `${c.host}: package ${c.name} ${ok ? 'is' : 'is not'} installed`, `${c.host}:软件包 ${c.name} ${ok ? '已安装' : '未安装'}`);
    });
  },

  unit(lab: Lab, c: { host: string; name: string; active?: boolean; enabled?: boolean }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const u = h.powered ? h.sd.unit(c.name) : undefined;
      if (!u) return res(c.active === false && c.enabled !== true, `${c.host}: unit ${c.name} ${h.powered ? 'does not exist (package not installed?)' : 'is not running: the machine is off'}`,
        `${c.host}:${h.powered ? `没有 ${c.name} 这个单元(软件包没装?)` : `机器已关机,${c.name} 没有运行`}`);
      const active = u.state === 'active' || u.state === 'reloading';
      const ok = (c.active === undefined || active === c.active) && (c.enabled === undefined || u.enabled === c.enabled);
      return res(ok, `${c.host}: ${u.def.name} is ${u.state}${u.enabled ? ', enabled' : ', not enabled'}`,
        `${c.host}:${u.def.name} 状态 ${u.state},${u.enabled ? '已设为开机启动' : '未设开机启动'}`);
    });
  },

  file(lab: Lab, c: { host: string; path: string; exists?: boolean; contains?: string; regex?: string; executable?: boolean }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const exists = h.fs.exists(c.path) && !h.fs.isDir(c.path);
      if (!exists) {
        const ok = c.exists === false;
        return res(ok, `${c.host}: ${c.path} does not exist`, `${c.host}:文件 ${c.path} 不存在`);
      }
      if (c.exists === false) return res(false, `${c.host}: ${c.path} exists`, `${c.host}:文件 ${c.path} 存在`);
      if (c.executable !== undefined) {
        const mode = h.fs.statOf(h.fs.lookup(c.path)).mode;
        const x = (mode & 0o111) !== 0;
        if (x !== c.executable) return res(false, `${c.host}: ${c.path} is ${x ? '' : 'not '}executable`, `${c.host}:${c.path} ${x ? '可' : '不可'}执行`);
      }
      let text = '';
      try { text = h.fs.readFile(c.path); } catch { text = ''; }
      if (c.contains !== undefined && !text.includes(c.contains)) {
        return res(false, `${c.host}: ${c.path} does not contain "${c.contains}"`, `${c.host}:${c.path} 中没有 "${c.contains}"`);
      }
      if (c.regex !== undefined && !new RegExp(c.regex, 'm').test(text)) {
        return res(false, `${c.host}: no line of ${c.path} matches /${c.regex}/`, `${c.host}:${c.path} 中没有符合 /${c.regex}/ 的内容`);
      }
      return res(true, `${c.host}: ${c.path} is as expected`, `${c.host}:${c.path} 符合要求`);
    });
  },

  powered(lab: Lab, c: { host: string; on: boolean }): CheckResult {
    return withHost(lab, c.host, (h) => res(h.powered === c.on, `${c.host} is ${h.powered ? 'on' : 'off'}`, `${c.host} ${h.powered ? '已开机' : '已关机'}`));
  },

  listening(lab: Lab, c: { host: string; port: number; addr?: string }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const a = c.addr ? parseIpv4(c.addr) : null;
      const l = h.tcp.allListeners().find((x) => x.port === c.port && (a === null || x.addr === 0 || x.addr === a));
      return res(!!l, `${c.host}: ${l ? `${l.owner} listens on` : 'nothing listens on'} TCP port ${c.port}`,
        `${c.host}:TCP ${c.port} 端口${l ? `由 ${l.owner} 监听` : '无人监听'}`);
    });
  },

  neighbour(lab: Lab, c: { host: string; ip: string; macOf?: string; dev?: string }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const ip = parseIpv4(c.ip)!;
      const entries = h.neigh.all().filter((n) => n.ip === ip && n.mac !== null && (!c.dev || n.dev === c.dev));
      if (!entries.length) return res(false, `${c.host} has no ARP entry for ${c.ip}`, `${c.host} 的 ARP 缓存里没有 ${c.ip}`);
      const mac = entries[0].mac!;
      if (!c.macOf) return res(true, `${c.host}: ${c.ip} is at ${fmtMac(mac)}`, `${c.host}:${c.ip} 对应 ${fmtMac(mac)}`);
      const owner = lab.host(c.macOf);
      const ok = !!owner && [...owner.devs.values()].some((d) => d.mac === mac);
      const who = whoHasMac(lab, mac);
      return res(ok, `${c.host}: ${c.ip} is at ${fmtMac(mac)} (${who ?? 'unknown'})${ok ? '' : `, want ${c.macOf}'s MAC`}`,
        `${c.host}:${c.ip} 对应 ${fmtMac(mac)}(${who ?? '未知'})${ok ? '' : `,应为 ${c.macOf} 的 MAC`}`);
    });
  },

  arpAnswers(lab: Lab, c: { host: string; ip: string; dev?: string; expect?: boolean }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const ip = parseIpv4(c.ip)!;
      const r = wouldAnswerArp(h, ip, c.dev);
      const want = c.expect ?? true;
      return res(r.answers === want, `${c.host} ${r.answers ? 'would answer' : 'would not answer'} ARP for ${c.ip} on ${r.dev}: ${r.why}`,
        `${c.host} 在 ${r.dev} 上${r.answers ? '会' : '不会'}应答 ${c.ip} 的 ARP 请求:${r.whyZh}`);
    });
  },

  ipvsService(lab: Lab, c: ServiceRef & { host: string; scheduler?: string; persistent?: number | boolean; netmask?: string; dests?: Count }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const ipvs = Ipvs.of(h);
      const want = serviceRefText(c);
      if (!ipvs) return res(false, `${c.host}: IPVS is not loaded (no services)`, `${c.host}:IPVS 未加载(没有任何服务)`);
      const cands = ipvs.services().filter((s) => serviceMatches(s, c));
      if (!cands.length) return res(false, `${c.host}: no virtual service ${want}`, `${c.host}:没有虚拟服务 ${want}`);
      const problems: string[] = [];
      for (const s of cands) {
        const p: string[] = [];
        if (c.scheduler && s.schedName !== c.scheduler) p.push(`scheduler ${s.schedName}, want ${c.scheduler}`);
        if (c.persistent !== undefined) {
          const want = c.persistent;
          if (want === false && s.persistent) p.push(`persistent ${s.timeout}, want not persistent`);
          if (want === true && !s.persistent) p.push('not persistent');
          if (typeof want === 'number' && (!s.persistent || s.timeout !== want)) p.push(`${s.persistent ? `persistent ${s.timeout}` : 'not persistent'}, want persistent ${want}`);
        }
        if (c.netmask && s.netmask !== parseIpv4(c.netmask)) p.push(`netmask ${fmtIp(s.netmask)}, want ${c.netmask}`);
        if (c.dests !== undefined && !countOk(s.dests.length, c.dests)) p.push(`${s.dests.length} real servers, want ${fmtCount(c.dests)}`);
        if (!p.length) {
          return res(true, `${c.host}: ${s.label} ${s.schedName}${s.persistent ? ` persistent ${s.timeout}` : ''} with ${s.dests.length} real servers`,
            `${c.host}:${s.label} 调度算法 ${s.schedName}${s.persistent ? `,持久连接 ${s.timeout} 秒` : ''},${s.dests.length} 台真实服务器`);
        }
        problems.push(`${s.label}: ${p.join(', ')}`);
      }
      return res(false, `${c.host}: ${problems.join('; ')}`, `${c.host}:${problems.join(';')}`);
    });
  },

  ipvsDest(lab: Lab, c: { host: string; service?: ServiceRef; addr: string; fwd?: string; weight?: Count }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const ipvs = Ipvs.of(h);
      if (!ipvs) return res(false, `${c.host}: IPVS is not loaded (no services)`, `${c.host}:IPVS 未加载(没有任何服务)`);
      const ap = parseAddrPort(c.addr)!;
      const svcs = ipvs.services().filter((s) => serviceMatches(s, c.service));
      const found: string[] = [];
      for (const s of svcs) {
        for (const d of s.dests) {
          if (d.addr !== ap.addr || (ap.port !== null && d.port !== ap.port)) continue;
          const fwd = FWD_NAMES[d.fwd] ?? String(d.fwd);
          const ok = (!c.fwd || fwd === c.fwd) && (c.weight === undefined || countOk(d.weight, c.weight));
          const text = `${s.label} -> ${d.label} ${fwd} weight ${d.weight}`;
          if (ok) return res(true, `${c.host}: ${text}`, `${c.host}:${s.label} -> ${d.label},转发方式 ${fwd},权重 ${d.weight}`);
          found.push(text);
        }
      }
      const want = `${c.addr}${c.fwd ? ` ${c.fwd}` : ''}${c.weight !== undefined ? ` weight ${fmtCount(c.weight)}` : ''}`;
      if (found.length) return res(false, `${c.host}: have ${found.join(', ')}; want ${want}`, `${c.host}:现有 ${found.join(',')};应为 ${want}`);
      return res(false, `${c.host}: ${serviceRefText(c.service)} has no real server ${c.addr}`, `${c.host}:${serviceRefText(c.service)} 中没有真实服务器 ${c.addr}`);
    });
  },

  ipvsConns(lab: Lab, c: { host: string; service?: ServiceRef; dest?: string; active?: Count; inactive?: Count; persist?: Count; entries?: Count; templates?: Count; state?: string; clientIp?: string }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const ipvs = Ipvs.of(h);
      if (!ipvs) return res(false, `${c.host}: IPVS is not loaded`, `${c.host}:IPVS 未加载`);
      const dp = c.dest ? parseAddrPort(c.dest) : null;
      const problems: string[] = [];
      const shown: string[] = [];
      if (c.active !== undefined || c.inactive !== undefined || c.persist !== undefined) {
        let act = 0, inact = 0, pers = 0;
        for (const s of ipvs.services().filter((x) => serviceMatches(x, c.service))) {
          for (const d of s.dests) {
            if (dp && (d.addr !== dp.addr || (dp.port !== null && d.port !== dp.port))) continue;
            act += d.activeConns; inact += d.inactConns; pers += d.persistConns;
          }
        }
        shown.push(`ActiveConn ${act}, InActConn ${inact}, PersistConn ${pers}`);
        if (c.active !== undefined && !countOk(act, c.active)) problems.push(`ActiveConn ${act}, want ${fmtCount(c.active)}`);
        if (c.inactive !== undefined && !countOk(inact, c.inactive)) problems.push(`InActConn ${inact}, want ${fmtCount(c.inactive)}`);
        if (c.persist !== undefined && !countOk(pers, c.persist)) problems.push(`PersistConn ${pers}, want ${fmtCount(c.persist)}`);
      }
      if (c.entries !== undefined || c.templates !== undefined || c.state !== undefined) {
        const client = c.clientIp ? parseIpv4(c.clientIp) : null;
        const conns = ipvs.connList().filter((x) => {
          if (dp && (x.daddr !== dp.addr || (dp.port !== null && x.dport !== dp.port))) return false;
          if (client !== null && x.caddr !== client) return false;
          const s = x.dest?.svc;
          if (c.service && (!s || !serviceMatches(s, c.service))) return false;
          return true;
        });
        const tpl = conns.filter((x) => x.template);
        const ent = conns.filter((x) => !x.template && (!c.state || x.stateName === c.state));
        shown.push(`${ent.length} connection entries${c.state ? ` in ${c.state}` : ''}, ${tpl.length} persistence templates`);
        if (c.templates !== undefined && !countOk(tpl.length, c.templates)) problems.push(`${tpl.length} templates, want ${fmtCount(c.templates)}`);
        if ((c.entries !== undefined || c.state !== undefined) && !countOk(ent.length, c.entries)) problems.push(`${ent.length} entries${c.state ? ` in ${c.state}` : ''}, want ${fmtCount(c.entries)}`);
      }
      const ok = problems.length === 0;
      return res(ok, `${c.host}: ${ok ? shown.join('; ') : problems.join('; ')}`, `${c.host}:${ok ? shown.join(';') : problems.join(';')}`);
    });
  },

  ipvsLaddr(lab: Lab, c: { host: string; service?: ServiceRef; addr: string }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const ipvs = Ipvs.of(h);
      const a = parseIpv4(c.addr)!;
      const s = ipvs?.services().find((x) => serviceMatches(x, c.service) && x.laddrs.some((l) => l.addr === a));
      return res(!!s, `${c.host}: ${s ? `${s.label} has` : 'no service has'} local address ${c.addr}`, `${c.host}:${s ? `${s.label} 已配置` : '没有服务配置了'} 本地地址(LIP)${c.addr}`);
    });
  },

  iptables(lab: Lab, c: { host: string; table?: string; chain: string; rule?: string; contains?: string; target?: string; mark?: number }): CheckResult {
    return withHost(lab, c.host, (h) => {
      const table = c.table ?? 'filter';
      const nf = netfilterOf(h);
      const t = nf.table(table);
      const where = `-t ${table} ${c.chain}`;
      if (!t || !(TABLE_NAMES as readonly string[]).includes(table)) return res(false, `no iptables table ${table}`, `没有 iptables 表 ${table}`);
      if (c.rule !== undefined) {
        // `iptables -C` semantics: the same parser makes the rule canonical, then compares.
        const r = runIptables(makeContext(nf, h.fs), ['iptables', '-t', table, '-C', c.chain, ...splitWords(c.rule)]);
        if (r.status !== 0) return res(false, `${c.host}: no rule "${c.rule}" in ${where}`, `${c.host}:${where} 中没有规则 "${c.rule}"`);
        return res(true, `${c.host}: ${where} has "${c.rule}"`, `${c.host}:${where} 中有规则 "${c.rule}"`);
      }
      const chain = t.chains.get(c.chain);
      const rules = chain?.rules ?? [];
      const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
      const r = rules.find((x) => {
        if (c.contains !== undefined && !norm(x.spec).includes(norm(c.contains))) return false;
        const tname = x.target.kind === 'ext' ? x.target.ext.name : x.target.kind === 'verdict' ? x.target.v : x.target.kind === 'jump' ? x.target.chain : '';
        if (c.target !== undefined && tname !== c.target) return false;
        if (c.mark !== undefined) {
          if (x.target.kind !== 'ext' || x.target.ext.name !== 'MARK') return false;
          const d = x.target.data as { mark: number; mask: number };
          if (d.mark !== c.mark) return false;
        }
        return true;
      });
      if (!r) return res(false, `${c.host}: no matching rule in ${where} (${rules.length} rules)`, `${c.host}:${where} 中没有符合的规则(共 ${rules.length} 条)`);
      return res(true, `${c.host}: ${where}: ${r.spec}`, `${c.host}:${where}:${r.spec}`);
    });
  },

  decisions(lab: Lab, c: { host: string; scheduler?: string; service?: string; dest?: string; clientIp?: string; scheduled?: boolean; count?: Count; since?: Since }, ctx: EvalContext): CheckResult {
    return withHost(lab, c.host, (h) => {
      const ipvs = Ipvs.of(h);
      const from = c.since === 'guide' ? 0 : ctx.stepTime ?? 0;
      const ds = (ipvs?.decisions() ?? []).filter((d) => {
        if (d.time < from) return false;
        if (c.scheduler && d.sched?.text.split(':')[0] !== c.scheduler) return false;
        if (c.service && d.service !== c.service && d.service.replace(/\s+/g, ' ') !== c.service) return false;
        if (c.dest && !(d.dest === c.dest || d.dest?.split(':')[0] === c.dest)) return false;
        if (c.clientIp && d.client.split(':')[0] !== c.clientIp) return false;
        if (c.scheduled !== undefined && (d.sched !== null) !== c.scheduled) return false;
        return true;
      });
      const ok = countOk(ds.length, c.count);
      const what = [c.scheduler && `by ${c.scheduler}`, c.service && `for ${c.service}`, c.dest && `to ${c.dest}`, c.clientIp && `from ${c.clientIp}`,
        c.scheduled === true && 'made by the scheduler', c.scheduled === false && 'decided by a persistence template'].filter(Boolean).join(' ');
      return res(ok, `${c.host}: ${ds.length} scheduling decisions${what ? ' ' + what : ''}${ok ? '' : `, want ${fmtCount(c.count)}`}`,
        `${c.host}:${ds.length} 次调度决定${ok ? '' : `,应为${fmtCountZh(c.count)}`}`);
    });
  },

  answers(lab: Lab, c: { client: string; from: Hosts; port?: number | readonly number[]; clientIp?: string; each?: number; perPort?: boolean; only?: boolean; since?: Since }, ctx: EvalContext): CheckResult {
    return withHost(lab, c.client, (client) => {
      const t = trafficOf(lab);
      const list = filterAnswers(lab, t, answersTo(t, client.id, windowFrom(ctx, c.since)), c.port, c.clientIp);
      const wantHosts = hostList(c.from).map((n) => lab.host(n)).filter((x): x is Host => !!x);
      const per = new Map<number, Answer[]>();
      for (const a of list) per.set(a.server, [...(per.get(a.server) ?? []), a]);
      const each = c.each ?? 1;
      const missing = wantHosts.filter((h) => (per.get(h.id)?.length ?? 0) < each);
      const others = [...per.keys()].filter((id) => !wantHosts.some((h) => h.id === id));
      const unanswered = c.perPort && Array.isArray(c.port) ? c.port.filter((p) => !list.some((a) => a.port === p)) : [];
      const ok = missing.length === 0 && (!c.only || others.length === 0) && list.length > 0 && unanswered.length === 0;
      const summary = [...per.entries()].map(([id, as]) => `${id >= 0 ? t.hostName(id) : 'unknown'} ${as.length}`).join(', ') || 'none';
      const frames = list.map((a) => a.no);
      let detail = `${c.client} got answers from: ${summary}`;
      let detailZh = `${c.client} 收到的应答来自:${summary === 'none' ? '无' : summary}`;
      if (missing.length) { detail += `; none yet from ${missing.map(labName).join(', ')}`; detailZh += `;还没有来自 ${missing.map(labName).join('、')} 的应答`; }
      if (unanswered.length) { detail += `; nothing answered on port ${unanswered.join(', ')}`; detailZh += `;端口 ${unanswered.join('、')} 没有收到应答`; }
      if (c.only && others.length) { detail += `; also from ${others.map((id) => t.hostName(id)).join(', ')}`; detailZh += `;还有来自 ${others.map((id) => t.hostName(id)).join('、')} 的应答`; }
      return res(ok, detail, detailZh, { frames });
    });
  },

  sticky(lab: Lab, c: { client: string; ports?: readonly number[]; clientIp?: string; same: boolean; min?: number; since?: Since }, ctx: EvalContext): CheckResult {
    return withHost(lab, c.client, (client) => {
      const t = trafficOf(lab);
      const list = filterAnswers(lab, t, answersTo(t, client.id, windowFrom(ctx, c.since)), c.ports, c.clientIp);
      const servers = [...new Set(list.map((a) => a.server))];
      const missingPorts = (c.ports ?? []).filter((p) => !list.some((a) => a.port === p));
      const min = c.min ?? (c.same ? 2 : 2);
      const byPort = (c.ports ?? [...new Set(list.map((a) => a.port))]).map((p) => `${p}: ${[...new Set(list.filter((a) => a.port === p).map((a) => t.hostName(a.server)))].join('+') || '-'}`).join(', ');
      let ok = list.length >= min && missingPorts.length === 0;
      ok = ok && (c.same ? servers.length === 1 : servers.length > 1);
      const names = servers.map((id) => t.hostName(id)).join(', ') || 'none';
      return res(ok, `${list.length} answered connections${c.clientIp ? ` from ${c.clientIp}` : ''} (want ${min}+), served by ${names} (${byPort}); want ${c.same ? 'one server for all' : 'more than one server'}`,
        `${list.length} 个有应答的连接${c.clientIp ? `(来自 ${c.clientIp})` : ''}(至少需要 ${min} 个),由 ${names === 'none' ? '无' : names} 处理(${byPort});要求${c.same ? '全部由同一台服务器处理' : '分散到不止一台服务器'}`,
        { frames: list.map((a) => a.no) });
    });
  },

  frames(lab: Lab, c: { filter?: string; segment?: string; sender?: Hosts; receiver?: Hosts; dropped?: boolean; count?: Count; every?: string; since?: Since }, ctx: EvalContext): CheckResult {
    const t = trafficOf(lab);
    const match = c.filter ? compileFilter(c.filter) : null;
    if (match && !match.ok) return res(false, `bad filter "${c.filter}": ${match.error}`, `过滤表达式 "${c.filter}" 有误:${match.error}`);
    const every = c.every ? compileFilter(c.every) : null;
    if (every && !every.ok) return res(false, `bad filter "${c.every}": ${every.error}`, `过滤表达式 "${c.every}" 有误:${every.error}`);
    const senders = hostList(c.sender).map((n) => lab.host(n)?.id ?? -2);
    const receivers = hostList(c.receiver).map((n) => lab.host(n)?.id ?? -2);
    const seg = c.segment ? lab.segment(c.segment)?.id ?? -2 : null;
    const hits: number[] = [];
    const bad: number[] = [];
    for (const p of t.range(windowFrom(ctx, c.since))) {
      if (seg !== null && p.seg !== seg) continue;
      if (senders.length && !senders.includes(p.fromHost)) continue;
      if (receivers.length && !receivers.includes(p.toHost)) continue;
      if (c.dropped !== undefined && !!t.dropOf(p.no) !== c.dropped) continue;
      if (p.seg < 0 && c.dropped === undefined) continue;
      const rec = match || every ? lab.capture.get(p.no) : undefined;
      if (match && match.ok && (!rec || !match.match(rec.bytes))) continue;
      hits.push(p.no);
      if (every && every.ok && (!rec || !every.match(rec.bytes))) bad.push(p.no);
    }
    const dflt: Count = { min: 1 };
    const okCount = countOk(hits.length, c.count, dflt);
    const ok = okCount && bad.length === 0 && (!every || hits.length > 0);
    const where = [c.filter && `"${c.filter}"`, c.segment && `on ${c.segment}`, c.sender && `sent by ${hostList(c.sender).join('/')}`, c.receiver && `to ${hostList(c.receiver).join('/')}`,
      c.dropped === true && 'dropped', c.dropped === false && 'not dropped'].filter(Boolean).join(' ');
    const whereZh = [c.segment && `${c.segment} 上`, c.sender && `由 ${hostList(c.sender).join('/')} 发出`, c.receiver && `发往 ${hostList(c.receiver).join('/')}`,
      c.dropped === true && '被丢弃', c.dropped === false && '未被丢弃', c.filter && `符合 "${c.filter}"`].filter(Boolean).join('、');
    let detail = `${hits.length} frames ${where}`.trim() + (okCount ? '' : `, want ${fmtCount(c.count, dflt)}`);
    let detailZh = `${whereZh ? whereZh + '的' : ''}帧有 ${hits.length} 个` + (okCount ? '' : `,应为${fmtCountZh(c.count, dflt)}`);
    if (every) {
      detail += bad.length ? `; ${bad.length} of them do not match "${c.every}" (first: frame ${bad[0]})` : `; all match "${c.every}"`;
      detailZh += bad.length ? `;其中 ${bad.length} 个不符合 "${c.every}"(第一个:帧 ${bad[0]})` : `;全部符合 "${c.every}"`;
    }
    return res(ok, detail, detailZh, { frames: bad.length ? bad.slice(0, 20) : hits.slice(0, 50) });
  },

  drops(lab: Lab, c: { host?: Hosts; code?: string | readonly string[]; reason?: string; count?: Count; since?: Since }, ctx: EvalContext): CheckResult {
    const t = trafficOf(lab);
    const hosts = hostList(c.host).map((n) => lab.host(n)?.id ?? -2);
    const codes = c.code === undefined ? [] : typeof c.code === 'string' ? [c.code] : [...c.code];
    const hits: number[] = [];
    const reasons: string[] = [];
    for (const p of t.range(windowFrom(ctx, c.since))) {
      const d = t.dropOf(p.no);
      if (!d) continue;
      if (hosts.length && !hosts.includes(d.host)) continue;
      if (codes.length && !codes.includes(d.code)) continue;
      if (c.reason && !d.reason.includes(c.reason)) continue;
      hits.push(p.no);
      if (reasons.length < 3 && !reasons.includes(d.reason)) reasons.push(d.reason);
    }
    const ok = countOk(hits.length, c.count);
    return res(ok, `${hits.length} dropped frames${codes.length ? ` (${codes.join('/')})` : ''}${reasons.length ? `: ${reasons.join(' | ')}` : ''}`,
      `${hits.length} 个被丢弃的帧${codes.length ? `(${codes.join('/')})` : ''}${reasons.length ? `:${reasons.join(' | ')}` : ''}`, { frames: hits.slice(0, 50) });
  },

  rewrite(lab: Lab, c: { host: string; segment?: string; filter?: string; same?: readonly RewriteField[]; changed?: readonly RewriteField[]; encap?: 'ipip' | 'none'; since?: Since }, ctx: EvalContext): CheckResult {
    return withHost(lab, c.host, (h) => {
      const t = trafficOf(lab);
      const match = c.filter ? compileFilter(c.filter) : null;
      if (match && !match.ok) return res(false, `bad filter "${c.filter}": ${match.error}`, `过滤表达式 "${c.filter}" 有误:${match.error}`);
      const seg = c.segment ? lab.segment(c.segment)?.id ?? -2 : null;
      let tried = 0;
      let lastWhy = '';
      for (const p of t.range(windowFrom(ctx, c.since))) {
        if (p.toHost !== h.id || !p.ip || p.seg < 0) continue;
        if (seg !== null && p.seg !== seg) continue;
        if (match && match.ok) {
          const rec = lab.capture.get(p.no);
          if (!rec || !match.match(rec.bytes)) continue;
        }
        const q = t.pairOut(p.no);
        if (!q || (seg !== null && q.seg !== seg)) continue;
        tried++;
        const diff = rewriteDiff(p, q);
        const wrongSame = (c.same ?? []).filter((f) => diff[f]);
        const wrongChanged = (c.changed ?? []).filter((f) => !diff[f]);
        const encapOk = c.encap === undefined || (c.encap === 'ipip') === !!q.encap;
        if (!wrongSame.length && !wrongChanged.length && encapOk) {
          const changed = (Object.keys(diff) as RewriteField[]).filter((f) => diff[f]);
          return res(true, `frame ${p.no} → ${c.host} → frame ${q.no}: changed ${changed.join(', ') || 'nothing'}${q.encap ? ', wrapped in a new IP header (IPIP)' : ''}`,
            `帧 ${p.no} 进入 ${c.host},帧 ${q.no} 发出:改变的字段 ${changed.join('、') || '无'}${q.encap ? ',外面加了一层新的 IP 头(IPIP)' : ''}`, { frames: [p.no, q.no] });
        }
        lastWhy = [wrongSame.length && `${wrongSame.join(', ')} changed`, wrongChanged.length && `${wrongChanged.join(', ')} unchanged`, !encapOk && (c.encap === 'ipip' ? 'not encapsulated' : 'encapsulated')]
          .filter(Boolean).join('; ') + ` (frames ${p.no} → ${q.no})`;
      }
      if (!tried) {
        const since = c.since !== 'guide' && (ctx.stepFrom ?? 1) > 1;
        return res(false, `no frame went through ${c.host}${c.segment ? ` on ${c.segment}` : ''} ${since ? 'since this step began: send one now' : 'yet'}`,
          `${since ? '这一步开始以后' : ''}还没有帧经过 ${c.host}${c.segment ? `(${c.segment})` : ''}${since ? ':现在发一个请求' : ''}`);
      }
      return res(false, `through ${c.host}: ${lastWhy}`, `经过 ${c.host} 的帧:${lastWhy}`);
    });
  },
} satisfies Record<string, Ev | ((lab: Lab, c: never, ctx: EvalContext) => CheckResult)>;

/** Which of the header fields differ between a frame in and the frame out. */
export function rewriteDiff(p: Pkt, q: Pkt): Record<RewriteField, boolean> {
  const pl4 = p.tcp ?? p.udp, ql4 = q.tcp ?? q.udp;
  return {
    'eth.src': p.ethSrc !== q.ethSrc,
    'eth.dst': p.ethDst !== q.ethDst,
    'ip.src': p.ip!.src !== q.ip!.src,
    'ip.dst': p.ip!.dst !== q.ip!.dst,
    sport: (pl4?.sport ?? -1) !== (ql4?.sport ?? -1),
    dport: (pl4?.dport ?? -1) !== (ql4?.dport ?? -1),
    ttl: p.ip!.ttl !== q.ip!.ttl,
  };
}

function filterAnswers(lab: Lab, t: TrafficIndex, list: Answer[], port: number | readonly number[] | undefined, clientIp: string | undefined): Answer[] {
  void lab; void t;
  const ports = port === undefined ? null : typeof port === 'number' ? [port] : port;
  const cip = clientIp ? parseIpv4(clientIp) : null;
  return list.filter((a) => (!ports || ports.includes(a.port)) && (cip === null || a.clientIp === cip));
}

export function whoHasMac(lab: Lab, mac: number): string | null {
  for (const h of lab.hosts) for (const d of h.devs.values()) if (d.mac === mac && d.kind === 'ether') return `${labName(h)}/${d.name}`;
  return null;
}

/**
 * Would `h` answer an ARP request for `ip` arriving on `dev` (default: its first Ethernet
 * NIC)? The kernel's arp_process rules as host.ts applies them: the address must be local
 * (on any device: the weak host model), and arp_ignore (max of all and the device) decides.
 */
export function wouldAnswerArp(h: Host, ip: number, devName?: string): { answers: boolean; dev: string; why: string; whyZh: string } {
  const dev = devName ? h.dev(devName) : [...h.devs.values()].find((d) => d.kind === 'ether');
  const dn = dev?.name ?? devName ?? '?';
  if (!dev) return { answers: false, dev: dn, why: 'no such device', whyZh: '没有这个网卡' };
  if (!h.powered) return { answers: false, dev: dn, why: 'the machine is off', whyZh: '机器已关机' };
  const ldev = h.localDev(ip);
  if (!ldev) return { answers: false, dev: dn, why: `${fmtIp(ip)} is not one of its addresses`, whyZh: `${fmtIp(ip)} 不是它的地址` };
  const mode = h.sysctl.effective(dev.name, 'arp_ignore');
  if (mode === 0) return { answers: true, dev: dn, why: `${fmtIp(ip)} is on ${ldev.name} and arp_ignore=0 answers for any local address`, whyZh: `${fmtIp(ip)} 在 ${ldev.name} 上,arp_ignore=0 时任何本机地址都会应答` };
  if (mode >= 1 && mode <= 3) {
    const on = dev.addrs.some((a) => a.addr === ip);
    return on ? { answers: true, dev: dn, why: `arp_ignore=${mode} but ${fmtIp(ip)} is on ${dn} itself`, whyZh: `arp_ignore=${mode},但 ${fmtIp(ip)} 就配在 ${dn} 上` }
      : { answers: false, dev: dn, why: `arp_ignore=${mode}: ${fmtIp(ip)} is on ${ldev.name}, not on ${dn}`, whyZh: `arp_ignore=${mode}:${fmtIp(ip)} 在 ${ldev.name} 上而不在 ${dn} 上` };
  }
  if (mode === 8) return { answers: false, dev: dn, why: 'arp_ignore=8 never answers', whyZh: 'arp_ignore=8 从不应答' };
  return { answers: true, dev: dn, why: `arp_ignore=${mode}`, whyZh: `arp_ignore=${mode}` };
}

/** Split a rule the way a shell would for simple quoting ("..." and '...'). */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** Is `a` in the same subnet as any address of `h`? */
export function onLinkWith(h: Host, a: number): boolean {
  for (const { a: x } of h.allAddrs()) if (x.scope !== 'host' && x.prefix < 32 && sameSubnet(x.addr, a, x.prefix)) return true;
  return false;
}

export const CHECK_KINDS = Object.keys(EVALUATORS);
