// Bad OpenSLO input: every problem reported with file, position, document and field; nothing crashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { importOpenSlo } from '../../src/openslo/import.ts';
import { FIXTURES, formatted, importFixtures, importTexts, noteAt } from './helpers.ts';

test('invalid.bad.yaml: exactly the expected messages, and no spec', () => {
  const r = importFixtures('invalid.bad.yaml');
  assert.deepEqual(formatted(r.notes), readFileSync(join(FIXTURES, 'invalid.bad.expected'), 'utf8').trimEnd().split('\n'));
  assert.deepEqual([r.services, r.yaml], [[], '']);
});

test('a document that does not fit does not stop the valid ones', () => {
  const good = 'apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: ok}\nspec: {service: shop, indicatorRef: shop-errors, objectives: [{target: 0.99}]}\n';
  const sli = 'apiVersion: openslo/v1\nkind: SLI\nmetadata: {name: shop-errors}\nspec: {ratioMetric: {good: {metricSource: {type: A}}, total: {metricSource: {type: A}}}}\n';
  const r = importTexts(readFileSync(join(FIXTURES, 'invalid.bad.yaml'), 'utf8'), good, sli);
  assert.deepEqual(r.services, [{ name: 'shop', dimensions: ['errors'] }]);
});

test('fields of the wrong type are named', () => {
  const r = importTexts('apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x, annotations: {a: [1]}}\nspec: {service: s, indicatorRef: i, objectives: [{target: "high", op: about}], timeWindow: [{duration: 1d}, {duration: 2d}]}\n');
  assert.equal(noteAt(r, 'SLO/x', 'metadata.annotations.a').message, 'must be a string, got [1]');
  assert.equal(noteAt(r, 'SLO/x', 'spec.objectives[0].target').message, 'must be a number, got `high`');
  assert.equal(noteAt(r, 'SLO/x', 'spec.objectives[0].op').message, 'must be one of `lte`, `gte`, `lt`, `gt`, got `about`');
  assert.equal(noteAt(r, 'SLO/x', 'spec.timeWindow').message, 'must hold exactly one item, got 2');
});

test('unreadable input of any shape never throws', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 3 })),
  })).value;
  const kind = fc.constantFrom('Service', 'SLO', 'SLI', 'DataSource', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget');
  // OpenSLO-shaped documents with arbitrary parts, and arbitrary text.
  const doc = fc.record({ apiVersion: fc.constantFrom('openslo/v1', 'openslo/v2'), kind, metadata: fc.oneof(json, fc.record({ name: fc.string(), annotations: json })), spec: json });
  fc.assert(fc.property(fc.array(fc.oneof(doc, json), { maxLength: 4 }), fc.string(), (docs, text) => {
    importOpenSlo([{ file: 'a.yaml', text: docs.map((d) => stringify(d)).join('---\n') }, { file: 'b.yaml', text }]);
  }), { numRuns: 300 });
});
