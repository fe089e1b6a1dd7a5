/**
 * Binds the pure alert evaluator's accessors (core/alerting/input.ts) to the store for one service at
 * one evaluation time. The core reads synchronously, so every window it may ask for — the policy
 * windows, the coverage window and its lookback — is read here first.
 */
import type { BurnPolicy } from '../core/burn-policy.ts';
import { policyWindows } from '../core/burn-rate.ts';
import { coverageLookbackMs } from '../core/alerting/coverage-alert.ts';
import { DEFAULT_COVERAGE_WINDOW_MS, type AlertInput, type CohortRow, type VersionRow } from '../core/alerting/input.ts';
import { evaluateObjective } from '../core/quality-metrics/objectives.ts';
import { summarize } from '../core/quality-report.ts';
import { estimateQuality } from '../core/quality-estimate.ts';
import type { QualityAcc, RollupCell } from '../core/rollup.ts';
import { buildReport, dimensionCounts } from '../core/slo-report.ts';
import type { ServiceSpec } from '../core/spec.ts';
import type { Store } from '../store/port.ts';
import { windowEnd } from './report.ts';
import { readVerdictWindow } from './verdict-window.ts';
import { readWindowCells } from './window-cells.ts';

/** Quality objectives are judged over the last day of requests: long enough for intervals, short enough to react. */
export const OBJECTIVE_WINDOW_MS = 86_400_000;

interface WindowData {
  readonly whole: RollupCell;
  readonly verdicts: QualityAcc;
  readonly versions: readonly VersionRow[];
  readonly cohorts: readonly CohortRow[];
}

const NO_RULES: BurnPolicy = { source: 'breakdowns only', periodDays: 30, rows: [] };

async function windowData(store: Store, spec: ServiceSpec, w: number, at: number, now: number): Promise<WindowData> {
  const to = windowEnd(at);
  const cells = await readWindowCells(store, spec.name, to - w, to, at, now, false);
  // The report builder's breakdown rows (tests against the rest, flags); no burn rows are needed here.
  const r = buildReport({
    spec, policy: NO_RULES, windowLabel: '', from: to - w, to, asOf: at, cell: cells.whole, burnCells: new Map(),
    cohorts: [...cells.cohorts.values()], versions: [...cells.versions].map(([model, cell]) => ({ model, cell })), pending: 0, orphans: 0,
  });
  return {
    whole: cells.whole,
    verdicts: await readVerdictWindow(store, spec.name, to - w, to),
    versions: r.versions.map((v) => ({ ...v, model: v.model ?? '', lastSeenMs: cells.lastSeen.get(v.model ?? '') ?? -Infinity })),
    cohorts: r.cohorts.map((c) => ({ ...c, attr: c.attr ?? '', value: c.value ?? '' })),
  };
}

export async function alertInput(store: Store, spec: ServiceSpec, policy: BurnPolicy, at: number, now: number): Promise<AlertInput> {
  const base: AlertInput = { spec, policy, counts: () => ({ good: 0, total: 0 }), verdictWindow: () => ({ judged: 0, good: 0, sumW: 0, sumW2: 0, sumWGood: 0 }) };
  const windows = new Set([...policyWindows(policy), DEFAULT_COVERAGE_WINDOW_MS, coverageLookbackMs(base), OBJECTIVE_WINDOW_MS]);
  const data = new Map<number, WindowData>();
  for (const w of windows) data.set(w, await windowData(store, spec, w, at, now));
  const get = (w: number): WindowData => {
    const d = data.get(w);
    if (d === undefined) throw new Error(`alert evaluation asked for window ${w} ms, which was not read`);
    return d;
  };

  const day = get(OBJECTIVE_WINDOW_MS);
  const overall = summarize(spec, day.whole);
  const perCohort = spec.quality.objectives.filter((o) => o.perCohort);
  const to = windowEnd(at);
  const dayCells = perCohort.length === 0 ? undefined : await readWindowCells(store, spec.name, to - OBJECTIVE_WINDOW_MS, to, at, now, false);
  return {
    ...base,
    counts: (d, w) => {
      const cell = get(w).whole;
      return dimensionCounts(d, cell, estimateQuality(cell.quality, spec.quality.minSamples));
    },
    verdictWindow: (w) => get(w).verdicts,
    errorTypes: (w) => get(w).whole.errors,
    versions: (w) => get(w).versions,
    cohorts: (w) => get(w).cohorts,
    objectives: {
      windowMs: OBJECTIVE_WINDOW_MS,
      overall: spec.quality.objectives.map((o) => evaluateObjective(o, overall.metrics, spec.quality.minSamples)),
      cohorts: [...(dayCells?.cohorts.values() ?? [])].map((c) => ({
        attr: c.attr, value: c.value,
        results: perCohort.map((o) => evaluateObjective(o, summarize(spec, c.cell).metrics, spec.quality.minSamples)),
      })),
    },
  };
}
