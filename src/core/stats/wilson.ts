/**
 * Wilson score interval for a binomial proportion, as scipy computes it
 * (`binomtest(k, n).proportion_ci(method='wilson')`, scipy/stats/_binomtest.py):
 *   center = (2np̂ + z²) / (2(n + z²)), half = z·sqrt(z² + 4np̂(1 − p̂)) / (2(n + z²)),
 * with the interval pinned to exactly 0 at k = 0 and exactly 1 at k = n (scipy's convention).
 * k and n may be fractional: the weighted estimate passes a Kish effective sample size (quality-estimate.ts).
 */
import { normalPpf } from './normal.ts';

export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/** Two-sided Wilson interval at `confidence`; undefined when n = 0 (no information). */
export function wilson(k: number, n: number, confidence = 0.95): Interval | undefined {
  if (!(n > 0)) return undefined;
  if (!(k >= 0 && k <= n)) throw new RangeError(`wilson: k = ${k} outside [0, n = ${n}]`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`wilson: confidence ${confidence} outside (0, 1)`);
  const z = normalPpf(0.5 + 0.5 * confidence);
  const p = k / n;
  const z2 = z * z;
  const denom = 2 * (n + z2);
  const center = (2 * n * p + z2) / denom;
  const half = (z * Math.sqrt(z2 + 4 * n * p * (1 - p))) / denom;
  return {
    lower: k === 0 ? 0 : center - half,
    upper: k === n ? 1 : center + half,
  };
}
