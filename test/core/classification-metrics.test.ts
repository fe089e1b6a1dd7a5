import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationMetrics } from '../../src/core/stats/classification-metrics.ts';
import { assertClose, loadReference } from '../helpers/reference.ts';

interface Prf { precision: number; recall: number; f1: number }
interface Expected {
  n: number;
  accuracy: number;
  per_class: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
  macro: Prf;
  micro: Prf;
  confusion_matrix: number[][];
}

const ref = loadReference<{ labels: string[]; y_true: string[]; y_pred: string[] }, Expected>('classification');

test('every classification.json case matches sklearn (rel 1e-12; counts exact)', () => {
  assert.equal(ref.cases.length, 10);
  for (const c of ref.cases) {
    const m = classificationMetrics(c.input.labels, c.input.y_true, c.input.y_pred);
    const e = c.expected;
    assert.equal(m.n, e.n, c.name);
    assertClose(m.accuracy, e.accuracy, 1e-12, 0, `${c.name} accuracy`);
    for (const k of ['precision', 'recall', 'f1'] as const) {
      m.perClass[k].forEach((v, i) => assertClose(v, e.per_class[k][i]!, 1e-12, 0, `${c.name} ${k}[${i}]`));
      assertClose(m.macro[k], e.macro[k], 1e-12, 0, `${c.name} macro ${k}`);
      assertClose(m.micro[k], e.micro[k], 1e-12, 0, `${c.name} micro ${k}`);
    }
    assert.deepEqual(m.perClass.support, e.per_class.support, c.name);
    assert.deepEqual(m.confusionMatrix, e.confusion_matrix, c.name);
  }
});

test('labels compare by type and value', () => {
  const m = classificationMetrics([1, '1'], [1, 1, '1'], [1, '1', '1']);
  assert.deepEqual(m.confusionMatrix, [[1, 1], [0, 1]]);
  assert.equal(m.accuracy, 2 / 3);
});
