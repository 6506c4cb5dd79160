/**
 * The first script the lab page runs, before React and the app have even downloaded: it
 * starts the lab worker, whose code takes the longest to load and compile, and asks it to
 * build the lab. Messages that arrive before the app is up are kept for it (labClient.ts
 * adopts the worker). Tiny and dependency-free on purpose.
 */
import type { ToWorker } from '../worker/protocol.ts';
import { initMessage } from './initMsg.ts';
import { findLab } from './labs.ts';

export interface EarlyWorker {
  readonly worker: Worker;
  readonly buffered: MessageEvent[];
  readonly created: number;
  readonly preset: string;
}

const params = new URLSearchParams(location.search);
const lab = findLab(params.get('lab'));
if (lab) {
  const worker = new Worker(new URL('../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'lab' });
  const buffered: MessageEvent[] = [];
  worker.onmessage = (e) => { buffered.push(e); };
  const speed = Number(params.get('speed'));
  const mode: Extract<ToWorker, { t: 'mode' }>['mode'] = { animate: params.get('animate') !== '0', ...(speed > 0 ? { speed } : {}) };
  worker.postMessage({ t: 'mode', mode } satisfies ToWorker);
  // The lab's autosave (or a shared lab in the fragment) is restored by the worker itself.
  worker.postMessage(initMessage(lab.preset, lab.id) satisfies ToWorker);
  (globalThis as { __lvsEarly?: EarlyWorker }).__lvsEarly = { worker, buffered, created: performance.now(), preset: lab.preset };
}
