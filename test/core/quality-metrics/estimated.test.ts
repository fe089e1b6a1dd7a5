import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addSums, type MetricSums } from '../../../src/core/rollup.ts';
import { computeClassification } from '../../../src/core/quality-metrics/compute.ts';
import { predictionSums, verdictSums } from '../../../src/core/quality-metrics/contributions.ts';
import { Z95 } from '../../../src/core/quality-metrics/metric-value.ts';

const RULE = { task: 'classification' } as const;

/**
 * `n` scored predictions at `score`, of which `correct` turn out right. Every request adds its
 * label-free CBPE sums; the first `labeled` of them are also judged (verdict sums).
 */
function batch(sums: MetricSums, score: number, n: number, correct: number, labeled = n): void {
  for (let i = 0; i < n; i++) {
    const prediction = { kind: 'label', label: 'yes', score } as const;
    addSums(sums, predictionSums(prediction));
    if (i < labeled) addSums(sums, verdictSums(RULE, prediction, { kind: 'label', label: i < correct ? 'yes' : 'no' }, 1));
  }
}

test('CBPE: a perfectly calibrated sample is trusted; estimate = Σp/n ± z·sqrt(Σp(1−p))/n', () => {
  const sums: MetricSums = {};
  batch(sums, 0.5, 40, 20);
  batch(sums, 0.75, 80, 60);
  batch(sums, 0.875, 80, 70);
  const est = computeClassification(sums).estimated!;
  assert.equal(est.n, 200);
  const p = 40 * 0.5 + 80 * 0.75 + 80 * 0.875;
  const pq = 40 * 0.25 + 80 * 0.75 * 0.25 + 80 * 0.875 * 0.125;
  assert.equal(est.accuracy, p / 200);
  assert.ok(Math.abs(est.interval!.lower - (p / 200 - Z95 * Math.sqrt(pq) / 200)) < 1e-12);
  assert.ok(Math.abs(est.interval!.upper - (p / 200 + Z95 * Math.sqrt(pq) / 200)) < 1e-12);
  assert.equal(est.trust.trusted, true, est.trust.reason);
  assert.equal(est.trust.z, 0);
  assert.equal(est.calibration.ece, 0);
  assert.deepEqual(est.calibration.bins.map((b) => [b.bin, b.n, b.meanScore, b.accuracy]), [[5, 40, 0.5, 0.5], [7, 80, 0.75, 0.75], [8, 80, 0.875, 0.875]]);
});

test('CBPE: an over-confident model is not trusted, and the reason says so with the numbers', () => {
  const sums: MetricSums = {};
  batch(sums, 0.95, 200, 150);
  const est = computeClassification(sums).estimated!;
  assert.equal(est.trust.trusted, false);
  assert.ok(est.trust.z! < -1.96);
  assert.match(est.trust.reason, /over-confident on labeled requests: realized 0\.750 vs expected 0\.950/);
  assert.ok(Math.abs(est.calibration.ece - 0.2) < 1e-12);
  // The estimate is reported as is, beside the realized accuracy, which it does not touch.
  assert.ok(Math.abs(est.accuracy - 0.95) < 1e-12);
  assert.equal(computeClassification(sums).accuracy.value, 0.75);
});

test('CBPE: an under-confident model is not trusted either', () => {
  const sums: MetricSums = {};
  batch(sums, 0.55, 100, 95);
  assert.match(computeClassification(sums).estimated!.trust.reason, /under-confident/);
});

test('CBPE: under 30 labeled requests the check says too few labels; unlabeled requests still feed the estimate', () => {
  const sums: MetricSums = {};
  batch(sums, 0.8, 1000, 20, 25);
  const est = computeClassification(sums).estimated!;
  assert.equal(est.n, 1000);
  assert.equal(est.trust.judged, 25);
  assert.equal(est.trust.trusted, false);
  assert.match(est.trust.reason, /too few labels/);
  assert.ok(Math.abs(est.accuracy - 0.8) < 1e-12);
});

test('CBPE: a sampling-noise deviation inside ±1.96 is trusted', () => {
  const sums: MetricSums = {};
  batch(sums, 0.8, 100, 76); // z = −4/4 = −1
  const t = computeClassification(sums).estimated!.trust;
  assert.ok(Math.abs(t.z! + 1) < 1e-12);
  assert.equal(t.trusted, true);
});

test('no scores → no estimated section', () => {
  const sums: MetricSums = {};
  addSums(sums, verdictSums(RULE, { kind: 'label', label: 'a' }, { kind: 'label', label: 'a' }, 1));
  assert.equal(computeClassification(sums).estimated, undefined);
});
