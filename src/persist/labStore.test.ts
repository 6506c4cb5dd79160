import { describe, expect, it } from 'vitest';
import { makeShare, shareToJson } from '../share/codec.ts';
import type { InputEvent } from '../shell/sessionApi.ts';
import { LabStore } from './labStore.ts';
import { LocalStorageStore, MemoryStore, type StorageLike } from './storage.ts';

const ev = (text: string, at: number): InputEvent => ({ kind: 'line', host: 'lvs', text, at, step: at });
const lab = (...lines: string[]) => makeShare('nat', lines.map((l, i) => ev(l, (i + 1) * 1000)));

/** A Web Storage stand-in. */
function fakeLocalStorage(): StorageLike & { m: Map<string, string> } {
  const m = new Map<string, string>();
  return {
    m,
    get length() { return m.size; },
    key: (i) => [...m.keys()][i] ?? null,
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => { m.set(k, v); },
    removeItem: (k) => { m.delete(k); },
  };
}

describe('LabStore', () => {
  it('autosaves every command and restores on reload, per lab', async () => {
    const mem = new MemoryStore();
    const store = new LabStore(mem);
    expect(await store.restore('nat')).toBeNull();
    await store.autosave('nat', lab('ipvsadm -Ln'));
    await store.autosave('dr', makeShare('dr', [ev('ip a', 5)]));
    // A new page (reload): a new LabStore over the same storage.
    const again = new LabStore(mem);
    expect(await again.restore('nat')).toEqual({ ok: true, value: lab('ipvsadm -Ln') });
    expect(await again.restore('dr')).toMatchObject({ ok: true, value: { preset: 'dr' } });
  });
  it('coalesces a burst of autosaves: the newest wins, at most two writes', async () => {
    const mem = new MemoryStore();
    const store = new LabStore(mem);
    const ps = [];
    for (let i = 1; i <= 20; i++) ps.push(store.autosave('nat', lab(...Array.from({ length: i }, (_, k) => `echo ${k}`))));
    await Promise.all(ps);
    expect(mem.writes).toBeLessThanOrEqual(2);
    const r = await store.restore('nat');
    expect(r?.ok && r.value.journal.length).toBe(20);
  });
  it('reset keeps the previous journal for undo; undo toggles', async () => {
    const store = new LabStore(new MemoryStore());
    await store.autosave('nat', lab('a', 'b'));
    expect(await store.canUndo('nat')).toBe(false);
    expect((await store.reset('nat'))?.journal.length).toBe(2);
    expect(await store.restore('nat')).toBeNull();
    expect(await store.canUndo('nat')).toBe(true);
    // The student types into the fresh lab, then regrets the reset.
    await store.autosave('nat', lab('c'));
    expect(await store.undo('nat')).toEqual({ ok: true, value: lab('a', 'b') });
    expect(await store.restore('nat')).toEqual({ ok: true, value: lab('a', 'b') });
    expect(await store.undo('nat')).toEqual({ ok: true, value: lab('c') });
  });
  it('snapshots: save one, break things, roll back (and undo the rollback)', async () => {
    const store = new LabStore(new MemoryStore());
    const good = lab('dnf install -y ipvsadm', 'ipvsadm -A -t 192.168.1.100:80 -s rr');
    const s1 = await store.saveSnapshot('nat', 'service added', good, 1_700_000_000_000);
    expect(s1).toEqual({ id: 's1', name: 'service added', time: 1_700_000_000_000, events: 2, at: 2000 });
    const broken = lab('dnf install -y ipvsadm', 'ipvsadm -A -t 192.168.1.100:80 -s rr', 'ipvsadm -C');
    await store.autosave('nat', broken);
    const s2 = await store.saveSnapshot('nat', '  broken\n', broken, 1_700_000_100_000);
    expect(s2.name).toBe('broken');
    expect((await store.listSnapshots('nat')).map((s) => s.name)).toEqual(['service added', 'broken']);
    expect(await store.rollback('nat', 's1')).toEqual(good);
    expect(await store.restore('nat')).toEqual({ ok: true, value: good });
    expect(await store.undo('nat')).toEqual({ ok: true, value: broken });
    await store.deleteSnapshot('nat', 's2');
    expect((await store.listSnapshots('nat')).map((s) => s.id)).toEqual(['s1']);
    expect(await store.loadSnapshot('nat', '../x')).toBeNull();
  });
  it('refuses stored data that no longer validates (and never throws)', async () => {
    const mem = new MemoryStore();
    const store = new LabStore(mem);
    await mem.set('lvs-lab.v1.nat.current', '{"format":"lvs-lab","v":1,"preset":"nat","journal":[{"kind":"rm -rf"}]}');
    const r = await store.restore('nat');
    expect(r?.ok).toBe(false);
    await mem.set('lvs-lab.v1.nat.snap.s1', 'garbage');
    expect(await store.listSnapshots('nat')).toEqual([]);
  });
  it('export and import a file', async () => {
    const store = new LabStore(new MemoryStore());
    const f = store.exportFile('nat', lab('ipvsadm -Ln'), Date.UTC(2024, 4, 14, 8, 30));
    expect(f.name).toBe('lvs-lab-nat-2024-05-14-08-30.json');
    expect(f.text).toBe(shareToJson(lab('ipvsadm -Ln')));
    const other = new LabStore(new MemoryStore());
    expect(await other.importFile(f.text)).toEqual({ ok: true, value: lab('ipvsadm -Ln') });
    expect(await other.restore('nat')).toEqual({ ok: true, value: lab('ipvsadm -Ln') });
    expect((await other.importFile('{"hello":1}')).ok).toBe(false);
  });
  it('works the same over localStorage', async () => {
    const ls = fakeLocalStorage();
    const store = new LabStore(new LocalStorageStore(ls));
    await store.autosave('nat', lab('x'));
    await store.saveSnapshot('nat', 'one', lab('x'), 1);
    expect([...ls.m.keys()].sort()).toEqual(['lvs-lab.v1.nat.current', 'lvs-lab.v1.nat.snap.s1']);
    expect(await new LabStore(new LocalStorageStore(ls)).restore('nat')).toEqual({ ok: true, value: lab('x') });
  });
  it('refuses a lab key that could escape its namespace', async () => {
    const store = new LabStore(new MemoryStore());
    await expect(store.autosave('../evil', lab('x'))).rejects.toThrow();
  });
});
