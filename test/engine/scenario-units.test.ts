/** The pure parts of scenario tests: share spreading, alert-id patterns, the evaluation schedule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patternRegExp } from '../../src/engine/scenario/check.ts';
import type { Scenario } from '../../src/engine/scenario/model.ts';
import { DENSE_SPAN_MS, evaluationTimes } from '../../src/engine/scenario/run.ts';
import { Apportion, Spread } from '../../src/engine/scenario/spread.ts';

test('0.5% of 100 requests a minute is exactly one failure every two minutes, the 200th request first', () => {
  const s = new Spread();
  const bad: number[] = [];
  for (let n = 1; n <= 1000; n++) if (s.next(0.005)) bad.push(n);
  assert.deepEqual(bad, [200, 400, 600, 800, 1000]);
});

test('a fractional rate spreads whole requests over minutes: 0.1 a minute is one every ten minutes', () => {
  const s = new Spread();
  const counts = Array.from({ length: 30 }, () => s.take(0.1));
  assert.deepEqual(counts.map((c, i) => (c > 0 ? i : -1)).filter((i) => i >= 0), [9, 19, 29]);
  assert.equal(counts.reduce((a, b) => a + b, 0), 3);
});

test('error types are apportioned to their shares, deterministically', () => {
  const a = new Apportion(2);
  const picks = Array.from({ length: 8 }, () => a.pick([0.03, 0.01]));
  assert.equal(picks.filter((p) => p === 0).length, 6);
  assert.deepEqual(picks, [0, 0, 1, 0, 0, 0, 1, 0]);
});

test('alert-id patterns: * stays within one part, ** crosses parts', () => {
  assert.ok(patternRegExp('svc/burn/*/page').test('svc/burn/errors/page'));
  assert.ok(!patternRegExp('svc/*/page').test('svc/burn/errors/page'));
  assert.ok(patternRegExp('svc/**/page').test('svc/burn/errors/page'));
  assert.ok(patternRegExp('**').test('svc/quality/precision[fraud]/ticket'));
  assert.ok(patternRegExp('svc/quality/precision[fraud]/ticket').test('svc/quality/precision[fraud]/ticket'));
  assert.ok(!patternRegExp('svc/burn/errors/page').test('svc/burn/errors/pages'));
});

test('evaluations: every step in the hour before each assertion, the coarse step elsewhere', () => {
  const sc = { start: 0, evaluationIntervalMs: 60_000, coarseIntervalMs: 600_000, asserts: [{ at: 3 * 3_600_000 }] } as unknown as Scenario;
  const times = evaluationTimes(sc);
  const dense = times.filter((t) => t >= 3 * 3_600_000 - DENSE_SPAN_MS);
  assert.equal(dense.length, 61);
  assert.deepEqual(times.filter((t) => t < 2 * 3_600_000), [600_000, 1_200_000, 1_800_000, 2_400_000, 3_000_000, 3_600_000, 4_200_000, 4_800_000, 5_400_000, 6_000_000, 6_600_000]);
  assert.equal(times.at(-1), 3 * 3_600_000);
});
