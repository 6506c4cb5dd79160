/**
 * curl 7.76.1 (RHEL 9) over the lab's TCP: http:// and https:// (a TLS-shaped exchange;
 * httpd's certificate is self-signed, so without -k curl refuses it with error 60), -s -S
 * -v -I -i -k -m --connect-timeout -o -O -w -H -A -X -d -f -L --interface -4, and curl's
 * own error texts and exit codes (6, 7, 28, 35, 52, 56, 60 ...). The progress meter is
 * printed (to stderr) when stdout is not a terminal, as curl does.
 */
import { SEC, MS } from '../../../core/sim/events.ts';
import type { Host, NetErrno } from '../../../core/net/host.ts';
import type { TcpSocket } from '../../../core/net/tcp.ts';
import { tlsClientSession } from '../../../core/services/tlsSession.ts';
import { buildHttpRequest, parseHttpResponse } from '../../../core/services/http1.ts';
import { fmtIp, type Ipv4Addr } from '../../../core/wire/types.ts';
import { concatBytes } from '../../../core/wire/bytes.ts';
import { ShellSignal, waitSim, type CmdContext, type Co, type Command } from '../../types.ts';
import { resolveHost } from './resolve.ts';

const VERSION = 'curl 7.76.1 (x86_64-redhat-linux-gnu) libcurl/7.76.1 OpenSSL/3.0.7 zlib/1.2.11 brotli/1.0.9 libidn2/2.3.0 libpsl/0.21.1 (+libidn2/2.3.0) libssh/0.10.4/openssl/zlib nghttp2/1.43.0\nRelease-Date: 2021-03-31\nProtocols: dict file ftp ftps gopher gophers http https imap imaps ldap ldaps mqtt pop3 pop3s rtsp scp sftp smb smbs smtp smtps telnet tftp\nFeatures: alt-svc AsynchDNS brotli GSS-API HTTP2 HTTPS-proxy IDN IPv6 Kerberos Largefile libz NTLM NTLM_WB PSL SPNEGO SSL TLS-SRP UnixSockets\n';

/** Time curl spends starting up (exec, libcurl init) before it connects. */
const STARTUP = 4000;

interface Opts {
  silent: boolean; showError: boolean; verbose: boolean; head: boolean; include: boolean; insecure: boolean;
  maxTime: number; connectTimeout: number; output: string | null; remoteName: boolean; writeOut: string | null;
  headers: [string, string][]; agent: string; method: string | null; data: string | null; fail: boolean;
  location: boolean; iface: string | null; urls: string[];
}

const ERR_TEXT: Partial<Record<NetErrno, string>> = {
  ECONNREFUSED: 'Connection refused', EHOSTUNREACH: 'No route to host', ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out', ECONNRESET: 'Connection reset by peer', EADDRNOTAVAIL: 'Cannot assign requested address',
};

class CurlExit { constructor(readonly code: number, readonly msg: string | null) {} }

function parseArgs(ctx: CmdContext): Opts | CurlExit {
  const o: Opts = {
    silent: false, showError: false, verbose: false, head: false, include: false, insecure: false, maxTime: 0,
    connectTimeout: 0, output: null, remoteName: false, writeOut: null, headers: [], agent: 'curl/7.76.1',
    method: null, data: null, fail: false, location: false, iface: null, urls: [],
  };
  const argv = ctx.argv.slice(1);
  const need = (opt: string, v: string | undefined): string => {
    if (v === undefined) throw new CurlExit(2, `curl: option ${opt}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information`);
    return v;
  };
  const secs = (opt: string, v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || v.trim() === '') throw new CurlExit(2, `curl: option ${opt}: expected a proper numerical parameter\ncurl: try 'curl --help' or 'curl --manual' for more information`);
    return n;
  };
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a.startsWith('--')) {
        const [name, inline] = a.slice(2).split(/=(.*)/s);
        const val = () => inline ?? need(a, argv[++i]);
        switch (name) {
          case 'silent': o.silent = true; break;
          case 'show-error': o.showError = true; break;
          case 'verbose': o.verbose = true; break;
          case 'head': o.head = true; break;
          case 'include': o.include = true; break;
          case 'insecure': o.insecure = true; break;
          case 'max-time': o.maxTime = secs(a, val()); break;
          case 'connect-timeout': o.connectTimeout = secs(a, val()); break;
          case 'output': o.output = val(); break;
          case 'remote-name': o.remoteName = true; break;
          case 'write-out': o.writeOut = val(); break;
          case 'header': { const hv = val(); const k = hv.indexOf(':'); if (k > 0) o.headers.push([hv.slice(0, k), hv.slice(k + 1).trim()]); break; }
          case 'user-agent': o.agent = val(); break;
          case 'request': o.method = val(); break;
          case 'data': case 'data-raw': case 'data-binary': o.data = val(); break;
          case 'fail': o.fail = true; break;
          case 'location': o.location = true; break;
          case 'interface': o.iface = val(); break;
          case 'ipv4': case 'http1.1': case 'compressed': case 'no-keepalive': case 'progress-bar': break;
          case 'retry': case 'limit-rate': case 'resolve': case 'cacert': case 'cert': val(); break;
          case 'url': o.urls.push(val()); break;
          case 'version': throw new CurlExit(0, null);
          case 'help': throw new CurlExit(0, 'help');
          case 'ipv6': throw new CurlExit(7, `curl: (7) Couldn't connect to server`);
          default: throw new CurlExit(2, `curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information`);
        }
        continue;
      }
      if (a.startsWith('-') && a.length > 1) {
        for (let j = 1; j < a.length; j++) {
          const c = a[j];
          const takes = 'moowHAXdeu'.includes(c) || c === 'w' || c === 'm';
          const v = takes ? (j + 1 < a.length ? a.slice(j + 1) : need(`-${c}`, argv[++i])) : undefined;
          if (takes) j = a.length;
          switch (c) {
            case 's': o.silent = true; break;
            case 'S': o.showError = true; break;
            case 'v': o.verbose = true; break;
            case 'I': o.head = true; break;
            case 'i': o.include = true; break;
            case 'k': o.insecure = true; break;
            case 'm': o.maxTime = secs('-m', v!); break;
            case 'o': o.output = v!; break;
            case 'O': o.remoteName = true; break;
            case 'w': o.writeOut = v!; break;
            case 'H': { const k = v!.indexOf(':'); if (k > 0) o.headers.push([v!.slice(0, k), v!.slice(k + 1).trim()]); break; }
            case 'A': o.agent = v!; break;
            case 'X': o.method = v!; break;
            case 'd': o.data = v!; break;
            case 'e': case 'u': break;
            case 'f': o.fail = true; break;
            case 'L': o.location = true; break;
            case '4': case '#': break;
            case 'V': throw new CurlExit(0, null);
            case 'h': throw new CurlExit(0, 'help');
            default: throw new CurlExit(2, `curl: option -${c}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information`);
          }
        }
        continue;
      }
      o.urls.push(a);
    }
  } catch (e) {
    if (e instanceof CurlExit) return e;
    throw e;
  }
  return o;
}

interface Url { scheme: 'http' | 'https'; host: string; port: number; path: string; text: string }

function parseUrl(raw: string): Url | CurlExit {
  let s = raw;
  let scheme: 'http' | 'https' = 'http';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/.exec(s);
  if (m) {
    const sc = m[1].toLowerCase();
    if (sc !== 'http' && sc !== 'https') return new CurlExit(1, `curl: (1) Protocol "${m[1]}" not supported or disabled in libcurl`);
    scheme = sc;
    s = m[2];
  }
  const slash = s.indexOf('/');
  const hostport = slash < 0 ? s : s.slice(0, slash);
  const path = slash < 0 ? '/' : s.slice(slash);
  const hp = /^([^:/?#]*)(?::(\d*))?$/.exec(hostport);
  if (!hp || !hp[1]) return new CurlExit(3, 'curl: (3) URL using bad/illegal format or missing URL');
  const port = hp[2] ? Number(hp[2]) : scheme === 'https' ? 443 : 80;
  if (port > 65535) return new CurlExit(3, 'curl: (3) URL using bad/illegal format or missing URL');
  return { scheme, host: hp[1], port, path: path.replace(/#.*/, '') || '/', text: `${scheme}://${hostport}${path}` };
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export const curlCommand: Command = {
  name: 'curl',
  pkg: 'curl',
  path: '/usr/bin/curl',
  *run(ctx: CmdContext): Co<number> {
    const parsed = parseArgs(ctx);
    if (parsed instanceof CurlExit) {
      if (parsed.msg === 'help') { ctx.stdout.write(`Usage: curl [options...] <url>\n -d, --data <data>   HTTP POST data\n -f, --fail          Fail silently (no output at all) on HTTP errors\n -h, --help <category> Get help for commands\n -i, --include       Include protocol response headers in the output\n -o, --output <file> Write to file instead of stdout\n -O, --remote-name   Write output to a file named as the remote file\n -s, --silent        Silent mode\n -T, --upload-file <file> Transfer local FILE to destination\n -u, --user <user:password> Server user and password\n -A, --user-agent <name> Send User-Agent <name> to server\n -v, --verbose       Make the operation more talkative\n -V, --version       Show version number and quit\n\nThis is not the full help, this menu is stripped into categories.\nUse "--help category" to get an overview of all categories.\nFor all options use the manual or "--help all".\n`); return 0; }
      if (parsed.code === 0) { ctx.stdout.write(VERSION); return 0; }
      ctx.stderr.write(parsed.msg + '\n');
      return parsed.code;
    }
    const o = parsed;
    if (o.urls.length === 0) {
      ctx.stderr.write("curl: try 'curl --help' or 'curl --manual' for more information\n");
      return 2;
    }
    const h = ctx.host.kernel;
    yield* waitSim(undefined, h.now + STARTUP);
    // curl's timers (-m, --connect-timeout, time_total) start with the transfer, after exec.
    const startedAt = h.now;
    let rc = 0;
    for (const raw of o.urls) {
      rc = yield* fetchOne(ctx, h, o, raw, startedAt);
    }
    return rc;
  },
};

function* fetchOne(ctx: CmdContext, h: Host, o: Opts, raw: string, startedAt: number): Co<number> {
  const err = (code: number, msg: string): number => {
    if (!o.silent || o.showError) ctx.stderr.write(`curl: (${code}) ${msg}\n`);
    return code;
  };
  const url = parseUrl(raw);
  if (url instanceof CurlExit) { if (!o.silent || o.showError) ctx.stderr.write(url.msg + '\n'); return url.code; }
  const verbose = (s: string) => { if (o.verbose) ctx.stderr.write(s); };
  const dst = resolveHost(ctx.fs, url.host);
  if (dst === null) return err(6, `Could not resolve host: ${url.host}`);

  // --interface: an address of this host, or a device name.
  let laddr: Ipv4Addr | undefined;
  let bindDev: string | undefined;
  if (o.iface !== null) {
    const a = resolveHost(ctx.fs, o.iface);
    if (a !== null && /^[\d.]+$/.test(o.iface)) {
      if (!h.isLocal(a)) return err(45, `bind failed with errno 99: Cannot assign requested address`);
      laddr = a;
    } else if (h.dev(o.iface)) bindDev = o.iface;
    else return err(45, `Couldn't bind to '${o.iface}'`);
  }

  // curl notices an expired timer at its next poll, a millisecond late ("after 2001 milliseconds").
  const deadline = o.maxTime > 0 ? startedAt + Math.round(o.maxTime * SEC) + MS : Infinity;
  const connectDeadline = Math.min(deadline, o.connectTimeout > 0 ? h.now + Math.round(o.connectTimeout * SEC) + MS : h.now + 300 * SEC);
  const elapsedMs = () => Math.round((h.now - startedAt) / MS);

  verbose(`*   Trying ${fmtIp(dst)}:${url.port}...\n`);
  const s = h.tcp.connect(dst, url.port, 'curl', { laddr, bindDev });
  if (typeof s === 'string') {
    return err(7, `Failed to connect to ${url.host} port ${url.port}: ${ERR_TEXT[s] ?? s}`);
  }
  const sock: TcpSocket = s;
  try {
    // Connect.
    yield* waitSim(() => sock.state !== 'SYN_SENT', connectDeadline === Infinity ? undefined : connectDeadline);
    if (sock.state === 'SYN_SENT') {
      sock.abort();
      if (h.now >= deadline && o.maxTime > 0) return err(28, `Connection timed out after ${elapsedMs()} milliseconds`);
      return err(28, `Connection timed out after ${elapsedMs()} milliseconds`);
    }
    if (sock.error || !sock.established) {
      const e = sock.error ?? 'ECONNREFUSED';
      if (e === 'ETIMEDOUT') return err(28, `Failed to connect to ${url.host} port ${url.port}: Connection timed out`);
      return err(7, `Failed to connect to ${url.host} port ${url.port}: ${ERR_TEXT[e] ?? e}`);
    }
    verbose(`* Connected to ${url.host} (${fmtIp(dst)}) port ${url.port} (#0)\n`);

    // TLS.
    const tls = url.scheme === 'https' ? tlsClientSession(h.rng.fork(`tls:${h.now}`), url.host) : null;
    let pending: Uint8Array[] = [];
    const readPlain = (): Uint8Array => {
      const b = sock.read();
      if (!tls) return b;
      const r = tls.receive(b);
      for (const out of r.send) sock.send(out);
      if (r.appData.length) pending.push(r.appData);
      const all = concat(pending);
      pending = [];
      return all;
    };
    if (tls) {
      verbose('* ALPN, offering h2\n* ALPN, offering http/1.1\n*  CAfile: /etc/pki/tls/certs/ca-bundle.crt\n* TLSv1.3 (OUT), TLS handshake, Client hello (1):\n');
      for (const rec of tls.hello()) sock.send(rec);
      yield* waitSim(() => tls.established || !sock.isOpen || sock.rxEof || sock.rxBytes > 0 && (readPlain(), tls.established), deadline === Infinity ? h.now + 60 * SEC : deadline);
      // Drain what arrived (server hello .. done) so the client's key exchange goes out.
      readPlain();
      yield* waitSim(() => tls.established || !sock.isOpen, deadline === Infinity ? h.now + 60 * SEC : deadline);
      readPlain();
      if (!tls.established) {
        if (h.now >= deadline) return err(28, `Operation timed out after ${elapsedMs()} milliseconds with 0 out of 0 bytes received`);
        return err(35, `OpenSSL SSL_connect: Connection reset by peer in connection to ${url.host}:${url.port} `);
      }
      verbose(`* TLSv1.2 (IN), TLS handshake, Server hello (2):\n* TLSv1.2 (IN), TLS handshake, Certificate (11):\n* TLSv1.2 (IN), TLS handshake, Server key exchange (12):\n* TLSv1.2 (IN), TLS handshake, Server finished (14):\n* TLSv1.2 (OUT), TLS handshake, Client key exchange (16):\n* TLSv1.2 (OUT), TLS change cipher, Change cipher spec (1):\n* TLSv1.2 (OUT), TLS handshake, Finished (20):\n* TLSv1.2 (IN), TLS handshake, Finished (20):\n* SSL connection using TLSv1.2 / ECDHE-RSA-AES256-GCM-SHA384\n* Server certificate:\n*  subject: C=US; O=Unspecified; CN=${tls.peerCN ?? url.host}\n*  start date: May 14 07:00:00 2024 GMT\n*  expire date: May 14 07:00:00 2025 GMT\n*  issuer: C=US; O=Unspecified; CN=${tls.peerCN ?? url.host}\n`);
      if (!o.insecure) {
        verbose('*  SSL certificate verify result: self-signed certificate in certificate chain (19), continuing anyway.\n');
        for (const rec of tls.closeNotify()) sock.send(rec);
        sock.close();
        const code = err(60, `SSL certificate problem: self-signed certificate in certificate chain`);
        if (!o.silent || o.showError) ctx.stderr.write('More details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the legitimacy of the server and therefore could not\nestablish a secure connection to it. To learn more about this situation and\nhow to fix it, please visit the web page mentioned above.\n');
        return code;
      }
      verbose('*  SSL certificate verify result: self-signed certificate in certificate chain (19), continuing anyway.\n');
    }

    // Request.
    const method = o.method ?? (o.head ? 'HEAD' : o.data !== null ? 'POST' : 'GET');
    const hostHdr = url.port === (url.scheme === 'https' ? 443 : 80) ? url.host : `${url.host}:${url.port}`;
    const headers: [string, string][] = [['Host', hostHdr], ['User-Agent', o.agent], ['Accept', '*/*']];
    for (const [k, v] of o.headers) {
      const i = headers.findIndex(([hk]) => hk.toLowerCase() === k.toLowerCase());
      if (i >= 0) headers[i] = [k, v]; else headers.push([k, v]);
    }
    if (o.data !== null) headers.push(['Content-Length', String(enc.encode(o.data).length)], ['Content-Type', 'application/x-www-form-urlencoded']);
    const reqText = buildHttpRequest(method, url.path, headers) + (o.data ?? '');
    verbose(reqText.split('\r\n').slice(0, -1).map((l) => `> ${l}\n`).join(''));
    const reqBytes = enc.encode(reqText);
    if (tls) for (const rec of tls.seal(reqBytes)) sock.send(rec); else sock.send(reqBytes);

    // Response.
    let buf: Uint8Array = new Uint8Array(0);
    let resp = null;
    for (;;) {
      const chunk = readPlain();
      if (chunk.length) buf = concat([buf, chunk]);
      resp = parseHttpResponse(buf, sock.rxEof || !sock.isOpen, method);
      if (resp) break;
      if (sock.error) break;
      if (sock.rxEof || !sock.isOpen) break;
      if (h.now >= deadline) break;
      yield* waitSim(() => sock.rxBytes > 0 || sock.rxEof || !sock.isOpen || !!sock.error, deadline === Infinity ? undefined : deadline);
    }
    if (!resp) {
      sock.abort();
      if (sock.error === 'ECONNRESET') return err(56, 'Recv failure: Connection reset by peer');
      if (h.now >= deadline) return err(28, `Operation timed out after ${elapsedMs()} milliseconds with ${buf.length} bytes received`);
      if (buf.length === 0) return err(52, 'Empty reply from server');
      return err(18, 'transfer closed with outstanding read data remaining');
    }
    if (o.verbose) {
      ctx.stderr.write('* Mark bundle as not supporting multiuse\n');
      ctx.stderr.write(`< ${resp.statusLine}\n` + resp.headers.map(([k, v]) => `< ${k}: ${v}\n`).join('') + '< \n');
    }
    if (o.fail && resp.status >= 400) {
      sock.close();
      return err(22, `The requested URL returned error: ${resp.status}`);
    }
    let out = '';
    if (o.include || o.head) out += `${resp.statusLine}\r\n` + resp.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
    if (method !== 'HEAD') out += dec.decode(resp.body);
    const target = o.output ?? (o.remoteName ? (url.path.split('/').pop() || '') : null);
    if (target !== null) {
      if (target === '') return err(23, 'Failed writing received data to disk/application');
      try { ctx.fs.writeFile(ctx.resolve(target), out); } catch { return err(23, 'Failure writing output to destination'); }
    } else {
      ctx.stdout.write(out);
    }
    if (!o.silent && (target !== null || !ctx.stdout.isTty)) {
      const n = resp.body.length;
      const speed = String(Math.round(n * 1000 / Math.max(1, elapsedMs()))).padStart(6);
      ctx.stderr.write('  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n');
      ctx.stderr.write(`\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r100 ${String(n).padStart(5)}  100 ${String(n).padStart(5)}    0     0 ${speed}      0 --:--:-- --:--:-- --:--:-- ${speed}\n`);
    }
    verbose(`* Connection #0 to host ${url.host} left intact\n`);
    if (o.writeOut !== null) {
      ctx.stdout.write(o.writeOut
        .replace(/%\{http_code\}|%\{response_code\}/g, String(resp.status))
        .replace(/%\{remote_ip\}/g, fmtIp(dst))
        .replace(/%\{remote_port\}/g, String(url.port))
        .replace(/%\{local_ip\}/g, fmtIp(sock.laddr))
        .replace(/%\{local_port\}/g, String(sock.lport))
        .replace(/%\{size_download\}/g, String(resp.body.length))
        .replace(/%\{time_total\}/g, ((h.now - startedAt) / SEC).toFixed(6))
        .replace(/%\{url_effective\}/g, url.text)
        .replace(/\\n/g, '\n'));
    }
    sock.close();
    // curl exits right after; the kernel finishes the FIN handshake on its own.
    return 0;
  } catch (e) {
    if (e instanceof ShellSignal) sock.abort();
    throw e;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] : concatBytes(parts);
}
