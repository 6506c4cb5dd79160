/**
 * The auxiliary worker's entry (the scheduler bench and the four-mode comparison), wired to
 * `self` like lab.worker.ts: slices chained through a MessageChannel.
 */
/// <reference lib="webworker" />
import { AuxEngine } from './auxEngine.ts';
import type { FromAux, ToAux } from './auxProtocol.ts';

declare const self: DedicatedWorkerGlobalScope;

const channel = new MessageChannel();
const queue: (() => void)[] = [];
channel.port1.onmessage = () => { queue.shift()?.(); };

const engine = new AuxEngine({
  post: (msg: FromAux) => self.postMessage(msg),
  soon: (fn) => { queue.push(fn); channel.port2.postMessage(0); },
  now: () => performance.now(),
});

self.onmessage = (e: MessageEvent<ToAux>) => engine.handle(e.data);
