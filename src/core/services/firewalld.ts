/**
 * firewalld 1.3 (RHEL 9), reduced to what changes traffic in the lab: while it runs, the
 * default zone (public) rejects new inbound connections except to the services and ports it
 * lists, with ICMP "administratively prohibited" (`reject with icmpx admin-prohibited`), as
 * its nftables ruleset does. The zone comes from /etc/firewalld/zones/public.xml, else
 * /usr/lib/firewalld/zones/public.xml (ssh, dhcpv6-client, cockpit).
 *
 * Its filter_INPUT chain sits at priority filter+10, before IPVS's LOCAL_IN hooks, so a
 * director or real server with firewalld running and no http service refuses the VIP's
 * traffic, the classic lab mistake. No conntrack: established traffic is recognised by
 * TCP flags (anything but a bare SYN) and UDP replies by their ephemeral destination port.
 * Forwarded traffic (the NAT director's job) is not filtered; zones other than the default,
 * rich rules, masquerading and the D-Bus API (firewall-cmd) are not modelled.
 */
import type { Host } from '../net/host.ts';
import { Hook, NfPri, Verdict, type Skb } from '../netfilter/hooks.ts';
import { IcmpType, IcmpUnreach, IpProto, TcpFlag, fmtIp } from '../wire/types.ts';
import type { ServiceImpl, Systemd } from './systemd.ts';

export const PUBLIC_ZONE_XML = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <description>For use in public areas. You do not trust the other computers on networks to not harm your computer. Only selected incoming connections are accepted.</description>
  <service name="ssh"/>
  <service name="dhcpv6-client"/>
  <service name="cockpit"/>
  <forward/>
</zone>
`;

export const FIREWALLD_CONF = `# firewalld config file

# default zone
# The default zone used if an empty zone string is used.
# Default: public
DefaultZone=public

# Clean up on exit
# If set to no or false the firewall configuration will not get cleaned up
# on exit or stop of firewalld.
# Default: yes
CleanupOnExit=yes

# Firewall backend
# Selects the firewall backend implementation.
# Choices are:
#	- nftables (default)
#	- iptables (iptables, ip6tables, ebtables and ipset)
# Note: The iptables backend is deprecated. It will be removed in a future
# release.
FirewallBackend=nftables
`;

/** Ports of the services firewalld knows (/usr/lib/firewalld/services/*.xml), the ones a lab uses. */
const SERVICES: Record<string, [string, number][]> = {
  ssh: [['tcp', 22]], http: [['tcp', 80]], https: [['tcp', 443]], 'dhcpv6-client': [['udp', 546]],
  cockpit: [['tcp', 9090]], dns: [['tcp', 53], ['udp', 53]], ntp: [['udp', 123]], mysql: [['tcp', 3306]],
  'http3': [['udp', 443]], telnet: [['tcp', 23]], ftp: [['tcp', 21]], dhcp: [['udp', 67]], snmp: [['udp', 161]],
};

const PROTOCOLS: Record<string, number> = { icmp: 1, igmp: 2, ipencap: 4, ipip: 4, tcp: 6, udp: 17, gre: 47, vrrp: 112 };

export interface ZoneRules {
  readonly ports: { proto: string; from: number; to: number }[];
  readonly protocols: number[];
}

/** The rules of the default zone from its XML (services, ports, protocols). */
export function parseZone(xml: string): ZoneRules {
  const ports: ZoneRules['ports'] = [];
  const protocols: number[] = [];
  for (const m of xml.matchAll(/<service\s+name="([^"]+)"\s*\/>/g)) {
    for (const [proto, port] of SERVICES[m[1]] ?? []) ports.push({ proto, from: port, to: port });
  }
  for (const m of xml.matchAll(/<port\s+([^>]*?)\/?>/g)) {
    const attrs = m[1];
    const proto = /protocol="([^"]+)"/.exec(attrs)?.[1];
    const port = /port="([^"]+)"/.exec(attrs)?.[1];
    if (!proto || !port) continue;
    const [a, b] = port.split('-').map(Number);
    if (Number.isInteger(a)) ports.push({ proto, from: a, to: Number.isInteger(b) ? b : a });
  }
  for (const m of xml.matchAll(/<protocol\s+value="([^"]+)"\s*\/>/g)) {
    const p = PROTOCOLS[m[1]] ?? Number(m[1]);
    if (Number.isInteger(p)) protocols.push(p);
  }
  return { ports, protocols };
}

export class Firewalld implements ServiceImpl {
  private unregister: (() => void) | null = null;
  private rules: ZoneRules = { ports: [], protocols: [] };

  constructor(private readonly host: Host, private readonly sd: Systemd, private readonly pid: number) {}

  private load(): void {
    const fs = this.host.fs;
    let xml = PUBLIC_ZONE_XML;
    for (const p of ['/etc/firewalld/zones/public.xml', '/usr/lib/firewalld/zones/public.xml']) {
      try { xml = fs.readFile(p); break; } catch { /* next */ }
    }
    this.rules = parseZone(xml);
  }

  start(): string | null {
    this.load();
    this.unregister = this.host.hooks.register({
      hook: Hook.LOCAL_IN, priority: NfPri.FILTER + 10, owner: 'firewalld', fn: (skb) => this.filterInput(skb),
    });
    return null;
  }

  stop(): void {
    this.unregister?.();
    this.unregister = null;
  }

  reload(): string | null {
    this.load();
    return null;
  }

  private allowedPort(proto: string, port: number): boolean {
    return this.rules.ports.some((p) => p.proto === proto && port >= p.from && port <= p.to);
  }

  /** The public zone's filter_INPUT: accept what the zone allows, reject the rest. */
  private filterInput(skb: Skb): Verdict {
    if (skb.inDev === null || skb.inDev === 'lo') return Verdict.ACCEPT;
    const ip = skb.ip;
    const p = ip.payload;
    let what: string;
    if (p.kind === 'icmp') return Verdict.ACCEPT;
    if (p.kind === 'tcp') {
      const newConn = (p.flags & TcpFlag.SYN) !== 0 && (p.flags & TcpFlag.ACK) === 0;
      if (!newConn || this.allowedPort('tcp', p.dstPort)) return Verdict.ACCEPT;
      what = `tcp port ${p.dstPort}`;
    } else if (p.kind === 'udp') {
      if (p.dstPort >= 32768 || this.allowedPort('udp', p.dstPort)) return Verdict.ACCEPT;
      what = `udp port ${p.dstPort}`;
    } else {
      if (this.rules.protocols.includes(ip.protocol)) return Verdict.ACCEPT;
      what = ip.protocol === IpProto.VRRP ? 'VRRP (protocol 112)' : ip.protocol === IpProto.IPIP ? 'IPIP (protocol 4)' : `IP protocol ${ip.protocol}`;
    }
    skb.dropReason = `${this.host.hostname}: firewalld (zone public) rejected ${what} from ${fmtIp(ip.src)}: the zone allows neither the service nor the port`;
    this.host.icmpError(skb, IcmpType.DestUnreachable, IcmpUnreach.AdminProhibited);
    void this.sd; void this.pid;
    return Verdict.DROP;
  }
}
