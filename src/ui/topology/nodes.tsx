/**
 * The topology's node and edge components (declared once, at module scope, memoised, as
 * xyflow wants): a host (hostname, role, NICs with address and MAC; the director's live IPVS
 * table), a network drawn as a switch bar, the NAT gateway, and the wire from a NIC to its
 * network. They read the IPVS table from the store themselves, so traffic that changes
 * connection counters re-renders the director's node only.
 */
import { BaseEdge, Handle, Position, useInternalNode, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { HostInfo, IpvsServiceInfo, SegmentInfo } from '../../worker/protocol.ts';
import { useT } from '../i18n/useT.ts';
import { useApp } from '../store/index.ts';
import type { TopoMenu } from '../store/types.ts';
import { useL } from '../labs/text.ts';
import { CheckerBadges, useVipsHere, VrrpBadge } from '../keepalived/KeepalivedBadges.tsx';
import { wire, type Rect } from './layout.ts';

export type HostData = { host: HostInfo };
export type SegmentData = { seg: SegmentInfo; w: number };
export type HostNode = Node<HostData, 'host'>;
export type GatewayNode = Node<HostData, 'gateway'>;
export type SegmentNode = Node<SegmentData, 'segment'>;
export type AppNode = HostNode | GatewayNode | SegmentNode;

export type WireData = { nic: string; addr: string; slot: number; slots: number; up: boolean };
export type WireEdge = Edge<WireData, 'wire'>;

const EMPTY: readonly IpvsServiceInfo[] = [];

/** The ⋯ button of a node: opens the topology's edit menu for it, next to the button. */
function MenuButton({ kind, name }: { kind: 'host' | 'segment'; name: string }) {
  const L = useL();
  const label = L('topo.menu', { name });
  return (
    <button type="button" className="icon-btn node-menu nodrag" aria-label={label} title={label} aria-haspopup="menu" data-menu-for={name}
      onClick={(e) => {
        e.stopPropagation();
        const topo = e.currentTarget.closest('.topo')?.getBoundingClientRect();
        const r = e.currentTarget.getBoundingClientRect();
        useApp.getState().setTopoMenu({ kind, name, x: r.left - (topo?.left ?? 0), y: r.bottom - (topo?.top ?? 0) + 2 } as TopoMenu);
      }}>⋯</button>
  );
}

export function RoleIcon({ role }: { role: string }) {
  const common = { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': true, className: 'role-icon' } as const;
  switch (role) {
    case 'client': return <svg {...common}><rect x="1.5" y="2.5" width="13" height="8.5" rx="1" /><path d="M5 14h6M8 11v3" /></svg>;
    case 'director': return <svg {...common}><circle cx="3.5" cy="8" r="2" /><path d="M5.5 8h2.5M8 8l5-4.5M8 8l5 4.5M8 8h5.5" /></svg>;
    case 'realserver': return <svg {...common}><rect x="2" y="2" width="12" height="5" rx="1" /><rect x="2" y="9" width="12" height="5" rx="1" /><path d="M4.5 4.5h1M4.5 11.5h1" /></svg>;
    case 'router': return <svg {...common}><circle cx="8" cy="8" r="6" /><path d="M4.5 8h7M9.5 6l2 2-2 2M8 4.5v7" /></svg>;
    case 'gateway': return <svg {...common}><path d="M4.5 12.5h7.5a2.8 2.8 0 0 0 0-5.6 4 4 0 0 0-7.7-.9A2.9 2.9 0 0 0 4.5 12.5z" /></svg>;
    default: return <svg {...common}><rect x="2" y="3" width="12" height="10" rx="1.5" /></svg>;
  }
}

function IpvsMini({ host }: { host: string }) {
  const t = useT();
  const table = useApp((s) => s.ipvs.tables[host] ?? EMPTY);
  const available = useApp((s) => host in s.ipvs.tables);
  if (!available) return null;
  if (table.length === 0) return <div className="ipvs ipvs--empty">{t('topo.noIpvs')}</div>;
  return (
    <table className="ipvs" aria-label={`${t('topo.ipvsTable')} ${host}`}>
      <thead>
        <tr><th>{t('ipvs.remote')}</th><th title={t('ipvs.forward')}>Fwd</th><th title={t('ipvs.weight')}>W</th><th title={t('ipvs.active')}>Act</th><th title={t('ipvs.inact')}>InAct</th></tr>
      </thead>
      <tbody>
        {table.map((s) => [
          <tr key={`${s.proto}${s.addr}`} className="ipvs__svc"><td colSpan={5}>{s.proto} {s.addr} <span className="ipvs__sched">{s.sched}</span>{s.flags ? <span className="ipvs__flags"> {s.flags}</span> : null}</td></tr>,
          ...s.dests.map((d) => (
            <tr key={`${s.addr}>${d.addr}`} className="ipvs__dest">
              <td>→ {d.addr}</td><td>{d.fwd}</td><td className="num">{d.weight}</td><td className="num">{d.active}</td><td className="num">{d.inact}</td>
            </tr>
          )),
        ])}
      </tbody>
    </table>
  );
}

function HostBody({ host, gateway }: { host: HostInfo; gateway: boolean }) {
  const t = useT();
  const openTerm = useApp((s) => s.openTerm);
  const busy = useApp((s) => s.status?.busy.includes(host.name) ?? false);
  const vips = useVipsHere(host.name);
  return (
    <>
      <Handle type="source" position={Position.Top} className="handle-hidden" isConnectable={false} />
      <Handle type="target" position={Position.Bottom} className="handle-hidden" isConnectable={false} />
      <div className="hn__head">
        <RoleIcon role={host.role} />
        <span className="hn__name">{host.name}</span>
        <span className="hn__role">{t(`role.${host.role}`)}</span>
        {busy && <span className="hn__busy" aria-hidden="true" />}
        {host.shell && !gateway && (
          <button type="button" className="icon-btn hn__term nodrag" aria-label={t('topo.openTerminal', { host: host.name })} title={t('topo.openTerminal', { host: host.name })}
            onClick={(e) => { e.stopPropagation(); openTerm(host.name, e.shiftKey || e.ctrlKey ? 'split' : 'auto'); }}>&gt;_</button>
        )}
        <MenuButton kind="host" name={host.name} />
      </div>
      {!host.powered && <div className="hn__off">{t('topo.poweredOff')}</div>}
      <ul className="hn__nics">
        {host.nics.map((n) => (
          <li key={n.id} className={`nic${n.up && n.carrier ? '' : ' nic--down'}`}>
            <span className="nic__name">{n.name}</span>
            {n.addrs.length ? n.addrs.map((a) => <span key={a} className={`nic__addr${vips.has(a.split('/')[0]) ? ' nic__addr--vip' : ''}`}>{a}</span>) : <span className="nic__addr">—</span>}
            {n.mac && <span className="nic__mac">{n.mac}</span>}
            {!n.carrier && <span className="nic__warn">{t('topo.noCarrier')}</span>}
          </li>
        ))}
      </ul>
      {host.role === 'director' && <IpvsMini host={host.name} />}
      {!gateway && <VrrpBadge host={host.name} />}
      {host.role === 'realserver' && <CheckerBadges host={host.name} addrs={host.nics.flatMap((n) => n.addrs)} />}
    </>
  );
}

export const HostNodeView = memo(function HostNodeView({ data, selected }: NodeProps<HostNode>) {
  return (
    <div className={`hn hn--${data.host.role}${selected ? ' hn--sel' : ''}${data.host.powered ? '' : ' hn--off'}`} data-host={data.host.name}>
      <HostBody host={data.host} gateway={false} />
    </div>
  );
});

export const GatewayNodeView = memo(function GatewayNodeView({ data, selected }: NodeProps<GatewayNode>) {
  return (
    <div className={`hn hn--gateway${selected ? ' hn--sel' : ''}`} data-host={data.host.name}>
      <HostBody host={data.host} gateway />
    </div>
  );
});

export const SegmentNodeView = memo(function SegmentNodeView({ data }: NodeProps<SegmentNode>) {
  const t = useT();
  const s = data.seg;
  return (
    <div className={`seg seg--${s.kind}`} style={{ width: data.w }} data-segment={s.name}>
      <Handle type="target" position={Position.Top} className="handle-hidden" isConnectable={false} />
      <Handle type="source" position={Position.Bottom} className="handle-hidden" isConnectable={false} />
      <svg className="seg__icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><rect x="1.5" y="4.5" width="13" height="7" rx="1.5" /><path d="M4 8h1M7 8h1M10 8h1" /></svg>
      <span className="seg__name">{s.name}</span>
      <span className="seg__kind">{t(`seg.${s.kind}`)}</span>
      <span className="seg__nets">{s.nets.join('  ')}</span>
      <MenuButton kind="segment" name={s.name} />
    </div>
  );
});

export function nodeRect(n: ReturnType<typeof useInternalNode>): Rect | null {
  if (!n) return null;
  const w = n.measured.width ?? n.width ?? 0, h = n.measured.height ?? n.height ?? 0;
  if (!w || !h) return null;
  return { x: n.internals.positionAbsolute.x, y: n.internals.positionAbsolute.y, w, h };
}

/** A NIC's wire: from the host's box to the network's bar, labelled with the NIC's name. */
export const WireEdgeView = memo(function WireEdgeView({ id, source, target, data }: EdgeProps<WireEdge>) {
  const h = nodeRect(useInternalNode(source));
  const s = nodeRect(useInternalNode(target));
  if (!h || !s || !data) return null;
  const [a, b] = wire(h, s, data.slot, data.slots);
  const dx = b.x - a.x, dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const lx = a.x + (dx / len) * 14 + 5, ly = a.y + (dy / len) * 14 + (dy >= 0 ? 4 : -1);
  return (
    <>
      <BaseEdge id={id} path={`M${a.x},${a.y}L${b.x},${b.y}`} className={data.up ? 'wire' : 'wire wire--down'} />
      <text x={lx} y={ly} className="wire__label">{data.nic}</text>
    </>
  );
});

export const nodeTypes = { host: HostNodeView, gateway: GatewayNodeView, segment: SegmentNodeView };
export const edgeTypes = { wire: WireEdgeView };
