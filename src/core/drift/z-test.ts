/**
 * Evidently's Z-test for a binary categorical feature (DESIGN §2.6: categorical, baseline ≤ 1000 rows,
 * two categories; drift if p ≤ 0.05): a pooled two-sided two-proportion z-test on the share of one
 * category in reference vs current (src/core/stats/two-proportion.ts). Two-sided, so which category is
 * counted only flips the sign of z.
 *
 * Differences from Evidently, all in mlslo's favour: the p-value is 2·sf(|z|) rather than
 * 2·(1 − cdf(|z|)) (no cancellation below ~1e-16); when se = 0 (each sample all one category, the same
 * one or not) z = 0 and p = 1 with `degenerate` set, where Evidently returns 1 only for the same single
 * category and NaN otherwise.
 */
import { twoProportionZTest } from '../stats/two-proportion.ts';

export interface BinaryZTestResult {
  /** (p_ref − p_cur)/se for the share of category `category`. */
  readonly statistic: number;
  readonly pvalue: number;
  readonly referenceShare: number;
  readonly currentShare: number;
  readonly degenerate: boolean;
}

/**
 * Counts per category in the same order for both samples; at most two categories (a single category
 * means both samples are identical: p = 1). `category` picks the counted one (default the first).
 */
export function binaryZTest(
  referenceCounts: readonly number[],
  currentCounts: readonly number[],
  category = 0,
): BinaryZTestResult {
  const k = referenceCounts.length;
  if (k !== currentCounts.length) throw new RangeError('binaryZTest: reference and current need the same categories');
  if (k < 1 || k > 2) throw new RangeError(`binaryZTest: needs 1 or 2 categories, got ${k}`);
  if (!(Number.isInteger(category) && category >= 0 && category < k)) throw new RangeError(`binaryZTest: no category ${category}`);
  for (const c of [...referenceCounts, ...currentCounts]) {
    if (!(Number.isFinite(c) && c >= 0)) throw new RangeError(`binaryZTest: counts must be finite and ≥ 0, got ${c}`);
  }
  const n1 = referenceCounts.reduce((s, c) => s + c, 0);
  const n2 = currentCounts.reduce((s, c) => s + c, 0);
  const t = twoProportionZTest(referenceCounts[category]!, n1, currentCounts[category]!, n2);
  return { statistic: t.z, pvalue: t.pvalue, referenceShare: t.p1, currentShare: t.p2, degenerate: t.degenerate };
}
