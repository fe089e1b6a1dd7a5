import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictionFromResponse, scoreExample } from '../../../src/core/evals/score.ts';
import type { Condition, VerdictRule } from '../../../src/core/spec.ts';

const classification: VerdictRule = { task: 'classification' };
const ranking: VerdictRule = { task: 'ranking', k: 2 };
const absolute: VerdictRule = { task: 'regression', tolerance: { kind: 'absolute', value: 0.5 } };
const relative: VerdictRule = { task: 'regression', tolerance: { kind: 'relative', pct: 10 } };
const criteria: Condition = {
  source: 'factuality >= 0.8 && policy == 1',
  all: [{ path: ['factuality'], op: '>=', value: 0.8 }, { path: ['policy'], op: '==', value: 1 }],
};
const generative: VerdictRule = { task: 'generative', criteria };

test('predictions from responses, per task; anything else is undefined', () => {
  assert.deepEqual(predictionFromResponse('classification', 'fraud', 0.93), { kind: 'label', label: 'fraud', score: 0.93 });
  assert.deepEqual(predictionFromResponse('classification', 3, undefined), { kind: 'label', label: 3 });
  assert.deepEqual(predictionFromResponse('classification', 'ok', 1.7), { kind: 'label', label: 'ok' });
  assert.deepEqual(predictionFromResponse('classification', 'ok', '0.9'), { kind: 'label', label: 'ok' });
  for (const bad of ['', 1.5, true, null, undefined, ['a'], { label: 'a' }]) assert.equal(predictionFromResponse('classification', bad, undefined), undefined);
  assert.deepEqual(predictionFromResponse('ranking', ['d1', 2], undefined), { kind: 'items', items: ['d1', 2] });
  assert.deepEqual(predictionFromResponse('ranking', [], undefined), { kind: 'items', items: [] });
  for (const bad of ['d1', ['d1', null], [['d1']], { items: [] }]) assert.equal(predictionFromResponse('ranking', bad, undefined), undefined);
  assert.deepEqual(predictionFromResponse('regression', -2.5, undefined), { kind: 'value', value: -2.5 });
  for (const bad of ['2.5', Number.NaN, Infinity, null]) assert.equal(predictionFromResponse('regression', bad, undefined), undefined);
  assert.deepEqual(predictionFromResponse('generative', 'Hello', undefined), { kind: 'text', text: 'Hello' });
  assert.deepEqual(predictionFromResponse('generative', '', undefined), { kind: 'text', text: '' });
  assert.equal(predictionFromResponse('generative', { text: 'Hello' }, undefined), undefined);
});

test('classification: good when the label matches by type and value; no score', () => {
  const p = predictionFromResponse('classification', 'fraud', 0.9);
  assert.deepEqual(scoreExample(classification, 'fraud', p), { verdict: true, score: null });
  assert.deepEqual(scoreExample(classification, 'ok', p), { verdict: false, score: null });
  assert.deepEqual(scoreExample(classification, 1, predictionFromResponse('classification', '1', undefined)), { verdict: false, score: null });
  assert.deepEqual(scoreExample(classification, ['fraud'], p), { verdict: null, score: null });
  assert.deepEqual(scoreExample(classification, 'fraud', undefined), { verdict: null, score: null });
});

test('ranking: hit@k against a relevant list, either shape', () => {
  const p = predictionFromResponse('ranking', ['d3', 'd1', 'd2'], undefined);
  assert.deepEqual(scoreExample(ranking, ['d1'], p), { verdict: true, score: null });
  assert.deepEqual(scoreExample(ranking, { relevant: ['d2'] }, p), { verdict: false, score: null }); // d2 is third, k = 2
  assert.deepEqual(scoreExample(ranking, { relevant: 'd1' }, p), { verdict: null, score: null });
});

test('regression: |error| is the score; the tolerance decides the verdict', () => {
  assert.deepEqual(scoreExample(absolute, 10, predictionFromResponse('regression', 10.5, undefined)), { verdict: true, score: 0.5 });
  assert.deepEqual(scoreExample(absolute, 10, predictionFromResponse('regression', 9.25, undefined)), { verdict: false, score: 0.75 });
  // 10% of |−20| = 2: an error of 2 is within.
  assert.deepEqual(scoreExample(relative, -20, predictionFromResponse('regression', -18, undefined)), { verdict: true, score: 2 });
  assert.deepEqual(scoreExample(absolute, '10', predictionFromResponse('regression', 10, undefined)), { verdict: null, score: null });
});

test('generative: the judge scores decide, and their mean is the score', () => {
  const p = predictionFromResponse('generative', 'an answer', undefined);
  assert.deepEqual(scoreExample(generative, null, p, { factuality: 0.9, policy: 1 }), { verdict: true, score: 0.95 });
  assert.deepEqual(scoreExample(generative, 'ref', p, { factuality: 0.5, policy: 1, tone: 0 }), { verdict: false, score: 0.5 });
  assert.deepEqual(scoreExample(generative, null, p), { verdict: null, score: null });
  assert.deepEqual(scoreExample(generative, null, p, {}).score, null);
});
