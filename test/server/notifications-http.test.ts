/**
 * Notifications end to end (issue 4 item 5): events over HTTP into SQLite, the evaluator at an explicit
 * time, the outbox, and the dispatcher sending to local receivers that check the Slack and PagerDuty
 * Events v2 payload shapes; then receivers down across an mlslo restart, and still every notice arrives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { gpuOomTraffic } from '../helpers/traffic.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;
const ID = 'scorer/burn/errors/page';
const ROUTING_KEY = 'R0UTINGKEYR0UTINGKEYR0UTINGKEY12';

function spec(slack: Receiver, hook: Receiver): string {
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
    oncall:
      slack: ${slack.url}/services/T000/B000/SLACKSECRET
      webhook: ${hook.url}/mlslo-hook
      pagerduty: {routingKey: ${ROUTING_KEY}}
`;
}


/** The requests about the errors page (other alerts — the composite burn — fire too and go to the same route). */
function about(rx: Receiver): any[] {
  return rx.requests.map((r) => r.body).filter((b) => b.alertId === ID || b.dedup_key === ID || JSON.stringify(b.blocks ?? '').includes(`\`${ID}\``));
}

interface World { s: TestServer; slack: Receiver; pd: Receiver; hook: Receiver; ingest: string; read: string }

async function world(): Promise<World> {
  const slack = await startReceiver();
  const pd = await startReceiver();
  const hook = await startReceiver();
  const s = await startTestServer(spec(slack, hook), NOW, { pagerdutyUrl: `${pd.url}/v2/enqueue`, notifyInterval: '1h' });
  return { s, slack, pd, hook, ingest: await s.key('ingest'), read: await s.key('read') };
}

async function close(w: World): Promise<void> {
  await w.s.stop();
  await Promise.all([w.slack.close(), w.pd.close(), w.hook.close()]);
}

/** The Slack incoming-webhook shape (api.slack.com/messaging/webhooks, Block Kit reference). */
function assertSlackShape(body: any): void {
  assert.equal(typeof body.text, 'string');
  assert.ok(body.text.length > 0);
  assert.ok(Array.isArray(body.blocks) && body.blocks.length > 0 && body.blocks.length <= 50);
  for (const b of body.blocks) {
    assert.ok(['header', 'section', 'context'].includes(b.type), b.type);
    if (b.type === 'header') assert.ok(b.text.type === 'plain_text' && b.text.text.length <= 150);
    if (b.type === 'section') assert.ok(['mrkdwn', 'plain_text'].includes(b.text.type) && b.text.text.length <= 3000);
    if (b.type === 'context') assert.ok(b.elements.every((e: any) => ['mrkdwn', 'plain_text'].includes(e.type) && typeof e.text === 'string'));
  }
}

/** PagerDuty Events API v2 (developer.pagerduty.com/docs/events-api-v2): required fields per action. */
function assertPagerDutyShape(body: any, action: 'trigger' | 'resolve'): void {
  assert.equal(body.routing_key, ROUTING_KEY);
  assert.equal(body.event_action, action);
  assert.equal(body.dedup_key, ID);
  assert.ok(body.dedup_key.length <= 255);
  if (action === 'trigger') {
    assert.equal(typeof body.payload.summary, 'string');
    assert.ok(body.payload.summary.length > 0 && body.payload.summary.length <= 1024);
    assert.equal(typeof body.payload.source, 'string');
    assert.ok(['critical', 'error', 'warning', 'info'].includes(body.payload.severity));
    assert.equal(body.payload.severity, 'critical', 'a page');
    assert.ok(Number.isFinite(Date.parse(body.payload.timestamp)));
  }
}

describe('notifications over HTTP', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => close(w));

  test('a page reaches Slack, PagerDuty and the webhook, then resolves; the delivery log shows it', async () => {
    const { s, slack, pd, hook } = w;
    await s.post(JSON.stringify(gpuOomTraffic(NOW - 60 * MIN, NOW, (t) => t >= NOW - 10 * MIN)), w.ingest);
    await s.evaluate();
    const first = await s.dispatch();
    assert.equal(first.claimed % 3, 0, 'three targets per alert');
    assert.equal(first.delivered, first.claimed);

    assert.equal(about(slack).length, 1);
    assert.ok(slack.requests.every((r) => r.path === '/services/T000/B000/SLACKSECRET'));
    for (const r of slack.requests) assertSlackShape(r.body);
    assert.match(about(slack)[0].text, /^\[FIRING\] page · scorer: /);
    assert.equal(about(pd).length, 1);
    assert.ok(pd.requests.every((r) => r.path === '/v2/enqueue' && r.headers['content-type'] === 'application/json'));
    assertPagerDutyShape(about(pd)[0], 'trigger');
    assert.equal(about(hook)[0].event, 'alert.fired');
    assert.equal(about(hook)[0].dedupKey, `${ID}#${NOW}:fired`);
    assert.equal(about(hook)[0].alert.hint.kind, 'investigate_errors');

    // Evaluating again at the same time changes nothing: no second notice.
    await s.evaluate();
    assert.equal((await s.dispatch()).claimed, 0);

    // The delivery log: ids are URL-encoded (they hold '/'); targets are redacted.
    const log = await s.get(`/v1/alerts/${encodeURIComponent(ID)}/deliveries`, w.read);
    assert.equal(log.status, 200);
    assert.equal(log.json.alertId, ID);
    assert.deepEqual(log.json.deliveries.map((d: any) => [d.channel, d.notice, d.status, d.attempts]),
      [['webhook', 'fired', 'delivered', 1], ['slack', 'fired', 'delivered', 1], ['pagerduty', 'fired', 'delivered', 1]]);
    const text = JSON.stringify(log.json);
    assert.ok(!text.includes('SLACKSECRET') && !text.includes(ROUTING_KEY) && !text.includes('mlslo-hook'), text);
    assert.equal((await s.get(`/v1/alerts/${encodeURIComponent(ID)}/deliveries`, w.ingest)).status, 403);
    assert.equal((await s.get(`/v1/alerts/${encodeURIComponent(ID)}/deliveries`, await s.key('read', 'other'))).status, 403);
    assert.deepEqual((await s.get(`/v1/alerts/${encodeURIComponent('scorer/coverage/ticket')}/deliveries`, w.read)).json.deliveries, []);

    // Three hours later, healthy: the page resolves and every channel hears it.
    s.clock = NOW + 180 * MIN;
    await s.post(JSON.stringify(gpuOomTraffic(NOW + 170 * MIN, NOW + 180 * MIN, () => false)), w.ingest);
    await s.evaluate();
    assert.ok((await s.dispatch()).delivered >= 3);
    assertPagerDutyShape(about(pd)[1], 'resolve');
    assertSlackShape(about(slack)[1]);
    assert.match(about(slack)[1].text, /^\[RESOLVED\]/);
    assert.equal(about(hook)[1].event, 'alert.resolved');
    assert.equal(about(hook)[1].dedupKey, `${ID}#${NOW}:resolved`);
  });
});

describe('a dead receiver and an mlslo restart lose no notification', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => close(w));

  test('everything pending is delivered once the receivers are back', async () => {
    const { s, slack, pd, hook } = w;
    await Promise.all([slack.down(), pd.down(), hook.down()]);
    await s.post(JSON.stringify(gpuOomTraffic(NOW - 60 * MIN, NOW, (t) => t >= NOW - 10 * MIN)), w.ingest);
    await s.evaluate();
    const first = await s.dispatch();
    assert.ok(first.claimed >= 3 && first.retried === first.claimed, JSON.stringify(first));
    s.clock += 5 * MIN;
    await s.dispatch();

    await s.restart(); // pending rows survive in the store
    s.clock = NOW + 180 * MIN;
    await s.post(JSON.stringify(gpuOomTraffic(NOW + 170 * MIN, NOW + 180 * MIN, () => false)), w.ingest);
    await s.evaluate(); // resolved: queued behind the undelivered fired notices
    await s.dispatch();
    await s.restart();
    assert.equal(slack.requests.length + pd.requests.length + hook.requests.length, 0);

    await Promise.all([slack.start(), pd.start(), hook.start()]);
    s.clock += 10 * MIN; // past any backoff (cap 5 min)
    await s.dispatch();

    // Every notice of every alert that fired: each dedup key arrived at least once, per channel in order.
    const history = (await s.get('/v1/alerts/history', w.read)).json.transitions as any[];
    const expected = history.map((t) => `${t.alertId}#${t.alert.state.firingSince}:${t.transition}`);
    assert.ok(expected.includes(`${ID}#${NOW}:fired`) && expected.includes(`${ID}#${NOW}:resolved`));
    const keys = hook.requests.map((r) => r.body.dedupKey as string);
    for (const k of expected) assert.ok(keys.includes(k), `${k} arrived (${keys.join(', ')})`);
    assert.equal(pd.requests.filter((r) => r.body.event_action === 'trigger').length, expected.filter((k) => k.endsWith(':fired')).length);
    assert.deepEqual(about(pd).map((b) => b.event_action), ['trigger', 'resolve'], 'in order');
    assert.deepEqual(about(slack).map((b) => b.text.slice(0, 10)), ['[FIRING] p', '[RESOLVED]']);
    const log = await s.get(`/v1/alerts/${encodeURIComponent(ID)}/deliveries`, w.read);
    assert.equal(log.json.deliveries.length, 6, 'fired and resolved, to three targets');
    assert.ok(log.json.deliveries.every((d: any) => d.status === 'delivered'), JSON.stringify(log.json.deliveries));
    // The fired notices failed while the receivers were down; the resolves waited behind them (in order).
    assert.ok(log.json.deliveries.every((d: any) => (d.notice === 'fired' ? d.attempts >= 2 : d.attempts === 1)));
  });
});
