/**
 * What the page does with the worker's guided-lab messages (labClient.ts routes them here):
 * guide, progress and findings into the store; a rebuilt lab (restored, reset, a link) resets
 * what the page showed of the old one and says plainly what happened; a link that could
 * not be opened gets a banner. The URL fragment is removed once read, so a reload restores
 * the autosave (which the link became) instead of the link.
 */
import type { FromWorker } from '../../worker/protocol.ts';
import { rowCache } from '../capture/rowCache.ts';
import { labClient } from '../labClient.ts';
import { useApp } from '../store/index.ts';
import { saveLayout } from '../topology/layout.ts';

export function labsEvent(m: Extract<FromWorker, { t: 'guide' | 'progress' | 'findings' | 'saved' }>): void {
  const st = useApp.getState();
  switch (m.t) {
    case 'guide':
      st.setGuide(m.guide);
      if (m.guide && !st.sideOpen) st.openSide('guide');
      break;
    case 'progress': st.setProgress(m.progress); break;
    case 'findings': st.setFindings(m.findings); break;
    case 'saved': st.setSaved({ events: m.events, storage: m.storage }); break;
  }
}

let firstReady = true;

export function labsReady(m: Extract<FromWorker, { t: 'ready' }>): void {
  const st = useApp.getState();
  const first = firstReady;
  firstReady = false;
  // The fragment has been read (by the worker): a reload now restores the autosave.
  if (first && /(?:^#|&)lab=/.test(location.hash)) {
    const url = new URL(location.href);
    url.hash = '';
    const params = new URLSearchParams(url.search);
    const key = m.restored?.labKey;
    if (key && params.get('lab') !== key) { params.set('lab', key); url.search = params.toString(); }
    history.replaceState(null, '', url.toString().replace(/#$/, ''));
  }
  if (first) followGuideParam();
  const r = m.restored;
  if (!r) return;
  if (!first) {
    // Another lab replaced the one on screen: forget what was shown of it.
    rowCache.reset(-1);
    useApp.setState({ selectedNo: null, revealNo: null, stream: null, findings: [], findingsByFrame: new Map() });
  }
  if (r.layout) {
    saveLayout(m.preset, r.layout as Record<string, { x: number; y: number; w?: number }>);
    st.bumpLayout();
  }
  if (r.error) {
    st.setBanner({ kind: 'error', key: r.from === 'link' ? 'msg.badLink' : 'msg.badSave', params: { error: r.error } });
    return;
  }
  const KEYS = { saved: 'msg.restoredSaved', link: 'msg.restoredLink', undo: 'msg.restoredUndo', snapshot: 'msg.restoredSnapshot', import: 'msg.restoredImport', reset: 'msg.reset' } as const;
  const note = { key: KEYS[r.from], params: { n: r.events } };
  st.setNotice(note);
  if (r.from === 'link') st.setBanner({ kind: 'info', ...note });
}

/**
 * `?guide=fwmark` (the picker's link to a guide of another lab): follow it once the lab is
 * up (a restored lab keeps its state), then drop it from the URL so a reload does not
 * start it again.
 */
function followGuideParam(): void {
  const params = new URLSearchParams(location.search);
  const id = params.get('guide');
  if (id === null) return;
  params.delete('guide');
  history.replaceState(null, '', `${location.pathname}?${params.toString()}${location.hash}`);
  if (!/^[a-z0-9-]{1,64}$/.test(id)) return;
  labClient().send({ t: 'guide', id });
  useApp.getState().openSide('guide');
}
