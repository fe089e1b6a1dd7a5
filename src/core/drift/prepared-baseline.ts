/**
 * What drift evaluation needs from a baseline feature, computed once per baseline and layout (the engine
 * caches it): the exact sorted values, numpy's population std, the PSI deciles and counts, counts per
 * layout bin or category. Values are classified as histogram.ts classifies production values
 * (layout.ts numericValue / categoryValue), so both sides agree on what is missing.
 */
import { categoryCounts, lowerBound, numericValue, sortedFinite, type FeatureLayout } from './layout.ts';
import { linearQuantile } from '../stats/quantile.ts';
import { binCounts, PSI_DECILES } from './psi.ts';
import { stdDdof0 } from './wasserstein.ts';

/** A numeric feature with at most this many distinct baseline values is tested as categorical (§2.6). */
export const FEW_VALUES_MAX = 5;

export interface PreparedNumeric {
  readonly kind: 'numeric';
  /** Finite values, ascending. */
  readonly sorted: Float64Array;
  /** numpy.std (ddof 0) of the finite values in column order, as wasserstein.ts stdDdof0; 0 when none. */
  readonly std: number;
  /** psi.ts psiEdges of the finite values (9, duplicates kept); [] when none. */
  readonly psiEdges: readonly number[];
  /** Index in layout.edges of each PSI edge. */
  readonly psiEdgeIndex: readonly number[];
  /** Baseline counts in the 10 PSI bins. */
  readonly psiCounts: readonly number[];
  /** Baseline counts per layout bin (2E + 1, histogram.ts numbering). */
  readonly binCounts: Float64Array;
  readonly distinct: number;
  /** The distinct values, ascending, when there are at most FEW_VALUES_MAX; else []. */
  readonly fewValues: readonly number[];
  /** Non-missing values (= sorted.length). */
  readonly rows: number;
}

export interface PreparedCategorical {
  readonly kind: 'categorical';
  /** Every baseline category with its count, those past the layout's cap included. */
  readonly counts: ReadonlyMap<string, number>;
  /** Per layout category in layout order, then the rest of the baseline (OTHER_CATEGORY). */
  readonly layoutCounts: readonly number[];
  readonly distinct: number;
  readonly rows: number;
}

export type PreparedFeature = PreparedNumeric | PreparedCategorical;

/** Index of `x` in ascending `edges`, or −1. */
export function edgeIndex(edges: readonly number[], x: number): number {
  const i = lowerBound(edges, x);
  return i < edges.length && edges[i] === x ? i : -1;
}

export function prepareFeature(layout: FeatureLayout, values: readonly unknown[]): PreparedFeature {
  if (layout.kind === 'categorical') {
    const counts = categoryCounts(values);
    let rows = 0;
    for (const c of counts.values()) rows += c;
    const layoutCounts = layout.categories.map((c) => counts.get(c) ?? 0);
    let inLayout = 0;
    for (const c of new Set(layout.categories)) inLayout += counts.get(c) ?? 0;
    layoutCounts.push(rows - inLayout);
    return { kind: 'categorical', counts, layoutCounts, distinct: counts.size, rows };
  }
  const inOrder: number[] = [];
  for (const v of values) {
    const x = numericValue(v);
    if (x !== undefined) inOrder.push(x);
  }
  const sorted = sortedFinite(inOrder);
  const n = sorted.length;
  const edges = layout.edges;
  const bins = new Float64Array(2 * edges.length + 1);
  let distinct = 0;
  const fewValues: number[] = [];
  let j = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i]!;
    if (i === 0 || x !== sorted[i - 1]) {
      distinct++;
      if (distinct <= FEW_VALUES_MAX) fewValues.push(x === 0 ? 0 : x);
    }
    while (j < edges.length && edges[j]! < x) j++;
    bins[j < edges.length && edges[j] === x ? 2 * j + 1 : 2 * j]!++;
  }
  // psiEdges(inOrder) without sorting again: the deciles of the sorted copy are the same numbers.
  const pe = n === 0 ? [] : PSI_DECILES.map((q) => linearQuantile(sorted as unknown as readonly number[], q));
  const psiEdgeIndex = pe.map((x) => {
    const i = edgeIndex(edges, x);
    if (i < 0) throw new RangeError(`prepareFeature: PSI edge ${x} is not a layout edge (layout from another baseline?)`);
    return i;
  });
  return {
    kind: 'numeric',
    sorted,
    std: n === 0 ? 0 : stdDdof0(inOrder),
    psiEdges: pe,
    psiEdgeIndex,
    psiCounts: n === 0 ? [] : binCounts(pe, inOrder),
    binCounts: bins,
    distinct,
    fewValues: distinct <= FEW_VALUES_MAX ? fewValues : [],
    rows: n,
  };
}
