import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeClassification } from '../../../src/core/quality-metrics/compute.ts';
import { confusionKey, parseConfusionKey, verdictSums } from '../../../src/core/quality-metrics/contributions.ts';
import { wilson } from '../../../src/core/stats/wilson.ts';
import { assertClose, loadReference } from '../../helpers/reference.ts';
import { labelled, sumAll } from './helpers.ts';

interface Prf { precision: number; recall: number; f1: number }
interface Input { labels: string[]; y_true: string[]; y_pred: string[]; sampling_prob?: number[] }
interface Expected {
  n: number;
  accuracy: number;
  per_class: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
  macro: Prf;
  micro: Prf;
  confusion_matrix: number[][];
  hajek_accuracy?: number;
  sum_weights?: number;
}

const ref = loadReference<Input, Expected>('classification');
const RULE = { task: 'classification' } as const;

function sumsOf(c: Input) {
  return sumAll(RULE, c.y_true.map((t, i) => labelled(t, c.y_pred[i]!, 1 / (c.sampling_prob?.[i] ?? 1))));
}

test('classification.json: metrics from merged verdictSums match sklearn (rel 1e-9; counts exact)', () => {
  assert.equal(ref.cases.length, 10);
  for (const c of ref.cases) {
    const r = computeClassification(sumsOf(c.input), { labels: c.input.labels });
    const e = c.expected;
    const tol = (a: number, b: number, what: string): void => assertClose(a, b, 1e-9, 1e-12, `${c.name} ${what}`);
    assert.equal(r.n, e.n, c.name);
    assert.deepEqual(r.labels, c.input.labels);
    tol(r.accuracy.value, e.accuracy, 'accuracy');
    assert.equal(r.accuracy.n, e.n);
    c.input.labels.forEach((_, i) => {
      const pc = r.perClass[i]!;
      tol(pc.precision.value, e.per_class.precision[i]!, `precision[${i}]`);
      tol(pc.recall.value, e.per_class.recall[i]!, `recall[${i}]`);
      tol(pc.f1.value, e.per_class.f1[i]!, `f1[${i}]`);
      assert.equal(pc.support, e.per_class.support[i], c.name);
      assert.equal(pc.f1.interval, undefined);
    });
    for (const k of ['precision', 'recall', 'f1'] as const) {
      tol(r.macro[k].value, e.macro[k], `macro ${k}`);
      tol(r.micro[k].value, e.micro[k], `micro ${k}`);
    }
    assert.deepEqual(r.confusionMatrix, e.confusion_matrix, c.name);
    if (e.hajek_accuracy !== undefined) {
      tol(r.accuracy.weighted!, e.hajek_accuracy, 'hajek accuracy');
      tol(r.sumW, e.sum_weights!, 'sum of weights');
    } else {
      tol(r.accuracy.weighted!, e.accuracy, 'weighted accuracy with unit weights');
    }
  }
});

test('intervals are Wilson on each metric\'s own denominator', () => {
  const c = ref.cases.find((x) => x.name === 'three_class_strings')!;
  const r = computeClassification(sumsOf(c.input), { labels: c.input.labels });
  const correct = c.input.y_true.filter((t, i) => t === c.input.y_pred[i]).length;
  assert.deepEqual(r.accuracy.interval, wilson(correct, c.input.y_true.length));
  c.input.labels.forEach((l, i) => {
    const tp = c.input.y_true.filter((t, j) => t === l && c.input.y_pred[j] === l).length;
    const nPred = c.input.y_pred.filter((p) => p === l).length;
    const nTrue = c.input.y_true.filter((t) => t === l).length;
    assert.equal(r.perClass[i]!.precision.n, nPred);
    assert.deepEqual(r.perClass[i]!.precision.interval, wilson(tp, nPred));
    assert.equal(r.perClass[i]!.recall.n, nTrue);
    assert.deepEqual(r.perClass[i]!.recall.interval, wilson(tp, nTrue));
  });
});

test('default label order: support descending, then JSON text; predicted-only labels included', () => {
  const sums = sumAll(RULE, [labelled('b', 'b'), labelled('b', 'a'), labelled('a', 'a'), labelled('c', 'c'), labelled('a', 'z'), labelled('b', 'b')]);
  const r = computeClassification(sums);
  assert.deepEqual(r.labels, ['b', 'a', 'c', 'z']);
  assert.deepEqual(r.confusionMatrix, [[2, 1, 0, 0], [0, 1, 0, 1], [0, 0, 1, 0], [0, 0, 0, 0]]);
});

test('labels keep their type: 1 and "1" are different classes', () => {
  const sums = sumAll(RULE, [labelled(1, 1), labelled(1, '1'), labelled('1', '1')]);
  assert.equal(Object.keys(sums).filter((k) => parseConfusionKey(k) !== undefined).length, 3);
  const r = computeClassification(sums, { labels: [1, '1'] });
  assert.deepEqual(r.confusionMatrix, [[1, 1], [0, 1]]);
  assert.equal(r.accuracy.value, 2 / 3);
});

test('confusion keys round-trip any label, separators and control characters included', () => {
  for (const [t, p] of [['a|b', 'c'], ['x\u0000y', '\u0000'], [0, -1.5], ['"', '\\'], ['', 'é']] as const) {
    assert.deepEqual(parseConfusionKey(confusionKey(t, p)), { truth: t, pred: p });
  }
});

test('contributions: a classification verdict adds n, one confusion cell and calibration keys', () => {
  const s = verdictSums(RULE, { kind: 'label', label: 'x', score: 0.73 }, { kind: 'label', label: 'x' }, 4);
  assert.deepEqual(s['n'], [1, 4]);
  assert.deepEqual(s[confusionKey('x', 'x')], [1, 4]);
  assert.deepEqual(s['cal|7|n'], [1, 4]);
  assert.deepEqual(s['cal|7|p'], [0.73, 4 * 0.73]);
  assert.deepEqual(s['cal|7|pq'], [0.73 * 0.27, 4 * 0.73 * 0.27]);
  assert.deepEqual(s['cal|7|good'], [1, 4]);
  assert.ok(verdictSums(RULE, { kind: 'label', label: 'x', score: 1 }, { kind: 'label', label: 'y' }, 1)['cal|9|n']);
  assert.deepEqual(verdictSums(RULE, { kind: 'value', value: 1 }, { kind: 'label', label: 'x' }, 1), {});
  assert.deepEqual(verdictSums(RULE, { kind: 'label', label: 'x' }, { kind: 'feedback', feedback: { clicked: true } }, 1), {});
});
