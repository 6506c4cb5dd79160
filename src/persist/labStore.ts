/**
 * Saving labs in the browser: autosave after every command, restore on reload, "Reset lab"
 * with undo, export/import to a file, and named snapshots ("save one, break things, roll
 * back"). Pure logic over a KeyValueStore (storage.ts), so it is tested with a memory store.
 *
 * A saved lab is a LabShare (src/share/schema.ts): the preset plus the journal, replayed by
 * the worker to rebuild the lab. Everything read back from storage goes through the same
 * validation as a link or an imported file (storage may hold data from an older version,
 * or data someone edited by hand).
 *
 * Keys, per lab (`labKey` is the start page's lab id or the preset):
 *   lvs-lab.v1.<labKey>.current        the autosaved lab
 *   lvs-lab.v1.<labKey>.undo           what Reset or a rollback replaced (one level of undo)
 *   lvs-lab.v1.<labKey>.snap.<id>      a snapshot: { name, time, share }
 * A snapshot is a journal prefix (the journal when it was taken) with a name and the real
 * time it was taken (passed in: this module reads no clock).
 */
import { shareFromJson, shareToJson } from '../share/codec.ts';
import type { LabShare, Result, ValidateOptions } from '../share/schema.ts';
import type { KeyValueStore } from './storage.ts';

const PREFIX = 'lvs-lab.v1.';
const LAB_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface SnapshotInfo {
  readonly id: string;
  readonly name: string;
  /** Real time it was taken (ms since the epoch, from the caller's clock). */
  readonly time: number;
  /** Inputs in its journal. */
  readonly events: number;
  /** Virtual time of its last input (µs). */
  readonly at: number;
}

export interface Snapshot extends SnapshotInfo {
  readonly share: LabShare;
}

function key(labKey: string, part: string): string {
  if (!LAB_KEY.test(labKey)) throw new Error(`bad lab key ${labKey}`);
  return `${PREFIX}${labKey}.${part}`;
}

export class LabStore {
  /** Autosaves queued while a write is in flight: only the latest is written. */
  private pending = new Map<string, LabShare>();
  private inFlight = new Map<string, Promise<void>>();

  constructor(readonly store: KeyValueStore, private readonly opts: ValidateOptions = {}) {}

  private parse(text: string | null): Result<LabShare> | null {
    if (text === null) return null;
    return shareFromJson(text, this.opts);
  }

  // ---- autosave and restore ------------------------------------------------------------------------

  /**
   * Save the lab as it is now (call after every command). Writes are serialized per lab and
   * coalesced: while one is in flight only the newest state waits, so a burst of commands
   * costs at most two writes. The promise settles when this state (or a newer one) is saved.
   */
  autosave(labKey: string, share: LabShare): Promise<void> {
    let k: string;
    try { k = key(labKey, 'current'); } catch (e) { return Promise.reject(e); }
    this.pending.set(k, share);
    const running = this.inFlight.get(k);
    if (running) return running; // its loop writes the newest pending state before it ends
    const loop = (async () => {
      try {
        for (;;) {
          const next = this.pending.get(k);
          if (!next) break;
          this.pending.delete(k);
          await this.store.set(k, shareToJson(next));
        }
      } finally {
        this.inFlight.delete(k);
      }
    })();
    this.inFlight.set(k, loop);
    return loop;
  }

  /** Wait for every queued autosave (before unload, before export). */
  async flush(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight.values()]);
  }

  /** The autosaved lab, null when there is none, or an error for a save that no longer validates. */
  async restore(labKey: string): Promise<Result<LabShare> | null> {
    await this.flush();
    return this.parse(await this.store.get(key(labKey, 'current')));
  }

  // ---- reset with undo -----------------------------------------------------------------------------

  /** "Reset lab": forget the current lab, keeping it for undoReset. Returns what was kept. */
  async reset(labKey: string): Promise<LabShare | null> {
    await this.flush();
    const cur = await this.store.get(key(labKey, 'current'));
    if (cur === null) return null;
    await this.store.set(key(labKey, 'undo'), cur);
    await this.store.remove(key(labKey, 'current'));
    const r = this.parse(cur);
    return r && r.ok ? r.value : null;
  }

  /** Is there something Reset (or a rollback) replaced? */
  async canUndo(labKey: string): Promise<boolean> {
    return (await this.store.get(key(labKey, 'undo'))) !== null;
  }

  /**
   * Undo the last Reset or rollback: the kept lab becomes current again (and the one it
   * replaces is kept in turn, so undo toggles). Returns the lab to replay.
   */
  async undo(labKey: string): Promise<Result<LabShare> | null> {
    await this.flush();
    const kept = await this.store.get(key(labKey, 'undo'));
    if (kept === null) return null;
    const r = this.parse(kept);
    if (!r || !r.ok) return r;
    const cur = await this.store.get(key(labKey, 'current'));
    if (cur !== null) await this.store.set(key(labKey, 'undo'), cur);
    else await this.store.remove(key(labKey, 'undo'));
    await this.store.set(key(labKey, 'current'), kept);
    return r;
  }

  // ---- snapshots -------------------------------------------------------------------------------------

  /** Save a named snapshot of `share` (the journal so far). `time`: the caller's clock (Date.now()). */
  async saveSnapshot(labKey: string, name: string, share: LabShare, time: number): Promise<SnapshotInfo> {
    const clean = name.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 80) || 'snapshot';
    const existing = await this.listSnapshots(labKey);
    let n = existing.length + 1;
    let id = `s${n}`;
    while (existing.some((s) => s.id === id)) id = `s${++n}`;
    const last = share.journal[share.journal.length - 1];
    const info: SnapshotInfo = { id, name: clean, time: Math.max(0, Math.floor(time)), events: share.journal.length, at: last ? last.at : 0 };
    await this.store.set(key(labKey, `snap.${id}`), JSON.stringify({ name: info.name, time: info.time, share: JSON.parse(shareToJson(share)) }));
    return info;
  }

  async listSnapshots(labKey: string): Promise<SnapshotInfo[]> {
    const prefix = key(labKey, 'snap.');
    const out: SnapshotInfo[] = [];
    for (const k of await this.store.keys(prefix)) {
      const s = this.parseSnapshot(k.slice(prefix.length), await this.store.get(k));
      if (s) out.push({ id: s.id, name: s.name, time: s.time, events: s.events, at: s.at });
    }
    return out.sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
  }

  async loadSnapshot(labKey: string, id: string): Promise<Snapshot | null> {
    if (!/^s\d{1,6}$/.test(id)) return null;
    return this.parseSnapshot(id, await this.store.get(key(labKey, `snap.${id}`)));
  }

  private parseSnapshot(id: string, text: string | null): Snapshot | null {
    if (text === null || !/^s\d{1,6}$/.test(id)) return null;
    let raw: unknown;
    try { raw = JSON.parse(text); } catch { return null; }
    if (typeof raw !== 'object' || raw === null) return null;
    const o = raw as Record<string, unknown>;
    if (typeof o.name !== 'string' || typeof o.time !== 'number' || !Number.isFinite(o.time)) return null;
    const r = shareFromJson(JSON.stringify(o.share), this.opts);
    if (!r.ok) return null;
    const last = r.value.journal[r.value.journal.length - 1];
    return { id, name: o.name.slice(0, 80), time: o.time, events: r.value.journal.length, at: last ? last.at : 0, share: r.value };
  }

  /** Roll back to a snapshot: it becomes the current lab (the one it replaces can be undone). */
  async rollback(labKey: string, id: string): Promise<LabShare | null> {
    await this.flush();
    const s = await this.loadSnapshot(labKey, id);
    if (!s) return null;
    const cur = await this.store.get(key(labKey, 'current'));
    if (cur !== null) await this.store.set(key(labKey, 'undo'), cur);
    await this.store.set(key(labKey, 'current'), shareToJson(s.share));
    return s.share;
  }

  async deleteSnapshot(labKey: string, id: string): Promise<void> {
    if (/^s\d{1,6}$/.test(id)) await this.store.remove(key(labKey, `snap.${id}`));
  }

  // ---- files -------------------------------------------------------------------------------------------

  /** The file Export offers: a name and its JSON text (the share schema with a format tag). */
  exportFile(labKey: string, share: LabShare, time: number): { name: string; text: string } {
    const d = new Date(time);
    const stamp = Number.isFinite(d.getTime()) ? d.toISOString().slice(0, 16).replace(/[:T]/g, '-') : 'lab';
    return { name: `lvs-lab-${labKey}-${stamp}.json`, text: shareToJson(share) };
  }

  /** Import a file: validated like a link; on success it also becomes the autosaved lab of its preset or lab id. */
  async importFile(text: string | Uint8Array): Promise<Result<LabShare>> {
    const r = shareFromJson(text, this.opts);
    if (!r.ok) return r;
    const labKey = r.value.lab ?? r.value.preset;
    await this.flush();
    const cur = await this.store.get(key(labKey, 'current'));
    if (cur !== null) await this.store.set(key(labKey, 'undo'), cur);
    await this.store.set(key(labKey, 'current'), shareToJson(r.value));
    return r;
  }
}
