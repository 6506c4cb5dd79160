/**
 * Editing the lab's hardware from the topology: a menu on a machine (power, cables, NICs
 * and the networks they are on, rename, remove), on a network (remove) or on the empty
 * canvas (add a machine, add a network), opened by right-click, the keyboard's menu key or
 * Shift+F10 on a focused node, or a node's ⋯ button. Every change goes to the worker as a
 * TopologyOp, which the session journals, so edits replay in a shared or reloaded lab.
 *
 * The menu follows the WAI-ARIA menu pattern: focus moves into it, arrow keys move between
 * items, Escape closes it and gives focus back.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { TopologyOp } from '../../shell/sessionApi.ts';
import type { HostInfo, TopologySnapshot } from '../../worker/protocol.ts';
import { labClient } from '../labClient.ts';
import { useL, type LFn } from '../labs/text.ts';
import { useApp } from '../store/index.ts';
import type { TopoMenu as Menu } from '../store/types.ts';
import { terminals } from '../terminal/registry.ts';

export function topoOp(op: TopologyOp): void {
  labClient().send({ t: 'topology', op });
}

function renameHost(from: string, to: string): void {
  topoOp({ op: 'rename', host: from, to });
  terminals.rename(from, to);
  useApp.setState((s) => ({
    openTerms: s.openTerms.map((h) => (h === from ? to : h)),
    activeTerm: s.activeTerm === from ? to : s.activeTerm,
  }));
}

type Item = { label: string; run(): void; danger?: boolean } | { group: string };
type Dialog =
  | { kind: 'rename'; host: string }
  | { kind: 'addNic'; host: string }
  | { kind: 'addHost'; segment?: string }
  | { kind: 'addSegment' }
  | { kind: 'confirm'; text: string; run(): void };

const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,30}$/;
const DEV = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;
const ROLES = ['host', 'client', 'director', 'realserver', 'router'] as const;

function hostItems(h: HostInfo, topo: TopologySnapshot, L: LFn, dialog: (d: Dialog) => void): Item[] {
  const segName = new Map(topo.segments.map((s) => [s.id, s.name]));
  const items: Item[] = [];
  items.push(h.powered
    ? { label: L('topo.powerOff'), run: () => topoOp({ op: 'power', host: h.name, on: false }) }
    : { label: L('topo.powerOn'), run: () => topoOp({ op: 'power', host: h.name, on: true }) });
  for (const n of h.nics) {
    items.push({ group: `${n.name}${n.segment !== null ? ` — ${segName.get(n.segment) ?? ''}` : ''}` });
    items.push(n.carrier
      ? { label: L('topo.unplug', { dev: n.name }), run: () => topoOp({ op: 'cable', host: h.name, dev: n.name, plugged: false }) }
      : { label: L('topo.plug', { dev: n.name }), run: () => topoOp({ op: 'cable', host: h.name, dev: n.name, plugged: true }) });
    for (const s of topo.segments) {
      if (s.id === n.segment) continue;
      items.push({ label: `${L('topo.connect', { dev: n.name })} ${s.name}`, run: () => topoOp({ op: 'connect', host: h.name, dev: n.name, segment: s.name }) });
    }
    if (n.segment !== null) items.push({ label: `${L('topo.connect', { dev: n.name })} ${L('topo.disconnect')}`, run: () => topoOp({ op: 'connect', host: h.name, dev: n.name, segment: null }) });
    items.push({ label: L('topo.removeNic', { dev: n.name }), danger: true, run: () => topoOp({ op: 'removeNic', host: h.name, dev: n.name }) });
  }
  items.push({ group: h.name });
  items.push({ label: L('topo.addNic'), run: () => dialog({ kind: 'addNic', host: h.name }) });
  if (h.role !== 'gateway') items.push({ label: L('topo.rename'), run: () => dialog({ kind: 'rename', host: h.name }) });
  items.push({ label: L('topo.removeHost'), danger: true, run: () => dialog({ kind: 'confirm', text: L('topo.confirmRemove', { name: h.name }), run: () => topoOp({ op: 'removeHost', host: h.name }) }) });
  return items;
}

function DialogView({ d, topo, close }: { d: Dialog; topo: TopologySnapshot; close(): void }) {
  const L = useL();
  const host = 'host' in d ? topo.hosts.find((h) => h.name === d.host) : undefined;
  const nextDev = (h: HostInfo | undefined) => { let i = 0; while (h?.nics.some((n) => n.name === `eth${i}`)) i++; return `eth${i}`; };
  const nextHost = () => { let i = 1; while (topo.hosts.some((h) => h.name.toLowerCase() === `host${i}`)) i++; return `host${i}`; };
  const nextSeg = () => { let i = 2; while (topo.segments.some((s) => s.name === `vmnet${i}`)) i++; return `vmnet${i}`; };
  const [name, setName] = useState(d.kind === 'rename' ? d.host : d.kind === 'addNic' ? nextDev(host) : d.kind === 'addHost' ? nextHost() : d.kind === 'addSegment' ? nextSeg() : '');
  const [role, setRole] = useState<string>('host');
  const [seg, setSeg] = useState<string>(d.kind === 'addHost' ? (d.segment ?? topo.segments[0]?.name ?? '') : topo.segments[0]?.name ?? '');
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => { ref.current?.querySelector<HTMLElement>('input, button')?.focus(); }, []);
  const valid = d.kind === 'confirm' || (d.kind === 'addNic' ? DEV.test(name) : NAME.test(name));
  const submit = () => {
    if (!valid) return;
    switch (d.kind) {
      case 'rename': if (name !== d.host) renameHost(d.host, name); break;
      case 'addNic': topoOp({ op: 'addNic', host: d.host, dev: name, segment: seg }); break;
      case 'addHost':
        topoOp({ op: 'addHost', host: name, role });
        if (seg) topoOp({ op: 'addNic', host: name, dev: 'eth0', segment: seg });
        break;
      case 'addSegment': topoOp({ op: 'addSegment', segment: name }); break;
      case 'confirm': d.run(); break;
    }
    close();
  };
  const title = d.kind === 'rename' ? L('topo.rename') : d.kind === 'addNic' ? L('topo.addNic') : d.kind === 'addHost' ? L('topo.addHost') : d.kind === 'addSegment' ? L('topo.addSegment') : '';
  return (
    <form className="topo-dialog" role="dialog" aria-label={title || d.kind} ref={ref} onSubmit={(e) => { e.preventDefault(); submit(); }}
      onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); close(); } }}>
      {title && <h3>{title.replace(/…$/, '')}{host ? ` — ${host.name}` : ''}</h3>}
      {d.kind === 'confirm' && <p>{d.text}</p>}
      {d.kind !== 'confirm' && (
        <label>{d.kind === 'addNic' ? L('topo.dev') : d.kind === 'rename' ? L('topo.newName') : L('topo.name')}
          <input value={name} maxLength={31} onChange={(e) => setName(e.target.value.trim())} aria-invalid={!valid} spellCheck={false} />
        </label>
      )}
      {d.kind === 'addHost' && (
        <label>{L('topo.role')}
          <select value={role} onChange={(e) => setRole(e.target.value)}>{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}</select>
        </label>
      )}
      {(d.kind === 'addNic' || d.kind === 'addHost') && (
        <label>{L('topo.network')}
          <select value={seg} onChange={(e) => setSeg(e.target.value)}>
            {d.kind === 'addHost' && <option value="">—</option>}
            {topo.segments.map((s) => <option key={s.id} value={s.name}>{s.name}</option>)}
          </select>
        </label>
      )}
      <div className="topo-dialog__btns">
        <button type="button" className="btn btn--small" onClick={close}>{L('topo.cancel')}</button>
        <button type="submit" className="btn btn--small btn--accent" disabled={!valid}>{L('topo.ok')}</button>
      </div>
    </form>
  );
}

/** The menu (and the small dialog some items open), positioned inside the topology. */
export default function TopoMenuView({ menu, topo, bounds }: { menu: Menu | null; topo: TopologySnapshot | null; bounds: () => DOMRect | null }) {
  const L = useL();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const close = () => {
    const m = useApp.getState().topoMenu;
    useApp.getState().setTopoMenu(null);
    // Give the keyboard back to what opened the menu.
    if (m && m.kind !== 'pane') requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-menu-for="${CSS.escape(m.name)}"]`)?.focus());
  };
  useEffect(() => {
    if (!menu) return;
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const down = (e: MouseEvent) => { if (ref.current && !ref.current.contains(e.target as Node)) useApp.getState().setTopoMenu(null); };
    document.addEventListener('mousedown', down);
    return () => document.removeEventListener('mousedown', down);
  }, [menu]);
  if (!topo) return null;
  let items: Item[] = [];
  let label = '';
  if (menu?.kind === 'host') {
    const h = topo.hosts.find((x) => x.name === menu.name);
    if (h) { items = hostItems(h, topo, L, setDialog); label = L('topo.menu', { name: h.name }); }
  } else if (menu?.kind === 'segment') {
    label = L('topo.menu', { name: menu.name });
    items = [
      { label: L('topo.addHost'), run: () => setDialog({ kind: 'addHost', segment: menu.name }) },
      { label: L('topo.removeSegment'), danger: true, run: () => topoOp({ op: 'removeSegment', segment: menu.name }) },
    ];
  } else if (menu?.kind === 'pane') {
    label = L('topo.menuCanvas');
    items = [
      { label: L('topo.addHost'), run: () => setDialog({ kind: 'addHost' }) },
      { label: L('topo.addSegment'), run: () => setDialog({ kind: 'addSegment' }) },
    ];
  }
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const els = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = els.indexOf(document.activeElement as HTMLElement);
    const go = (j: number) => { e.preventDefault(); els[(j + els.length) % els.length]?.focus(); };
    if (e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'ArrowUp') go(i - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(els.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') { e.preventDefault(); close(); }
  };
  const b = bounds();
  const pos = (x: number, y: number, w = 260, h = 320): React.CSSProperties => {
    const W = b?.width ?? 800, H = b?.height ?? 600;
    return { left: Math.max(4, Math.min(x, W - w - 4)), top: Math.max(4, Math.min(y, H - Math.min(h, H - 8) - 4)) };
  };
  let body: ReactNode = null;
  if (menu && items.length) {
    body = (
      <div className="topo-menu" role="menu" aria-label={label} ref={ref} style={pos(menu.x, menu.y, 260, items.length * 28 + 10)} onKeyDown={onKey}>
        {items.map((it, i) => ('group' in it
          ? <div key={i} className="topo-menu__group" role="presentation">{it.group}</div>
          : <button key={i} type="button" role="menuitem" tabIndex={-1} className={`topo-menu__item${it.danger ? ' topo-menu__item--danger' : ''}`}
              onClick={() => { useApp.getState().setTopoMenu(null); it.run(); }}>{it.label}</button>))}
      </div>
    );
  }
  return (
    <>
      {body}
      {dialog && <div className="topo-dialog-wrap" style={pos(40, 40, 300, 220)}><DialogView d={dialog} topo={topo} close={() => setDialog(null)} /></div>}
    </>
  );
}
