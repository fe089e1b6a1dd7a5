/**
 * 1-D Wasserstein-1 distance as `scipy.stats.wasserstein_distance(u, v, u_weights, v_weights)`
 * (scipy 1.10 `_cdf_distance` with p = 1): the merged support sorted, deltas between neighbours, each
 * sample's (weighted) CDF right-continuous at the left end of every interval
 * (searchsorted side='right'), W = Σ |U − V|·Δ — summed with numpy's pairwise summation, as np.sum.
 * Evidently's drift rule divides by the reference's population std (ddof 0) floored at 0.001 and flags
 * drift when that normed value is ≥ 0.1 (DESIGN §2.6).
 */

export const WASSERSTEIN_STD_FLOOR = 0.001;
export const WASSERSTEIN_DRIFT_THRESHOLD = 0.1;

/** numpy's pairwise summation (numpy/core/src/umath/loops_utils.h `pairwise_sum`, blocks of 128). */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => a[start + k]!);
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let k = 0; k < 8; k++) r[k]! += a[start + i + k]!;
    }
    let res = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

function checkSample(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`wasserstein: ${what} is empty`);
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`wasserstein: ${what} holds a non-finite value`);
}

function checkWeights(weights: readonly number[], n: number, what: string): void {
  if (weights.length !== n) throw new RangeError(`wasserstein: ${what} weights differ in length from the values`);
  let total = 0;
  for (const w of weights) {
    if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`wasserstein: ${what} weight ${w} is negative or not finite`);
    total += w;
  }
  if (!(total > 0)) throw new RangeError(`wasserstein: ${what} weights sum to 0`);
}

/** Number of elements of ascending `sorted` that are ≤ x (searchsorted side='right'). */
function countLe(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Right-continuous CDF evaluator of one sample, evaluated at the given points. */
function cdfAt(values: readonly number[], weights: readonly number[] | undefined, points: ArrayLike<number>): Float64Array {
  const out = new Float64Array(points.length);
  if (weights === undefined) {
    // Unweighted, only the sorted values matter: a typed-array sort is numeric and several times faster.
    const sorted = Float64Array.from(values).sort();
    const n = values.length;
    for (let k = 0; k < points.length; k++) out[k] = countLe(sorted, points[k]!) / n;
    return out;
  }
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]! || i - j);
  const sorted = order.map((i) => values[i]!);
  // np.concatenate(([0], np.cumsum(w[sorter]))): sequential cumulative sum.
  const cum = new Array<number>(values.length + 1);
  cum[0] = 0;
  for (let k = 0; k < order.length; k++) cum[k + 1] = cum[k]! + weights[order[k]!]!;
  const total = cum[values.length]!;
  for (let k = 0; k < points.length; k++) out[k] = cum[countLe(sorted, points[k]!)]! / total;
  return out;
}

/** scipy.stats.wasserstein_distance(u, v[, uWeights, vWeights]). Weights non-negative, positive total. */
export function wassersteinDistance(
  u: readonly number[],
  v: readonly number[],
  uWeights?: readonly number[],
  vWeights?: readonly number[],
): number {
  checkSample(u, 'u');
  checkSample(v, 'v');
  if (uWeights !== undefined) checkWeights(uWeights, u.length, 'u');
  if (vWeights !== undefined) checkWeights(vWeights, v.length, 'v');
  const all = new Float64Array(u.length + v.length);
  all.set(u);
  all.set(v, u.length);
  all.sort();
  const m = all.length - 1;
  const left = all.subarray(0, m);
  const uCdf = cdfAt(u, uWeights, left);
  const vCdf = cdfAt(v, vWeights, left);
  const terms = new Float64Array(m);
  for (let i = 0; i < m; i++) terms[i] = Math.abs(uCdf[i]! - vCdf[i]!) * (all[i + 1]! - all[i]!);
  return pairwiseSum(terms);
}

/** numpy.std(x) (ddof 0): sqrt(mean(|x − mean|²)), means by pairwise summation as numpy. */
export function stdDdof0(x: ArrayLike<number>): number {
  if (x.length === 0) throw new RangeError('stdDdof0: empty sample');
  const n = x.length;
  const mean = pairwiseSum(x) / n;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    sq[i] = d * d;
  }
  return Math.sqrt(pairwiseSum(sq) / n);
}

export interface NormedWasserstein {
  readonly distance: number;
  readonly stdReference: number;
  /** max(stdReference, 0.001) — Evidently's floor. */
  readonly divisor: number;
  readonly normed: number;
  /** normed ≥ 0.1 (Evidently). */
  readonly drift: boolean;
}

/** Evidently's normed Wasserstein drift test: W(reference, current) / max(std₀(reference), 0.001) ≥ 0.1. */
export function normedWasserstein(
  reference: readonly number[],
  current: readonly number[],
  threshold = WASSERSTEIN_DRIFT_THRESHOLD,
): NormedWasserstein {
  const distance = wassersteinDistance(reference, current);
  const stdReference = stdDdof0(reference);
  const divisor = Math.max(stdReference, WASSERSTEIN_STD_FLOOR);
  const normed = distance / divisor;
  return { distance, stdReference, divisor, normed, drift: normed >= threshold };
}
