/**
 * Datasets a worker holds, by content hash: bounded in bytes, least recently used evicted
 * first, so data moves once per worker (docs/design.md, contract 2). Running shards keep their own
 * reference, so evicting an entry never breaks them.
 */
import type { Dataset } from '../shared/data/matrix.js';
import { LimitError, OptionError } from '../shared/errors.js';

export const CACHE_DEFAULTS = {
  /** @default 2 GiB */
  maxBytes: 2 * 1024 * 1024 * 1024,
} as const;

interface Entry {
  ds: Dataset;
  bytes: number;
}

export class DatasetCache {
  // A Map iterates in insertion order: re-inserting on use makes the first key the LRU one.
  private readonly entries = new Map<string, Entry>();
  private used = 0;
  private hits = 0;
  private misses = 0;
  readonly maxBytes: number;

  constructor(maxBytes: number = CACHE_DEFAULTS.maxBytes) {
    if (!Number.isFinite(maxBytes) || maxBytes <= 0) throw new OptionError('cache maxBytes must be a positive number', 'maxBytes');
    this.maxBytes = maxBytes;
  }

  has(hash: string): boolean {
    return this.entries.has(hash);
  }

  /** The dataset, marking it most recently used. */
  get(hash: string): Dataset | undefined {
    const e = this.entries.get(hash);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(hash);
    this.entries.set(hash, e);
    return e.ds;
  }

  /** Insert (or refresh) and evict LRU entries until under the bound. Throws LimitError if it can never fit. */
  put(hash: string, ds: Dataset, bytes: number): void {
    if (bytes > this.maxBytes) throw new LimitError(`dataset ${hash.slice(0, 12)} is ${bytes} bytes, over the worker cache bound of ${this.maxBytes}`);
    const old = this.entries.get(hash);
    if (old) {
      this.entries.delete(hash);
      this.used -= old.bytes;
    }
    while (this.used + bytes > this.maxBytes) {
      const [k, e] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(k);
      this.used -= e.bytes;
    }
    this.entries.set(hash, { ds, bytes });
    this.used += bytes;
  }

  /** Drop one entry (its dataset was deleted upstream). */
  delete(hash: string): void {
    const e = this.entries.get(hash);
    if (!e) return;
    this.entries.delete(hash);
    this.used -= e.bytes;
  }

  /** Entries and bytes held now; get() hits and misses since construction. */
  stats(): { count: number; bytes: number; hits: number; misses: number } {
    return { count: this.entries.size, bytes: this.used, hits: this.hits, misses: this.misses };
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }
}
