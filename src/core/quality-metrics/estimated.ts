/**
 * Label-free quality while labels are pending: confidence-based performance estimation (CBPE, after
 * NannyML) for classifiers that report the predicted label's probability as `score`, and the
 * calibration check on the labeled sample that says whether to believe it (docs/quality-metrics.md).
 *
 * - estimated accuracy = Σp / n over every ok scored request (`est|…` sums, added at inference time):
 *   a calibrated model is right with probability p on each request. Interval ± z·sqrt(Σp(1−p))/n: the
 *   spread of the realized accuracy, a Poisson-binomial sum of independent Bernoulli(p), around its
 *   mean when the model is calibrated — it does not cover miscalibration, which the check below tests.
 * - calibration (labeled scored requests, `cal|b|…` sums): per bin of score n, mean score, realized
 *   accuracy; ECE = Σ_b (n_b/N)·|acc_b − conf_b|.
 * - trust: on the labeled sample z = (Σgood − Σp) / sqrt(Σp(1−p)); trusted when at least `minLabels`
 *   (30) labeled scored requests and |z| ≤ 1.96. Unweighted: the check asks whether the scores are
 *   right on the requests that were labeled, whatever their inclusion probability.
 * The estimate is reported beside the realized SLI and never mixed into it.
 */
import type { MetricSums } from '../rollup.ts';
import type { Interval } from '../stats/wilson.ts';
import { CALIBRATION_BINS, calibrationKey } from './contributions.ts';
import { Z95 } from './metric-value.ts';

export interface CalibrationBin {
  readonly bin: number;
  /** Score range [lower, upper) (the last bin includes 1). */
  readonly lower: number;
  readonly upper: number;
  readonly n: number;
  readonly meanScore: number;
  readonly accuracy: number;
}

export interface CalibrationReport {
  /** Labeled requests with a score. */
  readonly n: number;
  /** Non-empty bins only, ascending. */
  readonly bins: CalibrationBin[];
  /** Expected calibration error; 0 when n = 0. */
  readonly ece: number;
}

export interface TrustCheck {
  readonly trusted: boolean;
  readonly reason: string;
  /** Labeled scored requests the check ran on. */
  readonly judged: number;
  /** Σgood/n and Σp/n on them (0 when judged = 0). */
  readonly realized: number;
  readonly expected: number;
  /** Undefined when there is no variance to scale by (judged = 0, or every score 0 or 1). */
  readonly z: number | undefined;
}

export interface EstimatedReport {
  /** Ok requests with a score (labeled or not). */
  readonly n: number;
  /** Σp/n; 0 when n = 0. */
  readonly accuracy: number;
  readonly interval: Interval | undefined;
  readonly calibration: CalibrationReport;
  readonly trust: TrustCheck;
}

export const TRUST_MIN_LABELS = 30;
export const TRUST_Z = 1.96;

function get(sums: Readonly<MetricSums>, key: string): number {
  return sums[key]?.[0] ?? 0;
}

function fmt(x: number): string {
  return x.toFixed(3);
}

export function calibrationReport(sums: Readonly<MetricSums>): CalibrationReport {
  const bins: CalibrationBin[] = [];
  let n = 0;
  for (let b = 0; b < CALIBRATION_BINS; b++) {
    const nb = Math.round(get(sums, calibrationKey(b, 'n')));
    if (!(nb > 0)) continue;
    n += nb;
    bins.push({
      bin: b,
      lower: b / CALIBRATION_BINS,
      upper: (b + 1) / CALIBRATION_BINS,
      n: nb,
      meanScore: get(sums, calibrationKey(b, 'p')) / nb,
      accuracy: get(sums, calibrationKey(b, 'good')) / nb,
    });
  }
  let ece = 0;
  for (const b of bins) ece += (b.n / n) * Math.abs(b.accuracy - b.meanScore);
  return { n, bins, ece };
}

export function trustCheck(sums: Readonly<MetricSums>, minLabels = TRUST_MIN_LABELS): TrustCheck {
  let n = 0;
  let good = 0;
  let p = 0;
  let pq = 0;
  for (let b = 0; b < CALIBRATION_BINS; b++) {
    n += get(sums, calibrationKey(b, 'n'));
    good += get(sums, calibrationKey(b, 'good'));
    p += get(sums, calibrationKey(b, 'p'));
    pq += get(sums, calibrationKey(b, 'pq'));
  }
  n = Math.round(n);
  const realized = n > 0 ? good / n : 0;
  const expected = n > 0 ? p / n : 0;
  const z = pq > 0 ? (good - p) / Math.sqrt(pq) : undefined;
  const base = { judged: n, realized, expected, z };
  if (n < minLabels) {
    return { ...base, trusted: false, reason: `too few labels: ${n} labeled scored requests, need ${minLabels}` };
  }
  // No variance: every score is 0 or 1, so a calibrated model is right exactly Σp times.
  const consistent = z === undefined ? Math.abs(good - p) < 1e-9 * n : Math.abs(z) <= TRUST_Z;
  if (consistent) {
    return { ...base, trusted: true, reason: `scores match outcomes on ${n} labeled requests: realized ${fmt(realized)} vs expected ${fmt(expected)}` };
  }
  const how = good < p ? 'over' : 'under';
  return {
    ...base,
    trusted: false,
    reason: `the model is ${how}-confident on labeled requests: realized ${fmt(realized)} vs expected ${fmt(expected)}`,
  };
}

/** CBPE estimate, calibration and trust check; undefined when no request carried a score. */
export function estimatedReport(sums: Readonly<MetricSums>, minLabels = TRUST_MIN_LABELS): EstimatedReport | undefined {
  const n = Math.round(get(sums, 'est|n'));
  const calibration = calibrationReport(sums);
  if (n === 0 && calibration.n === 0) return undefined;
  const p = get(sums, 'est|p');
  const pq = Math.max(0, get(sums, 'est|pq'));
  const accuracy = n > 0 ? p / n : 0;
  let interval: Interval | undefined;
  if (n > 0) {
    const half = (Z95 * Math.sqrt(pq)) / n;
    interval = { lower: Math.max(0, accuracy - half), upper: Math.min(1, accuracy + half) };
  }
  return { n, accuracy, interval, calibration, trust: trustCheck(sums, minLabels) };
}
