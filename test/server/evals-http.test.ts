/**
 * Golden-set evals end to end (DESIGN §2.7, §2.9): a real local model server whose answers depend on the
 * model version it simulates, a real mlslo whose spec points a golden set at it, the golden set uploaded
 * over HTTP, runs started over HTTP, and the eval alert evaluated, routed and notified.
 *
 * The model server, by construction (200 examples `ex-0` … `ex-199`, segment `email` for i < 100 else
 * `sms`, expected `spam` when i % 3 = 0 else `ham`):
 * - i = 13 and 113 always answer 500: recorded as errors after 3 attempts (retries: 2), never scored;
 * - i = 5, 50 and 150 answer their first attempt after the 300 ms timeout, then at once: scored, 2 attempts;
 * - v1 answers wrong on i ≡ 7 (mod 20): 10 examples, 5 per segment → 188 of 198 scored good;
 * - v2 is also wrong on 20 more: 14 in email (i ≡ 4 mod 10 below 100, and 8, 18, 28, 38) and 6 in sms
 *   (104 … 154) → 168 of 198. Paired with v1: b = 0, c = 20; exact McNemar p = 2·2⁻²⁰.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../../src/store/open-store.ts';
import { startModelServer, type ModelServer } from '../helpers/model-server.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;

const N = 200;
const FAIL = new Set([13, 113]);
const SLOW = new Set([5, 50, 150]);
const WRONG_V1 = new Set(Array.from({ length: N }, (_, i) => i).filter((i) => i % 20 === 7));
const EXTRA_V2 = new Set([4, 14, 24, 34, 44, 54, 64, 74, 84, 94, 8, 18, 28, 38, 104, 114, 124, 134, 144, 154]);
const expected = (i: number): string => (i % 3 === 0 ? 'spam' : 'ham');
const flip = (l: string): string => (l === 'spam' ? 'ham' : 'spam');
const segment = (i: number): string => (i < 100 ? 'email' : 'sms');

const SPEC = (model: string, hook: string): string => `
apiVersion: mlslo/v1
kind: Service
metadata: {name: spam-filter, owner: trust-ml, oncall: sre, tier: 1}
spec:
  task: classification
  window: 7d
  objectives: {quality: 0.9}
  notify:
    owner: {webhook: "${hook}/owner"}
    oncall: {webhook: "${hook}/oncall"}
  evals:
    endpoints:
      filter:
        url: ${model}/predict
        request: {id: "{{id}}", text: "{{input.text}}", i: "{{input.i}}"}
        prediction: $.label
        score: $.probability
        model: $.model
        timeoutMs: 800
        concurrency: 4
        retries: 2
    goldenSets:
      - name: smoke
        endpoint: filter
        schedule: "0 3 * * *"
      - name: locked
        endpoint:
          url: ${model}/predict
          prediction: $.label
          headers: {authorization: "Bearer \${MLSLO_TEST_SURELY_UNSET_TOKEN}"}
      - name: empty
        endpoint: filter
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: other, owner: o, oncall: sre, tier: 2}
spec:
  task: classification
`;

let s: TestServer;
let model: ModelServer;
let hook: Receiver;
let admin: string;
let read: string;
let version = 'v1';
const attempts = new Map<number, number>();

function goldenLines(): string {
  return Array.from({ length: N }, (_, i) => JSON.stringify({ id: `ex-${i}`, input: { text: `message ${i}`, i }, expected: expected(i), segment: segment(i) })).join('\n');
}

async function api(method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.url}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

async function finished(id: string): Promise<any> {
  for (let i = 0; i < 300; i++) {
    const r = await api('GET', `/v1/evals/${id}`, read);
    assert.equal(r.status, 200);
    if (r.json.status !== 'running') return r.json;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.fail(`run ${id} did not finish`);
}

async function run(): Promise<any> {
  attempts.clear();
  const r = await api('POST', '/v1/services/spam-filter/evals', admin, { goldenSet: 'smoke' });
  assert.equal(r.status, 202, JSON.stringify(r.json));
  assert.equal(r.json.status, 'running');
  return finished(r.json.id);
}

before(async () => {
  model = await startModelServer((req) => {
    const i = req.body.i as number;
    const n = (attempts.get(i) ?? 0) + 1;
    attempts.set(i, n);
    if (FAIL.has(i)) return { status: 500, body: { error: 'model crashed' } };
    const wrong = WRONG_V1.has(i) || (version === 'v2' && EXTRA_V2.has(i));
    const answer = { body: { label: wrong ? flip(expected(i)) : expected(i), probability: 0.9, model: version } };
    return SLOW.has(i) && n === 1 ? { ...answer, delayMs: 3000 } : answer;
  });
  hook = await startReceiver();
  s = await startTestServer(SPEC(model.url, hook.url), NOW);
  admin = await s.key('admin');
  read = await s.key('read');
});
after(async () => {
  await s.stop();
  await model.close();
  await hook.close();
});

describe('golden sets over HTTP', () => {
  test('PUT stores a version (gzip works); bad lines are listed; GET lists the newest version with its schedule', async () => {
    const lines = `${goldenLines()}\n{"id": "bad", "input": 1}\nnot json\n`;
    const up = await api('PUT', '/v1/services/spam-filter/golden-sets/smoke', admin, gzipSync(lines), { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' });
    assert.equal(up.status, 201, JSON.stringify(up.json));
    assert.equal(up.json.examples, N);
    assert.deepEqual(up.json.segments, { email: 100, sms: 100 });
    assert.equal(up.json.rejectedCount, 2);
    assert.deepEqual(up.json.rejected.map((r: { line: number; code: string }) => [r.line, r.code]), [[201, 'missing_field'], [202, 'invalid_json']]);
    // Re-upload without the bad lines: a new version, the one runs use.
    const again = await api('PUT', '/v1/services/spam-filter/golden-sets/smoke', admin, goldenLines(), { 'content-type': 'application/x-ndjson' });
    assert.equal(again.status, 201);
    assert.notEqual(again.json.id, up.json.id);
    const list = await api('GET', '/v1/services/spam-filter/golden-sets', read);
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.goldenSets.map((g: any) => [g.id, g.name, g.examples, g.schedule]), [[again.json.id, 'smoke', N, '0 3 * * *']]);
    assert.equal(list.json.goldenSets[0].nextRunAt, '2026-11-29T03:00:00.000Z');
  });

  test('uploads are refused with clear errors', async () => {
    const ndjson = { 'content-type': 'application/x-ndjson' };
    const allBad = await api('PUT', '/v1/services/spam-filter/golden-sets/smoke', admin, '{"input": 1}\n[]\n', ndjson);
    assert.equal(allBad.status, 400);
    assert.equal(allBad.json.error.code, 'MLSLO_ERR_GOLDEN_SET_INVALID');
    assert.equal(allBad.json.error.details.rejectedCount, 2);
    const csv = await api('PUT', '/v1/services/spam-filter/golden-sets/smoke', admin, 'a,b\n', { 'content-type': 'text/csv' });
    assert.equal(csv.status, 415);
    assert.equal((await api('PUT', '/v1/services/spam-filter/golden-sets/Bad%20Name', admin, goldenLines(), ndjson)).json.error.code, 'MLSLO_ERR_QUERY_INVALID');
    assert.equal((await api('PUT', '/v1/services/spam-filter/golden-sets/smoke', read, goldenLines(), ndjson)).status, 403);
    assert.equal((await api('PUT', '/v1/services/spam-filter/golden-sets/smoke', await s.key('ingest', 'other'), goldenLines(), ndjson)).status, 403);
    assert.equal((await api('PUT', '/v1/services/nope/golden-sets/smoke', admin, goldenLines(), ndjson)).status, 404);
  });

  test('runs that cannot start say why, and store nothing', async () => {
    const undeclared = await api('POST', '/v1/services/spam-filter/evals', admin, { goldenSet: 'nightly' });
    assert.equal(undeclared.status, 404);
    assert.equal(undeclared.json.error.code, 'MLSLO_ERR_GOLDEN_SET_NOT_FOUND');
    assert.match(undeclared.json.error.message, /declares no golden set `nightly` \(it declares smoke, locked, empty\)/);
    const notUploaded = await api('POST', '/v1/services/spam-filter/evals', admin, { goldenSet: 'empty' });
    assert.equal(notUploaded.status, 404);
    assert.match(notUploaded.json.error.message, /no examples of golden set `empty`/);
    const env = await api('POST', '/v1/services/spam-filter/evals', admin, { goldenSet: 'locked' });
    assert.equal(env.status, 400);
    assert.equal(env.json.error.code, 'MLSLO_ERR_EVAL_ENV_MISSING');
    assert.match(env.json.error.message, /\$\{MLSLO_TEST_SURELY_UNSET_TOKEN\}/);
    assert.equal((await api('POST', '/v1/services/spam-filter/evals', read, { goldenSet: 'smoke' })).status, 403);
    assert.equal((await api('POST', '/v1/services/spam-filter/evals', admin, { goldenSet: 'smoke', extra: 1 })).json.error.code, 'MLSLO_ERR_QUERY_INVALID');
    assert.equal((await api('POST', '/v1/services/spam-filter/evals', admin, '{')).json.error.code, 'MLSLO_ERR_BODY_INVALID_JSON');
    assert.deepEqual((await api('GET', '/v1/services/spam-filter/evals', read)).json.runs, []);
  });
});

describe('runs, comparisons and the eval alert', () => {
  let v1: any;
  let v2: any;

  test('v1: exact pass rate and counts; errors recorded, not scored; slow answers retried', async () => {
    // Two starts while one runs: the second gets the running run, not a second one.
    const [a, b] = await Promise.all([
      api('POST', '/v1/services/spam-filter/evals', admin, { goldenSet: 'smoke', trigger: 'ci' }),
      api('POST', '/v1/services/spam-filter/evals', admin, { goldenSet: 'smoke' }),
    ]);
    assert.equal(a.status, 202);
    assert.equal(b.status, 202);
    assert.equal(a.json.id, b.json.id);
    v1 = await finished(a.json.id);
    assert.equal(v1.status, 'done', v1.error);
    assert.equal(v1.trigger, 'ci');
    assert.equal(v1.model, 'v1');
    assert.equal(v1.total, N);
    assert.equal(v1.done, N);
    const sm = v1.summary;
    assert.deepEqual([sm.passRate.n, sm.passRate.good, sm.failed], [198, 188, 2]);
    assert.equal(sm.passRate.value, 188 / 198);
    assert.deepEqual(sm.segments.map((g: any) => [g.segment, g.passRate.n, g.passRate.good, g.failed]), [['email', 99, 94, 1], ['sms', 99, 94, 1]]);
    assert.deepEqual(sm.versions.map((v: any) => [v.model, v.passRate.n, v.passRate.good]), [['v1', 198, 188]]);
    assert.deepEqual(sm.comparisons, [], 'the first run has nothing to compare with');
    // Timing is measured, so only its shape is checked (speed is for benchmarks, not tests).
    assert.ok(sm.timing.durationMs > 0 && sm.timing.p50Ms <= sm.timing.p95Ms && sm.timing.p95Ms <= sm.timing.maxMs);

    const bad = await api('GET', `/v1/evals/${v1.id}/results?onlyBad=true&limit=1000`, read);
    assert.equal(bad.status, 200);
    const byId = new Map(bad.json.results.map((r: any) => [r.exampleId, r]));
    assert.deepEqual([...byId.keys()].sort(), [...WRONG_V1, ...FAIL].map((i) => `ex-${i}`).sort());
    for (const i of FAIL) {
      const r: any = byId.get(`ex-${i}`);
      assert.deepEqual([r.verdict, r.prediction, r.attempts], [null, null, 3]);
      assert.match(r.error, /^HTTP 500: .*model crashed.* \(after 3 attempts\)$/);
    }
    assert.deepEqual((byId.get('ex-7') as any).prediction, 'spam');
    const all = await api('GET', `/v1/evals/${v1.id}/results?limit=1000`, read);
    assert.equal(all.json.results.length, N);
    for (const i of SLOW) assert.deepEqual([all.json.results[i].verdict, all.json.results[i].attempts], [true, 2], `ex-${i}`);
    assert.deepEqual(all.json.results.map((r: any) => r.index), Array.from({ length: N }, (_, i) => i));
    const page = await api('GET', `/v1/evals/${v1.id}/results?offset=150&limit=10`, read);
    assert.deepEqual(page.json.results.map((r: any) => r.exampleId), Array.from({ length: 10 }, (_, k) => `ex-${150 + k}`));
  });

  test('v2: paired comparison with the previous run and with v1 finds the regression; the alert fires to the owner', async () => {
    version = 'v2';
    s.clock = NOW + 10 * MIN;
    v2 = await run();
    assert.equal(v2.status, 'done', v2.error);
    assert.equal(v2.model, 'v2');
    assert.deepEqual([v2.summary.passRate.n, v2.summary.passRate.good], [198, 168]);
    const overall = v2.summary.comparisons.filter((c: any) => c.segment === undefined);
    assert.deepEqual(overall.map((c: any) => [c.against, c.runId, c.model]), [['previous_run', v1.id, 'v1'], ['model_version', v1.id, 'v1']]);
    for (const c of overall) {
      assert.equal(c.paired, 198);
      assert.deepEqual([c.mcnemar.b, c.mcnemar.c], [0, 20]);
      assert.ok(c.mcnemar.pValue < 0.05);
      assert.ok(Math.abs(c.mcnemar.pValue - 2 / 2 ** 20) < 1e-12, String(c.mcnemar.pValue));
      assert.ok(Math.abs(c.delta - -20 / 198) < 1e-12);
      assert.equal(c.regression, true);
    }
    const bySegment = v2.summary.comparisons.filter((c: any) => c.segment !== undefined);
    assert.deepEqual(bySegment.map((c: any) => [c.segment, c.paired, c.mcnemar.b, c.mcnemar.c, c.regression]), [['email', 99, 0, 14, true], ['sms', 99, 0, 6, true]]);

    s.clock = NOW + 11 * MIN;
    const alerts = (await s.evaluate()) as any[];
    const evalAlerts = alerts.filter((a) => a.kind === 'eval');
    assert.equal(evalAlerts.length, 1);
    const a = evalAlerts[0];
    assert.equal(a.id, 'spam-filter/eval/smoke/ticket');
    assert.equal(a.state.kind, 'firing');
    assert.equal(a.route, 'owner');
    assert.equal(a.severity, 'ticket');
    // The worst regression is the email segment's (−14/99).
    assert.deepEqual(a.evidence, {
      kind: 'eval', runId: v2.id, comparedWith: { kind: 'previous_run', runId: v1.id }, metric: 'pass_rate',
      value: 80 / 99, baselineValue: 94 / 99, pvalue: 2 / 2 ** 14, segment: 'email', model: 'v2',
    });
    assert.deepEqual(a.hint?.kind, 'rollback');
    assert.match(a.summary, /golden set smoke regressed in segment email/);
    const served = await api('GET', '/v1/services/spam-filter/alerts', read);
    assert.ok(served.json.alerts.some((x: any) => x.id === a.id));
    await s.dispatch();
    const owner = hook.requests.filter((r) => r.path === '/owner' && r.body.alertId === a.id);
    assert.deepEqual(owner.map((r) => r.body.event), ['alert.fired']);
    assert.equal(hook.requests.filter((r) => r.path === '/oncall').length, 0);
  });

  test('back on v1: no regression against v2, and the alert resolves', async () => {
    version = 'v1';
    s.clock = NOW + 20 * MIN;
    const v3 = await run();
    assert.equal(v3.status, 'done');
    const overall = v3.summary.comparisons.filter((c: any) => c.segment === undefined);
    assert.deepEqual(overall.map((c: any) => [c.against, c.runId, c.model, c.mcnemar.b, c.mcnemar.c, c.regression]), [
      ['previous_run', v2.id, 'v2', 20, 0, false],
      ['model_version', v2.id, 'v2', 20, 0, false],
    ]);
    s.clock = NOW + 21 * MIN;
    const alerts = (await s.evaluate()) as any[];
    assert.equal(alerts.filter((x) => x.kind === 'eval').length, 0);
    const history = await api('GET', '/v1/alerts/history?service=spam-filter', read);
    assert.deepEqual(history.json.transitions.filter((t: any) => t.alertId === 'spam-filter/eval/smoke/ticket').map((t: any) => t.transition), ['resolved', 'fired']);
    await s.dispatch();
    assert.deepEqual(hook.requests.filter((r) => r.path === '/owner').map((r) => r.body.event), ['alert.fired', 'alert.resolved']);

    const list = await api('GET', '/v1/services/spam-filter/evals?goldenSet=smoke&limit=2', read);
    assert.deepEqual(list.json.runs.map((r: any) => r.id), [v3.id, v2.id]);
    assert.deepEqual((await api('GET', '/v1/services/spam-filter/evals?kind=replay', read)).json.runs, []);
  });

  test('reads are scoped; unknown runs are 404', async () => {
    const scoped = await s.key('read', 'other');
    assert.equal((await api('GET', `/v1/evals/${v1.id}`, scoped)).status, 403);
    assert.equal((await api('GET', `/v1/evals/${v1.id}/results`, scoped)).status, 403);
    assert.equal((await api('GET', `/v1/evals/${v1.id}`, await s.key('read', 'spam-filter'))).status, 200);
    const missing = await api('GET', '/v1/evals/nope', read);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'MLSLO_ERR_EVAL_NOT_FOUND');
    assert.equal((await fetch(`${s.url}/v1/evals/${v1.id}`)).status, 401);
    assert.equal((await api('GET', `/v1/evals/${v1.id}/results?limit=5000`, read)).status, 400);
  });

  test('a run left running by a crash is failed on restart', async () => {
    const store = await openStore(`${s.dir}/data`);
    let id: string;
    try {
      id = await store.createEvalRun({ service: 'spam-filter', kind: 'golden', name: 'smoke', goldenSetId: v1.goldenSetId, trigger: 'api', startedAt: s.clock, model: '', total: N });
    } finally {
      await store.close();
    }
    await s.restart();
    const r = await api('GET', `/v1/evals/${id}`, read);
    assert.deepEqual([r.json.status, r.json.error, r.json.summary], ['failed', 'interrupted by a restart', null]);
    // The set is free again.
    const again = await api('POST', '/v1/services/spam-filter/evals', admin, { goldenSet: 'smoke' });
    assert.equal(again.status, 202);
    assert.notEqual(again.json.id, id);
    await finished(again.json.id);
  });
});
