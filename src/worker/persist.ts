/**
 * Saving in the lab worker: the worker owns the journal, knows when a command finishes and
 * can reach IndexedDB, so autosave, restore, reset/undo, snapshots and export/import live
 * here (src/persist does the storing; this only decides when and what).
 *
 * A saved lab is a LabShare: preset, journal, the guide's progress, the topology layout.
 * Teachers' guides a saved lab follows are kept beside it (`lvs-lab.v1.guides.<id>`), so a
 * reload can follow them again.
 *
 * Without a store (tests, a browser refusing storage) every operation answers plainly
 * that nothing can be saved; the lab itself works the same.
 */
import { LabStore } from '../persist/labStore.ts';
import type { KeyValueStore } from '../persist/storage.ts';
import type { LabShare, Result } from '../share/schema.ts';

export const PRESET_NAMES = ['nat', 'dr', 'tun', 'fullnat', 'ha', 'blank'] as const;

const GUIDE_KEY = (id: string) => `lvs-lab.v1.guides.${id}`;
const LAB_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class Persist {
  private opened: Promise<LabStore | null> | null = null;
  private labs: LabStore | null = null;
  kind = 'none';

  constructor(private readonly open?: () => Promise<KeyValueStore>) {}

  get available(): boolean { return !!this.open; }

  /** The store, opened on first use (null when there is none or it failed). */
  store(): Promise<LabStore | null> {
    if (!this.open) return Promise.resolve(null);
    this.opened ??= this.open().then((kv) => {
      this.kind = kv.kind;
      this.labs = new LabStore(kv, { presets: PRESET_NAMES });
      return this.labs;
    }, () => null);
    return this.opened;
  }

  static validKey(k: string | null | undefined): k is string { return !!k && LAB_KEY.test(k); }

  /** The autosaved lab of `labKey`, with a time limit (a blocked database must not keep the lab from starting). */
  async restore(labKey: string, timeoutMs = 2500): Promise<Result<LabShare> | null> {
    const timeout = new Promise<null>((r) => setTimeout(() => r(null), timeoutMs));
    const work = (async () => {
      const s = await this.store();
      return s ? s.restore(labKey) : null;
    })().catch(() => null);
    return Promise.race([work, timeout]);
  }

  autosave(labKey: string, share: LabShare): Promise<boolean> {
    return this.store().then((s) => (s ? s.autosave(labKey, share).then(() => true) : false)).catch(() => false);
  }

  async saveGuide(id: string, text: string): Promise<void> {
    const s = await this.store();
    if (s && LAB_KEY.test(id)) await s.store.set(GUIDE_KEY(id), text).catch(() => {});
  }

  async loadGuide(id: string): Promise<string | null> {
    const s = await this.store();
    if (!s || !LAB_KEY.test(id)) return null;
    return s.store.get(GUIDE_KEY(id)).catch(() => null);
  }
}
