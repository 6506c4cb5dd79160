/**
 * The scheduler registry (ip_vs_sched.c): ipvsadm names a scheduler by its module name
 * without the ip_vs_ prefix (`-s wlc` loads ip_vs_wlc.ko); an unknown name makes the kernel
 * answer ENOENT ("Scheduler or persistence engine not found").
 */
import type { Scheduler } from './sched.ts';
import { rr } from './rr.ts';
import { wrr } from './wrr.ts';
import { lc } from './lc.ts';
import { wlc } from './wlc.ts';
import { sed } from './sed.ts';
import { nq } from './nq.ts';
import { fo } from './fo.ts';
import { ovf } from './ovf.ts';
import { sh } from './sh.ts';
import { dh } from './dh.ts';
import { mh } from './mh.ts';
import { lblc } from './lblc.ts';
import { lblcr } from './lblcr.ts';

export type { Scheduler, SchedResult, SchedStep, SchedPacket, SchedEnv } from './sched.ts';

const REGISTRY: ReadonlyMap<string, Scheduler> = new Map(
  [rr, wrr, lc, wlc, sed, nq, fo, ovf, sh, dh, mh, lblc, lblcr].map((s) => [s.name, s]),
);

export function schedulerByName(name: string): Scheduler | undefined { return REGISTRY.get(name); }
export function schedulerNames(): string[] { return [...REGISTRY.keys()]; }
