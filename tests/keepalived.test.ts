/**
 * keepalived in the dr and ha presets, end to end: the shell installs and configures it,
 * the checks are real TCP/HTTP exchanges, VRRP adverts and gratuitous ARPs are real frames,
 * and the IPVS sync daemon carries connections to the backup director.
 *
 * The "Done when" of the issue: stopping httpd on RS1 removes it from `ipvsadm -Ln` within
 * delay_loop × (retry + 1) virtual seconds and every curl then reaches RS2; starting it puts
 * it back; with inhibit_on_failure its weight goes to 0 instead; killing the master director
 * (power off, `systemctl stop keepalived`, pulling its cable) moves the VIP to lvs2 within
 * 3 × advert_int + skew; the capture shows the gratuitous ARPs; and a connection established
 * before the failover completes after it when the sync daemon runs, and breaks when it does not.
 *
 * The long-lived connection: curl cannot be slowed down in the lab (its --limit-rate is
 * accepted and ignored, and the lab's links have no bandwidth limit, so even a large
 * download finishes in milliseconds of virtual time). Instead each real server runs a
 * "trickle" service on port 8080 — a socket that sends one 100-byte chunk every 500 ms for
 * 30 s — and the client holds one TCP connection to VIP:8080 through the failover. In DR the
 * chunks go straight to the client, but every ACK the client sends crosses the director: after
 * the failover those ACKs reach lvs2, whose IPVS either knows the connection (sync daemon)
 * and forwards them to the same real server, or does not and lets them through to its own
 * TCP stack, which answers with a RST — the client's connection dies.
 */
import { describe, expect, it } from 'vitest';
import { powerOffMachine } from '../src/core/lab/power.ts';
import { keepalivedOf } from '../src/core/keepalived/daemon.ts';
import type { Lab } from '../src/core/lab/lab.ts';
import type { Host } from '../src/core/net/host.ts';
import type { TcpSocket } from '../src/core/net/tcp.ts';
import { MS, SEC } from '../src/core/sim/events.ts';
import { parseFrame } from '../src/core/wire/frame.ts';
import { ArpOp, fmtMac, ip, type EthernetRepr } from '../src/core/wire/types.ts';
import { LabSession } from '../src/shell/session.ts';

const VIP = '192.168.137.254';

class Lab1 {
  readonly out = new Map<string, string>();
  readonly s: LabSession;
  constructor(preset: 'dr' | 'ha') {
    this.s = LabSession.fromPreset(preset, { output: (h, d) => this.out.set(h, (this.out.get(h) ?? '') + d), prompt: () => {} });
  }
  get lab(): Lab { return this.s.lab; }
  host(n: string): Host { return this.lab.host(n)!; }
  /** Run a command line, return what it printed. */
  sh(host: string, line: string): string {
    this.out.set(host, '');
    this.s.runLine(host, line);
    this.s.settle();
    return this.out.get(host) ?? '';
  }
  /** Let `sec` virtual seconds pass (no shell command running). */
  wait(sec: number): void { this.lab.runUntil(undefined, this.lab.now + Math.round(sec * SEC)); }
  journal(host: string, ident?: string): string[] {
    return this.host(host).sd.journal.filter((e) => e.unit === 'keepalived.service' && (!ident || e.ident === ident)).map((e) => e.msg);
  }
  frames(from = 1): { no: number; t: number; seg: string; f: EthernetRepr }[] {
    return [...this.lab.capture.range(from)].filter((r) => r.segment >= 0).map((r) => ({ no: r.no, t: r.time, seg: this.lab.segmentById(r.segment)!.name, f: parseFrame(r.bytes) }));
  }
}

function rsSetup(l: Lab1): void {
  for (const rs of ['RS1', 'RS2']) {
    l.sh(rs, `ip addr add ${VIP}/32 dev lo`);
    l.sh(rs, 'sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2');
  }
}

function vsBlock(o: { inhibit?: boolean; port?: number; check?: string } = {}): string {
  const port = o.port ?? 80;
  const check = o.check ?? 'TCP_CHECK {\n            connect_timeout 1\n        }';
  const rs = (a: string) => `    real_server ${a} ${port} {\n        weight 1\n        ${check}\n    }\n`;
  return `virtual_server ${VIP} ${port} {\n    delay_loop 3\n    lb_algo rr\n    lb_kind DR\n    protocol TCP\n${o.inhibit ? '    inhibit_on_failure\n' : ''}`
    + rs('192.168.137.130') + rs('192.168.137.200') + '}\n';
}

function vrrpBlock(state: string, prio: number): string {
  return `vrrp_instance VI_1 {\n    state ${state}\n    interface eth0\n    virtual_router_id 51\n    priority ${prio}\n    advert_int 1\n`
    + '    authentication {\n        auth_type PASS\n        auth_pass 1111\n    }\n'
    + `    virtual_ipaddress {\n        ${VIP}\n    }\n}\n`;
}

function writeConf(l: Lab1, host: string, text: string): void {
  l.host(host).fs.writeFile('/etc/keepalived/keepalived.conf', text);
}

function drLab(o: { inhibit?: boolean } = {}): Lab1 {
  const l = new Lab1('dr');
  l.sh('lvs', 'dnf install keepalived ipvsadm -y');
  l.sh('lvs', `ip addr add ${VIP}/32 dev eth0`);
  rsSetup(l);
  writeConf(l, 'lvs', vsBlock(o));
  l.sh('lvs', 'systemctl start keepalived');
  l.wait(5);
  return l;
}

const rows = (listing: string) => listing.split('\n').filter((x) => x.startsWith('  -> ') && !x.includes('RemoteAddress')).map((x) => x.trim().split(/\s+/).slice(1, 4).join(' '));

describe('keepalived healthchecker (dr)', () => {
  it('starts with both real servers in IPVS and logs the spec startup lines', () => {
    const l = drLab();
    expect(rows(l.sh('lvs', 'ipvsadm -Ln'))).toEqual(['192.168.137.130:80 Route 1', '192.168.137.200:80 Route 1']);
    const j = l.journal('lvs', 'Keepalived_healthcheckers');
    expect(j.slice(0, 4)).toEqual([
      'Initializing ipvs',
      'Gained quorum 1+0=1 <= 2 for VS [192.168.137.254]:tcp:80',
      'Activating healthchecker for service [192.168.137.130]:tcp:80 for VS [192.168.137.254]:tcp:80',
      'Activating healthchecker for service [192.168.137.200]:tcp:80 for VS [192.168.137.254]:tcp:80',
    ]);
    expect(j).toContain('TCP connection to [192.168.137.130]:tcp:80 success.');
    expect(j).toContain('TCP connection to [192.168.137.200]:tcp:80 success.');
    // The probes come from the director's own address, straight to the real server.
    const syn = l.frames().find((x) => x.f.payload.kind === 'ipv4' && x.f.payload.payload.kind === 'tcp' && x.f.payload.payload.dstPort === 80 && x.f.payload.dst === ip('192.168.137.130'));
    expect(syn && syn.f.payload.kind === 'ipv4' ? syn.f.payload.src : 0).toBe(ip('192.168.137.100'));
  });

  it('httpd stopped on RS1: removed within delay_loop × (retry + 1), curls reach RS2, back when httpd starts', () => {
    const l = drLab();
    const t0 = l.lab.now;
    l.sh('RS1', 'systemctl stop httpd');
    let removedAt = -1;
    while (l.lab.now - t0 < 10 * SEC) {
      l.wait(0.1);
      if (!l.sh('lvs', 'ipvsadm -Ln').includes('192.168.137.130')) { removedAt = l.lab.now; break; }
    }
    expect(removedAt).toBeGreaterThan(0);
    expect(removedAt - t0).toBeLessThanOrEqual(3 * (1 + 1) * SEC + 100 * MS);
    expect(l.journal('lvs', 'Keepalived_healthcheckers').slice(-2)).toEqual([
      'TCP_CHECK on service [192.168.137.130]:tcp:80 failed after 1 retries.',
      'Removing service [192.168.137.130]:tcp:80 from VS [192.168.137.254]:tcp:80',
    ]);
    const out = l.sh('client', `for i in 1 2 3 4 5 6; do curl -s ${VIP}; done`);
    expect(out.trim().split('\n')).toEqual(Array(6).fill('RS2 - 192.168.137.200'));
    l.sh('RS1', 'systemctl start httpd');
    l.wait(3.5);
    expect(rows(l.sh('lvs', 'ipvsadm -Ln'))).toContain('192.168.137.130:80 Route 1');
    expect(l.journal('lvs', 'Keepalived_healthcheckers').slice(-2)).toEqual([
      'TCP connection to [192.168.137.130]:tcp:80 success.',
      'Adding service [192.168.137.130]:tcp:80 to VS [192.168.137.254]:tcp:80',
    ]);
  });

  it('inhibit_on_failure: weight 0 instead of removal, then weight 1 again', () => {
    const l = drLab({ inhibit: true });
    l.sh('RS1', 'systemctl stop httpd');
    l.wait(7);
    expect(rows(l.sh('lvs', 'ipvsadm -Ln'))).toEqual(['192.168.137.130:80 Route 0', '192.168.137.200:80 Route 1']);
    expect(l.journal('lvs').slice(-1)).toEqual(['Disabling service [192.168.137.130]:tcp:80 of VS [192.168.137.254]:tcp:80']);
    l.sh('RS1', 'systemctl start httpd');
    l.wait(3.5);
    expect(rows(l.sh('lvs', 'ipvsadm -Ln'))).toEqual(['192.168.137.130:80 Route 1', '192.168.137.200:80 Route 1']);
    expect(l.journal('lvs').slice(-1)).toEqual(['Enabling service [192.168.137.130]:tcp:80 of VS [192.168.137.254]:tcp:80']);
  });

  it('a real server powered off or unplugged is removed (connect timeout) and comes back', () => {
    const l = drLab();
    powerOffMachine(l.host('RS1'), { graceful: false });
    l.host('RS2').setPlugged('eth0', false);
    l.wait(9);
    expect(rows(l.sh('lvs', 'ipvsadm -Ln'))).toEqual([]);
    const j = l.journal('lvs', 'Keepalived_healthcheckers');
    expect(j).toContain('Removing service [192.168.137.130]:tcp:80 from VS [192.168.137.254]:tcp:80');
    expect(j).toContain('Removing service [192.168.137.200]:tcp:80 from VS [192.168.137.254]:tcp:80');
    expect(j).toContain('Lost quorum 1-0=1 > 0 for VS [192.168.137.254]:tcp:80');
    l.host('RS2').setPlugged('eth0', true);
    l.wait(8);
    expect(rows(l.sh('lvs', 'ipvsadm -Ln'))).toEqual(['192.168.137.200:80 Route 1']);
    expect(l.journal('lvs').slice(-1)).toEqual(['Gained quorum 1+0=1 <= 1 for VS [192.168.137.254]:tcp:80']);
  });

  it('HTTP_GET with a digest: a changed page takes the server out after the retries 3 s apart', () => {
    const l = new Lab1('dr');
    l.sh('lvs', 'dnf install keepalived ipvsadm -y');
    l.sh('lvs', `ip addr add ${VIP}/32 dev eth0`);
    rsSetup(l);
    const d1 = l.sh('lvs', 'genhash -s 192.168.137.130 -p 80 -u /').trim().split(/\s+/).pop()!;
    expect(d1).toMatch(/^[0-9a-f]{32}$/);
    const check = `HTTP_GET {\n            url {\n                path /\n                digest ${d1}\n            }\n            connect_timeout 1\n        }`;
    writeConf(l, 'lvs', vsBlock({ check }).replace('real_server 192.168.137.200 80 {\n        weight 1\n        ' + check, 'real_server 192.168.137.200 80 {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 1\n        }'));
    l.sh('lvs', 'systemctl start keepalived');
    l.wait(5);
    expect(l.journal('lvs', 'Keepalived_healthcheckers')).toContain('Remote Web server [192.168.137.130]:tcp:80 succeed on service.');
    l.host('RS1').fs.writeFile('/var/www/html/index.html', 'maintenance\n');
    l.wait(10);
    const j = l.journal('lvs', 'Keepalived_healthcheckers');
    expect(j).toContain('HTTP_CHECK on service [192.168.137.130]:tcp:80 failed after 1 retries.');
    expect(rows(l.sh('lvs', 'ipvsadm -Ln'))).toEqual(['192.168.137.200:80 Route 1']);
    // The GET is a real request on the wire.
    const get = l.frames().find((x) => x.f.payload.kind === 'ipv4' && x.f.payload.payload.kind === 'tcp' && x.f.payload.payload.payload.length > 0
      && new TextDecoder().decode(x.f.payload.payload.payload).startsWith('GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 192.168.137.130:80\r\n'));
    expect(get).toBeDefined();
  });

  it('exposes checker state per real server', () => {
    const l = drLab();
    l.sh('RS1', 'systemctl stop httpd');
    l.wait(7);
    const st = keepalivedOf(l.host('lvs'))!.status();
    const rs = st.virtualServers[0].realServers;
    expect(rs.map((r) => [r.addr, r.alive, r.inIpvs])).toEqual([['192.168.137.130:80', false, false], ['192.168.137.200:80', true, true]]);
    expect(rs[0].checkers[0]).toMatchObject({ kind: 'TCP_CHECK', up: false, last: 'connection refused' });
  });
});

// ---- VRRP ---------------------------------------------------------------------------------------

function haLab(o: { sync?: boolean; trickle?: boolean } = {}): Lab1 {
  const l = new Lab1('ha');
  for (const h of ['lvs', 'lvs2']) l.sh(h, 'dnf install keepalived ipvsadm -y');
  rsSetup(l);
  if (o.trickle) { trickle(l.host('RS1')); trickle(l.host('RS2')); }
  const g = o.sync ? 'global_defs {\n    lvs_sync_daemon eth0 VI_1\n}\n' : '';
  const vs = vsBlock() + (o.trickle ? vsBlock({ port: 8080 }) : '');
  writeConf(l, 'lvs', g + vrrpBlock('MASTER', 100) + vs);
  writeConf(l, 'lvs2', g + vrrpBlock('BACKUP', 90) + vs);
  l.sh('lvs', 'systemctl start keepalived');
  l.sh('lvs2', 'systemctl start keepalived');
  l.wait(6);
  return l;
}

const hasVip = (h: Host) => [...h.devs.values()].some((d) => d.addrs.some((a) => a.addr === ip(VIP)));

/** The virtual time at which `h` gets the VIP (polling every ms), or -1. */
function vipMovesAt(l: Lab1, h: Host, within: number): number {
  const end = l.lab.now + within;
  while (l.lab.now < end) {
    if (hasVip(h)) return l.lab.now;
    l.lab.runUntil(undefined, l.lab.now + MS);
  }
  return hasVip(h) ? l.lab.now : -1;
}

describe('keepalived VRRP (ha)', () => {
  it('lvs becomes MASTER with the VIP, lvs2 stays BACKUP; adverts and GARPs are on the wire', () => {
    const l = haLab();
    l.wait(4);
    expect(hasVip(l.host('lvs'))).toBe(true);
    expect(hasVip(l.host('lvs2'))).toBe(false);
    expect(keepalivedOf(l.host('lvs'))!.status().vrrp[0]).toMatchObject({ name: 'VI_1', state: 'MASTER', priority: 100, vipsSet: true });
    expect(keepalivedOf(l.host('lvs2'))!.status().vrrp[0]).toMatchObject({ state: 'BACKUP', master: '192.168.137.100', masterPriority: 100 });
    const lvsMac = l.host('lvs').dev('eth0')!.mac;
    const fr = l.frames();
    const adv = fr.filter((x) => x.f.payload.kind === 'ipv4' && x.f.payload.payload.kind === 'vrrp');
    expect(adv.length).toBeGreaterThan(2);
    const a0 = adv[0].f;
    expect(fmtMac(a0.dst)).toBe('01:00:5e:00:00:12');
    expect(a0.src).toBe(lvsMac);
    if (a0.payload.kind !== 'ipv4' || a0.payload.payload.kind !== 'vrrp') throw new Error('not vrrp');
    expect(a0.payload).toMatchObject({ ttl: 255, tos: 0xc0, src: ip('192.168.137.100'), dst: ip('224.0.0.18') });
    expect(a0.payload.payload).toMatchObject({ version: 2, type: 1, vrid: 51, priority: 100, authType: 1, advInt: 1, addrs: [ip(VIP)] });
    // Adverts every second.
    expect(adv[2].t - adv[1].t).toBe(SEC);
    // 5 gratuitous ARPs at once, 5 more 5 s later, from lvs's MAC.
    const garps = fr.filter((x) => x.f.payload.kind === 'arp' && x.f.payload.spa === ip(VIP) && x.f.payload.tpa === ip(VIP) && x.f.payload.op === ArpOp.Request);
    expect(garps.length).toBe(10);
    expect(garps.every((g) => g.f.src === lvsMac)).toBe(true);
    expect(garps[5].t - garps[0].t).toBe(5 * SEC);
  });

  for (const how of ['power off', 'cable pulled'] as const) {
    it(`master ${how}: VIP on lvs2 within 3 × advert_int + skew, GARP from lvs2, clients follow`, () => {
      const l = haLab();
      l.sh('client', `curl -s ${VIP}`);
      const lvs2 = l.host('lvs2');
      const t0 = l.lab.now;
      const first = l.lab.capture.total + 1;
      if (how === 'power off') powerOffMachine(l.host('lvs'), { graceful: false });
      else l.host('lvs').setPlugged('eth0', false);
      const at = vipMovesAt(l, lvs2, 6 * SEC);
      expect(at).toBeGreaterThan(0);
      // The last advert was sent up to 1 s before t0; takeover 3 s + (256-90)/256 s after it.
      expect(at - t0).toBeLessThanOrEqual(3 * SEC + Math.floor(166 * SEC / 256) + 2 * MS);
      expect(at - t0).toBeGreaterThan(2 * SEC);
      const garp = l.frames(first).find((x) => x.f.payload.kind === 'arp' && x.f.payload.spa === ip(VIP));
      expect(garp?.f.src).toBe(lvs2.dev('eth0')!.mac);
      l.wait(0.5);
      // The router (the clients' next hop for the VIP) learnt lvs2's MAC from the GARP.
      expect(l.sh('route', `ip neigh show ${VIP}`)).toContain(fmtMac(lvs2.dev('eth0')!.mac));
      expect(l.sh('client', `curl -s ${VIP}`).trim()).toMatch(/^RS[12] - /);
      expect(l.journal('lvs2', 'Keepalived_vrrp').slice(-9, -6)).toEqual(['(VI_1) Receive advertisement timeout', '(VI_1) Entering MASTER STATE', '(VI_1) setting VIPs.']);
      if (how === 'cable pulled') {
        expect(l.journal('lvs', 'Keepalived_vrrp')).toContain('Netlink reports eth0 down');
        expect(l.journal('lvs', 'Keepalived_vrrp')).toContain('(VI_1) Entering FAULT STATE');
        expect(hasVip(l.host('lvs'))).toBe(false);
        // Replugged: lvs re-enters BACKUP, ignores the lower priority and takes the VIP back.
        l.host('lvs').setPlugged('eth0', true);
        const back = vipMovesAt(l, l.host('lvs'), 6 * SEC);
        expect(back).toBeGreaterThan(0);
        l.wait(0.1);
        expect(hasVip(lvs2)).toBe(false);
        expect(l.journal('lvs2', 'Keepalived_vrrp')).toContain('(VI_1) Master received advert from 192.168.137.100 with higher priority 100, ours 90');
      }
    });
  }

  it('systemctl stop keepalived on the master: priority 0 advert, lvs2 takes over after Skew_Time', () => {
    const l = haLab();
    const t0 = l.lab.now;
    l.sh('lvs', 'systemctl stop keepalived');
    expect(hasVip(l.host('lvs'))).toBe(false);
    const at = vipMovesAt(l, l.host('lvs2'), 3 * SEC);
    expect(at - t0).toBeLessThan(Math.floor(166 * SEC / 256) + 20 * MS);
    expect(l.journal('lvs', 'Keepalived_vrrp')).toEqual(expect.arrayContaining(['(VI_1) sent 0 priority', '(VI_1) removing VIPs.']));
    expect(l.journal('lvs2', 'Keepalived_vrrp')).toContain('(VI_1) Backup received priority 0 advertisement');
  });
});

// ---- connection sync ---------------------------------------------------------------------------------

/** The trickle service: 100 bytes every 500 ms for 30 s on port 8080. */
function trickle(h: Host): void {
  h.tcp.listen(0, 8080, 'trickle', (s) => {
    let n = 0;
    const tick = () => {
      if (!s.isOpen || !s.established) return;
      if (n++ >= 60) { s.close(); return; }
      s.send(new Uint8Array(100).fill(65));
      h.net.q.after(500 * MS, tick);
    };
    tick();
  });
}

function longConnection(l: Lab1): { sock: TcpSocket; got: () => number; err: () => string | null } {
  const c = l.host('client');
  const s = c.tcp.connect(ip(VIP), 8080, 'test');
  if (typeof s === 'string') throw new Error(s);
  let got = 0;
  let err: string | null = null;
  s.onData = () => { got += s.read().length; };
  s.onError = (e) => { err = e; };
  return { sock: s, got: () => got, err: () => err };
}

describe('IPVS connection sync across a failover (ha)', () => {
  for (const sync of [true, false]) {
    it(`a connection established before the master dies ${sync ? 'completes after it (lvs_sync_daemon)' : 'breaks without the sync daemon'}`, () => {
      const l = haLab({ sync, trickle: true });
      const conn = longConnection(l);
      l.wait(6);
      expect(conn.got()).toBeGreaterThanOrEqual(1100);
      const backupConns = l.sh('lvs2', 'ipvsadm -Lnc');
      if (sync) expect(backupConns).toMatch(/TCP \d\d:\d\d {2}ESTABLISHED 192\.168\.1\.111:\d+ 192\.168\.137\.254:8080 192\.168\.137\.(130|200):8080/);
      else expect(backupConns).not.toContain(':8080');
      powerOffMachine(l.host('lvs'), { graceful: false });
      l.wait(30);
      if (sync) {
        expect(conn.err()).toBeNull();
        expect(conn.got()).toBe(6000);
        expect(conn.sock.rxEof).toBe(true);
      } else {
        expect(conn.err()).toBe('ECONNRESET');
        expect(conn.got()).toBeLessThan(6000);
      }
    });
  }

  it('ipvsadm --start-daemon master/backup: the backup lists the master\'s connections', () => {
    const l = new Lab1('ha');
    for (const h of ['lvs', 'lvs2']) {
      l.sh(h, 'dnf install ipvsadm -y');
      l.sh(h, `ipvsadm -A -t ${VIP}:80 -s rr`);
      l.sh(h, `ipvsadm -a -t ${VIP}:80 -r 192.168.137.130 -g`);
      l.sh(h, `ipvsadm -a -t ${VIP}:80 -r 192.168.137.200 -g`);
    }
    l.sh('lvs', `ip addr add ${VIP}/32 dev eth0`);
    rsSetup(l);
    l.sh('lvs', 'ipvsadm --start-daemon master --mcast-interface eth0 --syncid 7');
    l.sh('lvs2', 'ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 7');
    l.sh('client', `curl -s ${VIP}`);
    l.sh('client', `curl -s ${VIP}`);
    l.wait(3);
    const m = l.sh('lvs', 'ipvsadm -Lnc').split('\n').slice(2).filter(Boolean).map((x) => x.split(/\s+/).slice(3).join(' ')).sort();
    const b = l.sh('lvs2', 'ipvsadm -Lnc').split('\n').slice(2).filter(Boolean).map((x) => x.split(/\s+/).slice(3).join(' ')).sort();
    expect(m.length).toBe(2);
    expect(b).toEqual(m);
    expect(l.sh('lvs2', 'ipvsadm -Ln')).toContain('Route   1      0          1');
    // The messages are real UDP datagrams to 224.0.0.81:8848 with TTL 1 from lvs.
    const u = l.frames().filter((x) => x.f.payload.kind === 'ipv4' && x.f.payload.payload.kind === 'udp' && x.f.payload.payload.dstPort === 8848);
    expect(u.length).toBeGreaterThan(0);
    const ipr = u[0].f.payload;
    if (ipr.kind !== 'ipv4' || ipr.payload.kind !== 'udp') throw new Error('not udp');
    expect(ipr).toMatchObject({ src: ip('192.168.137.100'), dst: ip('224.0.0.81'), ttl: 1 });
    expect(fmtMac(u[0].f.dst)).toBe('01:00:5e:00:00:51');
    expect([...ipr.payload.payload.subarray(0, 8)]).toEqual([0, 7, 0, 8 + 36 * ipr.payload.payload[4], ipr.payload.payload[4], 1, 0, 0]);
    // Another syncid is ignored.
    const l2 = l.host('lvs2');
    const before = l.sh('lvs2', 'ipvsadm -Lnc');
    l.sh('lvs2', 'ipvsadm --stop-daemon backup');
    l.sh('lvs2', 'ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 8');
    l.sh('client', `curl -s ${VIP}`);
    l.wait(3);
    expect(l.sh('lvs2', 'ipvsadm -Lnc').split('\n').length).toBe(before.split('\n').length);
    void l2;
  });
});

// ---- more of the grammar at run time -------------------------------------------------------------

describe('keepalived features', () => {
  it('MISC_CHECK: a script on the director decides; exit status and retry in the log line', () => {
    const l = new Lab1('dr');
    l.sh('lvs', 'dnf install keepalived ipvsadm -y');
    rsSetup(l);
    l.host('lvs').fs.writeFile('/usr/local/bin/chk.sh', '#!/bin/bash\ncurl -s -f -o /dev/null -m 2 http://$1/ || exit 1\nexit 0\n');
    l.sh('lvs', 'chmod +x /usr/local/bin/chk.sh');
    const check = (a: string) => `MISC_CHECK {\n            misc_path "/usr/local/bin/chk.sh ${a}"\n        }`;
    writeConf(l, 'lvs', vsBlock({ check: check('192.168.137.130') }).replace(check('192.168.137.130'), check('192.168.137.130')).replace(/(real_server 192\.168\.137\.200 80 \{\n {8}weight 1\n {8})MISC_CHECK \{\n.*\n {8}\}/, `$1${check('192.168.137.200')}`));
    l.sh('lvs', 'systemctl start keepalived');
    l.wait(5);
    const j = l.journal('lvs', 'Keepalived_healthcheckers');
    expect(j).toContain("Script user 'keepalived_script' does not exist");
    expect(j).toContain('SECURITY VIOLATION - check scripts are being executed but script_security not enabled.');
    expect(j).toContain('Misc check for [[192.168.137.130]:tcp:80 VS [192.168.137.254]:tcp:80] by [/usr/local/bin/chk.sh] succeeded.');
    l.sh('RS1', 'systemctl stop httpd');
    l.wait(4);
    expect(l.journal('lvs').slice(-2)).toEqual([
      'Misc check for [[192.168.137.130]:tcp:80 VS [192.168.137.254]:tcp:80] by [/usr/local/bin/chk.sh] failed with retry disabled (exited with status 1).',
      'Removing service [192.168.137.130]:tcp:80 from VS [192.168.137.254]:tcp:80',
    ]);
  });

  it('quorum and sorry_server: all real servers down → sorry server in, back out when one returns', () => {
    const l = new Lab1('dr');
    l.sh('lvs', 'dnf install keepalived ipvsadm -y');
    rsSetup(l);
    writeConf(l, 'lvs', vsBlock().replace('    protocol TCP\n', '    protocol TCP\n    sorry_server 192.168.137.140 80\n'));
    l.sh('lvs', 'systemctl start keepalived');
    l.wait(5);
    l.sh('RS1', 'systemctl stop httpd');
    l.sh('RS2', 'systemctl stop httpd');
    l.wait(8);
    expect(rows(l.sh('lvs', 'ipvsadm -Ln'))).toEqual(['192.168.137.140:80 Route 1']);
    const j = l.journal('lvs', 'Keepalived_healthcheckers');
    expect(j).toContain('Lost quorum 1-0=1 > 0 for VS [192.168.137.254]:tcp:80');
    expect(j).toContain('Adding sorry server [192.168.137.140]:tcp:80 to VS [192.168.137.254]:tcp:80');
    expect(j).toContain('Removing alive servers from the pool for VS [192.168.137.254]:tcp:80');
    l.sh('RS2', 'systemctl start httpd');
    l.wait(4);
    expect(rows(l.sh('lvs', 'ipvsadm -Ln'))).toEqual(['192.168.137.200:80 Route 1']);
    expect(l.journal('lvs').slice(-4)).toEqual([
      'Adding service [192.168.137.200]:tcp:80 to VS [192.168.137.254]:tcp:80',
      'Gained quorum 1+0=1 <= 1 for VS [192.168.137.254]:tcp:80',
      'Removing sorry server [192.168.137.140]:tcp:80 from VS [192.168.137.254]:tcp:80',
      'Adding alive servers to the pool for VS [192.168.137.254]:tcp:80',
    ]);
    expect(l.journal('lvs', 'Keepalived_healthcheckers')).toContain('Adding alive servers to the pool for VS [192.168.137.254]:tcp:80');
  });

  it('alpha: real servers join only after their first successful check', () => {
    const l = new Lab1('dr');
    l.sh('lvs', 'dnf install keepalived ipvsadm -y');
    rsSetup(l);
    writeConf(l, 'lvs', vsBlock().replace('    protocol TCP\n', '    protocol TCP\n    alpha\n'));
    l.sh('lvs', 'systemctl start keepalived');
    l.s.settle(50_000);
    expect(rows(l.sh('lvs', 'ipvsadm -Ln'))).toEqual([]);
    l.wait(5);
    expect(rows(l.sh('lvs', 'ipvsadm -Ln'))).toEqual(['192.168.137.130:80 Route 1', '192.168.137.200:80 Route 1']);
    expect(l.journal('lvs', 'Keepalived_healthcheckers')).toContain('Adding service [192.168.137.130]:tcp:80 to VS [192.168.137.254]:tcp:80');
  });

  it('SSL_GET over the lab TLS to httpd with mod_ssl', () => {
    const l = new Lab1('dr');
    l.sh('lvs', 'dnf install keepalived ipvsadm -y');
    rsSetup(l);
    for (const rs of ['RS1', 'RS2']) { l.sh(rs, 'dnf install mod_ssl -y'); l.sh(rs, 'systemctl restart httpd'); }
    const check = 'SSL_GET {\n            url {\n                path /\n            }\n            connect_timeout 2\n        }';
    writeConf(l, 'lvs', vsBlock({ port: 443, check }));
    l.sh('lvs', 'systemctl start keepalived');
    l.wait(5);
    expect(l.journal('lvs', 'Keepalived_healthcheckers')).toContain('Remote Web server [192.168.137.130]:tcp:443 succeed on service.');
    l.sh('RS1', 'systemctl stop httpd');
    l.wait(9);
    expect(l.journal('lvs', 'Keepalived_healthcheckers')).toContain('SSL_CHECK on service [192.168.137.130]:tcp:443 failed after 1 retries.');
    expect(rows(l.sh('lvs', 'ipvsadm -Ln'))).toEqual(['192.168.137.200:443 Route 1']);
  });
});

describe('VRRP options', () => {
  function two(confA: string, confB: string): Lab1 {
    const l = new Lab1('ha');
    for (const h of ['lvs', 'lvs2']) l.sh(h, 'dnf install keepalived -y');
    writeConf(l, 'lvs', confA);
    writeConf(l, 'lvs2', confB);
    l.sh('lvs', 'systemctl start keepalived');
    l.sh('lvs2', 'systemctl start keepalived');
    l.wait(6);
    return l;
  }

  it('nopreempt: a recovered higher-priority backup does not take the VIP back', () => {
    const a = vrrpBlock('BACKUP', 100).replace('    advert_int 1\n', '    advert_int 1\n    nopreempt\n');
    const b = vrrpBlock('BACKUP', 90).replace('    advert_int 1\n', '    advert_int 1\n    nopreempt\n');
    const l = two(a, b);
    expect(hasVip(l.host('lvs'))).toBe(true);
    l.sh('lvs', 'systemctl stop keepalived');
    l.wait(2);
    expect(hasVip(l.host('lvs2'))).toBe(true);
    l.sh('lvs', 'systemctl start keepalived');
    l.wait(10);
    expect(hasVip(l.host('lvs2'))).toBe(true);
    expect(hasVip(l.host('lvs'))).toBe(false);
  });

  it('different passwords: split brain, both MASTER, both hold the VIP', () => {
    const l = two(vrrpBlock('MASTER', 100), vrrpBlock('BACKUP', 90).replace('auth_pass 1111', 'auth_pass 2222'));
    expect(hasVip(l.host('lvs'))).toBe(true);
    expect(hasVip(l.host('lvs2'))).toBe(true);
    expect(l.journal('lvs2', 'Keepalived_vrrp')).toContain('(VI_1) received an invalid passwd!');
  });

  it('unicast_peer: adverts go to the peer, not the group', () => {
    const u = (peer: string) => `    unicast_peer {\n        ${peer}\n    }\n`;
    const l = two(vrrpBlock('MASTER', 100).replace('    advert_int 1\n', '    advert_int 1\n' + u('192.168.137.101')),
      vrrpBlock('BACKUP', 90).replace('    advert_int 1\n', '    advert_int 1\n' + u('192.168.137.100')));
    expect(hasVip(l.host('lvs'))).toBe(true);
    expect(hasVip(l.host('lvs2'))).toBe(false);
    const adv = l.frames().filter((x) => x.f.payload.kind === 'ipv4' && x.f.payload.payload.kind === 'vrrp');
    expect(adv.length).toBeGreaterThan(0);
    expect(adv.every((x) => x.f.payload.kind === 'ipv4' && x.f.payload.dst === ip('192.168.137.101'))).toBe(true);
  });

  it('track_interface with weight lowers the priority instead of FAULT', () => {
    const l = new Lab1('ha');
    for (const h of ['lvs', 'lvs2']) l.sh(h, 'dnf install keepalived -y');
    // A second NIC on lvs to track.
    l.s.topology({ op: 'addNic', host: 'lvs', dev: 'eth1', segment: 'vmnet8' });
    l.sh('lvs', 'ip link set eth1 up');
    writeConf(l, 'lvs', vrrpBlock('MASTER', 100).replace('    advert_int 1\n', '    advert_int 1\n    track_interface {\n        eth1 weight -20\n    }\n'));
    writeConf(l, 'lvs2', vrrpBlock('BACKUP', 90));
    l.sh('lvs', 'systemctl start keepalived');
    l.sh('lvs2', 'systemctl start keepalived');
    l.wait(6);
    expect(hasVip(l.host('lvs'))).toBe(true);
    l.host('lvs').setPlugged('eth1', false);
    l.wait(2);
    expect(l.journal('lvs', 'Keepalived_vrrp')).toEqual(expect.arrayContaining(['Netlink reports eth1 down', '(VI_1) Changing effective priority from 100 to 80']));
    l.wait(4);
    expect(l.journal('lvs2', 'Keepalived_vrrp')).toContain('(VI_1) received lower priority (80) advert from 192.168.137.100 - discarding');
    expect(l.journal('lvs', 'Keepalived_vrrp')).toContain('(VI_1) Master received advert from 192.168.137.101 with higher priority 90, ours 80');
    expect(hasVip(l.host('lvs2'))).toBe(true);
    expect(hasVip(l.host('lvs'))).toBe(false);
  });

  it('vrrp_sync_group: members change state together', () => {
    const two2 = (state: string, prio: number) => vrrpBlock(state, prio) + vrrpBlock(state, prio).replace('VI_1', 'VI_2').replace('virtual_router_id 51', 'virtual_router_id 52').replace(VIP, '192.168.137.253')
      + 'vrrp_sync_group VG_1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n';
    const l = two(two2('MASTER', 100), two2('BACKUP', 90));
    expect(keepalivedOf(l.host('lvs'))!.status().vrrp.map((v) => v.state)).toEqual(['MASTER', 'MASTER']);
    expect(keepalivedOf(l.host('lvs'))!.status().syncGroups).toEqual([{ name: 'VG_1', state: 'MASTER', members: ['VI_1', 'VI_2'] }]);
    powerOffMachine(l.host('lvs'), { graceful: false });
    l.wait(5);
    expect(keepalivedOf(l.host('lvs2'))!.status().vrrp.map((v) => v.state)).toEqual(['MASTER', 'MASTER']);
  });

  it('vrrp_strict (the sample configuration): the VIP answers nothing on a non-owner master', () => {
    const l = new Lab1('ha');
    l.sh('lvs', 'dnf install keepalived -y');
    writeConf(l, 'lvs', 'global_defs {\n    vrrp_strict\n}\n' + vrrpBlock('MASTER', 100));
    l.sh('lvs', 'systemctl start keepalived');
    l.wait(5);
    expect(hasVip(l.host('lvs'))).toBe(true);
    expect(l.sh('client', `ping -c 1 -W 1 ${VIP}`)).toContain('100% packet loss');
    expect(l.journal('lvs', 'Keepalived_vrrp')).toContain('(VI_1) Strict mode does not support authentication. Ignoring.');
  });
});

describe('property: keepalived keeps running whatever the configuration', () => {
  it('random edits of a working configuration never throw at run time', async () => {
    const fc = (await import('fast-check')).default;
    const l = new Lab1('ha');
    l.sh('lvs', 'dnf install keepalived ipvsadm -y');
    const base = 'global_defs {\n lvs_sync_daemon eth0 VI_1\n}\n' + vrrpBlock('MASTER', 100) + vsBlock({ check: 'HTTP_GET {\n url {\n path /\n }\n connect_timeout 1\n }' })
      + vsBlock({ port: 8080, check: 'MISC_CHECK {\n misc_path "/bin/false"\n }' });
    fc.assert(fc.property(fc.tuple(fc.nat(base.length), fc.nat(12), fc.constantFrom('', '{', '}', ' 0', 'x', '\n', ' DR', '999999', '-1', '"')), ([at, del, ins]) => {
      writeConf(l, 'lvs', base.slice(0, at) + ins + base.slice(at + del));
      l.host('lvs').sd.restart('keepalived');
      l.wait(4);
      l.host('lvs').sd.reload('keepalived');
      l.wait(1);
    }), { numRuns: 40, seed: 11 });
    l.host('lvs').sd.stop('keepalived');
  });
});

describe('ha_suspend', () => {
  it('checkers run only on the director that holds the VIP', () => {
    const l = new Lab1('ha');
    for (const h of ['lvs', 'lvs2']) l.sh(h, 'dnf install keepalived ipvsadm -y');
    rsSetup(l);
    const vs = vsBlock().replace('    protocol TCP\n', '    protocol TCP\n    ha_suspend\n');
    writeConf(l, 'lvs', vrrpBlock('MASTER', 100) + vs);
    writeConf(l, 'lvs2', vrrpBlock('BACKUP', 90) + vs);
    l.sh('lvs', 'systemctl start keepalived');
    l.sh('lvs2', 'systemctl start keepalived');
    l.wait(8);
    expect(l.journal('lvs', 'Keepalived_healthcheckers')).toEqual(expect.arrayContaining([
      'Deactivating healthchecker for service [192.168.137.130]:tcp:80 for VS [192.168.137.254]:tcp:80',
      'Netlink reflector reports IP 192.168.137.254 added',
      'Activating healthchecker for service [192.168.137.130]:tcp:80 for VS [192.168.137.254]:tcp:80',
      'TCP connection to [192.168.137.130]:tcp:80 success.',
    ]));
    const j2 = l.journal('lvs2', 'Keepalived_healthcheckers');
    expect(j2).toContain('Deactivating healthchecker for service [192.168.137.130]:tcp:80 for VS [192.168.137.254]:tcp:80');
    expect(j2.some((m) => m.startsWith('TCP connection'))).toBe(false);
    l.sh('lvs', 'systemctl stop keepalived');
    l.wait(5);
    expect(l.journal('lvs2', 'Keepalived_healthcheckers')).toContain('TCP connection to [192.168.137.130]:tcp:80 success.');
  });
});
