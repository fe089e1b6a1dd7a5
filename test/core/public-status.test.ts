// Pure parts of the public status document (core/public-status.ts): one day's attainment per dimension,
// the 90 day starts, and the headline as the worst state. Numbers worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPublicStatus, cellAttainment, statusDayStarts, type ServiceStatus } from '../../src/core/public-status.ts';
import { classAcc, createCell, type RollupCell } from '../../src/core/rollup.ts';
import { formatProblem, parseSpec } from '../../src/spec/load-spec.ts';
import type { ServiceSpec } from '../../src/core/spec.ts';

const r = parseSpec(`apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: team-ml, oncall: team-sre, tier: 2, public: true}
spec:
  task: classification
  objectives: {errors: 0.99, latency: 0.9, quality: 0.9}
  latency: {classes: [{name: all, thresholdMs: 100}]}
  quality: {minSamples: 4}
`, 'inline.yaml');
if (!r.ok) assert.fail(r.problems.map(formatProblem).join('\n'));
const spec: ServiceSpec = r.spec;

/** `total` requests, `ok` of them ok, `fast` of those fast; `judged` with `good` right (weight 1). */
function cell(total: number, ok: number, fast: number, judged: number, good: number): RollupCell {
  const c = createCell();
  c.total = total;
  c.ok = ok;
  c.errors = { http_5xx: total - ok };
  const a = classAcc(c, 'all');
  a.ok = ok;
  a.fast = fast;
  c.quality = { judged, good, sumW: judged, sumW2: judged, sumWGood: good };
  return c;
}

test('a day: each dimension against its objective; ≥ is met', () => {
  // 100 requests, 99 ok (0.99 ≥ 0.99 met), 90 fast of 99 (0.909 ≥ 0.9), 10 judged 9 right (0.9 ≥ 0.9);
  // composite 90·0.9/100 = 0.81 ≥ floor4(0.99·0.9·0.9) = 0.8019.
  const c = cell(100, 99, 90, 10, 9);
  assert.deepEqual(cellAttainment('errors', c, spec), { sli: 0.99, status: 'met' });
  assert.deepEqual(cellAttainment('latency', c, spec), { sli: 90 / 99, status: 'met' });
  assert.deepEqual(cellAttainment('quality', c, spec), { sli: 0.9, status: 'met' });
  assert.equal(cellAttainment('composite', c, spec).status, 'met');
  assert.ok(Math.abs(cellAttainment('composite', c, spec).sli! - 0.81) < 1e-12);
});

test('too few labels: quality insufficient; the composite bound is insufficient, or missed when even it falls short', () => {
  // 3 judged < minSamples 4. Bound okFast/eligible: 95/100 ≥ 0.8019 → insufficient; 70/100 < 0.8019 → missed.
  assert.deepEqual(cellAttainment('quality', cell(100, 100, 95, 3, 3), spec), { sli: null, status: 'insufficient' });
  assert.deepEqual(cellAttainment('composite', cell(100, 100, 95, 3, 3), spec), { sli: 0.95, status: 'insufficient' });
  assert.deepEqual(cellAttainment('composite', cell(100, 100, 70, 3, 3), spec), { sli: 0.7, status: 'missed' });
});

test('only failures: errors 0, and latency and quality have no data (their denominator is ok requests)', () => {
  const c = cell(5, 0, 0, 0, 0);
  assert.deepEqual(cellAttainment('errors', c, spec), { sli: 0, status: 'missed' });
  assert.deepEqual(cellAttainment('latency', c, spec), { sli: null, status: 'no_data' });
  assert.deepEqual(cellAttainment('quality', c, spec), { sli: null, status: 'no_data' });
  assert.deepEqual(cellAttainment('composite', c, spec), { sli: 0, status: 'missed' });
  assert.deepEqual(cellAttainment('errors', createCell(), spec), { sli: null, status: 'no_data' });
});

test('90 UTC day starts ending with the day that holds `at`', () => {
  const days = statusDayStarts(Date.parse('2026-03-01T00:00:00Z'));
  assert.equal(days.length, 90);
  assert.equal(new Date(days[89]!).toISOString(), '2026-03-01T00:00:00.000Z');
  assert.equal(new Date(days[0]!).toISOString(), '2025-12-02T00:00:00.000Z');
});

test('the headline is the worst state; none at all is no_data', () => {
  const svc = (state: ServiceStatus['state']) => ({ state }) as ServiceStatus;
  const at = Date.parse('2026-11-28T12:00:00Z');
  assert.equal(buildPublicStatus([], at).state, 'no_data');
  assert.equal(buildPublicStatus([svc('no_data'), svc('operational')], at).state, 'operational');
  assert.equal(buildPublicStatus([svc('degraded'), svc('quality_degraded'), svc('operational')], at).state, 'quality_degraded');
  assert.equal(buildPublicStatus([svc('quality_degraded'), svc('outage')], at).state, 'outage');
});
