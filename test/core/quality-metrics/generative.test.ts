import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge } from '../../../src/core/verdict.ts';
import type { VerdictRule } from '../../../src/core/spec.ts';
import { computeGenerative, computeQualityMetrics } from '../../../src/core/quality-metrics/compute.ts';
import { predictionSums, verdictSums } from '../../../src/core/quality-metrics/contributions.ts';
import { wilson } from '../../../src/core/stats/wilson.ts';
import { sumAll, type Judged } from './helpers.ts';

const RULE: VerdictRule = {
  task: 'generative',
  criteria: { source: 'factuality >= 0.8 && policy == 1', all: [
    { path: ['factuality'], op: '>=', value: 0.8 },
    { path: ['policy'], op: '==', value: 1 },
  ] },
};

function scored(scores: Record<string, number>, weight = 1): Judged {
  return { prediction: { kind: 'text' }, payload: { kind: 'scores', scores }, weight };
}

test('generative contributions: score, square, per-score pass, overall pass; scores without criteria get no pass key', () => {
  const s = verdictSums(RULE, undefined, { kind: 'scores', scores: { factuality: 0.5, policy: 1, tone: 0.25 } }, 2);
  assert.deepEqual(s['score:factuality'], [0.5, 1]);
  assert.deepEqual(s['score:factuality^2'], [0.25, 0.5]);
  assert.equal(s['pass:factuality'], undefined); // 0 → omitted
  assert.deepEqual(s['pass:policy'], [1, 2]);
  assert.deepEqual(s['score:tone'], [0.25, 0.5]);
  assert.equal(s['pass:tone'], undefined);
  assert.equal(s['pass'], undefined); // factuality fails
  assert.deepEqual(s['scored:tone'], [1, 2]);
  assert.deepEqual(verdictSums(RULE, undefined, { kind: 'label', label: 'x' }, 1), {});
});

test('generative metrics: mean per score over the requests that carry it, pass rates (Wilson), overall pass = verdict', () => {
  const reqs = [
    scored({ factuality: 0.9, policy: 1 }),
    scored({ factuality: 0.7, policy: 1 }),
    scored({ factuality: 1, policy: 0, tone: 0.5 }),
    scored({ factuality: 0.8, policy: 1, tone: 1 }, 3),
  ];
  const r = computeQualityMetrics(RULE, sumAll(RULE, reqs));
  assert.equal(r.task, 'generative');
  if (r.task !== 'generative') return;
  assert.equal(r.n, 4);
  const good = reqs.filter((q) => judge(RULE, q.prediction, q.payload)).length;
  assert.equal(good, 2);
  assert.equal(r.pass.value, 0.5);
  assert.deepEqual(r.pass.interval, wilson(2, 4));
  assert.equal(r.pass.weighted, 4 / 6);
  const f = r.scores.find((x) => x.name === 'factuality')!;
  assert.ok(Math.abs(f.mean.value - 3.4 / 4) < 1e-12);
  assert.equal(f.passRate!.value, 3 / 4);
  const tone = r.scores.find((x) => x.name === 'tone')!;
  assert.equal(tone.mean.n, 2);
  assert.equal(tone.mean.value, 0.75);
  assert.equal(tone.mean.weighted, (0.5 + 3) / 4);
  assert.equal(tone.passRate, undefined);
  const policy = r.scores.find((x) => x.name === 'policy')!;
  assert.equal(policy.passRate!.value, 3 / 4);
});

test('a score with criteria that never passes still reports a pass rate of 0', () => {
  const r = computeQualityMetrics(RULE, sumAll(RULE, [scored({ factuality: 0.1, policy: 0 }), scored({ factuality: 0.2, policy: 0 })]));
  if (r.task !== 'generative') throw new Error('task');
  assert.equal(r.scores.find((x) => x.name === 'policy')!.passRate!.value, 0);
  assert.equal(computeGenerative({}).n, 0);
});

test('predictionSums: CBPE keys for a scored label prediction only', () => {
  assert.deepEqual(predictionSums({ kind: 'label', label: 'a', score: 0.75 }), { 'est|n': [1, 1], 'est|p': [0.75, 0.75], 'est|pq': [0.1875, 0.1875] });
  assert.deepEqual(predictionSums({ kind: 'label', label: 'a' }), {});
  assert.deepEqual(predictionSums({ kind: 'label', label: 'a', score: 1.5 }), {});
  assert.deepEqual(predictionSums({ kind: 'value', value: 1 }), {});
  assert.deepEqual(predictionSums(undefined), {});
});
