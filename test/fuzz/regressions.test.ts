/**
 * One test per bug the fuzzers found (issue 9), each the smallest input that showed it, with what
 * happened before the fix. Bugs outside the fuzzing's files are marked `todo` with their owner.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MlsloError } from '../../src/core/errors.ts';
import { decodeBody, isBadLine } from '../../src/ingest/decode-body.ts';
import { validateItem } from '../../src/ingest/validate-event.ts';
import { parseSpec } from '../../src/spec/load-spec.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { FUZZ_SPEC, NOW } from './events.ts';
import { post } from './http.ts';

const ts = new Date(NOW - 120_000).toISOString();
const inference = (extra: string) => `{"kind":"inference","id":"r-1","service":"fz-cls","ts":"${ts}","status":"ok","latencyMs":5${extra}}`;
const problem = (json: string) => {
  const r = validateItem(JSON.parse(json));
  return r.ok ? undefined : r.problem;
};
const event = (json: string) => {
  const r = validateItem(JSON.parse(json));
  assert.ok(r.ok, JSON.stringify(r));
  return r.event;
};

let s: TestServer;
let key: string;
before(async () => {
  s = await startTestServer(FUZZ_SPEC, NOW);
  key = await s.key('ingest');
});
after(async () => s?.stop());
const send = (body: string, type = 'application/json') => post(s.url, '/v1/events', Buffer.from(body), { authorization: `Bearer ${key}`, 'content-type': type });

test('a lone surrogate is rejected at its path (before: stored as U+FFFD, so "a\\ud800" and "a\\udbff" became one id)', async () => {
  assert.deepEqual(problem(inference('').replace('"r-1"', '"a\\ud800"')), { code: 'invalid_value', path: '/id', message: 'must be valid Unicode: a lone UTF-16 surrogate (e.g. "\\ud800") cannot be stored' });
  assert.equal(problem(inference(',"cohort":{"region":"x\\udfff"}'))?.path, '/cohort/region');
  assert.equal(problem(inference(',"input":{"a/\\ud800":1}'))?.path, '/input/a~1\ud800');
  assert.equal(problem(inference(',"prediction":{"items":["a","\\udc00b"]}'))?.path, '/prediction/items/1');
  // A pair written as two escapes is one well-formed character.
  const pair = event(inference('').replace('"r-1"', '"\\ud83d\\ude00"'));
  assert.ok(pair.kind === 'inference' && pair.id === '😀');
  const a = await send(`[${inference('').replace('"r-1"', '"s\\ud800"')},${inference('').replace('"r-1"', '"s\\udbff"')}]`);
  assert.deepEqual(a.json.rejected.map((r: { code: string; path: string }) => [r.code, r.path]), [['invalid_value', '/id'], ['invalid_value', '/id']]);
});

test('bytes that are not UTF-8 are not JSON (before: replaced by U+FFFD and stored)', () => {
  const bad = Buffer.concat([Buffer.from('["a'), Buffer.from([0xff]), Buffer.from('"]')]);
  assert.throws(() => decodeBody(bad, 'application/json', undefined), (e: MlsloError) => e.code === 'MLSLO_ERR_BODY_INVALID_JSON' && /UTF-8/.test(e.message));
  const lines = Buffer.concat([Buffer.from('1\n"a'), Buffer.from([0xc0, 0x80]), Buffer.from('"\n\n2')]);
  const items = decodeBody(lines, 'application/x-ndjson', undefined);
  assert.equal(items.length, 3);
  assert.deepEqual([items[0], isBadLine(items[1]), items[2]], [1, true, 2]);
});

test('a leading byte order mark is ignored (before: 400, "Unexpected token")', () => {
  assert.deepEqual(decodeBody(Buffer.from('\ufeff[1]'), 'application/json', undefined), [1]);
  assert.deepEqual(decodeBody(Buffer.from('\ufeff1\n2'), 'application/x-ndjson', undefined), [1, 2]);
});

test('a `__proto__` member of input, cohort, features, scores or probabilities is kept (before: dropped by assignment)', () => {
  const e = event(inference(',"input":{"__proto__":5},"cohort":{"__proto__":"x"},"features":{"__proto__":null},"prediction":{"label":"a","probabilities":{"__proto__":0.5}}'));
  assert.ok(e.kind === 'inference' && e.status === 'ok' && e.prediction?.kind === 'label');
  assert.deepEqual([Object.hasOwn(e.input, '__proto__'), Object.getOwnPropertyDescriptor(e.input, '__proto__')?.value], [true, 5]);
  assert.equal(Object.getOwnPropertyDescriptor(e.cohort, '__proto__')?.value, 'x');
  assert.ok(Object.hasOwn(e.features, '__proto__'));
  assert.equal(Object.getOwnPropertyDescriptor(e.prediction.probabilities, '__proto__')?.value, 0.5);
  assert.equal(Object.getPrototypeOf(e.input), Object.prototype, 'the prototype itself is untouched');
  const o = event(`{"kind":"outcome","requestId":"r-1","service":"fz-gen","ts":"${ts}","source":"judge","scores":{"__proto__":1}}`);
  assert.ok(o.kind === 'outcome' && o.payload.kind === 'scores' && Object.hasOwn(o.payload.scores, '__proto__'));
});

test('a JSON number out of range (1e400) is invalid_value "must be a finite number" (before: invalid_type "must be number")', () => {
  assert.deepEqual(problem(inference('').replace('"latencyMs":5', '"latencyMs":1e400')), { code: 'invalid_value', path: '/latencyMs', message: 'must be a finite number; this one is out of range' });
  assert.equal(problem(inference(',"input":{"tokens":-1e400}'))?.code, 'invalid_value');
  assert.deepEqual(problem(inference(',"prediction":{"value":1e400}')), { code: 'invalid_value', path: '/prediction/value', message: 'must be a finite number; this one is out of range' });
  assert.equal(problem(inference('').replace('"latencyMs":5', '"latencyMs":"5"'))?.code, 'invalid_type', 'a string is still the wrong type');
});

test('a samplingProb so small that 1/p² overflows is rejected (before: 500, "NOT NULL constraint failed: rollup_m.q_w2")', async () => {
  const bodies = ['1e-160', '5e-324', '9.99e-13'].map((p, i) => `[{"kind":"inference","id":"sp-${i}","service":"fz-cls","ts":"${ts}","status":"ok","latencyMs":5,"prediction":{"label":"fraud"}},`
    + `{"kind":"outcome","requestId":"sp-${i}","service":"fz-cls","ts":"${ts}","source":"ground_truth","label":"fraud","samplingProb":${p}}]`);
  for (const body of bodies) {
    const a = await send(body);
    assert.equal(a.status, 200, a.text);
    assert.deepEqual(a.json.rejected.map((r: { index: number; code: string; path: string }) => [r.index, r.code, r.path]), [[1, 'invalid_value', '/samplingProb']]);
  }
  const ok = await send(bodies[2]!.replace('sp-2', 'sp-3').replace('sp-2', 'sp-3').replace('9.99e-13', '1e-12'));
  assert.deepEqual([ok.status, ok.json.accepted], [200, 2]);
});

test('a cohort named like a member of every object is a spec problem (before: every ingest for the service was a 500)', () => {
  const spec = (cohorts: string) => `apiVersion: mlslo/v1\nkind: Service\nmetadata: {name: x, owner: o, oncall: c, tier: 2}\nspec:\n  task: ranking\n  cohorts: ${cohorts}\n`;
  const r = parseSpec(spec('[region, constructor, toString, __proto__]'), 'f.yaml');
  assert.ok(!r.ok);
  assert.deepEqual(r.problems.map((p) => [p.line, p.column, p.pointer]), [[6, 21, '/spec/cohorts/1'], [6, 34, '/spec/cohorts/2'], [6, 44, '/spec/cohorts/3']]);
  assert.match(r.problems[0]!.message, /`constructor` is reserved/);
  assert.ok(parseSpec(spec('[region, _proto, Constructor]'), 'f.yaml').ok);
});

test('a YAML syntax error is placed on its own line (before: the yaml LineCounter put it on an earlier line, past its end)', () => {
  const r = parseSpec('""\n-.inf\n__proto__: {polluted: 1}\n', 'f.yaml');
  assert.ok(!r.ok);
  // `:` of line 3 is column 10 (before: 2:16, and line 2 has 5 characters).
  assert.deepEqual(r.problems.slice(0, 2).map((p) => [p.line, p.column]), [[2, 1], [3, 10]]);
});

test('a key that is a list is reported at its mapping (before: pointer "/", a member that does not exist)', () => {
  const r = parseSpec('? [a, b]\n: 1\napiVersion: mlslo/v1\n', 'f.yaml');
  assert.ok(!r.ok);
  assert.deepEqual(r.problems.filter((p) => p.message.startsWith('keys must')).map((p) => [p.line, p.column, p.pointer]), [[1, 3, '']]);
});

test('nesting past the YAML parser\'s stack is one problem that says so (before: "maximum call stack size exceeded", once per level)', () => {
  const r = parseSpec(`a: ${'['.repeat(10_000)}${']'.repeat(10_000)}`, 'f.yaml');
  assert.ok(!r.ok);
  assert.deepEqual(r.problems.map((p) => p.message), ['invalid YAML: nested too deeply (the parser ran out of stack)']);
});

test('an outcome without an id in conflict points at the item, not at an `/id` it does not have', async () => {
  const o = (label: string) => `{"kind":"outcome","requestId":"keyless-1","service":"fz-cls","ts":"${ts}","source":"human","label":"${label}"}`;
  assert.equal((await send(`[${o('fraud')}]`)).json.accepted, 1);
  const a = await send(`[${o('legit')}]`);
  assert.equal(a.json.rejected[0]?.code, 'conflict');
  assert.equal(a.json.rejected[0]?.path, '');
});
