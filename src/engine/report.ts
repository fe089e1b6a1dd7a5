/**
 * Reads the rollups a report needs and hands them to the pure report builder (core/slo-report.ts).
 * Cost is O(buckets × cohort values), never O(events): a 30-day window is a few hundred bucket rows
 * per series (core/window-plan.ts).
 */
import type { BurnPolicy } from '../core/burn-policy.ts';
import { policyWindows } from '../core/burn-rate.ts';
import type { RollupCell } from '../core/rollup.ts';
import { buildReport, formatWindow, type ServiceReport } from '../core/slo-report.ts';
import { startOfMonth } from '../core/calendar.ts';
import { DAY_MS, type ServiceSpec } from '../core/spec.ts';
import { ceilMinute } from '../core/window-plan.ts';
import type { Store } from '../store/port.ts';
import { readWholeCounts, readWindowCells } from './window-cells.ts';

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

/** The SLO window ending at `at`: N days rolling, or the calendar month so far (in the spec's time zone). */
export function sloWindowMs(spec: ServiceSpec, at: number): number {
  if (spec.window.kind === 'rolling') return spec.window.days * DAY_MS;
  const start = startOfMonth(at, spec.window.timeZone);
  return Math.max(60_000, Math.ceil((at - start) / 60_000) * 60_000);
}

/** Calendar windows: the share of the month elapsed at `at`; rolling windows have no end (undefined). */
export function sloElapsed(spec: ServiceSpec, at: number): number | undefined {
  if (spec.window.kind === 'rolling') return undefined;
  const start = startOfMonth(at, spec.window.timeZone);
  // 32 days after the first is always in the next month.
  const next = startOfMonth(start + 32 * DAY_MS, spec.window.timeZone);
  return (at - start) / (next - start);
}

/** The window end: windows are whole minutes, and a partial last minute counts up to `at` (events after `at` cannot exist unless `at` is in the past). */
export function windowEnd(at: number): number {
  return ceilMinute(at);
}

export async function serviceReport(store: Store, req: ReportRequest): Promise<ServiceReport> {
  const { spec } = req;
  const to = windowEnd(req.at);
  const from = to - req.windowMs;
  const { whole, cohorts, versions } = await readWindowCells(store, spec.name, from, to, req.at, req.now);

  const burnCells = new Map<number, RollupCell>();
  for (const w of policyWindows(req.policy)) {
    burnCells.set(w, await readWholeCounts(store, spec.name, to - w, to, req.at, req.now));
  }

  const graceFrom = Math.max(from, to - Math.ceil(spec.quality.labelGraceMs / 60_000) * 60_000);
  const graceCell = graceFrom === from ? whole : await readWholeCounts(store, spec.name, graceFrom, to, req.at, req.now);
  const pending = Math.max(0, graceCell.ok - graceCell.quality.judged);
  const orphans = await store.countOrphans(spec.name, req.at - spec.quality.orphanTtlMs);

  return buildReport({
    // Shown as [at − window, at]; the buckets read are the whole minutes ending with the one holding `at`.
    spec, policy: req.policy, windowLabel: req.windowLabel || formatWindow(req.windowMs), from: req.at - req.windowMs, to: req.at, asOf: req.at,
    cell: whole, burnCells,
    cohorts: [...cohorts.values()].sort((a, b) => a.attr.localeCompare(b.attr) || b.cell.total - a.cell.total),
    versions: [...versions].map(([model, cell]) => ({ model, cell })).sort((a, b) => b.cell.total - a.cell.total),
    pending, orphans,
  });
}
