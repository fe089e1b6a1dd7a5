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
 * connection committed (data_version). Bounded by the number of rows held, least recently used first.
 * The rows are shared between reads: callers only read them (Store.readRollups).
 */
export class RollupReadCache<Row> {
  readonly #maxRows: number;
  #rows = 0;
  readonly #map = new Map<string, readonly Row[]>();

  constructor(maxRows: number) {
    this.#maxRows = maxRows;
  }

  get enabled(): boolean {
    return this.#maxRows > 0;
  }

  static key(resolution: string, service: string, bucket: number, cohorts: boolean, sketches: boolean): string {
    return `${resolution}\u0000${service}\u0000${bucket}\u0000${cohorts ? 'c' : 'w'}${sketches ? 's' : 'n'}`;
  }

  get(key: string): readonly Row[] | undefined {
    const rows = this.#map.get(key);
    if (rows !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, rows);
    }
    return rows;
  }

  set(key: string, rows: readonly Row[]): void {
    if (this.#maxRows <= 0) return;
    this.#drop(key);
    this.#map.set(key, rows);
    this.#rows += rows.length + 1; // an empty bucket costs an entry too
    for (const [k] of this.#map) {
      if (this.#rows <= this.#maxRows) break;
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
    this.#rows = 0;
  }

  #drop(key: string): void {
    const had = this.#map.get(key);
    if (had === undefined) return;
    this.#map.delete(key);
    this.#rows -= had.length + 1;
  }
}
