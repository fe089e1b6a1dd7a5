import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearQuantile, linearQuantiles, sortedCopy } from '../../../src/core/stats/quantile.ts';
import { loadReference } from '../../helpers/reference.ts';

interface Input { x: number[]; q: number[] }
interface Expected { quantiles: number[] }

const ref = loadReference<Input, Expected>('quantiles');

test('quantiles.json: 8 cases', () => {
  assert.equal(ref.cases.length, 8);
});

for (const c of ref.cases) {
  test(`quantiles.json ${c.name}: bit-exact numpy linear`, () => {
    const s = sortedCopy(c.input.x);
    assert.equal(c.input.q.length, c.expected.quantiles.length);
    c.input.q.forEach((q, i) => {
      const got = linearQuantile(s, q);
      assert.ok(Object.is(got, c.expected.quantiles[i]), `${c.name} q=${q}: expected ${c.expected.quantiles[i]}, got ${got}`);
    });
    assert.deepEqual(linearQuantiles(c.input.x, c.input.q), c.expected.quantiles);
  });
}

test('linearQuantile: endpoints and the two-sided lerp', () => {
  assert.equal(linearQuantile([1, 2], 0), 1);
  assert.equal(linearQuantile([1, 2], 1), 2);
  assert.equal(linearQuantile([5], 0.3), 5);
  // g ≥ 0.5 interpolates from the upper neighbour: exact at b when g → 1.
  assert.equal(linearQuantile([0, 1e300], 0.75), 1e300 - 1e300 * 0.25);
  assert.throws(() => linearQuantile([], 0.5), RangeError);
  assert.throws(() => linearQuantile([1], 1.5), RangeError);
  assert.throws(() => sortedCopy([1, Number.NaN]), RangeError);
});
