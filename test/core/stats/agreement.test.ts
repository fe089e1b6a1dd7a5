import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alphaFromCoincidences,
  coincidences,
  cohenKappa,
  krippendorffAlpha,
  type AlphaLevel,
  type KappaWeights,
  type Label,
  type Rating,
} from '../../../src/core/stats/agreement.ts';
import { assertClose, loadReference } from '../../helpers/reference.ts';

/** Closed-form floats: relative 1e-9, absolute 1e-12 near 0 (testdata/reference/README.md). */
const REL = 1e-9;
const ABS = 1e-12;

interface KappaInput { kind: 'cohen_kappa'; rater1: Label[]; rater2: Label[]; labels: Label[] }
interface KappaExpected { kappa: number | null; kappa_linear: number | null; kappa_quadratic: number | null }
interface LevelExpected {
  alpha: number | null;
  observed_disagreement: number;
  expected_disagreement: number;
  n_pairable_values: number;
  units_pairable: number;
}
interface AlphaInput { kind: 'krippendorff_alpha'; raters: Rating[][]; levels: AlphaLevel[] }
interface AlphaExpected {
  nominal: LevelExpected | null;
  interval?: LevelExpected | null;
  coincidence_values?: Label[];
  coincidence_matrix?: number[][];
}

const ref = loadReference<KappaInput | AlphaInput, KappaExpected | AlphaExpected>('agreement');
const kappaCases = ref.cases.filter((c) => c.input.kind === 'cohen_kappa');
const alphaCases = ref.cases.filter((c) => c.input.kind === 'krippendorff_alpha');

test('agreement.json holds the 16 documented cases (7 κ, 9 α)', () => {
  assert.equal(ref.cases.length, 16);
  assert.equal(kappaCases.length, 7);
  assert.equal(alphaCases.length, 9);
});

const WEIGHTS: readonly [KappaWeights, keyof KappaExpected][] = [
  ['none', 'kappa'],
  ['linear', 'kappa_linear'],
  ['quadratic', 'kappa_quadratic'],
];

for (const c of kappaCases) {
  test(`agreement.json ${c.name}: cohenKappa matches sklearn (none, linear, quadratic)`, () => {
    const input = c.input as KappaInput;
    const e = c.expected as KappaExpected;
    for (const [weights, key] of WEIGHTS) {
      const got = cohenKappa(input.rater1, input.rater2, { labels: input.labels, weights });
      const want = e[key];
      if (want === null) {
        assert.equal(got.kind, 'undefined', `${c.name} ${weights}`);
        assert.equal(got.kappa, null);
      } else {
        assert.equal(got.kind, 'defined', `${c.name} ${weights}`);
        assertClose(got.kappa, want, REL, ABS, `${c.name} ${weights}`);
      }
    }
  });
}

for (const c of alphaCases) {
  test(`agreement.json ${c.name}: krippendorffAlpha and coincidences`, () => {
    const input = c.input as AlphaInput;
    const e = c.expected as AlphaExpected;
    const co = coincidences(input.raters);
    if (e.coincidence_values !== undefined) {
      assert.deepEqual(co.values, e.coincidence_values);
      assert.equal(co.matrix.length, e.coincidence_matrix!.length);
      e.coincidence_matrix!.forEach((row, i) =>
        row.forEach((x, j) => assertClose(co.matrix[i]![j]!, x, REL, ABS, `${c.name} o[${i}][${j}]`)),
      );
    }
    for (const level of input.levels) {
      const want = e[level];
      assert.notEqual(want, undefined, `${c.name}: level ${level} expected`);
      const got = krippendorffAlpha(input.raters, level);
      assert.deepEqual(alphaFromCoincidences(co, level), got);
      const what = `${c.name} ${level}`;
      if (want === null) {
        assert.equal(got.kind, 'no-pairable-units', what);
        assert.equal(got.alpha, null);
        continue;
      }
      assert.notEqual(got.kind, 'no-pairable-units', what);
      if (got.kind === 'no-pairable-units') continue;
      assert.equal(got.nPairableValues, want!.n_pairable_values, `${what} n`);
      assert.equal(got.unitsPairable, want!.units_pairable, `${what} units`);
      assertClose(got.observedDisagreement, want!.observed_disagreement, REL, ABS, `${what} D_o`);
      assertClose(got.expectedDisagreement, want!.expected_disagreement, REL, ABS, `${what} D_e`);
      if (want!.alpha === null) {
        assert.equal(got.kind, 'no-variation', what);
        assert.equal(got.alpha, null);
      } else {
        assert.equal(got.kind, 'defined', what);
        assertClose(got.alpha, want!.alpha, REL, ABS, `${what} alpha`);
      }
    }
  });
}

test('krippendorffAlpha reproduces the published 2011 example C to three decimals', () => {
  const c = alphaCases.find((x) => x.name === 'krippendorff_2011_example_C')!;
  const raters = (c.input as AlphaInput).raters;
  assert.equal(krippendorffAlpha(raters, 'nominal').alpha!.toFixed(3), '0.743');
  assert.equal(krippendorffAlpha(raters, 'interval').alpha!.toFixed(3), '0.849');
});

test('cohenKappa: undefined cases carry a reason', () => {
  const same = cohenKappa(['a', 'a', 'a'], ['a', 'a', 'a']);
  assert.equal(same.kind, 'undefined');
  assert.match(same.kind === 'undefined' ? same.reason : '', /single, identical label/);
  const empty = cohenKappa([], []);
  assert.deepEqual(empty, { kind: 'undefined', kappa: null, reason: 'no rated items', n: 0 });
});

test('cohenKappa: default labels are the sorted union; unweighted κ ignores order', () => {
  const r1 = ['x', 'y', 'z', 'x', 'y', 'y'];
  const r2 = ['x', 'z', 'z', 'y', 'y', 'x'];
  const auto = cohenKappa(r1, r2, { weights: 'linear' });
  const sorted = cohenKappa(r1, r2, { labels: ['x', 'y', 'z'], weights: 'linear' });
  assert.deepEqual(auto, sorted);
  const a = cohenKappa(r1, r2, { labels: ['z', 'x', 'y'] });
  const b = cohenKappa(r1, r2, { labels: ['x', 'y', 'z'] });
  assertClose(a.kappa!, b.kappa!, 1e-15, 0, 'order-free');
  // Numbers sort numerically, not as text: 2 < 10.
  const num = cohenKappa([10, 2, 2], [10, 2, 10], { weights: 'quadratic' });
  const numExplicit = cohenKappa([10, 2, 2], [10, 2, 10], { labels: [2, 10], weights: 'quadratic' });
  assert.deepEqual(num, numExplicit);
});

test('cohenKappa: symmetric in the raters', () => {
  const r1 = [1, 2, 3, 1, 2, 3, 3, 1];
  const r2 = [1, 3, 3, 2, 2, 1, 3, 1];
  for (const weights of ['none', 'linear', 'quadratic'] as const) {
    const ab = cohenKappa(r1, r2, { weights });
    const ba = cohenKappa(r2, r1, { weights });
    assertClose(ab.kappa!, ba.kappa!, 1e-15, 0, weights);
  }
});

test('cohenKappa: input errors are RangeErrors, not dropped items', () => {
  assert.throws(() => cohenKappa(['a'], ['a', 'b']), RangeError);
  assert.throws(() => cohenKappa(['a', 'c'], ['a', 'b'], { labels: ['a', 'b'] }), /not in labels/);
  assert.throws(() => cohenKappa(['a'], ['a'], { labels: ['a', 'a'] }), /listed twice/);
  assert.throws(() => cohenKappa([Number.NaN], [1]), RangeError);
});

test('krippendorffAlpha: degenerate inputs and errors', () => {
  assert.equal(krippendorffAlpha([]).kind, 'no-pairable-units');
  assert.equal(krippendorffAlpha([[1, 2, 3]]).kind, 'no-pairable-units');
  const constant = krippendorffAlpha([['a', 'a'], ['a', 'a']]);
  assert.equal(constant.kind, 'no-variation');
  assert.throws(() => krippendorffAlpha([[1, 2], [1]]), /different numbers of units/);
  assert.throws(() => krippendorffAlpha([['a', 'b'], ['a', 'b']], 'interval'), /needs numbers/);
  assert.throws(() => krippendorffAlpha([[1, Number.POSITIVE_INFINITY], [1, 2]]), RangeError);
});

test('krippendorffAlpha: full agreement on varied values is exactly 1 (D_o = 0)', () => {
  const r = [1, 2, 3, 4, 5, 1, 2, 3];
  assert.equal(krippendorffAlpha([r, r], 'interval').alpha, 1);
  assert.equal(krippendorffAlpha([r, r, r], 'nominal').alpha, 1);
});
