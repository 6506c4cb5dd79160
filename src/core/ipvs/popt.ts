/**
 * The part of popt 1.18 (RHEL 9's libpopt) that ipvsadm's option parsing depends on, so that
 * odd command lines behave as on a real system:
 *  - long options need an exact name (no abbreviations), take `--name=value` or the next word;
 *  - a single dash starts a cluster of short options (`-Ln`, `-At`); an option with an argument
 *    takes the rest of the cluster (`-p60`, `-t1.2.3.4:80`, `-p=60`) or the next word;
 *  - an optional argument (`-p`) is not taken from a next word that starts with '-';
 *  - words that are not options are kept as leftovers (poptGetArg), `--` ends options;
 *  - errors: POPT_ERROR_NOARG "missing argument", POPT_ERROR_BADOPT "unknown option",
 *    POPT_ERROR_UNWANTEDARG "option does not take an argument"; poptBadOption() is the last
 *    argv word consumed.
 */

export type ArgKind = 'none' | 'string' | 'optional';

export interface PoptOption {
  readonly long: string | null;
  readonly short: string | null;
  readonly arg: ArgKind;
  /** The value poptGetNextOpt returns for it (ipvsadm's tag). */
  readonly val: string;
}

export type PoptEvent =
  | { readonly kind: 'opt'; readonly val: string; readonly arg: string | null }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly error: 'missing argument' | 'unknown option' | 'option does not take an argument'; readonly bad: string };

export class Popt {
  private next = 1;
  private nextChar: string | null = null;
  private rest = false;
  private readonly leftovers: string[] = [];
  private nextLeftover = 0;
  /** argv index of the last word consumed (for poptBadOption). */
  private lastWord = 0;

  /** `argKind` may override an option's argument kind at the time it is seen (ipvsadm's -b). */
  constructor(private readonly argv: readonly string[], private readonly opts: readonly PoptOption[],
    private readonly argKind?: (o: PoptOption) => ArgKind) {}

  private kind(o: PoptOption): ArgKind { return this.argKind ? this.argKind(o) : o.arg; }

  private take(): string {
    this.lastWord = this.next;
    return this.argv[this.next++];
  }

  /** poptBadOption(con, POPT_BADOPTION_NOALIAS) */
  badOption(): string { return this.argv[this.lastWord] ?? ''; }

  /** poptGetNextOpt() */
  nextOpt(): PoptEvent {
    for (;;) {
      let opt: PoptOption | undefined;
      let longArg: string | null = null;
      if (this.nextChar === null) {
        if (this.next >= this.argv.length) return { kind: 'end' };
        const orig = this.take();
        if (this.rest || orig[0] !== '-' || orig === '-') { this.leftovers.push(orig); continue; }
        if (orig === '--') { this.rest = true; continue; }
        if (orig[1] === '-') {
          let name = orig.slice(2);
          const eq = name.indexOf('=');
          if (eq >= 0) { longArg = name.slice(eq + 1); name = name.slice(0, eq); }
          opt = this.opts.find((o) => o.long === name);
          if (!opt) return { kind: 'error', error: 'unknown option', bad: this.badOption() };
        } else {
          this.nextChar = orig.slice(1);
        }
      }
      if (!opt) {
        const cluster = this.nextChar!;
        this.nextChar = null;
        opt = this.opts.find((o) => o.short === cluster[0]);
        if (!opt) return { kind: 'error', error: 'unknown option', bad: this.badOption() };
        if (cluster.length > 1) this.nextChar = cluster.slice(1);
      }
      const k = this.kind(opt);
      if (k === 'none') {
        if (longArg !== null || (this.nextChar !== null && this.nextChar[0] === '=')) {
          return { kind: 'error', error: 'option does not take an argument', bad: this.badOption() };
        }
        return { kind: 'opt', val: opt.val, arg: null };
      }
      let arg: string | null;
      if (longArg !== null) arg = longArg;
      else if (this.nextChar !== null) {
        arg = this.nextChar[0] === '=' ? this.nextChar.slice(1) : this.nextChar;
        this.nextChar = null;
      } else if (this.next >= this.argv.length) {
        if (k !== 'optional') return { kind: 'error', error: 'missing argument', bad: this.badOption() };
        arg = null;
      } else if (k === 'optional' && this.argv[this.next][0] === '-') {
        arg = null;
      } else {
        arg = this.take();
      }
      return { kind: 'opt', val: opt.val, arg };
    }
  }

  /** poptGetArg(): the next leftover word (only after parsing is done). */
  getArg(): string | null {
    return this.nextLeftover < this.leftovers.length ? this.leftovers[this.nextLeftover++] : null;
  }
}
