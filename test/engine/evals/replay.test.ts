/**
 * Production replay end to end (DESIGN §2.7): stored production requests with ground truth or human
 * verdicts in two cohorts, replayed against a candidate endpoint that is better in one cohort and worse
 * in the other. By construction (truth `a` for even n, else `b`):
 * - us: 80 requests (the last 10 labelled by a human); production is wrong on n ≡ 0 (mod 10), 8 requests;
 *   the candidate is right on all → b = 8, c = 0;
 * - eu: 40 requests; production is right on all; the candidate is wrong on n ≡ 0 (mod 4), 10 requests →
 *   b = 0, c = 10 (exact McNemar p = 2·2⁻¹⁰, a regression in that cohort);
 * - overall b = 8, c = 10: no significant change — only the per-cohort comparison shows the problem;
 * - 20 more us requests without any label and 5 labelled only by the judge are never replayed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startModelServer, type ModelServer } from '../../helpers/model-server.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;
const iso = (t: number): string => new Date(t).toISOString();
const truth = (n: number): string => (n % 2 === 0 ? 'a' : 'b');
const flip = (l: string): string => (l === 'a' ? 'b' : 'a');

const SPEC = (model: string): string => `
apiVersion: mlslo/v1
kind: Service
metadata: {name: router, owner: routing-ml, oncall: sre, tier: 1}
spec:
  task: classification
  window: 7d
  objectives: {quality: 0.9}
  cohorts: [region]
  evals:
    endpoints:
      candidate:
        url: ${model}/predict
        request: {input: "{{input}}", cohort: "{{cohort}}", features: "{{features}}", id: "{{id}}"}
        prediction: $.label
        model: $.model
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: writer, owner: w, oncall: sre, tier: 2}
spec:
  task: generative
  quality: {criteria: "factuality >= 0.8"}
  evals:
    endpoints:
      candidate: {url: "${model}/gen", prediction: $.text}
`;

let s: TestServer;
let model: ModelServer;
let admin: string;
let read: string;

function traffic(): unknown[] {
  const items: unknown[] = [];
  let k = 0;
  const add = (region: string, n: number, source: string | undefined, productionWrong: boolean): void => {
    const id = `${region}-${n}${source === undefined ? '-unlabelled' : source === 'judge' ? '-judged' : ''}`;
    const ts = NOW - 20 * 60 * MIN + k++ * MIN;
    items.push({
      kind: 'inference', id, service: 'router', model: 'v1', ts: iso(ts), status: 'ok', latencyMs: 30,
      input: { n, region }, cohort: { region }, features: { n }, prediction: { label: productionWrong ? flip(truth(n)) : truth(n) },
    });
    if (source !== undefined) items.push({ kind: 'outcome', requestId: id, service: 'router', ts: iso(ts + 5 * MIN), source, label: truth(n) });
  };
  for (let n = 0; n < 80; n++) add('us', n, n >= 70 ? 'human' : 'ground_truth', n % 10 === 0);
  for (let n = 0; n < 40; n++) add('eu', n, 'ground_truth', false);
  for (let n = 0; n < 20; n++) add('us', n, undefined, false);
  for (let n = 0; n < 5; n++) add('eu', n, 'judge', false);
  return items;
}

async function call(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.url}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

async function replay(body: unknown): Promise<any> {
  const r = await call('POST', '/v1/services/router/replays', admin, body);
  assert.equal(r.status, 202, JSON.stringify(r.json));
  assert.equal(r.json.kind, 'replay');
  for (let i = 0; i < 200; i++) {
    const run = (await call('GET', `/v1/evals/${r.json.id}`, read)).json;
    if (run.status !== 'running') return run;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  assert.fail('the replay did not finish');
}

async function results(id: string): Promise<any[]> {
  return (await call('GET', `/v1/evals/${id}/results?limit=1000`, read)).json.results;
}

before(async () => {
  model = await startModelServer((r) => {
    const { n, region } = r.body.input as { n: number; region: string };
    const wrong = region === 'eu' && n % 4 === 0;
    return { body: { label: wrong ? flip(truth(n)) : truth(n), model: 'cand-1' } };
  });
  s = await startTestServer(SPEC(model.url), NOW);
  admin = await s.key('admin');
  read = await s.key('read');
  const r = await s.post(JSON.stringify(traffic()), admin);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.rejected, []);
});
after(async () => {
  await s.stop();
  await model.close();
});

test('a full replay: per-cohort results, the candidate version, and comparisons with production', async () => {
  const run = await replay({ endpoint: 'candidate' });
  assert.equal(run.status, 'done', run.error);
  assert.deepEqual([run.name, run.goldenSetId, run.model, run.total, run.done], ['candidate', null, 'cand-1', 120, 120]);
  const sm = run.summary;
  assert.deepEqual([sm.passRate.n, sm.passRate.good, sm.failed], [120, 110, 0]);
  assert.deepEqual(sm.segments.map((g: any) => [g.segment, g.passRate.n, g.passRate.good]), [['eu', 40, 30], ['us', 80, 80]]);
  assert.deepEqual(sm.versions.map((v: any) => [v.model, v.passRate.n, v.passRate.good]), [['cand-1', 120, 110]]);
  assert.equal(sm.weightedPassRate, null, 'every request sampled: π = 1');
  const cmp = sm.comparisons.map((c: any) => [c.against, c.segment ?? null, c.model, c.paired, c.mcnemar.b, c.mcnemar.c, c.regression]);
  assert.deepEqual(cmp, [
    ['production', null, 'v1', 120, 8, 10, false],
    ['production', 'eu', 'v1', 40, 0, 10, true],
    ['production', 'us', 'v1', 80, 8, 0, false],
  ]);
  const eu = sm.comparisons.find((c: any) => c.segment === 'eu');
  assert.ok(Math.abs(eu.mcnemar.pValue - 2 / 2 ** 10) < 1e-12);
  assert.ok(Math.abs(eu.delta - -0.25) < 1e-12);

  const rs = await results(run.id);
  assert.equal(rs.length, 120);
  assert.ok(rs.every((x) => x.weight === undefined && x.requestId === x.exampleId));
  const byId = new Map(rs.map((x) => [x.requestId, x]));
  assert.deepEqual([byId.get('us-10').verdict, byId.get('us-10').baselineVerdict], [true, false]);
  assert.deepEqual([byId.get('eu-4').verdict, byId.get('eu-4').baselineVerdict, byId.get('eu-4').prediction], [false, true, 'b']);
  assert.ok(byId.has('us-75'), 'human verdicts count');
  assert.ok(![...byId.keys()].some((id) => id.endsWith('-unlabelled') || id.endsWith('-judged')));
  // The endpoint saw each request's input, cohort and features.
  const sent = model.requests.find((r) => r.body.id === 'eu-4')!;
  assert.deepEqual(sent.body, { input: { n: 4, region: 'eu' }, cohort: { region: 'eu' }, features: { n: 4 }, id: 'eu-4' });
});

test('a sampled replay is stratified by cohort, weights by π, and is the same sample for the same window', async () => {
  model.requests.length = 0;
  const body = { endpoint: 'candidate', from: iso(NOW - 2 * 86_400_000), to: iso(NOW), size: 60 };
  const run = await replay(body);
  assert.equal(run.total, 60);
  const rs = await results(run.id);
  const count = (seg: string): number => rs.filter((x) => x.segment === seg).length;
  assert.deepEqual([count('us'), count('eu')], [40, 20], 'proportional to the cohorts: 80 : 40');
  assert.notEqual(run.summary.weightedPassRate, null);
  const again = await replay(body);
  assert.notEqual(again.id, run.id);
  assert.deepEqual((await results(again.id)).map((x) => x.requestId), rs.map((x) => x.requestId));
});

test('replays that cannot run say why', async () => {
  const unknown = await call('POST', '/v1/services/router/replays', admin, { endpoint: 'shadow' });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'MLSLO_ERR_EVAL_ENDPOINT_NOT_FOUND');
  const empty = await call('POST', '/v1/services/router/replays', admin, { endpoint: 'candidate', from: iso(NOW - 90 * 86_400_000), to: iso(NOW - 60 * 86_400_000) });
  assert.equal(empty.status, 400);
  assert.equal(empty.json.error.code, 'MLSLO_ERR_REPLAY_INVALID');
  const gen = await call('POST', '/v1/services/writer/replays', admin, { endpoint: 'candidate' });
  assert.equal(gen.status, 400);
  assert.equal(gen.json.error.code, 'MLSLO_ERR_REPLAY_INVALID');
  for (const bad of [{ endpoint: 'candidate', size: 0 }, { endpoint: 'candidate', from: '2026-11-01' }, { endpoint: 'candidate', from: iso(NOW), to: iso(NOW - MIN) }, {}]) {
    const r = await call('POST', '/v1/services/router/replays', admin, bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
  }
  assert.equal((await call('POST', '/v1/services/router/replays', read, { endpoint: 'candidate' })).status, 403);
  const list = await call('GET', '/v1/services/router/evals?kind=replay', read);
  assert.equal(list.json.runs.length, 3);
  assert.ok(list.json.runs.every((r: any) => r.kind === 'replay' && r.status === 'done'));
});
