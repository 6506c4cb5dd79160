import { describe, expect, it } from 'vitest';
import { Rng } from '../../sim/rng.ts';
import { md5, md5Hex, toHex } from '../../util/hash.ts';
import { keyfileUuid, uuidV3, uuidV4 } from './md5.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('md5', () => {
  // RFC 1321 appendix A.5 test suite
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
  ])('md5(%j)', (s, h) => { expect(toHex(md5(enc(s)))).toBe(h); expect(md5Hex(enc(s))).toBe(h); });

  it('handles the 55/56/64-byte padding boundaries', () => {
    expect(toHex(md5(enc('x'.repeat(55))))).toBe('04364420e25c512fd958a70738aa8f72');
    expect(toHex(md5(enc('x'.repeat(56))))).toBe('668a72d5ba17f08e62dabcafad6db14b');
    expect(toHex(md5(enc('a'.repeat(64))))).toBe('014842d480b571495a4a0363793f7367');
  });
});

describe('NetworkManager keyfile UUIDs (nm_uuid_generate_from_strings_old("keyfile", path))', () => {
  it.each([
    ['eth0', '7ba00b1d-8cdd-30da-91ad-bb83ed4f7474'],
    ['eth1', '5eb4da26-5d1d-30a5-8747-80181ed055fa'],
    ['lo', 'b2baf1f3-48fa-398c-a8e1-e2e1f6a15e21'],
  ])('%s.nmconnection', (n, u) => {
    expect(keyfileUuid(`/etc/NetworkManager/system-connections/${n}.nmconnection`)).toBe(u);
  });

  it('is an RFC 4122 version 3 UUID', () => {
    // RFC 4122 appendix B errata vector: v3 of "www.example.com" in the DNS namespace
    expect(uuidV3('6ba7b810-9dad-11d1-80b4-00c04fd430c8', enc('www.example.com'))).toBe('5df41881-3aed-3515-88a7-2f4a814cf09e');
  });

  it('random UUIDs are version 4 and reproducible from the seed', () => {
    const a = uuidV4(new Rng('x')), b = uuidV4(new Rng('x'));
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
