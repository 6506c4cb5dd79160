/**
 * Apache httpd 2.4 as RHEL 9 ships it: reads `Listen` and `DocumentRoot` from
 * /etc/httpd/conf/httpd.conf and /etc/httpd/conf.d/*.conf (mod_ssl's ssl.conf adds
 * `Listen 443 https`), serves files from the document root over HTTP/1.1 with Apache's
 * headers (Date, Server, Last-Modified, ETag, Accept-Ranges, Content-Length, Content-Type),
 * keeps connections alive for 5 s, answers 404/403 with Apache's pages, and appends every
 * request to /var/log/httpd/access_log in the combined format with the client address as
 * this server saw it (NAT and DR keep the client's address; FULLNAT shows the director's).
 *
 * HTTPS is a TLS-shaped exchange without real cryptography (see wire/tls.ts): the records
 * are what a capture shows, the "encrypted" payload is opaque bytes.
 */
import { clock, MONTH_NAMES, utcFields } from '../sim/calendar.ts';
import { SEC, type Timer } from '../sim/events.ts';
import type { Host } from '../net/host.ts';
import type { TcpSocket, Listener } from '../net/tcp.ts';
import { fmtIp } from '../wire/types.ts';
import { registerUnit, type ServiceImpl, type Systemd } from './systemd.ts';
import { httpDate, parseHttpRequest, buildHttpResponse, type HttpRequest } from './http1.ts';
import { tlsServerSession, type TlsSession } from './tlsSession.ts';

export const HTTPD_VERSION = 'Apache/2.4.57 (Red Hat Enterprise Linux)';
const KEEPALIVE = 5 * SEC;
const ACCESS_LOG = '/var/log/httpd/access_log';
/** Rotate the access log beyond this size (bytes). */
const ROTATE_BYTES = 1 << 20;
/** Time Apache takes to turn a request around (µs): what the capture shows between GET and 200. */
const SERVICE_TIME = 450;

/** [14/May/2024:08:00:01 +0000] */
let lastClfS = -1, lastClf = '';
export function clfDate(epochS: number): string {
  if (epochS === lastClfS) return lastClf;
  lastClfS = epochS;
  const f = utcFields(epochS);
  return (lastClf = `[${String(f.day).padStart(2, '0')}/${MONTH_NAMES[f.month]}/${f.year}:${clock(f)} +0000]`);
}

interface ListenSpec { addr: number; port: number; https: boolean }

export class Httpd implements ServiceImpl {
  private listeners: Listener[] = [];
  private conns = new Set<TcpSocket>();
  requests = 0;
  bytesServed = 0;
  private sinceRotateCheck = 0;
  private docRoot = '/var/www/html';
  /** Encoded bodies by file, reused while the file's inode number, mtime and size are unchanged. */
  private bodyCache = new Map<string, { ino: number; mtime: number; size: number; body: Uint8Array; etag: string }>();

  constructor(private readonly host: Host, private readonly sd: Systemd, private readonly pid: number) {}

  /** Listen directives and DocumentRoot from the configuration. */
  private readConfig(): { listens: ListenSpec[]; error: string | null } {
    const fs = this.host.fs;
    const files = ['/etc/httpd/conf/httpd.conf'];
    try {
      for (const n of fs.readdir('/etc/httpd/conf.d').sort()) if (n.endsWith('.conf')) files.push(`/etc/httpd/conf.d/${n}`);
    } catch { /* no conf.d */ }
    const listens: ListenSpec[] = [];
    for (const f of files) {
      let text: string;
      try { text = fs.readFile(f); } catch { if (f.endsWith('httpd.conf')) return { listens, error: `httpd: Could not open configuration file /etc/httpd/conf/httpd.conf: No such file or directory` }; continue; }
      let inIf = 0;
      for (const raw of text.split('\n')) {
        const line = raw.trim();
        if (!line || line.startsWith('#')) continue;
        if (/^<IfModule/i.test(line)) { inIf++; continue; }
        if (/^<\/IfModule/i.test(line)) { inIf--; continue; }
        const m = /^Listen\s+(?:(\d+\.\d+\.\d+\.\d+):)?(\d+)(?:\s+(\w+))?/i.exec(line);
        if (m) {
          const port = Number(m[2]);
          const addr = m[1] ? m[1].split('.').reduce((a, o) => a * 256 + Number(o), 0) : 0;
          listens.push({ addr, port, https: (m[3] ?? '').toLowerCase() === 'https' || port === 443 });
          continue;
        }
        const d = /^DocumentRoot\s+"?([^"]+)"?/i.exec(line);
        if (d && !inIf) this.docRoot = d[1];
      }
    }
    if (listens.length === 0) return { listens, error: 'AH00534: httpd: Configuration error: No MPM loaded.' };
    return { listens, error: null };
  }

  start(): string | null {
    const { listens, error } = this.readConfig();
    if (error) { this.sd.log('httpd.service', 'httpd', this.pid, error, 3); return error; }
    for (const l of listens) {
      const r = this.host.tcp.listen(l.addr as never, l.port, 'httpd', (s) => this.accept(s, l.https));
      if (typeof r === 'string') {
        this.stop();
        const msg = `(98)Address already in use: AH00072: make_sock: could not bind to address 0.0.0.0:${l.port}`;
        this.sd.log('httpd.service', 'httpd', this.pid, msg, 3);
        this.sd.log('httpd.service', 'httpd', this.pid, 'no listening sockets available, shutting down', 3);
        return msg;
      }
      this.listeners.push(r);
    }
    this.sd.log('httpd.service', 'httpd', this.pid, `Server configured, listening on: ${listens.map((l) => `port ${l.port}`).join(', ')}`);
    return null;
  }

  stop(): void {
    for (const l of this.listeners) this.host.tcp.unlisten(l);
    this.listeners = [];
    for (const c of [...this.conns]) c.close();
    this.conns.clear();
  }

  reload(): string | null {
    this.stop();
    return this.start();
  }

  statusText(): string {
    return `Total requests: ${this.requests}; Idle/Busy workers 100/0;Requests/sec: 0; Bytes served/sec:   0 B/sec`;
  }

  private accept(s: TcpSocket, https: boolean): void {
    this.conns.add(s);
    let buf = '';
    let idle: Timer | null = null;
    const q = this.host.net.q;
    const armIdle = () => {
      q.cancel(idle);
      idle = q.after(KEEPALIVE, () => { idle = null; s.close(); });
    };
    const tls: TlsSession | null = https ? tlsServerSession(this.host.rng, this.host.hostname, Math.floor((this.host.net.epochUs + this.host.now) / 1000)) : null;
    armIdle();
    s.onData = () => {
      const bytes = s.read();
      let text: string;
      if (tls) {
        const r = tls.receive(bytes);
        for (const out of r.send) s.send(out);
        if (r.closed) { s.close(); return; }
        if (!r.appData.length) return;
        text = decoder.decode(r.appData);
      } else {
        text = decoder.decode(bytes);
      }
      buf += text;
      // Clients repeat the same request (curl in a loop): parse a given header block once.
      // The parsed request is only read, never changed, so it can be shared.
      let req: HttpRequest | null;
      if (buf === this.lastParsed.buf) req = this.lastParsed.req;
      else { req = parseHttpRequest(buf); if (req) this.lastParsed = { buf, req }; }
      if (!req) { if (buf.length > 65536) s.abort(); return; }
      buf = buf.slice(req.consumed);
      q.cancel(idle); idle = null;
      q.after(SERVICE_TIME, () => {
        if (!s.isOpen) return;
        const resp = this.respond(req, s, https);
        if (tls) for (const rec of tls.seal(resp)) s.send(rec); else s.send(resp);
        // HTTP/1.0 closes after the response unless the client asked to keep it alive; 1.1 keeps it.
        const conn = req.headers['connection']?.toLowerCase();
        if (conn === 'close' || (req.version === 'HTTP/1.0' && conn !== 'keep-alive')) s.close();
        else armIdle();
      });
    };
    s.onEof = () => { q.cancel(idle); if (tls) for (const r of tls.closeNotify()) s.send(r); s.close(); };
    s.onClosed = () => { q.cancel(idle); this.conns.delete(s); };
    s.onError = () => { q.cancel(idle); this.conns.delete(s); };
  }

  private lastParsed: { buf: string; req: HttpRequest | null } = { buf: '', req: null };
  private lastLogLine: { raddr: number; nowS: number; requestLine: string; status: number; size: number | string; ref: string; ua: string; line: string } | null = null;
  private lastResponse: { body: Uint8Array; nowS: number; server: string; headOnly: boolean; out: Uint8Array } | null = null;

  private respond(req: HttpRequest, s: TcpSocket, https: boolean): Uint8Array {
    void https;
    const fs = this.host.fs;
    const now = this.host.net.epochUs + this.host.now;
    const nowS = Math.floor(now / SEC);
    const server = this.host.packages.has('mod_ssl') ? `${HTTPD_VERSION} OpenSSL/3.0.7` : HTTPD_VERSION;
    const qm = req.path.indexOf('?');
    let path = qm < 0 ? req.path : req.path.slice(0, qm);
    if (path.includes('%')) { try { path = decodeURIComponent(path); } catch { /* keep raw */ } }
    let file = this.docRoot + (path.startsWith('/') ? path : '/' + path);
    let status = 200;
    let body = '';
    let cached: Uint8Array | null = null;
    let lastMod = 0;
    let etag = '';
    let ctype = 'text/html; charset=UTF-8';
    const headOnly = req.method === 'HEAD';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      status = 405;
      body = errorPage(405, 'Method Not Allowed', `<p>The requested method ${req.method} is not allowed for this URL.</p>`);
    } else {
      try {
        if (fs.isDir(file)) {
          if (!file.endsWith('/')) file += '/';
          file += 'index.html';
        }
        const st = fs.stat(file);
        let c = this.bodyCache.get(file);
        if (c && c.ino === st.ino && c.mtime === st.mtime && c.size === st.size) cached = c.body;
        else body = fs.readFile(file);
        if (!cached) {
          if (this.bodyCache.size > 64) this.bodyCache.clear();
          cached = encoder.encode(body);
          c = { ino: st.ino, mtime: st.mtime, size: st.size, body: cached, etag: `"${st.size.toString(16)}-${(st.mtime * 1_000_000).toString(16)}"` };
          this.bodyCache.set(file, c);
        }
        lastMod = st.mtime;
        etag = c!.etag;
        if (!file.endsWith('.html') && !file.endsWith('.htm')) ctype = file.endsWith('.txt') ? 'text/plain; charset=UTF-8' : 'text/html; charset=UTF-8';
      } catch {
        if (path === '/' || path === '/index.html') {
          // RHEL's welcome page (/etc/httpd/conf.d/welcome.conf) for an empty document root.
          status = 403;
          body = WELCOME;
        } else {
          status = 404;
          body = errorPage(404, 'Not Found', '<p>The requested URL was not found on this server.</p>');
        }
      }
    }
    const bodyBytes = cached ?? encoder.encode(body);
    let out: Uint8Array;
    const rc = this.lastResponse;
    // A file served from the body cache in the same second as the last response gets the same
    // bytes (same body object = same path, size and mtime, hence the same headers): copy them.
    if (status === 200 && rc !== null && rc.body === bodyBytes && rc.nowS === nowS && rc.server === server && rc.headOnly === headOnly) {
      out = rc.out.slice();
    } else {
      const headers: [string, string][] = [['Date', httpDate(nowS)], ['Server', server]];
      if (status === 200) {
        headers.push(['Last-Modified', httpDate(lastMod)], ['ETag', etag], ['Accept-Ranges', 'bytes']);
      }
      headers.push(['Content-Length', String(bodyBytes.length)]);
      if (status !== 200 && status !== 403) ctype = 'text/html; charset=iso-8859-1';
      headers.push(['Content-Type', ctype]);
      out = buildHttpResponse(status, headers, headOnly ? new Uint8Array(0) : bodyBytes);
      if (status === 200 && cached !== null) this.lastResponse = { body: bodyBytes, nowS, server, headOnly, out: out.slice() };
    }
    this.requests++;
    this.bytesServed += bodyBytes.length;
    const ua = req.headers['user-agent'] ?? '-';
    const ref = req.headers['referer'] ?? '-';
    const size = headOnly || bodyBytes.length === 0 ? '-' : bodyBytes.length;
    // The same client, second, request and answer make the same line: reuse the string (the
    // access log keeps every line for a long time). join() makes it one flat string (a
    // template literal makes a tree of cons strings).
    const ll = this.lastLogLine;
    let line: string;
    if (ll !== null && ll.raddr === s.raddr && ll.nowS === nowS && ll.requestLine === req.requestLine && ll.status === status
      && ll.size === size && ll.ref === ref && ll.ua === ua) line = ll.line;
    else {
      line = [fmtIp(s.raddr), ' - - ', clfDate(nowS), ' "', req.requestLine, '" ', status, ' ', size, ' "', ref, '" "', ua, '"\n'].join('');
      this.lastLogLine = { raddr: s.raddr, nowS, requestLine: req.requestLine, status, size, ref, ua, line };
    }
    try {
      fs.writeFile(ACCESS_LOG, line, { append: true });
      // logrotate, compressed: keep memory bounded however long a lab runs (RHEL rotates weekly
      // and keeps access_log-YYYYMMDD files; here the oldest half moves to access_log.1).
      if (++this.sinceRotateCheck >= 1000) {
        this.sinceRotateCheck = 0;
        const st = fs.stat(ACCESS_LOG);
        if (st.size > ROTATE_BYTES) {
          const text = fs.readFile(ACCESS_LOG);
          const cut = text.indexOf('\n', text.length >> 1) + 1;
          fs.writeFile(ACCESS_LOG + '.1', text.slice(0, cut));
          fs.writeFile(ACCESS_LOG, text.slice(cut));
        }
      }
    } catch { /* log dir missing: Apache would not start; ignore */ }
    return out;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function errorPage(code: number, title: string, p: string): string {
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${code} ${title}</title>\n</head><body>\n<h1>${title}</h1>\n${p}\n</body></html>\n`;
}

const WELCOME = `<!doctype html>
<html>
  <head>
    <meta charset='utf-8'>
    <meta name='viewport' content='width=device-width, initial-scale=1'>
    <title>HTTP Server Test Page powered by: Red Hat Enterprise Linux</title>
  </head>
  <body>
    <h1>Red Hat Enterprise Linux <strong>Test Page</strong></h1>
    <p>This page is used to test the proper operation of an HTTP server after it has been installed on a Red Hat Enterprise Linux system. If you can read this page, it means that the software is working correctly.</p>
  </body>
</html>
`;

registerUnit({
  name: 'httpd.service',
  description: 'The Apache HTTP Server',
  pkg: 'httpd',
  path: '/usr/lib/systemd/system/httpd.service',
  docs: ['man:httpd.service(8)'],
  preset: 'disabled',
  exec: '/usr/sbin/httpd -DFOREGROUND',
  workers: 4,
  create: (host, sd) => new Httpd(host, sd, sd.unit('httpd')?.pid ?? 0),
});
