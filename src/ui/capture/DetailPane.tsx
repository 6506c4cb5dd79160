/**
 * The selected frame: its protocol tree by layer (Wireshark's packet details) and its bytes
 * in hex and ASCII (packet bytes), the selected field's bytes highlighted. Clicking a byte
 * selects the innermost field it belongs to. Dropped frames and the lab's notes on the
 * frame are shown first, in words a student can act on.
 */
import { lazy, memo, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { FieldNode, FrameDetail, LayerNode } from '../../worker/protocol.ts';
import { useT } from '../i18n/useT.ts';
import { labClient } from '../labClient.ts';
import { useApp } from '../store/index.ts';

// The detector's findings (and their strings) load only when a marked frame is selected.
const FindingCard = lazy(() => import('../labs/Finding.tsx'));

type Range = readonly [number, number];

/** Stable keys for layers ("ip", "ip2" for the inner header of IPIP), so what is expanded stays expanded across frames, as in Wireshark. */
function layerKeys(layers: readonly LayerNode[]): string[] {
  const seen = new Map<string, number>();
  return layers.map((l) => { const n = (seen.get(l.abbrev) ?? 0) + 1; seen.set(l.abbrev, n); return n > 1 ? `${l.abbrev}${n}` : l.abbrev; });
}

function fieldAt(layers: readonly LayerNode[], byte: number): { path: string; range: Range } | null {
  const keys = layerKeys(layers);
  let best: { path: string; range: Range } | null = null;
  const visit = (f: FieldNode, path: string) => {
    const [s, e] = f.range;
    if (byte >= s && byte < e && (!best || e - s <= best.range[1] - best.range[0])) best = { path, range: f.range };
    f.children?.forEach((c, i) => visit(c, `${path}.${i}`));
  };
  layers.forEach((l, li) => {
    if (l.abbrev === 'frame') return;
    if (byte >= l.range[0] && byte < l.range[1] && !best) best = { path: keys[li], range: l.range };
    l.fields.forEach((f, fi) => visit(f, `${keys[li]}.${fi}`));
  });
  return best;
}

const FieldItem = memo(function FieldItem({ f, path, sel, open, onSel, onToggle }: {
  f: FieldNode; path: string; sel: string | null; open: ReadonlySet<string>;
  onSel(path: string, r: Range): void; onToggle(path: string): void;
}) {
  const has = !!f.children?.length;
  const isOpen = open.has(path);
  return (
    <li role="treeitem" aria-expanded={has ? isOpen : undefined} aria-selected={sel === path}>
      <button type="button" className={`tree__row${sel === path ? ' tree__row--sel' : ''}`} title={f.name || undefined}
        onClick={() => { onSel(path, f.range); if (has) onToggle(path); }}>
        <span className="tree__tw" aria-hidden="true">{has ? (isOpen ? '▾' : '▸') : ''}</span>{f.label}
      </button>
      {has && isOpen && (
        <ul role="group">
          {f.children!.map((c, i) => <FieldItem key={i} f={c} path={`${path}.${i}`} sel={sel} open={open} onSel={onSel} onToggle={onToggle} />)}
        </ul>
      )}
    </li>
  );
});

function Hex({ bytes, hl, onByte }: { bytes: Uint8Array; hl: Range | null; onByte(i: number): void }) {
  const t = useT();
  const lines = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const hex = [], asc = [];
    for (let i = off; i < off + 16; i++) {
      if (i >= bytes.length) { hex.push(<span key={i} className="hx__b hx__pad">{'  '}</span>); continue; }
      const on = hl !== null && i >= hl[0] && i < hl[1];
      const b = bytes[i];
      hex.push(<span key={i} data-i={i} className={`hx__b${on ? ' hx--on' : ''}${i - off === 8 ? ' hx__mid' : ''}`}>{b.toString(16).padStart(2, '0')}</span>);
      asc.push(<span key={i} data-i={i} className={on ? 'hx--on' : undefined}>{b >= 32 && b < 127 ? String.fromCharCode(b) : '·'}</span>);
    }
    lines.push(
      <div key={off} className="hx__line">
        <span className="hx__off">{off.toString(16).padStart(4, '0')}</span>
        <span className="hx__hex">{hex}</span>
        <span className="hx__asc">{asc}</span>
      </div>,
    );
  }
  return (
    <div className="hex" role="region" aria-label={t('region.bytes')}
      onClick={(e) => { const i = (e.target as HTMLElement).dataset.i; if (i !== undefined) onByte(Number(i)); }}>
      {lines}
    </div>
  );
}

export default function DetailPane() {
  const t = useT();
  const no = useApp((s) => s.selectedNo);
  const gen = useApp((s) => s.viewGen);
  const [d, setD] = useState<FrameDetail | null>(null);
  const [sel, setSel] = useState<{ path: string; range: Range } | null>(null);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    if (no === null) { setD(null); return; }
    let gone = false;
    void labClient().ask({ q: 'detail', no }).then((x) => {
      if (gone) return;
      setD(x);
      setSel(null);
      // At first, open the innermost layer: usually what a student wants to see.
      setOpen((o) => (x && o.size === 0 ? new Set([layerKeys(x.layers)[x.layers.length - 1]]) : o));
    });
    return () => { gone = true; };
  }, [no, gen]);

  const onSel = useCallback((path: string, range: Range) => setSel({ path, range }), []);
  const onToggle = useCallback((path: string) => setOpen((o) => {
    const n = new Set(o);
    if (n.has(path)) n.delete(path); else n.add(path);
    return n;
  }), []);
  const onByte = useCallback((i: number) => {
    if (!d) return;
    const f = fieldAt(d.layers, i);
    if (!f) return;
    setSel(f);
    // Open the layers and fields on the way to it.
    const parts = f.path.split('.');
    setOpen((o) => { const n = new Set(o); for (let k = 1; k < parts.length; k++) n.add(parts.slice(0, k).join('.')); return n; });
  }, [d]);

  const hl = useMemo(() => (sel && sel.range[1] > sel.range[0] ? sel.range : null), [sel]);
  const findings = useApp((s) => (no === null ? undefined : s.findingsByFrame.get(no)));
  const keys = useMemo(() => (d ? layerKeys(d.layers) : []), [d]);

  if (!d) return <div className="detail detail--empty"><p>{t('cap.noSelection')}</p></div>;
  return (
    <div className="detail">
      <div className="tree-wrap" role="region" aria-label={t('region.details')}>
        {findings && findings.length > 0 && <Suspense fallback={null}>{findings.map((f) => <FindingCard key={f.id} f={f} compact />)}</Suspense>}
        {d.drop && <div className="banner banner--drop"><b>{t('cap.dropped')}</b> {d.drop}</div>}
        {d.notes.length > 0 && <div className="banner banner--note"><b>{t('cap.notes')}</b>{d.notes.map((n, i) => <div key={i}>{n}</div>)}</div>}
        {d.problems.length > 0 && <div className="banner banner--warn"><b>{t('cap.problems')}</b>{d.problems.map((n, i) => <div key={i}>{n}</div>)}</div>}
        <ul className="tree" role="tree" aria-label={t('region.details')}>
          {d.layers.map((l, li) => {
            const p = keys[li];
            const isOpen = open.has(p);
            return (
              <li key={li} role="treeitem" aria-expanded={isOpen} aria-selected={sel?.path === p} className={`tree__layer tree__layer--${l.abbrev}`}>
                <button type="button" className={`tree__row tree__row--layer${sel?.path === p ? ' tree__row--sel' : ''}`}
                  onClick={() => { onSel(p, l.range); onToggle(p); }}>
                  <span className="tree__tw" aria-hidden="true">{isOpen ? '▾' : '▸'}</span>{l.summary}
                </button>
                {isOpen && (
                  <ul role="group">
                    {l.fields.map((f, fi) => <FieldItem key={fi} f={f} path={`${p}.${fi}`} sel={sel?.path ?? null} open={open} onSel={onSel} onToggle={onToggle} />)}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
      </div>
      <Hex bytes={d.bytes} hl={hl} onByte={onByte} />
    </div>
  );
}
