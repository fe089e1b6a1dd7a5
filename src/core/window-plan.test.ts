import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSegments } from './window-plan.ts';

const t = (s: string): number => Date.parse(s);

test('a 30-day window ending mid-day splits into minutes, hours, days, hours, minutes', () => {
  const to = t('2026-11-28T10:37:00Z');
  const from = to - 30 * 86_400_000;
  const segs = planSegments(from, to);
  assert.deepEqual(segs.map((s) => [s.resolution, new Date(s.from).toISOString(), new Date(s.to).toISOString()]), [
    ['m', '2026-10-29T10:37:00.000Z', '2026-10-29T11:00:00.000Z'],
    ['h', '2026-10-29T11:00:00.000Z', '2026-10-30T00:00:00.000Z'],
    ['d', '2026-10-30T00:00:00.000Z', '2026-11-28T00:00:00.000Z'],
    ['h', '2026-11-28T00:00:00.000Z', '2026-11-28T10:00:00.000Z'],
    ['m', '2026-11-28T10:00:00.000Z', '2026-11-28T10:37:00.000Z'],
  ]);
});

test('segments tile the range exactly, for ranges of every shape', () => {
  const base = t('2026-11-01T00:00:00Z');
  for (const [a, b] of [[0, 5], [3, 60], [59, 61], [0, 60 * 24], [17, 60 * 24 * 3 + 5], [60, 120], [1439, 1441]] as const) {
    const from = base + a * 60_000, to = base + b * 60_000;
    const segs = planSegments(from, to);
    assert.equal(segs[0]!.from, from);
    assert.equal(segs.at(-1)!.to, to);
    for (let i = 1; i < segs.length; i++) assert.equal(segs[i]!.from, segs[i - 1]!.to);
  }
  assert.deepEqual(planSegments(base, base), []);
});

test('unaligned bounds are refused', () => {
  assert.throws(() => planSegments(1, 60_000), RangeError);
});
