/** The daily labeling sampler on the in-memory store: candidates, strata, π, overlap, state and reruns. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceSpec } from '../../../src/core/spec.ts';
import { isOverlap, sampleDay, SamplerJob } from '../../../src/engine/labeling/sampler-job.ts';
import { Ingestor } from '../../../src/ingest/ingest.ts';
import { parseSpec } from '../../../src/spec/load-spec.ts';
import { createMemoryStore } from '../../../src/store/memory/memory-store.ts';
import type { Store } from '../../../src/store/port.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-28T06:00:00Z');
const YESTERDAY = Date.parse('2026-11-27T00:00:00Z');
const iso = (t: number): string => new Date(t).toISOString();

function specOf(yaml: string): ServiceSpec {
  const r = parseSpec(yaml, 'inline.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}

const SPEC = specOf(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: o, oncall: s, tier: 2}
spec:
  task: classification
  window: 7d
  quality: {minSamples: 5}
  cohorts: [region]
  labeling: {dailyBudget: 20, overlap: 0.25}
`);

function world(): { store: Store; ingest: (items: unknown[]) => Promise<void> } {
  const store = createMemoryStore();
  const w = new Ingestor({ store, specs: () => new Map([['svc', SPEC]]), now: () => NOW, maxEventAgeMs: 7 * DAY, maxQueue: 8 });
  return {
    store,
    async ingest(items) {
      const r = await w.ingest(items, { service: undefined });
      assert.deepEqual(r.rejected, []);
    },
  };
}

const inf = (id: string, ts: number, region: string | undefined, extra: object = { prediction: { label: 'yes', score: 0.7 } }) => ({
  kind: 'inference', id, service: 'svc', ts: iso(ts), latencyMs: 5, status: 'ok', ...(region === undefined ? {} : { cohort: { region } }), ...extra,
});

/**
 * Yesterday: 50 requests in region a, 10 in b, 3 without a region; plus what is never a candidate —
 * an error, one without a prediction, one with a human verdict, one from today, one from the day before.
 */
async function traffic(ingest: (items: unknown[]) => Promise<void>): Promise<void> {
  const items: unknown[] = [];
  for (let i = 0; i < 50; i++) items.push(inf(`a-${i}`, YESTERDAY + i * 60_000, 'a'));
  for (let i = 0; i < 10; i++) items.push(inf(`b-${i}`, YESTERDAY + i * 60_000 + 1, 'b'));
  for (let i = 0; i < 3; i++) items.push(inf(`n-${i}`, YESTERDAY + i * 60_000 + 2, undefined));
  items.push(
    { kind: 'inference', id: 'err', service: 'svc', ts: iso(YESTERDAY + 5), status: 'error', errorType: 'timeout', cohort: { region: 'a' } },
    inf('nopred', YESTERDAY + 6, 'a', {}),
    inf('human', YESTERDAY + 7, 'b'),
    { kind: 'outcome', requestId: 'human', service: 'svc', ts: iso(NOW - 60_000), source: 'human', label: 'yes' },
    inf('today', NOW - 60_000, 'a'),
    inf('before', YESTERDAY - 1, 'a'),
  );
  await ingest(items);
}

test('a day\'s sample: candidates, strata with minSamples top-ups, π as samplingProb, the overlap share', async () => {
  const { store, ingest } = world();
  await traffic(ingest);
  const run = await sampleDay(store, SPEC, YESTERDAY, NOW);
  assert.equal(run.candidates, 63);
  // Budget 20, minSamples 5: top-ups 5 (a), 5 (b), 3 ((none) has only 3); the other 7 by size among the
  // strata with room left (a 50, b 10): 7·50/60 = 5.83 → 5 and 7·10/60 = 1.17 → 1, the last one by
  // largest remainder to a → a 6, b 1.
  assert.deepEqual(run.allocation, [
    { stratum: '(none)', size: 3, alreadyLabelled: 0, topUp: 3, proportional: 0, draw: 3 },
    { stratum: 'a', size: 50, alreadyLabelled: 0, topUp: 5, proportional: 6, draw: 11 },
    { stratum: 'b', size: 10, alreadyLabelled: 0, topUp: 5, proportional: 1, draw: 6 },
  ]);
  assert.equal(run.queued, 20);
  const items = await store.listLabelItems('svc', { fromDay: 0, toDay: Number.MAX_SAFE_INTEGER, limit: 100 });
  assert.equal(items.length, 20);
  const pi: Record<string, number> = { a: 11 / 50, b: 6 / 10, '(none)': 1 };
  for (const i of items) {
    assert.equal(i.samplingProb, pi[i.stratum], i.requestId);
    assert.equal(i.day, YESTERDAY);
    assert.equal(i.createdAt, NOW);
    assert.equal(i.needed, isOverlap('svc', i.requestId, 0.25) ? 2 : 1);
    const request = JSON.parse(i.request);
    assert.deepEqual(request, {
      id: i.requestId, service: 'svc', model: '', ts: request.ts, input: {}, cohort: i.stratum === '(none)' ? {} : { region: i.stratum }, features: {},
      prediction: { label: 'yes', score: 0.7 },
    });
  }
  assert.deepEqual(items.filter((i) => i.stratum === '(none)').map((i) => i.requestId).sort(), ['n-0', 'n-1', 'n-2']);
});

test('the draw is seeded by service and day: the same data draws the same requests; a rerun adds nothing', async () => {
  const one = world();
  const two = world();
  await traffic(one.ingest);
  await traffic(two.ingest);
  const ids = async (store: Store) => (await store.listLabelItems('svc', { fromDay: 0, toDay: Number.MAX_SAFE_INTEGER, limit: 100 })).map((i) => i.requestId).sort();
  await sampleDay(one.store, SPEC, YESTERDAY, NOW);
  await sampleDay(two.store, SPEC, YESTERDAY, NOW + 1000);
  assert.deepEqual(await ids(one.store), await ids(two.store));
  const rerun = await sampleDay(one.store, SPEC, YESTERDAY, NOW + 2000);
  assert.equal(rerun.queued, 0);
});

test('labels already given in the window reduce a stratum\'s top-up', async () => {
  const { store, ingest } = world();
  await traffic(ingest);
  await sampleDay(store, SPEC, YESTERDAY, NOW);
  // Label three of the b items (as the queue does: an action per label).
  const b = (await store.listLabelItems('svc', { fromDay: 0, toDay: Number.MAX_SAFE_INTEGER, limit: 100 })).filter((i) => i.stratum === 'b').slice(0, 3);
  for (const i of b) {
    const r = await store.recordLabelAction({ itemId: i.id, service: 'svc', requestId: i.requestId, labeler: 'L', at: NOW, action: 'label', label: '{"label":"yes"}', note: null }, NOW);
    assert.equal(r.kind, 'ok');
  }
  const items: unknown[] = [];
  for (let i = 0; i < 10; i++) items.push(inf(`b2-${i}`, YESTERDAY + DAY + i * 60_000, 'b'), inf(`a2-${i}`, YESTERDAY + DAY + i * 60_000 + 1, 'a'));
  await ingest(items);
  const run = await sampleDay(store, SPEC, YESTERDAY + DAY, NOW + DAY);
  const byStratum = new Map(run.allocation.map((a) => [a.stratum, a]));
  assert.equal(byStratum.get('b')!.alreadyLabelled, 3);
  assert.equal(byStratum.get('b')!.topUp, 2, 'minSamples 5 − 3 labelled');
  assert.equal(byStratum.get('a')!.topUp, 5);
});

test('the job samples yesterday once per UTC day, remembered in the store; on-demand runs count as done', async () => {
  const { store, ingest } = world();
  await traffic(ingest);
  let now = NOW;
  const lines: string[] = [];
  const job = new SamplerJob({ store, specs: () => new Map([['svc', SPEC]]), now: () => now, log: (l) => lines.push(l) });
  const first = await job.runDue();
  assert.deepEqual(first.map((r) => [r.service, iso(r.day), r.queued]), [['svc', iso(YESTERDAY), 20]]);
  assert.deepEqual(await job.runDue(), [], 'the same day again: nothing');
  now += 17 * 3_600_000;
  assert.deepEqual(await new SamplerJob({ store, specs: () => new Map([['svc', SPEC]]), now: () => now, log: () => undefined }).runDue(), [], 'a restart remembers the day');
  assert.deepEqual(JSON.parse((await store.getState('sampler/svc'))!), { lastDay: '2026-11-27', at: iso(NOW), queued: 20 });
  now = NOW + DAY;
  await job.sample(SPEC, YESTERDAY + DAY);
  assert.deepEqual(await job.runDue(), [], 'an on-demand run of yesterday counts');
  now = NOW + 2 * DAY;
  assert.equal((await job.runDue()).length, 1);
  assert.deepEqual(lines, []);
});

test('services without labeling are left alone', async () => {
  const plain = specOf(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: plain, owner: o, oncall: s, tier: 2}
spec: {task: classification}
`);
  const store = createMemoryStore();
  const job = new SamplerJob({ store, specs: () => new Map([['plain', plain]]), now: () => NOW, log: () => undefined });
  assert.deepEqual(await job.runDue(), []);
  await assert.rejects(sampleDay(store, plain, YESTERDAY, NOW), /no labeling section/);
});
