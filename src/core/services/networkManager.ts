/**
 * NetworkManager (placeholder): at start, activates the keyfiles in
 * /etc/NetworkManager/system-connections/ that bind to an existing device, adding their
 * addresses with `noprefixroute`, the prefix route and the default route with NM's metrics
 * (100, 101, ... in activation order), as RHEL 9's NetworkManager 1.46 does.
 *
 * To be replaced by the full daemon (profiles, nmcli's D-Bus API, reload, modify, journal).
 */
import type { Host } from '../net/host.ts';
import { parseIpv4, prefixMask, type Ipv4Addr } from '../wire/types.ts';
import { registerUnit, type ServiceImpl, type Systemd } from './systemd.ts';

export const KEYFILE_DIR = '/etc/NetworkManager/system-connections';

export function parseIni(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let sec: Map<string, string> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^\[(.+)\]$/.exec(line);
    if (m) { sec = new Map(); out.set(m[1], sec); continue; }
    const i = line.indexOf('=');
    if (i > 0 && sec) sec.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return out;
}

export class NetworkManagerPlaceholder implements ServiceImpl {
  private metric = 100;

  constructor(private readonly host: Host, private readonly sd: Systemd) {}

  start(): string | null {
    const fs = this.host.fs;
    let names: string[] = [];
    try { names = fs.readdir(KEYFILE_DIR).filter((n) => n.endsWith('.nmconnection')).sort(); } catch { /* none */ }
    for (const n of names) {
      const ini = parseIni(fs.readFile(`${KEYFILE_DIR}/${n}`));
      const con = ini.get('connection');
      const dev = con?.get('interface-name');
      if (!dev || !this.host.dev(dev)) continue;
      const v4 = ini.get('ipv4');
      if (v4?.get('method') !== 'manual') continue;
      const metric = dev === 'lo' ? 0 : this.metric++;
      this.host.setLinkUp(dev, true);
      for (let k = 1; v4.has(`address${k}`); k++) {
        const [cidr, gw] = v4.get(`address${k}`)!.split(',');
        const [a, p] = cidr.split('/');
        const addr = parseIpv4(a);
        const prefix = p === undefined ? 32 : Number(p);
        if (addr === null) continue;
        const brd = prefix < 31 ? ((addr | ~prefixMask(prefix)) >>> 0) as Ipv4Addr : null;
        this.host.addAddr(dev, addr, prefix, { brd, noprefixroute: true, owner: 'nm' });
        if (prefix < 32) {
          const dst = ((addr & prefixMask(prefix)) >>> 0) as Ipv4Addr;
          this.host.routes.add({ dst, prefix, gw: null, dev, proto: 'kernel', scope: 'link', src: addr, metric, type: 'unicast', onlink: false, owner: 'nm' });
        }
        const g = gw ? parseIpv4(gw) : (v4.get('gateway') ? parseIpv4(v4.get('gateway')!) : null);
        if (g !== null && k === 1) {
          this.host.routes.add({ dst: 0 as Ipv4Addr, prefix: 0, gw: g, dev, proto: 'static', scope: 'global', src: null, metric, type: 'unicast', onlink: false, owner: 'nm' });
        }
      }
      this.sd.log('NetworkManager.service', 'NetworkManager', 0, `<info>  [${this.host.net.epochUs / 1e6}.0000] device (${dev}): Activation: successful, device activated.`);
    }
    return null;
  }

  stop(): void { /* NM leaves addresses in place when stopped */ }
}

registerUnit({
  name: 'NetworkManager.service',
  description: 'Network Manager',
  pkg: 'NetworkManager',
  path: '/usr/lib/systemd/system/NetworkManager.service',
  docs: ['man:NetworkManager(8)'],
  preset: 'enabled',
  exec: '/usr/sbin/NetworkManager --no-daemon',
  create: (host, sd) => new NetworkManagerPlaceholder(host, sd),
});
