/**
 * ss from iproute 6.2: TCP and UDP sockets of the host with -t -u -a -l -n -p -s and a
 * `state` filter, in ss's column layout (address right-aligned on the ':', port
 * left-aligned, widths from the widest value, no gap before Process).
 */
import { fmtIp } from '../../../core/wire/types.ts';
import type { TcpState } from '../../../core/net/tcp.ts';
import type { CmdContext, Co, Command } from '../../types.ts';
import { readServices } from './tcpdump.ts';

const STATE_NAME: Record<TcpState, string> = {
  CLOSED: 'UNCONN', LISTEN: 'LISTEN', SYN_SENT: 'SYN-SENT', SYN_RECV: 'SYN-RECV', ESTABLISHED: 'ESTAB',
  FIN_WAIT1: 'FIN-WAIT-1', FIN_WAIT2: 'FIN-WAIT-2', CLOSE_WAIT: 'CLOSE-WAIT', CLOSING: 'CLOSING',
  LAST_ACK: 'LAST-ACK', TIME_WAIT: 'TIME-WAIT',
};

const STATE_FILTERS: Record<string, string[]> = {
  all: Object.values(STATE_NAME),
  connected: ['ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSING'],
  synchronized: ['ESTAB', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSING'],
  established: ['ESTAB'], 'syn-sent': ['SYN-SENT'], 'syn-recv': ['SYN-RECV'], 'fin-wait-1': ['FIN-WAIT-1'],
  'fin-wait-2': ['FIN-WAIT-2'], 'time-wait': ['TIME-WAIT'], closed: ['UNCONN'], 'close-wait': ['CLOSE-WAIT'],
  'last-ack': ['LAST-ACK'], listening: ['LISTEN'], closing: ['CLOSING'],
};

interface Row { netid: string; state: string; rq: number; sq: number; la: string; lp: string; pa: string; pp: string; proc: string }

export const ssCommand: Command = {
  name: 'ss',
  pkg: 'iproute',
  path: '/usr/sbin/ss',
  *run(ctx: CmdContext): Co<number> {
    const h = ctx.host.kernel;
    let tcp = false, udp = false, all = false, listen = false, numeric = false, procs = false, summary = false;
    let states: string[] | null = null;
    const argv = ctx.argv.slice(1);
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === 'state' || a === 'exclude') {
        const s = argv[++i];
        const set = s ? STATE_FILTERS[s] : undefined;
        if (!set) { ctx.stderr.write(`ss: wrong state name: ${s ?? ''}\n`); return 255; }
        states = a === 'state' ? [...(states ?? []), ...set] : STATE_FILTERS.all.filter((x) => !set.includes(x));
        continue;
      }
      if (a.startsWith('--')) {
        const n = a.slice(2);
        if (n === 'tcp') tcp = true; else if (n === 'udp') udp = true; else if (n === 'all') all = true;
        else if (n === 'listening') listen = true; else if (n === 'numeric') numeric = true;
        else if (n === 'processes') procs = true; else if (n === 'summary') summary = true;
        else { ctx.stderr.write(`ss: unrecognized option '${a}'\n`); return 255; }
        continue;
      }
      if (a.startsWith('-')) {
        for (const c of a.slice(1)) {
          switch (c) {
            case 't': tcp = true; break; case 'u': udp = true; break; case 'a': all = true; break;
            case 'l': listen = true; break; case 'n': numeric = true; break; case 'p': procs = true; break;
            case 's': summary = true; break; case '4': case 'e': case 'i': case 'm': case 'o': case 'r': case 'H': break;
            default: ctx.stderr.write(`ss: invalid option -- '${c}'\n`); return 255;
          }
        }
        continue;
      }
      ctx.stderr.write(`ss: bad filter expression "${a}" (filters are not simulated)\n`);
      return 255;
    }
    const socks = h.tcp.all();
    if (summary) {
      const tw = socks.filter((s) => s.state === 'TIME_WAIT').length;
      const est = socks.filter((s) => s.state === 'ESTABLISHED').length;
      const t = socks.length + h.tcp.allListeners().length;
      ctx.stdout.write(`Total: ${t + 120}\nTCP:   ${t} (estab ${est}, closed ${tw}, orphaned 0, timewait ${tw})\n\nTransport Total     IP        IPv6\nRAW\t  1         0         1        \nUDP\t  ${h.udp.all().length}         ${h.udp.all().length}         0        \nTCP\t  ${t - tw}         ${t - tw}         0        \nINET\t  ${t - tw + h.udp.all().length + 1}         ${t - tw + h.udp.all().length}         1        \nFRAG\t  0         0         0        \n\n`);
      return 0;
    }
    if (!tcp && !udp) tcp = true;
    let svc: Map<number, string> = new Map();
    if (!numeric) { try { svc = readServices(ctx.fs.readFile('/etc/services')).byPort; } catch { /* none */ } }
    const port = (p: number) => (numeric ? String(p) : svc.get(p) ?? String(p));
    const rows: Row[] = [];
    const wantState = (st: string) => {
      if (states) return states.includes(st);
      if (listen) return st === 'LISTEN' || (st === 'UNCONN');
      if (all) return true;
      return st !== 'LISTEN' && st !== 'UNCONN';
    };
    if (tcp) {
      for (const l of h.tcp.allListeners()) {
        if (!wantState('LISTEN')) continue;
        rows.push({ netid: 'tcp', state: 'LISTEN', rq: 0, sq: l.backlog, la: l.addr === 0 ? '*' : fmtIp(l.addr), lp: port(l.port), pa: l.addr === 0 ? '*' : '0.0.0.0', pp: '*', proc: procs ? `users:(("${l.owner}",pid=${h.sd.unit(l.owner)?.pid ?? 1},fd=4))` : '' });
      }
      for (const s of socks) {
        const st = STATE_NAME[s.state];
        if (!wantState(st)) continue;
        rows.push({ netid: 'tcp', state: st, rq: s.rxBytes, sq: s.state === 'TIME_WAIT' ? 0 : s.pending, la: fmtIp(s.laddr), lp: port(s.lport), pa: fmtIp(s.raddr), pp: port(s.rport), proc: procs && s.state !== 'TIME_WAIT' ? `users:(("${s.owner}",pid=${h.sd.unit(s.owner)?.pid || 1},fd=${s.owner === 'httpd' ? 10 : 5}))` : '' });
      }
    }
    if (udp) {
      for (const u of h.udp.all()) {
        if (!wantState('UNCONN')) continue;
        rows.push({ netid: 'udp', state: 'UNCONN', rq: 0, sq: 0, la: u.addr === 0 ? '0.0.0.0' : fmtIp(u.addr), lp: port(u.port), pa: '0.0.0.0', pp: '*', proc: procs ? `users:(("${u.owner}",pid=1,fd=6))` : '' });
      }
    }
    const showNetid = tcp && udp;
    const showState = !(states && states.length === 1);
    const hdr: Row = { netid: 'Netid', state: 'State', rq: 0, sq: 0, la: 'Local Address', lp: 'Port', pa: 'Peer Address', pp: 'Port', proc: 'Process' };
    const w = (f: (r: Row) => string, head: string) => Math.max(head.length, ...rows.map((r) => f(r).length));
    const wn = w((r) => r.netid, 'Netid'), ws = w((r) => r.state, 'State'), wr = w((r) => String(r.rq), 'Recv-Q'), wq = w((r) => String(r.sq), 'Send-Q');
    const wla = w((r) => r.la, 'Local Address'), wlp = w((r) => r.lp, 'Port'), wpa = w((r) => r.pa, 'Peer Address'), wpp = w((r) => r.pp, 'Port');
    const wpr = w((r) => r.proc, 'Process');
    const line = (r: Row, head: boolean) => {
      let s = '';
      if (showNetid) s += r.netid.padEnd(wn) + ' ';
      if (showState) s += r.state.padEnd(ws) + ' ';
      s += (head ? 'Recv-Q' : String(r.rq)).padEnd(wr) + ' ' + (head ? 'Send-Q' : String(r.sq)).padEnd(wq) + ' ';
      s += r.la.padStart(wla) + ':' + r.lp.padEnd(wlp) + ' ' + r.pa.padStart(wpa) + ':' + r.pp.padEnd(wpp) + r.proc.padEnd(wpr);
      return s;
    };
    ctx.stdout.write([line(hdr, true), ...rows.map((r) => line(r, false))].join('\n') + '\n');
    return 0;
  },
};
