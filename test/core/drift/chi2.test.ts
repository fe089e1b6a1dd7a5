import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chi2Contingency, chiSquareGof, numpySum } from '../../../src/core/drift/chi2.ts';
import { binaryZTest } from '../../../src/core/drift/z-test.ts';
import { chi2Sf, gammaP, gammaQ, lnGamma } from '../../../src/core/stats/gamma.ts';
import { normalSf } from '../../../src/core/stats/normal.ts';
import { assertClose, loadReference } from '../../helpers/reference.ts';

interface Input { categories: string[]; reference_counts: number[]; current_counts: number[] }
interface StatP { statistic: number; pvalue: number }
interface Expected {
  dof: number;
  expected_freq: [number[], number[]];
  correction_true: StatP;
  correction_false: StatP;
  drift_p_le_0_05: boolean;
  evidently_chisquare_gof: { statistic: number; pvalue: number | null } | null;
}

const ref = loadReference<Input, Expected>('chi2');

/** p-values: rel 1e-6 as the README suggests; abs 1e-300 lets an underflow to 0 pass. */
function assertP(actual: number, expected: number, what: string): void {
  assertClose(actual, expected, 1e-6, 1e-300, what);
}

test('chi2.json holds the 14 documented cases', () => {
  assert.equal(ref.cases.length, 14);
});

for (const correction of [true, false] as const) {
  test(`chi2Contingency(correction=${correction}): every chi2.json case`, () => {
    for (const c of ref.cases) {
      const e = c.expected;
      const want = correction ? e.correction_true : e.correction_false;
      const got = chi2Contingency(c.input.reference_counts, c.input.current_counts, { correction });
      assert.equal(got.dof, e.dof, `${c.name} dof`);
      for (let i = 0; i < 2; i++) {
        assert.equal(got.expected[i]!.length, e.expected_freq[i]!.length, `${c.name} expected shape`);
        e.expected_freq[i]!.forEach((x, j) => assertClose(got.expected[i]![j]!, x, 1e-12, 0, `${c.name} expected[${i}][${j}]`));
      }
      assertClose(got.statistic, want.statistic, 1e-9, 1e-12, `${c.name} statistic`);
      assertP(got.pvalue, want.pvalue, `${c.name} pvalue`);
      if (correction) assert.equal(got.pvalue <= 0.05, e.drift_p_le_0_05, `${c.name} drift flag`);
    }
  });
}

test('chi2Contingency is the default-corrected test and reaches scipy to the last bits', () => {
  let worstStat = 0;
  let worstP = 0;
  for (const c of ref.cases) {
    const got = chi2Contingency(c.input.reference_counts, c.input.current_counts);
    const w = c.expected.correction_true;
    if (w.statistic !== 0) worstStat = Math.max(worstStat, Math.abs(got.statistic - w.statistic) / w.statistic);
    else assert.equal(got.statistic, 0, c.name);
    worstP = Math.max(worstP, Math.abs(got.pvalue - w.pvalue) / w.pvalue);
    got.expected.forEach((row, i) => row.forEach((x, j) => assert.equal(x, c.expected.expected_freq[i]![j], `${c.name} expected bit-exact`)));
  }
  // Observed: statistics equal or within 1 ulp (18 of 28 bit-identical), p-values within 3e-14 (Cephes vs this port).
  assert.ok(worstStat <= 1e-15, `worst statistic rel ${worstStat}`);
  assert.ok(worstP <= 1e-12, `worst p-value rel ${worstP}`);
});

test('chiSquareGof (Evidently): every chi2.json case, null where a reference count is 0', () => {
  for (const c of ref.cases) {
    const e = c.expected.evidently_chisquare_gof;
    const got = chiSquareGof(c.input.reference_counts, c.input.current_counts);
    if (e === null) {
      assert.equal(got, undefined, c.name);
      continue;
    }
    assert.ok(got !== undefined, c.name);
    assertClose(got.statistic, e.statistic, 1e-9, 1e-12, `${c.name} gof statistic`);
    if (e.pvalue === null) assert.ok(Number.isNaN(got.pvalue), `${c.name} gof pvalue NaN`);
    else assertP(got.pvalue, e.pvalue, `${c.name} gof pvalue`);
  }
});

test('chi2Contingency rejects what scipy rejects', () => {
  assert.throws(() => chi2Contingency([1, 0], [2, 0]), RangeError); // category in neither sample
  assert.throws(() => chi2Contingency([0, 0], [2, 3]), RangeError); // empty reference
  assert.throws(() => chi2Contingency([1, 2], [3]), RangeError);
  assert.throws(() => chi2Contingency([], []), RangeError);
  assert.throws(() => chi2Contingency([-1, 2], [3, 4]), RangeError);
});

test('binary Z-test: z² equals the uncorrected 2×2 chi-squared statistic, same p-value', () => {
  for (const c of ref.cases.filter((x) => x.expected.dof === 1)) {
    const got = binaryZTest(c.input.reference_counts, c.input.current_counts);
    const w = c.expected.correction_false;
    assertClose(got.statistic ** 2, w.statistic, 1e-9, 1e-12, `${c.name} z²`);
    assertP(got.pvalue, w.pvalue, `${c.name} z pvalue`);
    assertClose(binaryZTest(c.input.reference_counts, c.input.current_counts, 1).pvalue, got.pvalue, 1e-12, 0, `${c.name} symmetric`);
  }
  const one = binaryZTest([40], [25]);
  assert.equal(one.pvalue, 1);
  assert.equal(one.degenerate, true);
  assert.equal(binaryZTest([10, 0], [0, 7]).degenerate, false);
  assert.equal(binaryZTest([10, 0], [10, 0]).pvalue, 1);
  assert.throws(() => binaryZTest([1, 2, 3], [1, 2, 3]), RangeError);
});

test('lnGamma: hand-checked values', () => {
  assert.equal(lnGamma(1), 0);
  assert.equal(lnGamma(2), 0);
  assertClose(lnGamma(5), Math.log(24), 1e-15, 0, 'lnΓ(5)');
  assertClose(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-15, 0, 'lnΓ(½)');
  assertClose(lnGamma(4.5), Math.log(11.631728396567448), 1e-15, 0, 'lnΓ(4.5)'); // 105√π/16
  assertClose(lnGamma(1 / 3), Math.log(2.6789385347077475), 1e-14, 0, 'lnΓ(⅓)');
  assertClose(lnGamma(0.3), Math.log(2.991568987687591), 1e-14, 0, 'lnΓ(0.3)');
  // Γ(10.25) = Γ(1.25)·1.25·2.25·…·9.25 with Γ(1.25) = 0.90640247705547707798.
  let g = 0.906402477055477;
  for (let k = 1.25; k < 10; k++) g *= k;
  assertClose(lnGamma(10.25), Math.log(g), 1e-14, 0, 'lnΓ(10.25)');
  // Large x against Stirling's series (truncation error < 1e-16 here).
  const stirling = (x: number) =>
    (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
  for (const x of [50.3, 150.3, 171.5, 1234.56]) assertClose(lnGamma(x), stirling(x), 1e-14, 0, `lnΓ(${x})`);
  assert.equal(lnGamma(0), Infinity);
});

test('gammaQ / chi2Sf: closed forms to 1e-12, including far tails', () => {
  const tol = 1e-12;
  const erfc = (x: number) => 2 * normalSf(x * Math.SQRT2);
  for (const x of [1e-8, 0.01, 0.3, 1, 2.5, 7, 40, 233.33, 700]) {
    assertClose(gammaQ(1, x), Math.exp(-x), tol, 0, `Q(1, ${x})`);
    assertClose(gammaQ(2, x), (1 + x) * Math.exp(-x), tol, 0, `Q(2, ${x})`);
    assertClose(gammaQ(0.5, x), erfc(Math.sqrt(x)), tol, 0, `Q(½, ${x})`);
    assertClose(gammaQ(1.5, x), erfc(Math.sqrt(x)) + 2 * Math.sqrt(x / Math.PI) * Math.exp(-x), tol, 0, `Q(1.5, ${x})`);
    assertClose(gammaQ(3, x), (1 + x + (x * x) / 2) * Math.exp(-x), tol, 0, `Q(3, ${x})`);
    assertClose(gammaP(2, x) + gammaQ(2, x), 1, 1e-15, 0, `P + Q at ${x}`);
  }
  // chi2.sf(3.841458820694124, 1) = 0.05 (the 95% critical value); chi2.sf(466.67, 2) = e^{-233.33}.
  assertClose(chi2Sf(3.841458820694124, 1), 0.05, 1e-13, 0, 'critical value dof 1');
  assertClose(chi2Sf(466.66666666666674, 2), 4.619775690426724e-102, 1e-13, 0, 'p ≈ 1e-102');
  assert.equal(chi2Sf(0, 3), 1);
  assert.equal(chi2Sf(-1, 3), 1);
  assert.ok(Number.isNaN(chi2Sf(1, 0)));
  assert.equal(chi2Sf(5000, 2), 0); // underflow, as scipy
  assert.equal(gammaQ(3, Infinity), 0);
  assert.ok(Number.isNaN(gammaQ(0, 1)));
});

test('numpySum: numpy pairwise order (first element + pairwise rest)', () => {
  assert.equal(numpySum([]), 0);
  assert.equal(numpySum([1, 2, 3]), 6);
  const xs = Array.from({ length: 300 }, (_, i) => 1 / (i + 1));
  assertClose(numpySum(xs), xs.reduce((s, x) => s + x, 0), 1e-14, 0, 'harmonic');
});
