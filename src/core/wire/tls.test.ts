import { describe, expect, it } from 'vitest';
import {
  fillerBytes, scanTlsRecords, selfSignedCertificate, tls12ServerFlight, tls13ServerFlight, tlsApplicationData, tlsClientHello,
  TlsCipherSuite, tlsChangeCipherSpec, tlsAlert,
} from './tls.ts';

const CERT = { commonName: 'www.lab.example', notBefore: Date.UTC(2026, 0, 1), notAfter: Date.UTC(2027, 0, 1) };

describe('tls', () => {
  it('builds a ClientHello with SNI that scans back', () => {
    const b = tlsClientHello({ random: fillerBytes('r', 32), sni: 'www.lab.example' });
    expect([...b.subarray(0, 3)]).toEqual([22, 3, 1]); // handshake record, legacy version TLS 1.0
    const recs = scanTlsRecords(b, 0, b.length);
    expect(recs).toMatchObject([{ type: 22, version: 0x0301, complete: true, names: ['Client Hello'], sni: 'www.lab.example' }]);
  });

  it('builds the TLS 1.2 server flight as four records', () => {
    const b = tls12ServerFlight({ random: fillerBytes('s', 32), cipherSuite: TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ...CERT });
    const recs = scanTlsRecords(b, 0, b.length);
    expect(recs.flatMap((r) => r.names)).toEqual(['Server Hello', 'Certificate', 'Server Key Exchange', 'Server Hello Done']);
    expect(recs[0].serverVersion).toBe(0x0303);
    expect(recs.every((r) => r.complete)).toBe(true);
  });

  it('builds the TLS 1.3 server flight: ServerHello, ChangeCipherSpec, encrypted records', () => {
    const b = tls13ServerFlight({ random: fillerBytes('s', 32), cipherSuite: TlsCipherSuite.TLS_AES_128_GCM_SHA256, ...CERT });
    const recs = scanTlsRecords(b, 0, b.length);
    expect(recs.flatMap((r) => r.names)).toEqual(['Server Hello', 'Change Cipher Spec', 'Application Data', 'Application Data', 'Application Data', 'Application Data']);
    expect(recs[0]).toMatchObject({ negotiates13: true, serverVersion: 0x0304 });
  });

  it('calls handshake records after ChangeCipherSpec encrypted, and alerts too', () => {
    const b = new Uint8Array([...tlsChangeCipherSpec(), 22, 3, 3, 0, 4, 1, 2, 3, 4, ...tlsAlert(1, 0)]);
    expect(scanTlsRecords(b, 0, b.length).flatMap((r) => r.names)).toEqual(['Change Cipher Spec', 'Encrypted Handshake Message', 'Encrypted Alert']);
    expect(scanTlsRecords(tlsAlert(2, 40), 0, 7)[0].names).toEqual(['Alert (Level: Fatal, Description: Handshake Failure)']);
  });

  it('marks a record that runs past the segment as incomplete', () => {
    const b = tlsApplicationData(new Uint8Array(100));
    expect(scanTlsRecords(b, 0, 50)).toMatchObject([{ complete: false, length: 100 }]);
    expect(scanTlsRecords(new Uint8Array([1, 2, 3]), 0, 3)).toEqual([]);
  });

  it('makes a DER certificate with the common name, deterministic', () => {
    const a = selfSignedCertificate(CERT);
    expect(a[0]).toBe(0x30);
    expect(((a[2] << 8) | a[3]) + 4).toBe(a.length); // SEQUENCE with a two-byte length covers it all
    expect(new TextDecoder().decode(a)).toContain('www.lab.example');
    expect(selfSignedCertificate(CERT)).toEqual(a);
  });

  it('derives filler bytes from a seed', () => {
    expect(fillerBytes('x', 8)).toEqual(fillerBytes('x', 8));
    expect(fillerBytes('x', 8)).not.toEqual(fillerBytes('y', 8));
  });
});
