/**
 * A least-recently-used cache held in one isolate, bounded by an estimate of its entries' bytes (a Worker has
 * 128 MB in all). Only for values derived from ids that never change meaning (a ready dataset, a fitted model):
 * a new upload or a deletion changes the ids a request looks up, so an entry can go unused but never stale.
 * Access checks are not the cache's business: callers look entries up only after the route's checks ran.
 *
 * Concurrent misses of one key share one computation (the pending promise is the entry), so a burst of
 * identical requests on a cold isolate builds the value once instead of once per request.
 */
export class ByteLru<V> {
  private readonly entries = new Map<string, { value: Promise<V>; bytes: number }>();
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes held now (settled entries' estimates). */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether `key` is held (pending or settled), without touching its recency. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * The value of `key`, computing it with `make` on a miss; `sizeOf` estimates the value's bytes once it is
   * ready. A value larger than the whole budget is returned but not kept; a failed computation is not kept.
   */
  async get(key: string, make: () => Promise<V>, sizeOf: (value: V) => number): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, hit);
      return hit.value;
    }
    const entry = { value: make(), bytes: 0 };
    this.entries.set(key, entry);
    let value: V;
    try {
      value = await entry.value;
    } catch (err) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw err;
    }
    if (this.entries.get(key) !== entry) return value; // forgotten meanwhile
    entry.bytes = sizeOf(value);
    if (entry.bytes > this.maxBytes) {
      this.entries.delete(key);
      return value;
    }
    this.total += entry.bytes;
    for (const [k, e] of this.entries) {
      if (this.total <= this.maxBytes) break;
      if (e === entry) continue;
      this.entries.delete(k);
      this.total -= e.bytes;
    }
    return value;
  }

  /** Drops every entry whose key contains `part` (e.g. a deleted dataset's id). */
  forget(part: string): void {
    for (const [k, e] of this.entries) {
      if (!k.includes(part)) continue;
      this.entries.delete(k);
      this.total -= e.bytes;
    }
  }

  /** Drops everything. */
  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}

/**
 * Every cache an isolate keeps between requests, so that the two events that concern them all reach them all:
 * a dataset's deletion (what was derived from it can go at once: never served again, as its id is gone) and work
 * that needs most of the isolate's memory (a large CLV pass empties them first). A cache registers itself once,
 * when it is created.
 */
export interface IsolateCache {
  /** Drops what was derived from dataset `id`. */
  forgetDataset(id: string): void;
  /** Drops everything. */
  clear(): void;
}

const caches = new Set<IsolateCache>();

/** Registers a cache for `forgetDatasetInIsolateCaches` and `releaseIsolateCaches`. */
export function registerIsolateCache(cache: IsolateCache): void {
  caches.add(cache);
}

/** Registers a ByteLru whose keys hold dataset ids as `|<id>|`, and returns it. */
export function registeredLru<V>(lru: ByteLru<V>): ByteLru<V> {
  registerIsolateCache({ forgetDataset: (id) => lru.forget(`|${id}|`), clear: () => lru.clear() });
  return lru;
}

/** After a dataset's deletion: every isolate cache drops what was derived from it (memory back now). */
export function forgetDatasetInIsolateCaches(id: string): void {
  for (const c of caches) c.forgetDataset(id);
}

/** Before work that needs most of the isolate's memory: every isolate cache is emptied (rebuilt on later requests). */
export function releaseIsolateCaches(): void {
  for (const c of caches) c.clear();
}

/** Estimated bytes of a value made of typed arrays, arrays of strings / numbers / null, and plain objects of those. */
export function approxBytes(value: unknown, seen = new Set<object>()): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "string") return 16 + 2 * value.length;
  if (typeof value !== "object") return 8;
  if (seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (Array.isArray(value)) {
    let b = 16 + 8 * value.length;
    for (const v of value) if (v !== null && typeof v === "object") b += approxBytes(v, seen);
    // Strings: each distinct one counted once (text columns repeat a few values: segments, regions).
    const strings = new Set<string>();
    for (const v of value) if (typeof v === "string") strings.add(v);
    for (const s of strings) b += 16 + 2 * s.length;
    return b;
  }
  let b = 16;
  for (const v of Object.values(value)) b += 8 + approxBytes(v, seen);
  return b;
}
