/**
 * The quality document of one service over one window (DESIGN §2.3–§2.5; `GET …/quality`): the
 * realized quality with its metrics and objectives, the label-free CBPE estimate beside it (never mixed
 * in), stratified q̂, and a breakdown by cohort, model version or day with significance tests.
 * Pure: the cells arrive merged (src/engine/window-cells.ts).
 */
import { compareGroups, type GroupComparison, type GroupFlag, type GroupTest } from './quality-metrics/cohort-significance.ts';
import { computeQualityMetrics, type MetricValue, type QualityMetricsReport } from './quality-metrics/compute.ts';
import { proportionMetric } from './quality-metrics/metric-value.ts';
import { estimatedReport, type EstimatedReport } from './quality-metrics/estimated.ts';
import { evaluateObjective, type ObjectiveResult } from './quality-metrics/objectives.ts';
import { estimateQuality, stratifiedQHat } from './quality-estimate.ts';
import type { RollupCell } from './rollup.ts';
import type { ServiceSpec } from './spec.ts';
import type { Interval } from './stats/wilson.ts';

export type QualityBreakdown = 'cohort' | 'version' | 'day';

export interface QualitySummary {
  readonly status: 'ok' | 'insufficient';
  readonly judged: number;
  readonly ok: number;
  readonly coverage: number | null;
  /** Hájek-weighted share of good verdicts (§2.4). */
  readonly qHat: number | null;
  readonly interval: Interval | null;
  readonly effectiveN: number | null;
  /** Realized metrics over the judged requests (unweighted as scikit-learn; `weighted` beside). */
  readonly metrics: QualityMetricsReport;
  /** CBPE: expected quality from predicted probabilities over every scored request, with its trust check. */
  readonly estimated: EstimatedReport | null;
  /** The feedback proxy (clicks, dwell, follow-ups judged by the spec's rule), shown apart from quality. */
  readonly proxy: MetricValue | null;
}

export interface QualityGroup extends QualitySummary {
  readonly attr?: string;
  readonly value?: string;
  readonly model?: string;
  readonly day?: string;
  /** The two-proportion z-test against the rest of the traffic, BH-adjusted across the breakdown. */
  readonly test: GroupTest | null;
  readonly flags: readonly GroupFlag[];
  /** Per-cohort objectives (those with `perCohort: true`), for cohort groups. */
  readonly objectives: readonly ObjectiveResult[];
}

/** Groups of each breakdown, with the fields that name them always set. */
export type CohortQualityGroup = QualityGroup & { readonly attr: string; readonly value: string };
export type VersionQualityGroup = QualityGroup & { readonly model: string };
export type DayQualityGroup = QualityGroup & { readonly day: string };

/** The breakdown asked for and its groups, discriminated on `by`. */
export type QualityGroups =
  | { readonly by: null; readonly groups: readonly [] }
  | { readonly by: 'cohort'; readonly groups: readonly CohortQualityGroup[] }
  | { readonly by: 'version'; readonly groups: readonly VersionQualityGroup[] }
  | { readonly by: 'day'; readonly groups: readonly DayQualityGroup[] };

export type QualityDocument = QualityDocumentHead & QualityGroups & { readonly warnings: readonly string[] };

export interface QualityDocumentHead {
  readonly service: string;
  readonly task: ServiceSpec['task'];
  readonly window: string;
  readonly from: string;
  readonly to: string;
  readonly asOf: string;
  readonly objective: number;
  readonly minSamples: number;
  readonly overall: QualitySummary & { readonly pending: number };
  readonly objectives: readonly ObjectiveResult[];
  /** q̂ re-weighted by each `quality.stratifyBy` attribute's ok traffic (§2.4). */
  readonly stratified: ReadonlyArray<{ readonly attr: string; readonly qHat: number | null }>;
}

export interface QualityInput {
  readonly spec: ServiceSpec;
  readonly windowLabel: string;
  readonly from: number;
  readonly to: number;
  readonly asOf: number;
  readonly whole: RollupCell;
  readonly cohorts: ReadonlyArray<{ readonly attr: string; readonly value: string; readonly cell: RollupCell }>;
  readonly versions: ReadonlyArray<{ readonly model: string; readonly cell: RollupCell }>;
  readonly days: ReadonlyArray<{ readonly day: number; readonly cell: RollupCell }>;
  readonly pending: number;
  readonly by: QualityBreakdown | null;
  /** With `by: 'cohort'`, only this attribute. */
  readonly attr?: string;
}

export const OTHER_VALUE = '(other)';

export function summarize(spec: ServiceSpec, cell: RollupCell): QualitySummary {
  const q = estimateQuality(cell.quality, spec.quality.minSamples);
  const metrics = computeQualityMetrics(spec.quality.verdict, cell.sums);
  return {
    status: q.status,
    judged: q.judged,
    ok: cell.ok,
    coverage: cell.ok > 0 ? cell.quality.judged / cell.ok : null,
    qHat: q.status === 'ok' ? q.qHat : null,
    interval: q.status === 'ok' ? q.interval : null,
    effectiveN: q.status === 'ok' ? q.effectiveN : null,
    metrics,
    estimated: spec.task === 'classification' ? estimatedReport(cell.sums) ?? null : null,
    proxy: cell.sums['proxy|n'] === undefined ? null
      : proportionMetric(cell.sums['proxy|good']?.[0] ?? 0, cell.sums['proxy|n'][0], [cell.sums['proxy|good']?.[1] ?? 0, cell.sums['proxy|n'][1]]),
  };
}

/** Tests each group against the rest and adds the BH-adjusted result and flags (§2.5). */
export function testGroups(spec: ServiceSpec, whole: RollupCell, groups: ReadonlyArray<{ key: string; cell: RollupCell }>): Map<string, GroupComparison> {
  const results = compareGroups(groups.map((g) => ({ key: g.key, ...g.cell.quality })), whole.quality, {
    minSamples: spec.quality.minSamples, objective: spec.objectives.quality,
  });
  return new Map(results.map((r) => [r.key, r]));
}

function withTest(c: GroupComparison | undefined): Pick<QualityGroup, 'test' | 'flags'> {
  if (c === undefined || c.status !== 'ok') return { test: null, flags: [] };
  return { test: c.test ?? null, flags: c.flags };
}

export function buildQualityDocument(input: QualityInput): QualityDocument {
  const { spec, whole } = input;
  const overall = summarize(spec, whole);
  const objectives = spec.quality.objectives.map((o) => evaluateObjective(o, overall.metrics, spec.quality.minSamples));
  const warnings: string[] = [];

  const stratified = spec.quality.stratifyBy.map((attr) => {
    const strata = input.cohorts.filter((c) => c.attr === attr).map((c) => ({ ok: c.cell.ok, acc: c.cell.quality }));
    const q = estimateQuality(whole.quality, spec.quality.minSamples);
    return { attr, qHat: q.status === 'ok' ? stratifiedQHat(strata, whole.quality) ?? null : null };
  });
  for (const attr of new Set(input.cohorts.filter((c) => c.value === OTHER_VALUE).map((c) => c.attr))) {
    warnings.push(`cohort attribute \`${attr}\` has more than ${spec.cohortCap} values; the values beyond the first ${spec.cohortCap} seen are folded into \`${OTHER_VALUE}\``);
  }
  if (overall.status === 'insufficient') {
    warnings.push(`only ${overall.judged} judged requests, fewer than minSamples ${spec.quality.minSamples}: quality is not estimated and raises no alert`);
  }

  let groups: QualityGroups = { by: null, groups: [] };
  if (input.by === 'cohort') {
    const cohorts = input.cohorts.filter((c) => input.attr === undefined || c.attr === input.attr);
    const keyed = cohorts.map((c) => ({ key: `${c.attr}\u0000${c.value}`, ...c }));
    const tests = testGroups(spec, whole, keyed);
    const perCohort = spec.quality.objectives.filter((o) => o.perCohort);
    groups = {
      by: 'cohort',
      groups: keyed.map((c) => {
        const s = summarize(spec, c.cell);
        return {
          attr: c.attr, value: c.value, ...s, ...withTest(tests.get(c.key)),
          objectives: perCohort.map((o) => evaluateObjective(o, s.metrics, spec.quality.minSamples)),
        };
      }),
    };
  } else if (input.by === 'version') {
    const keyed = input.versions.map((v) => ({ key: v.model, ...v }));
    const tests = testGroups(spec, whole, keyed);
    groups = {
      by: 'version',
      groups: keyed.map((v) => {
        const s = summarize(spec, v.cell);
        return { model: v.model, ...s, ...withTest(tests.get(v.key)), objectives: [] };
      }),
    };
  } else if (input.by === 'day') {
    groups = {
      by: 'day',
      groups: [...input.days].sort((a, b) => a.day - b.day).map((d) => ({
        day: new Date(d.day).toISOString().slice(0, 10), ...summarize(spec, d.cell), test: null, flags: [], objectives: [],
      })),
    };
  }

  return {
    service: spec.name,
    task: spec.task,
    window: input.windowLabel,
    from: new Date(input.from).toISOString(),
    to: new Date(input.to).toISOString(),
    asOf: new Date(input.asOf).toISOString(),
    objective: spec.objectives.quality,
    minSamples: spec.quality.minSamples,
    overall: { ...overall, pending: input.pending },
    objectives,
    stratified,
    ...groups,
    warnings,
  };
}
