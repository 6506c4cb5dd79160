/**
 * Robustness of everything that reads frame bytes: parseFrame, dissect, summarize, the
 * stream tracker, readPcapng/readPcap and compileFilter, fed random, mutated and real lab
 * bytes; and the codec's round trip `parse(emit(r)) = r` (with emit(parse(b)) = b) for every
 * valid frame.
 *
 * The generators are the wire engineer's (src/core/wire/testdata/arbitraries.ts, the real
 * frames in vectors.ts, the scripted conversation) plus frames captured from a real lab run
 * (curl through IPVS NAT, ping, ARP, an ICMP error, TLS): this file reuses them at the
 * suite's size (tests/robustness/fuzz.ts) rather than duplicating the per-codec tests.
 *
 * What "never breaks" means here:
 *  - no exception, whatever the bytes;
 *  - dissect reports no "Dissector bug", keeps every byte range inside the frame (or its
 *    reassembled PDU) and every field name known to the display filter;
 *  - summarize gives the frame's length and no JavaScript artefacts in its text;
 *  - readPcapng reads the same from a view as from a copy, never returns more bytes than it
 *    was given, and gives back exactly what writePcapng wrote;
 *  - compileFilter never throws: an error is a message and a position inside the text, and a
 *    compiled filter's match() never throws;
 *  - on valid frames, the filter agrees with the packet-details pane: for every numeric or
 *    address field the dissector shows, `name == value` matches the frame.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allFields, dissect, StreamTracker, summarize, type Dissection } from '../../src/core/wire/dissect.ts';
import { compileFilter, FILTER_FIELDS, isFilterField } from '../../src/core/wire/filter.ts';
import { emitFrame, parseFrame } from '../../src/core/wire/frame.ts';
import { readPcap, readPcapng, writePcapng, type PcapFrame } from '../../src/core/wire/pcapng.ts';
import { ethernetRepr } from '../../src/core/wire/testdata/arbitraries.ts';
import { labConversation } from '../../src/core/wire/testdata/conversation.ts';
import * as V from '../../src/core/wire/testdata/vectors.ts';
import { LabSession } from '../../src/shell/session.ts';
import { labPcapng } from '../../src/shell/labPcap.ts';
import { announce, params } from './fuzz.ts';

announce('wire');

const REAL = [V.ARP_REQUEST, V.ARP_REPLY, V.ICMP_ECHO_REQUEST, V.TCP_SYN, V.TCP_SYN_ACK, V.TCP_ACK, V.HTTP_GET,
  V.UDP_DGRAM, V.ICMP_PORT_UNREACH, V.TCP_RST_ACK, V.IPIP_ICMP, V.VRRP_ADVERT].map(V.padded);

/** Frames a real lab put on its wires: ARP, ICMP (and an error), TCP, HTTP through IPVS NAT, TLS. */
function labCapture(): { frames: Uint8Array[]; pcap: Uint8Array } {
  const s = LabSession.fromPreset('nat', { output: () => {}, prompt: () => {} });
  for (const l of ['sysctl -w net.ipv4.ip_forward=1', 'dnf install -y ipvsadm', 'ipvsadm -A -t 192.168.1.100:80 -s rr',
    'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 -m']) s.runLine('lvs', l);
  for (const l of ['curl -s 192.168.1.100', 'curl -s 192.168.1.100', 'ping -c 2 192.168.1.100', 'curl -s 192.168.1.100:81', 'ping -c 1 -W 1 192.168.1.9']) s.runLine('client', l);
  s.runLine('RS1', 'dnf install -y mod_ssl && systemctl restart httpd');
  s.runLine('lvs', 'curl -sk https://192.168.137.130/ >/dev/null; traceroute -n 192.168.137.200; ping -c 1 -s 3000 192.168.137.130');
  const cap = s.lab.capture;
  const frames = [...cap.range()].map((r) => r.bytes.slice());
  return { frames, pcap: labPcapng(s.lab) };
}

const LAB = labCapture();
const CONV = labConversation().map((f) => f.bytes);
const SEEDS = [...REAL, ...CONV, ...LAB.frames];

/** Byte ranges inside the frame (or the reassembled PDU they point into). */
function rangesInside(d: Dissection, len: number): boolean {
  const inside = (r: readonly [number, number], n: number) => r[0] >= 0 && r[0] <= r[1] && r[1] <= n;
  for (const l of d.layers) {
    const n = l.source === 'reassembled' ? d.reassembled?.length ?? -1 : len;
    if (!inside(l.range, n)) return false;
    const stack = [...l.fields];
    while (stack.length) {
      const f = stack.pop()!;
      if (!inside(f.range, n)) return false;
      if (f.children) stack.push(...f.children);
    }
  }
  return true;
}

const JS_ARTEFACT = /\bundefined\b|\bNaN\b|\[object |Infinity|function \(|=> /;

function fail(what: string, b: Uint8Array, detail: unknown = ''): never {
  throw new Error(`${what} ${typeof detail === 'string' ? detail : JSON.stringify(detail)} (frame ${Buffer.from(b).toString('hex')})`);
}

/** Every reader on `b` (plain checks rather than expect(): this runs a hundred thousand times). */
function checkBytes(b: Uint8Array, ctx?: Parameters<typeof dissect>[1]): void {
  parseFrame(b);
  parseFrame(b, { verifyChecksums: true });
  const d = dissect(b, ctx);
  for (const p of d.problems) if (p.startsWith('Dissector bug')) fail('dissector bug:', b, p);
  if (!rangesInside(d, b.length)) fail('a byte range leaves the frame', b);
  const text: string[] = [];
  for (const f of allFields(d)) {
    if (f.name && !isFilterField(f.name)) fail('field unknown to the display filter:', b, f.name);
    text.push(f.label);
  }
  for (const l of d.layers) text.push(l.summary);
  const s = summarize(b, ctx);
  if (s.length !== b.length) fail('summary length', b, [s.length, b.length]);
  text.push(s.src, s.dst, s.protocol, s.info);
  const all = text.join('\n');
  if (JS_ARTEFACT.test(all)) fail('JavaScript artefact in the text:', b, all.split('\n').filter((l) => JS_ARTEFACT.test(l)));
}

/** A real frame, cut, overwritten in places and/or extended with junk. */
const mutated = fc.tuple(
  fc.constantFrom(...SEEDS),
  fc.array(fc.tuple(fc.nat(4000), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
  fc.oneof(fc.constant(Infinity), fc.nat(1600)),
  fc.uint8Array({ maxLength: 24 }),
  fc.array(fc.tuple(fc.nat(4000), fc.nat(7)), { maxLength: 3 }),
).map(([f, muts, cut, extra, flips]) => {
  const n = Math.min(cut, f.length);
  const b = new Uint8Array(n + extra.length);
  b.set(f.subarray(0, n));
  b.set(extra, n);
  if (b.length) {
    for (const [i, v] of muts) b[i % b.length] = v;
    for (const [i, bit] of flips) b[i % b.length] ^= 1 << bit;
  }
  return b;
});

describe('frames', () => {
  it('parse(emit(r)) equals r for every valid frame, emit(parse(b)) gives b back, and every reader copes', () => {
    fc.assert(fc.property(ethernetRepr, (r) => {
      const b = emitFrame(r);
      expect(parseFrame(b)).toStrictEqual(r);
      expect(parseFrame(b, { verifyChecksums: true })).toStrictEqual(r);
      expect(emitFrame(parseFrame(b))).toEqual(b);
      checkBytes(b);
    }), params('wire.roundtrip'));
  });

  it('random bytes never break a reader', () => {
    fc.assert(fc.property(fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ minLength: 14, maxLength: 1600 }),
      // A valid-looking start (Ethernet + IPv4 header) followed by anything.
      fc.tuple(fc.constantFrom(...SEEDS.filter((f) => f.length > 34)), fc.uint8Array({ maxLength: 200 }))
        .map(([f, t]) => { const b = new Uint8Array(34 + t.length); b.set(f.subarray(0, 34)); b.set(t, 34); return b; }),
    ), (b) => { checkBytes(b); }), params('wire.random-bytes'));
  });

  it('mutated, truncated and extended real frames never break a reader', () => {
    fc.assert(fc.property(mutated, (b) => { checkBytes(b); }), params('wire.mutated-frames'));
  });

  it('a stream tracker fed a mangled lab capture in order keeps the dissector sound', () => {
    const frames = LAB.frames;
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(frames.length - 1), fc.nat(4000), fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 40 }), (muts) => {
      const t = new StreamTracker();
      muts.forEach(([k, i, v, cut], n) => {
        let b = frames[k].slice();
        b[i % b.length] = v;
        if (cut) b = b.subarray(0, i % b.length);
        t.observe(b, n + 1);
        checkBytes(b, { ...t.context(n + 1), frameBytes: () => b });
      });
    }), params('wire.lab-frames', 20));
  });
});

describe('pcapng', () => {
  it('reads back exactly what it wrote', () => {
    const frame = fc.record({
      iface: fc.nat(2), timeUs: fc.nat(2 ** 40),
      bytes: fc.oneof(fc.constantFrom(...SEEDS), fc.uint8Array({ maxLength: 100 })),
      comment: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    }, { noNullPrototype: true }).map((f) => (f.comment === undefined ? { iface: f.iface, timeUs: f.timeUs, bytes: f.bytes } : f));
    fc.assert(fc.property(fc.array(frame, { maxLength: 6 }), (frames: PcapFrame[]) => {
      const ifaces = [{ name: 'vmnet8' }, { name: 'vmnet1' }, { name: 'lo@lvs', description: 'loopback' }];
      const r = readPcapng(writePcapng(frames, ifaces, { epochUs: 1_715_673_600_000_000 }));
      expect(r.ok).toBe(true);
      expect(r.frames.map((f) => [f.iface, f.timeUs - 1_715_673_600_000_000, [...f.bytes], f.origLen, f.comment]))
        .toEqual(frames.map((f) => [f.iface, f.timeUs, [...f.bytes], f.bytes.length, f.comment]));
    }), params('wire.pcapng', 4));
  });

  it('never throws on random or damaged files, reads a view as a copy, returns no more than it was given', () => {
    const good = writePcapng(LAB.frames.slice(0, 12).map((bytes, i) => ({ iface: i % 2, timeUs: i * 1000, bytes, comment: i === 3 ? 'dropped' : undefined })), [{ name: 'vmnet8' }, { name: 'vmnet1' }]);
    const damaged = fc.tuple(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.nat(good.length))
      .map(([muts, cut]) => { const b = good.slice(0, cut); for (const [i, v] of muts) if (i < b.length) b[i] = v; return b; });
    fc.assert(fc.property(fc.oneof(damaged, fc.uint8Array({ maxLength: 300 })), fc.uint8Array({ minLength: 1, maxLength: 16 }), (b, junk) => {
      const r = readPcapng(b);
      const big = new Uint8Array(b.length + junk.length);
      big.set(b);
      big.set(junk, b.length);
      expect(readPcapng(big.subarray(0, b.length))).toEqual(r);
      let total = 0;
      for (const f of r.frames) total += f.bytes.length;
      expect(total).toBeLessThanOrEqual(b.length);
      readPcap(b);
    }), params('wire.pcapng', 4));
  });

  it('the lab export reads back frame for frame', () => {
    const r = readPcapng(LAB.pcap);
    expect(r.ok).toBe(true);
    expect(r.frames.map((f) => [...f.bytes])).toEqual(LAB.frames.map((f) => [...f]));
  });
});

const TOKENS = [
  ...FILTER_FIELDS, '==', '!=', '~=', '>', '<', '>=', '<=', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'contains', 'matches', 'in',
  'and', 'or', 'not', 'xor', '&&', '||', '!', '^^', '(', ')', '{', '}', '[', ']', ',', '..', ':', '"', '"GET"', '"a\\"b"', "'x'",
  '80', '0', '-1', '4294967296', '0x50', '1e3', '3.5', '192.168.1.100', '192.168.137.0/24', '/33', '300.1.1.1', '::1',
  '00:0c:29:aa:bb:cc', 'ff:ff:ff:ff:ff:ff', '47:45:54', 'true', 'false', 'TRUE', '$', '#', '\\', 'tcp.port==80', 'ip.src#2', 'eth.src[0:3]',
];
const filterText = fc.oneof(
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 9 }).map((a) => a.join(' ')),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 9 }).map((a) => a.join('')),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

describe('display filters', () => {
  it('compileFilter never throws: an error has a message and a position in the text; match never throws', () => {
    const frames = [...REAL, ...LAB.frames.slice(0, 30), new Uint8Array(0), new Uint8Array(13), REAL[6].subarray(0, 40)];
    fc.assert(fc.property(filterText, fc.constantFrom(...frames), (text, b) => {
      const c = compileFilter(text);
      if (!c.ok) {
        expect(c.error.length).toBeGreaterThan(0);
        expect(c.error).not.toMatch(/TypeError|RangeError|ReferenceError|SyntaxError|Cannot read|is not a function|undefined|\n\s+at /);
        expect(c.pos).toBeGreaterThanOrEqual(0);
        expect(c.pos).toBeLessThanOrEqual(text.length);
        return;
      }
      expect(typeof c.match(b)).toBe('boolean');
      for (const f of c.fields) expect(isFilterField(f), f).toBe(true);
    }), params('wire.filter-text'));
  });

  it('on valid frames, every number and address the details pane shows matches `name == value`', () => {
    const addr = /^(\d{1,3}\.){3}\d{1,3}$|^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;
    const cache = new Map<string, ReturnType<typeof compileFilter>>();
    const frames = fc.oneof({ weight: 3, arbitrary: ethernetRepr.map(emitFrame) }, { weight: 1, arbitrary: fc.constantFrom(...REAL, ...LAB.frames) });
    fc.assert(fc.property(frames, (b) => {
      for (const f of allFields(dissect(b))) {
        // frame.* needs the capture's metadata; tcp.seq/ack are relative in the pane.
        // Protocol names (no dot) are presence tests, not values.
        if (!f.name.includes('.') || f.name.startsWith('frame.') || f.name === 'tcp.seq' || f.name === 'tcp.ack') continue;
        let lit: string;
        if (typeof f.value === 'number') lit = String(f.value);
        else if (typeof f.value === 'boolean') lit = f.value ? '1' : '0';
        else if (addr.test(f.value)) lit = f.value;
        else continue;
        const text = `${f.name} == ${lit}`;
        let c = cache.get(text);
        if (!c) { c = compileFilter(text); if (cache.size < 50_000) cache.set(text, c); }
        if (!(c.ok && c.match(b))) fail('the filter disagrees with the details pane:', b, text);
      }
    }), params('wire.filter-match'));
  });
});
