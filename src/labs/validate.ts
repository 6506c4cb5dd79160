/**
 * Validating a guide file: first against guide.schema.json (the single description of the
 * format), then for what a schema cannot say — step ids unique, hosts that exist in the
 * preset and have a shell, display filters that compile, `{{VAR}}` placeholders that are
 * defined, regular expressions that parse, both languages present.
 *
 * The schema interpreter covers the JSON Schema keywords the schema uses (type, properties,
 * required, additionalProperties, propertyNames, items, minItems, enum, const, pattern,
 * minLength, minimum, maximum, anyOf, oneOf, $ref to #/$defs). For a `oneOf` whose branches
 * are told apart by one required key — the check kinds, the actions — it picks the branch by
 * that key, so an error reads "steps[3].check.sysctl.value: expected string or number"
 * instead of a list of every branch that did not match.
 *
 * Errors carry a JSON path (`steps[3].check.all[1].sysctl`) and a sentence.
 */
import schemaJson from './guide.schema.json';
import { PRESETS, type PresetName } from '../core/lab/presets.ts';
import { compileFilter } from '../core/wire/filter.ts';
import { parseIpv4 } from '../core/wire/types.ts';
import { parseAddrPort, parseCidr } from './checks.ts';
import type { Guide } from './types.ts';

export interface ValidationError {
  readonly path: string;
  readonly message: string;
}

export type ValidationResult = { readonly ok: true; readonly guide: Guide } | { readonly ok: false; readonly errors: readonly ValidationError[] };

type Schema = Record<string, unknown>;
const SCHEMA = schemaJson as unknown as Schema;

export { SCHEMA as GUIDE_SCHEMA };

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const k = typeOf(v);
  return k === t || (t === 'number' && k === 'integer');
}

const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

function resolveRef(ref: string): Schema {
  const m = /^#\/\$defs\/(.+)$/.exec(ref);
  if (!m) throw new Error(`unsupported $ref ${ref}`);
  return (SCHEMA.$defs as Record<string, Schema>)[m[1]];
}

function deref(s: Schema): Schema {
  let x = s;
  while (typeof x.$ref === 'string') x = { ...resolveRef(x.$ref), ...Object.fromEntries(Object.entries(x).filter(([k]) => k !== '$ref')) };
  return x;
}

/** The one required key that tells a oneOf branch apart, if every branch has one. */
function discriminators(branches: Schema[]): string[] | null {
  const keys: string[] = [];
  for (const b0 of branches) {
    const b = deref(b0);
    const req = b.required as string[] | undefined;
    if (b.type !== 'object' || !req || req.length < 1) return null;
    keys.push(req[0]);
  }
  return new Set(keys).size === keys.length ? keys : null;
}

/** A property every branch pins with `const` (`"op": "power"` | `"op": "cable"`), if any. */
function constTag(branches: Schema[]): string | null {
  const props = branches.map((b) => (deref(b).properties ?? {}) as Record<string, Schema>);
  for (const k of Object.keys(props[0] ?? {})) if (props.every((p) => p[k] && p[k].const !== undefined)) return k;
  return null;
}

function closest(word: string, options: readonly string[]): string | null {
  let best: string | null = null, bestD = Infinity;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) { best = o; bestD = d; }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** Validate a value against a schema; push errors. */
function check(v: unknown, s0: Schema, path: string, errs: ValidationError[]): void {
  const s = deref(s0);
  const err = (message: string, p = path) => errs.push({ path: p || '(top)', message });
  if (s.const !== undefined && v !== s.const) { err(`must be ${JSON.stringify(s.const)}`); return; }
  if (Array.isArray(s.enum) && !s.enum.includes(v)) {
    const near = typeof v === 'string' ? closest(v, s.enum as string[]) : null;
    err(`must be one of ${(s.enum as unknown[]).map((x) => JSON.stringify(x)).join(', ')}${near ? ` (did you mean "${near}"?)` : ''}; got ${JSON.stringify(v)}`);
    return;
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeMatches(v, t))) { err(`expected ${types.join(' or ')}, got ${typeOf(v)}`); return; }
  }
  if (Array.isArray(s.anyOf)) {
    const branches = s.anyOf as Schema[];
    const tries = branches.map((b) => { const e: ValidationError[] = []; check(v, b, path, e); return e; });
    if (!tries.some((e) => e.length === 0)) {
      // Report the branch of the value's own type, if one branch has it.
      const same = branches.findIndex((b) => { const t = deref(b).type; return t === undefined || (Array.isArray(t) ? t : [t]).some((x) => typeMatches(v, x as string)); });
      if (same >= 0) errs.push(...tries[same]);
      else err(`expected ${branches.map((b) => describe(deref(b))).join(' or ')}, got ${typeOf(v)}`);
    }
  }
  if (Array.isArray(s.oneOf)) {
    const branches = s.oneOf as Schema[];
    const keys = discriminators(branches);
    if (keys && typeOf(v) === 'object') {
      const present = Object.keys(v as object).filter((k) => keys.includes(k));
      if (present.length === 1) {
        check(v, branches[keys.indexOf(present[0])], path, errs);
      } else if (present.length === 0) {
        const got = Object.keys(v as object);
        const near = got.length === 1 ? closest(got[0], keys) : null;
        err(`expected one of ${keys.map((k) => `"${k}"`).join(', ')}${got.length ? `; got ${got.map((k) => `"${k}"`).join(', ')}` : ''}${near ? ` (did you mean "${near}"?)` : ''}`);
      } else {
        err(`has several kinds at once (${present.join(', ')}): use one per object, and all/any to combine them`);
      }
    } else if (typeOf(v) === 'object' && constTag(branches)) {
      const tag = constTag(branches)!;
      const tv = (v as Record<string, unknown>)[tag];
      const i = branches.findIndex((b) => ((deref(b).properties as Record<string, Schema>)[tag]).const === tv);
      if (i >= 0) check(v, branches[i], path, errs);
      else err(`"${tag}" must be one of ${branches.map((b) => JSON.stringify(((deref(b).properties as Record<string, Schema>)[tag]).const)).join(', ')}; got ${JSON.stringify(tv)}`);
    } else {
      const ok = branches.filter((b) => { const e: ValidationError[] = []; check(v, b, path, e); return e.length === 0; });
      if (ok.length !== 1) err(ok.length ? 'matches more than one alternative' : `does not match any alternative (${branches.map((b) => describe(deref(b))).join(' | ')})`);
    }
  }
  const t = typeOf(v);
  if (t === 'string') {
    const str = v as string;
    if (typeof s.minLength === 'number' && str.length < s.minLength) err(s.minLength === 1 ? 'must not be empty' : `must be at least ${s.minLength} characters`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(str)) err(`${JSON.stringify(str)} is not ${s.description ? `${s.description}` : `of the form /${s.pattern}/`}`);
  }
  if (t === 'integer' || t === 'number') {
    const n = v as number;
    if (typeof s.minimum === 'number' && n < s.minimum) err(`must be at least ${s.minimum}`);
    if (typeof s.maximum === 'number' && n > s.maximum) err(`must be at most ${s.maximum}`);
  }
  if (t === 'array') {
    const a = v as unknown[];
    if (typeof s.minItems === 'number' && a.length < s.minItems) err(s.minItems === 1 ? 'must not be empty' : `needs at least ${s.minItems} items`);
    if (s.items) a.forEach((x, i) => check(x, s.items as Schema, join(path, i), errs));
  }
  if (t === 'object') {
    const o = v as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const r of (s.required ?? []) as string[]) if (!(r in o)) err(`missing "${r}"`);
    for (const [k, x] of Object.entries(o)) {
      if (props[k]) { check(x, props[k], join(path, k), errs); continue; }
      if (s.propertyNames) check(k, s.propertyNames as Schema, join(path, k), errs);
      if (s.additionalProperties === false) {
        const near = closest(k, Object.keys(props));
        err(`unknown property "${k}"${near ? ` (did you mean "${near}"?)` : ''}`, join(path, k));
      } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        check(x, s.additionalProperties as Schema, join(path, k), errs);
      }
    }
  }
}

function describe(s: Schema): string {
  if (s.type) return Array.isArray(s.type) ? s.type.join('/') : String(s.type);
  if (s.enum) return (s.enum as unknown[]).map((x) => JSON.stringify(x)).join('/');
  return 'a value';
}

/** Schema errors only. */
export function validateSchema(data: unknown): ValidationError[] {
  const errs: ValidationError[] = [];
  check(data, SCHEMA, '', errs);
  return errs;
}

const HOST_FIELDS = new Set(['host', 'client', 'macOf']);
const HOSTS_FIELDS = new Set(['from', 'sender', 'receiver']);
const FILTER_FIELDS = new Set(['filter', 'every']);
const IP_FIELDS = new Set(['ip', 'via', 'to', 'clientIp', 'netmask']);
const ADDR_PORT_FIELDS = new Set(['addr', 'vip', 'dest']);

/** Schema plus meaning. `data` is the parsed JSON (or the text of the file). */
export function validateGuide(data: unknown): ValidationResult {
  let v = data;
  if (typeof data === 'string') {
    try { v = JSON.parse(data); } catch (e) { return { ok: false, errors: [{ path: '(file)', message: `not JSON: ${(e as Error).message}` }] }; }
  }
  const errs = validateSchema(v);
  if (errs.length) return { ok: false, errors: errs };
  const g = v as Guide;
  const spec = PRESETS[g.preset as PresetName];
  const machines = new Map(spec.machines.map((m) => [m.hostname.toLowerCase(), m]));
  const vars = g.vars ?? {};
  const err = (path: string, message: string) => errs.push({ path, message });
  const hostOk = (name: string, path: string, needShell = false) => {
    if (/\{\{/.test(name)) return;
    const m = machines.get(name.toLowerCase());
    if (!m) err(path, `no host "${name}" in the ${g.preset} preset (hosts: ${spec.machines.map((x) => x.hostname).join(', ')})`);
    else if (needShell && m.role === 'gateway') err(path, `${m.hostname} is VMware's NAT device: it has no shell`);
  };
  const varsOk = (s: string, path: string) => {
    for (const m of s.matchAll(/\{\{\s*([A-Za-z0-9_:.-]+)\s*\}\}/g)) {
      const name = m[1];
      const lab = /^(mac|ip):([^:]+):(.+)$/.exec(name);
      if (lab) { hostOk(lab[2], path); continue; }
      if (!Object.hasOwn(vars, name)) err(path, `placeholder {{${name}}} is not defined in "vars"`);
    }
  };
  const ids = new Set<string>();
  g.steps.forEach((st, i) => {
    const p = `steps[${i}]`;
    if (ids.has(st.id)) err(`${p}.id`, `step id "${st.id}" is used twice`);
    ids.add(st.id);
    if (st.commands && st.sequence) err(p, 'use either "commands" or "sequence", not both');
    for (const [h, lines] of Object.entries(st.commands ?? {})) {
      hostOk(h, `${p}.commands.${h}`, true);
      lines.forEach((l, j) => varsOk(l, `${p}.commands.${h}[${j}]`));
    }
    st.sequence?.forEach((a, j) => {
      if ('run' in a) { hostOk(a.host, `${p}.sequence[${j}].host`, true); varsOk(a.run, `${p}.sequence[${j}].run`); } else if ('host' in a.topology) hostOk(a.topology.host, `${p}.sequence[${j}].topology.host`);
    });
    for (const k of ['title', 'explain', 'hint'] as const) for (const lang of ['en', 'zh'] as const) varsOk(st[k][lang], `${p}.${k}.${lang}`);
    if (st.check) walkCheck(st.check, `${p}.check`);
  });
  function walkCheck(c: unknown, path: string): void {
    if (Array.isArray(c)) { c.forEach((x, i) => walkCheck(x, `${path}[${i}]`)); return; }
    if (!c || typeof c !== 'object') return;
    for (const [k, x] of Object.entries(c)) {
      const p = `${path}.${k}`;
      if (typeof x === 'string') {
        varsOk(x, p);
        if (HOST_FIELDS.has(k)) hostOk(x, p);
        if (HOSTS_FIELDS.has(k)) hostOk(x, p);
        if (FILTER_FIELDS.has(k) && !/\{\{/.test(x)) {
          const f = compileFilter(x);
          if (!f.ok) err(p, `display filter "${x}": ${f.error}`);
        }
        if (k === 'regex') { try { new RegExp(x, 'm'); } catch (e) { err(p, `bad regular expression: ${(e as Error).message}`); } }
        if (!/\{\{/.test(x)) {
          if (k === 'cidr' && !parseCidr(x)) err(p, `"${x}" is not an IPv4 address or ADDRESS/PREFIX`);
          if (IP_FIELDS.has(k) && parseIpv4(x) === null) err(p, `"${x}" is not an IPv4 address`);
          if (ADDR_PORT_FIELDS.has(k) && !parseAddrPort(x)) err(p, `"${x}" is not ADDRESS or ADDRESS:PORT`);
        }
      } else if (Array.isArray(x) && HOSTS_FIELDS.has(k)) {
        x.forEach((n, i) => typeof n === 'string' && hostOk(n, `${p}[${i}]`));
      } else walkCheck(x, p);
    }
    const o = c as Record<string, Record<string, unknown>>;
    if (o.route && o.route.dst === undefined && o.route.to === undefined) err(`${path}.route`, 'needs "dst" (a table entry) or "to" (where packets go)');
    if (o.ipvsService && o.ipvsService.vip === undefined && o.ipvsService.fwmark === undefined && o.ipvsService.proto !== undefined) err(`${path}.ipvsService`, '"proto" without "vip"');
    if (o.rewrite && !o.rewrite.same && !o.rewrite.changed && !o.rewrite.encap) err(`${path}.rewrite`, 'says nothing: give "same", "changed" or "encap"');
  }
  return errs.length ? { ok: false, errors: errs } : { ok: true, guide: g };
}

/** Errors as lines: "steps[3].check.sysctl.value: expected string or number". */
export function formatErrors(errors: readonly ValidationError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('\n');
}
