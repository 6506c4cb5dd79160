/**
 * /usr/sbin/keepalived and /usr/bin/genhash from the keepalived-2.2.8 package.
 *
 * - `keepalived -v|--version` prints the version banner (to stderr, as keepalived does);
 *   `keepalived -t|--config-test [-f FILE]` parses the configuration as the three processes
 *   would and prints their messages to stderr, exiting 0 (clean), 2 (errors) or 6 (no file).
 *   Run as a daemon from a shell it says it is already running when the unit is, and otherwise
 *   points at systemctl (the lab runs daemons as units only).
 * - `genhash -s SERVER -p PORT -u URL [-S] [-V VHOST] [-P 1.0|1.0c|1.1] [-t SECS]` fetches the
 *   URL as HTTP_GET does and prints the MD5 of the body, the digest to paste into
 *   keepalived.conf.
 */
import { KEEPALIVED_CONF, parseFor, validateCheck, validateVrrp, type HostInfo } from '../../core/keepalived/conf.ts';
import { KEEPALIVED_VERSION, keepalivedOf } from '../../core/keepalived/daemon.ts';
import { md5Hex } from '../../core/util/hash.ts';
import type { Host } from '../../core/net/host.ts';
import { parseHttpResponse } from '../../core/services/http1.ts';
import { tlsClientSession } from '../../core/services/tlsSession.ts';
import { KERNEL_RELEASE } from '../../core/services/systemd.ts';
import { SEC } from '../../core/sim/events.ts';
import { parseIpv4, type Ipv4Addr } from '../../core/wire/types.ts';
import { waitSim, type CmdContext, type Co, type Command } from '../types.ts';

const VERSION_TEXT = `${KEEPALIVED_VERSION}

Copyright(C) 2001-2023 Alexandre Cassen, <acassen@gmail.com>

Built with kernel headers for Linux 5.14.0
Running on Linux ${KERNEL_RELEASE} #1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024
Distro: Red Hat Enterprise Linux 9.4 (Plow)

configure options: --build=x86_64-redhat-linux-gnu --host=x86_64-redhat-linux-gnu --program-prefix= --disable-dependency-tracking --prefix=/usr --exec-prefix=/usr --bindir=/usr/bin --sbindir=/usr/sbin --sysconfdir=/etc --datadir=/usr/share --includedir=/usr/include --libdir=/usr/lib64 --libexecdir=/usr/libexec --localstatedir=/var --sharedstatedir=/var/lib --mandir=/usr/share/man --infodir=/usr/share/info --enable-bfd --enable-snmp --enable-snmp-rfc --enable-nftables --disable-iptables --enable-sha1 --enable-json --with-init=systemd build_alias=x86_64-redhat-linux-gnu host_alias=x86_64-redhat-linux-gnu

Config options:  NFTABLES LVS VRRP VRRP_AUTH VRRP_VMAC JSON BFD OLD_CHKSUM_COMPAT SNMP_V3_FOR_V2 SNMP_VRRP SNMP_CHECKER SNMP_RFCV2 SNMP_RFCV3 INIT=systemd

System options:  VSYSLOG MEMFD_CREATE IPV4_DEVCONF LIBNL3 RTA_ENCAP RTA_EXPIRES RTA_NEWDST RTA_PREF FRA_SUPPRESS_PREFIXLEN FRA_SUPPRESS_IFGROUP FRA_TUN_ID RTAX_CC_ALGO RTAX_QUICKACK RTEXT_FILTER_SKIP_STATS FRA_L3MDEV FRA_UID_RANGE RTAX_FASTOPEN_NO_COOKIE RTA_VIA FRA_PROTOCOL FRA_IP_PROTO FRA_SPORT_RANGE FRA_DPORT_RANGE RTA_TTL_PROPAGATE IFA_FLAGS LWTUNNEL_ENCAP_MPLS LWTUNNEL_ENCAP_ILA NET_LINUX_IF_H_COLLISION LIBIPVS_NETLINK IPVS_DEST_ATTR_ADDR_FAMILY IPVS_SYNCD_ATTRIBUTES IPVS_64BIT_STATS IPVS_TUN_TYPE IPVS_TUN_CSUM IPVS_TUN_GRE VRRP_IPVLAN IFLA_LINK_NETNSID GLOB_BRACE GLOB_ALTDIRFUNC INET6_ADDR_GEN_MODE VRF SO_MARK
`;

const USAGE = `Usage: keepalived [OPTION...]
  -f, --use-file=FILE          Use the specified configuration file
  -P, --vrrp                   Only run with VRRP subsystem
  -C, --check                  Only run with Health-checker subsystem
  -B, --no_bfd                 Don't run BFD subsystem
      --all                    Force all child processes to run, even if have no configuration
  -l, --log-console            Log messages to local console
  -D, --log-detail             Detailed log messages
  -S, --log-facility=[0-7]     Set syslog facility to LOG_LOCAL[0-7]
  -n, --dont-fork              Don't fork the daemon process
  -d, --dump-conf              Dump the configuration data
  -p, --pid=FILE               Use specified pidfile for parent process
  -r, --vrrp_pid=FILE          Use specified pidfile for VRRP child process
  -c, --checkers_pid=FILE      Use specified pidfile for checkers child process
  -t, --config-test[=LOG_FILE] Check the configuration for obvious errors, output to
                                 stderr by default
  -v, --version                Display the version number
  -h, --help                   Display this help message
`;

function hostInfo(h: Host): HostInfo {
  return {
    ifaceKind: (n) => h.dev(n)?.kind,
    userExists: (n) => { try { return h.fs.readFile('/etc/passwd').split('\n').some((l) => l.split(':')[0] === n); } catch { return false; } },
  };
}

function* keepalivedMain(ctx: CmdContext): Co<number> {
  const h = ctx.host.kernel;
  const argv = ctx.argv.slice(1);
  let file = KEEPALIVED_CONF;
  let test = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-v' || a === '--version') { ctx.stderr.write(VERSION_TEXT); return 0; }
    if (a === '-h' || a === '--help') { ctx.stderr.write(USAGE); return 0; }
    if (a === '-t' || a === '--config-test' || a.startsWith('--config-test=')) test = true;
    else if (a === '-f' || a === '--use-file') file = ctx.resolve(argv[++i] ?? '');
    else if (a.startsWith('--use-file=')) file = ctx.resolve(a.slice(11));
    else if (a.startsWith('-f') && a.length > 2) file = ctx.resolve(a.slice(2));
    else if (/^-[PCBlDndS]+$/.test(a) || /^--(vrrp|check|no_bfd|all|log-console|log-detail|dont-fork|dump-conf)$/.test(a)) continue;
    else if (a === '-S' || a === '-p' || a === '-r' || a === '-c') i++;
    else {
      ctx.stderr.write(`${ctx.argv[0]}: unrecognized option '${a}'\n${USAGE}`);
      return 1;
    }
  }
  if (!test) {
    if (keepalivedOf(h)) { ctx.stderr.write('daemon is already running\n'); return 0; }
    ctx.stderr.write('keepalived runs as a service in the lab: systemctl start keepalived\n');
    return 1;
  }
  let text: string;
  try { text = h.fs.readFile(file); } catch {
    ctx.stderr.write(`Unable to find configuration file ${file}\n`);
    return 6;
  }
  const info = hostInfo(h);
  const parent = parseFor('parent', h.fs, info, text, file);
  const out = [...parent.messages];
  let bad = parent.fatal;
  if (!bad) {
    const chk = parseFor('checker', h.fs, info, text, file, parent.globals);
    out.push(...chk.messages);
    if (!chk.fatal) { const n = chk.messages.length; validateCheck(chk, info); out.push(...chk.messages.slice(n)); } else bad = true;
    const vr = parseFor('vrrp', h.fs, info, text, file, parent.globals);
    out.push(...vr.messages);
    if (vr.nonExistentIface) { out.push('Non-existent interface specified in configuration'); bad = true; }
    else if (!vr.fatal) { const n = vr.messages.length; validateVrrp(vr); out.push(...vr.messages.slice(n)); if (vr.fatal) bad = true; } else bad = true;
  }
  // log_message() lines (not config errors) go to syslog, not to the config test's stderr.
  for (const m of out) if (!m.startsWith("Opening file '")) ctx.stderr.write(m + '\n');
  return bad || out.length ? 2 : 0;
}

export const keepalivedCommand: Command = {
  name: 'keepalived',
  pkg: 'keepalived',
  path: '/usr/sbin/keepalived',
  run: keepalivedMain,
};

const GENHASH_USAGE = `Usage: genhash COMMAND [OPTIONS]
Commands:
   -s server-address -p port -u url
   -S -s server-address -p port -u url
   -h

Options:
Either long or short options are allowed.
   --use-ssl         -S       Use SSL connection to remote server.
   --use-sni         -I       Use SNI during SSL handshake (uses virtualhost setting; see -V).
   --server          -s       Use the specified remote server address.
   --port            -p       Use the specified remote server port.
   --url             -u       Use the specified remote server url.
   --use-virtualhost -V       Use the specified virtualhost in GET query.
   --verbose         -v       Use verbose mode output.
   --help            -h       Display this short inlined help screen.
   --fwmark          -m       Use the specified FW mark.
   --protocol        -P       Use the specified HTTP protocol - '1.0', 1.0c', '1.1'.
                                1.0c means 1.0 with 'Connection: close'
   --timeout         -t       Timeout in seconds
`;

function* genhashMain(ctx: CmdContext): Co<number> {
  const h = ctx.host.kernel;
  const a = ctx.argv.slice(1);
  let server = '', port = -1, url = '', vhost: string | null = null, ssl = false, proto = '1.0', timeout = 5 * SEC, verbose = false;
  const longs: Record<string, string> = { '--server': '-s', '--port': '-p', '--url': '-u', '--use-virtualhost': '-V', '--use-ssl': '-S', '--protocol': '-P', '--timeout': '-t', '--help': '-h', '--verbose': '-v', '--use-sni': '-I', '--fwmark': '-m' };
  for (let i = 0; i < a.length; i++) {
    let o = a[i];
    let val: string | undefined;
    const eq = o.indexOf('=');
    if (o.startsWith('--') && eq > 0) { val = o.slice(eq + 1); o = o.slice(0, eq); }
    o = longs[o] ?? o;
    const need = () => {
      const v = val ?? a[++i];
      if (v === undefined) { ctx.stderr.write(`Missing parameter for option ${a[i - 1] ?? o}\n`); throw new Error('usage'); }
      return v;
    };
    try {
      switch (o) {
        case '-h': ctx.stderr.write(GENHASH_USAGE); return 1;
        case '-v': verbose = true; break;
        case '-S': ssl = true; break;
        case '-I': break;
        case '-s': server = need(); if (parseIpv4(server) === null) { ctx.stderr.write(`server should be an IP, not ${server}\n`); ctx.stderr.write(GENHASH_USAGE); return 1; } break;
        case '-p': { const v = need(); const n = /^\d+$/.test(v) ? Number(v) : NaN; if (!(n >= 1 && n <= 65535)) { ctx.stderr.write(`invalid port number '${v}'\n`); ctx.stderr.write(GENHASH_USAGE); return 1; } port = n; break; }
        case '-u': url = need(); break;
        case '-V': vhost = need(); break;
        case '-m': need(); break;
        case '-P': { const v = need(); if (!['1.0', '1.0c', '1.0C', '1.1'].includes(v)) { ctx.stderr.write(`invalid HTTP protocol version '${v}'\n`); ctx.stderr.write(GENHASH_USAGE); return 1; } proto = v; break; }
        case '-t': { const v = need(); const n = Number(v); if (!(n > 0)) { ctx.stderr.write(`invalid timeout '${v}'\n`); ctx.stderr.write(GENHASH_USAGE); return 1; } timeout = n * SEC; break; }
        default: ctx.stderr.write(`Unknown option ${a[i]}\n`); ctx.stderr.write(GENHASH_USAGE); return 1;
      }
    } catch { ctx.stderr.write(GENHASH_USAGE); return 1; }
  }
  if (!server || port < 0 || !url) { ctx.stderr.write(GENHASH_USAGE); return 1; }
  const addr = parseIpv4(server)! as Ipv4Addr;
  const s = h.tcp.connect(addr, port, 'genhash');
  if (typeof s === 'string') { ctx.stderr.write('no data received from remote webserver\n'); return 0; }
  yield* waitSim(() => s.state !== 'SYN_SENT', h.now + timeout);
  if (!s.established) { s.abort(); ctx.stderr.write('no data received from remote webserver\n'); return 0; }
  const minor = proto === '1.1' ? 1 : 0;
  const close = proto === '1.0' ? '' : 'Connection: close\r\n';
  const req = new TextEncoder().encode(`GET ${url} HTTP/1.${minor}\r\nUser-Agent: KeepAliveClient\r\n${close}Host: ${vhost ?? `${server}:${port}`}\r\n\r\n`);
  let rx = new Uint8Array(0);
  const add = (b: Uint8Array) => { const n = new Uint8Array(rx.length + b.length); n.set(rx); n.set(b, rx.length); rx = n; };
  const tls = ssl ? tlsClientSession(h.rng.fork(`genhash:${h.now}`), vhost ?? server) : null;
  if (tls) for (const r of tls.hello()) s.send(r); else s.send(req);
  let sent = !tls;
  const pump = (): boolean => {
    const b = s.read();
    if (tls && b.length) {
      const r = tls.receive(b);
      for (const o of r.send) s.send(o);
      if (r.appData.length) add(r.appData);
      if (tls.established && !sent) { sent = true; for (const rec of tls.seal(req)) s.send(rec); }
    } else if (b.length) add(b);
    return parseHttpResponse(rx, false) !== null || s.rxEof || !s.isOpen;
  };
  yield* waitSim(pump, h.now + timeout);
  pump();
  s.close();
  const resp = parseHttpResponse(rx, true);
  if (!resp || !rx.length) { ctx.stderr.write('no data received from remote webserver\n'); return 0; }
  if (verbose) {
    ctx.stdout.write(`${new TextDecoder().decode(rx.subarray(0, rx.length - resp.body.length))}\n`);
  }
  ctx.stdout.write(`${md5Hex(resp.body)}\n`);
  return 0;
}

export const genhashCommand: Command = {
  name: 'genhash',
  pkg: 'keepalived',
  path: '/usr/bin/genhash',
  run: genhashMain,
};

export const keepalivedCommands: Command[] = [keepalivedCommand, genhashCommand];
