/**
 * The page's end of the auxiliary worker (src/worker/aux.worker.ts): the scheduler bench
 * and the four-mode comparison build labs of their own there, so the running lab's worker
 * stays free. Created on first use; one listener per request id.
 */
import type { FromAux, ToAux } from '../../worker/auxProtocol.ts';

type Listener = (m: FromAux) => void;

class AuxClient {
  private readonly worker: Worker;
  private readonly listeners = new Map<number, Listener>();
  private nextId = 1;

  constructor() {
    this.worker = new Worker(new URL('../../worker/aux.worker.ts', import.meta.url), { type: 'module', name: 'aux' });
    this.worker.onmessage = (e: MessageEvent<FromAux>) => this.listeners.get(e.data.id)?.(e.data);
  }

  /** Send a request built around a fresh id; `fn` gets every answer until `off()`. */
  request(make: (id: number) => ToAux, fn: Listener): { id: number; off: () => void } {
    const id = this.nextId++;
    this.listeners.set(id, fn);
    this.worker.postMessage(make(id));
    return { id, off: () => this.listeners.delete(id) };
  }

  send(m: ToAux): void { this.worker.postMessage(m); }
}

let client: AuxClient | null = null;

export function auxClient(): AuxClient {
  client ??= new AuxClient();
  return client;
}
