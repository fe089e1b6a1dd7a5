/**
 * The dispatcher against real local receivers (node:http on 127.0.0.1) and a real SQLite outbox, with an
 * injected clock and jitter: retries are times in the store, so nothing waits for a backoff.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, test } from 'node:test';
import type { Alert } from '../../../src/core/alerting/alert.ts';
import type { NotifyTarget, ServiceSpec } from '../../../src/core/spec.ts';
import { Dispatcher, type DispatcherOptions } from '../../../src/engine/notify/dispatcher.ts';
import { deliveriesFor } from '../../../src/engine/notify/outbox.ts';
import type { Store } from '../../../src/store/port.ts';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { startReceiver, type Receiver } from '../../helpers/receiver.ts';
import { firingAlert, resolvedAlert, T0 } from './fixtures.ts';

let dir: string;
let store: Store;
let rx: Receiver;
let clock: number;
let logs: string[];
const ID = 'scorer/burn/errors/page';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlslo-notify-'));
  store = openSqliteStore({ path: join(dir, 'db.sqlite') });
  rx = await startReceiver();
  clock = T0;
  logs = [];
});
afterEach(async () => {
  await store.close();
  await rx.close();
  rmSync(dir, { recursive: true, force: true });
});
after(() => undefined);

function dispatcher(over: Partial<DispatcherOptions> = {}, notify: NotifyTarget | undefined = undefined): Dispatcher {
  const spec = { name: 'scorer', notify: { oncall: notify } } as unknown as ServiceSpec;
  return new Dispatcher({
    store, specs: () => new Map([['scorer', spec]]), now: () => clock, log: (l) => logs.push(l), baseUrl: 'http://127.0.0.1:7070',
    allowPrivateTargets: true, random: () => 0.5, timeoutMs: 2000, pagerdutyUrl: `${rx.url}/v2/enqueue`, ...over,
  });
}

async function fire(route: NotifyTarget, alert: Alert = firingAlert()): Promise<void> {
  await store.saveAlerts([{ id: alert.id, service: alert.service, state: JSON.stringify(alert.state), body: JSON.stringify(alert), updatedAt: clock }],
    [{ alertId: alert.id, service: alert.service, at: clock, transition: 'fired', body: JSON.stringify(alert) }], deliveriesFor(alert, 'fired', route, clock));
}

test('503 with Retry-After, then 200: retried exactly when the receiver asked, then delivered', async () => {
  let n = 0;
  rx.respond = () => (n++ === 0 ? { status: 503, headers: { 'retry-after': '7' }, body: 'maintenance' } : { status: 200 });
  await fire({ webhook: `${rx.url}/hook` });
  const d = dispatcher();
  assert.deepEqual(await d.runOnce(), { claimed: 1, delivered: 0, retried: 1, failed: 0 });
  let [row] = await store.listDeliveries(ID);
  assert.equal(row?.status, 'pending');
  assert.equal(row?.attempts, 1);
  assert.equal(row?.nextAttemptAt, T0 + 7000);
  assert.equal(row?.lastError, 'HTTP 503: maintenance');
  clock = T0 + 6999;
  assert.equal((await d.runOnce()).claimed, 0, 'not before Retry-After');
  clock = T0 + 7000;
  assert.deepEqual(await d.runOnce(), { claimed: 1, delivered: 1, retried: 0, failed: 0 });
  [row] = await store.listDeliveries(ID);
  assert.deepEqual([row?.status, row?.attempts, row?.deliveredAt, row?.lastError], ['delivered', 2, T0 + 7000, undefined]);
  assert.equal(rx.requests.length, 2);
  assert.deepEqual(rx.requests.map((r) => r.body.dedupKey), [`${ID}#${T0}:fired`, `${ID}#${T0}:fired`], 'the retry is the same notice');
  clock = T0 + 60_000;
  await d.runOnce();
  assert.equal(rx.requests.length, 2, 'nothing more once delivered');
});

test('Retry-After as an HTTP date', async () => {
  let n = 0;
  rx.respond = () => (n++ === 0 ? { status: 429, headers: { 'retry-after': new Date(T0 + 30_000).toUTCString() } } : { status: 202 });
  await fire({ slack: `${rx.url}/services/T/B/SECRET` });
  const d = dispatcher();
  await d.runOnce();
  assert.equal((await store.listDeliveries(ID))[0]?.nextAttemptAt, T0 + 30_000);
  clock = T0 + 30_000;
  assert.equal((await d.runOnce()).delivered, 1);
});

test('a 400 fails for good: not retried, reported in the log and the delivery log, no secret logged', async () => {
  rx.respond = () => ({ status: 400, body: 'invalid_payload' });
  await fire({ slack: `${rx.url}/services/T0/B0/SECRETTOKEN` });
  const d = dispatcher();
  assert.deepEqual(await d.runOnce(), { claimed: 1, delivered: 0, retried: 0, failed: 1 });
  clock = T0 + 3_600_000;
  await d.runOnce();
  assert.equal(rx.requests.length, 1, 'not retried');
  const [row] = await store.listDeliveries(ID);
  assert.deepEqual([row?.status, row?.attempts, row?.lastError], ['failed', 1, 'HTTP 400: invalid_payload']);
  assert.equal(logs.length, 1);
  assert.match(logs[0]!, /notification failed permanently: slack notice .* to http:\/\/127\.0\.0\.1:\d+\/… .*HTTP 400: invalid_payload/);
  assert.ok(!logs.join('\n').includes('SECRETTOKEN'));
});

test('network errors back off with full jitter (base 1 s, doubling), and deliver once the receiver is back', async () => {
  await fire({ webhook: `${rx.url}/hook` });
  await rx.down();
  const d = dispatcher({ random: () => 0.5 });
  await d.runOnce();
  let [row] = await store.listDeliveries(ID);
  assert.equal(row?.nextAttemptAt, T0 + 500, '0.5 × 1 s');
  assert.match(row?.lastError ?? '', /network error: ECONNREFUSED/);
  clock = T0 + 500;
  await d.runOnce();
  [row] = await store.listDeliveries(ID);
  assert.equal(row?.nextAttemptAt, T0 + 500 + 1000, '0.5 × 2 s');
  clock += 1000;
  await d.runOnce();
  [row] = await store.listDeliveries(ID);
  assert.equal(row?.nextAttemptAt, clock + 2000, '0.5 × 4 s');
  await rx.start();
  clock += 2000;
  assert.equal((await d.runOnce()).delivered, 1);
  [row] = await store.listDeliveries(ID);
  assert.deepEqual([row?.status, row?.attempts], ['delivered', 4]);
});

test('a receiver that does not answer times out and is retried', async () => {
  rx.respond = () => ({ status: 200 });
  const { createServer } = await import('node:http');
  const hang = createServer(() => undefined);
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (hang.address() as { port: number }).port;
    await fire({ webhook: `http://127.0.0.1:${port}/hook` });
    assert.equal((await dispatcher({ timeoutMs: 200 }).runOnce()).retried, 1);
    assert.equal((await store.listDeliveries(ID))[0]?.lastError, 'timed out');
  } finally {
    hang.closeAllConnections();
    hang.close();
  }
});

test('targets on loopback are refused unless allowed: a failed delivery with MLSLO_ERR_TARGET_REFUSED', async () => {
  await fire({ webhook: `${rx.url}/hook`, pagerduty: { routingKey: 'KEY' } });
  const d = dispatcher({ allowPrivateTargets: false });
  assert.deepEqual(await d.runOnce(), { claimed: 2, delivered: 0, retried: 0, failed: 2 });
  assert.equal(rx.requests.length, 0, 'nothing was sent');
  for (const row of await store.listDeliveries(ID)) {
    assert.equal(row.status, 'failed');
    assert.match(row.lastError ?? '', /^MLSLO_ERR_TARGET_REFUSED: the notification target is refused: host 127\.0\.0\.1 is a loopback address/);
  }
});

test('redirects are not followed (a public URL cannot bounce a notice inward)', async () => {
  rx.respond = (r) => (r.path === '/hook' ? { status: 302, headers: { location: '/elsewhere' } } : { status: 200 });
  await fire({ webhook: `${rx.url}/hook` });
  assert.equal((await dispatcher().runOnce()).failed, 1);
  assert.deepEqual(rx.requests.map((r) => r.path), ['/hook']);
  assert.match((await store.listDeliveries(ID))[0]?.lastError ?? '', /HTTP 302.*redirects are not followed/);
});

test('per target, notices go in order: a resolve waits until its trigger is delivered', async () => {
  let fail = true;
  rx.respond = () => (fail ? { status: 500 } : { status: 202 });
  const route = { pagerduty: { routingKey: 'KEY' } };
  await fire(route);
  const d = dispatcher();
  await d.runOnce(); // trigger fails, retried at +500 ms
  clock = T0 + 100;
  const res = resolvedAlert(firingAlert(), clock);
  await store.saveAlerts([], [], deliveriesFor(res, 'resolved', route, clock));
  await d.runOnce();
  assert.equal(rx.requests.length, 1, 'the resolve is not sent ahead of the trigger');
  fail = false;
  clock = T0 + 500;
  await d.runOnce();
  assert.deepEqual(rx.requests.map((r) => r.body.event_action), ['trigger', 'trigger', 'resolve']);
  assert.ok(rx.requests.every((r) => r.body.dedup_key === ID));
});

test('retryable failures are never given up: past staleAfterMs the row is marked as failing and still retried', async () => {
  let up = false;
  rx.respond = () => (up ? { status: 200 } : { status: 503 });
  await fire({ webhook: `${rx.url}/hook` });
  const d = dispatcher({ staleAfterMs: 10_000 });
  await d.runOnce();
  clock = T0 + 2 * 3_600_000;
  assert.deepEqual(await d.runOnce(), { claimed: 1, delivered: 0, retried: 1, failed: 0 });
  let [row] = await store.listDeliveries(ID);
  assert.equal(row?.status, 'pending');
  assert.match(row?.lastError ?? '', /^undelivered for 2 h, still retrying: HTTP 503/);
  assert.ok((row?.nextAttemptAt ?? Infinity) <= clock + 5 * 60_000, 'at the backoff cap at most');
  assert.match(logs.at(-1) ?? '', /notification will be retried at .*undelivered for 2 h, still retrying: HTTP 503/);
  up = true;
  clock += 5 * 60_000;
  assert.equal((await d.runOnce()).delivered, 1);
  [row] = await store.listDeliveries(ID);
  assert.deepEqual([row?.status, row?.attempts], ['delivered', 3]);
});

test('Alertmanager: a firing alert is re-sent once per resend interval, with endsAt ahead', async () => {
  const route = { alertmanager: rx.url };
  await fire(route);
  const d = dispatcher({ resendMs: 60_000 }, route);
  await d.runOnce();
  assert.equal(rx.requests.length, 1, 'the fired notice; no resend while it was pending');
  clock = T0 + 30_000;
  await d.runOnce();
  assert.equal(rx.requests.length, 1, 'same resend slot: nothing');
  clock = T0 + 60_000;
  await d.runOnce();
  clock = T0 + 90_000;
  await d.runOnce();
  clock = T0 + 120_000;
  await d.runOnce();
  assert.equal(rx.requests.length, 3, 'one resend per minute');
  assert.ok(rx.requests.every((r) => r.path === '/api/v2/alerts'));
  assert.deepEqual(rx.requests.map((r) => r.body[0].endsAt), [T0 + 240_000, T0 + 300_000, T0 + 360_000].map((t) => new Date(t).toISOString()));
  // Resolved: no more resends.
  const res = resolvedAlert(firingAlert(), T0 + 150_000);
  clock = T0 + 150_000;
  await store.saveAlerts([{ id: ID, service: 'scorer', state: JSON.stringify(res.state), body: JSON.stringify(res), updatedAt: clock }], [], deliveriesFor(res, 'resolved', route, clock));
  await d.runOnce();
  clock = T0 + 300_000;
  await d.runOnce();
  assert.equal(rx.requests.length, 4);
  assert.equal(rx.requests[3]?.body[0].endsAt, new Date(T0 + 150_000).toISOString());
  assert.deepEqual((await store.listDeliveries(ID)).map((r) => [r.dedupKey.replace(`${ID}#${T0}:`, ''), r.status]),
    [['fired', 'delivered'], [`refresh:${Math.floor((T0 + 60_000) / 60_000)}`, 'delivered'], [`refresh:${Math.floor((T0 + 120_000) / 60_000)}`, 'delivered'], ['resolved', 'delivered']]);
});
