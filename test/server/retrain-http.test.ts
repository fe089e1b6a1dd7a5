/**
 * The retraining trigger end to end (DESIGN §2.9): a quality budget overspent by a bad model makes the
 * evaluator post `retrain.requested` to the spec's training webhook through the outbox, once per cooldown.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
let s: TestServer;
let hook: Receiver;
let ingest: string;
let read: string;

before(async () => {
  hook = await startReceiver();
  s = await startTestServer(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: churn, owner: churn-ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {quality: 0.9}
  quality: {minSamples: 30}
  cohorts: [region]
  retrain: {webhook: "${hook.url}/retrain", cooldown: 1d}
`, NOW);
  ingest = await s.key('ingest');
  read = await s.key('read');
});
after(async () => {
  await s.stop();
  await hook.close();
});

test('an overspent quality budget posts retrain.requested once per cooldown', async () => {
  // 100 labelled requests in the last hour, 60 right: q̂ 0.6 against 0.9 → remaining 1 − 0.4/0.1 = −3.
  const items: unknown[] = [];
  for (let i = 0; i < 100; i++) {
    const ts = new Date(NOW - 50 * 60_000 + i * 20_000).toISOString();
    items.push({ kind: 'inference', id: `c${i}`, service: 'churn', ts, latencyMs: 20, status: 'ok', cohort: { region: i < 50 ? 'eu' : 'us' }, prediction: { label: 'stay' } });
    items.push({ kind: 'outcome', requestId: `c${i}`, service: 'churn', ts, source: 'ground_truth', label: i % 10 < 6 ? 'stay' : 'churn' });
  }
  assert.equal((await s.post(JSON.stringify(items), ingest)).json.accepted, 200);
  await s.evaluate();
  await s.dispatch();
  const posts = hook.requests.filter((r) => r.path === '/retrain');
  assert.equal(posts.length, 1);
  const body = posts[0]!.body;
  assert.equal(body.event, 'retrain.requested');
  assert.equal(body.service, 'churn');
  assert.equal(body.reasons[0].kind, 'budget_exhaustion');
  assert.ok(Math.abs(body.reasons[0].remaining - -3) < 1e-9);
  assert.deepEqual(body.suggestedDataWindow, { from: new Date(NOW - 7 * 86_400_000).toISOString(), to: new Date(NOW).toISOString() });
  // The history API has it.
  const h = await s.get('/v1/retrain?service=churn', read);
  assert.equal(h.status, 200);
  assert.equal(h.json.requests.length, 1);
  // Within the cooldown, another evaluation asks for nothing more.
  s.clock = NOW + 3_600_000;
  await s.evaluate();
  await s.dispatch();
  assert.equal(hook.requests.filter((r) => r.path === '/retrain').length, 1);
  assert.equal((await s.get('/v1/retrain', read)).json.requests.length, 1);
});
