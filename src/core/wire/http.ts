/**
 * HTTP/1.x messages as bytes (RFC 9112): builders for the lab's clients and servers, and a
 * parser for them and for the dissector.
 *
 * Framing is the head (start line + header fields + CRLF CRLF) and then Content-Length bytes
 * of body; without a Content-Length a response body runs until the connection closes
 * (`untilClose`), as HTTP/1.0 servers do. Chunked transfer coding, trailers, pipelining
 * limits and obsolete line folding are left out: nothing in the lab sends them.
 * Text is Latin-1 both ways (header bytes are ASCII, and a body that is not survives).
 */
import { imfDate } from '../sim/calendar.ts';
import * as bytesM from './bytes.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { copyBytes, fromLatin1, latin1 } = bytesM;

export type HttpHeaders = readonly (readonly [string, string])[];

export interface HttpRequest {
  readonly kind: 'request';
  readonly method: string;
  readonly uri: string;
  readonly version: string;        // "HTTP/1.1"
  readonly headers: HttpHeaders;
  readonly body: Uint8Array;
}

export interface HttpResponse {
  readonly kind: 'response';
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  readonly headers: HttpHeaders;
  readonly body: Uint8Array;
  /** No Content-Length: the body is everything until the server closes. */
  readonly untilClose?: boolean;
}

export type HttpMessage = HttpRequest | HttpResponse;

export type HttpParse<T> =
  | { readonly ok: true; readonly msg: T; /** bytes of head + body */ readonly length: number; readonly headLength: number }
  | { readonly ok: false; readonly incomplete: true }
  | { readonly ok: false; readonly incomplete: false; readonly error: string };

/** Methods the dissector accepts at the start of a request (RFC 9110 §9 plus PATCH). */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Continue', 101: 'Switching Protocols', 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content',
  206: 'Partial Content', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
  307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 413: 'Payload Too Large', 500: 'Internal Server Error',
  501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** Case-insensitive header lookup (the first one wins). */
export function header(msg: { readonly headers: HttpHeaders }, name: string): string | undefined {
  const n = name.toLowerCase();
  for (const [k, v] of msg.headers) if (k.toLowerCase() === n) return v;
  return undefined;
}

/** An IMF-fixdate ("Wed, 25 Nov 2026 23:08:50 GMT") for virtual time `ms` since the Unix epoch. */
export function httpDate(ms: number): string {
  return imfDate(ms / 1000);
}

function serialize(startLine: string, headers: HttpHeaders, body: Uint8Array): Uint8Array {
  let head = startLine + '\r\n';
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  head += '\r\n';
  const out = new Uint8Array(head.length + body.length);
  out.set(fromLatin1(head));
  out.set(body, head.length);
  return out;
}

function bodyBytes(body: Uint8Array | string | undefined): Uint8Array {
  return body === undefined ? new Uint8Array(0) : typeof body === 'string' ? fromLatin1(body) : body;
}

export interface RequestInit {
  readonly method?: string;        // GET
  readonly uri?: string;           // /
  readonly version?: string;       // HTTP/1.1
  /** Sent first, as curl does: "Host: 192.168.1.100". */
  readonly host?: string;
  readonly headers?: HttpHeaders;
  readonly body?: Uint8Array | string;
}

/**
 * A request as bytes. With a body, Content-Length is added unless given. For curl 7.76:
 * `buildHttpRequest({ host, headers: [['User-Agent', 'curl/7.76.1'], ['Accept', '*\/*']] })`.
 */
export function buildHttpRequest(init: RequestInit): Uint8Array {
  const body = bodyBytes(init.body);
  const headers: [string, string][] = [];
  if (init.host !== undefined) headers.push(['Host', init.host]);
  headers.push(...(init.headers ?? []).map(([k, v]) => [k, v] as [string, string]));
  if (body.length > 0 && header({ headers }, 'content-length') === undefined) headers.push(['Content-Length', String(body.length)]);
  return serialize(`${init.method ?? 'GET'} ${init.uri ?? '/'} ${init.version ?? 'HTTP/1.1'}`, headers, body);
}

export interface ResponseInit {
  readonly status?: number;        // 200
  readonly reason?: string;        // from REASON_PHRASES
  readonly version?: string;       // HTTP/1.1
  readonly headers?: HttpHeaders;
  readonly body?: Uint8Array | string;
  /** Add Content-Length (default true; false for an HTTP/1.0-style close-delimited body). */
  readonly contentLength?: boolean;
  /** Answering HEAD: the Content-Length is the body's, but the body is not sent. */
  readonly head?: boolean;
}

/** A response as bytes; Content-Length is appended after the given headers unless present. */
export function buildHttpResponse(init: ResponseInit): Uint8Array {
  const status = init.status ?? 200;
  const body = bodyBytes(init.body);
  const headers: [string, string][] = (init.headers ?? []).map(([k, v]) => [k, v] as [string, string]);
  if (init.contentLength !== false && header({ headers }, 'content-length') === undefined && status !== 204 && status !== 304) {
    headers.push(['Content-Length', String(body.length)]);
  }
  const reason = init.reason ?? REASON_PHRASES[status] ?? '';
  return serialize(`${init.version ?? 'HTTP/1.1'} ${status} ${reason}`, headers, init.head ? new Uint8Array(0) : body);
}

/** Index just past the CRLF CRLF ending the head, or -1. */
function headEnd(b: Uint8Array): number {
  for (let i = 3; i < b.length; i++) {
    if (b[i] === 10 && b[i - 1] === 13 && b[i - 2] === 10 && b[i - 3] === 13) return i + 1;
  }
  return -1;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function parseHead(b: Uint8Array): { lines: string[]; headers: [string, string][]; headLength: number } | 'incomplete' | string {
  const end = headEnd(b);
  if (end < 0) return b.length > 65536 ? 'header section too long' : 'incomplete';
  const lines = latin1(b, 0, end - 4).split('\r\n');
  const headers: [string, string][] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    const c = l.indexOf(':');
    if (c <= 0 || !TOKEN.test(l.slice(0, c))) return `bad header line ${JSON.stringify(l)}`;
    headers.push([l.slice(0, c), l.slice(c + 1).trim()]);
  }
  return { lines, headers, headLength: end };
}

function contentLength(headers: HttpHeaders): number | null | 'bad' {
  const v = header({ headers }, 'content-length');
  if (v === undefined) return null;
  return /^\d{1,15}$/.test(v) ? Number(v) : 'bad';
}

export function parseHttpRequest(b: Uint8Array): HttpParse<HttpRequest> {
  const h = parseHead(b);
  if (h === 'incomplete') return { ok: false, incomplete: true };
  if (typeof h === 'string') return { ok: false, incomplete: false, error: h };
  const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) (HTTP\/\d\.\d)$/.exec(h.lines[0]);
  if (!m) return { ok: false, incomplete: false, error: `bad request line ${JSON.stringify(h.lines[0])}` };
  const cl = contentLength(h.headers);
  if (cl === 'bad') return { ok: false, incomplete: false, error: 'bad Content-Length' };
  const n = cl ?? 0;
  if (b.length < h.headLength + n) return { ok: false, incomplete: true };
  return {
    ok: true, length: h.headLength + n, headLength: h.headLength,
    msg: { kind: 'request', method: m[1], uri: m[2], version: m[3], headers: h.headers, body: copyBytes(b, h.headLength, h.headLength + n) },
  };
}

/**
 * Parses a response. `requestMethod` HEAD, and status 1xx/204/304, mean no body. Without a
 * Content-Length the body is whatever is there (`untilClose`), and `ok` is true at once: the
 * caller decides when the connection has closed.
 */
export function parseHttpResponse(b: Uint8Array, opts?: { readonly requestMethod?: string }): HttpParse<HttpResponse> {
  const h = parseHead(b);
  if (h === 'incomplete') return { ok: false, incomplete: true };
  if (typeof h === 'string') return { ok: false, incomplete: false, error: h };
  const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(h.lines[0]);
  if (!m) return { ok: false, incomplete: false, error: `bad status line ${JSON.stringify(h.lines[0])}` };
  const status = Number(m[2]);
  const base = { kind: 'response' as const, version: m[1], status, reason: m[3] ?? '', headers: h.headers };
  const noBody = opts?.requestMethod === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304;
  if (noBody) return { ok: true, length: h.headLength, headLength: h.headLength, msg: { ...base, body: new Uint8Array(0) } };
  const cl = contentLength(h.headers);
  if (cl === 'bad') return { ok: false, incomplete: false, error: 'bad Content-Length' };
  if (cl === null) {
    return { ok: true, length: b.length, headLength: h.headLength, msg: { ...base, body: copyBytes(b, h.headLength), untilClose: true } };
  }
  if (b.length < h.headLength + cl) return { ok: false, incomplete: true };
  return { ok: true, length: h.headLength + cl, headLength: h.headLength, msg: { ...base, body: copyBytes(b, h.headLength, h.headLength + cl) } };
}

/** Does this TCP payload start like an HTTP request or response? (Cheap: for the dissector.) */
export function looksLikeHttp(b: Uint8Array, start = 0, end = b.length): 'request' | 'response' | null {
  const n = end - start;
  if (n >= 5 && b[start] === 0x48 && b[start + 1] === 0x54 && b[start + 2] === 0x54 && b[start + 3] === 0x50 && b[start + 4] === 0x2f) return 'response';
  for (const m of HTTP_METHODS) {
    if (n > m.length && b[start + m.length] === 0x20) {
      let same = true;
      for (let i = 0; i < m.length; i++) if (b[start + i] !== m.charCodeAt(i)) { same = false; break; }
      if (same) return 'request';
    }
  }
  return null;
}
