/**
 * Aggregate quality metrics from merged MetricSums (DESIGN §2.5; keys in contributions.ts, methods in
 * metric-value.ts and docs/quality-metrics.md). Plain values are unweighted over the judged requests,
 * as scikit-learn computes them; `weighted` is the Hájek variant beside them.
 */
import type { Label } from '../event.ts';
import type { MetricSums } from '../rollup.ts';
import type { VerdictRule } from '../spec.ts';
import { classificationMetricsFromCounts, type ConfusionCount } from '../stats/classification-metrics.ts';
import {
  PASS_PREFIX, SCORED_PREFIX, SCORE_PREFIX, SQUARE, atK, criteriaOn, parseConfusionKey, rankingKs,
} from './contributions.ts';
import { estimatedReport, type EstimatedReport } from './estimated.ts';
import { meanMetric, pointMetric, proportionMetric, type MetricValue } from './metric-value.ts';

export type { MetricValue } from './metric-value.ts';

export interface ClassMetrics {
  readonly label: Label;
  /** Judged requests whose true label is this one. */
  readonly support: number;
  /** n = requests predicted as this label. */
  readonly precision: MetricValue;
  /** n = support. */
  readonly recall: MetricValue;
  /** No interval; n = requests where the label is true or predicted. */
  readonly f1: MetricValue;
}

export interface AverageMetrics {
  readonly precision: MetricValue;
  readonly recall: MetricValue;
  readonly f1: MetricValue;
}

export interface ClassificationReport {
  readonly task: 'classification';
  readonly n: number;
  readonly sumW: number;
  /** Support descending, then JSON text; or the order asked for. */
  readonly labels: Label[];
  readonly accuracy: MetricValue;
  readonly perClass: ClassMetrics[];
  /** Unweighted mean over `labels`; no interval. */
  readonly macro: AverageMetrics;
  /** Pooled over `labels`; Wilson intervals for precision and recall. */
  readonly micro: AverageMetrics;
  /** Rows true label, columns predicted, both in `labels` order. */
  readonly confusionMatrix: number[][];
  /** CBPE estimate and calibration, when predictions carried scores. Never mixed into `accuracy`. */
  readonly estimated?: EstimatedReport;
}

export interface RankingAtKMetrics {
  readonly k: number;
  readonly hit: MetricValue;
  readonly precision: MetricValue;
  readonly recall: MetricValue;
  readonly ndcg: MetricValue;
  readonly mrr: MetricValue;
}

export interface RankingReport {
  readonly task: 'ranking';
  readonly n: number;
  readonly sumW: number;
  /** The spec's k (the verdict's hit@k). */
  readonly k: number;
  readonly atK: RankingAtKMetrics[];
  readonly mrr: MetricValue;
}

export interface RegressionReport {
  readonly task: 'regression';
  readonly n: number;
  readonly sumW: number;
  readonly mae: MetricValue;
  readonly mse: MetricValue;
  /** sqrt(MSE); interval = sqrt of the MSE interval's bounds. */
  readonly rmse: MetricValue;
  readonly withinTolerance: MetricValue;
}

export interface ScoreMetrics {
  readonly name: string;
  /** n = requests whose outcome has this score. */
  readonly mean: MetricValue;
  /** Share of those on which every criterion on this score holds; absent when no criterion mentions it. */
  readonly passRate?: MetricValue;
}

export interface GenerativeReport {
  readonly task: 'generative';
  readonly n: number;
  readonly sumW: number;
  /** Share of requests on which every criterion holds (the verdict). */
  readonly pass: MetricValue;
  /** By score name. */
  readonly scores: ScoreMetrics[];
}

export type QualityMetricsReport = ClassificationReport | RankingReport | RegressionReport | GenerativeReport;

export interface ComputeOptions {
  /** Classification: force this label order (and set), as sklearn's `labels=`. */
  readonly labels?: readonly Label[];
  /** Labeled scored requests the CBPE trust check needs (default 30). */
  readonly minTrustLabels?: number;
}

type Sums = Readonly<MetricSums>;

function x(sums: Sums, key: string): number {
  return sums[key]?.[0] ?? 0;
}

function wx(sums: Sums, key: string): number {
  return sums[key]?.[1] ?? 0;
}

export function computeQualityMetrics(rule: VerdictRule, sums: Sums, opts: ComputeOptions = {}): QualityMetricsReport {
  switch (rule.task) {
    case 'classification': return computeClassification(sums, opts);
    case 'ranking': return computeRanking(sums, rule.k);
    case 'regression': return computeRegression(sums);
    case 'generative': return computeGenerative(sums, scoresWithCriteria(rule, sums));
  }
}

function scoresWithCriteria(rule: Extract<VerdictRule, { task: 'generative' }>, sums: Sums): string[] {
  return scoreNames(sums).filter((s) => criteriaOn(rule.criteria, s).length > 0);
}

function scoreNames(sums: Sums): string[] {
  const names: string[] = [];
  for (const key in sums) if (key.startsWith(SCORED_PREFIX)) names.push(key.slice(SCORED_PREFIX.length));
  return names.sort();
}

function compareLabels(a: { label: Label; json: string; support: number }, b: { label: Label; json: string; support: number }): number {
  return b.support - a.support || (a.json < b.json ? -1 : a.json > b.json ? 1 : 0);
}

export function computeClassification(sums: Sums, opts: ComputeOptions = {}): ClassificationReport {
  const counts: ConfusionCount[] = [];
  const weights: ConfusionCount[] = [];
  const support = new Map<Label, number>();
  const predicted = new Map<Label, number>();
  const predictedW = new Map<Label, number>();
  const supportW = new Map<Label, number>();
  for (const key in sums) {
    const cell = parseConfusionKey(key);
    if (cell === undefined) continue;
    const [c, w] = sums[key]!;
    const count = Math.round(c);
    if (count === 0) continue;
    counts.push({ ...cell, count });
    weights.push({ ...cell, count: w });
    support.set(cell.truth, (support.get(cell.truth) ?? 0) + count);
    predicted.set(cell.pred, (predicted.get(cell.pred) ?? 0) + count);
    supportW.set(cell.truth, (supportW.get(cell.truth) ?? 0) + w);
    predictedW.set(cell.pred, (predictedW.get(cell.pred) ?? 0) + w);
    if (!support.has(cell.pred)) support.set(cell.pred, 0);
  }
  const labels = opts.labels !== undefined
    ? [...opts.labels]
    : [...support.entries()]
      .map(([label, s]) => ({ label, json: JSON.stringify(label), support: s }))
      .sort(compareLabels)
      .map((l) => l.label);
  const m = classificationMetricsFromCounts(labels, counts);
  const mw = classificationMetricsFromCounts(labels, weights);
  const n = m.n;
  const sumW = mw.n;
  const correct = counts.reduce((a, c) => a + (c.truth === c.pred ? c.count : 0), 0);
  const correctW = weights.reduce((a, c) => a + (c.truth === c.pred ? c.count : 0), 0);

  let tpAll = 0;
  let predAll = 0;
  let trueAll = 0;
  let tpAllW = 0;
  let predAllW = 0;
  let trueAllW = 0;
  const perClass = labels.map((label, i): ClassMetrics => {
    const tp = m.confusionMatrix[i]![i]!;
    const tpW = mw.confusionMatrix[i]![i]!;
    const nPred = predicted.get(label) ?? 0;
    const nTrue = m.perClass.support[i]!;
    const nPredW = predictedW.get(label) ?? 0;
    const nTrueW = supportW.get(label) ?? 0;
    tpAll += tp; predAll += nPred; trueAll += nTrue;
    tpAllW += tpW; predAllW += nPredW; trueAllW += nTrueW;
    return {
      label,
      support: nTrue,
      // Values from the sklearn-exact computation; intervals on each metric's own denominator.
      precision: { ...proportionMetric(tp, nPred), value: m.perClass.precision[i]!, weighted: mw.perClass.precision[i]! },
      recall: { ...proportionMetric(tp, nTrue), value: m.perClass.recall[i]!, weighted: mw.perClass.recall[i]! },
      f1: pointMetric(m.perClass.f1[i]!, nPred + nTrue - tp, mw.perClass.f1[i]),
    };
  });
  const report: ClassificationReport = {
    task: 'classification',
    n,
    sumW,
    labels,
    accuracy: { ...proportionMetric(correct, n, [correctW, sumW]), value: m.accuracy },
    perClass,
    macro: {
      precision: pointMetric(m.macro.precision, n, mw.macro.precision),
      recall: pointMetric(m.macro.recall, n, mw.macro.recall),
      f1: pointMetric(m.macro.f1, n, mw.macro.f1),
    },
    micro: {
      precision: { ...proportionMetric(tpAll, predAll, [tpAllW, predAllW]), value: m.micro.precision, weighted: mw.micro.precision },
      recall: { ...proportionMetric(tpAll, trueAll, [tpAllW, trueAllW]), value: m.micro.recall, weighted: mw.micro.recall },
      f1: pointMetric(m.micro.f1, n, mw.micro.f1),
    },
    confusionMatrix: m.confusionMatrix,
  };
  const estimated = estimatedReport(sums, opts.minTrustLabels);
  return estimated === undefined ? report : { ...report, estimated };
}

function mean01(sums: Sums, key: string, n: number, sumW: number): MetricValue {
  return meanMetric(x(sums, key), x(sums, key + SQUARE), n, { weighted: [wx(sums, key), sumW], min: 0, max: 1 });
}

export function computeRanking(sums: Sums, k: number): RankingReport {
  const n = Math.round(x(sums, 'n'));
  const sumW = wx(sums, 'n');
  const atKs = rankingKs(k).map((kk): RankingAtKMetrics => ({
    k: kk,
    hit: proportionMetric(x(sums, atK('hit', kk)), n, [wx(sums, atK('hit', kk)), sumW]),
    precision: mean01(sums, atK('precision', kk), n, sumW),
    recall: mean01(sums, atK('recall', kk), n, sumW),
    ndcg: mean01(sums, atK('ndcg', kk), n, sumW),
    mrr: mean01(sums, atK('mrr', kk), n, sumW),
  }));
  return { task: 'ranking', n, sumW, k, atK: atKs, mrr: mean01(sums, 'mrr', n, sumW) };
}

export function computeRegression(sums: Sums): RegressionReport {
  const n = Math.round(x(sums, 'n'));
  const sumW = wx(sums, 'n');
  // Σ|e|² = Σe², so the MAE interval uses `sq` as its sum of squares; the MSE interval uses Σe⁴.
  const mae = meanMetric(x(sums, 'abs'), x(sums, 'sq'), n, { weighted: [wx(sums, 'abs'), sumW], min: 0 });
  const mse = meanMetric(x(sums, 'sq'), x(sums, 'sq' + SQUARE), n, { weighted: [wx(sums, 'sq'), sumW], min: 0 });
  const rmse: MetricValue = {
    n,
    value: Math.sqrt(mse.value),
    interval: mse.interval === undefined ? undefined : { lower: Math.sqrt(mse.interval.lower), upper: Math.sqrt(mse.interval.upper) },
    ...(mse.weighted === undefined ? {} : { weighted: Math.sqrt(mse.weighted) }),
  };
  const withinTolerance = proportionMetric(x(sums, 'within'), n, [wx(sums, 'within'), sumW]);
  return { task: 'regression', n, sumW, mae, mse, rmse, withinTolerance };
}

/** `withCriteria`: score names that criteria mention (they get a pass rate, 0 when no request passed). */
export function computeGenerative(sums: Sums, withCriteria: readonly string[] = []): GenerativeReport {
  const n = Math.round(x(sums, 'n'));
  const sumW = wx(sums, 'n');
  const names = new Set(scoreNames(sums));
  for (const key in sums) if (key.startsWith(PASS_PREFIX)) names.add(key.slice(PASS_PREFIX.length));
  const scores = [...names].sort().map((name): ScoreMetrics => {
    const scored = x(sums, SCORED_PREFIX + name);
    const scoredW = wx(sums, SCORED_PREFIX + name);
    const key = SCORE_PREFIX + name;
    const mean = meanMetric(x(sums, key), x(sums, key + SQUARE), scored, { weighted: [wx(sums, key), scoredW] });
    const pass = PASS_PREFIX + name;
    if (sums[pass] === undefined && !withCriteria.includes(name)) return { name, mean };
    return { name, mean, passRate: proportionMetric(x(sums, pass), scored, [wx(sums, pass), scoredW]) };
  });
  return { task: 'generative', n, sumW, pass: proportionMetric(x(sums, 'pass'), n, [wx(sums, 'pass'), sumW]), scores };
}
