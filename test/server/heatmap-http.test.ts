/**
 * `GET …/quality/heatmap` end to end (docs/api.md): three days of labelled traffic in three regions,
 * one day's labels late. Expected cells are worked out here from the counts: judged, q̂ = good/judged,
 * Wilson intervals (core/stats/wilson.ts, checked against scipy), and flags that hold by construction.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { wilson } from '../../src/core/stats/wilson.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: clf, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {quality: 0.8}
  quality: {minSamples: 10}
  cohorts: [region, language]
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: plain, owner: ml, oncall: sre, tier: 2}
spec: {task: classification}
`;

const NOW = Date.parse('2026-11-28T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 86_400_000;
const D1 = Date.parse('2026-11-26T00:00:00Z');
const D2 = D1 + DAY;
const D3 = D2 + DAY;
const iso = (t: number): string => new Date(t).toISOString();

let seq = 0;
/** `n` requests of `region` at `start` + 9h, the first `judged` labelled at `labelAt`, the first `good` of those right. */
function batch(start: number, region: string, n: number, judged: number, good: number, labelAt = start + 10 * HOUR): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const id = `h${seq++}`;
    out.push({ kind: 'inference', id, service: 'clf', ts: iso(start + 9 * HOUR + i * 1000), status: 'ok', latencyMs: 10,
      cohort: { region, language: 'en' }, prediction: { label: 'yes' } });
    if (i < judged) out.push({ kind: 'outcome', requestId: id, service: 'clf', ts: iso(labelAt), source: 'ground_truth', label: i < good ? 'yes' : 'no' });
  }
  return out;
}

// Nov 26: eu 3/12 right, us 12/12.  Nov 27: eu 9/12 (labelled Nov 28 01:00), us 11/12.
// Nov 28: eu 5/5 (under minSamples), us 18/20, apac 4 requests never labelled.
const TRAFFIC = [
  ...batch(D1, 'eu', 12, 12, 3), ...batch(D1, 'us', 12, 12, 12),
  ...batch(D2, 'eu', 12, 12, 9, D3 + HOUR), ...batch(D2, 'us', 12, 12, 11),
  ...batch(D3, 'eu', 5, 5, 5), ...batch(D3, 'us', 20, 20, 18), ...batch(D3, 'apac', 4, 0, 0),
];

let s: TestServer;
let read: string;

before(async () => {
  s = await startTestServer(SPEC, NOW);
  const ingest = await s.key('ingest');
  read = await s.key('read');
  const r = await s.post(JSON.stringify(TRAFFIC), ingest);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.rejected, []);
});
after(async () => s.stop());

async function get(path: string): Promise<any> {
  const r = await s.get(path, read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}

const ok = (day: string, good: number, judged: number, flags: string[] = []) =>
  ({ day, judged, qHat: good / judged, interval: wilson(good, judged), status: 'ok', flags });
const insufficient = (day: string, judged: number) => ({ day, judged, qHat: null, interval: null, status: 'insufficient', flags: [] });

test('cells per region and day, rows worst first by their whole-period q̂', async () => {
  const body = await get('/v1/services/clf/quality/heatmap?days=3');
  assert.equal(body.attr, 'region', 'the first declared attribute by default');
  assert.deepEqual(body.days, ['2026-11-26', '2026-11-27', '2026-11-28']);
  assert.equal(body.from, iso(D1));
  assert.equal(body.asOf, iso(NOW));
  assert.equal(body.objective, 0.8);
  // Whole period: eu 17/29 = 0.586, us 41/44 = 0.932, apac nothing judged → eu, us, apac.
  assert.deepEqual(body.rows.map((r: { value: string }) => r.value), ['eu', 'us', 'apac']);
  const [eu, us, apac] = body.rows;
  // Nov 26 eu: 3/12, Wilson upper 0.53 < 0.8 → below-objective; against us's 12/12, z = −3.79 (p ≈ 2e-4,
  // BH over the two values ≈ 2e-4) → worse-than-rest. Nov 27 eu 9/12: upper 0.91 ≥ 0.8 and p ≈ 0.27.
  assert.deepEqual(eu.cells, [ok('2026-11-26', 3, 12, ['below-objective', 'worse-than-rest']), ok('2026-11-27', 9, 12), insufficient('2026-11-28', 5)]);
  assert.deepEqual(us.cells, [ok('2026-11-26', 12, 12), ok('2026-11-27', 11, 12), ok('2026-11-28', 18, 20)]);
  assert.deepEqual(apac.cells, [insufficient('2026-11-26', 0), insufficient('2026-11-27', 0), insufficient('2026-11-28', 0)]);
  // Whole period eu 17/29: upper 0.75 < 0.8; against us's 41/44, z ≈ −3.6 → both flags.
  assert.deepEqual(eu.overall, { judged: 29, qHat: 17 / 29, interval: wilson(17, 29), status: 'ok', flags: ['below-objective', 'worse-than-rest'] });
  assert.deepEqual(us.overall, { judged: 44, qHat: 41 / 44, interval: wilson(41, 44), status: 'ok', flags: [] });
  assert.deepEqual(apac.overall, { judged: 0, qHat: null, interval: null, status: 'insufficient', flags: [] });
});

test('as of a past instant, labels learned later are not counted', async () => {
  // At Nov 27 23:00 the eu labels of Nov 27 (learned Nov 28 01:00) are unknown; Nov 28 has not begun.
  const body = await get(`/v1/services/clf/quality/heatmap?attr=region&days=2&at=${iso(D3 - HOUR)}`);
  assert.deepEqual(body.days, ['2026-11-26', '2026-11-27']);
  assert.deepEqual(body.rows.map((r: { value: string }) => r.value), ['eu', 'us']);
  assert.deepEqual(body.rows[0].cells, [ok('2026-11-26', 3, 12, ['below-objective', 'worse-than-rest']), insufficient('2026-11-27', 0)]);
  assert.deepEqual(body.rows[1].cells, [ok('2026-11-26', 12, 12), ok('2026-11-27', 11, 12)]);
  // eu's period is its Nov 26 alone: 3/12.
  assert.equal(body.rows[0].overall.qHat, 0.25);
});

test('another attribute, and the default of 14 days', async () => {
  const body = await get('/v1/services/clf/quality/heatmap?attr=language');
  assert.equal(body.days.length, 14);
  assert.equal(body.days[13], '2026-11-28');
  assert.deepEqual(body.rows.map((r: { value: string }) => r.value), ['en']);
  const cells = body.rows[0].cells;
  assert.deepEqual(cells.slice(0, 11).map((c: { judged: number }) => c.judged), Array(11).fill(0));
  // One value is the whole traffic: estimated, never tested against an empty rest; Nov 26's 15/24 has
  // Wilson upper bound 0.788 < 0.8, so it is below the objective all the same.
  assert.ok(wilson(15, 24)!.upper < 0.8);
  assert.deepEqual(cells[11], ok('2026-11-26', 15, 24, ['below-objective']));
  assert.deepEqual(cells[12], ok('2026-11-27', 20, 24));
  assert.deepEqual(cells[13], ok('2026-11-28', 23, 25));
});

test('attr must be a declared cohort attribute; days 1 to 400', async () => {
  for (const path of ['/v1/services/clf/quality/heatmap?attr=country', '/v1/services/plain/quality/heatmap', '/v1/services/clf/quality/heatmap?days=0', '/v1/services/clf/quality/heatmap?days=401', '/v1/services/clf/quality/heatmap?days=x']) {
    const r = await s.get(path, read);
    assert.equal(r.status, 400, path);
    assert.equal(r.json.error.code, 'MLSLO_ERR_QUERY_INVALID', path);
  }
});
