import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QualityObjective, VerdictRule } from '../../../src/core/spec.ts';
import { computeQualityMetrics } from '../../../src/core/quality-metrics/compute.ts';
import { evaluateObjective, objectiveStatus } from '../../../src/core/quality-metrics/objectives.ts';
import { labelled, sumAll, type Judged } from './helpers.ts';

const obj = (o: Partial<QualityObjective> & Pick<QualityObjective, 'metric' | 'target'>): QualityObjective => ({ perCohort: false, ...o });
const CLS: VerdictRule = { task: 'classification' };

function classification(pairs: Array<[string, string, number]>) {
  const reqs: Judged[] = [];
  for (const [t, p, n] of pairs) for (let i = 0; i < n; i++) reqs.push(labelled(t, p));
  return computeQualityMetrics(CLS, sumAll(CLS, reqs));
}

test('higher-is-better: met on the point estimate, violated only when the interval is wholly below, at_risk between', () => {
  assert.equal(objectiveStatus(0.91, { lower: 0.85, upper: 0.95 }, 0.9, 'higher_is_better'), 'met');
  assert.equal(objectiveStatus(0.88, { lower: 0.85, upper: 0.91 }, 0.9, 'higher_is_better'), 'at_risk');
  assert.equal(objectiveStatus(0.8, { lower: 0.75, upper: 0.85 }, 0.9, 'higher_is_better'), 'violated');
  assert.equal(objectiveStatus(0.8, undefined, 0.9, 'higher_is_better'), 'violated');
  assert.equal(objectiveStatus(1.1, { lower: 0.9, upper: 1.3 }, 1, 'lower_is_better'), 'at_risk');
  assert.equal(objectiveStatus(1.5, { lower: 1.2, upper: 1.8 }, 1, 'lower_is_better'), 'violated');
  assert.equal(objectiveStatus(0.9, { lower: 0.5, upper: 1.3 }, 1, 'lower_is_better'), 'met');
});

test('precision[fraud] >= 0.90 per class, with its own n; insufficient under minSamples', () => {
  // fraud predicted 100 times, 80 right: precision 0.8, Wilson upper ≈ 0.87 < 0.9 → violated.
  const m = classification([['fraud', 'fraud', 80], ['ok', 'fraud', 20], ['ok', 'ok', 900]]);
  const r = evaluateObjective(obj({ metric: 'precision', class: 'fraud', target: 0.9 }), m, 30);
  assert.equal(r.name, 'precision[fraud]');
  assert.equal(r.n, 100);
  assert.equal(r.value, 0.8);
  assert.equal(r.status, 'violated');
  assert.equal(r.direction, 'higher_is_better');
  const few = classification([['fraud', 'fraud', 8], ['ok', 'fraud', 2], ['ok', 'ok', 90]]);
  assert.equal(evaluateObjective(obj({ metric: 'precision', class: 'fraud', target: 0.9 }), few, 30).status, 'insufficient');
  assert.equal(evaluateObjective(obj({ metric: 'accuracy', target: 0.95 }), m, 30).status, 'met');
  assert.equal(evaluateObjective(obj({ metric: 'recall', class: 'nope', target: 0.5 }), m, 30).status, 'insufficient');
  assert.equal(evaluateObjective(obj({ metric: 'mae', target: 0.5 }), m, 30).status, 'insufficient');
  const f1 = evaluateObjective(obj({ metric: 'f1', target: 0.5 }), m, 30);
  assert.equal(f1.name, 'f1[macro]');
  assert.equal(f1.interval, undefined);
  assert.equal(f1.status, 'met');
});

test('lower-is-better: MAE and RMSE objectives', () => {
  const rule: VerdictRule = { task: 'regression', tolerance: { kind: 'absolute', value: 1 } };
  const reqs: Judged[] = [];
  for (let i = 0; i < 200; i++) reqs.push({ prediction: { kind: 'value', value: i % 2 === 0 ? 3 : 1 }, payload: { kind: 'value', value: 0 }, weight: 1 });
  const m = computeQualityMetrics(rule, sumAll(rule, reqs)); // MAE 2, RMSE √5
  const mae = evaluateObjective(obj({ metric: 'mae', target: 1.5 }), m, 30);
  assert.equal(mae.direction, 'lower_is_better');
  assert.equal(mae.status, 'violated');
  assert.equal(evaluateObjective(obj({ metric: 'mae', target: 2.05 }), m, 30).status, 'met');
  assert.equal(evaluateObjective(obj({ metric: 'mae', target: 1.95 }), m, 30).status, 'at_risk');
  assert.equal(evaluateObjective(obj({ metric: 'rmse', target: 3 }), m, 30).status, 'met');
  assert.equal(evaluateObjective(obj({ metric: 'within_tolerance', target: 0.4 }), m, 30).status, 'met');
});

test('ranking objectives use the spec k; generative pass_rate and score_mean by score', () => {
  const rule: VerdictRule = { task: 'ranking', k: 3 };
  const reqs: Judged[] = [];
  for (let i = 0; i < 50; i++) reqs.push({ prediction: { kind: 'items', items: ['a', 'b', 'c'] }, payload: { kind: 'relevant', relevant: [i % 2 === 0 ? 'c' : 'z'] }, weight: 1 });
  const m = computeQualityMetrics(rule, sumAll(rule, reqs));
  const hit = evaluateObjective(obj({ metric: 'hit', target: 0.4 }), m, 30);
  assert.equal(hit.name, 'hit@3');
  assert.equal(hit.value, 0.5);
  assert.equal(hit.status, 'met');
  assert.equal(evaluateObjective(obj({ metric: 'mrr', target: 0.5 }), m, 30).status, 'violated'); // MRR = 1/6

  const gen: VerdictRule = { task: 'generative', criteria: { source: 'f >= 0.5', all: [{ path: ['f'], op: '>=', value: 0.5 }] } };
  const g = computeQualityMetrics(gen, sumAll(gen, Array.from({ length: 40 }, (_, i) => ({ prediction: { kind: 'text' }, payload: { kind: 'scores', scores: { f: i < 30 ? 0.9 : 0.1 } }, weight: 1 }))));
  const pr = evaluateObjective(obj({ metric: 'pass_rate', score: 'f', target: 0.7 }), g, 30);
  assert.equal(pr.value, 0.75);
  assert.equal(pr.status, 'met');
  assert.equal(evaluateObjective(obj({ metric: 'pass_rate', target: 0.8 }), g, 30).status, 'at_risk');
  assert.equal(evaluateObjective(obj({ metric: 'score_mean', score: 'f', target: 0.9 }), g, 30).status, 'violated');
});
