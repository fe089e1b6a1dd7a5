/** The pure report builder on hand-built cells: version comparisons on every dimension. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BurnPolicy } from '../../src/core/burn-policy.ts';
import { classAcc, createCell, verdictQuality, addQuality, type RollupCell } from '../../src/core/rollup.ts';
import { buildReport } from '../../src/core/slo-report.ts';
import { twoProportionZTest } from '../../src/core/stats/two-proportion.ts';
import { parseSpec } from '../../src/spec/load-spec.ts';

const parsed = parseSpec(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: o, oncall: s, tier: 2}
spec:
  task: classification
  latency: {classes: [{name: all, thresholdMs: 100}]}
  quality: {minSamples: 30}
`, 'inline.yaml');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const spec = parsed.spec;
const policy: BurnPolicy = { source: 'test', periodDays: 30, rows: [] };

/** `eligible` requests, `ok` of them ok, `fast` of those fast, `judged` judged with `good` good. */
function cell(eligible: number, ok: number, fast: number, judged: number, good: number): RollupCell {
  const c = createCell();
  c.total = eligible;
  c.ok = ok;
  c.errors = { timeout: eligible - ok };
  const a = classAcc(c, 'all');
  a.ok = ok;
  a.fast = fast;
  for (let i = 0; i < judged; i++) addQuality(c.quality, verdictQuality(i < good, 1));
  return c;
}

test('each model version is compared with the others on errors, latency and quality', () => {
  // v1: 1000 eligible, 990 ok, 980 fast, 200 judged, 180 good. v2 (a bad rollout): 1000, 950 ok,
  // 900 fast, 200 judged, 140 good. The whole service is their sum.
  const v1 = cell(1000, 990, 980, 200, 180);
  const v2 = cell(1000, 950, 900, 200, 140);
  const whole = cell(2000, 1940, 1880, 400, 320);
  const r = buildReport({
    spec, policy, windowLabel: '1d', from: 0, to: 86_400_000, asOf: 86_400_000, cell: whole, burnCells: new Map(),
    cohorts: [], versions: [{ model: 'v1', cell: v1 }, { model: 'v2', cell: v2 }], pending: 0, orphans: 0,
  });
  const bad = r.versions.find((v) => v.model === 'v2')!;
  // Errors: 950/1000 against the rest's 990/1000; latency: 900/950 against 980/990; quality 140/200 vs 180/200.
  assert.equal(bad.versus?.errors, twoProportionZTest(950, 1000, 990, 1000).pvalue);
  assert.equal(bad.versus?.latency, twoProportionZTest(900, 950, 980, 990).pvalue);
  assert.equal(bad.test?.pvalue, twoProportionZTest(140, 200, 180, 200).pvalue);
  assert.ok(bad.versus.errors < 1e-6 && bad.versus.latency < 1e-6);
  assert.deepEqual([...bad.flags].sort(), ['below-objective', 'worse-than-rest']); // 0.70, interval under 0.90
  assert.deepEqual(r.versions.find((v) => v.model === 'v1')!.flags, []);
  assert.equal(r.quality.qHat, 0.8);
});
