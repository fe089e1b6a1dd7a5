import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  datasetDrift, DEFAULT_THRESHOLDS, defaultMethod, featureDrift, type FeatureDrift,
} from '../../../src/core/drift/evaluate.ts';
import { addValue, emptyHistogram } from '../../../src/core/drift/histogram.ts';
import { featureLayout } from '../../../src/core/drift/layout.ts';
import { prepareFeature } from '../../../src/core/drift/prepared-baseline.ts';
import { wassersteinBinned } from '../../../src/core/drift/binned.ts';
import { ks2samp } from '../../../src/core/drift/ks.ts';
import type { DriftMethod, DriftOverride } from '../../../src/core/spec.ts';
import { assertClose, loadReference } from '../../helpers/reference.ts';

function drift(type: 'numeric' | 'categorical', baseline: readonly unknown[], current: readonly unknown[], override?: Partial<DriftOverride>): FeatureDrift {
  const layout = featureLayout(type, baseline);
  const h = emptyHistogram(layout);
  for (const v of current) addValue(h, layout, v);
  return featureDrift({
    name: 'f', type, layout, baseline: prepareFeature(layout, baseline), current: h, critical: false,
    override: override === undefined ? undefined : { method: override.method, threshold: override.threshold },
  });
}

/** counts → values, e.g. {a: 2, b: 1} → [a, a, b]. */
function expand(names: readonly string[], counts: readonly number[]): string[] {
  return names.flatMap((n, i) => new Array<string>(counts[i]!).fill(n));
}

// ---------------------------------------------------------------------------------------------------
// Hand-computed examples, one per method
// ---------------------------------------------------------------------------------------------------

test('KS by hand: 6 distinct baseline values, 6 rows → ks; D = 1/2, p = 438/924', () => {
  // F (baseline 1…6) and G (production 4…9) at 3: F = 3/6, G = 0 → 1/2; at 6: F = 1, G = 3/6 → 1/2; D = 1/2.
  // Exact p (n1 = n2 = 6, h = D·6 = 3): 2·Σ_{k≥1} (−1)^(k−1) C(12, 6 − 3k)/C(12, 6) = 2·(C(12,3) − C(12,0))/924
  //   = 2·(220 − 1)/924 = 438/924.
  const f = drift('numeric', [1, 2, 3, 4, 5, 6], [4, 5, 6, 7, 8, 9]);
  assert.equal(f.method, 'ks');
  assert.equal(f.statistic, 0.5);
  assertClose(f.pValue!, 438 / 924, 1e-12, 0, 'p');
  assert.equal(f.threshold, 0.05);
  assert.equal(f.drifted, false);
  assert.equal(f.errorBound, 0);
  assert.equal(f.status, 'ok');
});

test('PSI by hand, numeric: deciles of 1…6, production 4…9', () => {
  // Deciles of [1..6] (h = 5q): 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5. Bins (left-closed):
  //   baseline 1→"< 1.5", 2→[2, 2.5), 3→[3, 3.5), 4→[4, 4.5), 5→[5, 5.5), 6→"≥ 5.5": shares 1/6 in those six.
  //   production 4→[4, 4.5), 5→[5, 5.5), 6, 7, 8, 9→"≥ 5.5": shares 1/6, 1/6, 4/6.
  // Terms (empty share → 1e-4): three bins (1e-4 − 1/6)·ln(1e-4/(1/6)); [4, 4.5), [5, 5.5) 0; "≥ 5.5" (4/6 − 1/6)·ln 4.
  const f = drift('numeric', [1, 2, 3, 4, 5, 6], [4, 5, 6, 7, 8, 9]);
  const lost = (1e-4 - 1 / 6) * Math.log(1e-4 * 6);
  assertClose(f.psi!.value, 3 * lost + 0.5 * Math.log(4), 1e-12, 0, 'psi');
  assert.equal(f.psi!.band, 'major');
  assert.deepEqual(f.shiftedBins.map((b) => b.bin), ['< 1.5', '[2, 2.5)', '[3, 3.5)']);
  assertClose(f.shiftedBins[0]!.psiTerm, lost, 1e-12, 0, 'term');
  assert.equal(f.shiftedBins[0]!.baselineShare, 1 / 6);
  assert.equal(f.shiftedBins[0]!.currentShare, 0);
});

test('Wasserstein by hand: bin means, the Σ q·σ bound, std normalisation', () => {
  // Baseline 0, 2, …, 10 (mass 1/6 each): mean 5, variance (25+9+1+1+9+25)/6 = 70/6.
  // Production 0.25, 0.75, 7, 9: edges are 0…10 (values and deciles), so 0.25 and 0.75 share the open bin
  // (0, 1) → one atom 0.5 of mass 1/2 (σ = 0.25); 7 and 9 are point bins of mass 1/4.
  // ∫|F − G|: [0,.5) 1/6·.5 + [.5,2) (1/2 − 1/6)·1.5 + [2,4) (1/2 − 1/3)·2 + [4,6) 0 + [6,7) (2/3 − 1/2)
  //   + [7,8) (3/4 − 2/3) + [8,9) (5/6 − 3/4) + [9,10) (1 − 5/6) = (1 + 6 + 4 + 0 + 2 + 1 + 1 + 2)/12 = 17/12.
  // Raw W1 (0.25, 0.75 themselves) = 16/12; bound = (1/2)·0.25 = 1/8 ≥ 1/12.
  const f = drift('numeric', [0, 2, 4, 6, 8, 10], [0.25, 0.75, 7, 9], { method: 'wasserstein' });
  const std = Math.sqrt(70 / 6);
  assert.equal(f.method, 'wasserstein');
  assertClose(f.statistic!, 17 / 12 / std, 1e-12, 0, 'normed');
  assertClose(f.errorBound, 0.125 / std, 1e-12, 0, 'bound');
  assert.ok(Math.abs(f.statistic! - 16 / 12 / std) <= f.errorBound);
  assert.equal(f.threshold, 0.1);
  assert.equal(f.drifted, true);
  assert.equal(f.pValue, null);
});

test('chi2 by hand: three categories, 50 rows', () => {
  // [[20, 20, 10], [10, 20, 20]]: column sums 30, 40, 30, total 100 → expected 15, 20, 15 per row.
  // X² = 4·(5²/15) = 20/3, dof 2: p = chi2.sf(x, 2) = exp(−x/2) = exp(−10/3).
  const f = drift('categorical', expand(['a', 'b', 'c'], [20, 20, 10]), expand(['a', 'b', 'c'], [10, 20, 20]));
  assert.equal(f.method, 'chi2');
  assertClose(f.statistic!, 20 / 3, 1e-12, 0, 'X²');
  assertClose(f.pValue!, Math.exp(-10 / 3), 1e-12, 0, 'p');
  assert.equal(f.drifted, true);
});

/** 2·(1 − Φ(z)) by composite Simpson on φ over [0, z] — independent of the code under test. */
function twoSidedNormalP(z: number): number {
  const n = 20000;
  const h = z / n;
  const phi = (t: number) => Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI);
  let s = phi(0) + phi(z);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * phi(i * h);
  return 1 - 2 * (s * h / 3);
}

test('z by hand: binary categorical, 100 rows', () => {
  // shares of "no": 70/100 vs 50/100; pooled p = 120/200 = 0.6; se = √(0.6·0.4·(1/100 + 1/100)) = √0.0048;
  // z = 0.2/√0.0048 = 2.8867513459481287; p = 2·(1 − Φ(z)).
  const f = drift('categorical', expand(['yes', 'no'], [30, 70]), expand(['yes', 'no'], [50, 50]));
  assert.equal(f.method, 'z');
  assertClose(Math.abs(f.statistic!), 0.2 / Math.sqrt(0.0048), 1e-12, 0, 'z');
  assertClose(f.pValue!, twoSidedNormalP(0.2 / Math.sqrt(0.0048)), 1e-9, 0, 'p');
  assert.equal(f.drifted, true);
});

test('Jensen–Shannon by hand: 2000 rows → jensenshannon', () => {
  // p = (1/2, 1/2), q = (1, 0), m = (3/4, 1/4): KL(p‖m) = ½ln(2/3) + ½ln 2 = ½ln(4/3), KL(q‖m) = ln(4/3);
  // JS = (½ + 1)·ln(4/3)/2 = ¾·ln(4/3); distance = √(¾·ln(4/3)) ≈ 0.4645.
  const f = drift('categorical', expand(['a', 'b'], [1000, 1000]), new Array(50).fill('a'));
  assert.equal(f.method, 'jensenshannon');
  assertClose(f.statistic!, Math.sqrt(0.75 * Math.log(4 / 3)), 1e-12, 0, 'JS');
  assert.equal(f.drifted, true);
  assert.equal(f.threshold, 0.1);
});

test('PSI by hand, categorical override: (0.8 − 0.5)·ln 1.6 + (0.2 − 0.5)·ln 0.4 = 0.3·ln 4', () => {
  const f = drift('categorical', expand(['a', 'b'], [50, 50]), expand(['a', 'b', 'c'], [80, 19, 1]), { method: 'psi', threshold: 0.2 });
  // c is new: baseline share 0 → 1e-4; production 0.01. Terms: 0.3·ln 1.6, (0.19 − 0.5)·ln 0.38, (0.01 − 1e-4)·ln 100.
  const want = 0.3 * Math.log(1.6) + (0.19 - 0.5) * Math.log(0.38) + (0.01 - 1e-4) * Math.log(0.01 / 1e-4);
  assert.equal(f.method, 'psi');
  assertClose(f.statistic!, want, 1e-12, 0, 'psi');
  assert.equal(f.psi!.value, f.statistic);
  assert.equal(f.threshold, 0.2);
  assert.equal(f.drifted, true);
  assert.deepEqual(f.newCategories, [{ value: 'c', share: 0.01 }]);
  // and the exact 0.3·ln 4 without the new category
  assertClose(drift('categorical', expand(['a', 'b'], [50, 50]), expand(['a', 'b'], [80, 20]), { method: 'psi' }).statistic!, 0.3 * Math.log(4), 1e-12, 0, '0.3 ln 4');
});

// ---------------------------------------------------------------------------------------------------
// Reference vectors (scipy) through the binned path
// ---------------------------------------------------------------------------------------------------

test('ks.json through the histogram: exact where a sample has ≤ 1000 distinct values, else bounded', () => {
  const ref = loadReference<{ a: number[]; b: number[] }, { statistic: number; pvalue: number; drift_p_le_0_05: boolean }>('ks');
  let exact = 0;
  for (const c of ref.cases) {
    const { a, b } = c.input;
    // KS is symmetric in the samples (statistic and p-value): use the one with fewer distinct values as baseline.
    const [base, cur] = new Set(a).size <= new Set(b).size ? [a, b] : [b, a];
    const f = drift('numeric', base, cur, { method: 'ks' });
    if (f.errorBound === 0) {
      exact++;
      assertClose(f.statistic!, c.expected.statistic, 1e-9, 0, `${c.name} statistic`);
      assertClose(f.pValue!, c.expected.pvalue, 1e-6, 1e-12, `${c.name} p`);
      assert.equal(f.drifted, c.expected.drift_p_le_0_05, `${c.name} drift`);
    } else {
      assert.ok(f.statistic! - 1e-12 <= c.expected.statistic && c.expected.statistic <= f.statistic! + f.errorBound + 1e-12, c.name);
    }
  }
  assert.equal(exact, 16); // all but the three 2000-value cases with > 1000 distinct values on both sides
});

test('wasserstein.json through the histogram: within the bound, equal where it is 0', () => {
  const ref = loadReference<{ reference: number[]; current: number[]; reference_weights?: number[]; current_weights?: number[] },
    { distance: number; std_reference_ddof0?: number; norm_divisor?: number; normed?: number; drift_normed_ge_0_1?: boolean }>('wasserstein');
  let checked = 0;
  for (const c of ref.cases) {
    let { reference, current } = c.input;
    const { reference_weights: rw, current_weights: cw } = c.input;
    if (rw !== undefined || cw !== undefined) {
      // Integer weights are repeated values; other weights have no histogram form.
      if (![...(rw ?? []), ...(cw ?? [])].every(Number.isInteger)) continue;
      reference = reference.flatMap((x, i) => new Array<number>(rw?.[i] ?? 1).fill(x));
      current = current.flatMap((x, i) => new Array<number>(cw?.[i] ?? 1).fill(x));
    }
    checked++;
    const layout = featureLayout('numeric', reference);
    const h = emptyHistogram(layout);
    for (const x of current) addValue(h, layout, x);
    const p = prepareFeature(layout, reference);
    if (layout.kind !== 'numeric' || p.kind !== 'numeric' || h.kind !== 'numeric') throw new Error('numeric');
    const w = wassersteinBinned(layout, p, h);
    const e = c.expected;
    assert.ok(Math.abs(w.distance - e.distance) <= w.distanceBound + 1e-9 * e.distance + 1e-12, `${c.name}: ${w.distance} vs ${e.distance} ± ${w.distanceBound}`);
    if (w.distanceBound === 0) assertClose(w.distance, e.distance, 1e-9, 1e-12, `${c.name} distance`);
    if (e.normed === undefined) continue;
    assertClose(w.stdReference, e.std_reference_ddof0!, 1e-9, 1e-12, `${c.name} std`);
    assertClose(w.divisor, e.norm_divisor!, 1e-9, 1e-12, `${c.name} divisor`);
    const f = featureDrift({ name: 'f', type: 'numeric', layout, baseline: p, current: h, critical: false, override: { method: 'wasserstein', threshold: undefined } });
    assert.ok(Math.abs(f.statistic! - e.normed) <= f.errorBound + 1e-9 * e.normed + 1e-12, c.name);
    if (f.errorBound === 0 || Math.abs(e.normed - 0.1) > f.errorBound) assert.equal(f.drifted, e.drift_normed_ge_0_1, `${c.name} drift`);
  }
  assert.equal(checked, 17);
});

test('psi.json through the histogram: numeric and categorical, exact', () => {
  type Input = { reference: number[]; current: number[] } | { categories: string[]; reference_counts: number[]; current_counts: number[] };
  const ref = loadReference<Input, { psi: number; band: string; current_counts?: number[] }>('psi');
  for (const c of ref.cases) {
    const f = 'reference' in c.input
      ? drift('numeric', c.input.reference, c.input.current, { method: 'psi' })
      : drift('categorical', expand(c.input.categories, c.input.reference_counts), expand(c.input.categories, c.input.current_counts), { method: 'psi' });
    assertClose(f.psi!.value, c.expected.psi, 1e-9, 1e-12, `${c.name} psi`);
    assert.equal(f.statistic, f.psi!.value);
    assert.equal(f.psi!.band, c.expected.band, `${c.name} band`);
  }
});

test('chi2.json through the histogram (Yates-corrected, as chi2_contingency defaults)', () => {
  const ref = loadReference<{ categories: string[]; reference_counts: number[]; current_counts: number[] },
    { correction_true: { statistic: number; pvalue: number }; drift_p_le_0_05: boolean }>('chi2');
  for (const c of ref.cases) {
    const { categories, reference_counts, current_counts } = c.input;
    const f = drift('categorical', expand(categories, reference_counts), expand(categories, current_counts), { method: 'chi2' });
    assert.equal(f.method, 'chi2');
    assertClose(f.statistic!, c.expected.correction_true.statistic, 1e-9, 1e-12, `${c.name} statistic`);
    assertClose(f.pValue!, c.expected.correction_true.pvalue, 1e-6, 1e-300, `${c.name} p`);
    assert.equal(f.drifted, c.expected.drift_p_le_0_05, `${c.name} drift`);
  }
});

test('jensenshannon.json through the histogram', () => {
  const ref = loadReference<{ reference_counts: number[]; current_counts: number[] }, { distance: number; drift_distance_ge_0_1: boolean }>('jensenshannon');
  for (const c of ref.cases) {
    const names = c.input.reference_counts.map((_, i) => `c${i}`);
    const f = drift('categorical', expand(names, c.input.reference_counts), expand(names, c.input.current_counts), { method: 'jensenshannon' });
    assertClose(f.statistic!, c.expected.distance, 1e-9, 1e-15, `${c.name} distance`);
    assert.equal(f.drifted, c.expected.drift_distance_ge_0_1, `${c.name} drift`);
  }
});

// ---------------------------------------------------------------------------------------------------
// Method choice, overrides, no data, dataset drift
// ---------------------------------------------------------------------------------------------------

test('defaultMethod: the DESIGN §2.6 table', () => {
  const table: [Parameters<typeof defaultMethod>, DriftMethod][] = [
    [['numeric', 1000, 6, 0], 'ks'],
    [['numeric', 1001, 6, 0], 'wasserstein'],
    [['numeric', 1000, 5, 3], 'chi2'],
    [['numeric', 1000, 5, 2], 'z'],
    [['numeric', 1001, 5, 2], 'jensenshannon'],
    [['categorical', 1000, 50, 3], 'chi2'],
    [['categorical', 1000, 2, 2], 'z'],
    [['categorical', 10, 1, 1], 'chi2'],
    [['categorical', 1001, 2, 2], 'jensenshannon'],
    [['categorical', 5000, 50, 60], 'jensenshannon'],
  ];
  for (const [args, want] of table) assert.equal(defaultMethod(...args), want, JSON.stringify(args));
  assert.deepEqual(DEFAULT_THRESHOLDS, { ks: 0.05, wasserstein: 0.1, chi2: 0.05, z: 0.05, jensenshannon: 0.1, psi: 0.1 });
});

test('a numeric feature with ≤ 5 distinct values is tested on categories: z for two, chi2 when a gap adds one', () => {
  const base = [0, 1, 0, 1, 1, 0, 1, 1];
  assert.equal(drift('numeric', base, [0, 1, 1, 1]).method, 'z');
  assert.equal(drift('numeric', base, [0, 1, 0.5]).method, 'chi2');
  assert.equal(drift('numeric', [...base, ...new Array(1000).fill(1)], [0, 1]).method, 'jensenshannon');
  // baseline rows counted without missing values: 1000 values + 5 nulls is still "≤ 1000"
  assert.equal(drift('numeric', [...Array.from({ length: 1000 }, (_, i) => i), null, null, null, null, null], [1, 2]).method, 'ks');
});

test('overrides: threshold alone, method and threshold, inapplicable methods fall back', () => {
  const base = expand(['a', 'b', 'c'], [20, 20, 10]);
  const cur = expand(['a', 'b', 'c'], [10, 20, 20]); // chi2 p = exp(−10/3) ≈ 0.0357
  assert.deepEqual(pick(drift('categorical', base, cur, { threshold: 0.01 })), ['chi2', 0.01, false]);
  // ks needs numbers: the default (chi2) runs; a p-value threshold carries over, a distance threshold does not
  assert.deepEqual(pick(drift('categorical', base, cur, { method: 'ks', threshold: 0.01 })), ['chi2', 0.01, false]);
  assert.deepEqual(pick(drift('categorical', base, cur, { method: 'wasserstein', threshold: 0.5 })), ['chi2', 0.05, true]);
  // z with three categories runs chi2
  assert.deepEqual(pick(drift('categorical', base, cur, { method: 'z' })), ['chi2', 0.05, true]);
  // JS on a small baseline, threshold exactly at the statistic: drift (≥)
  const js = drift('categorical', base, cur, { method: 'jensenshannon' });
  assert.equal(drift('categorical', base, cur, { method: 'jensenshannon', threshold: js.statistic! }).drifted, true);
  // p exactly at the threshold: drift (≤)
  const p = drift('categorical', base, cur).pValue!;
  assert.equal(drift('categorical', base, cur, { threshold: p }).drifted, true);
  assert.equal(drift('categorical', base, cur, { threshold: p * (1 - 1e-15) }).drifted, false);
});

function pick(f: FeatureDrift): [DriftMethod, number, boolean] {
  return [f.method, f.threshold, f.drifted];
}

test('no_data: no production values, or a baseline without values', () => {
  const none = drift('numeric', [1, 2, 3, 4, 5, 6], [null, 'x', Number.NaN]);
  assert.deepEqual(
    { status: none.status, statistic: none.statistic, pValue: none.pValue, drifted: none.drifted, psi: none.psi, currentCount: none.currentCount, currentMissing: none.currentMissing, method: none.method },
    { status: 'no_data', statistic: null, pValue: null, drifted: false, psi: null, currentCount: 0, currentMissing: 3, method: 'ks' },
  );
  const emptyBase = drift('numeric', [null, null], [1, 2]);
  assert.equal(emptyBase.status, 'no_data');
  assert.equal(emptyBase.baselineCount, 0);
  assert.equal(drift('categorical', [], ['a']).status, 'no_data');
});

test('non-exact layouts report KS with an error bound that holds the raw statistic', () => {
  const base = Array.from({ length: 3000 }, (_, i) => Math.sin(i) * 10);
  const cur = Array.from({ length: 500 }, (_, i) => Math.sin(i * 1.7) * 10 + 0.5);
  const f = drift('numeric', base, cur, { method: 'ks' });
  assert.ok(f.errorBound > 0 && f.errorBound < 0.02, String(f.errorBound));
  const raw = ks2samp(base, cur).statistic;
  assert.ok(f.statistic! <= raw && raw <= f.statistic! + f.errorBound);
  assert.equal(drift('numeric', base, [1, 2]).method, 'wasserstein');
});

test('featureDrift rejects inputs that disagree', () => {
  const layout = featureLayout('numeric', [1, 2]);
  assert.throws(() => featureDrift({
    name: 'f', type: 'categorical', layout, baseline: prepareFeature(layout, [1, 2]), current: emptyHistogram(layout), critical: false, override: undefined,
  }), RangeError);
});

test('datasetDrift: share of drifted among evaluated features, drift at exactly the share', () => {
  const f = (name: string, drifted: boolean, status: 'ok' | 'no_data' = 'ok') => ({ name, drifted, status }) as FeatureDrift;
  assert.deepEqual(datasetDrift([f('a', true), f('b', false), f('c', true), f('d', false), f('e', false, 'no_data')], 0.5),
    { driftedShare: 0.5, drifted: true, evaluated: 4, driftedFeatures: ['a', 'c'] });
  assert.equal(datasetDrift([f('a', true), f('b', false), f('c', false)], 0.5).drifted, false);
  assert.deepEqual(datasetDrift([f('a', false, 'no_data')], 0.5), { driftedShare: 0, drifted: false, evaluated: 0, driftedFeatures: [] });
  assert.deepEqual(datasetDrift([], 0.5), { driftedShare: 0, drifted: false, evaluated: 0, driftedFeatures: [] });
});
