import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jensenShannonDistance } from '../../../src/core/drift/jensen-shannon.ts';
import { assertClose, loadReference } from '../../helpers/reference.ts';

interface Input { reference_counts: number[]; current_counts: number[] }
interface Expected { distance: number; distance_base2: number; drift_distance_ge_0_1: boolean }

const ref = loadReference<Input, Expected>('jensenshannon');

test('jensenshannon.json holds the 13 documented cases', () => {
  assert.equal(ref.cases.length, 13);
});

test('jensenShannonDistance: every jensenshannon.json case (rel 1e-9), natural log and base 2, drift flag', () => {
  for (const c of ref.cases) {
    const { reference_counts: p, current_counts: q } = c.input;
    const e = c.expected;
    const d = jensenShannonDistance(p, q);
    assertClose(d, e.distance, 1e-9, 1e-15, `${c.name} distance`);
    assertClose(jensenShannonDistance(p, q, 2), e.distance_base2, 1e-9, 1e-15, `${c.name} distance_base2`);
    assert.equal(d >= 0.1, e.drift_distance_ge_0_1, `${c.name} drift flag`);
    // Symmetric up to rounding.
    assertClose(jensenShannonDistance(q, p), d, 1e-12, 1e-15, `${c.name} symmetry`);
  }
});

test('jensenShannonDistance: closed forms and rejections', () => {
  assertClose(jensenShannonDistance([5, 0], [0, 7]), Math.sqrt(Math.LN2), 1e-15, 0, 'disjoint');
  assert.equal(jensenShannonDistance([5, 0], [0, 7], 2), 1);
  assert.equal(jensenShannonDistance([1, 2, 3], [2, 4, 6]), 0);
  assert.equal(jensenShannonDistance([3], [9]), 0);
  assert.throws(() => jensenShannonDistance([0, 0], [1, 2]), RangeError);
  assert.throws(() => jensenShannonDistance([1, 2], [1]), RangeError);
  assert.throws(() => jensenShannonDistance([1, -2], [1, 2]), RangeError);
  assert.throws(() => jensenShannonDistance([1, 2], [1, 2], 1), RangeError);
});
