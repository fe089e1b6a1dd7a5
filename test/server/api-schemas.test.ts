/**
 * The response schemas (src/server/schemas/, docs/api.md) against real responses: a real server on
 * SQLite, a spec with cohorts, quality objectives and labels, latency classes, a drift baseline, a
 * retraining webhook, alerts firing and notified; then every endpoint, every `by` variant, each response
 * validated with ajv in strict mode against the schema that the server's own OpenAPI document
 * (`GET /openapi.json`) gives its operation and status — so the document is checked along with the
 * schemas, and the last test fails if a documented JSON response was never checked. The schemas are
 * closed, so a field added to a response without its schema fails here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { Validator } from '@seriousme/openapi-schema-validator';
import pkg from '../../package.json' with { type: 'json' };
import { call as labelingCall } from '../helpers/labeling.ts';
import { startModelServer, type ModelServer } from '../helpers/model-server.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// ajv-formats is CommonJS with a default export; under ESM its plugin is the module's default.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;
// OpenAPI 3.1 schemas are JSON Schema 2020-12.
const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));

interface Operation {
  readonly responses: Record<string, { readonly content?: Record<string, { readonly schema: object }> }>;
}

/** The served OpenAPI document, references resolved (set up in `before`). */
let api: { readonly paths: Record<string, Record<string, Operation>> };
const compiled = new Map<string, ValidateFunction>();
/** `METHOD /path/{template} STATUS` of every documented response checked against a real one. */
const checked = new Set<string>();

/** The document's schema for the response `status` of `method url`, and its key in `checked`. */
function documented(method: string, url: string, status: number): { key: string; validate: ValidateFunction } {
  const segments = url.split('?')[0]!.split('/');
  const params = (t: string): number => t.split('{').length;
  const [template] = Object.keys(api.paths).filter((t) => {
    const parts = t.split('/');
    return api.paths[t]![method.toLowerCase()] !== undefined && parts.length === segments.length
      && parts.every((p, i) => p === segments[i] || /^\{[^}]+\}$/.test(p));
  }).sort((a, b) => params(a) - params(b));
  assert.ok(template !== undefined, `${method} ${url} is not in the OpenAPI document`);
  const responses = api.paths[template]![method.toLowerCase()]!.responses;
  const code = String(status) in responses ? String(status) : `${String(status)[0]}XX`;
  const key = `${method} ${template} ${code}`;
  let validate = compiled.get(key);
  if (validate === undefined) {
    const schema = responses[code]?.content?.['application/json']?.schema;
    assert.ok(schema !== undefined, `${key}: the document has no JSON schema for this response`);
    compiled.set(key, (validate = ajv.compile(schema)));
  }
  return { key, validate };
}

/** Validates a response against its documented schema, failing with ajv's errors (path and keyword) when it does not match. */
function check(method: string, url: string, status: number, body: unknown): void {
  const { key, validate } = documented(method, url, status);
  if (!validate(body)) {
    assert.fail(`${method} ${url} (${status}) does not match ${key}:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(body).slice(0, 2000)}`);
  }
  checked.add(key);
}

/** Whether the documented schema refuses `body` (a real response, tampered with). */
function rejects(method: string, url: string, body: unknown): boolean {
  return !documented(method, url, 200).validate(body);
}

const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;
const iso = (t: number): string => new Date(t).toISOString();

const SPEC = (hook: string, model: string): string => `
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
  labeling: {dailyBudget: 20, overlap: 1}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: rank, owner: search, oncall: sre, tier: 2}
spec:
  task: ranking
  quality: {k: 3, minSamples: 2}
  labeling: {dailyBudget: 4}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: reg, owner: pricing, oncall: sre, tier: 2}
spec:
  task: regression
  quality: {tolerance: 5, minSamples: 2, objectives: [{metric: mae, target: 3}]}
  labeling: {dailyBudget: 4}
  evals:
    endpoints:
      candidate: {url: "${model}/reg", request: {x: "{{input.x}}", id: "{{id}}"}, prediction: $.value, model: $.model}
    goldenSets:
      - {name: prices, endpoint: candidate}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: gen, owner: assistant, oncall: sre, tier: 2}
spec:
  task: generative
  quality: {criteria: "factuality >= 0.8 && policy == 1", minSamples: 2}
  labeling: {dailyBudget: 4}
  evals:
    goldenSets:
      - name: answers
        endpoint: {url: "${model}/gen", request: {q: "{{input}}"}, prediction: $.text}
        judge: {url: "${model}/judge", prediction: $.scores}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: fb, owner: ml, oncall: sre, tier: 2, public: true}
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
let model: ModelServer;
/** The model version the local model server simulates: r2 answers worse on some price examples. */
let regVersion = 'r1';
let admin: string;
let read: string;

/** GET with the read key: a 200, checked against its documented schema. */
async function get(path: string): Promise<any> {
  const r = await s.get(path, read);
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.json)}`);
  check('GET', path, 200, r.json);
  return r.json;
}

/** A labeling call (helpers/labeling.ts), its response checked against its documented schema whatever the status. */
async function call(server: TestServer, method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await labelingCall(server, method, path, key, body);
  check(method, path, r.status, r.json);
  return r;
}

before(async () => {
  hook = await startReceiver();
  model = await startModelServer((r) => {
    if (r.path === '/gen') return { body: { text: `answer to ${String(r.body.q)}` } };
    if (r.path === '/judge') return { body: { scores: { factuality: String(r.body.output).length % 2 === 0 ? 0.9 : 0.5, policy: 1 } } };
    const x = Number(r.body.x ?? 0);
    return { body: { value: regVersion === 'r2' && x % 2 === 1 ? 100 + x + 9 : 100 + x, model: regVersion } };
  });
  s = await startTestServer(SPEC(hook.url, model.url), NOW);
  const served = await s.get('/openapi.json');
  assert.equal(served.status, 200);
  const validator = new Validator();
  const valid = await validator.validate(structuredClone(served.json));
  assert.ok(valid.valid, JSON.stringify(valid.errors));
  api = validator.resolveRefs() as typeof api;
  check('GET', '/openapi.json', 200, served.json);
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
  check('POST', '/v1/services/rich/baselines?model=v1', 201, await up.json());
  const items = [...richTraffic(), ...taskTraffic()];
  for (let i = 0; i < items.length; i += 5000) {
    const r = await s.post(JSON.stringify(items.slice(i, i + 5000)), admin);
    assert.equal(r.status, 200);
    check('POST', '/v1/events', 200, r.json);
    assert.deepEqual(r.json.rejected, []);
  }
  await s.evaluate();
  await s.dispatch();
});
after(async () => {
  await s.stop();
  await hook.close();
  await model.close();
});

describe('every read endpoint matches its response schema', () => {
  test('GET /v1/services', async () => {
    const body = await get('/v1/services');
    assert.equal(body.services.length, 5);
  });

  test('GET /healthz and GET /status.json, without a key', async () => {
    for (const path of ['/healthz', '/status.json']) {
      const r = await s.get(path);
      assert.equal(r.status, 200, path);
      check('GET', path, 200, r.json);
    }
  });

  test('GET /v1/info, and the error envelope', async () => {
    const body = await get('/v1/info');
    assert.deepEqual(body, { version: pkg.version, now: iso(NOW), demo: null });
    const refused = await s.get('/v1/info');
    assert.equal(refused.status, 401);
    check('GET', '/v1/info', 401, refused.json);
    check('GET', '/v1/info', 200, { ...body, demo: { speed: 60 } });
  });

  test('GET /v1/whoami, for any valid key', async () => {
    const mine = await get('/v1/whoami');
    assert.equal(mine.service, null);
    const scoped = await s.get('/v1/whoami', await s.key('labeler', 'rich'));
    assert.equal(scoped.status, 200);
    check('GET', '/v1/whoami', 200, scoped.json);
    assert.deepEqual([scoped.json.role, scoped.json.service], ['labeler', 'rich']);
    assert.equal((await s.get('/v1/whoami')).status, 401);
  });

  test('GET …/report, now and as of a past instant, for every task', async () => {
    for (const path of ['/v1/services/rich/report', `/v1/services/rich/report?window=2d&at=${iso(NOW - DAY)}`, '/v1/services/rank/report', '/v1/services/gen/report']) {
      await get(path);
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
      assert.ok(body.rows.length > 0, path);
    }
  });

  test('GET …/series, daily and hourly, now and as of', async () => {
    for (const path of ['/v1/services/rich/series', '/v1/services/rich/series?window=2d', '/v1/services/rich/series?window=3d&step=1h', `/v1/services/rich/series?window=30d&step=1d&at=${iso(NOW - DAY + 90 * MIN)}`]) {
      const body = await get(path);
      assert.equal(body.points.length, body.budget.length);
    }
  });

  test('GET …/drift, with and without cohorts, and …/drift/series', async () => {
    for (const path of ['/v1/services/rich/drift', '/v1/services/rich/drift?window=6h&model=v2']) await get(path);
    assert.ok((await get('/v1/services/rich/drift?by=cohort')).cohorts.length > 0);
    const series = await get('/v1/services/rich/drift/series?days=4');
    assert.equal(series.days.length, 4);
  });

  test('GET …/baselines', async () => {
    const body = await get('/v1/services/rich/baselines');
    assert.equal(body.baselines.length, 1);
  });

  test('POST …/baselines/window', async () => {
    const path = `/v1/services/rich/baselines/window?from=${iso(NOW - 2 * DAY)}&to=${iso(NOW - DAY)}&model=v1`;
    const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
    const body = await res.json();
    assert.equal(res.status, 201, JSON.stringify(body));
    check('POST', path, 201, body);
  });

  test('GET /v1/alerts and /v1/services/{name}/alerts', async () => {
    const body = await get('/v1/alerts');
    const kinds = new Set(body.alerts.map((a: { kind: string }) => a.kind));
    assert.ok(kinds.has('burn') && kinds.has('quality') && kinds.has('drift'), [...kinds].join());
    const hints = new Set(body.alerts.map((a: { hint?: { kind: string } }) => a.hint?.kind));
    assert.ok(hints.has('investigate_errors') && hints.has('gate_cohort') && hints.has('retrain'), [...hints].join());
    await get('/v1/services/rich/alerts');
  });

  test('GET /v1/alerts/history and /v1/alerts/{id}/deliveries', async () => {
    const history = await get('/v1/alerts/history?limit=1000');
    assert.ok(history.transitions.length > 0);
    let delivered = 0;
    for (const { id } of (await get('/v1/alerts')).alerts as Array<{ id: string }>) {
      const body = await get(`/v1/alerts/${encodeURIComponent(id)}/deliveries`);
      delivered += body.deliveries.length;
    }
    assert.ok(delivered > 0);
  });

  test('GET /v1/retrain', async () => {
    const body = await get('/v1/retrain');
    assert.equal(body.requests.length, 1);
    // The times are ISO, as the training webhook receives them.
    assert.deepEqual(body.requests[0].suggestedDataWindow, { from: iso(NOW - 7 * DAY), to: iso(NOW) });
    assert.deepEqual(hook.requests.filter((r) => r.path === '/retrain').map((r) => r.body.suggestedDataWindow), [body.requests[0].suggestedDataWindow]);
  });
});

describe('golden sets, eval runs and replays match their schemas', () => {
  const runs: any[] = [];
  let upload: any;

  /** An admin call, its response checked against its documented schema whatever the status. */
  async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
    const res = await fetch(`${s.url}${path}`, { method, headers: { authorization: `Bearer ${admin}`, ...headers }, ...(body === undefined ? {} : { body }) });
    const r = { status: res.status, json: await res.json() };
    check(method, path, r.status, r.json);
    return r;
  }

  async function started(path: string, body: unknown): Promise<any> {
    const r = await send('POST', path, JSON.stringify(body), { 'content-type': 'application/json' });
    assert.equal(r.status, 202, JSON.stringify(r.json));
    for (let i = 0; i < 200; i++) {
      const run = await get(`/v1/evals/${r.json.id}`);
      if (run.status !== 'running') return run;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    assert.fail(`run ${r.json.id} did not finish`);
  }

  before(async () => {
    // Regression: 12 examples in two segments, an unsegmented one, and a bad line; run on r1, then r2.
    const lines = [
      ...Array.from({ length: 12 }, (_, x) => JSON.stringify({ id: `p${x}`, input: { x }, expected: 100 + x, segment: x < 6 ? 'short' : 'long' })),
      JSON.stringify({ input: { x: 20 }, expected: 120 }),
      '{"input": {"x": 1}, "expected": "cheap"}',
    ];
    upload = await send('PUT', '/v1/services/reg/golden-sets/prices', lines.join('\n'), { 'content-type': 'application/x-ndjson' });
    assert.equal(upload.status, 201, JSON.stringify(upload.json));
    runs.push(await started('/v1/services/reg/evals', { goldenSet: 'prices' }));
    regVersion = 'r2';
    runs.push(await started('/v1/services/reg/evals', { goldenSet: 'prices' }));
    const gen = await send('PUT', '/v1/services/gen/golden-sets/answers', ['what', 'who', 'where', 'when'].map((q) => JSON.stringify({ input: q, expected: null })).join('\n'), { 'content-type': 'application/x-ndjson' });
    assert.equal(gen.status, 201, JSON.stringify(gen.json));
    runs.push(await started('/v1/services/gen/evals', { goldenSet: 'answers' }));
    runs.push(await started('/v1/services/reg/replays', { endpoint: 'candidate', from: iso(NOW - DAY), size: 4 }));
  });

  test('PUT …/golden-sets/{set} and GET …/golden-sets', async () => {
    assert.equal(upload.json.rejectedCount, 1);
    for (const name of ['reg', 'gen', 'rich']) await get(`/v1/services/${name}/golden-sets`);
  });

  test('GET /v1/evals/{id}: golden runs with segments, versions, comparisons and scores; a generative run; a replay', () => {
    for (const r of runs) assert.equal(r.status, 'done', r.error);
    const [first, second, gen, replay] = runs;
    assert.deepEqual(first.summary.comparisons, []);
    assert.ok(second.summary.comparisons.some((c: any) => c.against === 'model_version' && c.model === 'r1' && c.scores !== null));
    assert.ok(second.summary.comparisons.some((c: any) => c.segment === 'long'));
    assert.ok(second.summary.score !== null && second.summary.segments.length === 3);
    assert.ok(gen.summary.score !== null && gen.summary.passRate.n === 4);
    assert.equal(replay.kind, 'replay');
    assert.equal(replay.goldenSetId, null);
    assert.deepEqual(replay.summary.comparisons.map((c: any) => [c.against, c.paired]), [['production', 4]]);
    assert.notEqual(replay.summary.weightedPassRate, null);
  });

  test('GET …/evals and GET /v1/evals/{id}/results', async () => {
    for (const path of ['/v1/services/reg/evals', '/v1/services/reg/evals?goldenSet=prices&limit=1', '/v1/services/reg/evals?kind=replay', '/v1/services/gen/evals']) {
      await get(path);
    }
    for (const r of runs) {
      for (const q of ['', '?onlyBad=true', '?offset=2&limit=3']) await get(`/v1/evals/${r.id}/results${q}`);
    }
    const replayResults = await get(`/v1/evals/${runs[3].id}/results`);
    assert.ok(replayResults.results.every((x: any) => x.requestId !== null && x.baselineVerdict !== null));
    assert.ok(rejects('GET', `/v1/evals/${runs[1].id}`, { ...runs[1], summary: { ...runs[1].summary, extra: 1 } }));
  });
});

describe('labeling matches its schemas', () => {
  test('queues, a lease for every task, label, skip and flag, sample, agreement and calibration', async () => {
    const yesterday = '2026-11-27';
    const at = iso(Date.parse(`${yesterday}T10:00:00Z`));
    const items: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const inf = (service: string, id: string, prediction: unknown) => ({ kind: 'inference', id, service, model: 'v1', ts: at, latencyMs: 50, status: 'ok', prediction });
      items.push(inf('rank', `yk${i}`, { items: ['a', 'b', 'c'] }), inf('reg', `yg${i}`, { value: 10 + i }), inf('gen', `yn${i}`, { text: 'answer' }));
      items.push({ kind: 'outcome', requestId: `yn${i}`, service: 'gen', ts: iso(NOW - 5 * MIN), source: 'judge', scores: { factuality: 0.5 + i / 5, policy: 1 } });
    }
    const posted = await s.post(JSON.stringify(items), admin);
    check('POST', '/v1/events', posted.status, posted.json);
    assert.deepEqual(posted.json.rejected, []);
    for (const name of ['rich', 'rank', 'reg', 'gen']) {
      const r = await call(s, 'POST', `/v1/services/${name}/labeling/sample?day=${yesterday}`, admin);
      assert.equal(r.status, 200, JSON.stringify(r.json));
    }
    const labeler = await s.key('labeler');
    const second = await s.key('labeler');
    const queues = await call(s, 'GET', '/v1/labeling/queues', labeler);
    assert.equal(queues.json.queues.length, 4);
    const answers: Record<string, (form: any) => unknown> = {
      class: (f) => ({ label: f.classes[0] }),
      relevance: (f) => ({ grades: f.items.map((item: unknown, i: number) => ({ item, grade: i === 1 ? f.gradeMax : 0 })) }),
      value: () => ({ value: 11 }),
      rubric: (f) => ({ scores: Object.fromEntries(f.criteria.map((c: string) => [c, f.max])) }),
    };
    const kinds = new Set<string>();
    for (const name of ['rich', 'rank', 'reg', 'gen']) {
      const lease = await call(s, 'POST', '/v1/labeling/lease', labeler, { service: name });
      const { id, form } = lease.json.item;
      kinds.add(form.kind);
      for (const key of name === 'rich' ? [labeler, second] : [labeler]) {
        const done = await call(s, 'POST', `/v1/labeling/items/${id}/label`, key, answers[form.kind]!(form));
        assert.equal(done.status, 200, JSON.stringify(done.json));
      }
    }
    assert.deepEqual([...kinds].sort(), ['class', 'relevance', 'rubric', 'value']);
    for (const action of ['skip', 'flag']) {
      const { id } = (await call(s, 'POST', '/v1/labeling/lease', labeler, { service: 'rank' })).json.item;
      const r = await call(s, 'POST', `/v1/labeling/items/${id}/${action}`, labeler, action === 'flag' ? { note: 'unclear' } : undefined);
      assert.equal(r.status, 200, JSON.stringify(r.json));
    }
    const none = await call(s, 'POST', '/v1/labeling/lease', await s.key('labeler', 'fb'), {});
    assert.deepEqual(none.json, { item: null });
    for (const name of ['rich', 'rank', 'reg', 'gen']) {
      await get(`/v1/services/${name}/labeling/agreement`);
      await get(`/v1/services/${name}/calibration?window=7d`);
    }
    assert.equal((await get('/v1/services/rich/labeling/agreement?window=1d')).overlapItems, 1);
    const gen = await get('/v1/services/gen/calibration');
    assert.ok(gen.signals[0].n === 1 && gen.signals[0].scores.length === 2, 'judge scores per criterion');
    const rich = await get('/v1/services/rich/calibration');
    assert.equal(rich.humanJudged, 1);
  });
});

test('the schemas are closed: a field the server adds without its schema fails validation', async () => {
  const report = await get('/v1/services/rich/report');
  const path = '/v1/services/rich/report';
  assert.ok(rejects('GET', path, { ...report, extra: 1 }));
  assert.ok(rejects('GET', path, { ...report, quality: { ...report.quality, extra: 1 } }));
  assert.ok(rejects('GET', path, { ...report, versions: [{ ...report.versions[0], extra: 1 }] }));
  const alerts = await get('/v1/alerts');
  const [first] = alerts.alerts;
  assert.ok(rejects('GET', '/v1/alerts', { alerts: [{ ...first, evidence: { ...first.evidence, extra: 1 } }] }));
  const quality = await get('/v1/services/rich/quality?by=day');
  assert.ok(rejects('GET', '/v1/services/rich/quality', { ...quality, groups: [{ ...quality.groups[0], attr: 'region' }] }), 'a day group has no attr');
  const series = await get('/v1/services/rich/series');
  assert.ok(rejects('GET', '/v1/services/rich/series', { ...series, points: [{ ...series.points[0], quality: { ...series.points[0].quality, extra: 1 } }] }));
});

test('every JSON response the OpenAPI document describes was checked against a real one', () => {
  const described: string[] = [];
  for (const [template, item] of Object.entries(api.paths)) {
    for (const [method, op] of Object.entries(item)) {
      for (const [code, response] of Object.entries(op.responses)) {
        if (response.content?.['application/json'] !== undefined && !code.endsWith('XX')) described.push(`${method.toUpperCase()} ${template} ${code}`);
      }
    }
  }
  assert.deepEqual(described.filter((key) => !checked.has(key)), []);
  // 4XX and 5XX share the error envelope's schema.
  assert.ok([...checked].some((key) => key.endsWith(' 4XX')), 'an error envelope was checked');
});
