/**
 * shell.curl_loop_10k_ms: `for i in {1..10000}; do curl -s VIP; done` typed on the client in
 * the nat preset, through the whole stack (bash, curl, TCP, IPVS NAT, httpd), headless.
 */
import { LabSession } from '../src/shell/session.ts';

export function shellLoopBench(n: number): { ms: number; frames: number; lines: number; virtualS: number } {
  let lines = 0;
  const s = LabSession.fromPreset('nat', { output: (_h, d) => { for (let i = 0; i < d.length; i++) if (d.charCodeAt(i) === 10) lines++; }, prompt: () => {} });
  for (const l of ['sysctl -w net.ipv4.ip_forward=1', 'dnf install -y ipvsadm', 'ipvsadm -A -t 192.168.1.100:80 -s rr',
    'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 -m']) s.runLine('lvs', l);
  s.runLine('client', 'curl -s 192.168.1.100');
  lines = 0;
  const f0 = s.lab.capture.total;
  const v0 = s.lab.now;
  const t0 = performance.now();
  s.runLine('client', `for i in {1..${n}}; do curl -s 192.168.1.100; done`);
  const ms = performance.now() - t0;
  return { ms, frames: s.lab.capture.total - f0, lines, virtualS: (s.lab.now - v0) / 1e6 };
}

