/**
 * HTTP/1.1 message framing for the lab's httpd and curl: request parsing with the header
 * block complete, response building, and RFC 7231 dates. (The capture pane's dissector
 * recognises the same bytes independently, in wire/.)
 */
import { imfDate } from '../sim/calendar.ts';

export interface HttpRequest {
  method: string;
  path: string;
  version: string;
  requestLine: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Characters of the input this request used (headers only: requests carry no body here). */
  consumed: number;
}

export interface HttpResponse {
  status: number;
  reason: string;
  version: string;
  statusLine: string;
  headers: [string, string][];
  body: Uint8Array;
  /** Bytes of the input the whole response used. */
  consumed: number;
}

/** "Tue, 14 May 2024 08:00:00 GMT" */
let lastDateS = -1, lastDate = '';
export function httpDate(epochS: number): string {
  if (epochS === lastDateS) return lastDate;
  lastDateS = epochS;
  return (lastDate = imfDate(epochS));
}


export const REASONS: Record<number, string> = {
  200: 'OK', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 400: 'Bad Request', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** A complete request at the start of `buf`, or null while the header block is incomplete. */
export function parseHttpRequest(buf: string): HttpRequest | null {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const lines = buf.slice(0, end).split('\r\n');
  const requestLine = lines[0];
  const [method = '', path = '/', version = 'HTTP/1.0'] = requestLine.split(' ');
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { method, path, version, requestLine, headers, consumed: end + 4 };
}

const enc = new TextEncoder();

export function buildHttpResponse(status: number, headers: [string, string][], body: Uint8Array): Uint8Array {
  const head = `HTTP/1.1 ${status} ${REASONS[status] ?? ''}\r\n` + headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
  const h = enc.encode(head);
  const out = new Uint8Array(h.length + body.length);
  out.set(h, 0);
  out.set(body, h.length);
  return out;
}

export function buildHttpRequest(method: string, path: string, headers: [string, string][]): string {
  return `${method} ${path} HTTP/1.1\r\n` + headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
}

/**
 * A complete response at the start of `bytes` to a `requestMethod` request (Content-Length framing; or everything until
 * `eof` when there is none), or null while incomplete.
 */
export function parseHttpResponse(bytes: Uint8Array, eof: boolean, requestMethod = 'GET'): HttpResponse | null {
  let end = -1;
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) { end = i; break; }
  }
  if (end < 0) return null;
  const head = new TextDecoder().decode(bytes.subarray(0, end));
  const lines = head.split('\r\n');
  const statusLine = lines[0];
  const m = /^(HTTP\/\d(?:\.\d)?) (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!m) return null;
  const headers: [string, string][] = [];
  let clen = -1;
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i <= 0) continue;
    const k = l.slice(0, i), v = l.slice(i + 1).trim();
    headers.push([k, v]);
    if (k.toLowerCase() === 'content-length') clen = Number(v);
  }
  const bodyStart = end + 4;
  let bodyEnd: number;
  // RFC 9112 6.3: no body after HEAD, 1xx, 204 and 304, whatever Content-Length says.
  const status = Number(m[2]);
  if (requestMethod === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304) {
    bodyEnd = bodyStart;
  } else if (clen >= 0) {
    if (bytes.length < bodyStart + clen) return null;
    bodyEnd = bodyStart + clen;
  } else {
    if (!eof) return null;
    bodyEnd = bytes.length;
  }
  return {
    status: Number(m[2]), reason: m[3] ?? '', version: m[1], statusLine, headers,
    body: bytes.subarray(bodyStart, bodyEnd), consumed: bodyEnd,
  };
}
