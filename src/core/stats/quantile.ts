/**
 * numpy's default quantile (`numpy.quantile(x, q, method='linear')`, Hyndman–Fan type 7), reproduced
 * bit for bit as numpy 1.24 computes it (numpy/lib/function_base.py `_quantile` / `_lerp`):
 *   h = (n − 1)·q; h ≥ n − 1 → s[n − 1]; else j = ⌊h⌋, g = h − j, a = s[j], b = s[j + 1] and
 *   result = b − (b − a)·(1 − g) when g ≥ 0.5, else a + (b − a)·g.
 * The two-sided lerp is what makes the result exact at g = 1 − ε and monotone; do not "simplify" it.
 */

/** The q-quantile of an ascending-sorted, non-empty sample of finite numbers (q in [0, 1]). */
export function linearQuantile(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('linearQuantile: empty sample');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`linearQuantile: q = ${q} outside [0, 1]`);
  const h = (n - 1) * q;
  if (h >= n - 1) return sorted[n - 1]!;
  const j = Math.floor(h);
  const g = h - j;
  const a = sorted[j]!;
  const b = sorted[j + 1]!;
  const diff = b - a;
  return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}

/** Ascending copy of `values` (numeric order; throws on NaN, which has no place in a quantile). */
export function sortedCopy(values: readonly number[]): number[] {
  for (const v of values) if (Number.isNaN(v)) throw new RangeError('sortedCopy: NaN in sample');
  return Array.from(values).sort((x, y) => x - y);
}

/** Several quantiles of an unsorted sample (sorts once), as `numpy.quantile(x, qs, method='linear')`. */
export function linearQuantiles(values: readonly number[], qs: readonly number[]): number[] {
  const s = sortedCopy(values);
  return qs.map((q) => linearQuantile(s, q));
}
