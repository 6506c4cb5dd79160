/**
 * The keepalived.conf reader and parser: keepalived 2.2.8's messages for the classic
 * mistakes (keepalived-reference §6), the brace splitting of read_line(), inheritance of
 * defaults, and a fast-check property: random and mutated configurations never throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Vfs } from '../fs/vfs.ts';
import { ip } from '../wire/types.ts';
import { parseFor, validateCheck, validateVrrp, type HostInfo, type ProcKind } from './conf.ts';
import { ConfReader, splitWords } from './reader.ts';

const fs = new Vfs({ now: () => 0 });
const host: HostInfo = {
  ifaceKind: (n) => (n === 'eth0' ? 'ether' : n === 'lo' ? 'loopback' : undefined),
  userExists: () => false,
};

function parse(proc: ProcKind, text: string) {
  const r = parseFor(proc, fs, host, text, '/etc/keepalived/keepalived.conf');
  if (proc === 'checker' && !r.fatal) validateCheck(r, host);
  if (proc === 'vrrp' && !r.fatal && !r.nonExistentIface) validateVrrp(r);
  return r;
}

const F = '/etc/keepalived/keepalived.conf';

const VS = (body: string, head = '192.168.137.254 80') => `virtual_server ${head} {\n${body}\n    real_server 192.168.137.130 80 {\n        weight 1\n    }\n}\n`;

describe('read_line and alloc_strvec', () => {
  it('splits a line before its first brace only; comments outside quotes', () => {
    const r = new ConfReader(fs, '/x', 'a b { c d } # x\n"q { x }" {\n! all comment\ne "f # g"', false);
    const out: string[][] = [];
    for (let l = r.readLine(); l; l = r.readLine()) out.push([...l.words]);
    expect(out).toEqual([['a', 'b'], ['{'], ['c', 'd'], ['}'], ['q { x }'], ['{'], ['e', 'f # g']]);
  });

  it('quotes and escapes', () => {
    expect(splitWords(`misc_path "/bin/chk.sh a b"`)).toEqual(['misc_path', '/bin/chk.sh a b']);
    expect(splitWords(`x 'y z' a\\ b`)).toEqual(['x', 'y z', 'a b']);
  });
});

describe('include', () => {
  it('reads included files in place, with their name in messages', () => {
    const v = new Vfs({ now: () => 0 });
    v.mkdir('/etc/keepalived/conf.d', { parents: true });
    v.writeFile('/etc/keepalived/conf.d/vs.conf', 'virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n bogus\n real_server 10.0.0.2 80 {\n }\n}\n');
    const text = 'global_defs {\n router_id X\n}\ninclude conf.d/*.conf\nfoo\n';
    const p = parseFor('parent', v, host, text, '/etc/keepalived/keepalived.conf');
    expect(p.messages).toEqual(["Opening file '/etc/keepalived/conf.d/vs.conf'.", "(Line 5) Unknown keyword 'foo'"]);
    expect(p.haveChecker).toBe(true);
    const c = parseFor('checker', v, host, text, '/etc/keepalived/keepalived.conf');
    expect(c.messages).toContain("(/etc/keepalived/conf.d/vs.conf: Line 5) Unknown keyword 'bogus'");
    expect(c.vs.length).toBe(1);
  });
});

describe('keepalived §6 messages', () => {
  it.each<[string, ProcKind, string, string[]]>([
    ['no protocol', 'checker', VS('    lb_algo rr\n    lb_kind DR'),
      ['Virtual server [192.168.137.254]:none:80: no protocol set - defaulting to UDP']],
    ['no lb_algo / lb_kind', 'checker', VS('    protocol TCP'),
      ["Virtual server [192.168.137.254]:tcp:80: no scheduler set, setting default 'wlc'", 'Virtual server [192.168.137.254]:tcp:80: no forwarding method set, setting default NAT']],
    ['lb_kind dr', 'checker', VS('    protocol TCP\n    lb_algo rr\n    lb_kind dr'),
      [`(${F}: Line 4) PARSER : unknown [dr] routing method for virtual server.`, 'Virtual server [192.168.137.254]:tcp:80: no forwarding method set, setting default NAT']],
    ['bad scheduler', 'checker', VS('    protocol TCP\n    lb_algo rrr\n    lb_kind DR'),
      [`(${F}: Line 3) Invalid lvs_scheduler 'rrr' - ignoring`, "Virtual server [192.168.137.254]:tcp:80: no scheduler set, setting default 'wlc'"]],
    ['protocol in lower case is fine', 'checker', VS('    protocol tcp\n    lb_algo rr\n    lb_kind DR'), []],
    ['bad protocol', 'checker', VS('    protocol ICMP\n    lb_algo rr\n    lb_kind DR'),
      [`(${F}: Line 2) Unknown protocol ICMP - ignoring`, 'Virtual server [192.168.137.254]:none:80: no protocol set - defaulting to UDP']],
    ['bad VS address', 'checker', VS('    protocol TCP', '192.168.137.2540 80'),
      [`(${F}: Line 1) Invalid virtual server IP address/port 192.168.137.2540/80 - skipping`]],
    ['delay_loop invalid', 'checker', VS('    protocol TCP\n    lb_algo rr\n    lb_kind DR\n    delay_loop abc'),
      [`(${F}: Line 5) WARNING - invalid number 'abc'`, `(${F}: Line 5) virtual server delay loop 'abc' invalid - ignoring`]],
    ['persistence_timeout invalid', 'checker', VS('    protocol TCP\n    lb_algo rr\n    lb_kind DR\n    persistence_timeout -5'),
      [`(${F}: Line 5) negative number '-5'`, `(${F}: Line 5) persistence_timeout invalid`]],
    ['no real servers', 'checker', 'virtual_server 10.0.0.1 80 {\n  protocol TCP\n}\n',
      [`(${F}: Line 3) Virtual server [10.0.0.1]:tcp:80 has no real servers - ignoring`]],
    ['unknown keyword', 'checker', VS('    protocol TCP\n    lb_algo rr\n    lb_kind DR\n    delay_lop 3'),
      [`(${F}: Line 5) Unknown keyword 'delay_lop'`]],
    ['missing {', 'checker', 'virtual_server 10.0.0.1 80\n  protocol TCP\n  lb_algo rr\n  lb_kind DR\n  real_server 10.0.0.2 80 {\n  }\n}\n',
      [`(${F}: Line 2) Missing '{' at beginning of configuration block`, `(${F}: Line 7) Extra '}' found`]],
    ['RS port differs in DR', 'checker', 'virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind DR\n real_server 10.0.0.2 8080 {\n }\n}\n',
      ["WARNING - virtual server [10.0.0.1]:tcp:80 and real server [10.0.0.2]:tcp:8080 ports don't match - resetting"]],
    ['duplicate RS', 'checker', 'virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 {\n }\n real_server 10.0.0.2 80 {\n }\n}\n',
      ['VS [10.0.0.1]:tcp:80: real server [10.0.0.2]:tcp:80 is duplicated - removing second rs']],
    ['weight out of range', 'checker', 'virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 {\n  weight 70000\n }\n}\n',
      [`(${F}: Line 6) WARNING - number '70000' outside range [0, 65535]`, `(${F}: Line 6) Real server weight 70000 is outside range 0-65535`]],
    ['quorum above total weight', 'checker', VS('    protocol TCP\n    lb_algo rr\n    lb_kind DR\n    quorum 5'),
      ['Warning - quorum 5 for [192.168.137.254]:tcp:80 exceeds total weight of real servers 1, reducing quorum to 1']],
    ['HTTP_GET without url', 'checker', 'virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 {\n  HTTP_GET {\n   connect_timeout 3\n  }\n }\n}\n',
      [`(${F}: Line 8) HTTP/SSL_GET checker has no urls specified - ignoring`]],
    ['nb_get_retry', 'checker', 'virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 {\n  HTTP_GET {\n   url {\n    path /\n   }\n   nb_get_retry 3\n  }\n }\n}\n',
      [`(${F}: Line 10) nb_get_retry is deprecated - please use 'retry'`]],
    ['bad VRID', 'vrrp', 'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 300\n virtual_ipaddress {\n  10.0.0.9\n }\n}\n',
      [`(${F}: Line 3) number '300' outside range [1, 255]`, `(${F}: Line 3) (VI_1): VRID '300' not valid - must be between 1 & 255`, '(VI_1) the virtual router id must be set']],
    ['bad priority, state, auth', 'vrrp', 'vrrp_instance VI_1 {\n state master\n interface eth0\n virtual_router_id 51\n priority 0\n authentication {\n  auth_type PASS\n }\n virtual_ipaddress {\n  10.0.0.9\n }\n}\n',
      [`(${F}: Line 2) (VI_1) unknown state 'master', defaulting to BACKUP`, `(${F}: Line 5) number '0' outside range [1, 255]`,
        `(${F}: Line 5) (VI_1) Priority not valid! must be between 1 & 255. Using default 100`, '(VI_1) Authentication specified but no password given. Ignoring']],
    ['loopback interface, no VIP', 'vrrp', 'vrrp_instance VI_1 {\n interface lo\n virtual_router_id 51\n}\n',
      [`(${F}: Line 2) (VI_1) cannot use a loopback interface (lo) for vrrp - ignoring`, '(VI_1) Unknown interface!']],
    ['nopreempt with state MASTER, long password', 'vrrp', 'vrrp_instance VI_1 {\n state MASTER\n interface eth0\n virtual_router_id 51\n priority 100\n nopreempt\n authentication {\n  auth_type PASS\n  auth_pass 123456789\n }\n}\n',
      [`(${F}: Line 9) Truncating auth_pass to 8 characters`, '(VI_1) Warning - nopreempt will not work with initial state MASTER - clearing', '(VI_1) No VIP specified; at least one is sensible']],
    ['strict mode', 'vrrp', 'global_defs {\n vrrp_strict\n}\nvrrp_instance VI_1 {\n state MASTER\n interface eth0\n virtual_router_id 51\n priority 100\n authentication {\n  auth_type PASS\n  auth_pass 1111\n }\n virtual_ipaddress {\n  10.0.0.9\n }\n}\n',
      []],
  ])('%s', (_name, proc, text, messages) => {
    expect(parse(proc, text).messages).toEqual(messages);
  });

  it('vrrp_strict: the VRRP child reports what strict mode changes (globals from the parent)', () => {
    const text = 'global_defs {\n vrrp_strict\n}\nvrrp_instance VI_1 {\n state MASTER\n interface eth0\n virtual_router_id 51\n priority 100\n authentication {\n  auth_type PASS\n  auth_pass 1111\n }\n virtual_ipaddress {\n  10.0.0.9\n }\n}\n';
    const parent = parseFor('parent', fs, host, text);
    const v = parseFor('vrrp', fs, host, text);
    v.globals = parent.globals;
    validateVrrp(v);
    expect(v.messages).toEqual([
      '(VI_1) State MASTER must match being address owner',
      '(VI_1) Strict mode does not support authentication. Ignoring.',
      'use_vmac or no_accept/strict specified, but no firewall configured - using nftables',
    ]);
  });

  it('a missing parameter ends the process', () => {
    const r = parse('checker', VS('    protocol TCP\n    lb_algo'));
    expect(r.fatal).toBe(true);
    expect(r.messages.at(-1)).toBe(`(${F}: Line 3) *** Configuration line starting \`lb_algo\` is missing a parameter after keyword \`lb_algo\` at word position 2`);
  });

  it('the parent sees global_defs and top-level words; the children their own sections', () => {
    const text = 'global_defs {\n  router_id X\n  bogus 1\n}\nvirtual_server 10.0.0.1 80 {\n  bogus2\n}\nvrrp_instance VI_1 {\n  bogus3\n}\ntypo_block {\n}\n';
    expect(parse('parent', text).messages).toEqual(["(Line 3) Unknown keyword 'bogus'", "(Line 11) Unknown keyword 'typo_block'", "(Line 11) Unexpected '{' - ignoring", "(Line 12) Unknown keyword '}'"]);
    expect(parse('checker', text).messages.slice(0, 1)).toEqual([`(${F}: Line 6) Unknown keyword 'bogus2'`]);
    const p = parse('parent', text);
    expect([p.haveChecker, p.haveVrrp]).toEqual([true, true]);
  });
});

describe('the model', () => {
  it('inherits VS → RS → checker defaults', () => {
    const text = 'virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo wrr\n lb_kind DR\n delay_loop 6\n retry 2\n inhibit_on_failure\n persistence_timeout\n'
      + ' real_server 10.0.0.2 {\n  weight 3\n  TCP_CHECK {\n   connect_port 8080\n  }\n  HTTP_GET {\n   url {\n    path /health\n    digest 0123456789abcdef0123456789ABCDEF\n    status_code 200 300-302\n   }\n  }\n }\n}\n';
    const r = parse('checker', text);
    expect(r.messages).toEqual([]);
    const vs = r.vs[0];
    expect(vs).toMatchObject({ addr: ip('10.0.0.1'), port: 80, protocol: 6, sched: 'wrr', fwd: 3, persistenceTimeout: 360, delayLoop: 6e6 });
    const rs = vs.rs[0];
    expect(rs).toMatchObject({ port: 80, weight: 3, inhibit: true, retry: 2 });
    expect(rs.checkers.map((c) => [c.kind, c.connectPort, c.retry, c.delayLoop, c.delayBeforeRetry, c.warmup, c.connectTimeout])).toEqual([
      ['TCP_CHECK', 8080, 2, 6e6, 1e6, 6e6, 5e6],
      ['HTTP_GET', null, 2, 6e6, 3e6, 6e6, 5e6],
    ]);
    expect(rs.checkers[1].urls[0]).toMatchObject({ path: '/health', digest: '0123456789abcdef0123456789abcdef' });
    expect([...rs.checkers[1].urls[0].statusCodes]).toEqual([200, 300, 301, 302]);
  });

  it('VRRP instance defaults, VIP options, lvs_sync_daemon syncid = VRID', () => {
    const text = 'global_defs {\n lvs_sync_daemon eth0 VI_1\n vrrp_garp_master_repeat 3\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n state MASTER\n'
      + ' virtual_ipaddress {\n  10.0.0.9/24 dev eth0 label eth0:vip\n  10.0.0.10\n }\n}\n';
    const parent = parseFor('parent', fs, host, text);
    const v = parseFor('vrrp', fs, host, text);
    v.globals = parent.globals;
    validateVrrp(v);
    expect(v.messages).toEqual([]);
    expect(v.vrrp[0]).toMatchObject({ priority: 255, state: 'MASTER', advertInt: 1e6, garpMasterRepeat: 3, garpMasterDelay: 5e6 });
    expect(v.vrrp[0].vips).toEqual([
      { addr: ip('10.0.0.9'), prefix: 24, dev: 'eth0', label: 'eth0:vip', scope: 'global', brd: null },
      { addr: ip('10.0.0.10'), prefix: 32, dev: null, label: null, scope: 'global', brd: null },
    ]);
    expect(v.globals.lvsSyncd).toMatchObject({ ifname: 'eth0', vrrpName: 'VI_1', syncid: 7 });
  });

  it('the package sample configuration parses without a message', () => {
    const sample = `! Configuration File for keepalived

global_defs {
   notification_email {
     acassen@firewall.loc
   }
   notification_email_from Alexandre.Cassen@firewall.loc
   smtp_server 192.168.200.1
   smtp_connect_timeout 30
   router_id LVS_DEVEL
   vrrp_skip_check_adv_addr
   vrrp_garp_interval 0
   vrrp_gna_interval 0
}

virtual_server 10.10.10.2 1358 {
    delay_loop 6
    lb_algo rr
    lb_kind NAT
    persistence_timeout 50
    protocol TCP

    sorry_server 192.168.200.200 1358

    real_server 192.168.200.2 1358 {
        weight 1
        HTTP_GET {
            url {
              path /testurl/test.jsp
              digest 640205b7b0fc66c1ea91c463fac6334d
            }
            connect_timeout 3
            retry 3
            delay_before_retry 3
        }
    }
}
`;
    for (const p of ['parent', 'checker', 'vrrp'] as const) expect(parse(p, sample).messages).toEqual([]);
  });
});

describe('property: any text', () => {
  const words = ['global_defs', 'virtual_server', 'real_server', 'vrrp_instance', 'vrrp_sync_group', 'TCP_CHECK', 'HTTP_GET', 'MISC_CHECK',
    'url', 'path', 'digest', 'weight', 'lb_kind', 'DR', 'lb_algo', 'rr', 'protocol', 'TCP', 'delay_loop', 'virtual_ipaddress', 'interface',
    'eth0', 'priority', 'state', 'MASTER', 'authentication', 'auth_pass', 'group', 'include', '{', '}', '"', '!', '#', '10.0.0.1', '80',
    '192.168.137.254/32', 'dev', 'label', 'misc_path', 'lvs_sync_daemon', 'inst', 'id', '1.5', '-3', 'x', '\\', "'", '', '\n', ' ', '\t'];
  const text = fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 })), { maxLength: 120 }).map((ws) => ws.join(' ').replace(/ \n /g, '\n'));
  const base = `global_defs {\n lvs_sync_daemon eth0 VI_1\n}\nvrrp_instance VI_1 {\n state MASTER\n interface eth0\n virtual_router_id 51\n priority 100\n virtual_ipaddress {\n  10.0.0.9\n }\n}\n${VS('    protocol TCP\n    lb_algo rr\n    lb_kind DR')}`;
  const mutated = fc.tuple(fc.nat(base.length), fc.nat(20), fc.string({ maxLength: 8 })).map(([at, del, ins]) => base.slice(0, at) + ins + base.slice(at + del));

  it('never throws, in every process, random or mutated', () => {
    fc.assert(fc.property(fc.oneof(text, mutated), (t) => {
      for (const p of ['parent', 'checker', 'vrrp'] as const) {
        const r = parse(p, t);
        expect(Array.isArray(r.messages)).toBe(true);
      }
    }), { numRuns: 600, seed: 7 });
  });
});
