/**
 * Engine benchmarks: the core alone (no shell). Each prints `NAME VALUE UNIT` lines.
 * The request loop drives real TCP + HTTP between two lab hosts, every frame encoded into
 * the capture ring, exactly as the lab runs it.
 */
import { createLab } from '../src/core/lab/presets.ts';
import type { Lab } from '../src/core/lab/lab.ts';
import type { Host } from '../src/core/net/host.ts';
import { ip } from '../src/core/wire/types.ts';
import { ipvsadmMain } from '../src/core/ipvs/ipvsadmProgram.ts';
import { installPackage } from '../src/core/services/packages.ts';

/** The seed's NAT director, configured through the core (no shell): client → 192.168.1.100 → RS1/RS2. */
export function natDirector(opts: { captureCapacity?: number } = {}): Lab {
  const lab = createLab('nat', { captureCapacity: opts.captureCapacity });
  const lvs = lab.host('lvs')!;
  lvs.sysctl.set('net.ipv4.ip_forward', '1');
  installPackage(lvs, 'ipvsadm');
  const io = { out: () => {}, err: (e: string) => { throw new Error(e); }, stdin: () => '' };
  for (const a of [['-A', '-t', '192.168.1.100:80', '-s', 'rr'], ['-a', '-t', '192.168.1.100:80', '-r', '192.168.137.130:80', '-m'],
    ['-a', '-t', '192.168.1.100:80', '-r', '192.168.137.200:80', '-m']]) ipvsadmMain(lvs, ['ipvsadm', ...a], io);
  return lab;
}

const REQ = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: 192.168.137.130\r\nUser-Agent: curl/7.76.1\r\nAccept: */*\r\n\r\n');

/** One curl-like request from `from` to `to`:80, run to completion on the virtual clock. */
export function request(lab: Lab, from: Host, to: number): boolean {
  const s = from.tcp.connect(to as never, 80, 'bench');
  if (typeof s === 'string') return false;
  let got = 0;
  let done = false;
  s.onEstablished = () => s.send(REQ);
  s.onData = () => { got += s.read().length; if (got >= 200) { s.close(); done = true; } };
  s.onError = () => { done = true; };
  lab.runUntil(() => done, lab.now + 10_000_000);
  // Let the teardown finish; a real curl process also takes a few ms to start.
  lab.runUntil(undefined, lab.now + 5_000);
  return got > 0;
}

/** n requests from the client to the VIP through the IPVS NAT director, core only. */
export function engineBench(n: number, lab: Lab = natDirector()): { ms: number; frames: number; ok: number; lab: Lab } {
  const client = lab.host('client')!;
  const vip = ip('192.168.1.100');
  request(lab, client, vip); // warm ARP
  const f0 = lab.capture.total;
  const t0 = performance.now();
  let ok = 0;
  for (let i = 0; i < n; i++) if (request(lab, client, vip)) ok++;
  const ms = performance.now() - t0;
  return { ms, frames: lab.capture.total - f0, ok, lab };
}


/** Frames per second on a bulk transfer (data segments and ACKs): the per-frame cost of the core. */
export function framesBench(bytes: number): { ms: number; frames: number } {
  const lab = createLab('nat');
  const rs1 = lab.host('RS1')!;
  rs1.fs.writeFile('/var/www/html/big.bin', 'x'.repeat(bytes));
  const lvs = lab.host('lvs')!;
  request(lab, lvs, ip('192.168.137.130'));
  const f0 = lab.capture.total;
  const t0 = performance.now();
  const s = lvs.tcp.connect(ip('192.168.137.130'), 80, 'bench');
  if (typeof s === 'string') throw new Error(s);
  let got = 0;
  let t1 = 0, f1 = 0;
  s.onEstablished = () => s.send(new TextEncoder().encode('GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n'));
  s.onData = () => { if (!t1) { t1 = performance.now(); f1 = lab.capture.total; } got += s.read().length; };
  lab.runUntil(() => got >= bytes, lab.now + 600_000_000);
  const t2 = performance.now();
  void t0; void f0;
  return { ms: t2 - t1, frames: lab.capture.total - f1 };
}
