import { describe, expect, it } from 'vitest';
import { createLab } from '../../core/lab/presets.ts';
import { topologySnapshot } from '../../worker/snapshot.ts';
import { autoLayout, exitPoint, wire } from './layout.ts';

describe('autoLayout', () => {
  it('draws the NAT lab top-down: client, vmnet8, lvs, vmnet1, real servers', () => {
    const l = autoLayout(topologySnapshot(createLab('nat'), 1));
    const y = (h: string) => l.hosts.get(h)!.y;
    expect(y('client')).toBeLessThan(l.segments.get('vmnet8')!.y);
    expect(l.segments.get('vmnet8')!.y).toBeLessThan(y('lvs'));
    expect(y('lvs')).toBeLessThan(l.segments.get('vmnet1')!.y);
    expect(l.segments.get('vmnet1')!.y).toBeLessThan(y('RS1'));
    expect(y('RS1')).toBe(y('RS2'));
    expect(y('gateway')).toBe(y('client'));
  });
  it('puts route between the networks in DR', () => {
    const l = autoLayout(topologySnapshot(createLab('dr'), 1));
    expect(l.hosts.get('route')!.y).toBeLessThan(l.segments.get('vmnet1')!.y);
    expect(l.hosts.get('lvs')!.y).toBe(l.hosts.get('RS1')!.y);
  });
});

describe('geometry', () => {
  it('leaves a box where the line to a point crosses it', () => {
    expect(exitPoint({ x: 0, y: 0, w: 100, h: 50 }, { x: 50, y: 200 })).toEqual({ x: 50, y: 50 });
  });
  it('runs wires straight down to the bar when the host is above it', () => {
    const [a, b] = wire({ x: 0, y: 0, w: 100, h: 50 }, { x: -100, y: 100, w: 400, h: 30 });
    expect(a).toEqual({ x: 50, y: 50 });
    expect(b).toEqual({ x: 50, y: 100 });
  });
});
