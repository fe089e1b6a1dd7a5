/**
 * Classification metrics exactly as scikit-learn computes them (DESIGN §2.5), over an explicit label
 * order: accuracy_score; precision_recall_fscore_support(labels=…, zero_division=0) per class, macro
 * and micro; confusion_matrix(labels=…). Labels match by type and value (1 ≠ "1").
 */
import type { Label } from '../event.ts';

export interface PrfAverage {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface ClassificationMetrics {
  readonly n: number;
  /** Share of all pairs that match, labels outside `labels` included (accuracy_score). */
  readonly accuracy: number;
  /** Arrays in `labels` order. */
  readonly perClass: {
    readonly precision: number[];
    readonly recall: number[];
    readonly f1: number[];
    readonly support: number[];
  };
  readonly macro: PrfAverage;
  readonly micro: PrfAverage;
  /** Rows: true label, columns: predicted label, both in `labels` order. */
  readonly confusionMatrix: number[][];
}

/** sklearn's _prf_divide with zero_division = 0. */
function div(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

/** sklearn's F-beta (β = 1) from precision and recall: 2PR / (P + R), 0 when P + R = 0. */
function f1(p: number, r: number): number {
  const den = p + r;
  return den === 0 ? 0 : (2 * p * r) / den;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length === 0 ? 0 : s / xs.length;
}

export function classificationMetrics(
  labels: readonly Label[],
  yTrue: readonly Label[],
  yPred: readonly Label[],
): ClassificationMetrics {
  if (yTrue.length !== yPred.length) throw new RangeError('classificationMetrics: y_true and y_pred differ in length');
  return classificationMetricsFromCounts(labels, yTrue.map((truth, i) => ({ truth, pred: yPred[i]!, count: 1 })));
}

/** One cell of a sparse confusion table: `count` requests had true label `truth` and prediction `pred`. */
export interface ConfusionCount {
  readonly truth: Label;
  readonly pred: Label;
  /** A count, or a sum of weights (then every metric is its weighted variant, as sklearn's sample_weight). */
  readonly count: number;
}

/**
 * The same metrics from (truth, pred, count) cells instead of per-request arrays, so mergeable rollup
 * sums need not be expanded. `n` is Σ count; with weights as counts the results equal sklearn's with
 * `sample_weight`.
 */
export function classificationMetricsFromCounts(
  labels: readonly Label[],
  counts: readonly ConfusionCount[],
): ClassificationMetrics {
  const index = new Map<Label, number>();
  labels.forEach((l, i) => { if (!index.has(l)) index.set(l, i); });
  const k = labels.length;
  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const trueSum = new Array<number>(k).fill(0);
  const predSum = new Array<number>(k).fill(0);
  let correct = 0;
  let n = 0;
  for (const { truth: t, pred: p, count } of counts) {
    n += count;
    if (t === p) correct += count;
    const ti = index.get(t);
    const pi = index.get(p);
    if (ti !== undefined) trueSum[ti]! += count;
    if (pi !== undefined) predSum[pi]! += count;
    if (ti !== undefined && pi !== undefined) cm[ti]![pi]! += count;
  }
  const tp = cm.map((row, i) => row[i]!);
  const precision = tp.map((x, i) => div(x, predSum[i]!));
  const recall = tp.map((x, i) => div(x, trueSum[i]!));
  const f = precision.map((p, i) => f1(p, recall[i]!));
  const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
  const microP = div(sum(tp), sum(predSum));
  const microR = div(sum(tp), sum(trueSum));
  return {
    n,
    accuracy: n === 0 ? 0 : correct / n,
    perClass: { precision, recall, f1: f, support: trueSum },
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f) },
    micro: { precision: microP, recall: microR, f1: f1(microP, microR) },
    confusionMatrix: cm,
  };
}
