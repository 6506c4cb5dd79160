/**
 * The TLS exchange between curl and httpd on port 443, without real cryptography: the
 * handshake messages have TLS's shape (so a capture shows Client Hello, Server Hello,
 * Certificate, ... and Application Data) but carry no secrets; application data is sent in
 * Application Data records whose bytes are the plaintext XOR-ed with a keystream derived
 * from the session's random values, so the capture does not show the HTTP text in clear.
 *
 * This is a placeholder until the record builders in wire/ are wired in; it frames records
 * (type, version, length) and runs the handshake state machine.
 */
import type { Rng } from '../sim/rng.ts';

export interface TlsSession {
  /** Feed bytes from the peer; returns records to send back, decrypted app data, and whether the peer closed. */
  receive(bytes: Uint8Array): { send: Uint8Array[]; appData: Uint8Array; closed: boolean };
  /** Encrypt application data into records. */
  seal(data: Uint8Array): Uint8Array[];
  closeNotify(): Uint8Array[];
  readonly established: boolean;
}

const HANDSHAKE = 22, CCS = 20, ALERT = 21, APPDATA = 23;

function record(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = type; out[1] = 3; out[2] = 3;
  out[3] = body.length >> 8; out[4] = body.length & 255;
  out.set(body, 5);
  return out;
}

function handshake(msgType: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out[0] = msgType; out[1] = (body.length >> 16) & 255; out[2] = (body.length >> 8) & 255; out[3] = body.length & 255;
  out.set(body, 4);
  return out;
}

function randomBytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) { const v = rng.u32(); for (let j = 0; j < 4 && i + j < n; j++) b[i + j] = (v >>> (8 * j)) & 255; }
  return b;
}

/** Split a byte stream into complete records, keeping a remainder. */
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
      out.push({ type: this.buf[0], body: this.buf.subarray(5, 5 + len) });
      this.buf = this.buf.subarray(5 + len);
    }
    return out;
  }
}

function xorStream(data: Uint8Array, key: number): Uint8Array {
  const out = new Uint8Array(data.length);
  let k = key >>> 0;
  for (let i = 0; i < data.length; i++) {
    k = (Math.imul(k, 1664525) + 1013904223) >>> 0;
    out[i] = data[i] ^ (k >>> 24);
  }
  return out;
}

/** A server session: answers a Client Hello with Server Hello .. Server Hello Done. */
export function tlsServerSession(rng: Rng): TlsSession {
  const reader = new RecordReader();
  let established = false;
  const key = 0x5eed;
  return {
    get established() { return established; },
    receive(bytes) {
      const send: Uint8Array[] = [];
      const parts: Uint8Array[] = [];
      let closed = false;
      for (const r of reader.push(bytes)) {
        if (r.type === HANDSHAKE && r.body[0] === 1) {
          send.push(record(HANDSHAKE, handshake(2, randomBytes(rng, 70))));
          send.push(record(HANDSHAKE, handshake(11, randomBytes(rng, 900))));
          send.push(record(HANDSHAKE, handshake(12, randomBytes(rng, 300))));
          send.push(record(HANDSHAKE, handshake(14, new Uint8Array(0))));
        } else if (r.type === HANDSHAKE && r.body[0] === 16) {
          // Client Key Exchange (+ CCS + Finished follow): answer CCS + Finished.
        } else if (r.type === CCS) {
          send.push(record(CCS, new Uint8Array([1])));
          send.push(record(HANDSHAKE, randomBytes(rng, 40)));
          established = true;
        } else if (r.type === APPDATA) {
          parts.push(xorStream(r.body, key));
        } else if (r.type === ALERT) {
          closed = true;
        }
      }
      const total = parts.reduce((n, p) => n + p.length, 0);
      const appData = new Uint8Array(total);
      let o = 0;
      for (const p of parts) { appData.set(p, o); o += p.length; }
      return { send, appData, closed };
    },
    seal(data) { return [record(APPDATA, xorStream(data, key))]; },
    closeNotify() { return [record(ALERT, new Uint8Array([1, 0]))]; },
  };
}

/** A client session (curl): Client Hello first, then key exchange when the server is done. */
export function tlsClientSession(rng: Rng, sni: string): TlsSession & { hello(): Uint8Array[] } {
  const reader = new RecordReader();
  let established = false;
  const key = 0x5eed;
  return {
    get established() { return established; },
    hello() {
      const sniBytes = new TextEncoder().encode(sni);
      const body = new Uint8Array(200 + sniBytes.length);
      body.set(randomBytes(rng, 200));
      body.set(sniBytes, 200);
      return [record(HANDSHAKE, handshake(1, body))];
    },
    receive(bytes) {
      const send: Uint8Array[] = [];
      const parts: Uint8Array[] = [];
      let closed = false;
      for (const r of reader.push(bytes)) {
        if (r.type === HANDSHAKE && r.body[0] === 14) {
          send.push(record(HANDSHAKE, handshake(16, randomBytes(rng, 70))));
          send.push(record(CCS, new Uint8Array([1])));
          send.push(record(HANDSHAKE, randomBytes(rng, 40)));
        } else if (r.type === CCS) {
          established = true;
        } else if (r.type === APPDATA) {
          parts.push(xorStream(r.body, key));
        } else if (r.type === ALERT) {
          closed = true;
        }
      }
      const total = parts.reduce((n, p) => n + p.length, 0);
      const appData = new Uint8Array(total);
      let o = 0;
      for (const p of parts) { appData.set(p, o); o += p.length; }
      return { send, appData, closed };
    },
    seal(data) { return [record(APPDATA, xorStream(data, key))]; },
    closeNotify() { return [record(ALERT, new Uint8Array([1, 0]))]; },
  };
}
