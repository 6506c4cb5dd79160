/**
 * Our codecs, dissector, filters and pcapng writer held against Wireshark itself (tshark 4):
 * the same bytes must give the same columns, tree lines, field values and filter matches,
 * and every checksum we emit must validate. Skipped (not failed) where tshark is missing.
 *
 * Inputs: two captures of real Linux traffic (testdata/linux.pcap, linux-split.pcap; how
 * they were made is in testdata/vectors.ts), a lab-like conversation built from Reprs
 * (testdata/conversation.ts), and random Reprs from fast-check.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { allFields, dissect, StreamTracker, summarize, type Field } from './dissect.ts';
import { compileFilter } from './filter.ts';
import { emitFrame } from './frame.ts';
import { readPcapng, writePcapng, type ReadFrame } from './pcapng.ts';
import { ethernetRepr } from './testdata/arbitraries.ts';
import { labConversation } from './testdata/conversation.ts';
import type { EthernetRepr, Ipv4Repr } from './types.ts';

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'wire-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHECKS = ['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'];

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 }).toString();
}

const EPOCH_US = 1_764_000_000_000_000;

interface Capture { name: string; path: string; frames: ReadFrame[]; ifaces: string[] }

function loadTestdata(name: string): Capture {
  const path = join(__dirname, 'testdata', name);
  const r = readPcapng(readFileSync(path));
  if (!r.ok) throw new Error(r.error);
  return { name, path, frames: r.frames, ifaces: r.interfaces.map((i) => i.name ?? '') };
}

function writeCapture(name: string, frames: { bytes: Uint8Array; iface: number; comment?: string }[], ifaces: string[]): Capture {
  const bytes = writePcapng(frames.map((f, i) => ({ iface: f.iface, timeUs: i * 1000, bytes: f.bytes, comment: f.comment })), ifaces.map((n) => ({ name: n })), { epochUs: EPOCH_US });
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const r = readPcapng(bytes);
  if (!r.ok) throw new Error(r.error);
  return { name, path, frames: r.frames, ifaces };
}

const lab = () => writeCapture('lab.pcapng', labConversation().map((f, i) => ({ ...f, comment: i === 4 ? 'dropped: rp_filter: reverse path is not via eth0' : undefined })), ['vmnet1', 'vmnet2']);
const captures = (): Capture[] => [loadTestdata('linux.pcap'), loadTestdata('linux-split.pcap'), lab()];

function tracked(c: Capture): StreamTracker {
  const t = new StreamTracker();
  c.frames.forEach((f, i) => t.observe(f.bytes, i + 1));
  return t;
}

describe('agreement with tshark', () => {
  it.skipIf(!hasTshark)('packet-list columns equal `tshark -2` (Source, Destination, Protocol, Length, Info)', () => {
    for (const c of captures()) {
      const t = tracked(c);
      const ours = c.frames.map((f, i) => {
        const s = summarize(f.bytes, t.context(i + 1));
        return [i + 1, s.src, s.dst, s.protocol, s.length, s.info].join('\t');
      });
      const theirs = tshark(['-2', '-r', c.path, '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Source', '-e', '_ws.col.Destination',
        '-e', '_ws.col.Protocol', '-e', 'frame.len', '-e', '_ws.col.Info']).trimEnd().split('\n');
      expect(ours, c.name).toEqual(theirs);
    }
  });

  it.skipIf(!hasTshark)('every tree line we show is a line of `tshark -2 -V` (except the decoded TOA option)', () => {
    for (const c of captures()) {
      const t = tracked(c);
      const pages = tshark(['-2', '-r', c.path, '-V', ...CHECKS]).split(/\n(?=Frame \d+:)/);
      expect(pages.length).toBe(c.frames.length);
      const missing: string[] = [];
      c.frames.forEach((f, i) => {
        const lines = new Set(pages[i].split('\n').map((l) => l.trim()));
        const d = dissect(f.bytes, {
          ...t.context(i + 1), frameBytes: (n) => c.frames[n - 1]?.bytes,
          frame: { number: i + 1, timeUs: f.timeUs, interfaceName: c.ifaces[f.iface] || undefined, interfaceId: c.ifaces[f.iface] ? f.iface : undefined },
        });
        for (const l of d.layers) if (!lines.has(l.summary)) missing.push(`#${i + 1} ${l.summary}`);
        for (const fl of allFields(d)) {
          if (fl.name.startsWith('tcp.options.toa') || fl.name === 'tls.segment.data' || fl.name === 'frame.comment') continue;
          if (fl.name === 'tcp.options' && fl.label.includes('TOA')) continue;
          if (!lines.has(fl.label)) missing.push(`#${i + 1} ${fl.name}: ${fl.label}`);
        }
      });
      expect(missing, c.name).toEqual([]);
    }
  });

  // How tshark -T fields prints a value of these fields.
  const HEX4 = new Set(['eth.type', 'ip.id', 'ip.checksum', 'tcp.checksum', 'udp.checksum', 'icmp.checksum', 'tcp.flags', 'vrrp.checksum', 'tls.handshake.ciphersuite', 'tls.record.version']);
  const HEX2 = new Set(['ip.dsfield']);
  function fmt(f: Field): string {
    const v = f.value;
    if (typeof v === 'boolean') return v ? '1' : '0';
    if (typeof v === 'number' && HEX4.has(f.name)) return `0x${v.toString(16).padStart(4, '0')}`;
    if (typeof v === 'number' && HEX2.has(f.name)) return `0x${v.toString(16).padStart(2, '0')}`;
    return String(v);
  }
  const FIELDS = [
    'eth.src', 'eth.dst', 'eth.type', 'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4',
    'ip.version', 'ip.hdr_len', 'ip.dsfield', 'ip.len', 'ip.id', 'ip.flags.df', 'ip.flags.mf', 'ip.frag_offset', 'ip.ttl', 'ip.proto',
    'ip.checksum', 'ip.src', 'ip.dst', 'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.hdr_len', 'tcp.flags', 'tcp.flags.syn',
    'tcp.flags.ack', 'tcp.flags.fin', 'tcp.flags.reset', 'tcp.flags.push', 'tcp.window_size_value', 'tcp.checksum', 'tcp.urgent_pointer',
    'tcp.options.mss_val', 'tcp.options.wscale.shift', 'tcp.options.timestamp.tsval', 'tcp.options.timestamp.tsecr',
    'udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum', 'icmp.type', 'icmp.code', 'icmp.checksum', 'icmp.ident', 'icmp.seq',
  ];
  const APP_FIELDS = ['http.request.method', 'http.request.uri', 'http.request.version', 'http.response.code', 'http.host',
    'http.user_agent', 'http.content_type', 'http.server', 'tls.handshake.type', 'tls.handshake.extensions_server_name',
    'tls.handshake.ciphersuite', 'tls.record.version', 'vrrp.virt_rtr_id', 'vrrp.prio', 'vrrp.ip_addr', 'vrrp.adver_int'];

  function compareFields(c: Capture, names: string[]): void {
    const t = tracked(c);
    const out = tshark(['-2', '-r', c.path, ...CHECKS, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', '-E', 'separator=|',
      '-e', 'frame.interface_name', '-e', 'frame.comment', ...names.flatMap((n) => ['-e', n])]).trimEnd().split('\n');
    c.frames.forEach((f, i) => {
      const d = dissect(f.bytes, { ...t.context(i + 1), frameBytes: (n) => c.frames[n - 1]?.bytes });
      const all = [...allFields(d)];
      const ours = [c.ifaces[f.iface], f.comment ?? '', ...names.map((n) => all.filter((x) => x.name === n).map(fmt).join(','))].join('|');
      expect(ours, `${c.name} frame ${i + 1}`).toBe(out[i]);
    });
  }

  it.skipIf(!hasTshark)('field values equal `tshark -T fields` (interface name, comment, every header field)', () => {
    for (const c of captures()) compareFields(c, [...FIELDS, ...APP_FIELDS]);
  });

  it.skipIf(!hasTshark)('random valid Reprs: header fields agree and every checksum validates', () => {
    // Keep tshark's other dissectors out of the way: fixed high ports, no ICMP errors.
    const tame = (r: EthernetRepr): EthernetRepr => {
      const fix = (ip: Ipv4Repr): Ipv4Repr => {
        const p = ip.payload;
        if (p.kind === 'tcp' || p.kind === 'udp') return { ...ip, payload: { ...p, srcPort: 40001, dstPort: 40002 } };
        if (p.kind === 'icmp') return { ...ip, payload: { ...p, type: 8, code: 0 } };
        if (p.kind === 'ipv4') return { ...ip, payload: fix(p) };
        return ip;
      };
      return r.payload.kind === 'ipv4' ? { ...r, payload: fix(r.payload) } : r;
    };
    const reprs = fc.sample(ethernetRepr.map(tame), { numRuns: 300, seed: 42 })
      // IPv4 options make tshark read option contents; a random option can be malformed.
      .filter((r) => r.payload.kind !== 'ipv4' || (r.payload.options === undefined && (r.payload.payload.kind !== 'ipv4' || r.payload.payload.options === undefined)));
    const c = writeCapture('random.pcapng', reprs.map((r) => ({ bytes: emitFrame(r), iface: 0 })), ['rnd']);
    compareFields(c, FIELDS);
    const v = tshark(['-r', c.path, '-V', ...CHECKS]);
    expect(v.match(/\[(Checksum Status|Header checksum status): Bad\]/g) ?? []).toEqual([]);
    expect((v.match(/\[(Checksum Status|Header checksum status): Good\]/g) ?? []).length).toBeGreaterThan(300);
  });

  it.skipIf(!hasTshark)('the lab conversation has no malformed packets, no expert errors and only good checksums', () => {
    const c = lab();
    const v = tshark(['-r', c.path, '-V', ...CHECKS]);
    expect(v).not.toMatch(/Malformed|Expert Info \(Error|Status: Bad|status: Bad/);
    expect((v.match(/status: Good|Status: Good/gi) ?? []).length).toBeGreaterThan(100);
  });

  it.skipIf(!hasTshark)('writes timestamps, interface names and comments that tshark reads', () => {
    const c = lab();
    const out = tshark(['-r', c.path, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.interface_name', '-e', 'frame.comment']).trimEnd().split('\n');
    expect(out[0]).toBe(`${EPOCH_US / 1e6}.000000000\tvmnet1\t`);
    expect(out[4]).toBe(`${EPOCH_US / 1e6}.004000000\tvmnet1\tdropped: rp_filter: reverse path is not via eth0`);
    expect(out.some((l) => l.includes('\tvmnet2\t'))).toBe(true);
    const info = tshark(['-r', c.path, '-q', '-z', 'io,stat,0']);
    expect(info).toMatch(new RegExp(`\\|\\s+${c.frames.length}\\s+\\|`));
  });

  it.skipIf(!hasTshark)('display filters select the frames `tshark -Y` selects', () => {
    const FILTERS = [
      'tcp', 'udp', 'icmp', 'arp', 'http', 'tls', 'vrrp', 'ip', 'eth', 'frame', '!tcp', 'not ip',
      'ip.addr == 192.168.1.100', 'ip.addr == 192.168.137.0/24', 'ip.src == 192.168.1.111 && tcp.dstport == 80', 'ip.dst != 192.168.1.100',
      'ip.addr ~= 192.168.1.111', 'eth.addr == 00:0c:29:aa:bb:cc', 'eth.src == 52:54:00:12:34:56 or eth.dst == ff:ff:ff:ff:ff:ff',
      'tcp.port == 80', 'tcp.port == 443 and tcp.len > 0', 'tcp.srcport >= 41000 && tcp.srcport <= 41800', 'udp.port == 9999',
      'tcp.flags.syn == 1 and tcp.flags.ack == 0', 'tcp.flags.fin == 1 || tcp.flags.reset == 1', 'tcp.flags.push', 'tcp.flags == 0x012',
      'tcp.len >= 100', 'tcp.len == 0', 'frame.len < 70', 'frame.len > 1000', 'ip.proto == 4', 'ip.proto == 17', 'ip.ttl == 255',
      'ip.flags.df == 0', 'arp.opcode == 1', 'arp.src.proto_ipv4 == arp.dst.proto_ipv4', 'arp.dst.hw_mac == 00:00:00:00:00:00',
      'icmp.type == 3', 'icmp.type == 8 || icmp.type == 0', 'http.request.method == "GET"', 'http.request.method == GET',
      'http.response.code == 200', 'http.host contains "168"', 'http contains "Apache"', 'frame contains "lab.example"',
      'tls.handshake.type == 1', 'tls.handshake.extensions_server_name == "www.lab.example"', 'vrrp.virt_rtr_id == 51',
      'tcp.port in {80, 443}', 'tcp.window_size_value > 600', '(tcp.port == 80 || udp) && !(ip.src == 192.168.1.111)',
      'ip.src == 192.168.1.111 and not tcp.port == 443', 'eth.type == 0x0806', 'tcp.options.mss_val == 1460', 'ip.checksum == 0x0000', 'tcp.seq == 1 and tcp.ack == 1', 'tcp.seq > 1000',
    ];
    // One file holding all three captures, so that each filter costs one tshark run.
    const all = captures().flatMap((c) => c.frames.map((f) => ({ bytes: f.bytes, iface: 0 })));
    const c = writeCapture('all.pcapng', all, ['all']);
    const t = tracked(c);
    const frameBytes = (n: number) => c.frames[n - 1]?.bytes;
    for (const f of FILTERS) {
      const cf = compileFilter(f);
      if (!cf.ok) throw new Error(`${f}: ${cf.error}`);
      const ours = c.frames.map((fr, i) => (cf.match(fr.bytes, { ...t.context(i + 1), frameBytes }) ? i + 1 : 0)).filter(Boolean).join(' ');
      const theirs = tshark(['-r', c.path, '-Y', f, '-T', 'fields', '-e', 'frame.number']).trim().split('\n').join(' ');
      expect(ours, f).toBe(theirs);
    }
  });
});
