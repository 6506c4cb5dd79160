/** The mounted animator, for tests and the bench (window.__lvs.animator). */
import type { Animator } from './animator.ts';

let current: Animator | null = null;
export function setAnimator(a: Animator | null): void { current = a; }
export function animator(): Animator | null { return current; }
