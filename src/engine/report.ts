/**
 * Reads the rollups a report needs and hands them to the pure report builder (core/slo-report.ts).
 * Cost is O(buckets × cohort values), never O(events): a 30-day window is a few hundred bucket rows
 * per series (core/window-plan.ts).
 */
import type { BurnPolicy } from '../core/burn-policy.ts';
import { policyWindows } from '../core/burn-rate.ts';
import { createCell, mergeCell, negateQuality, addQuality, type RollupCell } from '../core/rollup.ts';
import { buildReport, formatWindow, type ServiceReport } from '../core/slo-report.ts';
import type { ServiceSpec } from '../core/spec.ts';
import { ceilMinute, planSegments } from '../core/window-plan.ts';
import type { RollupRow, Store } from '../store/port.ts';

export interface ReportRequest {
  readonly spec: ServiceSpec;
  readonly policy: BurnPolicy;
  /** Window length in ms. */
  readonly windowMs: number;
  readonly windowLabel: string;
  /** The evaluation instant: the end of the window and the as-of time of outcomes. */
  readonly at: number;
  /** The server's clock now; `at < now` makes the report as-of (§2.4). */
  readonly now: number;
}

async function readRange(store: Store, service: string, from: number, to: number, cohorts: boolean): Promise<RollupRow[]> {
  const rows: RollupRow[] = [];
  for (const s of planSegments(from, to)) {
    rows.push(...(await store.readRollups({ service, resolution: s.resolution, from: s.from, to: s.to, cohorts })));
  }
  return rows;
}

function sumWhole(rows: readonly RollupRow[]): RollupCell {
  const cell = createCell();
  for (const r of rows) if (r.attr === '') mergeCell(cell, r.cell);
  return cell;
}

/** The window end: windows are whole minutes, and a partial last minute counts up to `at` (events after `at` cannot exist unless `at` is in the past). */
export function windowEnd(at: number): number {
  return ceilMinute(at);
}

export async function serviceReport(store: Store, req: ReportRequest): Promise<ServiceReport> {
  const { spec } = req;
  const to = windowEnd(req.at);
  const from = to - req.windowMs;
  const rows = await readRange(store, spec.name, from, to, true);

  const whole = createCell();
  const cohorts = new Map<string, { attr: string; value: string; cell: RollupCell }>();
  const versions = new Map<string, { model: string; cell: RollupCell }>();
  for (const r of rows) {
    if (r.attr === '') {
      mergeCell(whole, r.cell);
      let v = versions.get(r.model);
      if (v === undefined) versions.set(r.model, (v = { model: r.model, cell: createCell() }));
      mergeCell(v.cell, r.cell);
    } else {
      const k = `${r.attr}\u0000${r.value}`;
      let c = cohorts.get(k);
      if (c === undefined) cohorts.set(k, (c = { attr: r.attr, value: r.value, cell: createCell() }));
      mergeCell(c.cell, r.cell);
    }
  }

  // As of `at`: take back the verdict changes learned after it (§2.4 "as of").
  if (req.at < req.now) {
    for (const step of await store.readVerdictStepsAfter(spec.name, req.at, from, to)) {
      const undo = negateQuality(step.delta);
      addQuality(whole.quality, undo);
      const v = versions.get(step.model);
      if (v !== undefined) addQuality(v.cell.quality, undo);
      for (const [attr, value] of Object.entries(step.cohort)) {
        const c = cohorts.get(`${attr}\u0000${value}`);
        if (c !== undefined) addQuality(c.cell.quality, undo);
      }
    }
  }

  const burnCells = new Map<number, RollupCell>();
  for (const w of policyWindows(req.policy)) {
    burnCells.set(w, sumWhole(await readRange(store, spec.name, to - w, to, false)));
  }

  const graceFrom = Math.max(from, to - Math.ceil(spec.quality.labelGraceMs / 60_000) * 60_000);
  const graceCell = graceFrom === from ? whole : sumWhole(await readRange(store, spec.name, graceFrom, to, false));
  const pending = Math.max(0, graceCell.ok - graceCell.quality.judged);
  const orphans = await store.countOrphans(spec.name, req.at - spec.quality.orphanTtlMs);

  return buildReport({
    // Shown as [at − window, at]; the buckets read are the whole minutes ending with the one holding `at`.
    spec, policy: req.policy, windowLabel: req.windowLabel || formatWindow(req.windowMs), from: req.at - req.windowMs, to: req.at, asOf: req.at,
    cell: whole, burnCells,
    cohorts: [...cohorts.values()].sort((a, b) => a.attr.localeCompare(b.attr) || b.cell.total - a.cell.total),
    versions: [...versions.values()].sort((a, b) => b.cell.total - a.cell.total),
    pending, orphans,
  });
}
