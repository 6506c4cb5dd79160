/**
 * Shell variables with bash's dynamic scoping: a global table plus one table per active
 * function call that used `local`/`declare`. A variable is a scalar, an indexed array
 * (sparse, as in bash) or an associative array, plus attributes (-x -r -i -a -A -l -u).
 *
 * Subshells get a copy-on-write clone: tables are copied (cheap Map copies) but the Var
 * objects are shared until one side writes, so `$(...)` in a hot loop stays cheap.
 */

export const enum Attr {
  EXPORT = 1, READONLY = 2, INTEGER = 4, ARRAY = 8, ASSOC = 16, LOWER = 32, UPPER = 64,
}

export type VarValue = string | (string | undefined)[] | Map<string, string>;

export interface Var {
  /** undefined = declared but unset (`local x`, `declare -x X`). */
  value: VarValue | undefined;
  attrs: number;
  /** The owner table set's id (copy-on-write). */
  owner: number;
}

let nextOwner = 1;

export class Vars {
  /** scopes[0] is global; the last one is the innermost function's locals. */
  scopes: Map<string, Var>[];
  private id = nextOwner++;

  constructor(scopes?: Map<string, Var>[]) {
    this.scopes = scopes ?? [new Map()];
  }

  /** A copy-on-write clone for a subshell. */
  clone(): Vars {
    return new Vars(this.scopes.map((m) => new Map(m)));
  }

  lookup(name: string): Var | undefined {
    const sc = this.scopes;
    for (let i = sc.length - 1; i >= 0; i--) {
      const v = sc[i].get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** The Var for writing (copied first if shared with a parent shell). Creates it global if absent. */
  writable(name: string, create = true): Var | undefined {
    const sc = this.scopes;
    for (let i = sc.length - 1; i >= 0; i--) {
      const v = sc[i].get(name);
      if (v !== undefined) {
        if (v.owner === this.id) return v;
        const copy: Var = { value: copyValue(v.value), attrs: v.attrs, owner: this.id };
        sc[i].set(name, copy);
        return copy;
      }
    }
    if (!create) return undefined;
    const nv: Var = { value: undefined, attrs: 0, owner: this.id };
    sc[0].set(name, nv);
    return nv;
  }

  /** Create (or return) `name` in the innermost scope (local / declare inside a function). */
  local(name: string): Var {
    const top = this.scopes[this.scopes.length - 1];
    let v = top.get(name);
    if (v && v.owner !== this.id) {
      v = { value: copyValue(v.value), attrs: v.attrs, owner: this.id };
      top.set(name, v);
    }
    if (!v) {
      v = { value: undefined, attrs: 0, owner: this.id };
      top.set(name, v);
    }
    return v;
  }

  /** Remove the innermost binding of `name`. Returns false if it is readonly. */
  unset(name: string): boolean {
    const sc = this.scopes;
    for (let i = sc.length - 1; i >= 0; i--) {
      const v = sc[i].get(name);
      if (v !== undefined) {
        if (v.attrs & Attr.READONLY) return false;
        if (i > 0) {
          // bash: unsetting a local leaves it visible-as-unset in that scope
          sc[i].set(name, { value: undefined, attrs: 0, owner: this.id });
        } else sc[i].delete(name);
        return true;
      }
    }
    return true;
  }

  pushScope(): void { this.scopes.push(new Map()); }
  popScope(): void { if (this.scopes.length > 1) this.scopes.pop(); }
  get depth(): number { return this.scopes.length - 1; }

  /** All visible variables (innermost binding wins), sorted by name. */
  all(): [string, Var][] {
    const m = new Map<string, Var>();
    for (const sc of this.scopes) for (const [k, v] of sc) m.set(k, v);
    return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}

function copyValue(v: VarValue | undefined): VarValue | undefined {
  if (Array.isArray(v)) return v.slice();
  if (v instanceof Map) return new Map(v);
  return v;
}

/** The scalar view of a value: element 0 of an array (as `$a` in bash). */
export function scalarOf(v: Var | undefined): string | undefined {
  if (!v || v.value === undefined) return undefined;
  const val = v.value;
  if (typeof val === 'string') return val;
  if (Array.isArray(val)) return val[0];
  return val.get('0');
}

/** Values of an array variable in index order (scalars are one-element arrays). */
export function arrayValues(v: Var | undefined): string[] {
  if (!v || v.value === undefined) return [];
  const val = v.value;
  if (typeof val === 'string') return [val];
  if (Array.isArray(val)) {
    const out: string[] = [];
    for (const x of val) if (x !== undefined) out.push(x);
    return out;
  }
  return [...val.values()];
}

/** Keys (indices) of an array variable. */
export function arrayKeys(v: Var | undefined): string[] {
  if (!v || v.value === undefined) return [];
  const val = v.value;
  if (typeof val === 'string') return ['0'];
  if (Array.isArray(val)) {
    const out: string[] = [];
    val.forEach((x, i) => { if (x !== undefined) out.push(String(i)); });
    return out;
  }
  return [...val.keys()];
}
