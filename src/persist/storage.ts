/**
 * Where saved labs live: a small asynchronous key-value interface with three
 * implementations — IndexedDB (the browser's real storage, large quota), localStorage (the
 * fallback when IndexedDB is missing or refused: private windows of some browsers, file://
 * pages), and memory (tests, and the last resort, which lasts until the tab closes).
 *
 * Values are strings (the saved lab's JSON). Keys are namespaced by the caller.
 * Failures (quota, a blocked database) reject the promise; the caller decides what to say.
 */

export interface KeyValueStore {
  /** Which implementation this is (for a "saved in …" hint and diagnostics). */
  readonly kind: 'indexeddb' | 'localstorage' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
  /** Keys starting with `prefix`, sorted. */
  keys(prefix: string): Promise<string[]>;
}

export class MemoryStore implements KeyValueStore {
  readonly kind = 'memory';
  readonly data = new Map<string, string>();
  /** Writes seen (tests count them). */
  writes = 0;
  async get(key: string): Promise<string | null> { return this.data.get(key) ?? null; }
  async set(key: string, value: string): Promise<void> { this.writes++; this.data.set(key, value); }
  async remove(key: string): Promise<void> { this.data.delete(key); }
  async keys(prefix: string): Promise<string[]> { return [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort(); }
}

/** The part of the Web Storage API this uses (so tests can pass a plain object). */
export interface StorageLike {
  readonly length: number;
  key(i: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class LocalStorageStore implements KeyValueStore {
  readonly kind = 'localstorage';
  constructor(private readonly s: StorageLike) {}
  async get(key: string): Promise<string | null> { return this.s.getItem(key); }
  async set(key: string, value: string): Promise<void> { this.s.setItem(key, value); }
  async remove(key: string): Promise<void> { this.s.removeItem(key); }
  async keys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < this.s.length; i++) {
      const k = this.s.key(i);
      if (k !== null && k.startsWith(prefix)) out.push(k);
    }
    return out.sort();
  }
}

const DB_NAME = 'lvs-lab';
const STORE = 'kv';

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

export class IndexedDbStore implements KeyValueStore {
  readonly kind = 'indexeddb';
  private constructor(private readonly db: IDBDatabase) {}

  static async open(factory: IDBFactory = globalThis.indexedDB): Promise<IndexedDbStore> {
    if (!factory) throw new Error('no IndexedDB');
    const open = factory.open(DB_NAME, 1);
    open.onupgradeneeded = () => {
      if (!open.result.objectStoreNames.contains(STORE)) open.result.createObjectStore(STORE);
    };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error ?? new Error('IndexedDB open failed'));
      open.onblocked = () => reject(new Error('IndexedDB blocked'));
    });
    return new IndexedDbStore(db);
  }

  private tx(mode: IDBTransactionMode): IDBObjectStore { return this.db.transaction(STORE, mode).objectStore(STORE); }

  async get(key: string): Promise<string | null> {
    const v = await req(this.tx('readonly').get(key));
    return typeof v === 'string' ? v : null;
  }
  async set(key: string, value: string): Promise<void> {
    const st = this.tx('readwrite');
    await req(st.put(value, key));
    await new Promise<void>((resolve, reject) => {
      st.transaction.oncomplete = () => resolve();
      st.transaction.onerror = () => reject(st.transaction.error ?? new Error('IndexedDB write failed'));
      st.transaction.onabort = () => reject(st.transaction.error ?? new Error('IndexedDB write aborted'));
    });
  }
  async remove(key: string): Promise<void> { await req(this.tx('readwrite').delete(key)); }
  async keys(prefix: string): Promise<string[]> {
    const range = IDBKeyRange.bound(prefix, prefix + '\uffff');
    const ks = await req(this.tx('readonly').getAllKeys(range));
    return ks.filter((k): k is string => typeof k === 'string').sort();
  }
}

/** The best storage this browser offers: IndexedDB, else localStorage, else memory. */
export async function openBestStore(): Promise<KeyValueStore> {
  try {
    if (globalThis.indexedDB) return await IndexedDbStore.open();
  } catch { /* fall through */ }
  try {
    const ls = globalThis.localStorage;
    if (ls) {
      const probe = '__lvs-lab-probe__';
      ls.setItem(probe, '1');
      ls.removeItem(probe);
      return new LocalStorageStore(ls);
    }
  } catch { /* fall through */ }
  return new MemoryStore();
}
