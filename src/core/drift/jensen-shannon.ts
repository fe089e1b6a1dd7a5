/**
 * Jensen–Shannon distance between two categorical distributions given as raw counts
 * (scipy.spatial.distance.jensenshannon; DESIGN §2.6: drift if the natural-log distance ≥ 0.1).
 * Each vector is divided by its sum, m = (p + q)/2, JS = (KL(p‖m) + KL(q‖m))/2 with 0·ln 0 = 0,
 * distance = √JS (√(JS / ln base) for another base). Same operations and numpy summation order as
 * scipy, so results agree to a few ulps.
 */
import { numpySum } from './chi2.ts';

/** scipy.special.rel_entr restricted to the cases that arise here (x ≥ 0, y ≥ x/2). */
function relEntr(x: number, y: number): number {
  if (x === 0) return 0;
  return x * Math.log(x / y);
}

export function jensenShannonDistance(referenceCounts: readonly number[], currentCounts: readonly number[], base: number = Math.E): number {
  const k = referenceCounts.length;
  if (k !== currentCounts.length) throw new RangeError('jensenShannonDistance: reference and current need the same categories');
  if (k === 0) throw new RangeError('jensenShannonDistance: no categories');
  for (const c of [...referenceCounts, ...currentCounts]) {
    if (!(Number.isFinite(c) && c >= 0)) throw new RangeError(`jensenShannonDistance: counts must be finite and ≥ 0, got ${c}`);
  }
  if (!(base > 0 && base !== 1)) throw new RangeError('jensenShannonDistance: base must be > 0 and ≠ 1');
  const sp = numpySum(referenceCounts);
  const sq = numpySum(currentCounts);
  if (!(sp > 0 && sq > 0)) throw new RangeError('jensenShannonDistance: an empty sample has no distribution');
  const p = referenceCounts.map((c) => c / sp);
  const q = currentCounts.map((c) => c / sq);
  const m = p.map((pi, i) => (pi + q[i]!) / 2);
  const left = numpySum(p.map((pi, i) => relEntr(pi, m[i]!)));
  const right = numpySum(q.map((qi, i) => relEntr(qi, m[i]!)));
  let js = left + right;
  if (base !== Math.E) js /= Math.log(base);
  // Rounding can leave a divergence of −1 ulp-ish for equal distributions; scipy would return NaN there.
  return Math.sqrt(Math.max(js / 2, 0));
}
