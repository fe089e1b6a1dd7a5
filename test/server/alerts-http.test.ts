/**
 * Alert evaluation end to end (issue 4, first part): events over HTTP into SQLite, the evaluator at an
 * explicit time, alerts and their history over HTTP. Expected burn rates are worked out by hand.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { gpuOomTraffic } from '../helpers/traffic.ts';

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: scorer, owner: scorer-ml, oncall: sre-core, tier: 1}
spec:
  task: classification
  window: 30d
  objectives: {errors: 0.999, latency: 0.99, quality: 0.8}
  latency: {classes: [{name: all, thresholdMs: 1000}]}
`;

const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;
let s: TestServer;
let ingest: string;
let read: string;


before(async () => {
  s = await startTestServer(SPEC, NOW);
  ingest = await s.key('ingest');
  read = await s.key('read');
});
after(async () => s.stop());

test('a GPU-OOM burst pages the SRE on call, not the model owner, and resolves when it ends', async () => {
  // The last hour: 1200 requests; the last 10 minutes, 100 of their 200 fail.
  const r = await s.post(JSON.stringify(gpuOomTraffic(NOW - 60 * MIN, NOW, (t) => t >= NOW - 10 * MIN)), ingest);
  assert.equal(r.json.accepted, 1200);
  await s.evaluate();
  const { json } = await s.get('/v1/alerts', read);
  const page = json.alerts.find((a: { id: string }) => a.id === 'scorer/burn/errors/page');
  assert.ok(page, JSON.stringify(json.alerts.map((a: { id: string }) => a.id)));
  assert.equal(page.state.kind, 'firing');
  assert.equal(page.route, 'oncall');
  // 1h: 100 bad of 1200 → (100/1200)/0.001 = 83.3; 5m: 50 of 100 → 500. Both above 14.4.
  const row = page.evidence.rows.find((x: { longWindow?: string; longMs?: number }) => x.longMs === 3_600_000 || x.longWindow === '1h');
  assert.ok(row, JSON.stringify(page.evidence.rows));
  assert.ok(Math.abs((row.longBurn as number) - (100 / 1200) / 0.001) < 1e-6, JSON.stringify(row));
  assert.ok(Math.abs((row.shortBurn as number) - 0.5 / 0.001) < 1e-6);
  assert.equal(page.hint.kind, 'investigate_errors');
  assert.ok(json.alerts.every((a: { route: string; kind: string }) => a.route === 'oncall'), 'nothing goes to the owner: quality is not involved');
  // Scoped reads: the service route agrees; an ingest key reads nothing.
  assert.equal((await s.get('/v1/services/scorer/alerts', read)).json.alerts.length, json.alerts.length);
  assert.equal((await s.get('/v1/alerts', ingest)).status, 403);
  // The CLI shows the same page: severity, identity, state, route and the hint.
  const cli = await runCli(['alerts', '--url', s.url, '--key', read]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /page\s*│ scorer\/burn\/errors\/page\s*│ firing\s*│ 2026-11-28T12:00:00.000Z │ oncall/);
  assert.match(cli.stdout, /investigate errors: gpu_oom 100%/);

  // Three hours later, after healthy traffic: the 5-minute window is clean, so the page resolves.
  s.clock = NOW + 180 * MIN;
  await s.post(JSON.stringify(gpuOomTraffic(NOW + 170 * MIN, NOW + 180 * MIN, () => false)), ingest);
  await s.evaluate();
  const after = await s.get('/v1/alerts', read);
  assert.equal(after.json.alerts.find((a: { id: string }) => a.id === 'scorer/burn/errors/page'), undefined);
  const history = await s.get('/v1/alerts/history?service=scorer&limit=10', read);
  const mine = history.json.transitions.filter((t: { alertId: string }) => t.alertId === 'scorer/burn/errors/page');
  assert.deepEqual(mine.map((t: { transition: string; at: string }) => [t.transition, t.at]), [
    ['resolved', new Date(NOW + 180 * MIN).toISOString()],
    ['fired', new Date(NOW).toISOString()],
  ]);
});

test('alert states survive a restart', async () => {
  s.clock = NOW + 181 * MIN;
  await s.post(JSON.stringify(gpuOomTraffic(NOW + 175 * MIN, NOW + 181 * MIN, () => true)), ingest);
  await s.evaluate();
  const before = (await s.get('/v1/alerts', read)).json.alerts.map((a: { id: string; state: { kind: string } }) => [a.id, a.state.kind]);
  assert.ok(before.some(([id]: [string]) => id === 'scorer/burn/errors/page'));
  await s.restart();
  const after = (await s.get('/v1/alerts', read)).json.alerts.map((a: { id: string; state: { kind: string } }) => [a.id, a.state.kind]);
  assert.deepEqual(after, before);
});
