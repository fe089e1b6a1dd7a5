/**
 * Drift layouts (DESIGN §2.6): the bins production histograms are kept on, fixed once from the
 * baseline so that histograms of any window, key or shard merge by plain addition.
 *
 * - numeric: `edges`, ascending distinct finite numbers; a histogram keeps one point bin per edge and
 *   one open bin between neighbours (histogram.ts). With ≤ NUMERIC_EXACT_MAX_DISTINCT distinct baseline
 *   values every one of them is an edge (`exact`: the baseline has no value inside an open bin, which
 *   makes binned KS exact, binned.ts). Otherwise the edges are the baseline's 200-quantiles (numpy
 *   `linear`, p = k/200) plus its min and max. Both add the 9 PSI decile edges exactly as psiEdges
 *   computes them, so each PSI bin is a union of layout bins and binned PSI is exact.
 * - categorical: the baseline's CATEGORY_CAP most frequent values (count desc, then name); the rest of
 *   the baseline is OTHER_CATEGORY.
 * A layout is plain data (arrays, strings, booleans) and round-trips through JSON.
 */
import { linearQuantile } from '../stats/quantile.ts';
import { PSI_DECILES } from './psi.ts';

export const NUMERIC_EXACT_MAX_DISTINCT = 1000;
export const NUMERIC_QUANTILE_BINS = 200;
export const CATEGORY_CAP = 100;
/** Catch-all category: baseline values past CATEGORY_CAP, production names past the new-name cap. */
export const OTHER_CATEGORY = '(other)';

export type FeatureLayout =
  | { readonly kind: 'numeric'; readonly edges: readonly number[]; readonly exact: boolean }
  | { readonly kind: 'categorical'; readonly categories: readonly string[] };

export type NumericLayout = Extract<FeatureLayout, { kind: 'numeric' }>;
export type CategoricalLayout = Extract<FeatureLayout, { kind: 'categorical' }>;

export interface DriftLayout {
  readonly id: string;
  readonly features: Readonly<Record<string, FeatureLayout>>;
}

/** A value of a numeric feature, or undefined when it counts as missing (anything but a finite number). */
/** The first index of ascending `edges` whose edge is ≥ x (edges.length when none): a binary search. */
export function lowerBound(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function numericValue(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * A value of a categorical feature as its category name, or undefined when missing: strings as they are,
 * finite numbers as String(n), booleans as "true"/"false"; null, undefined, NaN, ±Infinity and objects
 * are missing.
 */
export function categoryValue(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string': return v;
    case 'number': return Number.isFinite(v) ? String(v) : undefined;
    case 'boolean': return v ? 'true' : 'false';
    default: return undefined;
  }
}

/** Ascending finite values of a column (others skipped). */
export function sortedFinite(values: readonly unknown[]): Float64Array {
  const out: number[] = [];
  for (const v of values) {
    const x = numericValue(v);
    if (x !== undefined) out.push(x);
  }
  return Float64Array.from(out).sort();
}

/** The layout edges of an ascending finite sample (see the module comment). */
export function numericEdges(sorted: Float64Array): { edges: number[]; exact: boolean } {
  const n = sorted.length;
  if (n === 0) return { edges: [], exact: true };
  const distinct = distinctSorted(sorted);
  const exact = distinct.length <= NUMERIC_EXACT_MAX_DISTINCT;
  const s = sorted as unknown as readonly number[]; // linearQuantile only indexes
  const candidates = exact ? [...distinct] : [sorted[0]!, sorted[n - 1]!];
  if (!exact) for (let k = 1; k < NUMERIC_QUANTILE_BINS; k++) candidates.push(linearQuantile(s, k / NUMERIC_QUANTILE_BINS));
  for (const q of PSI_DECILES) candidates.push(linearQuantile(s, q));
  return { edges: distinctSorted(Float64Array.from(candidates).sort()), exact };
}

/** Distinct values of an ascending array, −0 written as 0 (JSON has no −0; they compare equal anyway). */
function distinctSorted(sorted: Float64Array): number[] {
  const out: number[] = [];
  for (const x of sorted) if (out.length === 0 || out[out.length - 1] !== x) out.push(x === 0 ? 0 : x);
  return out;
}

/** Count of every category name in a column (missing values skipped). */
export function categoryCounts(values: readonly unknown[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) {
    const c = categoryValue(v);
    if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return counts;
}

/** Names by count descending, then name (code-unit order); the first CATEGORY_CAP. */
export function topCategories(counts: ReadonlyMap<string, number>): string[] {
  return [...counts]
    .sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, CATEGORY_CAP)
    .map(([name]) => name);
}

export function featureLayout(type: 'numeric' | 'categorical', values: readonly unknown[]): FeatureLayout {
  if (type === 'numeric') return { kind: 'numeric', ...numericEdges(sortedFinite(values)) };
  return { kind: 'categorical', categories: topCategories(categoryCounts(values)) };
}

/** One layout per declared feature, from the baseline's columns (a missing column is all-missing). */
export function buildLayout(
  id: string,
  features: Readonly<Record<string, { readonly type: 'numeric' | 'categorical' }>>,
  values: Readonly<Record<string, readonly (number | string | null)[]>>,
): DriftLayout {
  // fromEntries defines own properties, so even a feature named `__proto__` is kept as data.
  return {
    id,
    features: Object.fromEntries(Object.entries(features).map(([name, f]) =>
      [name, featureLayout(f.type, Object.hasOwn(values, name) ? values[name]! : [])])),
  };
}
