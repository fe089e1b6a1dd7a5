import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normedWasserstein, pairwiseSum, stdDdof0, wassersteinDistance } from '../../../src/core/drift/wasserstein.ts';
import { assertClose, loadReference } from '../../helpers/reference.ts';

interface Input {
  reference: number[];
  current: number[];
  reference_weights?: number[];
  current_weights?: number[];
}
interface Expected {
  distance: number;
  std_reference_ddof0?: number;
  norm_divisor?: number;
  normed?: number;
  drift_normed_ge_0_1?: boolean;
}

const ref = loadReference<Input, Expected>('wasserstein');
const REL = 1e-9;
const ABS = 1e-12;

test('wasserstein.json: 18 cases, 3 weighted', () => {
  assert.equal(ref.cases.length, 18);
  assert.equal(ref.cases.filter((c) => c.input.reference_weights !== undefined).length, 3);
});

for (const c of ref.cases) {
  test(`wasserstein.json ${c.name}`, () => {
    const { reference, current, reference_weights, current_weights } = c.input;
    const e = c.expected;
    const d = wassersteinDistance(reference, current, reference_weights, current_weights);
    assertClose(d, e.distance, REL, ABS, `${c.name} distance`);
    if (e.distance === 0) assert.equal(d, 0, `${c.name} distance exactly 0`);
    // Symmetric in its arguments.
    assertClose(wassersteinDistance(current, reference, current_weights, reference_weights), e.distance, REL, ABS, `${c.name} swapped`);
    if (reference_weights === undefined) {
      const n = normedWasserstein(reference, current);
      assertClose(n.distance, e.distance, REL, ABS, `${c.name} distance`);
      assertClose(n.stdReference, e.std_reference_ddof0!, REL, ABS, `${c.name} std`);
      assertClose(n.divisor, e.norm_divisor!, REL, ABS, `${c.name} divisor`);
      assertClose(n.normed, e.normed!, REL, ABS, `${c.name} normed`);
      assert.equal(n.drift, e.drift_normed_ge_0_1, `${c.name} drift flag`);
    }
  });
}

test('unit weights equal the unweighted distance', () => {
  const u = [0.3, -1.2, 4.5, 4.5, 2];
  const v = [1, 1, 7, -3];
  assertClose(wassersteinDistance(u, v, u.map(() => 1), v.map(() => 2)), wassersteinDistance(u, v), 1e-15, 0, 'unit weights');
});

test('pairwiseSum and stdDdof0 basics; invalid input throws', () => {
  const xs = Array.from({ length: 1000 }, (_, i) => i + 1);
  assert.equal(pairwiseSum(xs), 500500);
  assert.equal(pairwiseSum([]), 0);
  assert.equal(stdDdof0([2, 4, 4, 4, 5, 5, 7, 9]), 2);
  assert.throws(() => wassersteinDistance([], [1]), RangeError);
  assert.throws(() => wassersteinDistance([1], [Number.NaN]), RangeError);
  assert.throws(() => wassersteinDistance([1, 2], [1], [0, 0]), RangeError);
  assert.throws(() => wassersteinDistance([1, 2], [1], [1]), RangeError);
  assert.throws(() => wassersteinDistance([1, 2], [1], [1, -1]), RangeError);
});
