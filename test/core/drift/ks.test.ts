/**
 * Two-sample KS against scipy 1.10 `ks_2samp` (testdata/reference/ks.json; README.md § ks.json).
 * statistic: exact equality (1 ulp allowed); p-values: relative 1e-6 (absolute 1e-12 near 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ks2samp, ksStatistic, roundHalfEven } from '../../../src/core/drift/ks.ts';
import { assertClose, loadReference } from '../../helpers/reference.ts';

interface KsInput { a: number[]; b: number[] }
interface KsExpected {
  statistic: number;
  pvalue: number;
  method_used: 'exact' | 'asymp';
  drift_p_le_0_05: boolean;
  statistic_asymp: number;
  pvalue_asymp: number | null;
  asymp_effective_n: number;
}

const ref = loadReference<KsInput, KsExpected>('ks');

/** Equal, or one unit in the last place apart. */
function assertWithinUlp(actual: number, expected: number, what: string): void {
  if (actual === expected) return;
  const ulp = Math.abs(expected) > 0 ? 2 ** (Math.floor(Math.log2(Math.abs(expected))) - 52) : Number.MIN_VALUE;
  assert.ok(Math.abs(actual - expected) <= ulp, `${what}: expected ${expected}, got ${actual}`);
}

test('ks.json has its 19 cases', () => {
  assert.equal(ref.cases.length, 19);
});

for (const c of ref.cases) {
  const { a, b } = c.input;
  const e = c.expected;
  test(`ks2samp ${c.name}`, () => {
    const r = ks2samp(a, b);
    assert.equal(r.method, e.method_used);
    assertWithinUlp(r.statistic, e.statistic, 'statistic');
    assert.ok(r.pvalue !== null);
    assertClose(r.pvalue, e.pvalue, 1e-6, 1e-12, 'pvalue');
    assert.equal(r.pvalue <= 0.05, e.drift_p_le_0_05);
  });
  test(`ks2samp asymp ${c.name}`, () => {
    const r = ks2samp(a, b, 'asymp');
    assert.equal(r.method, 'asymp');
    assertWithinUlp(r.statistic, e.statistic_asymp, 'statistic_asymp');
    assertWithinUlp(ksStatistic(a, b), e.statistic_asymp, 'ksStatistic');
    const m = Math.max(a.length, b.length);
    const n = Math.min(a.length, b.length);
    assert.equal(roundHalfEven((m * n) / (m + n)), e.asymp_effective_n);
    if (e.pvalue_asymp === null) assert.equal(r.pvalue, null);
    else {
      assert.ok(r.pvalue !== null);
      assertClose(r.pvalue, e.pvalue_asymp, 1e-6, 1e-12, 'pvalue_asymp');
    }
  });
  test(`ks2samp explicit exact ${c.name}`, () => {
    const r = ks2samp(a, b, 'exact');
    assert.equal(r.method, e.method_used);
    assert.ok(r.pvalue !== null);
    assertClose(r.pvalue, e.pvalue, 1e-6, 1e-12, 'pvalue');
  });
}

test('ksStatistic is symmetric and does not mutate its inputs', () => {
  const a = [3, 1, 2, 2];
  const b = [2.5, 0, 2];
  assert.equal(ksStatistic(a, b), ksStatistic(b, a));
  assert.deepEqual(a, [3, 1, 2, 2]);
  assert.deepEqual(b, [2.5, 0, 2]);
});

test('roundHalfEven matches numpy.round', () => {
  assert.equal(roundHalfEven(0.5), 0);
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(3.5), 4);
  assert.equal(roundHalfEven(2.4999), 2);
});

test('empty samples are rejected', () => {
  assert.throws(() => ks2samp([], [1]), RangeError);
});
