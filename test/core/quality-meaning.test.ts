// The plain-language "what quality means" line of the public status page (DESIGN §2.10), per task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatObjective, qualityMeaning } from '../../src/core/quality-meaning.ts';
import { formatProblem, parseSpec } from '../../src/spec/load-spec.ts';
import type { ServiceSpec } from '../../src/core/spec.ts';

function spec(task: string, lines: string): ServiceSpec {
  const r = parseSpec(`apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: team-ml, oncall: team-sre, tier: 2, public: true}
spec:
  task: ${task}
${lines.split('\n').map((l) => `  ${l}`).join('\n')}
`, 'inline.yaml');
  if (!r.ok) assert.fail(r.problems.map(formatProblem).join('\n'));
  return r.spec;
}

test('classification, with the sources the spec counts and its window', () => {
  assert.equal(qualityMeaning(spec('classification', 'window: 28d\nobjectives: {quality: 0.95}\nquality: {sources: [human, ground_truth]}')),
    'Quality: the share of answers whose predicted label matched the true label, checked on a sample of requests by human reviewers or against the actual outcome; objective 95% over a rolling 28 days.');
});

test('ranking: hit@k, and the top result when k = 1', () => {
  assert.equal(qualityMeaning(spec('ranking', 'quality: {k: 5, sources: [feedback], feedback: "clicked"}')),
    'Quality: the share of requests where at least one of the top 5 results was relevant, checked on a sample of requests from user feedback; objective 90% over a rolling 30 days.');
  assert.match(qualityMeaning(spec('ranking', 'quality: {k: 1}')), /^Quality: the share of requests whose top result was relevant,/);
});

test('regression: absolute and relative tolerance', () => {
  assert.match(qualityMeaning(spec('regression', 'quality: {tolerance: 2.5}')), /^Quality: the share of predictions within 2.5 of the true value,/);
  assert.match(qualityMeaning(spec('regression', 'quality: {tolerancePct: 10}')), /^Quality: the share of predictions within 10% of the true value,/);
});

test('generative: the criteria in words; a calendar window', () => {
  assert.equal(qualityMeaning(spec('generative', 'window: month\nobjectives: {quality: 0.875}\nquality: {criteria: "factuality >= 0.8 && policy == 1", sources: [judge]}')),
    'Quality: the share of answers rated factuality at least 0.8 and policy equal to 1, checked on a sample of requests by an automated judge; objective 87.5% per calendar month.');
});

test("the spec's own words win, verbatim", () => {
  assert.equal(qualityMeaning(spec('classification', 'statusPage: {qualityMeaning: "Share of fraud flags that were right."}')), 'Share of fraud flags that were right.');
});

test('formatObjective keeps the digits an objective has, and no more', () => {
  assert.deepEqual([0.9995, 0.95, 0.999, 0.9447, 0.5, 0.99999].map(formatObjective), ['99.95%', '95%', '99.9%', '94.47%', '50%', '99.999%']);
});
