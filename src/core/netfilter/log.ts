/**
 * The kernel log line of the LOG target, as nf_log_syslog.c (5.14) formats it:
 *
 *   PREFIX IN=eth0 OUT= MAC=<dst>:<src>:<type> SRC=... DST=... LEN=60 TOS=0x00 PREC=0x00 TTL=64
 *   ID=54321 DF PROTO=TCP SPT=40000 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0 MARK=0x1a0a
 *
 * Every field is followed by a space, the last one included, as the kernel prints it. MAC= is
 * there only when the packet came in on a device (the 14 Ethernet header bytes, read back from
 * the capture); ICMP errors get the quoted packet in brackets, from the quote's bytes
 * ("INCOMPLETE [8 bytes]" when the quote is shorter than a TCP header, as the kernel says).
 */
import type { Host } from '../net/host.ts';
import { emitIpv4, ipv4BufferLen } from '../wire/ipv4.ts';
import { IcmpType, IpProto, TcpFlag, fmtIp, type Ipv4Repr } from '../wire/types.ts';
import { Hook, type Skb } from './hooks.ts';
import { frameHeader } from './tables.ts';

const X2 = (n: number) => n.toString(16).padStart(2, '0');
const X2U = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

export function formatLogLine(host: Host, skb: Skb, hook: number, prefix: string, flags: number): string {
  const inDev = hook === Hook.LOCAL_OUT ? '' : skb.inDev ?? '';
  const outDev = hook === Hook.PREROUTING || hook === Hook.LOCAL_IN ? '' : skb.outDev ?? '';
  let s = `${prefix}IN=${inDev} OUT=${outDev} `;
  if (inDev) {
    const dev = host.dev(inDev);
    const h = dev && dev.kind !== 'ipip' ? frameHeader(host, skb) : null;
    s += 'MAC=' + (h ? Array.from(h, X2).join(':') : '') + ' ';
  }
  // Dump the packet from its bytes, as the kernel does (outer and quoted inner alike).
  const b = new Uint8Array(ipv4BufferLen(skb.ip));
  emitIpv4(skb.ip, b, 0);
  s += dumpIpv4(b, 0, flags, false);
  if (skb.mark) s += `MARK=0x${(skb.mark >>> 0).toString(16)} `;
  return s;
}

function u16(b: Uint8Array, o: number): number { return (b[o] << 8) | b[o + 1]; }
function u32(b: Uint8Array, o: number): number { return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0; }

/** dump_ipv4_packet(). */
function dumpIpv4(b: Uint8Array, off: number, flags: number, inner: boolean): string {
  if (b.length - off < 20) return `TRUNCATED `;
  const ihl = (b[off] & 15) * 4;
  const tos = b[off + 1];
  const fo = u16(b, off + 6);
  const proto = b[off + 9];
  let s = `SRC=${fmtIp(u32(b, off + 12))} DST=${fmtIp(u32(b, off + 16))} `;
  s += `LEN=${u16(b, off + 2)} TOS=0x${X2U(tos & 0x1e)} PREC=0x${X2U(tos & 0xe0)} TTL=${b[off + 8]} ID=${u16(b, off + 4)} `;
  if (fo & 0x8000) s += 'CE ';
  if (fo & 0x4000) s += 'DF ';
  if (fo & 0x2000) s += 'MF ';
  if (fo & 0x1fff) s += `FRAG:${fo & 0x1fff} `;
  const t = off + ihl;
  const avail = b.length - t;
  const frag = (fo & 0x1fff) !== 0;
  switch (proto) {
    case IpProto.TCP: {
      s += 'PROTO=TCP ';
      if (frag) break;
      if (avail < 20) { s += `INCOMPLETE [${avail} bytes] `; return s; }
      s += `SPT=${u16(b, t)} DPT=${u16(b, t + 2)} `;
      if (flags & 1) s += `SEQ=${u32(b, t + 4)} ACK=${u32(b, t + 8)} `;
      s += `WINDOW=${u16(b, t + 14)} RES=0x${X2((b[t + 12] & 0x0f) << 2)} `;
      const f = b[t + 13];
      if (f & TcpFlag.CWR) s += 'CWR ';
      if (f & TcpFlag.ECE) s += 'ECE ';
      if (f & TcpFlag.URG) s += 'URG ';
      if (f & TcpFlag.ACK) s += 'ACK ';
      if (f & TcpFlag.PSH) s += 'PSH ';
      if (f & TcpFlag.RST) s += 'RST ';
      if (f & TcpFlag.SYN) s += 'SYN ';
      if (f & TcpFlag.FIN) s += 'FIN ';
      s += `URGP=${u16(b, t + 18)} `;
      const doff = (b[t + 12] >> 4) * 4;
      if (flags & 2 && doff > 20 && avail >= doff) {
        s += 'OPT (' + Array.from(b.subarray(t + 20, t + doff), X2U).join('') + ') ';
      }
      break;
    }
    case IpProto.UDP: {
      s += 'PROTO=UDP ';
      if (frag) break;
      if (avail < 8) { s += `INCOMPLETE [${avail} bytes] `; return s; }
      s += `SPT=${u16(b, t)} DPT=${u16(b, t + 2)} LEN=${u16(b, t + 4)} `;
      break;
    }
    case IpProto.ICMP: {
      s += 'PROTO=ICMP ';
      if (frag) break;
      if (avail < 4) { s += `INCOMPLETE [${avail} bytes] `; return s; }
      const type = b[t];
      s += `TYPE=${type} CODE=${b[t + 1]} `;
      switch (type) {
        case IcmpType.EchoReply: case IcmpType.EchoRequest:
          if (avail >= 8) s += `ID=${u16(b, t + 4)} SEQ=${u16(b, t + 6)} `;
          break;
        case IcmpType.ParamProblem:
          s += `PARAMETER=${b[t + 4]} `;
          break;
        case IcmpType.Redirect: case IcmpType.DestUnreachable: case 4: case IcmpType.TimeExceeded:
          if (type === IcmpType.Redirect) s += `GATEWAY=${fmtIp(u32(b, t + 4))} `;
          if (!inner) s += '[' + dumpIpv4(b, t + 8, flags, true) + '] ';
          if (type === IcmpType.DestUnreachable && b[t + 1] === 4) s += `MTU=${u16(b, t + 6)} `;
          break;
      }
      break;
    }
    default:
      s += `PROTO=${proto} `;
  }
  return s;
}

export type { Ipv4Repr };
