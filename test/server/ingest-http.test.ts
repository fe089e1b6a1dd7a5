/**
 * POST /v1/events and the report through real HTTP and a real SQLite file (DESIGN §3.1, §3.3).
 * Expected numbers are worked out by hand in the comments next to each assertion.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: fraud-scorer, owner: fraud-ml, oncall: sre-payments, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.99, latency: 0.9, quality: 0.8}
  latency:
    classes:
      - {name: short, when: "input.tokens <= 512", thresholdMs: 300}
      - {name: long, thresholdMs: 2000}
  quality: {minSamples: 5, sources: [human, ground_truth]}
  cohorts: [region]
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: other-svc, owner: team-b, oncall: sre-b, tier: 2}
spec:
  task: classification
  objectives: {quality: 0.5}
`;

const NOW = Date.parse('2026-11-28T10:00:00Z');
const at = (minutesAgo: number, sec = 0): string => new Date(NOW - minutesAgo * 60_000 + sec * 1000).toISOString();

function inference(id: string, o: { tokens: number; latencyMs: number; label?: string; region?: string; minutesAgo?: number }) {
  return {
    kind: 'inference', id, service: 'fraud-scorer', model: 'v7', ts: at(o.minutesAgo ?? 30), latencyMs: o.latencyMs, status: 'ok',
    input: { tokens: o.tokens }, cohort: { region: o.region ?? 'eu' }, prediction: { label: o.label ?? 'legit', score: 0.9 },
  };
}
function failure(id: string, errorType: string) {
  return { kind: 'inference', id, service: 'fraud-scorer', model: 'v7', ts: at(30), status: 'error', errorType };
}
function outcome(requestId: string, label: string, source = 'ground_truth', minutesAgo = 10) {
  return { kind: 'outcome', requestId, service: 'fraud-scorer', ts: at(minutesAgo), source, label };
}
const ndjson = (items: unknown[]): string => items.map((i) => JSON.stringify(i)).join('\n');

let s: TestServer;
let ingest: string;
let read: string;

before(async () => {
  s = await startTestServer(SPEC, NOW, { maxBodyBytes: 64 * 1024 });
  ingest = await s.key('ingest');
  read = await s.key('read');
});
after(async () => s.stop());

test('healthz answers without a key; other routes need one', async () => {
  assert.equal((await s.get('/healthz')).status, 200);
  const r = await s.get('/v1/services');
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, 'MLSLO_ERR_UNAUTHENTICATED');
  assert.equal((await s.get('/v1/services', 'mlslo_nope_nope')).status, 401);
});

test('roles: an ingest key reads nothing, a read key writes nothing', async () => {
  const r1 = await s.get('/v1/services/fraud-scorer/report', ingest);
  assert.equal(r1.status, 403);
  assert.equal(r1.json.error.code, 'MLSLO_ERR_FORBIDDEN');
  const r2 = await s.post('[]', read);
  assert.equal(r2.status, 403);
});

test('a batch is judged item by item: valid items are stored beside rejected ones', async () => {
  const batch = [
    // 10 short requests: 8 within 300 ms, 2 over.
    ...Array.from({ length: 8 }, (_, i) => inference(`s${i}`, { tokens: 100, latencyMs: 100, region: i < 4 ? 'eu' : 'us' })),
    inference('s8', { tokens: 512, latencyMs: 400 }),
    inference('s9', { tokens: 200, latencyMs: 301, region: 'us' }),
    // 5 long requests: 4 within 2000 ms, 1 over.
    ...Array.from({ length: 4 }, (_, i) => inference(`l${i}`, { tokens: 4000, latencyMs: 1500 })),
    inference('l4', { tokens: 513, latencyMs: 2500 }),
    failure('e0', 'gpu_oom'),
    failure('e1', 'timeout'),
    failure('e2', 'client_error'), // excluded by default
    // Rejected items, each with its index, code and JSON pointer:
    { ...inference('bad0', { tokens: 1, latencyMs: 1 }), latencyMs: '12' },
    { ...inference('bad1', { tokens: 1, latencyMs: 1 }), ts: '2026-11-28T09:00:00' },
    { ...inference('bad2', { tokens: 1, latencyMs: 1 }), service: 'nope' },
    { ...inference('bad3', { tokens: 1, latencyMs: 1 }), ts: at(8 * 24 * 60) },
    { ...inference('bad4', { tokens: 1, latencyMs: 1 }), ts: at(-11) },
    { ...inference('bad5', { tokens: 1, latencyMs: 1 }), lantency: 3 },
  ];
  const r = await s.post(JSON.stringify(batch), ingest);
  assert.equal(r.status, 200);
  assert.equal(r.json.accepted, 18);
  assert.equal(r.json.duplicates, 0);
  assert.deepEqual(r.json.rejected.map((x: { index: number; code: string; path: string }) => [x.index, x.code, x.path]), [
    [18, 'invalid_type', '/latencyMs'],
    [19, 'invalid_timestamp', '/ts'],
    [20, 'unknown_service', '/service'],
    [21, 'too_old', '/ts'],
    [22, 'too_new', '/ts'],
    [23, 'unknown_field', '/lantency'],
  ]);
  for (const x of r.json.rejected) assert.ok(x.message.length > 10, x.message);
});

test('replaying a batch changes nothing; the same id with other content is a conflict', async () => {
  const r = await s.post(JSON.stringify([inference('s0', { tokens: 100, latencyMs: 100, region: 'eu' }), inference('s1', { tokens: 100, latencyMs: 999 })]), ingest);
  assert.equal(r.status, 200);
  assert.equal(r.json.accepted, 0);
  assert.equal(r.json.duplicates, 1);
  assert.deepEqual(r.json.rejected.map((x: { index: number; code: string }) => [x.index, x.code]), [[1, 'conflict']]);
});

test('outcomes join before and after their inference; human beats ground truth', async () => {
  // Ten labels: s0..s7 correct, l0 and l1 wrong → 8 good of 10.
  const labels = [...['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'].map((id) => outcome(id, 'legit')), outcome('l0', 'fraud'), outcome('l1', 'fraud')];
  // l2: ground truth says correct, a human later says wrong → counts as bad: 8 good of 11.
  labels.push(outcome('l2', 'legit', 'ground_truth', 12), outcome('l2', 'fraud', 'human', 5));
  // An outcome for a request not yet seen is held as an orphan…
  labels.push(outcome('late-1', 'legit'));
  const gz = gzipSync(ndjson(labels));
  const r = await s.post(gz, ingest, { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.accepted, 13);
  // …and joins when its inference arrives (good: 9 of 12 judged).
  const r2 = await s.post(JSON.stringify([inference('late-1', { tokens: 100, latencyMs: 50, minutesAgo: 20 })]), ingest);
  assert.equal(r2.json.accepted, 1);
});

test('NDJSON: a line that is not JSON is rejected alone', async () => {
  const body = `${JSON.stringify(failure('e3', 'model_load'))}\n{not json\n\n${JSON.stringify(failure('e4', 'oom'))}\n`;
  const r = await s.post(body, ingest, { 'content-type': 'application/x-ndjson' });
  assert.equal(r.status, 200);
  assert.equal(r.json.accepted, 2);
  assert.deepEqual(r.json.rejected.map((x: { index: number; code: string }) => [x.index, x.code]), [[1, 'invalid_json']]);
});

test('a JSON array that does not parse is a 400 and stores nothing; bodies over the limit are 413', async () => {
  const bad = `[${JSON.stringify(failure('never-1', 'oom'))},`;
  const r = await s.post(bad, ingest);
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'MLSLO_ERR_BODY_INVALID_JSON');
  const big = JSON.stringify(Array.from({ length: 600 }, (_, i) => failure(`never-big-${i}`, 'oom')));
  assert.ok(big.length > 64 * 1024);
  const r2 = await s.post(big, ingest);
  assert.equal(r2.status, 413);
  // A gzip bomb: 64 KiB limit, 10 MiB of zeros inflating from ~10 KiB.
  const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
  const r3 = await s.post(bomb, ingest, { 'content-encoding': 'gzip' });
  assert.equal(r3.status, 413);
  assert.equal(r3.json.error.code, 'MLSLO_ERR_BODY_TOO_LARGE');
  const r4 = await s.post(JSON.stringify({ kind: 'inference' }), ingest);
  assert.equal(r4.status, 400);
  assert.equal(r4.json.error.code, 'MLSLO_ERR_BODY_NOT_ARRAY');
});

test('a key scoped to one service may not write another', async () => {
  const scoped = await s.key('ingest', 'other-svc');
  const r = await s.post(JSON.stringify([failure('e9', 'oom')]), scoped);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.rejected.map((x: { code: string; path: string }) => [x.code, x.path]), [['forbidden_service', '/service']]);
});

function checkReport(r: any): void {
  // Eligible: 16 ok + 4 errors (gpu_oom, timeout, model_load, oom) = 20; client_error excluded.
  assert.equal(r.errors.total, 20);
  assert.equal(r.errors.good, 16);
  assert.equal(r.errors.excluded, 1);
  assert.deepEqual(r.errors.byType, { gpu_oom: 1, timeout: 1, model_load: 1, oom: 1 });
  assert.ok(Math.abs(r.errors.sli - 16 / 20) < 1e-12);
  // budget = (1 − 0.99) · 20 = 0.2; consumed 4; remaining = 1 − 4 / 0.2 = −19.
  assert.ok(Math.abs(r.errors.budget - 0.2) < 1e-12);
  assert.ok(Math.abs(r.errors.remaining - -19) < 1e-9);
  // Latency over ok requests: short 9 of 11 within 300 ms (late-1 included), long 4 of 5 → 13 / 16.
  assert.equal(r.latency.total, 16);
  assert.equal(r.latency.good, 13);
  const short = r.latency.classes.find((c: { name: string }) => c.name === 'short');
  assert.deepEqual([short.ok, short.fast], [11, 9]);
  // Quality: 12 judged, 9 good, weights 1 → q̂ = 0.75; coverage 12 / 16; pending 4.
  assert.equal(r.quality.status, 'ok');
  assert.equal(r.quality.judged, 12);
  assert.ok(Math.abs(r.quality.qHat - 0.75) < 1e-12);
  assert.ok(Math.abs(r.quality.coverage - 12 / 16) < 1e-12);
  assert.equal(r.quality.pending, 4);
  // Wilson 95% for 9/12, by the formula with z = 1.959963984540054: [0.46769467, 0.91105833]
  assert.ok(Math.abs(r.quality.interval.lower - 0.4676946650664343) < 1e-12);
  assert.ok(Math.abs(r.quality.interval.upper - 0.9110583316059452) < 1e-12);
  // Composite: okFast · q̂ = 13 · 0.75 = 9.75 good of 20 eligible.
  assert.ok(Math.abs(r.composite.good - 9.75) < 1e-9);
  assert.ok(Math.abs(r.composite.sli - 9.75 / 20) < 1e-12);
  assert.equal(r.composite.upperBound, false);
  // Cohort region=us: s4..s7 (ok, fast, judged good) and s9 (slow, unjudged).
  const us = r.cohorts.find((c: { attr: string; value: string }) => c.attr === 'region' && c.value === 'us');
  assert.equal(us.eligible, 5);
  assert.equal(us.quality.status, 'insufficient'); // 4 judged < minSamples 5
  assert.equal(r.versions.length, 1);
  assert.equal(r.versions[0].model, 'v7');
}

test('the report counts every dimension as worked out by hand', async () => {
  const r = await s.get('/v1/services/fraud-scorer/report', read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  checkReport(r.json);
});

test('as of an earlier instant, later labels are left out', async () => {
  // At 10 minutes ago the human label on l2 (5 minutes ago) was not yet known: l2 was judged good by
  // ground truth (12 minutes ago), and the other labels (10 minutes ago) count: 10 good of 12.
  const r = await s.get(`/v1/services/fraud-scorer/report?at=${encodeURIComponent(at(10))}`, read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.quality.judged, 12);
  assert.ok(Math.abs(r.json.quality.qHat - 10 / 12) < 1e-12);
  // The burn windows are as of that instant too: 1h quality burn = (1 − 10/12) / (1 − 0.8), not the
  // (1 − 9/12) / 0.2 that the later human label makes it now.
  assert.ok(Math.abs(r.json.quality.burnRates['1h'] - (1 - 10 / 12) / (1 - 0.8)) < 1e-9, String(r.json.quality.burnRates['1h']));
  // At 11 minutes ago only l2's ground truth had arrived: 1 judged.
  const r2 = await s.get(`/v1/services/fraud-scorer/report?at=${encodeURIComponent(at(11))}`, read);
  assert.equal(r2.json.quality.judged, 1);
  assert.equal(r2.json.quality.status, 'insufficient');
});

test('bad query parameters are 400 with the catalogue code; unknown services 404', async () => {
  assert.equal((await s.get('/v1/services/fraud-scorer/report?window=30x', read)).json.error.code, 'MLSLO_ERR_QUERY_INVALID');
  assert.equal((await s.get('/v1/services/fraud-scorer/report?at=2026-11-28T09:00:00', read)).status, 400);
  assert.equal((await s.get('/v1/services/fraud-scorer/report?bogus=1', read)).status, 400);
  assert.equal((await s.get('/v1/services/nope/report', read)).status, 404);
});

test('the services list shows both services with their state', async () => {
  const r = await s.get('/v1/services', read);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.services.map((x: { name: string }) => x.name).sort(), ['fraud-scorer', 'other-svc']);
  const other = r.json.services.find((x: { name: string }) => x.name === 'other-svc');
  assert.equal(other.state, 'no_data');
});

test('a restarted server on the same data file has lost nothing', async () => {
  await s.restart();
  const r = await s.get('/v1/services/fraud-scorer/report', read);
  assert.equal(r.status, 200);
  checkReport(r.json);
});
