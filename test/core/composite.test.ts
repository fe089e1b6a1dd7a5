import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compositeEstimate } from '../../src/core/composite.ts';
import { assertClose } from '../helpers/reference.ts';

test('composite good = okFast × q̂ when quality is estimated', () => {
  // 1000 eligible, 950 ok and fast, q̂ = 0.8 → 760 good, 240 bad, SLI 0.76.
  const c = compositeEstimate({
    eligible: 1000,
    okFast: 950,
    quality: { status: 'ok', judged: 120, qHat: 0.8, interval: { lower: 0.72, upper: 0.86 }, effectiveN: 120 },
  });
  assertClose(c.good, 760, 1e-12, 0, 'good');
  assertClose(c.bad, 240, 1e-12, 0, 'bad');
  assertClose(c.sli!, 0.76, 1e-12, 0, 'sli');
  assert.equal(c.upperBound, false);
});

test('insufficient quality: good = okFast, flagged as an upper bound', () => {
  const c = compositeEstimate({ eligible: 1000, okFast: 950, quality: { status: 'insufficient', judged: 12 } });
  assert.deepEqual(c, { good: 950, bad: 50, sli: 0.95, upperBound: true });
});

test('no eligible requests: no SLI', () => {
  const c = compositeEstimate({ eligible: 0, okFast: 0, quality: { status: 'insufficient', judged: 0 } });
  assert.equal(c.sli, undefined);
  assert.equal(c.good, 0);
  assert.equal(c.bad, 0);
});
