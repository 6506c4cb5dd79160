/**
 * The guides that ship with the lab, in the order a course would take them. Each is a JSON
 * file in this directory (the format: docs/lab-format.md); they are validated when first
 * listed, so a broken file fails loudly in tests rather than half-working in a browser.
 */
import nat from './nat.json';
import dr from './dr.json';
import tun from './tun.json';
import fullnat from './fullnat.json';
import fwmark from './fwmark.json';
import persistence from './persistence.json';
import schedulers from './schedulers.json';
import script from './script.json';
import failover from './failover.json';
import type { Guide } from '../types.ts';
import { formatErrors, validateGuide } from '../validate.ts';

const RAW: readonly unknown[] = [nat, dr, tun, fullnat, fwmark, persistence, schedulers, script, failover];

let cache: readonly Guide[] | null = null;

/** Every built-in guide, validated. */
export function builtinGuides(): readonly Guide[] {
  if (!cache) {
    cache = RAW.map((g) => {
      const r = validateGuide(g);
      if (!r.ok) throw new Error(`guide ${(g as { id?: string }).id ?? '?'} is invalid:\n${formatErrors(r.errors)}`);
      return r.guide;
    });
  }
  return cache;
}

export function builtinGuide(id: string): Guide | undefined {
  return builtinGuides().find((g) => g.id === id);
}
