/** Where store actions send messages for the lab (the worker client, or a stub in tests). */
import type { LabPort } from './types.ts';

let port: LabPort = { send: () => {} };

export function setPort(p: LabPort): void { port = p; }
export function labPort(): LabPort { return port; }
