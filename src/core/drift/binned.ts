/**
 * Drift statistics between an exact baseline (prepared-baseline.ts) and a production histogram
 * (histogram.ts) on the baseline's layout (layout.ts). Notation: baseline ECDF F over its n finite
 * values, production ECDF G over the histogram's m values, layout edges e_0 < … < e_{E−1}.
 *
 * - KS: exact when the layout is (every baseline value an edge); otherwise a statistic with a stated
 *   error bound (ksBinned).
 * - Wasserstein: point bins are exact point masses, each open bin's mass sits at its mean; error bound
 *   Σ q_i·σ_i (wassersteinBinned).
 * - PSI: exact — the decile edges are layout edges, so each decile bin is a union of layout bins.
 * - chi2 / z / Jensen–Shannon: exact counts per category (categoricalTable, numericTable).
 */
import { pairwiseSum, WASSERSTEIN_STD_FLOOR } from './wasserstein.ts';
import { ksPValue, type KsMethod } from './ks.ts';
import { psiCategorical, psiFromCounts, type PsiCategoricalResult, type PsiNumericResult } from './psi.ts';
import { OTHER_CATEGORY, type CategoricalLayout, type NumericLayout } from './layout.ts';
import { edgeIndex, type PreparedCategorical, type PreparedNumeric } from './prepared-baseline.ts';
import type { CategoricalHistogram, NumericHistogram } from './histogram.ts';

function checkNumeric(layout: NumericLayout, baseline: PreparedNumeric, current: NumericHistogram): void {
  const bins = 2 * layout.edges.length + 1;
  if (baseline.binCounts.length !== bins || current.counts.length !== bins) throw new RangeError('binned drift: baseline, histogram and layout differ');
  if (baseline.rows === 0 || current.count === 0) throw new RangeError('binned drift: an empty sample');
}

/** cum[b] = production values in bins < b (length 2E + 2): count < e_i is cum[2i + 1], count ≤ e_i is cum[2i + 2]. */
function cumulative(counts: Float64Array): Float64Array {
  const cum = new Float64Array(counts.length + 1);
  for (let b = 0; b < counts.length; b++) cum[b + 1] = cum[b]! + counts[b]!;
  return cum;
}

export interface BinnedKs {
  /** In exact mode snapped to h/lcm(n, m) as scipy does (ks.ts ksPValue). */
  readonly statistic: number;
  readonly pvalue: number | null;
  readonly method: 'exact' | 'asymp';
  /** The true sup |F − G| lies in [statistic, statistic + errorBound] (up to the snap's rounding); 0 when exact. */
  readonly errorBound: number;
}

/**
 * Two-sample KS between the baseline values and the histogram, p-value as ks2samp(…, method).
 *
 * Both ECDFs are known exactly at every edge: F(e_i), F(e_i−) from the baseline, G(e_i) and G(e_i−)
 * = G(e_i) − (point bin count)/m from the histogram. Inside an open bin (e_{i−1}, e_i) F ranges over
 * [F(e_{i−1}), F(e_i−)] and G over [G(e_{i−1}), G(e_i−)] (right-continuous values; e_{−1} = −∞ and
 * e_E = +∞, where F = G = 0 and 1). So
 *   lower = max over edges of |F(e_i) − G(e_i)| and |F(e_i−) − G(e_i−)| — values |F(x) − G(x)| attains
 *           (at x = e_i, and at any x in (e_i − δ, e_i) past the last data point below e_i);
 *   upper = max(lower, max over open bins of F(e_i−) − G(e_{i−1}) and G(e_i−) − F(e_{i−1})),
 * and lower ≤ D = sup_x |F(x) − G(x)| ≤ upper. statistic = lower, errorBound = upper − lower.
 *
 * Exact layouts: every baseline value is an edge, so F is constant on each open bin, F(e_i−) =
 * F(e_{i−1}); for x in the bin |F − G(x)| ≤ max(|F − G(e_{i−1})|, |F − G(e_i−)|), both terms of
 * `lower` — hence lower = D. It is also scipy's number to the bit: scipy's D is the max of
 * |cdf1(x) − cdf2(x)| over the pooled data points x, with cdf = (count ≤ x)/size; each term of `lower`
 * is either that expression at a data point (the same two integer counts divided and subtracted in the
 * same order) or equal to the term at the last data point left of it (or 0 before all data), and every
 * data point's term is ≤ some term of `lower` by the bound above. The maxima are the same double.
 */
export function ksBinned(layout: NumericLayout, baseline: PreparedNumeric, current: NumericHistogram, method: KsMethod = 'auto'): BinnedKs {
  checkNumeric(layout, baseline, current);
  const n = baseline.rows;
  const m = current.count;
  const fb = baseline.binCounts;
  const gb = current.counts;
  const e = layout.edges.length;
  let cf = 0;
  let cg = 0;
  let lower = 0;
  let upper = 0;
  for (let i = 0; i <= e; i++) {
    const fLo = cf / n;
    const gLo = cg / m;
    cf += fb[2 * i]!;
    cg += gb[2 * i]!;
    const fHi = cf / n;
    const gHi = cg / m;
    lower = Math.max(lower, Math.abs(fHi - gHi));
    upper = Math.max(upper, fHi - gLo, gHi - fLo);
    if (i === e) break;
    cf += fb[2 * i + 1]!;
    cg += gb[2 * i + 1]!;
    lower = Math.max(lower, Math.abs(cf / n - cg / m));
  }
  const r = ksPValue(lower, n, m, method);
  return { ...r, errorBound: layout.exact ? 0 : Math.max(upper - lower, 0) };
}

export interface BinnedWasserstein {
  /** W1 between the baseline and the histogram's reconstruction (wassersteinBinned). */
  readonly distance: number;
  /** |W1(baseline, production) − distance| ≤ distanceBound. */
  readonly distanceBound: number;
  readonly stdReference: number;
  /** max(stdReference, WASSERSTEIN_STD_FLOOR), as wasserstein.ts normedWasserstein. */
  readonly divisor: number;
  readonly normed: number;
  readonly normedBound: number;
}

/**
 * W1 between the exact baseline μ and ν̃, a reconstruction of the production distribution ν from its
 * histogram, integrated as ∫|F − G̃| over the merged support (scipy.stats.wasserstein_distance with
 * weights), summed pairwise. ν̃ puts
 * - each point bin's count at its edge (exact);
 * - an open bin's count, when the baseline has values inside that bin (quantile layouts), spread over
 *   those values in the baseline's own proportions — production is assumed shaped like the baseline
 *   inside a bin, so an unchanged distribution reconstructs to (nearly) the baseline and scores ~0,
 *   instead of the spurious within-bin distance a single atom per bin would add;
 * - any other open bin's count (exact layouts, the tails) at its mean Σx/k, clamped into the bin.
 *
 * Bound: the triangle inequality gives |W1(μ, ν) − W1(μ, ν̃)| ≤ W1(ν, ν̃), and moving mass only within
 * bins is a coupling of ν and ν̃ (both give bin i the share q_i), so W1(ν, ν̃) ≤ Σ_open q_i·W_i with
 * W_i the transport cost inside bin i:
 * - mean placement at c_i: W_i ≤ E|X − c_i| ≤ σ_i + |μ_i − c_i| (Cauchy–Schwarz);
 * - baseline-shaped: W_i ≤ E|X − Y| for X ~ production and Y ~ baseline in the bin, independent, so
 *   W_i ≤ √(σ_i² + s_i² + (μ_i − m_i)²) (s_i, m_i: the baseline's std and mean in the bin), and W_i ≤ the
 *   bin's width since both live in it.
 * μ_i, σ_i come from Σx and Σx² (variance clamped at 0): for a bin whose spread is tiny against its mean,
 * cancellation in Σx²/k − μ² limits the bound's precision.
 */
export function wassersteinBinned(layout: NumericLayout, baseline: PreparedNumeric, current: NumericHistogram): BinnedWasserstein {
  checkNumeric(layout, baseline, current);
  const edges = layout.edges;
  const e = edges.length;
  const m = current.count;
  const s = baseline.sorted;
  const n = s.length;
  const atomX: number[] = [];
  const atomW: number[] = [];
  let bound = 0;
  let offset = 0; // index in `s` of the first baseline value of bin b
  for (let b = 0; b <= 2 * e; b++) {
    const k = current.counts[b]!;
    const inBaseline = baseline.binCounts[b]!;
    const first = offset;
    offset += inBaseline;
    if (k === 0) continue;
    if (b % 2 === 1) {
      atomX.push(edges[(b - 1) / 2]!);
      atomW.push(k);
      continue;
    }
    const i = b / 2;
    const mean = current.sums[i]! / k;
    const variance = Math.max(current.sumSquares[i]! / k - mean * mean, 0);
    const lo = i > 0 ? edges[i - 1]! : -Infinity;
    const hi = i < e ? edges[i]! : Infinity;
    if (inBaseline > 0) {
      let sum = 0;
      for (let x = first; x < offset; x++) sum += s[x]!;
      const bMean = sum / inBaseline;
      let ss = 0;
      for (let x = first; x < offset; x++) {
        const d = s[x]! - bMean;
        ss += d * d;
        atomX.push(s[x]!);
        atomW.push(k / inBaseline);
      }
      bound += (k / m) * Math.min(hi - lo, Math.sqrt(variance + ss / inBaseline + (mean - bMean) ** 2));
      continue;
    }
    const at = Math.min(Math.max(mean, lo), hi);
    bound += (k / m) * (Math.sqrt(variance) + Math.abs(mean - at));
    atomX.push(at);
    atomW.push(k);
  }
  const terms = new Float64Array(n + atomX.length);
  let t = 0;
  let i = 0;
  let j = 0;
  let cf = 0;
  let cg = 0;
  let prev = Math.min(s[0]!, atomX[0]!);
  while (i < n || j < atomX.length) {
    const x = j >= atomX.length ? s[i]! : i >= n ? atomX[j]! : Math.min(s[i]!, atomX[j]!);
    terms[t++] = Math.abs(cf / n - cg / m) * (x - prev);
    while (i < n && s[i]! <= x) { cf++; i++; }
    while (j < atomX.length && atomX[j]! <= x) { cg += atomW[j]!; j++; }
    prev = x;
  }
  const distance = pairwiseSum(terms, 0, t);
  const divisor = Math.max(baseline.std, WASSERSTEIN_STD_FLOOR);
  return { distance, distanceBound: bound, stdReference: baseline.std, divisor, normed: distance / divisor, normedBound: bound / divisor };
}

/** Production counts in the 10 PSI bins (bin k holds d_{k−1} ≤ x < d_k): counts below each decile edge. */
export function currentPsiCounts(baseline: PreparedNumeric, current: NumericHistogram): number[] {
  const cum = cumulative(current.counts);
  const below = baseline.psiEdgeIndex.map((i) => cum[2 * i + 1]!);
  return [...below, current.count].map((c, k) => c - (k === 0 ? 0 : below[k - 1]!));
}

/** Numeric PSI as psi.ts psiNumeric(baseline values, production values) — exact. */
export function psiBinned(layout: NumericLayout, baseline: PreparedNumeric, current: NumericHistogram): PsiNumericResult {
  checkNumeric(layout, baseline, current);
  const currentCounts = currentPsiCounts(baseline, current);
  return {
    edges: [...baseline.psiEdges],
    referenceCounts: [...baseline.psiCounts],
    currentCounts,
    ...psiFromCounts(baseline.psiCounts, currentCounts),
  };
}

/** Counts per category on both sides, same order; a category empty on both sides is left out. */
export interface CategoryTable {
  readonly labels: readonly string[];
  readonly baseline: readonly number[];
  readonly current: readonly number[];
}

/** Columns in insertion order; a key seen again adds to its column (a layout category named OTHER_CATEGORY). */
class TableBuilder {
  private readonly cols = new Map<string, { label: string; b: number; c: number }>();

  add(key: string, label: string, baseline: number, current: number): void {
    const col = this.cols.get(key);
    if (col === undefined) this.cols.set(key, { label, b: baseline, c: current });
    else { col.b += baseline; col.c += current; }
  }

  build(): CategoryTable {
    const kept = [...this.cols.values()].filter((x) => x.b > 0 || x.c > 0);
    return { labels: kept.map((x) => x.label), baseline: kept.map((x) => x.b), current: kept.map((x) => x.c) };
  }
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Categories of baseline ∪ production: the layout's categories (layout order), then the histogram's own
 * names (by name), then OTHER_CATEGORY. Baseline counts are exact for every named column (the baseline
 * keeps counts past the layout's cap); its OTHER_CATEGORY is the rest. On the production side a name
 * that overflowed the histogram's new-name cap (or was folded by a merge) counts under OTHER_CATEGORY.
 */
export function categoricalTable(layout: CategoricalLayout, baseline: PreparedCategorical, current: CategoricalHistogram): CategoryTable {
  const k = layout.categories.length;
  if (baseline.layoutCounts.length !== k + 1 || current.counts.length !== k) throw new RangeError('binned drift: baseline, histogram and layout differ');
  const t = new TableBuilder();
  layout.categories.forEach((c, i) => t.add(c, c, baseline.layoutCounts[i]!, current.counts[i]!));
  let rest = baseline.layoutCounts[k]!;
  for (const name of [...current.extra.keys()].filter((x) => x !== OTHER_CATEGORY).sort(byName)) {
    const b = baseline.counts.get(name) ?? 0;
    rest -= b;
    t.add(name, name, b, current.extra.get(name)!);
  }
  t.add(OTHER_CATEGORY, OTHER_CATEGORY, rest, current.extra.get(OTHER_CATEGORY) ?? 0);
  return t.build();
}

/** Production categories absent from the baseline, with their share of production, largest first. */
export function newCategories(baseline: PreparedCategorical, current: CategoricalHistogram): { value: string; share: number }[] {
  return [...current.extra]
    .filter(([name]) => name !== OTHER_CATEGORY && !baseline.counts.has(name))
    .sort(([a, ca], [b, cb]) => cb - ca || byName(a, b))
    .map(([value, c]) => ({ value, share: c / current.count }));
}

/** Labels for ascending numbers: 6 significant digits, unless that makes two distinct ones look alike. */
export function formatNumbers(xs: readonly number[]): string[] {
  const short = xs.map((x) => String(Number(x.toPrecision(6))));
  const clash = short.some((f, i) => i > 0 && f === short[i - 1] && xs[i] !== xs[i - 1]);
  return clash ? xs.map((x) => String(x)) : short;
}

/** Labels of the 10 PSI bins: "< d0", "[d0, d1)", …, "≥ d8". */
export function psiBinLabels(edges: readonly number[]): string[] {
  const f = formatNumbers(edges);
  return [`< ${f[0]}`, ...f.slice(1).map((x, k) => `[${f[k]}, ${x})`), `≥ ${f[f.length - 1]}`];
}

/**
 * Category counts of a numeric feature for chi2 / z / Jensen–Shannon. With at most FEW_VALUES_MAX
 * distinct baseline values (prepared.fewValues): each value is a category, and production values
 * between two of them (or beyond either end) form one category per gap — "< v0", "(v0, v1)", "> v4",
 * in ascending order. Otherwise the 10 PSI bins. Exact either way (every v_k and decile is an edge).
 */
export function numericTable(layout: NumericLayout, baseline: PreparedNumeric, current: NumericHistogram): CategoryTable {
  checkNumeric(layout, baseline, current);
  const t = new TableBuilder();
  const values = baseline.fewValues;
  if (values.length === 0) {
    const labels = psiBinLabels(baseline.psiEdges);
    currentPsiCounts(baseline, current).forEach((c, k) => t.add(String(k), labels[k]!, baseline.psiCounts[k]!, c));
    return t.build();
  }
  const f = formatNumbers(values);
  const cum = cumulative(current.counts);
  let prevLe = 0;
  values.forEach((v, k) => {
    const i = edgeIndex(layout.edges, v);
    if (i < 0) throw new RangeError(`binned drift: baseline value ${v} is not a layout edge`);
    t.add(`gap ${k}`, k === 0 ? `< ${f[0]}` : `(${f[k - 1]}, ${f[k]})`, 0, cum[2 * i + 1]! - prevLe);
    t.add(`value ${k}`, f[k]!, baseline.binCounts[2 * i + 1]!, current.counts[2 * i + 1]!);
    prevLe = cum[2 * i + 2]!;
  });
  t.add('gap end', `> ${f[f.length - 1]}`, 0, current.count - prevLe);
  return t.build();
}

/** Categorical PSI over a table's categories (psi.ts psiCategorical). */
export function psiTable(table: CategoryTable): PsiCategoricalResult {
  return psiCategorical(table.labels, table.baseline, table.current);
}
