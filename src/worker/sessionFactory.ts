/**
 * Builds the LabSession that drives a Lab's shells: the real one (src/shell/session.ts) when
 * it exists, else the MockSession. `import.meta.glob` resolves at build time and yields an
 * empty record when the file is absent, so this module builds either way and switches to
 * the real session as soon as it lands, without an edit here.
 */
import type { Lab } from '../core/lab/lab.ts';
import type { LabSessionApi, TerminalSink } from '../shell/sessionApi.ts';
import { MockSession } from './mockSession.ts';

type Ctor = new (...args: never[]) => LabSessionApi;
type SessionModule = Record<string, unknown>;

const found = import.meta.glob<SessionModule>('../shell/session.ts', { eager: true });
const real: SessionModule | undefined = Object.values(found)[0];

export interface MadeSession { session: LabSessionApi; engine: 'session' | 'mock'; error?: string }

/** A session over `lab`, its terminals writing to `sink`. */
export function makeSession(lab: Lab, sink: TerminalSink): MadeSession {
  if (real) {
    try {
      const create = (real.createSession ?? real.createLabSession) as ((lab: Lab, sink: TerminalSink) => LabSessionApi) | undefined;
      if (typeof create === 'function') return { session: create(lab, sink), engine: 'session' };
      const C = (real.LabSession ?? real.Session ?? real.default) as Ctor | undefined;
      if (typeof C === 'function') return { session: new (C as unknown as new (lab: Lab, sink: TerminalSink) => LabSessionApi)(lab, sink), engine: 'session' };
    } catch (e) {
      return { session: new MockSession(lab, sink), engine: 'mock', error: `session.ts failed: ${String(e)}` };
    }
  }
  return { session: new MockSession(lab, sink), engine: 'mock' };
}
