/**
 * Chi-squared tests for categorical drift (DESIGN §2.6; testdata/reference/README.md, chi2.json).
 *
 * - chi2Contingency: scipy.stats.chi2_contingency on the 2 × k table [referenceCounts, currentCounts] —
 *   the test mlslo runs for categorical features with a small baseline (drift if p ≤ 0.05).
 * - chiSquareGof: Evidently's own chi-square drift test, a goodness-of-fit test
 *   scipy.stats.chisquare(current, reference · (n_cur / n_ref)); informational.
 *
 * Arithmetic follows scipy/numpy operation for operation (expected = row·col/total, Yates shift
 * sign(e − o)·min(½, |e − o|), sums in numpy's pairwise order), so statistics usually agree to the bit.
 */
import { chi2Sf } from '../stats/gamma.ts';

export interface Chi2ContingencyResult {
  /** Pearson's X² (Yates-corrected when `correction` and dof = 1). */
  readonly statistic: number;
  readonly pvalue: number;
  /** k − 1 for k categories. */
  readonly dof: number;
  /** [reference row, current row]: row total × column total / grand total. */
  readonly expected: readonly [readonly number[], readonly number[]];
}

export interface Chi2ContingencyOptions {
  /** Yates' continuity correction, applied only when dof = 1 (scipy's default: true). */
  readonly correction?: boolean;
}

/**
 * numpy's `sum` of a float64 vector, bit for bit: the reduction starts from the first element and adds
 * the pairwise sum (8 accumulators, blocks of 128) of the rest.
 */
export function numpySum(values: readonly number[]): number {
  if (values.length === 0) return 0;
  return values[0]! + pairwise(values, 1, values.length - 1);
}

function pairwise(a: readonly number[], start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = [a[start]!, a[start + 1]!, a[start + 2]!, a[start + 3]!, a[start + 4]!, a[start + 5]!, a[start + 6]!, a[start + 7]!];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j]! += a[start + i + j]!;
    }
    let res = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, start, n2) + pairwise(a, start + n2, n - n2);
}

function checkCounts(name: string, counts: readonly number[]): void {
  for (const c of counts) {
    if (!(Number.isFinite(c) && c >= 0)) throw new RangeError(`${name}: counts must be finite and ≥ 0, got ${c}`);
  }
}

/**
 * scipy.stats.chi2_contingency([referenceCounts, currentCounts], correction). Throws RangeError where
 * scipy raises: lengths differ, no categories, a negative count, or a zero expected frequency (a
 * category absent from both samples, or an empty sample). One category: dof 0, statistic 0, p 1.
 */
export function chi2Contingency(
  referenceCounts: readonly number[],
  currentCounts: readonly number[],
  { correction = true }: Chi2ContingencyOptions = {},
): Chi2ContingencyResult {
  const k = referenceCounts.length;
  if (k !== currentCounts.length) throw new RangeError('chi2Contingency: reference and current need the same categories');
  if (k === 0) throw new RangeError('chi2Contingency: no categories');
  checkCounts('chi2Contingency', referenceCounts);
  checkCounts('chi2Contingency', currentCounts);
  const observed = [referenceCounts, currentCounts] as const;
  const rowSums = observed.map((row) => numpySum(row));
  const colSums = referenceCounts.map((r, j) => r + currentCounts[j]!);
  const total = numpySum(rowSums);
  const expectedRows = rowSums.map((r) => colSums.map((c) => (r * c) / total));
  const expected = [expectedRows[0]!, expectedRows[1]!] as const;
  for (const row of expected) {
    for (const e of row) {
      if (!(e > 0)) throw new RangeError('chi2Contingency: a category or a sample is empty (zero expected frequency)');
    }
  }
  const dof = k - 1;
  if (dof === 0) return { statistic: 0, pvalue: 1, dof, expected };
  const yates = correction && dof === 1;
  const terms: number[] = [];
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < k; j++) {
      let o = observed[i]![j]!;
      const e = expected[i]![j]!;
      if (yates) {
        const diff = e - o;
        o += Math.min(0.5, Math.abs(diff)) * Math.sign(diff);
      }
      terms.push(((o - e) ** 2) / e);
    }
  }
  const statistic = numpySum(terms);
  return { statistic, pvalue: chi2Sf(statistic, dof), dof, expected };
}

export interface ChiSquareGofResult {
  readonly statistic: number;
  /** NaN for a single category (dof 0), as scipy. */
  readonly pvalue: number;
  readonly dof: number;
}

/**
 * Evidently's chi-square drift test: scipy.stats.chisquare(current, reference · (n_cur / n_ref)).
 * Undefined (returns undefined) when a reference count is 0 — the expected count would be 0 — or a
 * sample is empty.
 */
export function chiSquareGof(referenceCounts: readonly number[], currentCounts: readonly number[]): ChiSquareGofResult | undefined {
  const k = referenceCounts.length;
  if (k !== currentCounts.length) throw new RangeError('chiSquareGof: reference and current need the same categories');
  checkCounts('chiSquareGof', referenceCounts);
  checkCounts('chiSquareGof', currentCounts);
  if (k === 0 || referenceCounts.some((r) => r === 0)) return undefined;
  const nRef = numpySum(referenceCounts);
  const nCur = numpySum(currentCounts);
  if (!(nCur > 0)) return undefined;
  const scale = nCur / nRef;
  const terms = currentCounts.map((o, j) => {
    const e = referenceCounts[j]! * scale;
    return ((o - e) ** 2) / e;
  });
  const statistic = numpySum(terms);
  const dof = k - 1;
  return { statistic, pvalue: dof > 0 ? chi2Sf(statistic, dof) : NaN, dof };
}
