import { describe, expect, it } from 'vitest';
import { fmtIp } from '../../wire/types.ts';
import { profileProperties } from './props.ts';
import { parseKeyFile, readKeyfile, writeKeyfile } from './profile.ts';

const DIR = '/etc/NetworkManager/system-connections';
const SEED_ETH0 = '[connection]\nid=eth0\ntype=ethernet\ninterface-name=eth0\n[ipv4]\nmethod=manual\naddress1=192.168.1.11/24,192.168.1.2\ndns=8.8.8.8\n';

describe('keyfile reader (nm-keyfile.c rules)', () => {
  it('reads the seed keyfile: uuid derived from the path, gateway from address1, ipv6 auto/eui64', () => {
    const r = readKeyfile(SEED_ETH0, `${DIR}/eth0.nmconnection`);
    expect(r.error).toBeNull();
    const p = r.profile!;
    expect(p.id).toBe('eth0');
    expect(p.uuid).toBe('7ba00b1d-8cdd-30da-91ad-bb83ed4f7474');
    expect(p.type).toBe('802-3-ethernet');
    expect(p.ipv4.addresses.map((a) => `${fmtIp(a.addr)}/${a.prefix}`)).toEqual(['192.168.1.11/24']);
    expect(fmtIp(p.ipv4.gateway!)).toBe('192.168.1.2');
    expect(p.ipv4.dns.map(fmtIp)).toEqual(['8.8.8.8']);
    expect(p.ipv6).toEqual({ method: 'auto', addrGenMode: 'eui64' });
  });

  it('missing id = file name without .nmconnection', () => {
    const r = readKeyfile('[connection]\ntype=ethernet\n', `${DIR}/my-nic.nmconnection`);
    expect(r.profile!.id).toBe('my-nic');
    expect(r.profile!.ipv4.method).toBe('auto');
  });

  it('an invalid address is dropped with a warning; alone with method=manual the file fails', () => {
    const r = readKeyfile('[connection]\nid=x\ntype=ethernet\n[ipv4]\nmethod=manual\naddress1=192.168.137.300/24\n', `${DIR}/x.nmconnection`);
    expect(r.warnings).toEqual(["ipv4.addresses: ignoring invalid IPv4 address: Invalid IPv4 address '192.168.137.300'"]);
    expect(r.profile).toBeNull();
    expect(r.error).toBe("invalid connection: ipv4.method: method 'manual' requires at least an address or a route");
    const ok = readKeyfile('[connection]\nid=x\ntype=ethernet\n[ipv4]\nmethod=manual\naddress1=10.0.0.1/8\naddress2=10.0.0.300/8\n', `${DIR}/x.nmconnection`);
    expect(ok.profile!.ipv4.addresses).toHaveLength(1);
    expect(ok.warnings).toHaveLength(1);
  });

  it('a missing prefix length defaults to 24 with a warning (not /32 as nmcli does)', () => {
    const r = readKeyfile('[connection]\nid=x\ntype=ethernet\n[ipv4]\nmethod=manual\naddress1=192.168.137.254\n', `${DIR}/x.nmconnection`);
    expect(r.profile!.ipv4.addresses[0].prefix).toBe(24);
    expect(r.warnings[0]).toBe("ipv4.addresses: missing prefix length for address1 '192.168.137.254', defaulting to 24");
  });

  it('GKeyFile syntax errors fail the file with GLib\'s message', () => {
    expect(readKeyfile('[connection]\nid=x\njunk line\n', `${DIR}/x.nmconnection`).error)
      .toBe('Key file contains line “junk line” which is not a key-value pair, group, or comment');
    expect(readKeyfile('id=x\n', `${DIR}/x.nmconnection`).error).toBe('Key file does not start with a group');
    expect(parseKeyFile('# only a comment\n')).toEqual(new Map());
  });

  it('type: aliases, missing, unknown', () => {
    expect(readKeyfile('[connection]\nid=x\n', `${DIR}/x.nmconnection`).error).toBe('invalid connection: connection.type: property is missing');
    expect(readKeyfile('[connection]\nid=x\n[ethernet]\n', `${DIR}/x.nmconnection`).profile!.type).toBe('802-3-ethernet');
    expect(readKeyfile('[connection]\nid=x\ntype=wifi-p2p\n', `${DIR}/x.nmconnection`).error)
      .toBe("invalid connection: connection.type: connection type 'wifi-p2p' is not valid");
  });

  it('loopback profiles accept only auto/manual', () => {
    const good = readKeyfile('[connection]\nid=lo\ntype=loopback\ninterface-name=lo\n[ipv4]\nmethod=manual\naddress1=192.168.137.254/32\n', `${DIR}/lo.nmconnection`);
    expect(good.profile!.type).toBe('loopback');
    const bad = readKeyfile('[connection]\nid=lo\ntype=loopback\n[ipv4]\nmethod=disabled\n', `${DIR}/lo.nmconnection`);
    expect(bad.error).toBe('invalid connection: ipv4.method: ipv4 method "disabled" is not supported for loopback');
  });

  it('route1= is DEST/PREFIX,NEXT_HOP,METRIC', () => {
    const r = readKeyfile('[connection]\nid=x\ntype=ethernet\n[ipv4]\nmethod=manual\naddress1=192.168.1.100/24\nroute1=10.0.0.0/8,192.168.1.254,50\n', `${DIR}/x.nmconnection`);
    const [rt] = r.profile!.ipv4.routes;
    expect([fmtIp(rt.dst), rt.prefix, fmtIp(rt.nh!), rt.metric]).toEqual(['10.0.0.0', 8, '192.168.1.254', 50]);
  });

  it('never throws on arbitrary text', () => {
    for (const t of ['', '[', '[]', '=', '[a]\n=b', '[connection]\ntype=ethernet\n[ipv4]\naddress1=/', '\u0000\n[x]\ny', '[connection]\nuuid=zzz\ntype=ethernet']) {
      expect(() => readKeyfile(t, `${DIR}/f.nmconnection`)).not.toThrow();
    }
  });
});

describe('keyfile writer', () => {
  it('writes the normalized form that reads back identically', () => {
    const p = readKeyfile(SEED_ETH0, `${DIR}/eth0.nmconnection`).profile!;
    const text = writeKeyfile(p);
    expect(text).toBe(`[connection]
id=eth0
uuid=7ba00b1d-8cdd-30da-91ad-bb83ed4f7474
type=ethernet
interface-name=eth0

[ethernet]

[ipv4]
address1=192.168.1.11/24
dns=8.8.8.8;
gateway=192.168.1.2
method=manual

[ipv6]
addr-gen-mode=eui64
method=auto

[proxy]
`);
    const again = readKeyfile(text, `${DIR}/eth0.nmconnection`).profile!;
    expect(profileProperties(again)).toEqual(profileProperties(p));
  });
});

describe('fuzz', () => {
  it('readKeyfile never throws and either loads a valid profile or explains why', async () => {
    const fc = (await import('fast-check')).default;
    const line = fc.oneof(
      fc.constantFrom('[connection]', '[ipv4]', '[ipv6]', '[ethernet]', '[loopback]', 'id=x', 'type=ethernet', 'type=loopback', 'type=bogus',
        'interface-name=lo', 'method=manual', 'method=auto', 'method=disabled', 'address1=10.0.0.1/8', 'address1=1.2.3.400/8', 'address2=10.0.0.2',
        'gateway=10.0.0.254', 'dns=8.8.8.8;1.1.1.1;', 'route1=10.1.0.0/16,10.0.0.254,5', 'uuid=not-a-uuid', 'autoconnect=false', 'garbage', '', '#c'),
      fc.string({ maxLength: 20 }));
    fc.assert(fc.property(fc.array(line, { maxLength: 14 }), (lines) => {
      const r = readKeyfile(lines.join('\n'), `${DIR}/f.nmconnection`);
      expect((r.profile === null) !== (r.error === null)).toBe(true);
    }), { numRuns: 500, seed: 7 });
  });
});
