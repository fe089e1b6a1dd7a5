/**
 * One reported metric: its value, the number of requests behind it and a 95% interval (DESIGN §2.5).
 *
 * - Proportions (accuracy, precision, recall, hit@k, within-tolerance, pass rates): Wilson score
 *   interval on the metric's own numerator/denominator (stats/wilson.ts).
 * - Means (MAE, MSE, precision@k, recall@k, NDCG@k, MRR, generative scores): normal approximation
 *   mean ± z·s/√n, s the sample standard deviation from Σx and Σx² (n − 1 denominator), clipped to the
 *   metric's range; none for n < 2. The metrics are means of bounded or light-tailed per-request values
 *   over tens to thousands of requests, where the CLT interval is adequate and — unlike a bootstrap —
 *   computable from mergeable sums.
 *
 * `weighted` is the Hájek (1/samplingProb-weighted) variant Σw·x / Σw, reported beside the plain
 * value, which is unweighted as scikit-learn computes it.
 */
import { normalPpf } from '../stats/normal.ts';
import { wilson, type Interval } from '../stats/wilson.ts';

export interface MetricValue {
  /** Requests the metric is over (its denominator). */
  readonly n: number;
  /** The plain metric; 0 when n = 0 (scikit-learn's zero_division = 0). */
  readonly value: number;
  /** 95% interval; undefined when n = 0, for means when n < 2, and for F1 and macro averages. */
  readonly interval: Interval | undefined;
  /** Hájek-weighted variant, when the weights are known. */
  readonly weighted?: number;
}

/** z of a two-sided 95% interval (scipy's norm.ppf(0.975)). */
export const Z95 = normalPpf(0.975);

function ratio(num: number, den: number): number {
  return den > 0 ? num / den : 0;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** A proportion k/n with its Wilson interval; `w` = [Σw·k, Σw] gives the weighted variant. */
export function proportionMetric(k: number, n: number, w?: readonly [number, number]): MetricValue {
  // Sums merged with negative deltas can carry rounding residue; counts are integers, so round them.
  const kk = clamp(Math.round(k), 0, Math.max(0, Math.round(n)));
  const nn = Math.max(0, Math.round(n));
  const base = { n: nn, value: ratio(kk, nn), interval: wilson(kk, nn) };
  return w === undefined ? base : { ...base, weighted: ratio(w[0], w[1]) };
}

export interface MeanOptions {
  /** Σw·x and Σw, for the weighted mean. */
  readonly weighted?: readonly [number, number];
  /** Range the metric lives in; the interval is clipped to it. */
  readonly min?: number;
  readonly max?: number;
}

/** Mean Σx/n with a normal-approximation interval from Σx and Σx² (see the module comment). */
export function meanMetric(sum: number, sumSq: number, n: number, opts: MeanOptions = {}): MetricValue {
  const nn = Math.max(0, Math.round(n));
  const value = ratio(sum, nn);
  let interval: Interval | undefined;
  if (nn >= 2) {
    // Σx² − (Σx)²/n cancels when the values are (nearly) all equal; below the rounding error of the sums
    // (about n·ε·Σx²) it is noise, and merged sums added in another order would give another sign.
    const ss = sumSq - (sum * sum) / nn;
    const variance = ss > 4 * nn * Number.EPSILON * Math.abs(sumSq) ? ss / (nn - 1) : 0;
    const half = Z95 * Math.sqrt(variance / nn);
    const lo = opts.min ?? -Infinity;
    const hi = opts.max ?? Infinity;
    interval = { lower: clamp(value - half, lo, hi), upper: clamp(value + half, lo, hi) };
  }
  const base = { n: nn, value, interval };
  return opts.weighted === undefined ? base : { ...base, weighted: ratio(opts.weighted[0], opts.weighted[1]) };
}

/** A value reported without an interval (F1, macro averages). */
export function pointMetric(value: number, n: number, weighted?: number): MetricValue {
  const base = { n, value, interval: undefined };
  return weighted === undefined ? base : { ...base, weighted };
}
