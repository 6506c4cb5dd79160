/**
 * The Web Worker entry: wires a LabEngine to `self`. Slices are chained through a
 * MessageChannel (not setTimeout(0), which browsers clamp to 4 ms after a few nestings), so
 * the page's messages — a key, Ctrl-C — are handled between two slices of at most 8 ms.
 */
/// <reference lib="webworker" />
import { LabEngine } from './engine.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { openBestStore } from '../persist/storage.ts';

declare const self: DedicatedWorkerGlobalScope;

const channel = new MessageChannel();
const queue: (() => void)[] = [];
channel.port1.onmessage = () => {
  const fn = queue.shift();
  fn?.();
};

const engine = new LabEngine({
  post: (msg: FromWorker, transfer?: Transferable[]) => self.postMessage(msg, transfer ?? []),
  soon: (fn) => { queue.push(fn); channel.port2.postMessage(0); },
  later: (fn, ms) => { const id = setTimeout(fn, ms); return () => clearTimeout(id); },
  now: () => performance.now(),
  store: openBestStore,
  wallClock: () => Date.now(),
});

self.onmessage = (e: MessageEvent<ToWorker>) => engine.handle(e.data);
