/**
 * Real-time measurements that survive a busy machine. The limits in these tests are about
 * the lab's own work (a step, a command, the way back from Ctrl-C), measured in real time;
 * on a shared CI box other processes can take the CPU away for longer than that. A stopwatch
 * therefore reads both the wall clock and this process's CPU time and reports the smaller:
 * on an idle machine they agree, on an overloaded one the CPU time is the lab's share.
 */
export interface Stopwatch {
  /** Milliseconds since start: min(wall, CPU of this process). */
  ms(): number;
  wall(): number;
  cpu(): number;
}

export function stopwatch(): Stopwatch {
  const w0 = performance.now();
  const c0 = process.cpuUsage();
  const cpu = () => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; };
  const wall = () => performance.now() - w0;
  return { ms: () => Math.min(wall(), cpu()), wall, cpu };
}
