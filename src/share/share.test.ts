import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../core/lab/presets.ts';
import { parseTranscript } from '../shell/runner.ts';
import { runTranscript } from '../shell/runTranscript.ts';
import { LabSession } from '../shell/session.ts';
import type { InputEvent } from '../shell/sessionApi.ts';
import {
  decodeShare, encodeShare, fromBase64url, makeShare, readFragment, shareFromJson, shareToJson, shareUrl, toBase64url, toCompact,
} from './codec.ts';
import { validateShare, type LabShare } from './schema.ts';

const presets = { presets: PRESET_NAMES };

/** The seed's NAT lab: every command of tests/golden/nat-seed.txt on its host, as a journal. */
function natSeed() {
  const src = readFileSync(new URL('../../tests/golden/nat-seed.txt', import.meta.url), 'utf8');
  const t = parseTranscript(src);
  const out: Record<string, string> = {};
  const r = runTranscript('nat', t.commands);
  if ('error' in r) throw new Error(r.error);
  for (const c of r.results) out[c.host] = (out[c.host] ?? '') + c.prompt + c.command + '\n' + c.output;
  return { session: r.session, journal: r.session.journal() };
}

const SITE = 'https://lvs-lab.example.org/?lab=nat';

describe('share by URL: size', () => {
  it("the seed's whole NAT lab fits in a URL under 2,000 characters (deflate-raw beats lz-string)", () => {
    const { journal } = natSeed();
    expect(journal.length).toBeGreaterThan(30);
    const share = makeShare('nat', journal, { layout: { lvs: { x: 0, y: 0 }, RS1: { x: -120, y: 160 }, RS2: { x: 120, y: 160 }, client: { x: 0, y: -160 } } });
    const url = shareUrl(SITE, share);
    const compactJson = JSON.stringify(toCompact(share));
    const lz = LZString.compressToEncodedURIComponent(compactJson);
    const lzOfObjects = LZString.compressToEncodedURIComponent(JSON.stringify(share));
    const deflatedObjects = toBase64url(deflateSync(new TextEncoder().encode(JSON.stringify(share)), { level: 9 }));
    console.log(`nat-seed: ${journal.length} inputs; JSON ${JSON.stringify(share).length} B, compact JSON ${compactJson.length} B; ` +
      `token deflate-raw ${encodeShare(share).length} chars (objects: ${deflatedObjects.length}), lz-string ${lz.length} (objects: ${lzOfObjects.length}); URL ${url.length} chars`);
    expect(url.length).toBeLessThan(2000);
    expect(encodeShare(share).length).toBeLessThan(lz.length);

    // In the browser a student types at human speed: seconds (in µs, not round) between inputs.
    let seed = 12345;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    let at = 0;
    let step = 0;
    const typed = journal.map((e) => ({ ...e, at: (at += Math.floor(2e6 + rnd() * 2e7)), step: (step += Math.floor(rnd() * 50_000)) }));
    const human = makeShare('nat', typed, { layout: share.layout });
    const humanUrl = shareUrl(SITE, human);
    const humanLz = LZString.compressToEncodedURIComponent(JSON.stringify(toCompact(human)));
    console.log(`nat-seed typed by hand: token deflate-raw ${encodeShare(human).length} chars, lz-string ${humanLz.length}; URL ${humanUrl.length} chars`);
    expect(humanUrl.length).toBeLessThan(2000);
  });
});

describe('share by URL: round trip', () => {
  it('encode → decode gives the same lab', () => {
    const { journal } = natSeed();
    const share = makeShare('nat', journal, { lab: 'nat', seed: 'abc', guide: { guide: 'nat-basics', done: [{ frame: 12, time: 1000, pollFrame: 10, pollTime: 900, traffic: true }] }, layout: { lvs: { x: 1.5, y: -2, w: 180 } } });
    const back = decodeShare(encodeShare(share), presets);
    expect(back).toEqual({ ok: true, value: share });
    expect(readFragment(new URL(shareUrl(SITE, share)).hash, presets)).toEqual({ ok: true, value: share });
    expect(readFragment('#other=1', presets)).toBeNull();
  });
  it('replaying a decoded journal in a fresh session gives the same terminals, frames and ipvsadm -Ln', () => {
    // The original: the seed's lab typed into a session that records terminal text.
    const src = readFileSync(new URL('../../tests/golden/nat-seed.txt', import.meta.url), 'utf8');
    const commands = parseTranscript(src).commands;
    const text = (m: Record<string, string>) => (h: string, d: string) => { m[h] = (m[h] ?? '') + d; };
    const origOut: Record<string, string> = {};
    const orig = LabSession.fromPreset('nat', { output: text(origOut), prompt: (h, p) => text(origOut)(h, p) });
    for (const c of commands) { orig.runLine(c.host, c.text); orig.settle(); }

    const decoded = decodeShare(encodeShare(makeShare('nat', orig.journal())), presets);
    if (!decoded.ok) throw new Error(decoded.error);
    const copyOut: Record<string, string> = {};
    const copy = LabSession.fromPreset(decoded.value.preset, { output: text(copyOut), prompt: (h, p) => text(copyOut)(h, p) });
    copy.replay(decoded.value.journal);
    copy.pump(1e9, () => 0, orig.lab.now);

    expect(copy.lab.now).toBe(orig.lab.now);
    expect(copyOut).toEqual(origOut);
    const frames = (s: LabSession) => {
      const c = s.lab.capture;
      const out: string[] = [];
      for (let no = c.firstNo; no <= c.lastNo; no++) {
        const r = c.get(no);
        if (r) out.push(`${r.no} ${r.time} ${r.segment} ${r.from}>${r.to} ${r.drop?.reason ?? ""} ${toBase64url(r.bytes)}`);
      }
      return out;
    };
    const f = frames(orig);
    expect(f.length).toBeGreaterThan(100);
    expect(frames(copy)).toEqual(f);
    const ipvs = (s: LabSession) => {
      let o = '';
      s.sink = { output: (_h, d) => { o += d; }, prompt: () => { /* none */ } };
      s.runLine('lvs', 'ipvsadm -Ln');
      return o;
    };
    const a = ipvs(orig);
    expect(a).toContain('192.168.1.100:80');
    expect(ipvs(copy)).toBe(a);
  });
});

describe('share by URL: hostile and broken links', () => {
  const good = () => encodeShare(makeShare('nat', [{ kind: 'line', host: 'lvs', text: 'ipvsadm -Ln', at: 10, step: 5 }]));
  it('a cut-off, tampered or foreign token is a plain error', () => {
    const t = good();
    for (const bad of [t.slice(0, t.length - 5), t.slice(0, 3), t.replace('1.', '2.'), t.replace('1.', 'x.'), t + '!', '', '1.', '#', 'javascript:alert(1)', '1.<script>']) {
      const r = decodeShare(bad, presets);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^This lab link/);
    }
    expect(decodeShare(t.replace('1.', '9.'))).toEqual({ ok: false, error: 'This lab link was made by a newer version of the lab.' });
  });
  it('a decompression bomb stops at 64 KB', () => {
    const zeros = new Uint8Array(10_000_000);
    const token = `1.${toBase64url(deflateSync(zeros, { level: 9 }))}`;
    expect(token.length).toBeLessThan(16 * 1024);
    const t0 = performance.now();
    expect(decodeShare(token)).toEqual({ ok: false, error: 'This lab link holds more than a lab may (64 KB).' });
    expect(performance.now() - t0).toBeLessThan(500);
  });
  it('schema checks: types, kinds, ranges, time order, unknown fields, presets', () => {
    const base = { v: 1, preset: 'nat', journal: [] as unknown[] };
    const check = (x: unknown) => validateShare(x, presets);
    expect(check(base).ok).toBe(true);
    const bad: unknown[] = [
      null, [], 'nat', { ...base, v: 2 }, { ...base, preset: 'evil' }, { ...base, preset: '../x' }, { ...base, extra: 1 },
      { ...base, journal: [{ kind: 'eval', host: 'lvs', text: 'x', at: 0, step: 0 }] },
      { ...base, journal: [{ kind: 'line', host: '<img src=x>', text: 'x', at: 0, step: 0 }] },
      { ...base, journal: [{ kind: 'line', host: 'lvs', text: 5, at: 0, step: 0 }] },
      { ...base, journal: [{ kind: 'line', host: 'lvs', text: 'x', at: -1, step: 0 }] },
      { ...base, journal: [{ kind: 'line', host: 'lvs', text: 'x', at: 1.5, step: 0 }] },
      { ...base, journal: [{ kind: 'line', host: 'lvs', text: 'x', at: 1e18, step: 0 }] },
      { ...base, journal: [{ kind: 'line', host: 'lvs', text: 'x', at: 5, step: 9 }, { kind: 'line', host: 'lvs', text: 'y', at: 4, step: 9 }] },
      { ...base, journal: [{ kind: 'line', host: 'lvs', text: 'x'.repeat(40_000), at: 0, step: 0 }] },
      { ...base, journal: [{ kind: 'line', host: 'lvs', text: 'x', at: 0, step: 0, __proto__: { polluted: true }, extra: 1 }] },
      { ...base, journal: [{ kind: 'topology', op: { op: 'format', host: 'lvs' }, at: 0, step: 0 }] },
      { ...base, journal: [{ kind: 'topology', op: { op: 'power', host: 'lvs', on: 'yes' }, at: 0, step: 0 }] },
      { ...base, layout: { lvs: { x: Infinity, y: 0 } } },
      { ...base, guide: { guide: 'g', done: [{ frame: 'x' }] } },
      { ...base, journal: new Array(10_001).fill({ kind: 'interrupt', host: 'lvs', at: 0, step: 0 }) },
    ];
    for (const b of bad) expect(check(b).ok, JSON.stringify(b)?.slice(0, 80)).toBe(false);
    const ok = check({ ...base, journal: [{ kind: 'edit', host: 'lvs', content: null, at: 0, step: 0 }, { kind: 'topology', op: { op: 'connect', host: 'RS1', dev: 'eth0', segment: null }, at: 1, step: 1 }] });
    expect(ok.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('fuzz: random and mutated fragments never throw or hang, and always answer ok-or-error', () => {
    const { journal } = natSeed();
    const real = encodeShare(makeShare('nat', journal.slice(0, 12)));
    const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const decodeBounded = (s: unknown) => {
      const t0 = performance.now();
      const r = decodeShare(s, presets);
      expect(performance.now() - t0).toBeLessThan(250);
      expect(typeof r.ok).toBe('boolean');
      if (!r.ok) expect(typeof r.error).toBe('string');
      else expect(validateShare(r.value, presets).ok).toBe(true);
      return r;
    };
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => { decodeBounded(s); decodeBounded('1.' + s); }), { numRuns: 300 });
    fc.assert(fc.property(fc.array(fc.constantFrom(...b64), { maxLength: 400 }), (cs) => { decodeBounded('1.' + cs.join('')); }), { numRuns: 300 });
    const mutation = fc.record({ pos: fc.nat(), len: fc.nat({ max: 8 }), insert: fc.array(fc.constantFrom(...b64), { maxLength: 8 }), cut: fc.boolean() });
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
      let t = real;
      for (const m of ms) {
        const p = 2 + (m.pos % Math.max(1, t.length - 2));
        t = m.cut ? t.slice(0, p) : t.slice(0, p) + m.insert.join('') + t.slice(p + m.len);
      }
      decodeBounded(t);
    }), { numRuns: 500 });
    // Well-compressed but arbitrary JSON: the schema must refuse it without throwing.
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
      decodeBounded('1.' + toBase64url(deflateSync(new TextEncoder().encode(JSON.stringify(v)))));
      validateShare(v, presets);
    }), { numRuns: 300 });
    // Valid-looking compact forms with random events.
    const ev = fc.tuple(fc.integer({ min: -1, max: 6 }), fc.integer({ min: -1, max: 3 }), fc.integer({ min: -5, max: 1e6 }), fc.integer({ min: -5, max: 1e6 }), fc.oneof(fc.string(), fc.constant(null), fc.jsonValue({ maxDepth: 2 })));
    fc.assert(fc.property(fc.array(ev, { maxLength: 20 }), (evs) => {
      const compact = [1, 'nat', ['lvs', 'RS1'], evs];
      decodeBounded('1.' + toBase64url(deflateSync(new TextEncoder().encode(JSON.stringify(compact)))));
    }), { numRuns: 300 });
  });
  it('base64url round trip', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      expect(fromBase64url(toBase64url(b))).toEqual(b);
    }));
    expect(fromBase64url('a')).toBeNull();
    expect(fromBase64url('ab=c')).toBeNull();
  });
});

describe('export / import file', () => {
  it('round trips and refuses what is not a saved lab', () => {
    const journal: InputEvent[] = [{ kind: 'line', host: 'lvs', text: 'sysctl -w net.ipv4.ip_forward=1', at: 100, step: 20 }];
    const share: LabShare = makeShare('dr', journal, { layout: { lvs: { x: 1, y: 2 } } });
    const json = shareToJson(share);
    expect(JSON.parse(json).format).toBe('lvs-lab');
    expect(shareFromJson(json, presets)).toEqual({ ok: true, value: share });
    expect(shareFromJson('{"v":1,"preset":"nat","journal":[]}', presets).ok).toBe(false); // no format tag
    expect(shareFromJson('not json').ok).toBe(false);
    expect(shareFromJson(new Uint8Array([0xff, 0xfe, 0x00])).ok).toBe(false);
    expect(shareFromJson(JSON.stringify({ format: 'lvs-lab', v: 1, preset: 'nat', journal: [{ kind: 'line' }] })).ok).toBe(false);
  });
});
