/** The label form per task and the validation of submitted labels (every problem, with its JSON pointer). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelingSpec } from '../../../src/core/spec.ts';
import { labelForm, parseSubmission, payloadOfSubmission } from '../../../src/engine/labeling/label-form.ts';

const LABELING: LabelingSpec = { dailyBudget: 10, favourUncertain: 0, overlap: 0, leaseMs: 600_000, stratifyBy: [], rubric: ['factuality', 'policy'], rubricMax: 5, gradeMax: 3 };
const paths = (r: ReturnType<typeof parseSubmission>): string[] => (r.ok ? [] : r.problems.map((p) => p.path));

test('forms: classes as given, the predicted items with gradeMax, a value, the rubric', () => {
  assert.deepEqual(labelForm('classification', LABELING, { kind: 'label', label: 'a' }, ['a', 'b']), { kind: 'class', classes: ['a', 'b'] });
  assert.deepEqual(labelForm('ranking', LABELING, { kind: 'items', items: ['x', 7] }, []), { kind: 'relevance', items: ['x', 7], gradeMax: 3 });
  assert.deepEqual(labelForm('regression', LABELING, { kind: 'value', value: 1 }, []), { kind: 'value' });
  assert.deepEqual(labelForm('generative', LABELING, undefined, []), { kind: 'rubric', criteria: ['factuality', 'policy'], max: 5 });
});

test('classification: a string or integer label', () => {
  const form = labelForm('classification', LABELING, { kind: 'label', label: 'a' }, ['a']);
  assert.deepEqual(parseSubmission({ label: 'z' }, 'classification', form), { ok: true, payload: { kind: 'label', label: 'z' }, label: { label: 'z' } });
  assert.deepEqual(paths(parseSubmission({ label: 1.5 }, 'classification', form)), ['/label']);
  assert.deepEqual(paths(parseSubmission({ label: '' }, 'classification', form)), ['/label']);
  assert.deepEqual(paths(parseSubmission({ label: 'a', extra: 1, 'x/y': 2 }, 'classification', form)), ['/extra', '/x~1y']);
  assert.deepEqual(paths(parseSubmission({ value: 2 }, 'classification', form)), ['/value', '/label']);
  assert.deepEqual(paths(parseSubmission([1], 'classification', form)), ['']);
});

test('ranking: grades of predicted items; grade ≥ 1 is relevant, in prediction order', () => {
  const prediction = { kind: 'items', items: ['p', 'q', 'r'] } as const;
  const form = labelForm('ranking', LABELING, prediction, []);
  const ok = parseSubmission({ grades: [{ item: 'r', grade: 2 }, { item: 'p', grade: 1 }, { item: 'q', grade: 0 }] }, 'ranking', form);
  assert.ok(ok.ok);
  assert.deepEqual(ok.payload, { kind: 'relevant', relevant: ['p', 'r'] });
  assert.deepEqual(ok.label, { grades: [{ item: 'p', grade: 1 }, { item: 'q', grade: 0 }, { item: 'r', grade: 2 }] });
  assert.deepEqual(payloadOfSubmission(ok.label, prediction), ok.payload);
  const none = parseSubmission({ grades: [] }, 'ranking', form);
  assert.ok(none.ok && none.payload.kind === 'relevant' && none.payload.relevant.length === 0, 'nothing relevant is a valid answer');
  const bad = parseSubmission({ grades: [{ item: 'zz', grade: 1 }, { item: 'p', grade: 4 }, { item: 'q', grade: 1, note: 'x' }, { item: 'q', grade: 1 }, 3] }, 'ranking', form);
  assert.deepEqual(paths(bad), ['/grades/0/item', '/grades/1/grade', '/grades/2/note', '/grades/3/item', '/grades/4']);
});

test('regression: a finite number', () => {
  const form = labelForm('regression', LABELING, undefined, []);
  assert.deepEqual(parseSubmission({ value: -2.5 }, 'regression', form), { ok: true, payload: { kind: 'value', value: -2.5 }, label: { value: -2.5 } });
  assert.deepEqual(paths(parseSubmission({ value: '3' }, 'regression', form)), ['/value']);
});

test('generative: every rubric criterion scored from 0 to the rubric max, nothing else', () => {
  const form = labelForm('generative', LABELING, undefined, []);
  const ok = parseSubmission({ scores: { policy: 5, factuality: 3.5 } }, 'generative', form);
  assert.deepEqual(ok, { ok: true, payload: { kind: 'scores', scores: { factuality: 3.5, policy: 5 } }, label: { scores: { factuality: 3.5, policy: 5 } } });
  assert.deepEqual(paths(parseSubmission({ scores: { factuality: 6, tone: 1 } }, 'generative', form)), ['/scores/tone', '/scores/factuality', '/scores/policy']);
});
