import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, evaluateCondition } from '../../src/core/input-class.ts';
import type { Comparison, Condition, LatencyClass } from '../../src/core/spec.ts';

const cond = (...all: Comparison[]): Condition => ({ source: 'test', all });
const cmp = (path: string, op: Comparison['op'], value: Comparison['value']): Comparison => ({ path: path.split('.'), op, value });

test('numeric comparisons through nested paths', () => {
  const root = { input: { tokens: 512, lang: 'pt' } };
  assert.equal(evaluateCondition(cond(cmp('input.tokens', '<=', 512)), root), true);
  assert.equal(evaluateCondition(cond(cmp('input.tokens', '<', 512)), root), false);
  assert.equal(evaluateCondition(cond(cmp('input.tokens', '>=', 512)), root), true);
  assert.equal(evaluateCondition(cond(cmp('input.tokens', '>', 100)), root), true);
  assert.equal(evaluateCondition(cond(cmp('input.tokens', '==', 512)), root), true);
  assert.equal(evaluateCondition(cond(cmp('input.tokens', '!=', 512)), root), false);
});

test('conjunction: every comparison must hold; empty holds', () => {
  const root = { input: { tokens: 100, lang: 'pt' } };
  assert.equal(evaluateCondition(cond(cmp('input.tokens', '<', 200), cmp('input.lang', '==', 'pt')), root), true);
  assert.equal(evaluateCondition(cond(cmp('input.tokens', '<', 200), cmp('input.lang', '==', 'en')), root), false);
  assert.equal(evaluateCondition(cond(), root), true);
});

test('missing attributes and type mismatches make a comparison false, != included', () => {
  const root = { input: { tokens: '512', n: 1, flag: true } };
  assert.equal(evaluateCondition(cond(cmp('input.tokens', '<=', 512)), root), false);
  assert.equal(evaluateCondition(cond(cmp('input.tokens', '==', 512)), root), false);
  assert.equal(evaluateCondition(cond(cmp('input.tokens', '!=', 512)), root), false);
  assert.equal(evaluateCondition(cond(cmp('input.size', '<=', 10)), root), false);
  assert.equal(evaluateCondition(cond(cmp('input.size', '!=', 10)), root), false);
  assert.equal(evaluateCondition(cond(cmp('input.n.deeper', '==', 1)), root), false);
  assert.equal(evaluateCondition(cond(cmp('nothing.at.all', '==', 1)), root), false);
  assert.equal(evaluateCondition(cond(cmp('input.n', '==', '1')), root), false);
  assert.equal(evaluateCondition(cond(cmp('input.flag', '==', true)), root), true);
  assert.equal(evaluateCondition(cond(cmp('input.flag', '>', false)), root), false);
  assert.equal(evaluateCondition(cond(cmp('input.tokens', '==', '512')), root), true);
  // Inherited properties are not attributes.
  assert.equal(evaluateCondition(cond(cmp('input.toString', '!=', 'x')), root), false);
});

test('single-name paths over a flat object (generative scores)', () => {
  const scores = { factuality: 0.85, policy: 1 };
  assert.equal(evaluateCondition(cond(cmp('factuality', '>=', 0.8), cmp('policy', '==', 1)), scores), true);
  assert.equal(evaluateCondition(cond(cmp('factuality', '>=', 0.9)), scores), false);
});

test('classify: first match wins, the last class catches the rest', () => {
  const classes: LatencyClass[] = [
    { name: 'short', when: cond(cmp('input.tokens', '<=', 512)), thresholdMs: 300 },
    { name: 'medium', when: cond(cmp('input.tokens', '<=', 4096)), thresholdMs: 800 },
    { name: 'long', when: undefined, thresholdMs: 2000 },
  ];
  assert.equal(classify(classes, { input: { tokens: 12 } }).name, 'short');
  assert.equal(classify(classes, { input: { tokens: 512 } }).name, 'short');
  assert.equal(classify(classes, { input: { tokens: 513 } }).name, 'medium');
  assert.equal(classify(classes, { input: { tokens: 10_000 } }).name, 'long');
  assert.equal(classify(classes, { input: {} }).name, 'long');
  assert.equal(classify(classes, {}).name, 'long');
  // The last class is the catch-all even when it carries a condition.
  const strictLast: LatencyClass[] = [{ name: 'only', when: cond(cmp('input.x', '==', 1)), thresholdMs: 1 }];
  assert.equal(classify(strictLast, {}).name, 'only');
  assert.throws(() => classify([], {}), RangeError);
});
