/**
 * The `init` message a lab page sends the worker: the preset, the lab's key for saving, and
 * a shared lab's token from the URL fragment (`#lab=…`) — passed on as an opaque string,
 * decoded and checked only in the worker. Dependency-free: the early script uses it.
 */
import type { ToWorker } from '../worker/protocol.ts';

export function linkToken(hash: string): string | undefined {
  const m = /(?:^#|&)lab=([^&]*)/.exec(hash);
  return m ? m[1] : undefined;
}

export function initMessage(preset: string, labKey: string): Extract<ToWorker, { t: 'init' }> {
  const link = linkToken(location.hash);
  return { t: 'init', preset, labKey, ...(link !== undefined ? { link } : {}) };
}
