/** The animation's label of a gratuitous ARP (keepalived's new master announcing the VIP). */
import { describe, expect, it } from 'vitest';
import { emitFrame } from '../core/wire/frame.ts';
import { EtherType, ip, mac } from '../core/wire/types.ts';
import { hopLabel } from './rows.ts';

describe('gratuitous ARP label', () => {
  it('names the address and the MAC that now has it', () => {
    const lvs2 = mac('00:0c:29:56:ef:d0');
    const garp = emitFrame({ src: lvs2, dst: mac('ff:ff:ff:ff:ff:ff'), ethertype: EtherType.ARP, payload: { kind: 'arp', op: 1, sha: lvs2, spa: ip('192.168.137.254'), tha: mac('00:00:00:00:00:00'), tpa: ip('192.168.137.254') } });
    expect(hopLabel(garp)).toMatchObject({ cls: 'arp', label: 'ARP gratuitous 192.168.137.254 is-at 00:0c:29:56:ef:d0' });
  });
});
