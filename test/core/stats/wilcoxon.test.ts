import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wilcoxonSignedRank } from '../../../src/core/stats/wilcoxon.ts';
import { assertClose } from '../../helpers/reference.ts';

/**
 * Reference values computed on this machine with scipy 1.17.1 (numpy 2.4.6):
 *   r = scipy.stats.wilcoxon(x, y, zero_method='wilcox', correction=True, method='asymptotic')
 *   (`method='approx'` before scipy 1.9); statistic = r.statistic, pValue = r.pvalue.
 * `rounded_80`: x = round(default_rng(7).uniform(0, 1, 80), 1), y = round(clip(x − 0.05 + N(0, 0.1), 0, 1), 1)
 * — many ties and zero differences. `single`: scipy gives p = 1 for one non-zero difference.
 */
const SCIPY: readonly { name: string; x: number[]; y: number[]; statistic: number; pValue: number }[] = [
  { name: 'ties_and_zeros', x: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], y: [1.0, 2.5, 2.0, 3.0, 3.0, 7.5, 6.0, 8.0, 6.0, 10.5], statistic: 9.0, pValue: 0.23107319627794864 },
  { name: 'three_zeros', x: [0.5, 0.1, 0.2, 0.3, 1.0, 2.0, 3.0, 0.4], y: [0.5, 0.1, 0.2, 0.1, 0.8, 1.0, 3.5, 0.0], statistic: 4.0, pValue: 0.41849223344681985 },
  { name: 'no_ties', x: [125.0, 115.0, 130.0, 140.0, 140.0, 115.0, 140.0, 125.0, 140.0, 135.0], y: [110.0, 122.0, 125.0, 120.0, 140.0, 124.0, 123.0, 137.0, 135.0, 145.0], statistic: 18.0, pValue: 0.6352893188352069 },
  { name: 'one_sided_shift', x: [0.9, 0.8, 0.95, 0.7, 0.85, 0.9, 0.6, 0.75, 0.8, 0.9, 0.88, 0.92], y: [0.5, 0.6, 0.7, 0.4, 0.65, 0.8, 0.5, 0.7, 0.6, 0.85, 0.8, 0.9], statistic: 0.0, pValue: 0.002497209551435587 },
  { name: 'single', x: [2.0], y: [1.0], statistic: 0.0, pValue: 1.0 },
  { name: 'rounded_80', x: [0.6, 0.9, 0.8, 0.2, 0.3, 0.9, 0.0, 0.8, 0.8, 0.5, 0.3, 0.3, 0.3, 0.4, 0.5, 0.6, 1.0, 0.8, 0.6, 1.0, 0.2, 0.2, 0.6, 0.0, 0.0, 0.5, 0.5, 0.9, 0.6, 0.5, 0.5, 0.2, 0.0, 0.2, 0.7, 0.2, 0.4, 0.0, 0.8, 0.2, 0.3, 0.9, 0.5, 0.8, 0.6, 0.7, 0.1, 0.5, 0.5, 0.9, 0.4, 0.6, 0.1, 0.4, 0.3, 0.2, 0.8, 0.4, 1.0, 0.6, 0.6, 0.6, 0.7, 0.2, 0.4, 0.2, 0.4, 0.1, 1.0, 0.2, 0.7, 0.3, 0.9, 0.7, 0.1, 0.8, 0.9, 0.9, 0.6, 0.1], y: [0.7, 0.8, 0.7, 0.2, 0.2, 0.8, 0.0, 0.7, 0.7, 0.6, 0.3, 0.2, 0.3, 0.3, 0.6, 0.5, 1.0, 0.6, 0.6, 0.8, 0.0, 0.1, 0.5, 0.0, 0.2, 0.4, 0.4, 0.9, 0.6, 0.4, 0.4, 0.2, 0.0, 0.0, 0.6, 0.2, 0.2, 0.0, 0.7, 0.2, 0.3, 0.9, 0.4, 0.7, 0.4, 0.5, 0.1, 0.2, 0.5, 0.7, 0.4, 0.5, 0.1, 0.4, 0.1, 0.3, 0.9, 0.3, 0.9, 0.5, 0.5, 0.7, 0.6, 0.1, 0.3, 0.1, 0.2, 0.2, 0.9, 0.2, 0.7, 0.2, 0.8, 0.6, 0.1, 0.7, 0.8, 0.7, 0.5, 0.2], statistic: 204.0, pValue: 8.35254972150303e-07 },
];

for (const c of SCIPY) {
  test(`wilcoxon ${c.name}: statistic and p-value as scipy`, () => {
    const r = wilcoxonSignedRank(c.x, c.y);
    assert.equal(r.statistic, c.statistic);
    assertClose(r.pValue, c.pValue, 1e-12, 0, `${c.name} p`);
  });
}

test('by hand: d = [1, −2, 3] → R+ = 1 + 3 = 4, R− = 2, E = 3, Var = 3·4·7/24 = 3.5, z = (1 − ½)/√3.5', () => {
  const r = wilcoxonSignedRank([2, 0, 5], [1, 2, 2]);
  assert.equal(r.n, 3);
  assert.equal(r.statistic, 2);
  assertClose(r.z, 0.5 / Math.sqrt(3.5), 1e-15, 0, 'z');
});

test('by hand, ties: d = [1, 1, −1, 2] → ranks 2, 2, 2, 4; R+ = 8, R− = 2; Var = (4·5·9 − ½·(27 − 3))/24 = 7', () => {
  const r = wilcoxonSignedRank([1, 1, 0, 2], [0, 0, 1, 0]);
  assert.equal(r.statistic, 2);
  // E = 4·5/4 = 5, z = (8 − 5 − ½)/√7
  assertClose(r.z, 2.5 / Math.sqrt(7), 1e-15, 0, 'z');
});

test('zero differences are dropped; none left: p = 1, statistic 0', () => {
  assert.deepEqual(wilcoxonSignedRank([1, 2], [1, 2]), { n: 0, statistic: 0, z: 0, pValue: 1 });
  assert.deepEqual(wilcoxonSignedRank([], []), { n: 0, statistic: 0, z: 0, pValue: 1 });
  assert.equal(wilcoxonSignedRank([1, 2, 3, 4], [1, 2, 2, 2]).n, 2);
});

test('the test is symmetric in x and y, and rejects unequal lengths', () => {
  const c = SCIPY[0]!;
  const a = wilcoxonSignedRank(c.x, c.y);
  const b = wilcoxonSignedRank(c.y, c.x);
  assert.equal(a.statistic, b.statistic);
  assert.equal(a.pValue, b.pValue);
  assert.equal(a.z, -b.z);
  assert.throws(() => wilcoxonSignedRank([1], [1, 2]), RangeError);
});
