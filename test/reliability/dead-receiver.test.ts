/**
 * DESIGN §5 "a dead webhook receiver loses no notification" (issue 9 item 5): a real server (SQLite, test
 * clock) fires and resolves several alerts while its webhook receiver is down for 30 hours — longer than
 * the 24 h after which notices used to be given up — and is restarted twice meanwhile. Once the receiver
 * listens again on the same port, every notice of every transition arrives, at least once, each copy with
 * the same dedup key and Idempotency-Key, a resolve never ahead of its trigger; the delivery log shows the
 * attempts. Time is the server's test clock: nothing waits for a backoff, nothing is timed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { gpuOomTraffic } from '../helpers/traffic.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
/** The backoff cap (engine/notify/backoff.ts): a failing notice is tried again at least this often. */
const CAP = 5 * MIN;

function spec(hook: Receiver): string {
  return `
apiVersion: mlslo/v1
kind: Service
metadata: {name: scorer, owner: scorer-ml, oncall: sre-core, tier: 1}
spec:
  task: classification
  window: 30d
  objectives: {errors: 0.999, latency: 0.99, quality: 0.8}
  latency: {classes: [{name: all, thresholdMs: 1000}]}
  notify:
    oncall: {webhook: ${hook.url}/oncall}
    owner: {webhook: ${hook.url}/owner}
`;
}

interface Transition { alertId: string; transition: 'fired' | 'resolved'; alert: { state: { firingSince: number } } }
interface Delivery { id: string; channel: string; notice: string; dedupKey: string; status: string; attempts: number; nextAttemptAt: string | null; deliveredAt: string | null; lastError: string | null }

let s: TestServer;
let hook: Receiver;
let read: string;
let ingest: string;

before(async () => {
  hook = await startReceiver();
  // No background evaluation or dispatch (1 h of real time): the test drives both at its clock's times.
  s = await startTestServer(spec(hook), NOW, { notifyInterval: '1h', evalInterval: '1h' });
  read = await s.key('read');
  ingest = await s.key('ingest');
});

after(async () => {
  await s.stop();
  await hook.close();
});

async function history(): Promise<Transition[]> {
  const r = await s.get('/v1/alerts/history?limit=1000', read);
  assert.equal(r.status, 200);
  return r.json.transitions as Transition[];
}

async function deliveries(alertId: string): Promise<Delivery[]> {
  const r = await s.get(`/v1/alerts/${encodeURIComponent(alertId)}/deliveries`, read);
  assert.equal(r.status, 200);
  return r.json.deliveries as Delivery[];
}

const keyOf = (t: Transition): string => `${t.alertId}#${t.alert.state.firingSince}:${t.transition}`;

/** The delivery log of every alert that has a transition, as [alertId, deliveries]. */
async function allDeliveries(): Promise<Array<[string, Delivery[]]>> {
  const ids = [...new Set((await history()).map((t) => t.alertId))];
  return Promise.all(ids.map(async (id) => [id, await deliveries(id)] as [string, Delivery[]]));
}

test('a receiver down for 30 hours, with two mlslo restarts, still gets every fired and resolved notice', async () => {
  await hook.down();

  // Errors burn: the page fires (with the composite) at NOW, and every notice fails to connect.
  const burst = await s.post(JSON.stringify(gpuOomTraffic(NOW - 60 * MIN, NOW, (t) => t >= NOW - 10 * MIN)), ingest);
  assert.equal(burst.status, 200);
  await s.evaluate();
  const first = await s.dispatch();
  assert.ok(first.claimed >= 2 && first.retried === first.claimed, JSON.stringify(first));

  for (let h = 1; h <= 30; h++) {
    s.clock = NOW + h * HOUR;
    if (h === 3) {
      // Healthy again: every alert resolves; the resolves queue behind their undelivered triggers.
      const healthy = await s.post(JSON.stringify(gpuOomTraffic(NOW + 170 * MIN, NOW + 180 * MIN, () => false)), ingest);
      assert.equal(healthy.status, 200);
      await s.evaluate();
    }
    if (h === 12 || h === 30) await s.restart(); // the outbox is in the store; pending rows survive
    const pass = await s.dispatch();
    assert.equal(pass.delivered + pass.failed, 0, `hour ${h}: ${JSON.stringify(pass)}`);

    if (h === 25) {
      // Past the old 24 h give-up: nothing failed for good; everything waits, retried at most CAP apart.
      for (const [id, rows] of await allDeliveries()) {
        assert.ok(rows.length > 0, id);
        for (const d of rows) {
          assert.equal(d.status, 'pending', `${id} ${d.dedupKey}: ${d.lastError}`);
          assert.ok(d.nextAttemptAt !== null && Date.parse(d.nextAttemptAt) <= s.clock + CAP, `${d.dedupKey} next at ${d.nextAttemptAt}`);
        }
        const fired = rows.filter((d) => d.notice === 'fired');
        assert.ok(fired.length > 0, id);
        for (const d of fired) assert.match(d.lastError ?? '', /^undelivered for 25 h, still retrying: network error: ECONNREFUSED/);
      }
    }
  }
  assert.equal(hook.requests.length, 0, 'the receiver was down throughout');

  const transitions = await history();
  const alertIds = new Set(transitions.map((t) => t.alertId));
  const expected = new Set(transitions.map(keyOf));
  assert.ok(alertIds.size >= 2, `several alerts: ${[...alertIds].join(', ')}`);
  for (const id of alertIds) {
    for (const kind of ['fired', 'resolved']) assert.ok(transitions.some((t) => t.alertId === id && t.transition === kind), `${id} ${kind}`);
  }

  // Back on the same port. Its first answer is a 503 after it read the notice: that notice comes again.
  await hook.start();
  let answered = 0;
  hook.respond = () => (answered++ === 0 ? { status: 503, body: 'warming up' } : { status: 200, body: 'ok' });
  for (let i = 0; i < 5; i++) {
    s.clock += CAP; // every retry is due by then
    await s.dispatch();
    if ((await allDeliveries()).every(([, rows]) => rows.every((d) => d.status === 'delivered'))) break;
  }

  // Every notice of every transition arrived at least once, and nothing else did.
  const received = hook.requests.map((r) => ({ key: r.body.dedupKey as string, header: r.headers['idempotency-key'], body: r.body }));
  const keys = new Set(received.map((r) => r.key));
  for (const k of expected) assert.ok(keys.has(k), `${k} arrived`);
  assert.deepEqual([...keys].filter((k) => !expected.has(k)), [], 'no notice that matches no transition');
  // Copies of one notice carry the same dedup key, header and content.
  assert.ok(received.length > keys.size, 'the notice answered with 503 came again');
  for (const r of received) assert.equal(r.header, encodeURIComponent(r.key));
  for (const k of keys) {
    const copies = received.filter((r) => r.key === k).map((r) => JSON.stringify(r.body));
    assert.equal(new Set(copies).size, 1, `every copy of ${k} is the same notice`);
  }
  // Per alert (each goes to one route), every copy of the trigger arrived before the resolve.
  for (const id of alertIds) {
    const events = hook.requests.filter((r) => r.body.alertId === id).map((r) => r.body.event as string);
    assert.ok(events.includes('alert.resolved') && events.lastIndexOf('alert.fired') < events.indexOf('alert.resolved'), `${id}: ${events.join(', ')}`);
  }

  // The delivery log: every notice delivered, the triggers after more than 24 hours of attempts.
  for (const [id, rows] of await allDeliveries()) {
    assert.deepEqual(new Set(rows.map((d) => d.dedupKey)), new Set([...expected].filter((k) => k.startsWith(`${id}#`))), id);
    for (const d of rows) {
      assert.equal(d.status, 'delivered', `${d.dedupKey}: ${d.lastError}`);
      assert.ok(d.deliveredAt !== null && d.nextAttemptAt === null, JSON.stringify(d));
      assert.equal(d.lastError, null);
      if (d.notice === 'fired') assert.ok(d.attempts > 25, `${d.dedupKey}: ${d.attempts} attempts`);
    }
  }
});
