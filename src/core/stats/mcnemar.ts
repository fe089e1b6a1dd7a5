/**
 * McNemar's test for paired binary verdicts — the same examples judged twice (two model versions, or an
 * eval run and its predecessor, DESIGN §2.7). Only discordant pairs carry information:
 * b = good → bad, c = bad → good. Under H0 (no change) b ~ Bin(b + c, ½).
 *
 * As statsmodels.stats.contingency_tables.mcnemar:
 * - exact (exact=True): p = min(1, 2·P[X ≤ min(b, c)]), X ~ Bin(b + c, ½);
 * - chi-squared (exact=False, correction=True): X² = (|b − c| − 1)²/(b + c), p = χ²₁.sf(X²). Like
 *   statsmodels the correction is not clipped at 0, so b = c gives X² = 1/(b + c), not 0.
 * b + c = 0 (no discordant pair): no evidence of a change, p = 1 for both (statsmodels' chi-squared
 * form would give NaN).
 */
import { chi2Sf, lnGamma } from './gamma.ts';

export interface McNemarResult {
  /** Pairs good in the first run, bad in the second. */
  readonly b: number;
  /** Pairs bad in the first run, good in the second. */
  readonly c: number;
  /** Exact two-sided binomial p-value. */
  readonly exactPvalue: number;
  /** (|b − c| − 1)²/(b + c); 0 when b + c = 0. */
  readonly chi2Statistic: number;
  /** χ² (df 1) survival of chi2Statistic; 1 when b + c = 0. */
  readonly chi2Pvalue: number;
}

export function mcnemar(b: number, c: number): McNemarResult {
  for (const [name, v] of [['b', b], ['c', c]] as const) {
    if (!(Number.isSafeInteger(v) && v >= 0)) throw new RangeError(`mcnemar: ${name} must be a count (integer ≥ 0), got ${v}`);
  }
  const n = b + c;
  if (n === 0) return { b, c, exactPvalue: 1, chi2Statistic: 0, chi2Pvalue: 1 };
  const chi2Statistic = (Math.abs(b - c) - 1) ** 2 / n;
  return {
    b,
    c,
    exactPvalue: Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n)),
    chi2Statistic,
    chi2Pvalue: chi2Sf(chi2Statistic, 1),
  };
}

/** Counts the discordant pairs of two verdict lists over the same items (true = good) and tests them. */
export function mcnemarPaired(first: readonly boolean[], second: readonly boolean[]): McNemarResult {
  if (first.length !== second.length) {
    throw new RangeError(`mcnemarPaired: verdict lists differ in length (${first.length} vs ${second.length})`);
  }
  let b = 0;
  let c = 0;
  first.forEach((f, i) => {
    const s = second[i]!;
    if (f && !s) b++;
    else if (!f && s) c++;
  });
  return mcnemar(b, c);
}

/**
 * P[X ≤ k] for X ~ Bin(n, ½), k ≤ n/2 (so the terms C(n, i)/2ⁿ grow with i up to k). Up to n = 1000,
 * 2⁻ⁿ is a normal double and the terms follow exactly from it by t_{i+1} = t_i·(n − i)/(i + 1). Beyond,
 * start from t_k = exp(lnC(n, k) − n ln 2) and recurse downwards until the terms no longer count.
 */
function binomialHalfCdf(k: number, n: number): number {
  if (n <= 1000) {
    let t = 2 ** -n;
    let sum = t;
    for (let i = 0; i < k; i++) {
      t = (t * (n - i)) / (i + 1);
      sum += t;
    }
    return sum;
  }
  let t = Math.exp(lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1) - n * Math.LN2);
  const terms = [t];
  for (let i = k; i > 0 && t > terms[0]! * 1e-17; i--) {
    t = (t * i) / (n - i + 1);
    terms.push(t);
  }
  // Add the smallest first.
  let sum = 0;
  for (let j = terms.length - 1; j >= 0; j--) sum += terms[j]!;
  return sum;
}
