/**
 * Hardware changes to a running lab (power, cables, hosts, NICs, networks), as the UI's
 * topology editor and the journal apply them. Returns null on success or a message.
 */
import type { Lab } from '../core/lab/lab.ts';
import { buildMachine, bootMachine } from '../core/lab/presets.ts';
import { powerOffMachine, powerOnMachine } from '../core/lab/power.ts';
import type { HostRole } from '../core/net/host.ts';
import type { TopologyOp } from './sessionApi.ts';

export function applyTopology(lab: Lab, op: TopologyOp): string | null {
  const host = 'host' in op ? lab.host(op.host) : undefined;
  const needHost = () => (host ? null : `no host named ${(op as { host: string }).host}`);
  switch (op.op) {
    case 'power': {
      if (!host) return needHost();
      if (op.on) powerOnMachine(host); else powerOffMachine(host, { graceful: false, kind: 'poweroff' });
      return null;
    }
    case 'cable': {
      if (!host) return needHost();
      if (!host.dev(op.dev)) return `${op.host} has no ${op.dev}`;
      host.setPlugged(op.dev, op.plugged);
      return null;
    }
    case 'addSegment': {
      if (lab.segment(op.segment)) return `${op.segment} exists`;
      lab.addSegment(op.segment, 'custom');
      return null;
    }
    case 'removeSegment': {
      if (!lab.segment(op.segment)) return `no network named ${op.segment}`;
      lab.removeSegment(op.segment);
      return null;
    }
    case 'addHost': {
      if (lab.host(op.host)) return `${op.host} exists`;
      const h = buildMachine(lab, { hostname: op.host, role: op.role as HostRole, nics: [] });
      bootMachine(h);
      return null;
    }
    case 'removeHost': {
      if (!host) return needHost();
      lab.removeHost(host);
      return null;
    }
    case 'addNic': {
      if (!host) return needHost();
      if (host.dev(op.dev)) return `${op.host} already has ${op.dev}`;
      const seg = lab.segment(op.segment) ?? lab.addSegment(op.segment, 'custom');
      host.addDev(op.dev, 'ether', lab.vmwareMac(`${host.hostname}/${op.dev}/${lab.now}`));
      host.attach(op.dev, seg);
      return null;
    }
    case 'removeNic': {
      if (!host) return needHost();
      if (!host.dev(op.dev) || op.dev === 'lo') return `${op.host} has no ${op.dev}`;
      host.removeDev(op.dev);
      return null;
    }
    case 'connect': {
      if (!host) return needHost();
      if (!host.dev(op.dev)) return `${op.host} has no ${op.dev}`;
      const seg = op.segment === null ? null : lab.segment(op.segment);
      if (op.segment !== null && !seg) return `no network named ${op.segment}`;
      host.attach(op.dev, seg ?? null);
      return null;
    }
    case 'rename': {
      if (!host) return needHost();
      if (lab.host(op.to)) return `${op.to} exists`;
      host.ext.labName = op.to;
      host.setHostname(op.to);
      try { host.fs.writeFile('/etc/hostname', op.to + '\n'); } catch { /* read-only */ }
      return null;
    }
  }
}
