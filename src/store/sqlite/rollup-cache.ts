/**
 * Write-through LRU of decoded rollup cells, so a hot bucket (the current minute/hour/day of a busy
 * service) is not decoded from its sketch BLOBs on every commit. Bounded by entry count, so memory is
 * bounded by cardinality. The owner must `clear()` it when a commit fails (the cached cells were
 * mutated before the rollback) and when another connection may have written rollups.
 */
import type { RollupCell } from '../../core/rollup.ts';

export class RollupCache {
  readonly #max: number;
  readonly #map = new Map<string, RollupCell>();

  constructor(maxEntries: number) {
    this.#max = maxEntries;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: string): RollupCell | undefined {
    const c = this.#map.get(key);
    if (c !== undefined) {
      // Map iteration order is insertion order: re-insert to mark as most recently used.
      this.#map.delete(key);
      this.#map.set(key, c);
    }
    return c;
  }

  set(key: string, cell: RollupCell): void {
    if (this.#max <= 0) return;
    this.#map.delete(key);
    this.#map.set(key, cell);
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (oldest.done !== true) this.#map.delete(oldest.value);
    }
  }

  clear(): void {
    this.#map.clear();
  }
}

/**
 * Decoded rollup rows per bucket for reads (readRollups), so a report over 30 days does not run SQL
 * and decode sketches for the ~100 closed day/hour buckets it read a moment ago: only the buckets that
 * ingest wrote since (the open minute, hour and day) are read again. Entries hold one bucket's rows of
 * one query shape (cohorts or whole-service only, with or without sketches). The owner invalidates a
 * bucket whenever a commit writes a row of it, and clears everything when a commit fails or another
 * connection committed (data_version). Bounded by the approximate bytes held (`weigh`), least recently
 * used first. The rows are shared between reads: callers only read them (Store.readRollups).
 */
export class RollupReadCache<Row> {
  readonly #maxBytes: number;
  readonly #weigh: (row: Row) => number;
  #bytes = 0;
  readonly #map = new Map<string, { readonly rows: readonly Row[]; readonly bytes: number }>();

  constructor(maxBytes: number, weigh: (row: Row) => number) {
    this.#maxBytes = maxBytes;
    this.#weigh = weigh;
  }

  get enabled(): boolean {
    return this.#maxBytes > 0;
  }

  get bytes(): number {
    return this.#bytes;
  }

  static key(resolution: string, service: string, bucket: number, cohorts: boolean, sketches: boolean): string {
    return `${resolution}\u0000${service}\u0000${bucket}\u0000${cohorts ? 'c' : 'w'}${sketches ? 's' : 'n'}`;
  }

  get(key: string): readonly Row[] | undefined {
    const e = this.#map.get(key);
    if (e === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, e);
    return e.rows;
  }

  set(key: string, rows: readonly Row[]): void {
    if (this.#maxBytes <= 0) return;
    this.#drop(key);
    let bytes = 100; // the entry itself: an empty bucket is cached too
    for (const r of rows) bytes += this.#weigh(r);
    this.#map.set(key, { rows, bytes });
    this.#bytes += bytes;
    for (const [k] of this.#map) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#drop(k);
    }
  }

  /** Forgets every cached shape of one bucket (a commit wrote a row of it). */
  invalidate(resolution: string, service: string, bucket: number): void {
    if (this.#map.size === 0) return;
    for (const c of [true, false]) for (const s of [true, false]) this.#drop(RollupReadCache.key(resolution, service, bucket, c, s));
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }

  #drop(key: string): void {
    const had = this.#map.get(key);
    if (had === undefined) return;
    this.#map.delete(key);
    this.#bytes -= had.bytes;
  }
}
