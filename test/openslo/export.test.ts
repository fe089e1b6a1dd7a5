// `exportOpenSlo` on the shipped examples. Expected values come from the example specs and the burn
// policy table of DESIGN §2.2 (30d: 14.4, 6, 3, 1; 28d: 13.44, 5.6, 2.8, 0.93…), not from the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import type { ServiceSpec } from '../../src/core/spec.ts';
import { exportOpenSlo } from '../../src/openslo/export.ts';
import { importOpenSlo } from '../../src/openslo/import.ts';
import { policyFor, shippedSpecs } from './helpers.ts';

async function spec(name: string): Promise<ServiceSpec> {
  const s = (await shippedSpecs()).find((x) => x.name === name);
  assert.ok(s, name);
  return s;
}

async function exported(name: string): Promise<{ text: string; docs: any[] }> {
  const s = await spec(name);
  const text = exportOpenSlo(s, await policyFor(s));
  return { text, docs: parseAllDocuments(text).map((d) => d.toJS()) };
}

const ofKind = (docs: any[], kind: string) => docs.filter((d) => d.kind === kind);
const named = (docs: any[], name: string) => docs.find((d) => d.metadata.name === name);

test('fraud-scorer: Service, mlslo DataSource, three SLOs, two targets, four conditions, eight policies, in that order', async () => {
  const { docs } = await exported('fraud-scorer');
  assert.deepEqual(docs.map((d) => `${d.kind}/${d.metadata.name}`).slice(0, 7), [
    'Service/fraud-scorer', 'DataSource/mlslo', 'SLO/fraud-scorer-errors', 'SLO/fraud-scorer-latency', 'SLO/fraud-scorer-quality',
    'AlertNotificationTarget/fraud-scorer-oncall', 'AlertNotificationTarget/fraud-scorer-owner',
  ]);
  assert.equal(ofKind(docs, 'AlertCondition').length, 4);
  assert.equal(ofKind(docs, 'AlertPolicy').length, 8);
  assert.ok(docs.every((d) => d.apiVersion === 'openslo/v1'));
  assert.deepEqual(named(docs, 'mlslo').spec.type, 'mlslo');
  assert.deepEqual(named(docs, 'fraud-scorer').metadata.annotations, {
    'mlslo/owner': 'fraud-ml', 'mlslo/oncall': 'sre-payments', 'mlslo/tier': '0', 'mlslo/task': 'classification',
    'mlslo/cohorts': '["region","cardNetwork","merchantCategory"]',
  });
});

test('quality is a ratio of mlslo\'s verdict-weight counters (q̂ with sampled labels), from the mlslo DataSource', async () => {
  const { docs } = await exported('fraud-scorer');
  const q = named(docs, 'fraud-scorer-quality');
  const source = (metric: string) => ({ metricSource: { metricSourceRef: 'mlslo', type: 'mlslo', spec: { metric, labels: { service: 'fraud-scorer' } } } });
  assert.deepEqual(q.spec.indicator.spec.ratioMetric, {
    counter: true, good: source('mlslo_quality_good_verdict_weight_total'), total: source('mlslo_quality_verdict_weight_total'),
  });
  assert.equal(q.spec.budgetingMethod, 'Occurrences');
  assert.deepEqual(q.spec.objectives, [{ displayName: 'quality', target: 0.95 }]);
  assert.equal(q.metadata.annotations['mlslo/dimension'], 'quality');
  assert.deepEqual(JSON.parse(q.metadata.annotations['mlslo/quality-objectives']).map((o: any) => [o.metric, o.target]), [['precision', 0.9], ['recall', 0.8], ['f1', 0.85]]);
});

test('latency: one lte objective per input class with the service\'s target; conditions in an annotation', async () => {
  const { docs } = await exported('fraud-scorer');
  const l = named(docs, 'fraud-scorer-latency');
  assert.deepEqual(l.spec.objectives, [
    { displayName: 'short-history', op: 'lte', value: 80, target: 0.995 },
    { displayName: 'long-history', op: 'lte', value: 150, target: 0.995 },
    { displayName: 'full-history', op: 'lte', value: 400, target: 0.995 },
  ]);
  assert.deepEqual(JSON.parse(l.metadata.annotations['mlslo/latency-classes']), [
    { name: 'short-history', when: 'input.historyLength <= 50' }, { name: 'long-history', when: 'input.historyLength <= 1000' }, { name: 'full-history' },
  ]);
  const e = named(docs, 'fraud-scorer-errors');
  assert.deepEqual(e.spec.objectives, [{ displayName: 'errors', target: 0.9995 }]);
  assert.deepEqual(JSON.parse(e.metadata.annotations['mlslo/errors-exclude']), ['client_error', 'invalid_card']);
});

test('windows: rolling 30d and 28d; the calendar month with its time zone', async () => {
  const window = async (name: string) => named((await exported(name)).docs, `${name}-errors`).spec.timeWindow;
  assert.deepEqual(await window('fraud-scorer'), [{ duration: '30d', isRolling: true }]);
  assert.deepEqual(await window('support-assistant'), [{ duration: '28d', isRolling: true }]);
  assert.deepEqual(await window('search-ranker'), [{ duration: '1M', isRolling: false, calendar: { startTime: '2024-01-01 00:00:00', timeZone: 'Europe/Berlin' } }]);
});

test('burn rows → burnrate conditions with the policy\'s factors and windows; policies route errors and latency to oncall, quality to owner', async () => {
  const { docs } = await exported('fraud-scorer');
  assert.deepEqual(ofKind(docs, 'AlertCondition').map((c) => [c.spec.severity, c.spec.condition.threshold, c.spec.condition.lookbackWindow, c.metadata.annotations['mlslo/short-window']]), [
    ['page', 14.4, '1h', '5m'], ['page', 6, '6h', '30m'], ['ticket', 3, '1d', '2h'], ['ticket', 1, '3d', '6h'],
  ]);
  for (const c of ofKind(docs, 'AlertCondition')) assert.deepEqual([c.spec.condition.kind, c.spec.condition.op], ['burnrate', 'gt']);
  const policy = named(docs, 'fraud-scorer-burn-1h-5m-owner');
  assert.deepEqual(policy.spec.conditions, [{ conditionRef: 'fraud-scorer-burn-1h-5m' }]);
  assert.deepEqual(policy.spec.notificationTargets, [{ targetRef: 'fraud-scorer-owner' }]);
  assert.equal(named(docs, 'fraud-scorer-owner').spec.target, 'fraud-ml');
  assert.equal(named(docs, 'fraud-scorer-oncall').spec.target, 'sre-payments');
  assert.deepEqual(named(docs, 'fraud-scorer-latency').spec.alertPolicies.map((p: any) => p.alertPolicyRef),
    ['fraud-scorer-burn-1h-5m-oncall', 'fraud-scorer-burn-6h-30m-oncall', 'fraud-scorer-burn-1d-2h-oncall', 'fraud-scorer-burn-3d-6h-oncall']);
  assert.ok(named(docs, 'fraud-scorer-quality').spec.alertPolicies.every((p: any) => p.alertPolicyRef.endsWith('-owner')));
});

test('a 28-day tier-2 service: factors derived for 28 days, and every row a ticket', async () => {
  const { docs } = await exported('support-assistant');
  assert.deepEqual(ofKind(docs, 'AlertCondition').map((c) => [c.spec.severity, c.spec.condition.threshold]), [
    ['ticket', 13.44], ['ticket', 5.6], ['ticket', 2.8], ['ticket', 0.933333333333],
  ]);
});

test('the header names what OpenSLO cannot hold; the output is deterministic and reads back with no schema complaint', async () => {
  const a = await exported('fraud-scorer');
  const b = await exported('fraud-scorer');
  assert.equal(a.text, b.text);
  for (const what of ['the composite SLI', 'drift', 'retrain', 'evals', 'labeling', 'minEvents 20']) assert.ok(a.text.split('\n---\n')[0]!.includes(what), what);
  for (const name of ['fraud-scorer', 'search-ranker', 'support-assistant']) {
    const r = importOpenSlo([{ file: 'x.yaml', text: (await exported(name)).text }]);
    assert.deepEqual(r.notes.filter((n) => /not read|must be|invalid/.test(n.message)), []);
  }
});
