/**
 * How the virtual clock follows real time in the browser.
 *
 * The target time is `vAnchor + (realNow − rAnchor) · 1000` µs: while something waits on
 * time (`sleep 5`, a retransmission timer, an ARP timeout) the lab's clock moves with the
 * wall clock. A gap shorter than `fastGapUs` (50 ms) between now and the next thing due —
 * the microseconds between frames of one exchange, the few milliseconds a process takes to
 * start — is not waited for: the anchor jumps, so a 10,000-request loop runs as fast as the
 * CPU allows, while `sleep 5` or a 3-second connect timeout still take their real time. Pure and deterministic given its inputs, so it is tested without a browser.
 */
export class Pacer {
  private vAnchor: number;
  private rAnchor: number;

  constructor(simNow: number, realNow: number, readonly fastGapUs = 50_000) {
    this.vAnchor = simNow;
    this.rAnchor = realNow;
  }

  /**
   * Where the virtual clock should be at real time `realNow` (ms), in whole µs: the clock
   * stays an integer, so the journal's times are (a saved or shared lab is validated so).
   */
  target(realNow: number): number {
    return Math.floor(this.vAnchor + Math.max(0, realNow - this.rAnchor) * 1000);
  }

  /** Virtual time `sim` corresponds to real time `realNow` from now on. */
  rebase(sim: number, realNow: number): void {
    this.vAnchor = sim;
    this.rAnchor = realNow;
  }

  /**
   * The next event at `nextEvent` is close enough to `simNow` not to be waited for in real
   * time: jump the anchor there and return true.
   */
  skipGap(simNow: number, nextEvent: number, realNow: number): boolean {
    if (!(nextEvent < Infinity)) return false;
    if (nextEvent <= this.target(realNow)) return false;
    if (nextEvent - simNow > this.fastGapUs) return false;
    this.rebase(nextEvent, realNow);
    return true;
  }

  /** Real milliseconds until virtual time `sim` is due (0 when already due). */
  delayUntil(sim: number, realNow: number): number {
    return Math.max(0, (sim - this.target(realNow)) / 1000);
  }
}
