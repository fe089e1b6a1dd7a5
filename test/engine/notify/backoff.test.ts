/** Retry timing: full-jitter exponential backoff (base 1 s, cap 5 min) and Retry-After parsing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffMs, parseRetryAfter } from '../../../src/engine/notify/backoff.ts';

test('full jitter: uniform in [0, min(5 min, 1 s · 2^(n−1)))', () => {
  const half = (): number => 0.5;
  assert.deepEqual([1, 2, 3, 4, 5, 9, 10, 40].map((n) => backoffMs(n, half)), [500, 1000, 2000, 4000, 8000, 128_000, 150_000, 150_000]);
  assert.equal(backoffMs(3, () => 0), 0);
  assert.equal(backoffMs(3, () => 0.999999), 3999);
  assert.equal(backoffMs(20, () => 0.999999), 299_999, 'capped at 5 min');
});

test('Retry-After: delay-seconds or an HTTP date, bounded; junk is ignored', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  assert.equal(parseRetryAfter('7', now), 7000);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('Sat, 28 Nov 2026 12:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Sat, 28 Nov 2026 11:00:00 GMT', now), 0, 'a date in the past: now');
  assert.equal(parseRetryAfter('999999', now), 3_600_000, 'at most an hour');
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(parseRetryAfter('-5', now), undefined);
  assert.equal(parseRetryAfter('soon', now), undefined);
});
