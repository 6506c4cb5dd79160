import { describe, expect, it } from 'vitest';
import { latin1 } from './bytes.ts';
import { buildHttpRequest, buildHttpResponse, header, httpDate, looksLikeHttp, parseHttpRequest, parseHttpResponse } from './http.ts';
import { HTTP_GET } from './testdata/vectors.ts';

describe('http', () => {
  it('builds the request curl sends', () => {
    const b = buildHttpRequest({ uri: '/index.html', host: '192.168.1.100', headers: [['User-Agent', 'curl/7.88.1'], ['Accept', '*/*']] });
    expect(b).toEqual(HTTP_GET.subarray(66)); // byte for byte what real curl put on the wire
  });

  it('parses a request with its headers', () => {
    const r = parseHttpRequest(HTTP_GET.subarray(66));
    expect(r).toMatchObject({ ok: true, length: 87, headLength: 87, msg: { method: 'GET', uri: '/index.html', version: 'HTTP/1.1' } });
    if (!r.ok) throw new Error();
    expect(header(r.msg, 'host')).toBe('192.168.1.100');
    expect(header(r.msg, 'USER-AGENT')).toBe('curl/7.88.1');
  });

  it('builds and parses a response with Content-Length', () => {
    const b = buildHttpResponse({ headers: [['Server', 'Apache/2.4.57 (Rocky Linux)'], ['Content-Type', 'text/html; charset=UTF-8']], body: 'RS1\n' });
    expect(latin1(b)).toBe('HTTP/1.1 200 OK\r\nServer: Apache/2.4.57 (Rocky Linux)\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: 4\r\n\r\nRS1\n');
    const r = parseHttpResponse(b);
    expect(r).toMatchObject({ ok: true, length: b.length, msg: { status: 200, reason: 'OK' } });
    if (!r.ok) throw new Error();
    expect(latin1(r.msg.body)).toBe('RS1\n');
  });

  it('waits for the rest of a message', () => {
    const b = buildHttpResponse({ status: 404, body: 'not here' });
    expect(parseHttpResponse(b.subarray(0, 10))).toEqual({ ok: false, incomplete: true });
    expect(parseHttpResponse(b.subarray(0, b.length - 1))).toEqual({ ok: false, incomplete: true });
    expect(parseHttpResponse(b)).toMatchObject({ ok: true, msg: { status: 404, reason: 'Not Found' } });
  });

  it('knows which responses have no body', () => {
    const head = buildHttpResponse({ body: 'abc', head: true });
    expect(parseHttpResponse(head, { requestMethod: 'HEAD' })).toMatchObject({ ok: true, length: head.length, msg: { body: new Uint8Array(0) } });
    const b = buildHttpResponse({ status: 304 });
    expect(latin1(b)).toBe('HTTP/1.1 304 Not Modified\r\n\r\n');
    const close = buildHttpResponse({ version: 'HTTP/1.0', body: 'until close', contentLength: false });
    expect(parseHttpResponse(close)).toMatchObject({ ok: true, msg: { untilClose: true } });
  });

  it('reads two pipelined requests one at a time', () => {
    const a = buildHttpRequest({ uri: '/a', host: 'x' }), b = buildHttpRequest({ method: 'POST', uri: '/b', host: 'x', body: 'k=v' });
    const both = new Uint8Array([...a, ...b]);
    const first = parseHttpRequest(both);
    if (!first.ok) throw new Error();
    expect(first.length).toBe(a.length);
    expect(parseHttpRequest(both.subarray(first.length))).toMatchObject({ ok: true, msg: { method: 'POST', uri: '/b' } });
  });

  it('rejects what is not HTTP', () => {
    expect(parseHttpRequest(new TextEncoder().encode('hello\r\n\r\n'))).toMatchObject({ ok: false, incomplete: false });
    expect(parseHttpResponse(new TextEncoder().encode('HTTP/1.1 200 OK\r\nbad header\r\n\r\n'))).toMatchObject({ ok: false, incomplete: false });
    expect(parseHttpRequest(new TextEncoder().encode('GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n'))).toMatchObject({ ok: false, error: 'bad Content-Length' });
  });

  it('recognises the start of a message', () => {
    expect(looksLikeHttp(HTTP_GET, 66)).toBe('request');
    expect(looksLikeHttp(new TextEncoder().encode('HTTP/1.0 200 OK'))).toBe('response');
    expect(looksLikeHttp(new TextEncoder().encode('GETX / HTTP/1.1'))).toBeNull();
  });

  it('formats dates from virtual time', () => {
    expect(httpDate(Date.UTC(2026, 10, 25, 23, 8, 50))).toBe('Wed, 25 Nov 2026 23:08:50 GMT');
  });
});
