/**
 * The response schemas (src/server/schemas/, docs/api.md) against real responses: a real server on
 * SQLite, a spec with cohorts, quality objectives and labels, latency classes, a drift baseline, a
 * retraining webhook, alerts firing and notified; then every read endpoint the dashboard uses, every
 * `by` variant, validated with ajv in strict mode. The schemas are closed, so a field added to a
 * response without its schema fails here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { AlertHistoryResponseSchema, AlertsResponseSchema, DeliveriesResponseSchema, RetrainHistoryResponseSchema } from '../../src/server/schemas/alerts.ts';
import { BaselinesResponseSchema } from '../../src/server/schemas/baselines.ts';
import { DriftResponseSchema, DriftSeriesResponseSchema } from '../../src/server/schemas/drift.ts';
import { InfoResponseSchema, WhoamiResponseSchema } from '../../src/server/schemas/info.ts';
import { HeatmapResponseSchema, QualityResponseSchema } from '../../src/server/schemas/quality.ts';
import { ReportResponseSchema } from '../../src/server/schemas/report.ts';
import { SeriesResponseSchema } from '../../src/server/schemas/series.ts';
import { ServicesResponseSchema } from '../../src/server/schemas/services.ts';
import pkg from '../../package.json' with { type: 'json' };
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// ajv-formats is CommonJS with a default export; under ESM its plugin is the module's default.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: true, allErrors: true }));
const compiled = new Map<TSchema, ValidateFunction>();

/** Validates `body` against `schema`, failing with ajv's errors (path and keyword) when it does not match. */
function check(schema: TSchema, body: unknown, what: string): void {
  let validate = compiled.get(schema);
  if (validate === undefined) compiled.set(schema, (validate = ajv.compile(schema)));
  if (!validate(body)) {
    assert.fail(`${what} does not match its schema:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(body).slice(0, 2000)}`);
  }
}

function fails(schema: TSchema, body: unknown): boolean {
  return !ajv.validate(schema, body);
}

const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;
const iso = (t: number): string => new Date(t).toISOString();

const SPEC = (hook: string): string => `
apiVersion: mlslo/v1
kind: Service
metadata: {name: rich, owner: rich-ml, oncall: sre, tier: 1}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.99, latency: 0.95, quality: 0.9}
  latency:
    classes:
      - {name: short, when: "input.tokens <= 512", thresholdMs: 300}
      - {name: long, thresholdMs: 2000}
  quality:
    minSamples: 30
    stratifyBy: [region]
    objectives:
      - {metric: recall, class: fraud, target: 0.8, perCohort: true}
      - {metric: accuracy, target: 0.95}
  cohorts: [region, language]
  drift: {features: {amount: numeric, country: categorical}, critical: [country], alertWindow: 2h, alertFor: 10m}
  notify:
    owner: {webhook: "${hook}/owner"}
    oncall: {webhook: "${hook}/oncall"}
  retrain: {webhook: "${hook}/retrain", cooldown: 1d}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: rank, owner: search, oncall: sre, tier: 2}
spec:
  task: ranking
  quality: {k: 3, minSamples: 2}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: reg, owner: pricing, oncall: sre, tier: 2}
spec:
  task: regression
  quality: {tolerance: 5, minSamples: 2, objectives: [{metric: mae, target: 3}]}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: gen, owner: assistant, oncall: sre, tier: 2}
spec:
  task: generative
  quality: {criteria: "factuality >= 0.8 && policy == 1", minSamples: 2}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: fb, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  quality: {minSamples: 2, feedback: "clicked == true && dwellMs >= 10000"}
`;

/**
 * Three days of `rich` traffic, 4 requests every 5 minutes: a third from region eu, where the model
 * misses fraud; half of them labelled 10 minutes later (samplingProb 0.5); amount shifted for eu and a
 * country the baseline never saw, so drift fires; v1 until a day ago, then v2; and a GPU-OOM burst in
 * the last 20 minutes.
 */
function richTraffic(): unknown[] {
  const items: unknown[] = [];
  let n = 0;
  for (let t = NOW - 3 * DAY; t < NOW; t += 5 * MIN) {
    for (let i = 0; i < 4; i++) {
      const id = `r${n++}`;
      const region = n % 3 === 0 ? 'eu' : 'us';
      const ts = iso(t + i * 1000);
      if (t >= NOW - 20 * MIN && i % 2 === 0) {
        items.push({ kind: 'inference', id, service: 'rich', model: 'v2', ts, status: 'error', errorType: 'gpu_oom', cohort: { region, language: 'en' } });
        continue;
      }
      items.push({
        kind: 'inference', id, service: 'rich', model: t > NOW - DAY ? 'v2' : 'v1', ts, status: 'ok', latencyMs: i === 3 ? 700 : 80,
        input: { tokens: i * 300 }, cohort: { region, language: i % 2 === 0 ? 'pt' : 'en' },
        features: { amount: 30 + ((n * 7) % 60) + (region === 'eu' ? 30 : 0), country: n % 4 === 0 ? 'BR' : 'US' },
        prediction: { label: n % 5 === 0 ? 'fraud' : 'legit', score: 0.8 },
      });
      if (n % 2 === 0) {
        const truth = (region === 'eu' && n % 3 === 0) || n % 7 === 0 || n % 5 === 0 ? 'fraud' : 'legit';
        items.push({ kind: 'outcome', requestId: id, service: 'rich', ts: iso(Math.min(t + 10 * MIN, NOW)), source: 'ground_truth', label: truth, samplingProb: 0.5 });
      }
    }
  }
  return items;
}

function taskTraffic(): unknown[] {
  const at = iso(NOW - 30 * MIN);
  const label = iso(NOW - 10 * MIN);
  const inf = (service: string, id: string, prediction?: unknown) => ({
    kind: 'inference', id, service, model: 'v1', ts: at, latencyMs: 50, status: 'ok', ...(prediction === undefined ? {} : { prediction }),
  });
  const out = (service: string, requestId: string, source: string, payload: object) => ({ kind: 'outcome', requestId, service, ts: label, source, ...payload });
  const items: unknown[] = [];
  for (let i = 0; i < 6; i++) {
    items.push(inf('rank', `k${i}`, { items: ['a', 'b', 'c', 'd'] }), out('rank', `k${i}`, 'ground_truth', { relevant: i % 2 === 0 ? ['b'] : ['z'] }));
    items.push(inf('reg', `g${i}`, { value: 100 + i }), out('reg', `g${i}`, 'ground_truth', { value: 100 + 2 * i }));
    items.push(inf('gen', `n${i}`), out('gen', `n${i}`, 'judge', { scores: { factuality: 0.5 + i / 10, policy: i % 3 === 0 ? 0 : 1, helpfulness: 0.7 } }));
    items.push(inf('fb', `f${i}`, { label: 'yes' }), out('fb', `f${i}`, 'feedback', { feedback: { clicked: i % 2 === 0, dwellMs: 20_000 } }));
  }
  return items;
}

let s: TestServer;
let hook: Receiver;
let admin: string;
let read: string;

async function get(path: string): Promise<any> {
  const r = await s.get(path, read);
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.json)}`);
  return r.json;
}

before(async () => {
  hook = await startReceiver();
  s = await startTestServer(SPEC(hook.url), NOW);
  admin = await s.key('admin');
  read = await s.key('read');
  const baseline = Array.from({ length: 300 }, (_, i) => ({
    amount: 20 + (60 * (i + 0.5)) / 300, country: i % 10 < 5 ? 'US' : i % 10 < 8 ? 'DE' : 'FR', 'prediction.label': i % 10 === 0 ? 'fraud' : 'legit',
  }));
  const up = await fetch(`${s.url}/v1/services/rich/baselines?model=v1`, {
    method: 'POST', body: baseline.map((r) => JSON.stringify(r)).join('\n'),
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${admin}` },
  });
  assert.equal(up.status, 201);
  const items = [...richTraffic(), ...taskTraffic()];
  for (let i = 0; i < items.length; i += 5000) {
    const r = await s.post(JSON.stringify(items.slice(i, i + 5000)), admin);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.rejected, []);
  }
  await s.evaluate();
  await s.dispatch();
});
after(async () => {
  await s.stop();
  await hook.close();
});

describe('every read endpoint matches its response schema', () => {
  test('GET /v1/services', async () => {
    const body = await get('/v1/services');
    check(ServicesResponseSchema, body, 'services');
    assert.equal(body.services.length, 5);
  });

  test('GET /v1/info', async () => {
    const body = await get('/v1/info');
    check(InfoResponseSchema, body, 'info');
    assert.deepEqual(body, { version: pkg.version, now: iso(NOW), demo: null });
    assert.equal((await s.get('/v1/info')).status, 401);
    check(InfoResponseSchema, { ...body, demo: { speed: 60 } }, 'info in demo mode');
  });

  test('GET /v1/whoami, for any valid key', async () => {
    const mine = await get('/v1/whoami');
    check(WhoamiResponseSchema, mine, 'whoami');
    assert.equal(mine.service, null);
    const scoped = await s.get('/v1/whoami', await s.key('labeler', 'rich'));
    assert.equal(scoped.status, 200);
    check(WhoamiResponseSchema, scoped.json, 'whoami of a scoped labeler key');
    assert.deepEqual([scoped.json.role, scoped.json.service], ['labeler', 'rich']);
    assert.equal((await s.get('/v1/whoami')).status, 401);
  });

  test('GET …/report, now and as of a past instant, for every task', async () => {
    for (const path of ['/v1/services/rich/report', `/v1/services/rich/report?window=2d&at=${iso(NOW - DAY)}`, '/v1/services/rank/report', '/v1/services/gen/report']) {
      const body = await get(path);
      check(ReportResponseSchema, body, path);
    }
    const body = await get('/v1/services/rich/report');
    assert.ok(body.cohorts.length > 0 && body.versions.length === 2 && body.burnAlerts.some((a: { firing: boolean }) => a.firing));
  });

  test('GET …/quality, every `by` and every task', async () => {
    const paths = ['', '?by=cohort', '?by=version', '?by=day', '?attr=region', '?by=cohort&attr=language', `?by=day&window=2d&at=${iso(NOW - DAY)}`]
      .map((q) => `/v1/services/rich/quality${q}`);
    for (const name of ['rank', 'reg', 'gen', 'fb']) paths.push(`/v1/services/${name}/quality?by=version`, `/v1/services/${name}/quality`);
    const tasks = new Set<string>();
    for (const path of paths) {
      const body = await get(path);
      check(QualityResponseSchema, body, path);
      tasks.add(body.overall.metrics.task);
      if (body.by !== null) assert.ok(body.groups.length > 0, path);
    }
    assert.deepEqual([...tasks].sort(), ['classification', 'generative', 'ranking', 'regression']);
    const fb = await get('/v1/services/fb/quality');
    assert.notEqual(fb.overall.proxy, null, 'the feedback proxy is exercised');
    const rich = await get('/v1/services/rich/quality?by=cohort');
    assert.ok(rich.overall.estimated !== null && rich.groups.some((g: { objectives: unknown[] }) => g.objectives.length > 0));
  });

  test('GET …/quality/heatmap', async () => {
    for (const path of ['/v1/services/rich/quality/heatmap', '/v1/services/rich/quality/heatmap?attr=language&days=5', `/v1/services/rich/quality/heatmap?days=2&at=${iso(NOW - DAY)}`]) {
      const body = await get(path);
      check(HeatmapResponseSchema, body, path);
      assert.ok(body.rows.length > 0, path);
    }
  });

  test('GET …/series, daily and hourly, now and as of', async () => {
    for (const path of ['/v1/services/rich/series', '/v1/services/rich/series?window=2d', '/v1/services/rich/series?window=3d&step=1h', `/v1/services/rich/series?window=30d&step=1d&at=${iso(NOW - DAY + 90 * MIN)}`]) {
      const body = await get(path);
      check(SeriesResponseSchema, body, path);
      assert.equal(body.points.length, body.budget.length);
    }
  });

  test('GET …/drift, with and without cohorts, and …/drift/series', async () => {
    for (const path of ['/v1/services/rich/drift', '/v1/services/rich/drift?by=cohort', '/v1/services/rich/drift?window=6h&model=v2']) {
      const body = await get(path);
      check(DriftResponseSchema, body, path);
    }
    assert.ok((await get('/v1/services/rich/drift?by=cohort')).cohorts.length > 0);
    const series = await get('/v1/services/rich/drift/series?days=4');
    check(DriftSeriesResponseSchema, series, 'drift series');
    assert.equal(series.days.length, 4);
  });

  test('GET …/baselines', async () => {
    const body = await get('/v1/services/rich/baselines');
    check(BaselinesResponseSchema, body, 'baselines');
    assert.equal(body.baselines.length, 1);
  });

  test('GET /v1/alerts and /v1/services/{name}/alerts', async () => {
    const body = await get('/v1/alerts');
    check(AlertsResponseSchema, body, 'alerts');
    const kinds = new Set(body.alerts.map((a: { kind: string }) => a.kind));
    assert.ok(kinds.has('burn') && kinds.has('quality') && kinds.has('drift'), [...kinds].join());
    const hints = new Set(body.alerts.map((a: { hint?: { kind: string } }) => a.hint?.kind));
    assert.ok(hints.has('investigate_errors') && hints.has('gate_cohort') && hints.has('retrain'), [...hints].join());
    check(AlertsResponseSchema, await get('/v1/services/rich/alerts'), 'service alerts');
  });

  test('GET /v1/alerts/history and /v1/alerts/{id}/deliveries', async () => {
    const history = await get('/v1/alerts/history?limit=1000');
    check(AlertHistoryResponseSchema, history, 'alert history');
    assert.ok(history.transitions.length > 0);
    let delivered = 0;
    for (const { id } of (await get('/v1/alerts')).alerts as Array<{ id: string }>) {
      const body = await get(`/v1/alerts/${encodeURIComponent(id)}/deliveries`);
      check(DeliveriesResponseSchema, body, `deliveries of ${id}`);
      delivered += body.deliveries.length;
    }
    assert.ok(delivered > 0);
  });

  test('GET /v1/retrain', async () => {
    const body = await get('/v1/retrain');
    check(RetrainHistoryResponseSchema, body, 'retrain');
    assert.equal(body.requests.length, 1);
    // The times are ISO, as the training webhook receives them.
    assert.deepEqual(body.requests[0].suggestedDataWindow, { from: iso(NOW - 7 * DAY), to: iso(NOW) });
    assert.deepEqual(hook.requests.filter((r) => r.path === '/retrain').map((r) => r.body.suggestedDataWindow), [body.requests[0].suggestedDataWindow]);
  });
});

test('the schemas are closed: a field the server adds without its schema fails validation', async () => {
  const report = await get('/v1/services/rich/report');
  assert.ok(fails(ReportResponseSchema, { ...report, extra: 1 }));
  assert.ok(fails(ReportResponseSchema, { ...report, quality: { ...report.quality, extra: 1 } }));
  assert.ok(fails(ReportResponseSchema, { ...report, versions: [{ ...report.versions[0], extra: 1 }] }));
  const alerts = await get('/v1/alerts');
  const [first] = alerts.alerts;
  assert.ok(fails(AlertsResponseSchema, { alerts: [{ ...first, evidence: { ...first.evidence, extra: 1 } }] }));
  const quality = await get('/v1/services/rich/quality?by=day');
  assert.ok(fails(QualityResponseSchema, { ...quality, groups: [{ ...quality.groups[0], attr: 'region' }] }), 'a day group has no attr');
  const series = await get('/v1/services/rich/series');
  assert.ok(fails(SeriesResponseSchema, { ...series, points: [{ ...series.points[0], quality: { ...series.points[0].quality, extra: 1 } }] }));
});
