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
