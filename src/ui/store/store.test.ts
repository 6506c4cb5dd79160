import { beforeEach, describe, expect, it } from 'vitest';
import type { ToWorker } from '../../worker/protocol.ts';
import { createAppStore } from './index.ts';
import { setPort } from './port.ts';

let sent: ToWorker[] = [];
let store = createAppStore();

beforeEach(() => {
  sent = [];
  setPort({ send: (m) => { sent.push(m); } });
  store = createAppStore();
});

describe('terminal slice', () => {
  it('splits while 80 columns fit, then switches the active pane', () => {
    const s = () => store.getState();
    s().setTermAreaWidth(1300);
    s().openTerm('lvs', 'auto');
    s().openTerm('client', 'auto');
    expect(s().openTerms).toEqual(['lvs', 'client']);
    s().openTerm('RS1', 'auto');
    expect(s().openTerms).toEqual(['lvs', 'RS1']);
    expect(s().activeTerm).toBe('RS1');
    s().openTerm('RS2', 'split');
    expect(s().openTerms).toEqual(['lvs', 'RS1', 'RS2']);
    s().closeTerm('RS2');
    expect(s().activeTerm).toBe('RS1');
  });

  it('keeps at most four terminals side by side', () => {
    for (const h of ['a', 'b', 'c', 'd', 'e']) store.getState().openTerm(h, 'split');
    expect(store.getState().openTerms).toEqual(['b', 'c', 'd', 'e']);
  });
});

describe('capture slice', () => {
  it('sends the capture point and the filter to the lab', () => {
    store.getState().applyFilter('tcp.port == 80');
    store.getState().setPoint({ kind: 'segment', segment: 'vmnet1' });
    expect(sent).toEqual([
      { t: 'view', point: { kind: 'all' }, filter: 'tcp.port == 80' },
      { t: 'view', point: { kind: 'segment', segment: 'vmnet1' }, filter: 'tcp.port == 80' },
    ]);
    expect(store.getState().filterText).toBe('tcp.port == 80');
  });

  it('selects a frame and asks the list to reveal it', () => {
    store.getState().select(42, true);
    expect(store.getState()).toMatchObject({ selectedNo: 42, revealNo: 42 });
    store.getState().revealed();
    expect(store.getState().revealNo).toBe(null);
  });
});

describe('animation slice', () => {
  it('steps back from the newest frame, pausing first', () => {
    store.setState({ status: { now: 0, frames: 10, evicted: 0, busy: [], travelAt: null, travelEnd: null, mode: store.getState().mode, engine: 'session' } });
    store.getState().stepBack();
    expect(store.getState().mode.paused).toBe(true);
    expect(sent).toContainEqual({ t: 'travel', no: 9 });
    expect(store.getState().selectedNo).toBe(9);
  });

  it('does nothing without frames', () => {
    store.getState().stepBack();
    expect(sent).toEqual([]);
  });
});
