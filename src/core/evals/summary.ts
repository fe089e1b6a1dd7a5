/**
 * An eval run's summary and its paired comparisons (DESIGN §2.7).
 *
 * - Pass rate: good / scored with the Wilson 95% interval; results whose verdict is null (failed calls,
 *   unscorable responses) are left out and counted as `failed` when they carry an error.
 * - Replay: requests were sampled with inclusion probability π (the store's `weight`), so the pass rate of
 *   the traffic is the Hájek estimate Σ(good/π)/Σ(1/π), with the Wilson interval at the Kish effective
 *   sample size — core/quality-estimate.ts, as for production quality (§2.4).
 * - Comparisons pair results by example id (both verdicts non-null). McNemar's test on the discordant
 *   pairs: exact binomial when b + c < 25, the usual rule for when the χ² approximation is poor (Rosner,
 *   Fundamentals of Biostatistics, §10.4), else χ² with continuity correction — both as statsmodels.
 *   Scores paired by example go to the Wilcoxon signed-rank test (stats/wilcoxon.ts).
 * - A regression is a drop of at least `maxDrop` that McNemar finds significant at `alpha`.
 */
import { estimateQuality } from '../quality-estimate.ts';
import { meanMetric } from '../quality-metrics/metric-value.ts';
import { addQuality, createQualityAcc, verdictQuality } from '../rollup.ts';
import { mcnemar } from '../stats/mcnemar.ts';
import { linearQuantiles } from '../stats/quantile.ts';
import { wilcoxonSignedRank } from '../stats/wilcoxon.ts';
import { wilson } from '../stats/wilson.ts';
import type { ComparisonAgainst, EvalComparison, EvalResultView, EvalSummary, Rate, ScoreStats, SegmentResult } from './types.ts';

/** Below this many discordant pairs McNemar's p is the exact binomial one. */
export const MCNEMAR_EXACT_BELOW = 25;
/** delta ≤ −maxDrop is judged with this slack, so 0.91 − 0.93 counts as a drop of 0.02. */
const DROP_EPSILON = 1e-9;

function rate(good: number, n: number): Rate {
  return { n, good, value: n > 0 ? good / n : 0, interval: wilson(good, n) ?? { lower: 0, upper: 1 } };
}

function passRateOf(results: readonly EvalResultView[]): Rate {
  let n = 0;
  let good = 0;
  for (const r of results) {
    if (r.verdict === null) continue;
    n++;
    if (r.verdict) good++;
  }
  return rate(good, n);
}

/** Mean score with the normal-approximation interval of quality-metrics (clipped at 0 when every score is ≥ 0). */
function scoreOf(results: readonly EvalResultView[]): ScoreStats | null {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  for (const r of results) {
    if (r.score === null || !Number.isFinite(r.score)) continue;
    n++;
    sum += r.score;
    sumSq += r.score * r.score;
    min = Math.min(min, r.score);
  }
  if (n === 0) return null;
  const m = meanMetric(sum, sumSq, n, min >= 0 ? { min: 0 } : {});
  return { n, mean: m.value, interval: m.interval ?? { lower: m.value, upper: m.value } };
}

function failedOf(results: readonly EvalResultView[]): number {
  return results.reduce((n, r) => n + (r.error === null ? 0 : 1), 0);
}

/** The Hájek pass rate over 1/π weights; null when every judged result has π = 1 (a golden set). */
function weightedPassRate(results: readonly EvalResultView[]): EvalSummary['weightedPassRate'] {
  const acc = createQualityAcc();
  let sampled = false;
  for (const r of results) {
    if (r.verdict === null) continue;
    if (!(r.weight > 0 && r.weight <= 1)) throw new RangeError(`eval result ${r.exampleId}: inclusion probability ${r.weight} outside (0, 1]`);
    if (r.weight !== 1) sampled = true;
    addQuality(acc, verdictQuality(r.verdict, 1 / r.weight));
  }
  if (!sampled) return null;
  const q = estimateQuality(acc, 1);
  return q.status === 'ok' ? { value: q.qHat, interval: q.interval } : null;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list === undefined) out.set(k, [it]);
    else list.push(it);
  }
  return out;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Everything of the run summary but its comparisons (which need other runs). */
export function summarizeResults(results: readonly EvalResultView[], durationMs: number): Omit<EvalSummary, 'comparisons'> {
  const segments: SegmentResult[] = [...groupBy(results, (r) => r.segment)]
    .sort(([a], [b]) => byName(a, b))
    .map(([segment, rs]) => ({ segment, passRate: passRateOf(rs), score: scoreOf(rs), failed: failedOf(rs) }));
  // A failed call reports no model version: versions are over the answered calls.
  const versions = [...groupBy(results.filter((r) => r.error === null), (r) => r.model)]
    .map(([model, rs]) => ({ model, passRate: passRateOf(rs) }))
    .sort((a, b) => b.passRate.n - a.passRate.n || byName(a.model, b.model));
  const latencies = results.map((r) => r.latencyMs).filter((v) => Number.isFinite(v));
  const [p50Ms, p95Ms, maxMs] = latencies.length === 0 ? [0, 0, 0] : linearQuantiles(latencies, [0.5, 0.95, 1]);
  return {
    passRate: passRateOf(results),
    score: scoreOf(results),
    weightedPassRate: weightedPassRate(results),
    failed: failedOf(results),
    segments,
    versions,
    timing: { durationMs, p50Ms: p50Ms!, p95Ms: p95Ms!, maxMs: maxMs! },
  };
}

export interface CompareOptions {
  readonly maxDrop: number;
  readonly alpha: number;
  /** Only the results of this segment (of this run's examples). */
  readonly segment?: string;
}

interface Pair {
  readonly here: boolean;
  readonly there: boolean;
}

function compare(
  pairs: readonly Pair[], scores: readonly (readonly [number, number])[],
  head: { readonly against: ComparisonAgainst; readonly runId: string | null; readonly model: string }, opts: CompareOptions,
): EvalComparison {
  let goodHere = 0;
  let goodThere = 0;
  let b = 0;
  let c = 0;
  for (const p of pairs) {
    if (p.here) goodHere++;
    if (p.there) goodThere++;
    if (p.here && !p.there) b++;
    else if (!p.here && p.there) c++;
  }
  const paired = pairs.length;
  const passRate = paired > 0 ? goodHere / paired : 0;
  const otherPassRate = paired > 0 ? goodThere / paired : 0;
  const delta = passRate - otherPassRate;
  const m = mcnemar(b, c);
  const exact = b + c < MCNEMAR_EXACT_BELOW;
  const mc = { b, c, statistic: exact ? Math.min(b, c) : m.chi2Statistic, pValue: exact ? m.exactPvalue : m.chi2Pvalue, exact };
  let scoreTest: EvalComparison['scores'] = null;
  if (scores.length > 0) {
    const w = wilcoxonSignedRank(scores.map((s) => s[0]), scores.map((s) => s[1]));
    const meanDelta = scores.reduce((s, [x, y]) => s + (x - y), 0) / scores.length;
    scoreTest = { paired: scores.length, meanDelta, statistic: w.statistic, pValue: w.pValue };
  }
  const regression = paired > 0 && delta <= -opts.maxDrop + DROP_EPSILON && mc.pValue < opts.alpha;
  return {
    ...head, paired, passRate, otherPassRate, delta, mcnemar: mc, scores: scoreTest, regression,
    ...(opts.segment === undefined ? {} : { segment: opts.segment }),
  };
}

/**
 * This run's results against another run's, paired by example id: verdicts where both are non-null,
 * scores where both are non-null. With `segment`, only this run's examples of that segment.
 */
export function compareResults(
  current: readonly EvalResultView[],
  other: readonly EvalResultView[],
  opts: CompareOptions & { readonly against: ComparisonAgainst; readonly runId: string | null; readonly model: string },
): EvalComparison {
  const byId = new Map<string, EvalResultView>();
  for (const r of other) byId.set(r.exampleId, r);
  const pairs: Pair[] = [];
  const scores: [number, number][] = [];
  for (const r of current) {
    if (opts.segment !== undefined && r.segment !== opts.segment) continue;
    const o = byId.get(r.exampleId);
    if (o === undefined) continue;
    if (r.verdict !== null && o.verdict !== null) pairs.push({ here: r.verdict, there: o.verdict });
    if (r.score !== null && o.score !== null && Number.isFinite(r.score) && Number.isFinite(o.score)) scores.push([r.score, o.score]);
  }
  return compare(pairs, scores, { against: opts.against, runId: opts.runId, model: opts.model }, opts);
}

/**
 * A replay against production on the same requests: each result's verdict paired with the verdict
 * production had (`baselineVerdict`). Unweighted, like any paired test: the question is whether the
 * candidate judges these requests differently, not what the traffic's pass rate is.
 */
export function compareWithProduction(
  results: readonly EvalResultView[],
  opts: CompareOptions & { readonly model: string },
): EvalComparison {
  const pairs: Pair[] = [];
  for (const r of results) {
    if (opts.segment !== undefined && r.segment !== opts.segment) continue;
    if (r.verdict !== null && r.baselineVerdict !== null) pairs.push({ here: r.verdict, there: r.baselineVerdict });
  }
  return compare(pairs, [], { against: 'production', runId: null, model: opts.model }, opts);
}
