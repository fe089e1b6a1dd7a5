import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { badByDimension, burnRoute, effectiveSeverity, qualityObjectiveSeverity } from '../../../src/core/alerting/routing.ts';
import { findRollback } from '../../../src/core/alerting/remediation.ts';
import type { VersionRow } from '../../../src/core/alerting/input.ts';
import { estimateQuality } from '../../../src/core/quality-estimate.ts';
import { createCell } from '../../../src/core/rollup.ts';
import { createSketch } from '../../../src/core/latency-sketch.ts';
import { dimensionCounts } from '../../../src/core/slo-report.ts';
import { HOUR_MS } from '../../../src/core/spec.ts';
import { loadBurnPolicies } from '../../../src/spec/burn-policy-file.ts';
import { world } from './world.ts';

const policy = (await loadBurnPolicies()).get(30)!;

test('property: bad events by dimension add up to the composite bad events', () => {
  const cellArb = fc.record({ eligible: fc.integer({ min: 1, max: 10_000 }), okShare: fc.double({ min: 0, max: 1, noNaN: true }),
    fastShare: fc.double({ min: 0, max: 1, noNaN: true }), judged: fc.integer({ min: 0, max: 500 }), goodShare: fc.double({ min: 0, max: 1, noNaN: true }) });
  fc.assert(fc.property(cellArb, (x) => {
    const ok = Math.round(x.eligible * x.okShare);
    const fast = Math.round(ok * x.fastShare);
    const judged = Math.min(x.judged, ok);
    const good = Math.round(judged * x.goodShare);
    const cell = { ...createCell(), total: x.eligible, ok, classes: { d: { ok, fast, sketch: createSketch() } },
      quality: { judged, good, sumW: judged, sumW2: judged, sumWGood: good } };
    const q = estimateQuality(cell.quality, 30);
    const bad = badByDimension((d) => dimensionCounts(d, cell, q), HOUR_MS);
    const composite = dimensionCounts('composite', cell, q);
    assert.ok(Math.abs(bad.errors + bad.latency + bad.quality - (composite.total - composite.good)) < 1e-6 * x.eligible);
    assert.equal(bad.qualityEstimated, q.status === 'ok');
  }), { numRuns: 300 });
});

test('routing: errors and latency to oncall, quality to owner, composite by who causes most of it', () => {
  const bad = (errors: number, latency: number, quality: number) => ({
    window: '1h', windowMs: HOUR_MS, errors, latency, quality, qualityShare: quality / (errors + latency + quality), qualityEstimated: true,
  });
  assert.equal(burnRoute('errors', bad(0, 0, 100)), 'oncall');
  assert.equal(burnRoute('latency', bad(0, 0, 100)), 'oncall');
  assert.equal(burnRoute('quality', bad(100, 0, 0)), 'owner');
  assert.equal(burnRoute('composite', bad(10, 10, 30)), 'owner');
  assert.equal(burnRoute('composite', bad(20, 20, 30)), 'oncall', 'the largest cause but not most of the bad events');
  assert.equal(burnRoute('composite', { ...bad(0, 0, 0), qualityShare: null }), 'oncall');
  assert.equal(effectiveSeverity('page', 2), 'ticket');
  assert.equal(effectiveSeverity('page', 1), 'page');
  assert.deepEqual([0, 1, 2].map((t) => qualityObjectiveSeverity(t as 0 | 1 | 2)), ['page', 'ticket', 'ticket']);
});

const row = (model: string, lastSeenMs: number, qHat: number, lower: number, upper: number, flags: VersionRow['flags'] = []): VersionRow => ({
  model, lastSeenMs, eligible: 1000, errors: { sli: 1, interval: null }, latency: { sli: 1, interval: null },
  quality: { status: 'ok', qHat, interval: { lower, upper }, judged: 500 }, test: null, flags,
});

test('rollback needs a significantly better version, and picks the previous one', () => {
  const input = (rows: VersionRow[]) => ({ ...world([], policy), versions: () => rows });
  assert.equal(findRollback(input([row('v2', 10, 0.8, 0.76, 0.84), row('v1', 5, 0.83, 0.79, 0.86)]), [HOUR_MS]), undefined, 'overlapping, not flagged');
  const disjoint = findRollback(input([row('v2', 10, 0.8, 0.76, 0.84), row('v0', 1, 0.99, 0.98, 1), row('v1', 5, 0.9, 0.87, 0.93)]), [HOUR_MS]);
  assert.deepEqual([disjoint?.from, disjoint?.to, disjoint?.evidence.basis], ['v2', 'v1', 'disjoint-intervals']);
  assert.equal(findRollback(input([row('v2', 10, 0.95, 0.93, 0.97), row('v1', 5, 0.8, 0.76, 0.84)]), [HOUR_MS]), undefined, 'current is the better one');
  assert.equal(findRollback(input([row('v2', 10, 0.8, 0.76, 0.84)]), [HOUR_MS]), undefined, 'nothing to roll back to');
});

test('rollback widens to a window that holds the previous version', () => {
  const seen: number[] = [];
  const input = {
    ...world([], policy),
    versions: (w: number): VersionRow[] => {
      seen.push(w);
      return w < 6 * HOUR_MS ? [row('v2', 10, 0.8, 0.76, 0.84)] : [row('v2', 10, 0.8, 0.76, 0.84, ['worse-than-rest']), row('v1', 5, 0.82, 0.8, 0.84)];
    },
  };
  const r = findRollback(input, [HOUR_MS, 6 * HOUR_MS, 24 * HOUR_MS]);
  assert.deepEqual([r?.from, r?.to, r?.evidence.window, r?.evidence.basis], ['v2', 'v1', '6h', 'worse-than-rest']);
  assert.deepEqual(seen, [HOUR_MS, 6 * HOUR_MS]);
});
