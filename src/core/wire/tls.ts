/**
 * TLS 1.2 and 1.3 records shaped like OpenSSL's, without any cryptography: the lab shows
 * the handshake's structure (who says what, in which record, SNI, cipher suite, certificate
 * subject) and carries opaque bytes where real TLS would carry ciphertext. Wireshark dissects
 * every message without errors; the certificate is real DER (X.509 v3, RSA key and signature
 * made of deterministic filler bytes), so its subject and validity show.
 *
 * Randomness (client/server random, session IDs, key shares) is passed in by the caller
 * from the lab's seeded RNG, or derived from a seed string with `fillerBytes`.
 *
 * `scanTlsRecords` is the other direction: a structural walk for the dissector, naming the
 * messages as Wireshark's Info column does.
 */
import { utcFields } from '../sim/calendar.ts';
import * as bytesM from './bytes.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { concatBytes, fromLatin1, get16 } = bytesM;

export const TlsContentType = { ChangeCipherSpec: 20, Alert: 21, Handshake: 22, ApplicationData: 23 } as const;
export const TlsHandshakeType = {
  HelloRequest: 0, ClientHello: 1, ServerHello: 2, NewSessionTicket: 4, EndOfEarlyData: 5, EncryptedExtensions: 8,
  Certificate: 11, ServerKeyExchange: 12, CertificateRequest: 13, ServerHelloDone: 14, CertificateVerify: 15,
  ClientKeyExchange: 16, Finished: 20,
} as const;
export const TlsVersion = { TLS10: 0x0301, TLS11: 0x0302, TLS12: 0x0303, TLS13: 0x0304 } as const;
export const TlsCipherSuite = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 0xc030,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV: 0x00ff,
} as const;

export const HANDSHAKE_NAMES: Readonly<Record<number, string>> = {
  0: 'Hello Request', 1: 'Client Hello', 2: 'Server Hello', 4: 'New Session Ticket', 5: 'End of Early Data',
  8: 'Encrypted Extensions', 11: 'Certificate', 12: 'Server Key Exchange', 13: 'Certificate Request',
  14: 'Server Hello Done', 15: 'Certificate Verify', 16: 'Client Key Exchange', 20: 'Finished',
};
export const CIPHER_SUITE_NAMES: Readonly<Record<number, string>> = {
  0x1301: 'TLS_AES_128_GCM_SHA256', 0x1302: 'TLS_AES_256_GCM_SHA384', 0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
  0xc02b: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 0xc02c: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  0xc02f: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 0xc030: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  0xcca8: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 0xcca9: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  0xccaa: 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 0x009e: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  0x009f: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 0x009c: 'TLS_RSA_WITH_AES_128_GCM_SHA256', 0x009d: 'TLS_RSA_WITH_AES_256_GCM_SHA384',
  0xc009: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 0xc00a: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  0xc013: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 0xc014: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  0xc023: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 0xc024: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  0xc027: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 0xc028: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  0x0067: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 0x006b: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  0x0033: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 0x0039: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
  0x002f: 'TLS_RSA_WITH_AES_128_CBC_SHA', 0x0035: 'TLS_RSA_WITH_AES_256_CBC_SHA', 0x003c: 'TLS_RSA_WITH_AES_128_CBC_SHA256',
  0x003d: 'TLS_RSA_WITH_AES_256_CBC_SHA256', 0x00ff: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
};

// ---- byte assembly ----------------------------------------------------------------------------

type Part = Uint8Array | number[];
function cat(...parts: Part[]): Uint8Array { return concatBytes(parts); }
const u8 = (v: number): number[] => [v & 255];
const u16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
const u24 = (v: number): number[] => [(v >> 16) & 255, (v >> 8) & 255, v & 255];
const vec8 = (...p: Part[]): Uint8Array => { const b = cat(...p); return cat(u8(b.length), b); };
const vec16 = (...p: Part[]): Uint8Array => { const b = cat(...p); return cat(u16(b.length), b); };
const vec24 = (...p: Part[]): Uint8Array => { const b = cat(...p); return cat(u24(b.length), b); };

/**
 * `n` deterministic pseudo-random bytes derived from `seed` (xorshift32 over an FNV-1a hash):
 * stand-ins for keys and signatures. Not cryptographic, and not meant to be.
 */
export function fillerBytes(seed: string, n: number): Uint8Array {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  if (h === 0) h = 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    h ^= h << 13; h >>>= 0;
    h ^= h >>> 17;
    h ^= h << 5; h >>>= 0;
    out[i] = h & 255;
  }
  return out;
}

/** One record: content type, legacy version, length, fragment. */
export function tlsRecord(type: number, fragment: Uint8Array, version: number = TlsVersion.TLS12): Uint8Array {
  return cat(u8(type), u16(version), u16(fragment.length), fragment);
}
function handshake(type: number, body: Uint8Array): Uint8Array {
  return cat(u8(type), u24(body.length), body);
}
function ext(type: number, data: Uint8Array): Uint8Array {
  return cat(u16(type), vec16(data));
}

// ---- client -----------------------------------------------------------------------------------

export interface ClientHelloInit {
  readonly random: Uint8Array;            // 32 bytes
  readonly sni?: string;
  readonly sessionId?: Uint8Array;        // TLS 1.3 clients send 32 bytes ("middlebox compatibility")
  readonly cipherSuites?: readonly number[];
  /** Offer TLS 1.3 (supported_versions + key_share), as OpenSSL 3 does by default. */
  readonly tls13?: boolean;
  readonly keyShare?: Uint8Array;         // 32-byte x25519 public key, for TLS 1.3
}

const SIG_ALGS = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601];
const GROUPS = [0x001d, 0x0017, 0x0018];

/** A ClientHello record (record version TLS 1.0, as OpenSSL sends the first flight). */
export function tlsClientHello(c: ClientHelloInit): Uint8Array {
  const suites = c.cipherSuites ?? (c.tls13
    ? [0x1302, 0x1303, 0x1301, 0xc030, 0xc02f, 0x00ff]
    : [0xc030, 0xc02f, 0x00ff]);
  const exts: Uint8Array[] = [];
  if (c.sni !== undefined) {
    const name = fromLatin1(c.sni);
    exts.push(ext(0, vec16(u8(0), vec16(name))));
  }
  exts.push(ext(11, vec8([0, 1, 2])));                                  // ec_point_formats
  exts.push(ext(10, vec16(...GROUPS.map(u16))));                         // supported_groups
  exts.push(ext(35, new Uint8Array(0)));                                 // session_ticket
  exts.push(ext(22, new Uint8Array(0)));                                 // encrypt_then_mac
  exts.push(ext(23, new Uint8Array(0)));                                 // extended_master_secret
  exts.push(ext(13, vec16(...SIG_ALGS.map(u16))));                       // signature_algorithms
  if (c.tls13) {
    exts.push(ext(43, vec8(u16(TlsVersion.TLS13), u16(TlsVersion.TLS12)))); // supported_versions
    exts.push(ext(45, vec8([1])));                                         // psk_key_exchange_modes: psk_dhe_ke
    const key = c.keyShare ?? fillerBytes('client-key-share', 32);
    exts.push(ext(51, vec16(u16(0x001d), vec16(key))));                   // key_share: x25519
  }
  const body = cat(
    u16(TlsVersion.TLS12), c.random.subarray(0, 32), vec8(c.sessionId ?? new Uint8Array(0)),
    vec16(...suites.map(u16)), vec8([0]), vec16(...exts),
  );
  return tlsRecord(TlsContentType.Handshake, handshake(TlsHandshakeType.ClientHello, body), TlsVersion.TLS10);
}

/** ECDHE ClientKeyExchange + ChangeCipherSpec + Finished (opaque), as one TCP payload (TLS 1.2). */
export function tls12ClientFinish(publicKey: Uint8Array, finished: Uint8Array): Uint8Array {
  return cat(
    tlsRecord(TlsContentType.Handshake, handshake(TlsHandshakeType.ClientKeyExchange, vec8(publicKey))),
    tlsChangeCipherSpec(),
    tlsRecord(TlsContentType.Handshake, finished),
  );
}

// ---- server -----------------------------------------------------------------------------------

export interface ServerHelloInit {
  readonly random: Uint8Array;            // 32 bytes
  readonly cipherSuite: number;
  readonly sessionId?: Uint8Array;        // TLS 1.3 echoes the client's
  readonly tls13?: boolean;
  readonly keyShare?: Uint8Array;         // 32 bytes, TLS 1.3
}

/** The ServerHello handshake record. */
export function tlsServerHello(s: ServerHelloInit): Uint8Array {
  const exts: Uint8Array[] = s.tls13
    ? [ext(43, new Uint8Array(u16(TlsVersion.TLS13))), ext(51, cat(u16(0x001d), vec16(s.keyShare ?? fillerBytes('server-key-share', 32))))]
    : [ext(0xff01, vec8()), ext(11, vec8([0, 1, 2])), ext(35, new Uint8Array(0)), ext(23, new Uint8Array(0))];
  const body = cat(u16(TlsVersion.TLS12), s.random.subarray(0, 32), vec8(s.sessionId ?? new Uint8Array(0)),
    u16(s.cipherSuite), u8(0), vec16(...exts));
  return tlsRecord(TlsContentType.Handshake, handshake(TlsHandshakeType.ServerHello, body));
}

export interface CertificateInit {
  readonly commonName: string;
  /** Validity, in ms since the Unix epoch (virtual time). */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly serial?: Uint8Array;           // up to 20 bytes; derived from the name otherwise
}

/** A Certificate handshake record holding one self-signed certificate (TLS 1.2 layout). */
export function tlsCertificate(c: CertificateInit): Uint8Array {
  const der = selfSignedCertificate(c);
  return tlsRecord(TlsContentType.Handshake, handshake(TlsHandshakeType.Certificate, vec24(vec24(der))));
}

/** ECDHE ServerKeyExchange (x25519, rsa_pss_rsae_sha256 with a 256-byte filler signature). */
export function tlsServerKeyExchange(publicKey: Uint8Array, signature: Uint8Array = fillerBytes('ske-signature', 256)): Uint8Array {
  const body = cat([3], u16(0x001d), vec8(publicKey), u16(0x0804), vec16(signature));
  return tlsRecord(TlsContentType.Handshake, handshake(TlsHandshakeType.ServerKeyExchange, body));
}

export function tlsServerHelloDone(): Uint8Array {
  return tlsRecord(TlsContentType.Handshake, handshake(TlsHandshakeType.ServerHelloDone, new Uint8Array(0)));
}

/** NewSessionTicket (TLS 1.2: lifetime hint + opaque ticket). */
export function tlsNewSessionTicket(ticket: Uint8Array, lifetime = 7200): Uint8Array {
  const body = cat([(lifetime >>> 24) & 255, (lifetime >>> 16) & 255, (lifetime >>> 8) & 255, lifetime & 255], vec16(ticket));
  return tlsRecord(TlsContentType.Handshake, handshake(TlsHandshakeType.NewSessionTicket, body));
}

export function tlsChangeCipherSpec(): Uint8Array {
  return tlsRecord(TlsContentType.ChangeCipherSpec, Uint8Array.of(1));
}

/** An encrypted handshake message (Finished after ChangeCipherSpec): opaque bytes in a handshake record. */
export function tlsEncryptedHandshake(opaque: Uint8Array): Uint8Array {
  return tlsRecord(TlsContentType.Handshake, opaque);
}

/** Application data: `opaque` stands for the ciphertext (the lab puts the plaintext length's worth). */
export function tlsApplicationData(opaque: Uint8Array): Uint8Array {
  return tlsRecord(TlsContentType.ApplicationData, opaque);
}

/** An alert record; after the handshake it is encrypted and `opaque` is its ciphertext. */
export function tlsAlert(level: number, description: number): Uint8Array {
  return tlsRecord(TlsContentType.Alert, Uint8Array.of(level, description));
}

export interface Tls12ServerFlightInit extends ServerHelloInit, CertificateInit {
  readonly ecdhePublicKey?: Uint8Array;
}

/** ServerHello, Certificate, ServerKeyExchange, ServerHelloDone: the TLS 1.2 server's first flight. */
export function tls12ServerFlight(s: Tls12ServerFlightInit): Uint8Array {
  return cat(
    tlsServerHello({ ...s, tls13: false }),
    tlsCertificate(s),
    tlsServerKeyExchange(s.ecdhePublicKey ?? fillerBytes('server-ecdhe', 32)),
    tlsServerHelloDone(),
  );
}

/**
 * ServerHello, ChangeCipherSpec, then EncryptedExtensions, Certificate, CertificateVerify and
 * Finished as four application-data records (what OpenSSL sends; the sizes follow the
 * certificate): the TLS 1.3 server's first flight.
 */
export function tls13ServerFlight(s: ServerHelloInit & CertificateInit): Uint8Array {
  const certLen = selfSignedCertificate(s).length;
  const aead = 17; // inner content type byte + 16-byte tag
  return cat(
    tlsServerHello({ ...s, tls13: true }),
    tlsChangeCipherSpec(),
    tlsApplicationData(fillerBytes('ee', 6 + aead)),
    tlsApplicationData(fillerBytes('cert', certLen + 13 + aead)),
    tlsApplicationData(fillerBytes('cv', 264 + aead)),
    tlsApplicationData(fillerBytes('fin', 52 + aead)),
  );
}

// ---- X.509 in DER -----------------------------------------------------------------------------

function derLen(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  if (n < 0x10000) return [0x82, n >> 8, n & 255];
  return [0x83, (n >> 16) & 255, (n >> 8) & 255, n & 255];
}
function tlv(tag: number, ...content: Part[]): Uint8Array {
  const c = cat(...content);
  return cat([tag], derLen(c.length), c);
}
const seq = (...c: Part[]) => tlv(0x30, ...c);
function oid(dotted: string): Uint8Array {
  const p = dotted.split('.').map(Number);
  const out = [40 * p[0] + p[1]];
  for (const v of p.slice(2)) {
    const enc = [v & 0x7f];
    for (let x = v >>> 7; x > 0; x >>>= 7) enc.unshift((x & 0x7f) | 0x80);
    out.push(...enc);
  }
  return tlv(0x06, out);
}
function derInt(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0 && bytes[i + 1] < 0x80) i++;
  const b = bytes.subarray(i);
  return b[0] >= 0x80 ? tlv(0x02, [0], b) : tlv(0x02, b);
}
function utcTime(ms: number): Uint8Array {
  const f = utcFields(ms / 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const s = `${p(f.year % 100)}${p(f.month + 1)}${p(f.day)}${p(f.hours)}${p(f.minutes)}${p(f.seconds)}Z`;
  return tlv(0x17, fromLatin1(s));
}

/** A self-signed X.509 v3 certificate (CN and DNS SAN = `commonName`) with filler key and signature. */
export function selfSignedCertificate(c: CertificateInit): Uint8Array {
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), [0x05, 0x00]);
  const name = seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, fromLatin1(c.commonName)))));
  const modulus = fillerBytes(`modulus:${c.commonName}`, 256);
  modulus[0] |= 0x80;
  modulus[255] |= 1;
  const rsaKey = seq(derInt(modulus), derInt(Uint8Array.of(1, 0, 1)));
  const spki = seq(seq(oid('1.2.840.113549.1.1.1'), [0x05, 0x00]), tlv(0x03, [0], rsaKey));
  const san = seq(oid('2.5.29.17'), tlv(0x04, seq(tlv(0x82, fromLatin1(c.commonName)))));
  const serial = c.serial ?? fillerBytes(`serial:${c.commonName}`, 16);
  serial[0] &= 0x7f;
  const tbs = seq(
    tlv(0xa0, derInt(Uint8Array.of(2))),
    derInt(serial),
    sha256WithRsa,
    name,
    seq(utcTime(c.notBefore), utcTime(c.notAfter)),
    name,
    spki,
    tlv(0xa3, seq(san)),
  );
  return seq(tbs, sha256WithRsa, tlv(0x03, [0], fillerBytes(`signature:${c.commonName}`, 256)));
}

// ---- scanning (for the dissector) ---------------------------------------------------------------

export interface TlsMessageInfo {
  readonly offset: number;                // absolute, in the scanned buffer
  readonly type: number;                  // handshake type, or -1 when encrypted
  readonly length: number;                // body length
  readonly name: string;
}

export interface TlsRecordInfo {
  readonly offset: number;
  readonly type: number;
  readonly version: number;
  readonly length: number;                // fragment length as declared
  /** False when the record runs past the end of the segment (continues in the next one). */
  readonly complete: boolean;
  /** Info-column names: handshake message names, "Change Cipher Spec", "Application Data", … */
  readonly names: readonly string[];
  readonly messages: readonly TlsMessageInfo[];
  /** ServerHello's supported_versions says TLS 1.3. */
  readonly negotiates13?: boolean;
  /** The version a ServerHello in this record selected (supported_versions, else its legacy version). */
  readonly serverVersion?: number;
  readonly sni?: string;
}

function plausibleRecordHeader(b: Uint8Array, o: number, end: number): boolean {
  return o + 5 <= end && b[o] >= 20 && b[o] <= 23 && b[o + 1] === 3 && b[o + 2] <= 4 && get16(b, o + 3) <= 16384 + 2048;
}

/** True when `b[start, end)` starts with a TLS record header. */
export function looksLikeTls(b: Uint8Array, start: number, end: number): boolean {
  return plausibleRecordHeader(b, start, end);
}

/** Extension walk of a Client/ServerHello body: SNI and the selected version. */
function helloExtensions(b: Uint8Array, type: number, s: number, e: number): { sni?: string; v13?: boolean } {
  let p = s + 2 + 32;
  if (p > e) return {};
  if (p >= e) return {};
  p += 1 + b[p];                                   // session id
  if (type === 1) {
    if (p + 2 > e) return {};
    p += 2 + get16(b, p);                          // cipher suites
    if (p >= e) return {};
    p += 1 + b[p];                                 // compression methods
  } else {
    p += 3;                                        // cipher suite + compression method
  }
  if (p + 2 > e) return {};
  const xe = Math.min(e, p + 2 + get16(b, p));
  p += 2;
  const out: { sni?: string; v13?: boolean } = {};
  while (p + 4 <= xe) {
    const t = get16(b, p), l = get16(b, p + 2), d = p + 4;
    if (d + l > xe) break;
    if (t === 0 && type === 1 && l >= 5 && b[d + 2] === 0) {
      const nl = get16(b, d + 3);
      if (d + 5 + nl <= d + l) out.sni = String.fromCharCode(...b.subarray(d + 5, d + 5 + nl));
    }
    if (t === 43 && type === 2 && l === 2 && get16(b, d) === TlsVersion.TLS13) out.v13 = true;
    p = d + l;
  }
  return out;
}

/**
 * Walks the records in `b[start, end)`. `encrypted` says the handshake is already protected
 * (ChangeCipherSpec seen earlier), so handshake records are "Encrypted Handshake Message" and
 * alerts "Encrypted Alert"; a ChangeCipherSpec inside the scanned bytes switches it on for the
 * records after it, as Wireshark does.
 */
export function scanTlsRecords(b: Uint8Array, start: number, end: number, encrypted = false): TlsRecordInfo[] {
  const out: TlsRecordInfo[] = [];
  let o = start;
  let enc = encrypted;
  while (plausibleRecordHeader(b, o, end)) {
    const type = b[o], version = get16(b, o + 1), length = get16(b, o + 3);
    const fs = o + 5, fe = Math.min(end, fs + length);
    const complete = fs + length <= end;
    const names: string[] = [];
    const messages: TlsMessageInfo[] = [];
    let negotiates13: boolean | undefined;
    let serverVersion: number | undefined;
    let sni: string | undefined;
    if (type === TlsContentType.Handshake) {
      // Plain handshake messages must tile the fragment exactly; anything else is ciphertext.
      let p = fs;
      let plain = !enc && complete;
      const found: TlsMessageInfo[] = [];
      while (plain && p < fe) {
        if (p + 4 > fe) { plain = false; break; }
        const ht = b[p], hl = (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
        if (!(ht in HANDSHAKE_NAMES) || p + 4 + hl > fe) { plain = false; break; }
        found.push({ offset: p, type: ht, length: hl, name: HANDSHAKE_NAMES[ht] });
        if (ht === 1 || ht === 2) {
          const x = helloExtensions(b, ht, p + 4, p + 4 + hl);
          if (x.sni !== undefined) sni = x.sni;
          if (x.v13) negotiates13 = true;
          if (ht === 2 && p + 6 <= fe) serverVersion = x.v13 ? TlsVersion.TLS13 : get16(b, p + 4);
        }
        p += 4 + hl;
      }
      if (plain && found.length > 0) {
        messages.push(...found);
        names.push(...found.map((m) => m.name));
      } else {
        messages.push({ offset: fs, type: -1, length, name: 'Encrypted Handshake Message' });
        names.push('Encrypted Handshake Message');
      }
    } else if (type === TlsContentType.ChangeCipherSpec) {
      names.push('Change Cipher Spec');
      enc = true;
    } else if (type === TlsContentType.ApplicationData) {
      names.push('Application Data');
    } else {
      names.push(enc || length !== 2 ? 'Encrypted Alert' : `Alert (Level: ${b[fs] === 2 ? 'Fatal' : 'Warning'}, Description: ${ALERT_NAMES[b[fs + 1]] ?? 'Unknown'})`);
    }
    out.push({ offset: o, type, version, length, complete, names, messages, ...(negotiates13 ? { negotiates13 } : {}), ...(serverVersion !== undefined ? { serverVersion } : {}), ...(sni !== undefined ? { sni } : {}) });
    if (!complete) break;
    o = fs + length;
  }
  return out;
}

export const ALERT_NAMES: Readonly<Record<number, string>> = {
  0: 'Close Notify', 10: 'Unexpected Message', 20: 'Bad Record MAC', 40: 'Handshake Failure', 42: 'Bad Certificate',
  43: 'Unsupported Certificate', 44: 'Certificate Revoked', 45: 'Certificate Expired', 46: 'Certificate Unknown',
  47: 'Illegal Parameter', 48: 'Unknown CA', 50: 'Decode Error', 51: 'Decrypt Error', 70: 'Protocol Version',
  80: 'Internal Error', 90: 'User Canceled', 109: 'Missing Extension', 112: 'Unrecognized Name',
};

export function tlsVersionName(v: number): string {
  switch (v) {
    case 0x0300: return 'SSLv3';
    case 0x0301: return 'TLSv1';
    case 0x0302: return 'TLSv1.1';
    case 0x0303: return 'TLSv1.2';
    case 0x0304: return 'TLSv1.3';
    default: return 'TLS';
  }
}
