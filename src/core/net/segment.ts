/**
 * A network segment: one Ethernet broadcast domain (VMware's vmnet1, vmnet8, or one a user
 * adds), modelled as a learning-free switch. A unicast frame goes to the NIC(s) with that
 * MAC (or promiscuous ones), a broadcast/multicast frame to every other NIC. Every frame put
 * on a segment is logged once in the capture with the segment's id, whatever its fate.
 */
import type { Dev } from './dev.ts';

export class Segment {
  readonly id: number;
  name: string;
  /** One-way latency of the segment in µs (VMware's vmnet on one host: tens of µs). */
  latency = 60;
  readonly ports = new Set<Dev>();
  /** Free-form kind for the UI: 'nat' (vmnet8 with a NAT device), 'hostonly', 'custom'. */
  kind: 'nat' | 'hostonly' | 'custom';

  constructor(id: number, name: string, kind: Segment['kind'] = 'custom') {
    this.id = id;
    this.name = name;
    this.kind = kind;
  }
}

