/**
 * Reads the rollup rows of one service over one window and merges them into the cells reports need:
 * the whole service, each cohort value, each model version and each UTC day — with the verdict changes
 * learned after `at` taken back, so a report as of a past instant counts only the labels known then
 * (DESIGN §2.4). Cost is O(buckets × cohort values), never O(events).
 */
import { addQuality, addSums, createCell, mergeCell, negateQuality, type RollupCell } from '../core/rollup.ts';
import { planSegments } from '../core/window-plan.ts';
import type { RollupRow, Store, VerdictStep } from '../store/port.ts';

const DAY = 86_400_000;

export interface CohortCell {
  readonly attr: string;
  readonly value: string;
  readonly cell: RollupCell;
}

export interface WindowCells {
  readonly whole: RollupCell;
  /** Start of the latest bucket with traffic, per model version. */
  readonly lastSeen: ReadonlyMap<string, number>;
  readonly cohorts: ReadonlyMap<string, CohortCell>;
  readonly versions: ReadonlyMap<string, RollupCell>;
  /** Whole-service cell per UTC day start. */
  readonly days: ReadonlyMap<number, RollupCell>;
}

export async function readRange(store: Store, service: string, from: number, to: number, cohorts: boolean, sketches = true): Promise<RollupRow[]> {
  const rows: RollupRow[] = [];
  for (const s of planSegments(from, to)) {
    rows.push(...(await store.readRollups({ service, resolution: s.resolution, from: s.from, to: s.to, cohorts, sketches })));
  }
  return rows;
}

/**
 * The whole-service cell of [from, to) (minute-aligned), counts only (no latency percentiles), as of
 * `at`: verdict changes learned after `at` are taken back when `at < now`.
 */
export async function readWholeCounts(store: Store, service: string, from: number, to: number, at: number, now: number): Promise<RollupCell> {
  const cell = createCell();
  for (const r of await readRange(store, service, from, to, false, false)) if (r.attr === '') mergeCell(cell, r.cell);
  if (at < now) for (const step of await store.readVerdictStepsAfter(service, at, from, to)) undo(cell, step);
  return cell;
}

function cellIn<K>(map: Map<K, RollupCell>, key: K): RollupCell {
  let c = map.get(key);
  if (c === undefined) map.set(key, (c = createCell()));
  return c;
}

/** Takes one verdict step back out of `cell` (as-of reads, §2.4); also used by engine/series.ts and heatmap.ts. */
export function undo(cell: RollupCell | undefined, step: VerdictStep): void {
  if (cell === undefined) return;
  addQuality(cell.quality, negateQuality(step.delta));
  addSums(cell.sums, step.sums, -1);
}

/**
 * Cells of [from, to) (minute-aligned). When `at < now`, the verdict steps learned after `at` are
 * subtracted from every cell their request counts in.
 */
export async function readWindowCells(store: Store, service: string, from: number, to: number, at: number, now: number, sketches = true): Promise<WindowCells> {
  const whole = createCell();
  const lastSeen = new Map<string, number>();
  const cohorts = new Map<string, CohortCell>();
  const versions = new Map<string, RollupCell>();
  const days = new Map<number, RollupCell>();
  for (const r of await readRange(store, service, from, to, true, sketches)) {
    if (r.attr === '') {
      if (r.cell.total > 0) lastSeen.set(r.model, Math.max(lastSeen.get(r.model) ?? -Infinity, r.bucket));
      mergeCell(whole, r.cell);
      mergeCell(cellIn(versions, r.model), r.cell);
      mergeCell(cellIn(days, Math.floor(r.bucket / DAY) * DAY), r.cell);
    } else {
      const k = `${r.attr}\u0000${r.value}`;
      let c = cohorts.get(k);
      if (c === undefined) cohorts.set(k, (c = { attr: r.attr, value: r.value, cell: createCell() }));
      mergeCell(c.cell, r.cell);
    }
  }
  if (at < now) {
    for (const step of await store.readVerdictStepsAfter(service, at, from, to)) {
      undo(whole, step);
      undo(versions.get(step.model), step);
      undo(days.get(Math.floor(step.requestTs / DAY) * DAY), step);
      for (const [attr, value] of Object.entries(step.cohort)) undo(cohorts.get(`${attr}\u0000${value}`)?.cell, step);
    }
  }
  return { whole, lastSeen, cohorts, versions, days };
}
