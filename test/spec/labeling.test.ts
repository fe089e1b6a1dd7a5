// `spec.labeling` (DESIGN §2.8): absent means no sampler; defaults come from quality and cohorts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem, parseSpec, type SpecResult } from '../../src/spec/load-spec.ts';
import type { ServiceSpec } from '../../src/core/spec.ts';

function spec(body: string, opts: { task?: string; cohorts?: string; quality?: string } = {}): SpecResult {
  return parseSpec(`apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: team-ml, oncall: team-sre, tier: 2}
spec:
  task: ${opts.task ?? 'classification'}
${opts.cohorts === undefined ? '' : `  cohorts: ${opts.cohorts}\n`}${opts.quality === undefined ? '' : `  quality: ${opts.quality}\n`}${body.split('\n').map((l) => `  ${l}`).join('\n')}
`, 'inline.yaml');
}

function ok(r: SpecResult): ServiceSpec {
  if (!r.ok) assert.fail(r.problems.map(formatProblem).join('\n'));
  return r.spec;
}

function problems(r: SpecResult): string[] {
  assert.equal(r.ok, false);
  return r.ok ? [] : r.problems.map(formatProblem);
}

test('without labeling: no sampler', () => {
  assert.equal(ok(spec('')).labeling, undefined);
});

test('defaults: favourUncertain 0, overlap 0.1, lease 10m, rubricMax 1, gradeMax 3, strata from quality.stratifyBy', () => {
  const s = ok(spec('labeling: {dailyBudget: 200}', { cohorts: '[region, language]', quality: '{stratifyBy: [language]}' }));
  assert.deepEqual(s.labeling, {
    dailyBudget: 200, favourUncertain: 0, overlap: 0.1, leaseMs: 600_000, stratifyBy: ['language'], rubric: [], rubricMax: 1, gradeMax: 3,
  });
});

test('stratifyBy defaults to the first cohort attribute, else to none', () => {
  assert.deepEqual(ok(spec('labeling: {dailyBudget: 5}', { cohorts: '[region, language]' })).labeling?.stratifyBy, ['region']);
  assert.deepEqual(ok(spec('labeling: {dailyBudget: 5}')).labeling?.stratifyBy, []);
  assert.deepEqual(ok(spec('labeling: {dailyBudget: 5, stratifyBy: []}', { cohorts: '[region]' })).labeling?.stratifyBy, []);
});

test('explicit values win', () => {
  const s = ok(spec('labeling: {dailyBudget: 50, favourUncertain: 0.5, overlap: 0, lease: 1h30m, stratifyBy: [language, region]}', { cohorts: '[region, language]' }));
  assert.deepEqual(s.labeling, {
    dailyBudget: 50, favourUncertain: 0.5, overlap: 0, leaseMs: 5_400_000, stratifyBy: ['language', 'region'], rubric: [], rubricMax: 1, gradeMax: 3,
  });
  assert.equal(ok(spec('labeling: {dailyBudget: 1, gradeMax: 4}', { task: 'ranking' })).labeling?.gradeMax, 4);
});

test('generative: the rubric defaults to the criteria scores, in order; an explicit one must include them', () => {
  const quality = '{criteria: "factuality >= 0.8 && policy == 1 && factuality <= 1"}';
  assert.deepEqual(ok(spec('labeling: {dailyBudget: 10}', { task: 'generative', quality })).labeling?.rubric, ['factuality', 'policy']);
  const s = ok(spec('labeling: {dailyBudget: 10, rubric: [policy, tone, factuality], rubricMax: 5}', { task: 'generative', quality }));
  assert.deepEqual([s.labeling?.rubric, s.labeling?.rubricMax], [['policy', 'tone', 'factuality'], 5]);
  assert.deepEqual(problems(spec('labeling: {dailyBudget: 10, rubric: [tone, "bad name"], rubricMax: 0}', { task: 'generative', quality })), [
    'inline.yaml:7:39: /spec/labeling/rubric: must include every score the verdict criteria use (`quality.criteria`); missing `factuality` and `policy`',
    'inline.yaml:7:46: /spec/labeling/rubric/1: rubric score `bad name` must start with a letter or `_` and hold at most 63 letters, digits or `_`',
    'inline.yaml:7:70: /spec/labeling/rubricMax: must be a whole number ≥ 1, got 0',
  ]);
});

test('every problem, each at its place', () => {
  assert.deepEqual(problems(spec(`labeling:
  overlap: 2
  favourUncertain: -0.1
  rubric: [a]
  rubricMax: 2
  gradeMax: 3
  lease: 5x
  stratifyBy: [country, region, region]
  budget: 3`, { cohorts: '[region]' })), [
    'inline.yaml:8:5: /spec/labeling/dailyBudget: missing required field `dailyBudget`: how many requests to send to labelers per UTC day',
    'inline.yaml:8:14: /spec/labeling/overlap: must be between 0 and 1, got 2',
    'inline.yaml:9:22: /spec/labeling/favourUncertain: must be between 0 and 1, got -0.1',
    'inline.yaml:10:5: /spec/labeling/rubric: `rubric` applies only to generative services',
    'inline.yaml:11:5: /spec/labeling/rubricMax: `rubricMax` applies only to generative services',
    'inline.yaml:12:5: /spec/labeling/gradeMax: `gradeMax` applies only to ranking services',
    'inline.yaml:13:12: /spec/labeling/lease: must be a duration such as `30d`, `12h` or `1d12h`, got `5x`',
    'inline.yaml:14:18: /spec/labeling/stratifyBy/0: `country` is not a declared cohort attribute; add it to `spec.cohorts` (declared: `region`)',
    'inline.yaml:14:35: /spec/labeling/stratifyBy/2: duplicate attribute `region`',
    'inline.yaml:15:5: /spec/labeling/budget: unknown field `budget`',
  ]);
  assert.deepEqual(problems(spec('labeling: {dailyBudget: 2.5}')), ['inline.yaml:6:27: /spec/labeling/dailyBudget: must be a whole number ≥ 1, got 2.5']);
  assert.deepEqual(problems(spec('labeling: {dailyBudget: 1000001}')), ['inline.yaml:6:27: /spec/labeling/dailyBudget: must be at most 1000000, got 1000001']);
  assert.deepEqual(problems(spec('labeling: [200]')), ['inline.yaml:6:13: /spec/labeling: must be a mapping, got a list']);
});
