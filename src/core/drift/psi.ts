/**
 * Population Stability Index (DESIGN §2.6; testdata/reference/psi.json).
 *
 * Numeric features: 10 bins whose 9 inner edges are the reference deciles (numpy `linear` quantiles at
 * the literal levels 0.1 … 0.9, NOT deduplicated), open outer ends, left-closed: x goes to bin i where
 * edges[i−1] ≤ x < edges[i] — `numpy.searchsorted(edges, x, side='right')`, as numpy.histogram. With
 * repeated edges the inner bins between equal edges stay empty on both sides.
 * Categorical features: one bin per category.
 * Both: shares r = count/n_ref, c = count/n_cur; a share of exactly 0 becomes 1e-4 with no
 * renormalisation; contribution (c − r)·ln(c / r) (0 when the adjusted shares are equal); PSI = the sum
 * of contributions, added left to right; bands: < 0.1 none, [0.1, 0.25) moderate, ≥ 0.25 major.
 */
import { linearQuantile, sortedCopy } from '../stats/quantile.ts';

export const PSI_DECILES: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
export const PSI_EMPTY_SHARE = 1e-4;
export const PSI_MODERATE = 0.1;
export const PSI_MAJOR = 0.25;

export type PsiBand = 'none' | 'moderate' | 'major';

export interface PsiResult {
  readonly referenceShares: number[];
  readonly currentShares: number[];
  readonly referenceAdjusted: number[];
  readonly currentAdjusted: number[];
  readonly contributions: number[];
  readonly psi: number;
  readonly band: PsiBand;
}

export interface PsiNumericResult extends PsiResult {
  readonly edges: number[];
  readonly referenceCounts: number[];
  readonly currentCounts: number[];
}

export interface PsiCategoricalResult extends PsiResult {
  readonly categories: string[];
  readonly referenceCounts: number[];
  readonly currentCounts: number[];
}

export function psiBand(psi: number): PsiBand {
  return psi >= PSI_MAJOR ? 'major' : psi >= PSI_MODERATE ? 'moderate' : 'none';
}

/** The 9 inner bin edges: reference deciles (numpy `linear`), in order, duplicates kept. */
export function psiEdges(reference: readonly number[]): number[] {
  if (reference.length === 0) throw new RangeError('psiEdges: empty reference');
  const s = sortedCopy(reference);
  return PSI_DECILES.map((q) => linearQuantile(s, q));
}

/**
 * Bin of x for ascending `edges`: the number of edges ≤ x (`numpy.searchsorted(edges, x, side='right')`),
 * 0 … edges.length. Left-closed bins; a value equal to an edge lands right of it (right of the last of
 * several equal edges).
 */
export function binIndex(edges: readonly number[], x: number): number {
  if (Number.isNaN(x)) throw new RangeError('binIndex: NaN');
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts per bin (edges.length + 1 bins). */
export function binCounts(edges: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const x of values) counts[binIndex(edges, x)]! += 1;
  return counts;
}

function shares(counts: readonly number[], what: string): number[] {
  let total = 0;
  for (const k of counts) {
    if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`psi: ${what} count ${k} is not a non-negative integer`);
    total += k;
  }
  if (total === 0) throw new RangeError(`psi: ${what} counts sum to 0`);
  return counts.map((k) => k / total);
}

/** PSI from per-bin counts (same bins, same order; each side with a positive total). */
export function psiFromCounts(referenceCounts: readonly number[], currentCounts: readonly number[]): PsiResult {
  if (referenceCounts.length !== currentCounts.length) throw new RangeError('psi: reference and current have different bin counts');
  if (referenceCounts.length === 0) throw new RangeError('psi: no bins');
  const referenceShares = shares(referenceCounts, 'reference');
  const currentShares = shares(currentCounts, 'current');
  const adjust = (s: number) => (s === 0 ? PSI_EMPTY_SHARE : s);
  const referenceAdjusted = referenceShares.map(adjust);
  const currentAdjusted = currentShares.map(adjust);
  const contributions = referenceAdjusted.map((r, i) => {
    const c = currentAdjusted[i]!;
    return c === r ? 0 : (c - r) * Math.log(c / r);
  });
  let psi = 0;
  for (const v of contributions) psi += v;
  return { referenceShares, currentShares, referenceAdjusted, currentAdjusted, contributions, psi, band: psiBand(psi) };
}

/** Numeric PSI: decile edges of `reference`, both samples binned, then psiFromCounts. */
export function psiNumeric(reference: readonly number[], current: readonly number[]): PsiNumericResult {
  if (current.length === 0) throw new RangeError('psiNumeric: empty current sample');
  const edges = psiEdges(reference);
  const referenceCounts = binCounts(edges, reference);
  const currentCounts = binCounts(edges, current);
  return { edges, referenceCounts, currentCounts, ...psiFromCounts(referenceCounts, currentCounts) };
}

/** Counts of `values` per category, in `categories` order; values outside `categories` throw. */
export function categoryCounts(categories: readonly string[], values: readonly string[]): number[] {
  const index = new Map<string, number>();
  categories.forEach((c, i) => {
    if (index.has(c)) throw new RangeError(`psi: duplicate category ${JSON.stringify(c)}`);
    index.set(c, i);
  });
  const counts = new Array<number>(categories.length).fill(0);
  for (const v of values) {
    const i = index.get(v);
    if (i === undefined) throw new RangeError(`psi: value ${JSON.stringify(v)} is not among the categories`);
    counts[i]! += 1;
  }
  return counts;
}

/** Categorical PSI from counts per category (one bin per category, in the given order). */
export function psiCategorical(
  categories: readonly string[],
  referenceCounts: readonly number[],
  currentCounts: readonly number[],
): PsiCategoricalResult {
  if (categories.length !== referenceCounts.length) throw new RangeError('psi: categories and counts differ in length');
  return {
    categories: [...categories],
    referenceCounts: [...referenceCounts],
    currentCounts: [...currentCounts],
    ...psiFromCounts(referenceCounts, currentCounts),
  };
}

/** Categorical PSI from raw values; the categories default to the union, reference first-seen order. */
export function psiCategoricalValues(
  reference: readonly string[],
  current: readonly string[],
  categories?: readonly string[],
): PsiCategoricalResult {
  const cats = categories ?? [...new Set([...reference, ...current])];
  return psiCategorical(cats, categoryCounts(cats, reference), categoryCounts(cats, current));
}
