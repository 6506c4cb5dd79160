/**
 * The TLS 1.2 exchange between curl and httpd+mod_ssl on port 443, without cryptography:
 * every record is shaped as OpenSSL sends it (wire/tls.ts builds them, and Wireshark
 * dissects them without errors) — Client Hello; Server Hello, Certificate (a self-signed
 * certificate for the server's name, as RHEL's mod_ssl generates), Server Key Exchange,
 * Server Hello Done; Client Key Exchange, Change Cipher Spec, Finished; New Session Ticket,
 * Change Cipher Spec, Finished — then Application Data records carrying the HTTP messages
 * scrambled by a keystream (so a capture does not show them in clear), with AES-GCM's
 * 8-byte explicit nonce and 16-byte tag around them, and an encrypted close_notify alert.
 */
import type { Rng } from '../sim/rng.ts';
import { concatBytes } from '../wire/bytes.ts';
import {
  TlsCipherSuite, TlsContentType, TlsHandshakeType, tls12ClientFinish, tls12ServerFlight, tlsApplicationData,
  tlsChangeCipherSpec, tlsClientHello, tlsEncryptedHandshake, tlsNewSessionTicket, tlsRecord,
} from '../wire/tls.ts';

export interface TlsSession {
  /** Feed bytes from the peer; returns records to send back, decrypted app data, and whether the peer closed. */
  receive(bytes: Uint8Array): { send: Uint8Array[]; appData: Uint8Array; closed: boolean };
  /** Encrypt application data into records. */
  seal(data: Uint8Array): Uint8Array[];
  closeNotify(): Uint8Array[];
  readonly established: boolean;
}

const GCM_NONCE = 8, GCM_TAG = 16;

function randomBytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) { const v = rng.u32(); for (let j = 0; j < 4 && i + j < n; j++) b[i + j] = (v >>> (8 * j)) & 255; }
  return b;
}

/** Splits a byte stream into complete records, keeping the remainder. */
class RecordReader {
  private buf = new Uint8Array(0);
  push(b: Uint8Array): { type: number; body: Uint8Array }[] {
    const nb = new Uint8Array(this.buf.length + b.length);
    nb.set(this.buf); nb.set(b, this.buf.length);
    this.buf = nb;
    const out: { type: number; body: Uint8Array }[] = [];
    while (this.buf.length >= 5) {
      const len = (this.buf[3] << 8) | this.buf[4];
      if (this.buf.length < 5 + len) break;
      out.push({ type: this.buf[0], body: this.buf.slice(5, 5 + len) });
      this.buf = this.buf.subarray(5 + len);
    }
    return out;
  }
}

/** Keystream scrambling standing in for AES-GCM (same bytes in, same bytes out, per direction key). */
function xorStream(data: Uint8Array, key: number, out: Uint8Array, off: number): void {
  let k = key >>> 0;
  for (let i = 0; i < data.length; i++) {
    k = (Math.imul(k, 1664525) + 1013904223) >>> 0;
    out[off + i] = data[i] ^ (k >>> 24);
  }
}

class Cipher {
  private seqNo = 0;
  constructor(private readonly key: number) {}
  seal(type: number, plain: Uint8Array): Uint8Array {
    const body = new Uint8Array(GCM_NONCE + plain.length + GCM_TAG);
    const n = ++this.seqNo;
    body[6] = (n >>> 8) & 255; body[7] = n & 255;
    xorStream(plain, this.key ^ n, body, GCM_NONCE);
    for (let i = 0; i < GCM_TAG; i++) body[GCM_NONCE + plain.length + i] = (this.key >>> ((i & 3) * 8)) & 255 ^ i;
    return type === TlsContentType.ApplicationData ? tlsApplicationData(body) : tlsRecord(type, body);
  }
  open(body: Uint8Array): Uint8Array {
    if (body.length < GCM_NONCE + GCM_TAG) return new Uint8Array(0);
    const n = (body[6] << 8) | body[7];
    const inner = body.subarray(GCM_NONCE, body.length - GCM_TAG);
    const out = new Uint8Array(inner.length);
    xorStream(inner, this.key ^ n, out, 0);
    return out;
  }
}

const concat = concatBytes;

const CLIENT_KEY = 0x5eed_c11e, SERVER_KEY = 0x5eed_5e7f;

/**
 * One side's record handling: plaintext handshake messages go to `handshake` (before the
 * peer's ChangeCipherSpec) or `encrypted` (after it); application data is decrypted; an
 * alert means the peer closed.
 */
function receiveRecords(reader: RecordReader, rx: Cipher, bytes: Uint8Array, state: { peerCcs: boolean },
  handshake: (body: Uint8Array, send: Uint8Array[]) => void, encrypted: (send: Uint8Array[]) => void) {
  const send: Uint8Array[] = [];
  const app: Uint8Array[] = [];
  let closed = false;
  for (const r of reader.push(bytes)) {
    if (r.type === TlsContentType.ChangeCipherSpec) state.peerCcs = true;
    else if (r.type === TlsContentType.Handshake) { if (state.peerCcs) encrypted(send); else handshake(r.body, send); }
    else if (r.type === TlsContentType.ApplicationData) app.push(rx.open(r.body));
    else if (r.type === TlsContentType.Alert) closed = true;
  }
  return { send, appData: concat(app), closed };
}

/**
 * A server session for `serverName` (the certificate's CN). Certificate validity comes from
 * `nowMs` (virtual wall-clock ms): mod_ssl's generated certificate is valid for a year.
 */
export function tlsServerSession(rng: Rng, serverName = 'localhost.localdomain', nowMs = 1715673600000): TlsSession {
  const reader = new RecordReader();
  const rx = new Cipher(CLIENT_KEY), tx = new Cipher(SERVER_KEY);
  let established = false;
  const st = { peerCcs: false };
  return {
    get established() { return established; },
    receive(bytes) {
      return receiveRecords(reader, rx, bytes, st, (body, send) => {
        if (body[0] !== TlsHandshakeType.ClientHello) return;
        send.push(tls12ServerFlight({
          random: randomBytes(rng, 32), cipherSuite: TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
          commonName: serverName, notBefore: nowMs - 3600_000, notAfter: nowMs + 365 * 86400_000, ecdhePublicKey: randomBytes(rng, 32),
        }));
      }, (send) => {
        if (established) return;
        // The client's (encrypted) Finished: answer with a ticket, our CCS and Finished.
        send.push(concat([tlsNewSessionTicket(randomBytes(rng, 192)), tlsChangeCipherSpec(), tlsEncryptedHandshake(randomBytes(rng, 40))]));
        established = true;
      });
    },
    seal(data) { return [tx.seal(TlsContentType.ApplicationData, data)]; },
    closeNotify() { return [tx.seal(TlsContentType.Alert, Uint8Array.of(1, 0))]; },
  };
}

/** A client session (curl): Client Hello first, then the key exchange once the server is done. */
export function tlsClientSession(rng: Rng, sni: string): TlsSession & { hello(): Uint8Array[]; readonly peerCN: string | null } {
  const reader = new RecordReader();
  const rx = new Cipher(SERVER_KEY), tx = new Cipher(CLIENT_KEY);
  let established = false;
  const st = { peerCcs: false };
  let peerCN: string | null = null;
  return {
    get established() { return established; },
    get peerCN() { return peerCN; },
    hello() {
      const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(sni);
      return [tlsClientHello({ random: randomBytes(rng, 32), sni: isIp ? undefined : sni, sessionId: randomBytes(rng, 32) })];
    },
    receive(bytes) {
      return receiveRecords(reader, rx, bytes, st, (body, send) => {
        if (body[0] === TlsHandshakeType.Certificate && peerCN === null) peerCN = commonName(body);
        if (body[0] === TlsHandshakeType.ServerHelloDone) send.push(tls12ClientFinish(randomBytes(rng, 32), randomBytes(rng, 40)));
      }, () => { established = true; });
    },
    seal(data) { return [tx.seal(TlsContentType.ApplicationData, data)]; },
    closeNotify() { return [tx.seal(TlsContentType.Alert, Uint8Array.of(1, 0))]; },
  };
}

/** The first commonName (OID 2.5.4.3) in DER bytes: the certificate's issuer CN, which is the subject's for a self-signed one. */
function commonName(b: Uint8Array): string | null {
  for (let i = 0; i + 6 < b.length; i++) {
    if (b[i] === 0x06 && b[i + 1] === 0x03 && b[i + 2] === 0x55 && b[i + 3] === 0x04 && b[i + 4] === 0x03) {
      const len = b[i + 6];
      if (i + 7 + len > b.length) return null;
      return new TextDecoder().decode(b.subarray(i + 7, i + 7 + len));
    }
  }
  return null;
}
