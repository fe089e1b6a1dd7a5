import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression, type ExprOptions, type ExprResult } from '../../src/spec/condition.ts';
import { WHEN_SYNTAX } from '../../src/spec/latency.ts';
import { CRITERIA_SYNTAX, FEEDBACK_SYNTAX } from '../../src/spec/quality.ts';

const ANY: ExprOptions = { or: true, bareBooleans: true, example: 'a.b', checkPath: () => undefined };
const WHEN: ExprOptions = { ...WHEN_SYNTAX, or: false };

function errors(r: ExprResult): [number, string][] {
  return r.ok ? [] : r.errors.map((e) => [e.offset, e.message]);
}

test('comparisons joined by && become one conjunction', () => {
  const r = parseExpression('input.tokens <= 512 && cohort.language == "pt"', WHEN);
  assert.deepEqual(r, { ok: true, any: [{ source: 'input.tokens <= 512 && cohort.language == "pt"', all: [
    { path: ['input', 'tokens'], op: '<=', value: 512 },
    { path: ['cohort', 'language'], op: '==', value: 'pt' },
  ] }] });
});

test('every operator and literal form', () => {
  const r = parseExpression("a<1 && b<=-2.5 && c>1e3 && d>=.5 && e==true && f!=false && g=='x y' && h!=\"q\\\"z\"", ANY);
  assert.ok(r.ok);
  assert.deepEqual(r.any[0]!.all.map((c) => [c.path.join('.'), c.op, c.value]), [
    ['a', '<', 1], ['b', '<=', -2.5], ['c', '>', 1000], ['d', '>=', 0.5], ['e', '==', true], ['f', '!=', false], ['g', '==', 'x y'], ['h', '!=', 'q"z'],
  ]);
});

test('|| splits branches, && binds tighter; bare and negated booleans', () => {
  const r = parseExpression('clicked && !followUp || dwellMs >= 10000', ANY);
  assert.deepEqual(r, { ok: true, any: [
    { source: 'clicked && !followUp', all: [{ path: ['clicked'], op: '==', value: true }, { path: ['followUp'], op: '==', value: false }] },
    { source: 'dwellMs >= 10000', all: [{ path: ['dwellMs'], op: '>=', value: 10000 }] },
  ] });
});

test('syntax errors point at the offending token', () => {
  assert.deepEqual(errors(parseExpression('', WHEN)), [[0, 'the expression is empty']]);
  assert.deepEqual(errors(parseExpression('input.tokens = 5', WHEN)), [[13, '`=` is not an operator; use `==`']]);
  assert.deepEqual(errors(parseExpression('input.tokens & 5', WHEN)), [[13, '`&` is not an operator; use `&&`']]);
  assert.deepEqual(errors(parseExpression('input.tokens <=', WHEN)), [[15, 'expected a number, a quoted string, true or false, found end of expression']]);
  assert.deepEqual(errors(parseExpression('input.tokens <= 5 &&', WHEN)), [[20, 'expected an attribute such as `input.tokens`, found end of expression']]);
  assert.deepEqual(errors(parseExpression('input. <= 5', WHEN)), [[7, 'expected a name after `.`, found `<=`']]);
  assert.deepEqual(errors(parseExpression('input.tokens', WHEN)), [[12, 'expected a comparison operator (<=, <, >=, >, ==, !=) after `input.tokens`, found end of expression']]);
  assert.deepEqual(errors(parseExpression('(input.a <= 1)', WHEN)), [[0, 'parentheses are not supported']]);
  assert.deepEqual(errors(parseExpression('input.a <= 30x', WHEN)), [[11, 'invalid number `30x`']]);
  assert.deepEqual(errors(parseExpression('input.a == "x', WHEN)), [[11, 'unterminated string']]);
  assert.deepEqual(errors(parseExpression('input.a # 1', WHEN)), [[8, 'unexpected character `#`']]);
  assert.deepEqual(errors(parseExpression('512 >= input.a', WHEN)), [[0, 'expected an attribute such as `input.tokens`, found `512`']]);
  assert.deepEqual(errors(parseExpression('!input.a', WHEN)), [[0, '`!` is not supported here; compare with `== false`']]);
});

test('without || support, || is reported and parsing goes on', () => {
  assert.deepEqual(errors(parseExpression('input.a <= 1 || tokens > 2', WHEN)), [
    [13, '`||` is not supported here: a condition is a conjunction of comparisons joined by `&&`'],
    [16, '`tokens` is not a request attribute; write `input.<name>` or `cohort.<name>`'],
  ]);
});

test('path and type errors are all collected', () => {
  assert.deepEqual(errors(parseExpression('input.lang < "m" && cohort.region == 3 && input.ok == true', WHEN)), [
    [13, '`<` compares numbers; compare a string with == or !='],
    [20, 'cohort values are strings; quote the value: `cohort.region == "3"`'],
    [42, 'request attributes are numbers or strings; `input.ok` cannot be compared with true'],
  ]);
  const crit = { ...CRITERIA_SYNTAX, or: false };
  assert.deepEqual(errors(parseExpression('a.b >= 1 && c == "x"', crit)), [
    [0, 'a criterion names one outcome score, such as `factuality`, not `a.b`'],
    [12, 'scores are numbers; compare `c` with a number'],
  ]);
  const fb = { ...FEEDBACK_SYNTAX, or: false };
  assert.deepEqual(errors(parseExpression('clicked == 1 && dwellMs == true && followup', fb)), [
    [0, '`clicked` is true or false'],
    [16, '`dwellMs` is a number'],
    [35, 'unknown feedback field `followup`; did you mean `followUp`? (fields: `clicked`, `dwellMs` and `followUp`)'],
  ]);
});
