import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GOLDEN_LIMITS, parseGoldenSet } from '../../../src/core/evals/golden.ts';
import type { GoldenExample } from '../../../src/store/port.ts';
import type { GoldenExample as CoreGoldenExample } from '../../../src/core/evals/types.ts';

function jsonl(...lines: unknown[]): string {
  return lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
}

test('the core example type is the store record (each assignable to the other)', () => {
  const a: GoldenExample = { id: 'x', input: 1, expected: 2, segment: '' } satisfies CoreGoldenExample;
  const b: CoreGoldenExample = a;
  assert.equal(b.id, 'x');
});

test('classification: ids default to line-<n>, blank lines skipped, segments counted', () => {
  const r = parseGoldenSet(`${jsonl(
    { input: { text: 'a' }, expected: 'fraud', segment: 'emea' },
    '',
    '   ',
    { id: 'x-1', input: { text: 'b' }, expected: 0 },
    { id: 7, input: 'c', expected: 'ok', segment: 'emea' },
    { input: 'd', expected: 'ok', segment: null },
  )}\n`, 'classification');
  assert.deepEqual(r.items, [
    { id: 'line-1', input: { text: 'a' }, expected: 'fraud', segment: 'emea' },
    { id: 'x-1', input: { text: 'b' }, expected: 0, segment: '' },
    { id: '7', input: 'c', expected: 'ok', segment: 'emea' },
    { id: 'line-6', input: 'd', expected: 'ok', segment: '' },
  ]);
  assert.deepEqual(r.segments, { emea: 2, '': 2 });
  assert.deepEqual([r.rejected, r.rejectedCount], [[], 0]);
});

test('CRLF line ends are accepted', () => {
  const r = parseGoldenSet('{"input":1,"expected":"a"}\r\n{"input":2,"expected":"b"}\r\n', 'classification');
  assert.deepEqual(r.items.map((i) => i.id), ['line-1', 'line-2']);
});

test('every bad line is rejected with a code, a message and a JSON pointer; the good ones are kept', () => {
  const r = parseGoldenSet(jsonl(
    '{"input": 1, "expected": "a"',
    '[1, 2]',
    { expected: 'a' },
    { input: 1 },
    { input: 1, expected: 1.5 },
    { input: 1, expected: '' },
    { input: 1, expected: 'a', expect: 'b' },
    { id: '', input: 1, expected: 'a' },
    { id: 1.5, input: 1, expected: 'a' },
    { input: 1, expected: 'a', segment: 3 },
    { id: 'dup', input: 1, expected: 'a' },
    { id: 'dup', input: 2, expected: 'b' },
    { id: 'line-14', input: 2, expected: 'b' },
    { input: 3, expected: 'c' },
    { 'a/b': 1, input: 1, expected: 'a' },
  ), 'classification');
  assert.deepEqual(r.items.map((i) => i.id), ['dup', 'line-14']);
  assert.equal(r.rejectedCount, 13);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.code, x.path]), [
    [1, 'invalid_json', ''],
    [2, 'invalid_type', ''],
    [3, 'missing_field', '/input'],
    [4, 'missing_field', '/expected'],
    [5, 'invalid_type', '/expected'],
    [6, 'invalid_type', '/expected'],
    [7, 'unknown_field', '/expect'],
    [8, 'invalid_type', '/id'],
    [9, 'invalid_type', '/id'],
    [10, 'invalid_type', '/segment'],
    [12, 'duplicate_id', '/id'],
    [14, 'duplicate_id', ''],
    [15, 'unknown_field', '/a~1b'],
  ]);
  const msg = (line: number): string => r.rejected.find((x) => x.line === line)!.message;
  assert.match(msg(1), /^not JSON: /);
  assert.equal(msg(2), 'each line is a JSON object with `input` and `expected`, got an array');
  assert.equal(msg(4), 'missing `expected`: the true label');
  assert.equal(msg(5), 'a classification label is a non-empty string or an integer, got a number');
  assert.equal(msg(7), 'unknown field `expect`; an example has `input`, `expected` and optionally `id` and `segment`');
  assert.equal(msg(12), 'id `dup` is already used on line 11');
  assert.equal(msg(14), 'id `line-14` is already used on line 13');
});

test('ranking: a list of relevant items, or {relevant: […]}', () => {
  const r = parseGoldenSet(jsonl(
    { input: 'q1', expected: ['d1', 3] },
    { input: 'q2', expected: { relevant: ['d2'] } },
    { input: 'q3', expected: [] },
    { input: 'q4', expected: ['d1', 1.5] },
    { input: 'q5', expected: { relevant: 'd1' } },
    { input: 'q6', expected: { relevant: ['d1'], grades: [3] } },
    { input: 'q7', expected: {} },
    { input: 'q8', expected: 'd1' },
    { input: 'q9' },
  ), 'ranking');
  assert.deepEqual(r.items.map((i) => i.expected), [['d1', 3], { relevant: ['d2'] }]);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.code, x.path]), [
    [3, 'invalid_value', '/expected'],
    [4, 'invalid_type', '/expected/1'],
    [5, 'invalid_type', '/expected/relevant'],
    [6, 'unknown_field', '/expected/grades'],
    [7, 'missing_field', '/expected/relevant'],
    [8, 'invalid_type', '/expected'],
    [9, 'missing_field', '/expected'],
  ]);
});

test('regression: a finite number; generative: any reference, or none (null)', () => {
  const reg = parseGoldenSet(jsonl({ input: 1, expected: 2.5 }, { input: 1, expected: '2.5' }, { input: 1, expected: null }), 'regression');
  assert.deepEqual(reg.items.map((i) => i.expected), [2.5]);
  assert.deepEqual(reg.rejected.map((x) => [x.line, x.code]), [[2, 'invalid_type'], [3, 'invalid_type']]);
  const gen = parseGoldenSet(jsonl({ input: 'q' }, { input: 'q', expected: 'a reference answer' }, { input: 'q', expected: { facts: ['x'] } }), 'generative');
  assert.deepEqual(gen.items.map((i) => i.expected), [null, 'a reference answer', { facts: ['x'] }]);
  assert.equal(gen.rejectedCount, 0);
});

test('limits: the first 100 rejections are listed, all are counted; lines over 64 KiB are rejected', () => {
  const bad = Array.from({ length: 150 }, () => 'nope').join('\n');
  const r = parseGoldenSet(bad, 'classification');
  assert.equal(r.rejected.length, GOLDEN_LIMITS.listedRejections);
  assert.equal(r.rejectedCount, 150);
  assert.equal(r.rejected[99]!.line, 100);
  const long = JSON.stringify({ input: 'é'.repeat(33_000), expected: 'a' }); // 66 000 bytes in UTF-8, 33 000 characters
  const r2 = parseGoldenSet(`${long}\n${JSON.stringify({ input: 'x'.repeat(60_000), expected: 'a' })}`, 'classification');
  assert.deepEqual(r2.rejected.map((x) => [x.line, x.code]), [[1, 'line_too_long']]);
  assert.equal(r2.items.length, 1);
});

test(`limits: at most ${GOLDEN_LIMITS.examples} examples; the rest are rejected`, () => {
  const text = Array.from({ length: GOLDEN_LIMITS.examples + 2 }, (_, i) => `{"input":${i},"expected":"a"}`).join('\n');
  const r = parseGoldenSet(text, 'classification');
  assert.equal(r.items.length, GOLDEN_LIMITS.examples);
  assert.equal(r.rejectedCount, 2);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.code]), [[200_001, 'too_many_examples'], [200_002, 'too_many_examples']]);
});

test('a segment or id called __proto__ stays data', () => {
  const r = parseGoldenSet(jsonl({ id: '__proto__', input: 1, expected: 'a', segment: '__proto__' }), 'classification');
  assert.equal(r.items[0]!.id, '__proto__');
  assert.equal(Object.getOwnPropertyDescriptor(r.segments, '__proto__')?.value, 1);
});
