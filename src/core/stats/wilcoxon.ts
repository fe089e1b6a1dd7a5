/**
 * Wilcoxon signed-rank test on paired samples — per-example scores of two eval runs (DESIGN §2.7), as
 * `scipy.stats.wilcoxon(x, y, zero_method='wilcox', correction=True, method='asymptotic')` computes it
 * (scipy/stats/_wilcoxon.py; `method='approx'` in scipy < 1.9):
 *
 * - d = x − y; zero differences are dropped (Wilcoxon's own treatment), n = the non-zero ones;
 * - ranks of |d|, ties sharing their average rank; R+ / R− = rank sums of the positive / negative d;
 * - under H0, E[R+] = n(n + 1)/4 and Var[R+] = (n(n + 1)(2n + 1) − ½·Σ(t³ − t))/24, t the size of
 *   each group of tied |d|;
 * - z = (R+ − E − sign(R+ − E)·½)/σ (continuity correction), two-sided p = 2·Φ(−|z|);
 * - statistic = min(R+, R−).
 *
 * No non-zero difference (n = 0): scipy answers NaN; here statistic 0 and p = 1 — no evidence of a
 * difference, which is what the eval comparison needs.
 */
import { normalSf } from './normal.ts';

export interface WilcoxonResult {
  /** Non-zero differences the test used. */
  readonly n: number;
  /** min(R+, R−). */
  readonly statistic: number;
  /** The continuity-corrected z, signed as R+ − E[R+]; 0 when n = 0. */
  readonly z: number;
  /** Two-sided, normal approximation. */
  readonly pValue: number;
}

export function wilcoxonSignedRank(x: readonly number[], y: readonly number[]): WilcoxonResult {
  if (x.length !== y.length) throw new RangeError(`wilcoxonSignedRank: samples differ in length (${x.length} vs ${y.length})`);
  const d: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! - y[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`wilcoxonSignedRank: non-finite difference at ${i}`);
    if (v !== 0) d.push(v);
  }
  const n = d.length;
  if (n === 0) return { n: 0, statistic: 0, z: 0, pValue: 1 };
  const order = d.map((_, i) => i).sort((a, b) => Math.abs(d[a]!) - Math.abs(d[b]!));
  let rPlus = 0;
  let rMinus = 0;
  let ties = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    const a = Math.abs(d[order[i]!]!);
    while (j < n && Math.abs(d[order[j]!]!) === a) j++;
    // Positions i … j − 1 hold ranks i + 1 … j; their average is (i + 1 + j)/2.
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (d[order[k]!]! > 0) rPlus += rank;
      else rMinus += rank;
    }
    const t = j - i;
    ties += t * t * t - t;
    i = j;
  }
  const mean = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1) - ties / 2) / 24);
  const diff = rPlus - mean;
  const z = (diff - Math.sign(diff) * 0.5) / sd;
  return { n, statistic: Math.min(rPlus, rMinus), z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}
