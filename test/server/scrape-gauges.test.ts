/**
 * The scrape-time gauges on their own (src/server/metrics/scrape-gauges.ts): one computation per
 * `metricsTtl` shared by every gauge of a scrape, one service's failure kept out of the others', and the
 * `metricsTtl` config key.
 * Real registry, store, drift reader, ingest writer and report; the one stand-in is a report that fails
 * for one service, which a healthy store cannot be made to do on demand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { parseTtl, resolveConfig } from '../../src/cli/config.ts';
import type { ServiceSpec } from '../../src/core/spec.ts';
import { DriftReader } from '../../src/engine/drift.ts';
import { serviceReport } from '../../src/engine/report.ts';
import { Ingestor } from '../../src/ingest/ingest.ts';
import { installScrapeGauges, type GaugeSource } from '../../src/server/metrics/scrape-gauges.ts';
import { loadBurnPolicies, policyForPeriod } from '../../src/spec/burn-policy-file.ts';
import { parseSpecDocuments } from '../../src/spec/load-spec.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';

const SPECS = ['healthy', 'broken'].map((name) => `
apiVersion: mlslo/v1
kind: Service
metadata: {name: ${name}, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.99}
`).join('---');

const NOW = Date.parse('2026-11-28T10:00:00Z');

async function setup(ttlMs: number) {
  const { specs, problems } = parseSpecDocuments(SPECS, 'specs.yaml');
  assert.deepEqual(problems, []);
  const specMap = new Map(specs.map((s) => [s.name, s] as const));
  const policy = policyForPeriod(await loadBurnPolicies(), 7);
  const store = createMemoryStore();
  const clock = { now: NOW };
  const calls: string[] = [];
  const logged: string[] = [];
  const src: GaugeSource = {
    specs: () => specMap,
    now: () => clock.now,
    report: (spec: ServiceSpec, _windowMs, at, now) => {
      calls.push(spec.name);
      if (spec.name === 'broken') return Promise.reject(new Error('disk on fire'));
      return serviceReport(store, { spec, policy, windowMs: 7 * 86_400_000, windowLabel: '7d', at, now });
    },
    drift: new DriftReader(store, undefined),
    alerts: () => Promise.resolve([]),
    ingestor: new Ingestor({ store, specs: () => specMap, now: () => clock.now, maxEventAgeMs: 86_400_000, maxQueue: 8 }),
  };
  const registry = new Registry();
  installScrapeGauges(registry, src, { ttlMs, log: (line) => logged.push(line) });
  return { registry, clock, calls, logged };
}

test('one failing service is logged and counted; the others are still exported', async () => {
  const { registry, logged } = await setup(15_000);
  const text = await registry.metrics();
  assert.match(text, /^mlslo_slo_objective_ratio\{service="healthy",sli="errors"\} 0\.99$/m);
  assert.doesNotMatch(text, /service="broken"/);
  assert.match(text, /^mlslo_metrics_collect_errors_total\{source="report"\} 1$/m);
  assert.match(text, /^mlslo_metrics_collect_errors_total\{source="drift"\} 0$/m);
  assert.deepEqual(logged, ['metrics: cannot compute the report gauges of broken: disk on fire']);
});

test('every gauge of a scrape, and every scrape within metricsTtl, share one computation', async () => {
  const { registry, clock, calls } = await setup(15_000);
  await Promise.all([registry.metrics(), registry.metrics()]);
  await registry.metrics();
  clock.now += 14_999;
  await registry.metrics();
  assert.deepEqual(calls, ['healthy', 'broken'], 'one report per service for three scrapes within 15 s');
  clock.now = NOW + 15_000;
  await registry.metrics();
  assert.deepEqual(calls, ['healthy', 'broken', 'healthy', 'broken']);
});

test('metricsTtl 0s computes on every scrape, still once per scrape', async () => {
  const { registry, calls } = await setup(0);
  await registry.metrics();
  await registry.metrics();
  assert.deepEqual(calls, ['healthy', 'broken', 'healthy', 'broken']);
});

test('metricsTtl: a duration, or zero with a unit; anything else is a config error', () => {
  assert.equal(parseTtl(resolveConfig({}, {}, 'defaults').metricsTtl), 15_000);
  assert.equal(parseTtl(resolveConfig({ metricsTtl: '0s' }, {}, 'f.yaml').metricsTtl), 0);
  assert.equal(parseTtl('1m30s'), 90_000);
  assert.throws(() => resolveConfig({ metricsTtl: '0' }, {}, 'f.yaml'), /f\.yaml: metricsTtl must be a duration such as 15s, or 0s/);
  assert.throws(() => resolveConfig({ metricsTtl: '-5s' }, {}, 'f.yaml'), /metricsTtl must be a duration/);
});
