/**
 * A hand-built service history for alerting tests: piecewise-constant traffic segments, each a span of
 * minutes before `now` with a request rate, error share and type, slow share, model version and
 * quality. Window accessors build real RollupCells and read them with the core's own dimensionCounts,
 * estimateQuality and compareGroups, so the inputs are what the engine will pass.
 * Labels are taken to arrive when their requests are served (verdict time = request time) unless a
 * segment says otherwise with `verdictsPerMin`.
 */
import type { BurnPolicy } from '../../../src/core/burn-policy.ts';
import type { AlertInput, AlertSpec, CohortRow, VersionRow } from '../../../src/core/alerting/input.ts';
import { compareGroups } from '../../../src/core/quality-metrics/cohort-significance.ts';
import { estimateQuality } from '../../../src/core/quality-estimate.ts';
import { createCell, eligible, mergeCell, okFast, type RollupCell } from '../../../src/core/rollup.ts';
import { createSketch } from '../../../src/core/latency-sketch.ts';
import { dimensionCounts } from '../../../src/core/slo-report.ts';
import { MINUTE_MS } from '../../../src/core/spec.ts';
import { wilson } from '../../../src/core/stats/wilson.ts';

export interface Segment {
  /** The segment covers minutes [now − fromMin, now − toMin). */
  readonly fromMin: number;
  readonly toMin: number;
  readonly rpm: number;
  readonly errorShare?: number;
  readonly errorType?: string;
  /** Share of ok requests over their latency threshold. */
  readonly slowShare?: number;
  /** Share of good verdicts. */
  readonly q?: number;
  /** Verdicts arriving per minute (default: every ok request is judged). */
  readonly verdictsPerMin?: number;
  readonly model?: string;
}

export const NOW = Date.UTC(2025, 0, 10, 12, 0, 0);

export function spec(over: Partial<AlertSpec> = {}): AlertSpec {
  return {
    name: 'fraud-scorer', tier: 1, minEvents: 10, quality: { minSamples: 30 },
    objectives: { errors: 0.999, latency: 0.99, quality: 0.9, composite: 0.8901 },
    ...over,
  };
}

/** The cell of the segments' overlap with [now − w, now), optionally of one model only. */
export function windowCell(segments: readonly Segment[], windowMs: number, model?: string): RollupCell {
  const wMin = windowMs / MINUTE_MS;
  const cell = createCell();
  for (const s of segments) {
    if (model !== undefined && (s.model ?? 'v1') !== model) continue;
    const minutes = Math.max(0, Math.min(s.fromMin, wMin) - s.toMin);
    if (minutes === 0) continue;
    const n = s.rpm * minutes;
    const errors = n * (s.errorShare ?? 0);
    const ok = n - errors;
    const fast = ok * (1 - (s.slowShare ?? 0));
    const judged = s.verdictsPerMin === undefined ? ok : s.verdictsPerMin * minutes;
    const good = judged * (s.q ?? 1);
    const part: RollupCell = {
      ...createCell(), total: n, ok,
      errors: errors > 0 ? { [s.errorType ?? 'internal']: errors } : {},
      classes: { default: { ok, fast, sketch: createSketch() } },
      quality: { judged, good, sumW: judged, sumW2: judged, sumWGood: good },
    };
    mergeCell(cell, part);
  }
  return cell;
}

export function world(segments: readonly Segment[], policy: BurnPolicy, sp: AlertSpec = spec()): AlertInput {
  const minSamples = sp.quality.minSamples;
  const lastSeen = (model: string): number => {
    const toMin = Math.min(...segments.filter((s) => (s.model ?? 'v1') === model).map((s) => s.toMin));
    return NOW - toMin * MINUTE_MS;
  };
  return {
    spec: sp,
    policy,
    counts: (d, w) => {
      const c = windowCell(segments, w);
      return dimensionCounts(d, c, estimateQuality(c.quality, minSamples));
    },
    verdictWindow: (w) => windowCell(segments, w).quality,
    errorTypes: (w) => windowCell(segments, w).errors,
    versions: (w): VersionRow[] => {
      const whole = windowCell(segments, w);
      const models = [...new Set(segments.map((s) => s.model ?? 'v1'))].sort();
      const cells = models.map((m) => ({ model: m, cell: windowCell(segments, w, m) })).filter((v) => eligible(v.cell) > 0);
      const tests = compareGroups(cells.map((v) => ({ key: v.model, ...v.cell.quality })), whole.quality, { minSamples, objective: sp.objectives.quality });
      return cells.map((v, i) => {
        const q = estimateQuality(v.cell.quality, minSamples);
        const t = tests[i]!;
        return {
          model: v.model, lastSeenMs: lastSeen(v.model), eligible: eligible(v.cell),
          errors: { sli: v.cell.ok / eligible(v.cell), interval: wilson(v.cell.ok, eligible(v.cell)) ?? null },
          latency: { sli: v.cell.ok > 0 ? okFast(v.cell) / v.cell.ok : null, interval: null },
          quality: q.status === 'ok'
            ? { status: 'ok', qHat: q.qHat, interval: q.interval, judged: q.judged }
            : { status: 'insufficient', qHat: null, interval: null, judged: q.judged },
          test: t.status === 'ok' && t.test !== undefined ? { pvalue: t.test.pvalue, adjustedP: t.test.adjustedP } : null,
          flags: t.status === 'ok' ? t.flags : [],
        };
      });
    },
    cohorts: (): CohortRow[] => [],
  };
}
