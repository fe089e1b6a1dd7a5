import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childPointer, formatProblem } from '../../src/spec/problems.ts';
import { closest, editDistance } from '../../src/spec/suggest.ts';
import { parseDuration, parseWindowDays, isTimeZone } from '../../src/spec/duration.ts';
import { parseSpecDocuments } from '../../src/spec/load-spec.ts';

test('JSON pointers escape ~ and / (RFC 6901)', () => {
  assert.equal(childPointer('', 'spec'), '/spec');
  assert.equal(childPointer('/spec/drift/features', 'a/b~c'), '/spec/drift/features/a~1b~0c');
  assert.equal(childPointer('/x', 3), '/x/3');
});

test('formatProblem: file:line:col: pointer: message, leaving out what is absent', () => {
  assert.equal(formatProblem({ file: 'a.yaml', line: 3, column: 7, pointer: '/spec/task', message: 'm' }), 'a.yaml:3:7: /spec/task: m');
  assert.equal(formatProblem({ file: 'a.yaml', line: 1, column: 1, pointer: '', message: 'm' }), 'a.yaml:1:1: m');
  assert.equal(formatProblem({ file: 'a.yaml', line: 0, column: 0, pointer: '', message: 'm' }), 'a.yaml: m');
});

test('suggestions: within edit distance 2, transpositions count once', () => {
  assert.equal(editDistance('objetives', 'objectives'), 1);
  assert.equal(editDistance('tagret', 'target'), 1);
  assert.equal(closest('objetives', ['objectives', 'owner']), 'objectives');
  assert.equal(closest('minsamples', ['minSamples']), 'minSamples');
  assert.equal(closest('banana', ['objectives', 'owner']), undefined);
  assert.equal(closest('ab', ['k']), undefined);
});

test('durations and windows', () => {
  assert.equal(parseDuration('30d'), 30 * 86_400_000);
  assert.equal(parseDuration('1d12h'), 36 * 3_600_000);
  assert.equal(parseDuration('2w'), 14 * 86_400_000);
  assert.equal(parseDuration('90s'), 90_000);
  for (const bad of ['', '0d', '12', '1h1d', '3 days', '1.5h', '-1d']) assert.equal(parseDuration(bad), undefined, bad);
  assert.equal(parseWindowDays('28d'), 28);
  for (const bad of ['0d', '30x', '4w', '30', 'd']) assert.equal(parseWindowDays(bad), undefined, bad);
  assert.ok(isTimeZone('Europe/Berlin') && isTimeZone('UTC'));
  assert.ok(!isTimeZone('Europe/Atlantis'));
});

test('aliases resolve; positions point into the source', () => {
  const text = `apiVersion: mlslo/v1
kind: Service
metadata: {name: aliased, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  notify:
    owner: &route {webhook: "https://hooks.example/a"}
    oncall: *route
`;
  const r = parseSpecDocuments(text, 'a.yaml');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.specs[0]!.notify, { owner: { webhook: 'https://hooks.example/a' }, oncall: { webhook: 'https://hooks.example/a' } });
});

test('a bad document does not hide a good one beside it', () => {
  const good = 'apiVersion: mlslo/v1\nkind: Service\nmetadata: {name: ok, owner: a, oncall: b, tier: 2}\nspec: {task: classification}\n';
  const r = parseSpecDocuments(`${good}---\napiVersion: mlslo/v1\nkind: Service\nmetadata: {name: bad}\n`, 'm.yaml');
  assert.deepEqual(r.specs.map((s) => s.name), ['ok']);
  assert.deepEqual(r.problems.map(formatProblem), [
    'm.yaml:6:1: /spec: missing required field `spec`',
    'm.yaml:8:11: /metadata/oncall: missing required field `oncall`',
    'm.yaml:8:11: /metadata/owner: missing required field `owner`',
    'm.yaml:8:11: /metadata/tier: missing required field `tier`',
  ]);
});

test('specInvalidError carries every problem', async () => {
  const { specInvalidError } = await import('../../src/spec/load-spec.ts');
  const problems = [
    { file: 'a.yaml', line: 2, column: 3, pointer: '/kind', message: 'x' },
    { file: 'a.yaml', line: 4, column: 1, pointer: '/spec', message: 'y' },
  ];
  const e = specInvalidError(problems);
  assert.equal(e.code, 'MLSLO_ERR_SPEC_INVALID');
  assert.equal(e.message, 'the service spec is invalid: a.yaml:2:3: /kind: x (and 1 more)');
  assert.deepEqual(e.details, problems);
});
