/**
 * Folding rollup deltas into the m/h/d resolutions, shared by every adapter so bucket arithmetic
 * exists once. A commit first merges its deltas in memory per (resolution, row key), so each stored
 * row is read and written once per commit however many deltas touch it.
 */
import { createCell, mergeCell, type RollupCell } from '../core/rollup.ts';
import { RESOLUTION_MS, type Resolution, type RollupDelta } from './port.ts';

export const RESOLUTIONS: readonly Resolution[] = ['m', 'h', 'd'];

export interface FoldedRow {
  readonly resolution: Resolution;
  readonly service: string;
  readonly bucket: number;
  readonly model: string;
  readonly attr: string;
  readonly value: string;
  /** A fresh cell owned by the fold: never aliases a caller's delta. */
  readonly cell: RollupCell;
}

/** Start of the bucket of `resolution` holding `ts` (UTC; epoch ms). */
export function bucketStart(ts: number, resolution: Resolution): number {
  const size = RESOLUTION_MS[resolution];
  return Math.floor(ts / size) * size;
}

export function rowKey(resolution: Resolution, service: string, bucket: number, model: string, attr: string, value: string): string {
  return `${resolution}\u0000${service}\u0000${bucket}\u0000${model}\u0000${attr}\u0000${value}`;
}

export function foldDeltas(deltas: readonly RollupDelta[]): FoldedRow[] {
  const rows = new Map<string, FoldedRow>();
  for (const d of deltas) {
    for (const resolution of RESOLUTIONS) {
      const bucket = bucketStart(d.minute, resolution);
      const key = rowKey(resolution, d.service, bucket, d.model, d.attr, d.value);
      let row = rows.get(key);
      if (row === undefined) {
        row = { resolution, service: d.service, bucket, model: d.model, attr: d.attr, value: d.value, cell: createCell() };
        rows.set(key, row);
      }
      mergeCell(row.cell, d.cell);
    }
  }
  return [...rows.values()];
}

/** A deep copy made by merging into an empty cell (sketches included). */
export function cloneCell(c: RollupCell): RollupCell {
  const out = createCell();
  mergeCell(out, c);
  return out;
}
