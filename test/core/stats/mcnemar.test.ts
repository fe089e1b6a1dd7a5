import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mcnemar, mcnemarPaired } from '../../../src/core/stats/mcnemar.ts';
import { assertClose } from '../../helpers/reference.ts';

/**
 * Expected values are worked out by hand below (statsmodels' mcnemar definitions), not produced by the
 * code under test. Exact p-values: relative 1e-12 (sums of a few exact binary fractions).
 * Chi-squared p-values: relative 1e-9 against the df-1 closed form sf(x) = erfc(√(x/2)).
 */
const REL_EXACT = 1e-12;
const REL_CHI2 = 1e-9;

/**
 * erfc for the df-1 chi-squared closed form, independent of src/: erfc(z) = 2/√π ∫_z^∞ e^{−t²} dt by
 * composite Simpson over [z, z + 12] (the integrand is < e^{−144} beyond), 20000 panels.
 */
function erfc(z: number): number {
  const a = z;
  const b = z + 12;
  const m = 20000;
  const h = (b - a) / m;
  let s = Math.exp(-a * a) + Math.exp(-b * b);
  for (let i = 1; i < m; i++) {
    const t = a + i * h;
    s += (i % 2 === 1 ? 4 : 2) * Math.exp(-t * t);
  }
  return ((s * h) / 3) * (2 / Math.sqrt(Math.PI));
}
const chi2Df1Sf = (x: number): number => erfc(Math.sqrt(x / 2));

test('erfc helper: known values', () => {
  assertClose(erfc(0), 1, 1e-12, 0, 'erfc(0)');
  // erfc(1) = 0.157299207050285130658... (A&S table 7.1)
  assertClose(erfc(1), 0.15729920705028513, 1e-12, 0, 'erfc(1)');
  // χ²₁ at 3.841458820694124 (= 1.959963984540054²) has sf 0.05.
  assertClose(chi2Df1Sf(1.959963984540054 ** 2), 0.05, 1e-12, 0, 'chi2 0.95 quantile');
});

test('mcnemar b=10, c=2: exact p = 2·(1 + 12 + 66)/4096, X² = (8 − 1)²/12', () => {
  const r = mcnemar(10, 2);
  assertClose(r.exactPvalue, (2 * (1 + 12 + 66)) / 4096, REL_EXACT, 0, 'exact');
  assert.equal((2 * (1 + 12 + 66)) / 4096, 0.03857421875);
  assertClose(r.chi2Statistic, 49 / 12, 1e-15, 0, 'X²');
  assertClose(r.chi2Pvalue, chi2Df1Sf(49 / 12), REL_CHI2, 0, 'chi2 p');
  assert.deepEqual([r.b, r.c], [10, 2]);
});

test('mcnemar is symmetric in b and c', () => {
  const a = mcnemar(2, 10);
  const b = mcnemar(10, 2);
  assert.equal(a.exactPvalue, b.exactPvalue);
  assert.equal(a.chi2Statistic, b.chi2Statistic);
  assert.equal(a.chi2Pvalue, b.chi2Pvalue);
});

test('mcnemar b=0, c=5: exact p = 2/32; X² = 16/5', () => {
  const r = mcnemar(0, 5);
  assertClose(r.exactPvalue, 2 / 32, REL_EXACT, 0, 'exact');
  assertClose(r.chi2Statistic, 16 / 5, 1e-15, 0, 'X²');
  assertClose(r.chi2Pvalue, chi2Df1Sf(16 / 5), REL_CHI2, 0, 'chi2 p');
});

test('mcnemar b=3, c=15: exact p = 2·(1 + 18 + 153 + 816)/2^18', () => {
  // C(18,0..3) = 1, 18, 153, 816.
  const r = mcnemar(3, 15);
  assertClose(r.exactPvalue, (2 * (1 + 18 + 153 + 816)) / 2 ** 18, REL_EXACT, 0, 'exact');
  assertClose(r.chi2Statistic, 121 / 18, 1e-15, 0, 'X²');
  assertClose(r.chi2Pvalue, chi2Df1Sf(121 / 18), REL_CHI2, 0, 'chi2 p');
});

test('mcnemar b = c: exact p capped at 1; uncorrected-at-zero X² = 1/(b + c) as statsmodels', () => {
  const r = mcnemar(4, 4);
  assert.equal(r.exactPvalue, 1);
  assertClose(r.chi2Statistic, 1 / 8, 1e-15, 0, 'X²');
  assertClose(r.chi2Pvalue, chi2Df1Sf(1 / 8), REL_CHI2, 0, 'chi2 p');
  // b = c = 1: 2·P[X ≤ 1 | n = 2] = 2·3/4 > 1.
  assert.equal(mcnemar(1, 1).exactPvalue, 1);
});

test('mcnemar b + c = 0: p = 1 for both forms', () => {
  assert.deepEqual(mcnemar(0, 0), { b: 0, c: 0, exactPvalue: 1, chi2Statistic: 0, chi2Pvalue: 1 });
});

test('mcnemar b + c = 1: exact p = min(1, 2·½) = 1; X² = 0', () => {
  const r = mcnemar(1, 0);
  assert.equal(r.exactPvalue, 1);
  assert.equal(r.chi2Statistic, 0);
  assert.equal(r.chi2Pvalue, 1);
});

test('mcnemar large n (both branches of the binomial sum): b=480, c=540 and b=1000, c=1100', () => {
  // Too many terms to write out: compare with a direct log-space sum done here, covering both of
  // mcnemar's evaluation paths (n ≤ 1000 and n > 1000).
  for (const [b, c] of [[480, 540], [1000, 1100], [30, 2500]] as const) {
    const n = b + c;
    const k = Math.min(b, c);
    // Σ_{i ≤ k} exp(ln C(n, i) − n ln 2), ln C by summing logs (no shared code with src/).
    let lnC = 0; // ln C(n, 0)
    const logs: number[] = [lnC - n * Math.LN2];
    for (let i = 0; i < k; i++) {
      lnC += Math.log(n - i) - Math.log(i + 1);
      logs.push(lnC - n * Math.LN2);
    }
    const max = Math.max(...logs);
    const cdf = Math.exp(max) * logs.reduce((s, l) => s + Math.exp(l - max), 0);
    assertClose(mcnemar(b, c).exactPvalue, Math.min(1, 2 * cdf), 1e-9, 1e-300, `b=${b} c=${c}`);
  }
});

test('mcnemarPaired counts discordant pairs: b good→bad, c bad→good', () => {
  const first = [true, true, true, false, false, true, false];
  const second = [false, true, false, true, false, false, false];
  const r = mcnemarPaired(first, second);
  assert.deepEqual([r.b, r.c], [3, 1]);
  assert.deepEqual(r, mcnemar(3, 1));
  assert.throws(() => mcnemarPaired([true], []), RangeError);
});

test('mcnemar rejects non-counts', () => {
  assert.throws(() => mcnemar(-1, 2), RangeError);
  assert.throws(() => mcnemar(1.5, 2), RangeError);
  assert.throws(() => mcnemar(Number.NaN, 2), RangeError);
});
