/**
 * The SLO report of one service over one window (DESIGN §3.3), computed from merged rollup cells.
 * Pure: the caller reads the cells (src/engine/report.ts) and passes the evaluation time in.
 *
 * Counting conventions (§2.1, §2.4):
 * - errors:    good = ok,            total = eligible requests
 * - latency:   good = ok and fast,   total = ok requests
 * - quality:   q̂ over judged ok requests; good = q̂ · ok and total = ok, i.e. the estimate extended to
 *              every ok request, so the budget is in requests like the other dimensions
 * - composite: good = okFast · q̂ (an upper bound okFast when q̂ is insufficient), total = eligible
 */
import type { BurnPolicy } from './burn-policy.ts';
import { burnRate, evaluateBurn, policyWindows } from './burn-rate.ts';
import { compositeEstimate } from './composite.ts';
import { errorBudget } from './error-budget.ts';
import { quantile } from './latency-sketch.ts';
import { estimateQuality, type QualityEstimate } from './quality-estimate.ts';
import { eligible, okFast, type RollupCell } from './rollup.ts';
import type { ServiceSpec } from './spec.ts';
import type { GroupComparison, GroupFlag } from './quality-metrics/cohort-significance.ts';
import { testGroups } from './quality-report.ts';
import { twoProportionZTest } from './stats/two-proportion.ts';
import { wilson } from './stats/wilson.ts';

export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

export type Dimension = 'errors' | 'latency' | 'quality' | 'composite';
export const DIMENSIONS: readonly Dimension[] = ['errors', 'latency', 'quality', 'composite'];

export interface DimensionReport {
  readonly objective: number;
  /** null when the window holds no events for this dimension. */
  readonly sli: number | null;
  readonly interval: Interval | null;
  readonly good: number;
  readonly total: number;
  readonly budget: number;
  readonly consumed: number;
  readonly remaining: number;
  /** Burn rate per policy window (`5m`, `1h`, …); null without events (never fires). */
  readonly burnRates: Readonly<Record<string, number | null>>;
}

export interface ErrorsReport extends DimensionReport {
  readonly byType: Readonly<Record<string, number>>;
  readonly excluded: number;
}

export interface LatencyClassReport {
  readonly name: string;
  readonly thresholdMs: number;
  readonly ok: number;
  readonly fast: number;
  readonly sli: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
}

export interface LatencyReport extends DimensionReport {
  readonly classes: readonly LatencyClassReport[];
}

export interface QualityReport extends DimensionReport {
  readonly status: 'ok' | 'insufficient';
  readonly qHat: number | null;
  readonly judged: number;
  readonly effectiveN: number | null;
  readonly coverage: number | null;
  readonly pending: number;
  readonly minSamples: number;
}

export interface CompositeReport extends DimensionReport {
  /** True when q̂ is insufficient and the composite is the upper bound okFast / eligible. */
  readonly upperBound: boolean;
}

export interface BurnAlertRow {
  readonly dimension: Dimension;
  readonly severity: 'page' | 'ticket';
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly factor: number;
  readonly longBurn: number | null;
  readonly shortBurn: number | null;
  readonly firing: boolean;
}

/** One row of the cohort or model-version breakdown. */
export interface BreakdownRow {
  readonly attr?: string;
  readonly value?: string;
  readonly model?: string;
  readonly eligible: number;
  readonly errors: { readonly sli: number | null; readonly interval: Interval | null };
  readonly latency: { readonly sli: number | null; readonly interval: Interval | null };
  readonly quality: { readonly status: 'ok' | 'insufficient'; readonly qHat: number | null; readonly interval: Interval | null; readonly judged: number };
  readonly composite: { readonly sli: number | null; readonly upperBound: boolean };
  /** Quality against the rest of the traffic: z-test p-value, BH-adjusted across the breakdown (§2.5). */
  readonly test: { readonly pvalue: number; readonly adjustedP: number } | null;
  readonly flags: readonly GroupFlag[];
  /**
   * Model versions only: two-sided p-values of the error and latency SLI against the other versions in
   * the same window (pooled two-proportion z-test), so a bad rollout shows on every dimension at once.
   */
  readonly versus?: { readonly errors: number | null; readonly latency: number | null };
}

/** A cohort row of the report: `attr` and `value` always set. */
export type CohortRow = BreakdownRow & { readonly attr: string; readonly value: string };

/** A model-version row of the report: `model` and `versus` always set. */
export type VersionRow = BreakdownRow & { readonly model: string; readonly versus: NonNullable<BreakdownRow['versus']> };

export interface ServiceReport {
  readonly service: string;
  readonly window: string;
  readonly from: string;
  readonly to: string;
  readonly asOf: string;
  readonly errors: ErrorsReport;
  readonly latency: LatencyReport;
  readonly quality: QualityReport;
  readonly composite: CompositeReport;
  readonly burnAlerts: readonly BurnAlertRow[];
  readonly cohorts: readonly CohortRow[];
  readonly versions: readonly VersionRow[];
  readonly orphans: number;
}

export interface ReportInput {
  readonly spec: ServiceSpec;
  readonly policy: BurnPolicy;
  readonly windowLabel: string;
  readonly from: number;
  readonly to: number;
  readonly asOf: number;
  /** The whole window. */
  readonly cell: RollupCell;
  /** The whole-service cell of each policy window, ending at `to`. */
  readonly burnCells: ReadonlyMap<number, RollupCell>;
  readonly cohorts: ReadonlyArray<{ readonly attr: string; readonly value: string; readonly cell: RollupCell }>;
  readonly versions: ReadonlyArray<{ readonly model: string; readonly cell: RollupCell }>;
  /** ok requests younger than labelGrace without a verdict. */
  readonly pending: number;
  readonly orphans: number;
}

const ratio = (good: number, total: number): number | null => (total > 0 ? good / total : null);
const interval = (good: number, total: number): Interval | null => wilson(good, total) ?? null;

export function formatWindow(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** good/total of one dimension in one cell. */
export function dimensionCounts(d: Dimension, cell: RollupCell, q: QualityEstimate): { good: number; total: number } {
  switch (d) {
    case 'errors':
      return { good: cell.ok, total: eligible(cell) };
    case 'latency':
      return { good: okFast(cell), total: cell.ok };
    case 'quality':
      return q.status === 'ok' ? { good: q.qHat * cell.ok, total: cell.ok } : { good: 0, total: 0 };
    case 'composite': {
      const c = compositeEstimate({ eligible: eligible(cell), okFast: okFast(cell), quality: q });
      return { good: c.good, total: eligible(cell) };
    }
  }
}

function objectiveOf(spec: ServiceSpec, d: Dimension): number {
  return spec.objectives[d];
}

/** A dimension's counts, SLI and error budget over one cell (DESIGN §2.2, §2.4). */
export interface DimensionValue {
  readonly good: number;
  readonly total: number;
  /** null without events, and for quality when q̂ is insufficient. */
  readonly sli: number | null;
  readonly budget: number;
  readonly consumed: number;
  readonly remaining: number;
}

/** The SLI and budget of dimension `d` over `cell` exactly as the report shows them; the series (engine/series.ts) plots the same. */
export function dimensionValue(d: Dimension, objective: number, cell: RollupCell, q: QualityEstimate): DimensionValue {
  const { good, total } = dimensionCounts(d, cell, q);
  const b = errorBudget(objective, total, total - good);
  const sli = d === 'quality' ? (q.status === 'ok' ? q.qHat : null) : ratio(good, total);
  return { good, total, sli, budget: b.budget, consumed: b.consumed, remaining: b.remaining };
}

function dimension(d: Dimension, input: ReportInput, q: QualityEstimate): DimensionReport {
  const objective = objectiveOf(input.spec, d);
  const { good, total, sli, budget, consumed, remaining } = dimensionValue(d, objective, input.cell, q);
  const burnRates: Record<string, number | null> = {};
  for (const w of policyWindows(input.policy)) {
    const cell = input.burnCells.get(w);
    if (cell === undefined) continue;
    const c = dimensionCounts(d, cell, estimateQuality(cell.quality, input.spec.quality.minSamples));
    burnRates[formatWindow(w)] = burnRate(c.good, c.total, objective) ?? null;
  }
  const iv = d === 'quality' ? (q.status === 'ok' ? q.interval : null) : d === 'composite' ? null : interval(good, total);
  return { objective, sli, interval: iv, good, total, budget, consumed, remaining, burnRates };
}

function breakdown(cell: RollupCell, minSamples: number, tested: GroupComparison | undefined): Omit<BreakdownRow, 'attr' | 'value' | 'model'> {
  const q = estimateQuality(cell.quality, minSamples);
  const c = compositeEstimate({ eligible: eligible(cell), okFast: okFast(cell), quality: q });
  return {
    eligible: eligible(cell),
    errors: { sli: ratio(cell.ok, eligible(cell)), interval: interval(cell.ok, eligible(cell)) },
    latency: { sli: ratio(okFast(cell), cell.ok), interval: interval(okFast(cell), cell.ok) },
    quality: q.status === 'ok'
      ? { status: 'ok', qHat: q.qHat, interval: q.interval, judged: q.judged }
      : { status: 'insufficient', qHat: null, interval: null, judged: q.judged },
    composite: { sli: c.sli ?? null, upperBound: c.upperBound },
    test: tested?.status === 'ok' && tested.test !== undefined ? { pvalue: tested.test.pvalue, adjustedP: tested.test.adjustedP } : null,
    flags: tested?.status === 'ok' ? tested.flags : [],
  };
}

/** p-value of k1/n1 vs k2/n2, or null when either side is empty. */
function pDiff(k1: number, n1: number, k2: number, n2: number): number | null {
  return n1 > 0 && n2 > 0 ? twoProportionZTest(k1, n1, k2, n2).pvalue : null;
}

function versus(v: RollupCell, whole: RollupCell): { errors: number | null; latency: number | null } {
  const restEligible = eligible(whole) - eligible(v);
  return {
    errors: pDiff(v.ok, eligible(v), whole.ok - v.ok, restEligible),
    latency: pDiff(okFast(v), v.ok, okFast(whole) - okFast(v), whole.ok - v.ok),
  };
}

export function buildReport(input: ReportInput): ServiceReport {
  const { spec, cell } = input;
  const q = estimateQuality(cell.quality, spec.quality.minSamples);
  const errors = dimension('errors', input, q);
  const latency = dimension('latency', input, q);
  const quality = dimension('quality', input, q);
  const composite = dimension('composite', input, q);

  const classes = spec.latency.classes.map((c): LatencyClassReport => {
    const acc = cell.classes[c.name];
    const pick = (p: number): number | null => (acc === undefined ? null : quantile(acc.sketch, p) ?? null);
    return { name: c.name, thresholdMs: c.thresholdMs, ok: acc?.ok ?? 0, fast: acc?.fast ?? 0, sli: ratio(acc?.fast ?? 0, acc?.ok ?? 0), p50: pick(0.5), p90: pick(0.9), p99: pick(0.99) };
  });

  const burnAlerts: BurnAlertRow[] = [];
  for (const d of DIMENSIONS) {
    const objective = objectiveOf(spec, d);
    const rows = evaluateBurn(input.policy, objective, (w) => {
      const c = input.burnCells.get(w);
      if (c === undefined) return { good: 0, total: 0 };
      return dimensionCounts(d, c, estimateQuality(c.quality, spec.quality.minSamples));
    }, spec.minEvents);
    for (const r of rows) {
      burnAlerts.push({
        dimension: d, severity: r.severity, longWindow: formatWindow(r.longMs), shortWindow: formatWindow(r.shortMs), factor: r.factor,
        longBurn: r.longBurn ?? null, shortBurn: r.shortBurn ?? null, firing: r.fires,
      });
    }
  }

  const composite_ = compositeEstimate({ eligible: eligible(cell), okFast: okFast(cell), quality: q });
  const cohortKey = (c: { attr: string; value: string }): string => `${c.attr}\u0000${c.value}`;
  const cohortTests = testGroups(spec, cell, input.cohorts.map((c) => ({ key: cohortKey(c), cell: c.cell })));
  const versionTests = testGroups(spec, cell, input.versions.map((v) => ({ key: v.model, cell: v.cell })));
  return {
    service: spec.name,
    window: input.windowLabel,
    from: new Date(input.from).toISOString(),
    to: new Date(input.to).toISOString(),
    asOf: new Date(input.asOf).toISOString(),
    errors: { ...errors, byType: { ...cell.errors }, excluded: cell.excluded },
    latency: { ...latency, classes },
    quality: {
      ...quality,
      status: q.status,
      qHat: q.status === 'ok' ? q.qHat : null,
      judged: q.judged,
      effectiveN: q.status === 'ok' ? q.effectiveN : null,
      coverage: ratio(cell.quality.judged, cell.ok),
      pending: input.pending,
      minSamples: spec.quality.minSamples,
    },
    composite: { ...composite, upperBound: composite_.upperBound },
    burnAlerts,
    cohorts: input.cohorts.map((c) => ({ attr: c.attr, value: c.value, ...breakdown(c.cell, spec.quality.minSamples, cohortTests.get(cohortKey(c))) })),
    versions: input.versions.map((v) => ({
      model: v.model, ...breakdown(v.cell, spec.quality.minSamples, versionTests.get(v.model)), versus: versus(v.cell, cell),
    })),
    orphans: input.orphans,
  };
}

