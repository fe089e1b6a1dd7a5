import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorBudget } from '../../src/core/error-budget.ts';
import { assertClose } from '../helpers/reference.ts';

test('budget, consumed and remaining (hand-computed)', () => {
  // 99.9% over 1,000,000 requests allows 1000 bad; 250 bad leave 75%.
  const b = errorBudget(0.999, 1_000_000, 250);
  assertClose(b.budget, 1000, 1e-12, 0, 'budget');
  assert.equal(b.consumed, 250);
  assertClose(b.remaining, 0.75, 1e-12, 0, 'remaining');
  // 99% over 10,000: budget 100; 300 bad overspend it three times: remaining −2 (shown, not clipped).
  const over = errorBudget(0.99, 10_000, 300);
  assertClose(over.remaining, -2, 1e-12, 0, 'overspent');
  assertClose(errorBudget(0.99, 10_000, 100).remaining, 0, 0, 1e-12, 'exhausted');
  assert.equal(errorBudget(0.95, 200, 0).remaining, 1);
});

test('no traffic: nothing allowed, nothing spent, remaining 1 (finite by construction)', () => {
  assert.deepEqual(errorBudget(0.999, 0, 0), { budget: 0, consumed: 0, remaining: 1 });
});

test('fractional counts (composite estimate) work the same', () => {
  const b = errorBudget(0.9, 100, 12.5);
  assertClose(b.remaining, 1 - 12.5 / 10, 1e-12, 0, 'fractional');
});

test('objective must be in [0, 1)', () => {
  assert.throws(() => errorBudget(1, 10, 0), RangeError);
  assert.throws(() => errorBudget(-0.1, 10, 0), RangeError);
  assert.throws(() => errorBudget(0.9, -1, 0), RangeError);
});

test('remaining never increases as bad events accumulate (fixed total)', () => {
  let prev = Infinity;
  for (let bad = 0; bad <= 50; bad++) {
    const r = errorBudget(0.995, 4000, bad).remaining;
    assert.ok(r <= prev);
    prev = r;
  }
});
