/**
 * Inter-rater agreement for the labeling queue and the judge calibration report (DESIGN §2.8;
 * testdata/reference/README.md, agreement.json).
 *
 * - cohenKappa: sklearn.metrics.cohen_kappa_score(rater1, rater2, labels, weights). With confusion C
 *   (rows rater 1, columns rater 2), row sums r, column sums s, n = ΣC, E = r·sᵀ/n and disagreement
 *   weights w_ij = [i ≠ j], |i − j| or (i − j)² over the **positions** in `labels`:
 *   κ = 1 − Σ w·C / Σ w·E. Undefined when Σ w·E = 0 — both raters used one and the same label
 *   throughout (sklearn returns NaN).
 * - krippendorffAlpha: Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability". Units with
 *   fewer than 2 values are not pairable and dropped. Coincidences o_ck = Σ_u Σ_{ordered pairs of
 *   different raters in u} [c, k] / (m_u − 1); n_c = Σ_k o_ck; n = Σ n_c (the pairable values).
 *   D_o = Σ o_ck δ²_ck / n, D_e = Σ n_c n_k δ²_ck / (n(n − 1)), α = 1 − D_o/D_e with δ² = [c ≠ k]
 *   (nominal) or (c − k)² (interval). Undefined when D_e = 0 (one value everywhere) or no unit is
 *   pairable.
 */

/** A rating: a category name or a number. 1 and "1" are different labels. */
export type Label = string | number;

export type KappaWeights = 'none' | 'linear' | 'quadratic';

export interface CohenKappaOptions {
  /**
   * Every label a rater may use, in order (the order matters for linear/quadratic weights). Default:
   * the labels seen, sorted (numbers ascending, then strings by code point — numpy.unique's order).
   * A rating outside an explicit list is an error, not silently dropped (sklearn would drop it).
   */
  readonly labels?: readonly Label[];
  readonly weights?: KappaWeights;
}

export type CohenKappa =
  | {
      readonly kind: 'defined';
      readonly kappa: number;
      /** Σ w·C / n: the weighted share of disagreement observed (1 − raw agreement for 'none'). */
      readonly observedDisagreement: number;
      /** Σ w·E / n: the disagreement expected by chance from the raters' marginals. */
      readonly expectedDisagreement: number;
      readonly n: number;
    }
  | { readonly kind: 'undefined'; readonly kappa: null; readonly reason: string; readonly n: number };

/** Cohen's κ for two raters over the same items (rater1[i] and rater2[i] rate item i). */
export function cohenKappa(rater1: readonly Label[], rater2: readonly Label[], options: CohenKappaOptions = {}): CohenKappa {
  const { weights = 'none' } = options;
  if (rater1.length !== rater2.length) {
    throw new RangeError(`cohenKappa: raters rated different numbers of items (${rater1.length} vs ${rater2.length})`);
  }
  for (const v of rater1) checkLabel('cohenKappa', v);
  for (const v of rater2) checkLabel('cohenKappa', v);
  const labels = options.labels ?? sortLabels(new Set([...rater1, ...rater2]));
  const index = new Map<Label, number>();
  labels.forEach((l, i) => {
    checkLabel('cohenKappa', l);
    if (index.has(l)) throw new RangeError(`cohenKappa: label ${JSON.stringify(l)} listed twice`);
    index.set(l, i);
  });
  const n = rater1.length;
  if (n === 0) return { kind: 'undefined', kappa: null, reason: 'no rated items', n };

  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < n; i++) {
    const a = index.get(rater1[i]!);
    const b = index.get(rater2[i]!);
    if (a === undefined || b === undefined) {
      const bad = a === undefined ? rater1[i] : rater2[i];
      throw new RangeError(`cohenKappa: item ${i} has label ${JSON.stringify(bad)}, not in labels`);
    }
    confusion[a]![b]! += 1;
  }
  const rowSums = confusion.map((row) => row.reduce((s, x) => s + x, 0));
  const colSums = labels.map((_, j) => confusion.reduce((s, row) => s + row[j]!, 0));
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = kappaWeight(weights, i, j);
      if (w === 0) continue;
      observed += w * confusion[i]![j]!;
      expected += w * ((rowSums[i]! * colSums[j]!) / n);
    }
  }
  if (!(expected > 0)) {
    return {
      kind: 'undefined',
      kappa: null,
      reason: 'chance agreement is 1: both raters used a single, identical label for every item',
      n,
    };
  }
  return { kind: 'defined', kappa: 1 - observed / expected, observedDisagreement: observed / n, expectedDisagreement: expected / n, n };
}

function kappaWeight(weights: KappaWeights, i: number, j: number): number {
  switch (weights) {
    case 'none':
      return i === j ? 0 : 1;
    case 'linear':
      return Math.abs(i - j);
    case 'quadratic':
      return (i - j) ** 2;
  }
}

/** Metric of the values: nominal categories or numbers on an interval scale. */
export type AlphaLevel = 'nominal' | 'interval';

/** A missing rating (the rater did not rate that unit). */
export type Rating = Label | null;

export interface Coincidences {
  /** Values that occur in pairable units, sorted (numbers ascending, then strings by code point). */
  readonly values: readonly Label[];
  /** o_ck, symmetric, in `values` order. */
  readonly matrix: readonly (readonly number[])[];
  /** n_c = Σ_k o_ck: how many pairable values equal values[c]. */
  readonly valueCounts: readonly number[];
  /** n: values in pairable units (an integer, counted — not the float sum of the matrix). */
  readonly nPairableValues: number;
  /** Units with at least 2 values. */
  readonly unitsPairable: number;
}

/**
 * The coincidence matrix of `raters` (one array per rater, all over the same units; null = missing).
 * Throws RangeError when the raters cover different numbers of units or a value is not finite.
 */
export function coincidences(raters: readonly (readonly Rating[])[]): Coincidences {
  const nUnits = raters[0]?.length ?? 0;
  for (const r of raters) {
    if (r.length !== nUnits) throw new RangeError(`krippendorffAlpha: raters cover different numbers of units (${nUnits} vs ${r.length})`);
    for (const v of r) if (v !== null) checkLabel('krippendorffAlpha', v);
  }
  const units: Label[][] = [];
  for (let u = 0; u < nUnits; u++) {
    const values: Label[] = [];
    for (const r of raters) {
      const v = r[u]!;
      if (v !== null) values.push(v);
    }
    if (values.length >= 2) units.push(values);
  }
  const values = sortLabels(new Set(units.flat()));
  const index = new Map(values.map((v, i) => [v, i] as const));
  const matrix = values.map(() => new Array<number>(values.length).fill(0));
  let nPairableValues = 0;
  for (const unit of units) {
    const m = unit.length;
    nPairableValues += m;
    // Σ over ordered pairs of different raters; pairs with equal values add to the diagonal.
    const counts = new Map<number, number>();
    for (const v of unit) {
      const i = index.get(v)!;
      counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    for (const [c, nc] of counts) {
      for (const [k, nk] of counts) {
        const pairs = c === k ? nc * (nc - 1) : nc * nk;
        if (pairs > 0) matrix[c]![k]! += pairs / (m - 1);
      }
    }
  }
  const valueCounts = matrix.map((row) => row.reduce((s, x) => s + x, 0));
  return { values, matrix, valueCounts, nPairableValues, unitsPairable: units.length };
}

interface AlphaParts {
  readonly level: AlphaLevel;
  readonly observedDisagreement: number;
  readonly expectedDisagreement: number;
  readonly nPairableValues: number;
  readonly unitsPairable: number;
}

export type KrippendorffAlpha =
  | (AlphaParts & { readonly kind: 'defined'; readonly alpha: number })
  /** D_e = 0: every pairable value is the same, so there is no variation to agree on. */
  | (AlphaParts & { readonly kind: 'no-variation'; readonly alpha: null; readonly reason: string })
  | {
      readonly kind: 'no-pairable-units';
      readonly level: AlphaLevel;
      readonly alpha: null;
      readonly reason: string;
      readonly unitsPairable: 0;
    };

/**
 * Krippendorff's α for any number of raters with missing values. `raters[r][u]` is rater r's value for
 * unit u, null when missing. Interval level needs numeric values (RangeError otherwise).
 */
export function krippendorffAlpha(raters: readonly (readonly Rating[])[], level: AlphaLevel = 'nominal'): KrippendorffAlpha {
  return alphaFromCoincidences(coincidences(raters), level);
}

/** α from a coincidence matrix already computed (several levels over the same data share one). */
export function alphaFromCoincidences(co: Coincidences, level: AlphaLevel): KrippendorffAlpha {
  if (co.unitsPairable === 0) {
    return { kind: 'no-pairable-units', level, alpha: null, reason: 'no unit was rated by at least two raters', unitsPairable: 0 };
  }
  const delta2 = distance(co.values, level);
  const n = co.nPairableValues;
  let observedSum = 0;
  let expectedSum = 0;
  for (let c = 0; c < co.values.length; c++) {
    for (let k = 0; k < co.values.length; k++) {
      const d = delta2(c, k);
      if (d === 0) continue;
      observedSum += co.matrix[c]![k]! * d;
      expectedSum += co.valueCounts[c]! * co.valueCounts[k]! * d;
    }
  }
  const parts: AlphaParts = {
    level,
    observedDisagreement: observedSum / n,
    expectedDisagreement: expectedSum / (n * (n - 1)),
    nPairableValues: n,
    unitsPairable: co.unitsPairable,
  };
  if (!(parts.expectedDisagreement > 0)) {
    return { ...parts, kind: 'no-variation', alpha: null, reason: 'every pairable value is the same: no expected disagreement' };
  }
  return { ...parts, kind: 'defined', alpha: 1 - parts.observedDisagreement / parts.expectedDisagreement };
}

function distance(values: readonly Label[], level: AlphaLevel): (c: number, k: number) => number {
  if (level === 'nominal') return (c, k) => (c === k ? 0 : 1);
  const x = values.map((v) => {
    if (typeof v !== 'number') throw new RangeError(`krippendorffAlpha: interval level needs numbers, got ${JSON.stringify(v)}`);
    return v;
  });
  return (c, k) => (x[c]! - x[k]!) ** 2;
}

function checkLabel(fn: string, v: unknown): void {
  if (typeof v === 'string') return;
  if (typeof v === 'number' && Number.isFinite(v)) return;
  throw new RangeError(`${fn}: a label must be a string or a finite number, got ${String(v)}`);
}

/** numpy.unique's order: numbers ascending, then strings by code point. */
function sortLabels(labels: Iterable<Label>): Label[] {
  const nums: number[] = [];
  const strs: string[] = [];
  for (const l of labels) {
    if (typeof l === 'number') nums.push(l);
    else strs.push(l);
  }
  nums.sort((a, b) => a - b);
  strs.sort(compareCodePoints);
  return [...nums, ...strs];
}

function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done === true || y.done === true) return (x.done === true ? 0 : 1) - (y.done === true ? 0 : 1);
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}
