import { describe, expect, it } from 'vitest';
import { createLab } from '../lab/presets.ts';
import type { Lab } from '../lab/lab.ts';
import type { TcpSocket } from '../net/tcp.ts';
import { ip } from '../wire/types.ts';
import { parseZone } from './firewalld.ts';

function connect(lab: Lab, from: string, to: string, port: number): TcpSocket {
  const s = lab.host(from)!.tcp.connect(ip(to), port, 'test');
  if (typeof s === 'string') throw new Error(s);
  lab.runUntil(() => s.state === 'ESTABLISHED' || s.error !== null, lab.now + 5_000_000);
  return s;
}

describe('firewalld', () => {
  it('is installed, disabled and stopped on preset hosts', () => {
    const lab = createLab('nat');
    const rs1 = lab.host('RS1')!;
    const u = rs1.sd.unit('firewalld')!;
    expect(u.state).toBe('inactive');
    expect(u.enabled).toBe(false);
    expect(rs1.sd.fileState(u)).toBe('disabled');
    expect(connect(lab, 'lvs', '192.168.137.130', 80).state).toBe('ESTABLISHED');
  });

  it('when started, rejects new connections the public zone does not allow (admin prohibited)', () => {
    const lab = createLab('nat');
    const rs1 = lab.host('RS1')!;
    expect(rs1.sd.start('firewalld')).toBeNull();
    const web = connect(lab, 'lvs', '192.168.137.130', 80);
    expect(web.state).not.toBe('ESTABLISHED');
    expect(web.error).toBe('EHOSTUNREACH');
    expect(connect(lab, 'lvs', '192.168.137.130', 22).state).toBe('ESTABLISHED');
    // Opening the service in the zone file and reloading lets http in.
    rs1.fs.install('/etc/firewalld/zones/public.xml', '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n  <service name="http"/>\n</zone>\n');
    expect(rs1.sd.reload('firewalld')).toBeNull();
    expect(connect(lab, 'lvs', '192.168.137.130', 80).state).toBe('ESTABLISHED');
    rs1.sd.stop('firewalld');
    expect(rs1.hooks.entries(1).some((e) => e.owner === 'firewalld')).toBe(false);
  });

  it('parses services, ports and protocols of a zone', () => {
    const z = parseZone('<zone><service name="https"/><port protocol="tcp" port="8000-8080"/><protocol value="vrrp"/></zone>');
    expect(z.ports).toEqual([{ proto: 'tcp', from: 443, to: 443 }, { proto: 'tcp', from: 8000, to: 8080 }]);
    expect(z.protocols).toEqual([112]);
  });
});
