/**
 * Mounts the Animator in the topology's viewport (so frames pan and zoom with it) and feeds
 * it the hops the worker reports. Clicking a frame in flight selects it in the capture pane.
 */
import { useStoreApi, ViewportPortal } from '@xyflow/react';
import { useEffect, useState } from 'react';
import { labClient } from '../labClient.ts';
import { useApp } from '../store/index.ts';
import { hostId, segId, type Rect } from '../topology/layout.ts';
import { Animator, type AnimGeometry } from './animator.ts';
import { setAnimator } from './handle.ts';

export default function AnimLayer() {
  // A callback ref: the portal may mount its content after this component's first effect.
  const [g, setG] = useState<SVGGElement | null>(null);
  const store = useStoreApi();

  useEffect(() => {
    if (!g) return;
    const rectOf = (id: string): Rect | null => {
      const n = store.getState().nodeLookup.get(id);
      if (!n) return null;
      const w = n.measured.width ?? 0, h = n.measured.height ?? 0;
      if (!w || !h) return null;
      return { x: n.internals.positionAbsolute.x, y: n.internals.positionAbsolute.y, w, h };
    };
    const geo: AnimGeometry = {
      rightEdge: () => {
        const st = store.getState();
        const [tx, , zoom] = st.transform;
        return (st.width - tx) / zoom;
      },
      hostRect: (id) => {
        const h = useApp.getState().topology?.hosts.find((x) => x.id === id);
        return h ? rectOf(hostId(h.name)) : null;
      },
      nic: (nicId) => {
        const topo = useApp.getState().topology;
        if (!topo) return null;
        for (const h of topo.hosts) {
          const n = h.nics.find((x) => x.id === nicId);
          if (!n || n.segment === null) continue;
          const seg = topo.segments.find((s) => s.id === n.segment);
          const r = seg ? rectOf(segId(seg.name)) : null;
          if (!r) return null;
          const same = h.nics.filter((x) => x.segment === n.segment);
          return { hostId: h.id, seg: r, slot: same.indexOf(n), slots: same.length };
        }
        return null;
      },
    };
    const a = new Animator(g, geo);
    a.onSelect = (no) => { const s = useApp.getState(); s.setBottomTab('packets'); s.select(no, true); };
    const sync = () => { const m = useApp.getState().mode; a.speed = m.speed; };
    sync();
    const unsubMode = useApp.subscribe((s, p) => {
      if (s.mode !== p.mode) { sync(); if (!s.mode.animate) a.clear(); }
      if (s.expandLabels !== p.expandLabels) { a.expanded = s.expandLabels; a.relabel(); }
    });
    const unsubHops = labClient().onHops((hops) => a.add(hops));
    setAnimator(a);
    return () => { unsubMode(); unsubHops(); setAnimator(null); a.dispose(); };
  }, [g, store]);

  return (
    <ViewportPortal>
      <svg className="anim-layer" width="1" height="1" aria-hidden="true"><g ref={setG} /></svg>
    </ViewportPortal>
  );
}
