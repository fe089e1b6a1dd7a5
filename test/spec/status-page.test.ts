// `spec.statusPage` (DESIGN §2.10): defaults, explicit values, and the problems it can have. The
// fixture testdata/status-page.bad.yaml pins the exact messages of the other problems.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem, parseSpec, type SpecResult } from '../../src/spec/load-spec.ts';
import type { ServiceSpec } from '../../src/core/spec.ts';

function spec(body: string): SpecResult {
  return parseSpec(`apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: team-ml, oncall: team-sre, tier: 2, public: true}
spec:
  task: classification
  cohorts: [region, language]
${body.split('\n').map((l) => `  ${l}`).join('\n')}
`, 'inline.yaml');
}

function ok(r: SpecResult): ServiceSpec {
  if (!r.ok) assert.fail(r.problems.map(formatProblem).join('\n'));
  return r.spec;
}

test('without statusPage: the generated quality sentence and no cohorts published', () => {
  assert.deepEqual(ok(spec('')).statusPage, { qualityMeaning: undefined, cohorts: [] });
  assert.deepEqual(ok(spec('statusPage: {}')).statusPage, { qualityMeaning: undefined, cohorts: [] });
});

test('explicit text (trimmed) and published cohort attributes, in the order given', () => {
  const s = ok(spec(`statusPage:
  qualityMeaning: >
    Share of flagged payments that really were fraud.
  cohorts: [language, region]`));
  assert.deepEqual(s.statusPage, { qualityMeaning: 'Share of flagged payments that really were fraud.', cohorts: ['language', 'region'] });
});

test('qualityMeaning is at most 500 characters', () => {
  assert.ok(ok(spec(`statusPage: {qualityMeaning: "${'x'.repeat(500)}"}`)).statusPage.qualityMeaning?.length === 500);
  const r = spec(`statusPage: {qualityMeaning: "${'x'.repeat(501)}"}`);
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.problems.map((p) => [p.pointer, p.message]), [['/spec/statusPage/qualityMeaning', 'must be at most 500 characters, got 501']]);
});

test('a published cohort must be declared; an invalid spec.cohorts is reported once, where it is', () => {
  const r = spec('statusPage: {cohorts: [country]}');
  assert.deepEqual(!r.ok && r.problems.map((p) => [p.pointer, p.message]), [
    ['/spec/statusPage/cohorts/0', '`country` is not a declared cohort attribute; add it to `spec.cohorts` (declared: `region` and `language`)'],
  ]);
  const bad = parseSpec(`apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: team-ml, oncall: team-sre, tier: 2}
spec:
  task: classification
  cohorts: region
  statusPage: {cohorts: [region]}
`, 'inline.yaml');
  assert.deepEqual(!bad.ok && bad.problems.map((p) => p.pointer), ['/spec/cohorts']);
});
