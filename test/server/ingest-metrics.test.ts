/**
 * The ingest hooks behind /metrics (src/server/metrics/server-metrics.ts `ingestHooks`) on the real
 * writer and in-memory store: a verdict that overrides an earlier one, and a full queue. The queue fills
 * synchronously (the writer takes the first batch at once, the second waits, the third is refused), so
 * nothing here depends on timing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ingestor } from '../../src/ingest/ingest.ts';
import { ServerMetrics } from '../../src/server/metrics/server-metrics.ts';
import { parseSpec } from '../../src/spec/load-spec.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';

const parsed = parseSpec(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: o, oncall: s, tier: 2}
spec: {task: classification}
`, 'inline.yaml');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const specs = new Map([['svc', parsed.spec]]);
const NOW = Date.parse('2026-11-28T10:00:00Z');
const ALL = { service: undefined };

const inf = (id: string) => ({ kind: 'inference', id, service: 'svc', ts: '2026-11-28T09:00:00Z', status: 'ok', latencyMs: 10, prediction: { label: 'a' } });
const label = (id: string, source: string, value: string, ts: string) => ({ kind: 'outcome', requestId: id, service: 'svc', ts, source, label: value });

function setup(maxQueue: number) {
  const metrics = new ServerMetrics({ services: specs.keys(), gaugeTtlMs: 0, log: () => undefined });
  const writer = new Ingestor({ store: createMemoryStore(), specs: () => specs, now: () => NOW, maxEventAgeMs: 86_400_000, maxQueue, ...metrics.ingestHooks });
  const sample = async (line: string): Promise<number> => {
    const m = new RegExp(`^${line.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(await metrics.registry.metrics());
    assert.ok(m !== null, `no sample ${line}`);
    return Number(m[1]);
  };
  return { writer, sample };
}

test('an overriding verdict counts as one more arrived verdict, and nothing else', async () => {
  const { writer, sample } = setup(8);
  await writer.ingest([inf('r1'), label('r1', 'ground_truth', 'a', '2026-11-28T09:30:00Z')], ALL);
  // A human says otherwise later: the request's verdict turns bad. Quality: 2 verdicts arrived, 1 good;
  // errors and latency still count the one request once.
  await writer.ingest([label('r1', 'human', 'b', '2026-11-28T09:45:00Z')], ALL);
  assert.equal(await sample('mlslo_sli_events_total{service="svc",sli="quality"}'), 2);
  assert.equal(await sample('mlslo_sli_good_events_total{service="svc",sli="quality"}'), 1);
  assert.equal(await sample('mlslo_quality_verdict_weight_total{service="svc"}'), 2);
  assert.equal(await sample('mlslo_sli_events_total{service="svc",sli="errors"}'), 1);
  assert.equal(await sample('mlslo_sli_events_total{service="svc",sli="latency"}'), 1);
  assert.equal(await sample('mlslo_ingest_commit_duration_seconds_count'), 2);
});

test('a batch refused by a full queue is counted, and its items are not', async () => {
  const { writer, sample } = setup(1);
  const first = writer.ingest([inf('q1')], ALL); // taken by the writer at once
  const second = writer.ingest([inf('q2')], ALL); // waits: the queue is full
  await assert.rejects(writer.ingest([inf('q3')], ALL), /busy/);
  await Promise.all([first, second]);
  assert.equal(await sample('mlslo_ingest_overloaded_batches_total'), 1);
  assert.equal(await sample('mlslo_ingest_items_total{result="accepted"}'), 2);
  assert.equal(await sample('mlslo_sli_events_total{service="svc",sli="errors"}'), 2);
});
