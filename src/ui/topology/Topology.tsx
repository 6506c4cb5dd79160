/**
 * The lab's topology (xyflow): hosts, networks and the NAT gateway as nodes, a wire per NIC,
 * frames animated on top. Nodes can be dragged; the arrangement is saved per preset.
 * Clicking a host (or its >_ button) opens its terminal.
 */
import {
  applyNodeChanges, Controls, ReactFlow, type NodeChange, type NodeMouseHandler, type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/base.css';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TopologySnapshot } from '../../worker/protocol.ts';
import { useT } from '../i18n/useT.ts';
import { useApp } from '../store/index.ts';
import Legend from '../anim/Legend.tsx';
import { autoLayout, clearLayout, hostId, hostWidth, loadLayout, saveLayout, segId, type SavedLayout } from './layout.ts';
import { edgeTypes, nodeTypes, type AppNode, type WireEdge } from './nodes.tsx';
import TopoMenuView from './TopoMenu.tsx';
import { labClient } from '../labClient.ts';
import { useL } from '../labs/text.ts';

const AnimLayer = lazy(() => import('../anim/AnimLayer.tsx'));

/** Room at the top for the zoom controls and the Edit / Reset layout buttons, so no node hides under them. */
const FIT = { padding: { top: '46px', bottom: '14px', left: '14px', right: '14px' } } as const;

function buildNodes(topo: TopologySnapshot, saved: SavedLayout, current: Map<string, AppNode>, ipvsRows: (h: string) => number): AppNode[] {
  const auto = autoLayout(topo, ipvsRows, (h) => current.get(hostId(h))?.measured?.height);
  const out: AppNode[] = [];
  for (const h of topo.hosts) {
    const id = hostId(h.name);
    const pos = current.get(id)?.position ?? saved[id] ?? auto.hosts.get(h.name) ?? { x: 0, y: 0 };
    const type = h.role === 'gateway' ? 'gateway' : 'host';
    out.push({ id, type, position: { x: pos.x, y: pos.y }, data: { host: h }, style: { width: hostWidth(h) } } as AppNode);
  }
  for (const s of topo.segments) {
    const id = segId(s.name);
    const a = auto.segments.get(s.name) ?? { x: 0, y: 0, w: 320 };
    const prev = current.get(id);
    const sv = saved[id];
    const pos = prev?.position ?? sv ?? a;
    const w = (prev?.data as { w?: number } | undefined)?.w ?? sv?.w ?? a.w;
    out.push({ id, type: 'segment', position: { x: pos.x, y: pos.y }, data: { seg: s, w }, zIndex: -1 } as AppNode);
  }
  return out;
}

function buildEdges(topo: TopologySnapshot): WireEdge[] {
  const edges: WireEdge[] = [];
  const segName = new Map(topo.segments.map((s) => [s.id, s.name]));
  for (const h of topo.hosts) {
    for (const n of h.nics) {
      if (n.segment === null || !segName.has(n.segment)) continue;
      const same = h.nics.filter((x) => x.segment === n.segment);
      edges.push({
        id: `w:${h.name}:${n.name}`, type: 'wire', source: hostId(h.name), target: segId(segName.get(n.segment)!),
        data: { nic: n.name, addr: n.addrs[0] ?? '', slot: same.indexOf(n), slots: same.length, up: n.up && n.carrier && h.powered },
        selectable: false, focusable: false,
      });
    }
  }
  return edges;
}

export default function Topology() {
  const t = useT();
  const topo = useApp((s) => s.topology);
  const preset = useApp((s) => s.preset) ?? 'lab';
  const animate = useApp((s) => s.mode.animate);
  const theme = useApp((s) => s.theme);
  const openTerm = useApp((s) => s.openTerm);
  const [nodes, setNodes] = useState<AppNode[]>([]);
  const L = useL();
  const menu = useApp((s) => s.topoMenu);
  const layoutVersion = useApp((s) => s.layoutVersion);
  const box = useRef<HTMLDivElement>(null);
  const bounds = useCallback(() => box.current?.getBoundingClientRect() ?? null, []);
  const flow = useRef<ReactFlowInstance<AppNode, WireEdge> | null>(null);
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;

  // A restored lab brought its layout: take it as it is.
  const seenLayout = useRef(layoutVersion);
  useEffect(() => {
    if (!topo) return;
    const fresh = seenLayout.current !== layoutVersion;
    seenLayout.current = layoutVersion;
    if (fresh) custom.current = Object.keys(loadLayout(preset)).length > 0;
    const current = new Map(fresh ? [] : nodesRef.current.map((n) => [n.id, n]));
    const ipvs = useApp.getState().ipvs;
    const rows = (h: string) => (ipvs.tables[h] ?? []).reduce((a, s) => a + 1 + s.dests.length, 0) + (h in ipvs.tables ? 1 : 0);
    setNodes(buildNodes(topo, loadLayout(preset), current, rows));
  }, [topo, preset, layoutVersion]);

  // Saves and links carry the layout: the worker keeps the latest one.
  useEffect(() => {
    const l = loadLayout(preset);
    labClient().send({ t: 'layout', layout: Object.keys(l).length ? l : null });
  }, [preset, layoutVersion]);

  const edges = useMemo(() => (topo ? buildEdges(topo) : []), [topo]);

  /** The student has arranged the nodes (a saved layout): never move them automatically. */
  const custom = useRef(false);
  useEffect(() => { custom.current = Object.keys(loadLayout(preset)).length > 0; }, [preset]);
  const relayoutQueued = useRef(false);

  const relayout = useCallback(() => {
    relayoutQueued.current = false;
    const topo = useApp.getState().topology;
    if (!topo || custom.current) return;
    const cur = new Map(nodesRef.current.map((n) => [n.id, n]));
    const auto = autoLayout(topo, () => 0, (h) => cur.get(hostId(h))?.measured?.height);
    let moved = false;
    const next = nodesRef.current.map((n) => {
      if (n.type === 'segment') {
        const p = auto.segments.get(n.data.seg.name);
        if (!p || (Math.abs(p.x - n.position.x) < 0.5 && Math.abs(p.y - n.position.y) < 0.5 && p.w === n.data.w)) return n;
        moved = true;
        return { ...n, position: { x: p.x, y: p.y }, data: { ...n.data, w: p.w } };
      }
      const p = auto.hosts.get(n.data.host.name);
      if (!p || (Math.abs(p.x - n.position.x) < 0.5 && Math.abs(p.y - n.position.y) < 0.5)) return n;
      moved = true;
      return { ...n, position: { x: p.x, y: p.y } };
    });
    if (!moved) return;
    setNodes(next as AppNode[]);
    requestAnimationFrame(() => flow.current?.fitView(FIT));
  }, []);

  const onNodesChange = useCallback((changes: NodeChange<AppNode>[]) => {
    setNodes((nds) => applyNodeChanges(changes, nds));
    // A node changed size (the director's IPVS table grew): lay the drawing out again.
    if (!custom.current && !relayoutQueued.current && changes.some((c) => c.type === 'dimensions')) {
      relayoutQueued.current = true;
      requestAnimationFrame(relayout);
    }
  }, [relayout]);

  const onDragStop = useCallback(() => {
    custom.current = true;
    const l: SavedLayout = {};
    for (const n of nodesRef.current) l[n.id] = { x: n.position.x, y: n.position.y, ...(n.type === 'segment' ? { w: n.data.w } : {}) };
    saveLayout(preset, l);
    labClient().send({ t: 'layout', layout: l });
  }, [preset]);

  const onNodeClick: NodeMouseHandler<AppNode> = useCallback((e, n) => {
    if (n.type === 'host' && n.data.host.shell) openTerm(n.data.host.name, e.shiftKey || e.ctrlKey ? 'split' : 'auto');
  }, [openTerm]);

  const onNodeContextMenu: NodeMouseHandler<AppNode> = useCallback((e, n) => {
    e.preventDefault();
    const b = box.current?.getBoundingClientRect();
    const x = e.clientX - (b?.left ?? 0), y = e.clientY - (b?.top ?? 0);
    // The keyboard's menu key fires this at the focused node, at 0,0: put the menu under the node instead.
    const el = (e.target as Element).closest('.react-flow__node')?.getBoundingClientRect();
    const at = e.clientX === 0 && e.clientY === 0 && el ? { x: el.left - (b?.left ?? 0) + 10, y: el.top - (b?.top ?? 0) + 30 } : { x, y };
    if (n.type === 'segment') useApp.getState().setTopoMenu({ kind: 'segment', name: n.data.seg.name, ...at });
    else useApp.getState().setTopoMenu({ kind: 'host', name: n.data.host.name, ...at });
  }, []);

  const onPaneContextMenu = useCallback((e: MouseEvent | React.MouseEvent) => {
    e.preventDefault();
    const b = box.current?.getBoundingClientRect();
    useApp.getState().setTopoMenu({ kind: 'pane', x: e.clientX - (b?.left ?? 0), y: e.clientY - (b?.top ?? 0) });
  }, []);

  const reset = useCallback(() => {
    if (!topo) return;
    clearLayout(preset);
    custom.current = false;
    const ipvs = useApp.getState().ipvs;
    setNodes(buildNodes(topo, {}, new Map(), (h) => (ipvs.tables[h] ?? []).reduce((a, s) => a + 1 + s.dests.length, 0)));
    requestAnimationFrame(() => flow.current?.fitView(FIT));
  }, [topo, preset]);

  return (
    <div className="topo" role="region" aria-label={t('region.topology')} ref={box}
      onKeyDown={(e) => {
        // Shift+F10 on a focused node: its menu, as the menu key.
        if (e.key === 'F10' && e.shiftKey) { e.preventDefault(); (e.target as Element).closest('.react-flow__node')?.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true })); }
      }}>
      <ReactFlow<AppNode, WireEdge>
        nodes={nodes} edges={edges} nodeTypes={nodeTypes} edgeTypes={edgeTypes}
        onNodesChange={onNodesChange} onNodeDragStop={onDragStop} onNodeClick={onNodeClick}
        onNodeContextMenu={onNodeContextMenu} onPaneContextMenu={onPaneContextMenu}
        onInit={(inst) => { flow.current = inst; }}
        nodesConnectable={false} edgesFocusable={false} elementsSelectable
        fitView fitViewOptions={FIT} minZoom={0.25} maxZoom={2.5}
        colorMode={theme} proOptions={{ hideAttribution: false }}
        onlyRenderVisibleElements={false}
      >
        <Controls showInteractive={false} position="top-left" orientation="horizontal" />
        {animate && <Suspense fallback={null}><AnimLayer /></Suspense>}
      </ReactFlow>
      <div className="topo__tools">
        <button type="button" className="btn btn--ghost topo__edit" title={L('topo.editTitle')} aria-haspopup="menu"
          onClick={(e) => { const b = box.current?.getBoundingClientRect(); const r = e.currentTarget.getBoundingClientRect(); useApp.getState().setTopoMenu({ kind: 'pane', x: r.left - (b?.left ?? 0), y: r.bottom - (b?.top ?? 0) + 2 }); }}>
          + {L('topo.edit')}
        </button>
        <button type="button" className="btn btn--ghost topo__reset" onClick={reset}>{t('topo.resetLayout')}</button>
      </div>
      <TopoMenuView menu={menu} topo={topo} bounds={bounds} />
      <Legend />
    </div>
  );
}
