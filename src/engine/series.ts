/**
 * SLI time series and the error-budget burn-down of one service, for charts (`GET …/series`,
 * docs/api.md). Read from rollups — never raw events — in one pass over the window, with the same
 * as-of semantics as the report (labels learned after `at` taken back, DESIGN §2.4).
 *
 * Buckets are UTC days or hours clipped to the report's window [to − window, to): the first and last
 * may be partial. Each bucket's numbers and each burn-down value come from core/slo-report.ts
 * `dimensionValue`, the function the report itself uses, so the last burn-down value is the report's
 * `remaining` over the same window.
 */
import { compositeEstimate } from '../core/composite.ts';
import { estimateQuality, type QualityEstimate } from '../core/quality-estimate.ts';
import { createCell, eligible, mergeCell, okFast, type RollupCell } from '../core/rollup.ts';
import { dimensionValue, type Dimension, type Interval } from '../core/slo-report.ts';
import { DAY_MS, HOUR_MS, type Objectives, type ServiceSpec } from '../core/spec.ts';
import { wilson } from '../core/stats/wilson.ts';
import { planSegments, type Segment } from '../core/window-plan.ts';
import type { Store } from '../store/port.ts';
import { windowEnd } from './report.ts';
import { undo } from './window-cells.ts';

export type SeriesStep = '1d' | '1h';
export const STEP_MS: Readonly<Record<SeriesStep, number>> = { '1d': DAY_MS, '1h': HOUR_MS };

export interface SeriesRequest {
  readonly spec: ServiceSpec;
  readonly windowMs: number;
  readonly windowLabel: string;
  readonly step: SeriesStep;
  /** End of the window and as-of time of the labels. */
  readonly at: number;
  readonly now: number;
}

export interface CountedSli {
  readonly good: number;
  readonly total: number;
  readonly sli: number | null;
}

export interface SeriesPoint {
  /** Bucket start (ISO). */
  readonly t: string;
  readonly errors: CountedSli;
  readonly latency: CountedSli;
  readonly quality: { readonly judged: number; readonly qHat: number | null; readonly interval: Interval | null };
  readonly composite: { readonly sli: number | null; readonly upperBound: boolean };
  /**
   * The feedback proxy SLI (clicks, dwell, follow-ups judged by the spec's `quality.feedback` rule) of the
   * bucket's requests, shown beside quality and never counted in it (DESIGN §2.3); null without feedback.
   */
  readonly proxy: { readonly n: number; readonly sli: number; readonly interval: Interval } | null;
}

/** Budget left over [from, t): the report's `remaining`, or null where the report has no SLI (and the composite while q̂ is insufficient). */
export interface BudgetPoint {
  /** Bucket end (ISO). */
  readonly t: string;
  readonly errors: number | null;
  readonly latency: number | null;
  readonly quality: number | null;
  readonly composite: number | null;
}

export interface SeriesDocument {
  readonly service: string;
  readonly window: string;
  readonly step: SeriesStep;
  readonly from: string;
  readonly to: string;
  readonly asOf: string;
  readonly objectives: Objectives;
  readonly points: readonly SeriesPoint[];
  readonly budget: readonly BudgetPoint[];
}

/** Rollup segments of [from, to) no coarser than hours (for hourly buckets). */
function hourlySegments(from: number, to: number): Segment[] {
  const a = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const b = Math.floor(to / HOUR_MS) * HOUR_MS;
  if (a >= b) return from < to ? [{ resolution: 'm', from, to }] : [];
  return [
    ...(from < a ? [{ resolution: 'm' as const, from, to: a }] : []),
    { resolution: 'h', from: a, to: b },
    ...(b < to ? [{ resolution: 'm' as const, from: b, to }] : []),
  ];
}

const iso = (t: number): string => new Date(t).toISOString();

/** The proxy verdicts of a cell (ingest/judgement.ts keeps them as `proxy|n` and `proxy|good` sums): plain share with its Wilson interval. */
function proxyOf(cell: RollupCell): SeriesPoint['proxy'] {
  const n = cell.sums['proxy|n']?.[0] ?? 0;
  if (n === 0) return null;
  const good = cell.sums['proxy|good']?.[0] ?? 0;
  return { n, sli: good / n, interval: wilson(good, n)! };
}

export async function serviceSeries(store: Store, req: SeriesRequest): Promise<SeriesDocument> {
  const { spec } = req;
  const step = STEP_MS[req.step];
  const to = windowEnd(req.at);
  const from = to - req.windowMs;
  // Bucket 0 is [from, firstGrid); bucket i ≥ 1 starts at firstGrid + (i − 1)·step.
  const firstGrid = Math.floor(from / step) * step + step;
  const count = firstGrid >= to ? 1 : 1 + Math.ceil((to - firstGrid) / step);
  const bucketOf = (t: number): number => (t < firstGrid ? 0 : 1 + Math.floor((t - firstGrid) / step));
  const cells: RollupCell[] = Array.from({ length: count }, () => createCell());

  // Day rows never straddle a UTC day and hour rows never an hour, so each row falls in one bucket.
  const segments = req.step === '1d' ? planSegments(from, to) : hourlySegments(from, to);
  for (const s of segments) {
    for (const r of await store.readRollups({ service: spec.name, resolution: s.resolution, from: s.from, to: s.to, cohorts: false, sketches: false })) {
      if (r.attr === '') mergeCell(cells[bucketOf(r.bucket)]!, r.cell);
    }
  }
  if (req.at < req.now) {
    for (const st of await store.readVerdictStepsAfter(spec.name, req.at, from, to)) undo(cells[bucketOf(st.requestTs)], st);
  }

  const minSamples = spec.quality.minSamples;
  const value = (d: Dimension, cell: RollupCell, q: QualityEstimate) => dimensionValue(d, spec.objectives[d], cell, q);
  // Shown as the report shows its window: [at − window, at].
  const start = (i: number): number => (i === 0 ? req.at - req.windowMs : firstGrid + (i - 1) * step);
  const end = (i: number): number => (i === count - 1 ? req.at : firstGrid + i * step);

  const points: SeriesPoint[] = [];
  const budget: BudgetPoint[] = [];
  const running = createCell();
  cells.forEach((cell, i) => {
    const q = estimateQuality(cell.quality, minSamples);
    const errors = value('errors', cell, q);
    const latency = value('latency', cell, q);
    points.push({
      t: iso(start(i)),
      errors: { good: errors.good, total: errors.total, sli: errors.sli },
      latency: { good: latency.good, total: latency.total, sli: latency.sli },
      quality: q.status === 'ok' ? { judged: q.judged, qHat: q.qHat, interval: q.interval } : { judged: q.judged, qHat: null, interval: null },
      composite: { sli: value('composite', cell, q).sli, upperBound: compositeEstimate({ eligible: eligible(cell), okFast: okFast(cell), quality: q }).upperBound },
      proxy: proxyOf(cell),
    });

    mergeCell(running, cell);
    const qr = estimateQuality(running.quality, minSamples);
    const left = (d: Dimension): number | null => {
      const v = value(d, running, qr);
      return v.sli === null ? null : v.remaining;
    };
    budget.push({
      t: iso(end(i)),
      errors: left('errors'),
      latency: left('latency'),
      quality: left('quality'),
      // An upper bound of the composite is no budget: null until q̂ is estimated.
      composite: qr.status === 'ok' ? left('composite') : null,
    });
  });

  return {
    service: spec.name,
    window: req.windowLabel,
    step: req.step,
    from: iso(req.at - req.windowMs),
    to: iso(req.at),
    asOf: iso(req.at),
    objectives: spec.objectives,
    points,
    budget,
  };
}
