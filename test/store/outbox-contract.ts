/**
 * The notification outbox part of the storage contract (port.ts NewDelivery … listDeliveries): run by
 * storeContract for every adapter. Expectations are written by hand.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AlertRecord, DeliveryRecord, NewDelivery } from '../../src/store/port.ts';
import type { StoreHarness } from './contract.ts';

const SVC = 'fraud-scorer';
const A1 = `${SVC}/burn/errors/page`;
const A2 = `${SVC}/coverage/ticket`;

function delivery(id: string, over: Partial<NewDelivery> = {}): NewDelivery {
  return {
    id, alertId: A1, service: SVC, channel: 'webhook', target: 'https://hooks.example/x', payload: `{"n":"${id}"}`,
    dedupKey: `${A1}#100:fired`, createdAt: 100, nextAttemptAt: 100, ...over,
  };
}

function pending(d: NewDelivery, over: Partial<DeliveryRecord> = {}): DeliveryRecord {
  const rest = { ...d };
  delete rest.skipIfPending;
  return { ...rest, attempts: 0, status: 'pending', lastError: undefined, deliveredAt: undefined, ...over };
}

const alert: AlertRecord = { id: A1, service: SVC, state: '{"kind":"firing"}', body: '{}', updatedAt: 100 };

export function outboxContract(make: () => Promise<StoreHarness>, opts: { durable: boolean }): void {
  async function withStore(fn: (h: StoreHarness) => Promise<void>): Promise<void> {
    const h = await make();
    try {
      await fn(h);
    } finally {
      await h.cleanup();
    }
  }

  it('outbox: enqueues deliveries with the alert transition that causes them, once per id', () => withStore(async ({ store: s }) => {
    const d1 = delivery('d1');
    const d2 = delivery('d2', { channel: 'slack', target: 'https://hooks.slack.example/T/B/secret' });
    await s.saveAlerts([alert], [{ alertId: A1, service: SVC, at: 100, transition: 'fired', body: '{}' }], [d1, d2]);
    assert.deepEqual(await s.listDeliveries(A1), [pending(d1), pending(d2)]);
    // The same notice again (a re-run evaluation) adds nothing; saveAlerts without deliveries still works.
    await s.saveAlerts([alert], [], [d1]);
    await s.saveAlerts([alert], []);
    assert.equal(await s.enqueueDeliveries([d1, d2]), 0);
    assert.equal((await s.listDeliveries(A1)).length, 2);
    assert.deepEqual(await s.listDeliveries(A2), []);
  }));

  it('outbox: a failing delivery row saves neither the transition nor the alert', () => withStore(async ({ store: s }) => {
    const bad = { ...delivery('bad'), payload: null } as unknown as NewDelivery;
    await assert.rejects(s.saveAlerts([alert], [{ alertId: A1, service: SVC, at: 100, transition: 'fired', body: '{}' }], [delivery('ok'), bad]));
    assert.deepEqual(await s.loadAlerts(), []);
    assert.deepEqual(await s.alertHistory({ limit: 10 }), []);
    assert.deepEqual(await s.listDeliveries(A1), []);
  }));

  it('outbox: claims due rows oldest first, leases them, and keeps each alert × target in order', () => withStore(async ({ store: s }) => {
    const first = delivery('first', { nextAttemptAt: 100 });
    const second = delivery('second', { nextAttemptAt: 50, dedupKey: `${A1}#100:resolved` }); // same alert and target: waits for `first`
    const other = delivery('other', { alertId: A2, dedupKey: `${A2}#90:fired`, nextAttemptAt: 90 });
    const later = delivery('later', { alertId: A2, channel: 'pagerduty', target: 'R0UTINGKEY', nextAttemptAt: 500 });
    assert.equal(await s.enqueueDeliveries([first, second, other, later]), 4);
    assert.deepEqual(await s.claimDeliveries(99, 10, 1000), [pending(other)]);
    assert.deepEqual((await s.claimDeliveries(150, 10, 1000)).map((d) => d.id), ['first'], 'other is leased; second waits behind first');
    assert.deepEqual(await s.claimDeliveries(150, 10, 1000), [], 'leased rows are not claimed again before the lease ends');
    // `first` delivered: `second` becomes the head.
    await s.recordDelivery('first', { kind: 'delivered', at: 160 });
    assert.deepEqual((await s.claimDeliveries(160, 10, 1000)).map((d) => d.id), ['second']);
    // A crash mid-send: the lease runs out and the row is claimable again.
    assert.deepEqual((await s.claimDeliveries(1000, 1, 2000)).map((d) => d.id), ['later'], 'limit 1: the oldest due (500)');
    assert.deepEqual((await s.claimDeliveries(1000, 10, 2000)).map((d) => d.id), ['second', 'other'], 'due at the same time: enqueue order');
  }));

  it('outbox: records delivered, retry and failed attempts; settled rows stay settled', () => withStore(async ({ store: s }) => {
    const a = delivery('a');
    const b = delivery('b', { alertId: A2, dedupKey: `${A2}#1:fired` });
    await s.enqueueDeliveries([a, b]);
    await s.claimDeliveries(100, 10, 200);
    await s.recordDelivery('a', { kind: 'retry', at: 101, nextAttemptAt: 150, error: 'HTTP 503' });
    assert.deepEqual(await s.listDeliveries(A1), [pending(a, { attempts: 1, nextAttemptAt: 150, lastError: 'HTTP 503' })]);
    assert.deepEqual(await s.claimDeliveries(149, 10, 300), []);
    assert.deepEqual((await s.claimDeliveries(150, 10, 300)).map((d) => d.id), ['a']);
    await s.recordDelivery('a', { kind: 'delivered', at: 151 });
    assert.deepEqual(await s.listDeliveries(A1), [pending(a, { attempts: 2, nextAttemptAt: 300, status: 'delivered', deliveredAt: 151 })]);
    await s.recordDelivery('b', { kind: 'failed', at: 102, error: 'HTTP 400: bad payload' });
    const [fb] = await s.listDeliveries(A2);
    assert.deepEqual(fb, pending(b, { attempts: 1, nextAttemptAt: 200, status: 'failed', lastError: 'HTTP 400: bad payload' }));
    await s.recordDelivery('b', { kind: 'delivered', at: 400 });
    await s.recordDelivery('nope', { kind: 'delivered', at: 400 });
    assert.equal((await s.listDeliveries(A2))[0]?.status, 'failed', 'a settled row is not changed by a late result');
    assert.deepEqual(await s.claimDeliveries(10_000, 10, 20_000), []);
  }));

  it('outbox: skipIfPending enqueues a resend only when nothing is queued for that alert and target', () => withStore(async ({ store: s }) => {
    const f = delivery('f', { channel: 'alertmanager', target: 'http://am.example:9093' });
    await s.enqueueDeliveries([f]);
    const r1 = delivery('r1', { channel: 'alertmanager', target: 'http://am.example:9093', dedupKey: `${A1}#100:refresh:1`, skipIfPending: true });
    const elsewhere = delivery('r2', { channel: 'alertmanager', target: 'http://am2.example:9093', dedupKey: `${A1}#100:refresh:1`, skipIfPending: true });
    assert.equal(await s.enqueueDeliveries([r1, elsewhere]), 1);
    await s.claimDeliveries(100, 10, 100);
    await s.recordDelivery('f', { kind: 'delivered', at: 100 });
    assert.equal(await s.enqueueDeliveries([r1]), 1);
    assert.deepEqual((await s.listDeliveries(A1)).map((d) => d.id), ['f', 'r2', 'r1']);
  }));

  if (opts.durable) it('outbox: pending deliveries survive a reopen', async () => {
    const h = await make();
    assert.ok(h.reopen);
    try {
      const d = delivery('keep');
      await h.store.saveAlerts([alert], [], [d]);
      await h.store.claimDeliveries(100, 10, 130);
      const s2 = await h.reopen();
      assert.deepEqual(await s2.claimDeliveries(129, 10, 200), [], 'still leased');
      assert.deepEqual(await s2.claimDeliveries(130, 10, 200), [pending(d, { nextAttemptAt: 130 })]);
    } finally {
      await h.cleanup();
    }
  });
}
