/**
 * Baseline uploads over real HTTP into SQLite (DESIGN §2.6, docs/baselines.md): JSONL and CSV (gzip too),
 * type inference vs the spec's declared types, per-line rejections, scopes, and the values as stored.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { openStore } from '../../src/store/open-store.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
let s: TestServer;
let admin: string;
let ingest: string;
let read: string;

before(async () => {
  s = await startTestServer(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: fraud-scorer, owner: risk-ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {quality: 0.9}
  drift:
    features: {code: categorical}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: churn, owner: churn-ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {quality: 0.9}
`, NOW);
  admin = await s.key('admin');
  ingest = await s.key('ingest', 'fraud-scorer');
  read = await s.key('read');
});
after(() => s.stop());

async function upload(body: string | Buffer, key: string, type: string, query = '', service = 'fraud-scorer', extra: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.url}/v1/services/${service}/baselines${query}`, {
    method: 'POST', body, headers: { 'content-type': type, authorization: `Bearer ${key}`, ...extra },
  });
  return { status: res.status, json: await res.json() };
}

async function stored(model?: string) {
  const store = await openStore(`${s.dir}/data`);
  try {
    return await store.getBaseline('fraud-scorer', model);
  } finally {
    await store.close();
  }
}

test('JSONL: inferred types, declared types win, a bad line rejected by number, values stored', async () => {
  // amount: 10 distinct numbers → numeric; tier: 3 distinct numbers → categorical; code: 10 distinct
  // numbers but declared categorical; country: strings → categorical. Line 4 is broken.
  const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ amount: i * 1.5, tier: i % 3, code: 100 + i, country: i < 5 ? 'BR' : 'PT' }));
  lines.splice(3, 0, '{"amount": 3,');
  const r = await upload(lines.join('\n'), ingest, 'application/x-ndjson', '?model=v7');
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const message: string = r.json.rejected[0].message;
  assert.match(message, /^invalid JSON/);
  assert.match(r.json.id, /^\S+$/);
  assert.deepEqual(r.json, {
    id: r.json.id, service: 'fraud-scorer', model: 'v7', rows: 10,
    features: {
      amount: { type: 'numeric', inferred: true }, code: { type: 'categorical', inferred: false },
      country: { type: 'categorical', inferred: true }, tier: { type: 'categorical', inferred: true },
    },
    rejected: [{ line: 4, message }], rejectedCount: 1,
  });
  const b = await stored('v7');
  assert.equal(b?.createdAt, NOW);
  assert.deepEqual(b?.values.amount, [0, 1.5, 3, 4.5, 6, 7.5, 9, 10.5, 12, 13.5]);
  assert.deepEqual(b?.values.tier, ['0', '1', '2', '0', '1', '2', '0', '1', '2', '0']);
  assert.deepEqual(b?.values.code, ['100', '101', '102', '103', '104', '105', '106', '107', '108', '109']);
  assert.deepEqual(b?.values.country, ['BR', 'BR', 'BR', 'BR', 'BR', 'PT', 'PT', 'PT', 'PT', 'PT']);
});

test('CSV with gzip, by an admin key; listed newest first for a read key', async () => {
  s.clock = NOW + 60_000;
  const csv = 'latency,region,note\r\n' + Array.from({ length: 8 }, (_, i) => `${i * 10},${['eu', 'us'][i % 2]},"a, ""b"" ${i % 2}"`).join('\r\n') + '\r\n12,eu\r\n';
  const r = await upload(gzipSync(csv), admin, 'text/csv; charset=utf-8', '?model=v8', 'fraud-scorer', { 'content-encoding': 'gzip' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.rows, 8);
  assert.deepEqual(r.json.features, {
    latency: { type: 'numeric', inferred: true }, note: { type: 'categorical', inferred: true }, region: { type: 'categorical', inferred: true },
  });
  assert.deepEqual(r.json.rejected, [{ line: 10, message: 'expected 3 fields, got 2' }]);
  const b = await stored();
  assert.equal(b?.model, 'v8', 'no model asked: the newest');
  assert.deepEqual(b?.values.latency, [0, 10, 20, 30, 40, 50, 60, 70]);
  assert.deepEqual(b?.values.note?.slice(0, 2), ['a, "b" 0', 'a, "b" 1']);

  const list = await s.get('/v1/services/fraud-scorer/baselines', read);
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.baselines.map((x: any) => [x.model, x.createdAt, x.rows]), [
    ['v8', new Date(NOW + 60_000).toISOString(), 8], ['v7', new Date(NOW).toISOString(), 10],
  ]);
  assert.equal(list.json.baselines[0].values, undefined);
});

test('keys: read keys and keys of other services are refused; unknown services, media types and empty samples too', async () => {
  const line = '{"a": 1}';
  assert.equal((await upload(line, read, 'application/x-ndjson')).status, 403);
  assert.equal((await upload(line, ingest, 'application/x-ndjson', '', 'churn')).status, 403);
  assert.equal((await upload(line, admin, 'application/x-ndjson', '', 'nobody')).status, 404);
  const bad = await upload(line, admin, 'application/json');
  assert.equal(bad.status, 415);
  assert.equal(bad.json.error.code, 'MLSLO_ERR_UNSUPPORTED_MEDIA');
  const empty = await upload('not json\n', admin, 'application/x-ndjson');
  assert.equal(empty.status, 400);
  assert.equal(empty.json.error.code, 'MLSLO_ERR_BASELINE_INVALID');
  assert.equal((await upload(line, admin, 'application/x-ndjson', '?modle=v1')).status, 400);
  assert.equal((await s.get('/v1/services/fraud-scorer/baselines')).status, 401);
  assert.deepEqual((await s.get('/v1/services/churn/baselines', read)).json, { service: 'churn', baselines: [] });
});

test('a body over the 10 MiB events limit is accepted up to the baseline limit', async () => {
  const row = `${JSON.stringify({ x: 'y'.repeat(1000) })}\n`;
  const body = row.repeat(Math.ceil((11 * 1024 * 1024) / row.length));
  const r = await upload(body, admin, 'application/x-ndjson', '?model=big', 'churn');
  assert.equal(r.status, 201, JSON.stringify(r.json).slice(0, 300));
  assert.equal(r.json.rows, Math.ceil((11 * 1024 * 1024) / row.length));
});
