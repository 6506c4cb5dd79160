/**
 * Non-local control flow inside the interpreter, and the trampoline that keeps shell
 * recursion off the JavaScript stack.
 *
 * `break`, `continue`, `return`, `exit` and "abort the current command line" (an expansion
 * error, as bash's jump_to_top_level) unwind by throwing these small classes. They are not
 * Errors on purpose: no stack trace is captured, so a `return` costs little.
 *
 * Generators nested with `yield*` resume through every level natively, which overflows the
 * JS stack after a few thousand levels. Function calls (and source/eval/traps) instead
 * `yield new Call(gen)`; the trampoline keeps the generators on a heap stack, so
 * `f() { f; }` reaches bash's FUNCNEST limit instead of a RangeError.
 */
import type { Co, Wait } from '../types.ts';

export class BreakEx { constructor(public n: number) {} }
export class ContinueEx { constructor(public n: number) {} }
export class ReturnEx { constructor(readonly status: number) {} }
export class ExitEx { constructor(readonly status: number) {} }
/**
 * Abort the current top-level command (bash's jump_to_top_level). `fatal`: a non-interactive
 * shell exits (unbound variable, ${x:?}), otherwise it goes on with the next command.
 */
export class AbortEx { constructor(readonly status: number, readonly fatal: boolean) {} }

/** A request to the trampoline: run `co` and send its result back. */
export class Call {
  constructor(readonly co: Run<unknown>) {}
}

/** The interpreter's internal coroutine type: yields waits or calls; `yield new Call(g)` evaluates to g's result. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Run<T> = Generator<Wait | Call, T, any>;

/** Run `root`, executing Calls on a heap stack. The result is an ordinary Co. */
export function* trampoline<T>(root: Run<T>): Co<T> {
  const stack: Run<unknown>[] = [root];
  let input: unknown;
  let err: unknown;
  let hasErr = false;
  try {
    for (;;) {
      const top = stack[stack.length - 1];
      let r: IteratorResult<Wait | Call, unknown>;
      try {
        if (hasErr) {
          hasErr = false;
          const e = err;
          err = undefined;
          r = top.throw(e);
        } else r = top.next(input);
      } catch (e) {
        stack.pop();
        if (!stack.length) throw e;
        hasErr = true;
        err = e;
        continue;
      }
      input = undefined;
      if (r.done) {
        stack.pop();
        if (!stack.length) return r.value as T;
        input = r.value;
        continue;
      }
      const v = r.value;
      if (v instanceof Call) { stack.push(v.co); continue; }
      try {
        yield v;
      } catch (e) {
        hasErr = true;
        err = e;
      }
    }
  } finally {
    // Abandoned (return() from outside): let every level run its finally blocks.
    while (stack.length) {
      const g = stack.pop()!;
      try { g.return(undefined); } catch { /* ignore */ }
    }
  }
}
