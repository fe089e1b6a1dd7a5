/**
 * The cohort × day quality heatmap (`GET …/quality/heatmap`, docs/api.md): for each value of one
 * cohort attribute and each UTC day, q̂ with its interval and the flags of the quality breakdown —
 * each day's values tested against the rest of that day's traffic, BH across that day's values
 * (core/quality-report.ts `testGroups`, DESIGN §2.5). Quality is by request time with the report's
 * as-of semantics. One rollup read covers every cell: rows are grouped by day and value in memory.
 */
import { estimateQuality } from '../core/quality-estimate.ts';
import type { GroupFlag } from '../core/quality-metrics/cohort-significance.ts';
import { testGroups } from '../core/quality-report.ts';
import { createCell, mergeCell, type RollupCell } from '../core/rollup.ts';
import type { Interval } from '../core/slo-report.ts';
import { DAY_MS, type ServiceSpec } from '../core/spec.ts';
import type { Store } from '../store/port.ts';
import { windowEnd } from './report.ts';
import { readRange, undo } from './window-cells.ts';
import { cohortValue } from '../core/event.ts';

export interface HeatmapRequest {
  readonly spec: ServiceSpec;
  /** A declared cohort attribute. */
  readonly attr: string;
  /** UTC days, ending with the one that holds the last minute before `at`. */
  readonly days: number;
  readonly at: number;
  readonly now: number;
}

export interface HeatmapQuality {
  readonly judged: number;
  readonly qHat: number | null;
  readonly interval: Interval | null;
  readonly status: 'ok' | 'insufficient';
  readonly flags: readonly GroupFlag[];
}

export interface HeatmapCell extends HeatmapQuality {
  /** `YYYY-MM-DD`. */
  readonly day: string;
}

export interface HeatmapRow {
  readonly value: string;
  readonly overall: HeatmapQuality;
  readonly cells: readonly HeatmapCell[];
}

export interface HeatmapDocument {
  readonly service: string;
  readonly attr: string;
  readonly from: string;
  readonly to: string;
  readonly asOf: string;
  readonly objective: number;
  readonly minSamples: number;
  readonly days: readonly string[];
  readonly rows: readonly HeatmapRow[];
}

function cellOf(map: Map<number, RollupCell>, key: number): RollupCell {
  let c = map.get(key);
  if (c === undefined) map.set(key, (c = createCell()));
  return c;
}

/** q̂ of each value in `cells` and its flags against `whole` (the breakdown's tests, BH across the values). */
function judge(spec: ServiceSpec, whole: RollupCell, cells: ReadonlyMap<string, RollupCell>): Map<string, HeatmapQuality> {
  const tests = testGroups(spec, whole, [...cells].map(([key, cell]) => ({ key, cell })));
  const out = new Map<string, HeatmapQuality>();
  for (const [value, cell] of cells) {
    const q = estimateQuality(cell.quality, spec.quality.minSamples);
    const t = tests.get(value);
    const flags = t?.status === 'ok' ? t.flags : [];
    out.set(value, q.status === 'ok'
      ? { judged: q.judged, qHat: q.qHat, interval: q.interval, status: 'ok', flags }
      : { judged: q.judged, qHat: null, interval: null, status: 'insufficient', flags });
  }
  return out;
}

/** Worst first: estimated rows by q̂ ascending, then insufficient rows by judged descending; ties by value. */
function worstFirst(a: HeatmapRow, b: HeatmapRow): number {
  const qa = a.overall.qHat;
  const qb = b.overall.qHat;
  if (qa !== null && qb !== null && qa !== qb) return qa - qb;
  if ((qa === null) !== (qb === null)) return qa === null ? 1 : -1;
  return b.overall.judged - a.overall.judged || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}

export async function qualityHeatmap(store: Store, req: HeatmapRequest): Promise<HeatmapDocument> {
  const { spec, attr } = req;
  const to = windowEnd(req.at);
  const lastDay = Math.floor((to - 1) / DAY_MS) * DAY_MS;
  const from = lastDay - (req.days - 1) * DAY_MS;
  const dayOf = (t: number): number => Math.floor(t / DAY_MS) * DAY_MS;

  const whole = new Map<number, RollupCell>();
  const byValue = new Map<string, Map<number, RollupCell>>();
  for (const r of await readRange(store, spec.name, from, to, true, false)) {
    if (r.attr === '') mergeCell(cellOf(whole, dayOf(r.bucket)), r.cell);
    else if (r.attr === attr) {
      let days = byValue.get(r.value);
      if (days === undefined) byValue.set(r.value, (days = new Map<number, RollupCell>()));
      mergeCell(cellOf(days, dayOf(r.bucket)), r.cell);
    }
  }
  if (req.at < req.now) {
    for (const st of await store.readVerdictStepsAfter(spec.name, req.at, from, to)) {
      const day = dayOf(st.requestTs);
      undo(whole.get(day), st);
      const value = cohortValue(st.cohort, attr);
      if (value !== undefined) undo(byValue.get(value)?.get(day), st);
    }
  }

  const days: number[] = [];
  for (let d = from; d <= lastDay; d += DAY_MS) days.push(d);
  const perDay = new Map<number, Map<string, HeatmapQuality>>();
  for (const d of days) {
    const cells = new Map<string, RollupCell>();
    for (const [value, byDay] of byValue) cells.set(value, byDay.get(d) ?? createCell());
    perDay.set(d, judge(spec, whole.get(d) ?? createCell(), cells));
  }
  const periodWhole = createCell();
  for (const c of whole.values()) mergeCell(periodWhole, c);
  const periodCells = new Map<string, RollupCell>();
  for (const [value, byDay] of byValue) {
    const c = createCell();
    for (const dc of byDay.values()) mergeCell(c, dc);
    periodCells.set(value, c);
  }
  const overall = judge(spec, periodWhole, periodCells);

  const label = (d: number): string => new Date(d).toISOString().slice(0, 10);
  const rows: HeatmapRow[] = [...byValue.keys()].map((value) => ({
    value,
    overall: overall.get(value)!,
    cells: days.map((d) => ({ day: label(d), ...perDay.get(d)!.get(value)! })),
  }));
  rows.sort(worstFirst);
  return {
    service: spec.name,
    attr,
    from: new Date(from).toISOString(),
    to: new Date(req.at).toISOString(),
    asOf: new Date(req.at).toISOString(),
    objective: spec.objectives.quality,
    minSamples: spec.quality.minSamples,
    days: days.map(label),
    rows,
  };
}
