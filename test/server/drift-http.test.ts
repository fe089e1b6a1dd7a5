/**
 * Drift end to end over real HTTP and SQLite (DESIGN §2.6, issue 5's scenario): a baseline upload, traffic
 * with a shifted numeric feature, a new category the baseline never had and an unchanged feature, some of
 * it ingested before the baseline existed (the histograms are rebuilt for it). Expected verdicts hold by
 * construction; expected statistics are computed here from the raw values with the scipy-verified
 * raw-array functions (test/core/drift) or by hand, never read back from the drift path.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ks2samp } from '../../src/core/drift/ks.ts';
import { normedWasserstein } from '../../src/core/drift/wasserstein.ts';
import { runCli } from '../helpers/cli.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const HOUR = 3_600_000;
const MIN = 60_000;

const SPEC = (name: string, retrain = '') => `
apiVersion: mlslo/v1
kind: Service
metadata: {name: ${name}, owner: risk-ml, oncall: sre, tier: 1}
spec:
  task: classification
  window: 7d
  objectives: {quality: 0.9}
  cohorts: [region]
  drift:
    features: {amount: numeric, age: numeric, country: categorical}
    critical: [country]
    alertWindow: 2h
    alertFor: 10m
${retrain}`;

interface Row { amount: number; age: number; country: string; 'prediction.label': string }

/** Baseline: amount uniform on [20, 80], age on [18, 80] (shuffled), country US:DE:FR = 5:3:2, 10% fraud. */
function baselineRows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    amount: 20 + (60 * (i + 0.5)) / n,
    age: 18 + (62 * ((i * 7919) % n)) / n,
    country: i % 10 < 5 ? 'US' : i % 10 < 8 ? 'DE' : 'FR',
    'prediction.label': i % 10 === 0 ? 'fraud' : 'legit',
  }));
}

/**
 * Production: `n` requests in the hour before NOW, alternating region eu / us. eu's amount is shifted
 * by +20; us's is the baseline's. A quarter of all requests come from BR (never in the baseline); the rest
 * keep 5:3:2. age and the prediction keep the baseline's distribution.
 */
function production(n: number): Array<{ region: string; row: Row }> {
  let j = 0;
  return Array.from({ length: n }, (_, i) => {
    const region = i % 2 === 0 ? 'eu' : 'us';
    const k = Math.floor(i / 2);
    const half = n / 2;
    const country = i % 8 >= 6 ? 'BR' : (j++ % 10) < 5 ? 'US' : (j - 1) % 10 < 8 ? 'DE' : 'FR';
    return {
      region,
      row: {
        amount: 20 + (60 * (k + 0.5)) / half + (region === 'eu' ? 20 : 0),
        age: 18 + (62 * ((i * 7919) % n)) / n,
        country,
        'prediction.label': i % 10 === 0 ? 'fraud' : 'legit',
      },
    };
  });
}

function events(service: string, rows: Array<{ region: string; row: Row }>, offset: number): unknown[] {
  return rows.map(({ region, row }, i) => ({
    kind: 'inference', id: `${service}-${offset + i}`, service, model: 'v1',
    ts: new Date(NOW - HOUR + Math.floor(((offset + i) * HOUR) / 4000)).toISOString(),
    status: 'ok', latencyMs: 40, cohort: { region },
    features: { amount: row.amount, age: row.age, country: row.country },
    prediction: { label: row['prediction.label'], score: 0.8 },
  }));
}

let s: TestServer;
let hook: Receiver;
let admin: string;
let read: string;
const LARGE = 'drift-large';
const SMALL = 'drift-small';
const largeBaseline = baselineRows(5000);
const smallBaseline = baselineRows(400);
const traffic = production(2000);

async function upload(service: string, rows: Row[]): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.url}/v1/services/${service}/baselines`, {
    method: 'POST', body: rows.map((r) => JSON.stringify(r)).join('\n'),
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${admin}` },
  });
  return { status: res.status, json: await res.json() };
}

async function ingest(service: string, from: number, to: number): Promise<void> {
  const r = await s.post(JSON.stringify(events(service, traffic.slice(from, to), from)), admin);
  assert.equal(r.status, 200);
  assert.equal(r.json.accepted, to - from, JSON.stringify(r.json.rejected?.slice(0, 2)));
}

before(async () => {
  hook = await startReceiver();
  const retrain = `  retrain: {webhook: "${hook.url}/retrain", when: {driftFor: 10m}}\n`;
  s = await startTestServer(`${SPEC(LARGE, retrain)}---${SPEC(SMALL)}---${SPEC('drift-none')}`, NOW);
  admin = await s.key('admin');
  read = await s.key('read');
  // Half the traffic arrives before any baseline: the baseline's upload must re-bin it.
  await ingest(LARGE, 0, 1000);
  await ingest(SMALL, 0, 1000);
  assert.equal((await upload(LARGE, largeBaseline)).status, 201);
  assert.equal((await upload(SMALL, smallBaseline)).status, 201);
  await ingest(LARGE, 1000, 2000);
  await ingest(SMALL, 1000, 2000);
});
after(async () => {
  await s.stop();
  await hook.close();
});

function byName(list: any[]): Record<string, any> {
  return Object.fromEntries(list.map((f) => [f.name, f]));
}

/** Jensen–Shannon distance (natural log) of two count vectors, from its definition. */
function jsDistance(p: number[], q: number[]): number {
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  let d = 0;
  p.forEach((pc, i) => {
    const a = pc / sp;
    const b = q[i]! / sq;
    const m = (a + b) / 2;
    if (a > 0) d += 0.5 * a * Math.log(a / m);
    if (b > 0) d += 0.5 * b * Math.log(b / m);
  });
  return Math.sqrt(d);
}

test('large baseline (> 1000 rows): Wasserstein and Jensen–Shannon; the shifted feature and the new category drift, the unchanged one does not', async () => {
  const r = await s.get(`/v1/services/${LARGE}/drift?window=1h`, read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.from, '2026-11-28T11:00:00.000Z');
  assert.equal(r.json.to, '2026-11-28T12:00:00.000Z');
  assert.equal(r.json.baseline.rows, 5000);
  assert.equal(r.json.rebuilding, null);
  const f = byName(r.json.features);
  assert.deepEqual(Object.keys(f).sort(), ['age', 'amount', 'country']);
  for (const name of ['amount', 'age', 'country']) assert.equal(f[name].currentCount, 2000, `${name}: every request counted, before and after the upload`);

  assert.equal(f.amount.method, 'wasserstein');
  const amount = normedWasserstein(largeBaseline.map((x) => x.amount), traffic.map((x) => x.row.amount));
  assert.ok(Math.abs(f.amount.statistic - amount.normed) <= f.amount.errorBound + 1e-12, `${f.amount.statistic} vs ${amount.normed} ± ${f.amount.errorBound}`);
  // By hand: half the mass moves by 20; std of U[20, 80] is 60/√12 — W1/std ≈ 10 / 17.32 = 0.577.
  assert.ok(Math.abs(f.amount.statistic - 10 / (60 / Math.sqrt(12))) < 0.01);
  assert.equal(f.amount.drifted, true);

  assert.equal(f.age.method, 'wasserstein');
  assert.ok(f.age.statistic < 0.01, `age ${f.age.statistic}`);
  assert.equal(f.age.drifted, false);

  assert.equal(f.country.method, 'jensenshannon');
  // baseline US:DE:FR:BR = 2500:1500:1000:0; production 750:450:300:500
  assert.ok(Math.abs(f.country.statistic - jsDistance([2500, 1500, 1000, 0], [750, 450, 300, 500])) < 1e-12);
  assert.equal(f.country.drifted, true);
  assert.deepEqual(f.country.newCategories, [{ value: 'BR', share: 0.25 }]);
  assert.equal(f.country.psi.band, 'major', 'BR: 25% against an empty share of 1e-4');

  assert.deepEqual(r.json.dataset, { driftedShare: 2 / 3, drifted: true, evaluated: 3, driftedFeatures: ['amount', 'country'] });
  const p = byName(r.json.prediction);
  assert.equal(p['prediction.label'].drifted, false, 'the prediction mix is the baseline\'s');
});

test('small baseline (≤ 1000 rows): KS and chi-squared, equal to the raw-sample tests', async () => {
  const r = await s.get(`/v1/services/${SMALL}/drift?window=1h`, read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const f = byName(r.json.features);
  for (const name of ['amount', 'age']) {
    const raw = ks2samp(smallBaseline.map((x) => x[name as 'amount' | 'age']), traffic.map((x) => x.row[name as 'amount' | 'age']));
    assert.equal(f[name].method, 'ks');
    assert.equal(f[name].errorBound, 0, 'every distinct baseline value is a bin edge: exact');
    assert.ok(Math.abs(f[name].statistic - raw.statistic) < 1e-12, `${name} D ${f[name].statistic} vs ${raw.statistic}`);
    assert.ok(Math.abs(f[name].pValue - raw.pvalue!) <= 1e-9 * raw.pvalue! + 1e-300, `${name} p ${f[name].pValue} vs ${raw.pvalue}`);
  }
  assert.equal(f.amount.drifted, true);
  assert.equal(f.age.drifted, false);
  assert.equal(f.country.method, 'chi2');
  assert.equal(f.country.drifted, true);
  assert.equal(r.json.dataset.drifted, true);
});

test('by cohort: the shift is eu\'s; us drifts only by the new category', async () => {
  const r = await s.get(`/v1/services/${LARGE}/drift?window=1h&by=cohort`, read);
  assert.equal(r.status, 200);
  const cohorts = Object.fromEntries(r.json.cohorts.map((c: any) => [`${c.attr}=${c.value}`, c]));
  assert.deepEqual(Object.keys(cohorts).sort(), ['region=eu', 'region=us']);
  assert.deepEqual(cohorts['region=eu'].dataset.driftedFeatures, ['amount', 'country']);
  assert.equal(cohorts['region=eu'].dataset.drifted, true);
  assert.deepEqual(cohorts['region=us'].dataset.driftedFeatures, ['country']);
  assert.equal(cohorts['region=us'].dataset.drifted, false, '1 of 3 < 0.5');
  assert.equal(byName(cohorts['region=us'].features).amount.currentCount, 1000);
});

test('mlslo drift prints the verdicts, the new category and the bound; --json is the API document', async () => {
  const env = { MLSLO_URL: s.url, MLSLO_KEY: read };
  const text = await runCli(['drift', LARGE, '--window', '1h', '--by', 'cohort'], env);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^drift-large drift — 1h \(2026-11-28T11:00:00.000Z → 2026-11-28T12:00:00.000Z\)$/m);
  assert.match(text.stdout, /^DATASET DRIFT: 2 of 3 features drifted \(67%\)$/m);
  assert.match(text.stdout, /│ country \*\s+│ jensenshannon │[^\n]*│ DRIFT │[^\n]*new "BR" 25\.0%/);
  assert.match(text.stdout, /│ age\s+│ wasserstein\s+│ [0-9.]+ ±[0-9.]+\s+│ 0\.1\s+│ ok/);
  assert.match(text.stdout, /│ region=eu\s+│ DRIFT \(67%\)\s+│ amount, country/);
  const json = await runCli(['drift', LARGE, '--window', '1h', '--json'], env);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), (await s.get(`/v1/services/${LARGE}/drift?window=1h`, read)).json);
  const missing = await runCli(['drift', 'drift-none'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /has no baseline: upload one with `mlslo baseline upload drift-none FILE`/);
});

test('the daily series, a model filter and bad queries', async () => {
  const series = await s.get(`/v1/services/${LARGE}/drift/series?days=3`, read);
  assert.equal(series.status, 200);
  assert.deepEqual(series.json.days.map((d: any) => [d.day, d.requests, d.dataset.drifted]),
    [['2026-11-26', 0, false], ['2026-11-27', 0, false], ['2026-11-28', 2000, true]]);
  const none = await s.get(`/v1/services/${LARGE}/drift?window=1h&model=v9`, read);
  assert.equal(byName(none.json.features).amount.status, 'no_data');
  assert.equal(none.json.dataset.drifted, false);
  assert.equal((await s.get(`/v1/services/${LARGE}/drift?window=90m`, read)).json.error.code, 'MLSLO_ERR_QUERY_INVALID');
  assert.equal((await s.get(`/v1/services/${LARGE}/drift?by=region`, read)).status, 400);
  assert.equal((await s.get(`/v1/services/${LARGE}/drift`)).status, 401);
  assert.equal((await s.get('/v1/services/nope/drift', read)).status, 404);
  const noBaseline = await s.get('/v1/services/drift-none/drift', read);
  assert.equal(noBaseline.status, 404);
  assert.equal(noBaseline.json.error.code, 'MLSLO_ERR_BASELINE_NOT_FOUND');
});

test('drift alerts: dataset and critical-feature tickets to the owner, firing after alertFor', async () => {
  await s.evaluate();
  let alerts = (await s.get(`/v1/services/${LARGE}/alerts`, read)).json.alerts as any[];
  const ids = alerts.map((a) => `${a.id}:${a.state.kind}`).sort();
  assert.deepEqual(ids, [`${LARGE}/drift/dataset/ticket:pending`, `${LARGE}/drift/feature/country/ticket:pending`]);
  s.clock = NOW + 10 * MIN;
  await s.evaluate();
  alerts = (await s.get(`/v1/services/${LARGE}/alerts`, read)).json.alerts as any[];
  const dataset = alerts.find((a) => a.id === `${LARGE}/drift/dataset/ticket`);
  assert.equal(dataset.state.kind, 'firing');
  assert.equal(dataset.route, 'owner');
  assert.equal(dataset.hint.kind, 'retrain');
  assert.deepEqual(dataset.evidence.features.filter((x: any) => x.drifted).map((x: any) => x.name), ['amount', 'country']);
  // Drift has lasted retrain.when.driftFor (10m): the training pipeline is asked to retrain, once.
  await s.dispatch();
  const posts = hook.requests.filter((r) => r.path === '/retrain');
  assert.equal(posts.length, 1);
  assert.equal(posts[0]!.body.service, LARGE);
  assert.deepEqual(posts[0]!.body.reasons, [{ kind: 'drift', since: new Date(NOW).toISOString() }]);
  s.clock = NOW;
});

test('a production window as the reference: the same requests do not drift from themselves', async () => {
  const post = async (q: string) => {
    const res = await fetch(`${s.url}/v1/services/${LARGE}/baselines/window?${q}`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
    return { status: res.status, json: await res.json() as any };
  };
  const made = await post('from=2026-11-28T11:00:00Z&to=2026-11-28T11:30:00Z&model=v1');
  assert.equal(made.status, 201, JSON.stringify(made.json));
  assert.deepEqual([made.json.requests, made.json.rows], [2000, 2000]);
  assert.deepEqual(made.json.features.amount, { type: 'numeric', inferred: false });
  assert.deepEqual(made.json.features['prediction.label'], { type: 'categorical', inferred: true });
  const r = await s.get(`/v1/services/${LARGE}/drift?window=1h`, read);
  assert.equal(r.json.baseline.id, made.json.id);
  assert.equal(r.json.rebuilding, null, 'the stored requests were re-binned before the answer');
  const f = byName(r.json.features);
  for (const name of ['amount', 'age', 'country']) {
    assert.equal(f[name].currentCount, 2000);
    assert.equal(f[name].drifted, false, name);
  }
  assert.ok(f.amount.statistic <= f.amount.errorBound + 1e-12, 'W1 of a sample against itself is 0 within the bound');
  assert.equal(f.country.statistic, 0);
  assert.deepEqual(f.country.newCategories, []);

  const empty = await post('from=2026-11-27T11:00:00Z&to=2026-11-27T12:00:00Z');
  assert.equal(empty.status, 400);
  assert.equal(empty.json.error.code, 'MLSLO_ERR_BASELINE_INVALID');
  assert.equal((await post('from=2026-11-28T11:00:00Z')).status, 400);
  assert.equal((await post('from=2026-11-28T12:00:00Z&to=2026-11-28T11:00:00Z')).json.error.code, 'MLSLO_ERR_QUERY_INVALID');
});
