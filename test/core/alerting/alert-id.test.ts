import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { alertId, type AlertKey } from '../../../src/core/alerting/alert-id.ts';

test('ids name what the alert is about', () => {
  assert.equal(alertId({ kind: 'burn', service: 'fraud-scorer', dimension: 'errors', severity: 'page' }), 'fraud-scorer/burn/errors/page');
  assert.equal(alertId({ kind: 'quality', service: 'fraud-scorer', objective: 'precision[fraud]', cohort: undefined, severity: 'ticket' }),
    'fraud-scorer/quality/precision[fraud]/ticket');
  assert.equal(alertId({ kind: 'quality', service: 'fraud-scorer', objective: 'accuracy', cohort: { attr: 'region', value: 'eu/west' }, severity: 'page' }),
    'fraud-scorer/quality/accuracy/region=eu%2Fwest/page');
  assert.equal(alertId({ kind: 'coverage', service: 'fraud-scorer', severity: 'ticket' }), 'fraud-scorer/coverage/ticket');
  assert.equal(alertId({ kind: 'drift', service: 's', feature: undefined, severity: 'ticket' }), 's/drift/dataset/ticket');
  assert.equal(alertId({ kind: 'drift', service: 's', feature: 'amount', severity: 'ticket' }), 's/drift/feature/amount/ticket');
  assert.equal(alertId({ kind: 'eval', service: 's', evalName: 'golden', segment: 'short', severity: 'ticket' }), 's/eval/golden/segment=short/ticket');
});

test('property: distinct quality keys give distinct ids, whatever the characters', () => {
  const part = fc.string({ unit: fc.constantFrom('a', '/', '=', '%', '2', 'F') , maxLength: 5 });
  const key = fc.record({ service: part, objective: part, attr: part, value: part, cohort: fc.boolean() }).map((k): AlertKey => ({
    kind: 'quality', service: k.service, objective: k.objective, severity: 'ticket',
    cohort: k.cohort ? { attr: k.attr, value: k.value } : undefined,
  }));
  fc.assert(fc.property(key, key, (a, b) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) assert.notEqual(alertId(a), alertId(b));
  }), { numRuns: 2000 });
});
