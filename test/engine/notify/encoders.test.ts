/**
 * Channel encoders are pure: (notice, target, context) → HTTP request. Shapes are checked against the
 * channels' public documentation (Slack incoming webhooks + Block Kit; PagerDuty Events API v2;
 * Alertmanager v2 OpenAPI `postableAlerts`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeAlertmanager } from '../../../src/engine/notify/alertmanager.ts';
import { dedupKey, type Notice } from '../../../src/engine/notify/notice.ts';
import { deliveriesFor, resendsFor } from '../../../src/engine/notify/outbox.ts';
import { encodePagerDuty, pagerdutyDedupKey } from '../../../src/engine/notify/pagerduty.ts';
import type { EncodeContext } from '../../../src/engine/notify/request.ts';
import { encodeSlack } from '../../../src/engine/notify/slack.ts';
import { redactTarget } from '../../../src/engine/notify/targets.ts';
import { encodeWebhook } from '../../../src/engine/notify/webhook.ts';
import { firingAlert, resolvedAlert, T0 } from './fixtures.ts';

const CTX: EncodeContext = { now: T0 + 5000, pagerdutyUrl: 'https://events.pagerduty.com/v2/enqueue', baseUrl: 'http://mlslo.example:7070', resendMs: 60_000 };
const fired = (a = firingAlert()): Notice => ({ kind: 'fired', at: T0, dedupKey: dedupKey(a, 'fired', T0), alert: a });
const resolved = (): Notice => {
  const a = resolvedAlert(firingAlert(), T0 + 3_600_000);
  return { kind: 'resolved', at: T0 + 3_600_000, dedupKey: dedupKey(a, 'resolved', T0 + 3_600_000), alert: a };
};

test('dedup keys name the alert, its firing episode and the notice', () => {
  assert.equal(fired().dedupKey, `scorer/burn/errors/page#${T0}:fired`);
  assert.equal(resolved().dedupKey, `scorer/burn/errors/page#${T0}:resolved`, 'the resolve belongs to the same episode');
  assert.equal(dedupKey(firingAlert(), 'refresh', T0 + 120_000, 3), `scorer/burn/errors/page#${T0}:refresh:3`);
});

test('generic webhook: documented envelope with the full alert', () => {
  const r = encodeWebhook(fired(), 'https://hooks.example/in/SECRET', CTX);
  assert.equal(r.url, 'https://hooks.example/in/SECRET');
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers['idempotency-key'], encodeURIComponent(`scorer/burn/errors/page#${T0}:fired`));
  const b = r.body as Record<string, any>;
  assert.deepEqual(Object.keys(b), ['version', 'event', 'dedupKey', 'at', 'alertId', 'service', 'kind', 'severity', 'route', 'summary', 'hint', 'firingSince', 'resolvedAt', 'link', 'alert']);
  assert.equal(b.version, 'mlslo.notification/v1');
  assert.equal(b.event, 'alert.fired');
  assert.equal(b.hint, 'investigate errors: gpu_oom 100%');
  assert.equal(b.firingSince, '2026-11-28T12:00:00.000Z');
  assert.equal(b.resolvedAt, null);
  assert.equal(b.link, 'http://mlslo.example:7070/v1/services/scorer/alerts');
  assert.equal(b.alert.state.kind, 'firing');
  const rb = encodeWebhook(resolved(), 'https://hooks.example/in/SECRET', CTX).body as Record<string, any>;
  assert.equal(rb.event, 'alert.resolved');
  assert.equal(rb.resolvedAt, '2026-11-28T13:00:00.000Z');
});

test('Slack: text fallback plus header, mrkdwn section and context blocks, with &<> escaped', () => {
  const a = firingAlert({ summary: 'cohort <!channel> & <https://evil|click> is bad' });
  const b = encodeSlack(fired(a), 'https://hooks.slack.com/services/T/B/X', CTX).body as any;
  assert.equal(typeof b.text, 'string');
  assert.match(b.text, /^\[FIRING\] page · scorer: /);
  assert.ok(!b.text.includes('<!channel>') && b.text.includes('&lt;!channel&gt; &amp; &lt;https://evil|click&gt;'));
  assert.deepEqual(b.blocks.map((x: any) => x.type), ['header', 'section', 'context']);
  assert.equal(b.blocks[0].text.type, 'plain_text');
  assert.ok(b.blocks[0].text.text.length <= 150);
  assert.equal(b.blocks[1].text.type, 'mrkdwn');
  assert.ok(!b.blocks[1].text.text.includes('<!channel>'));
  assert.match(b.blocks[1].text.text, /Hint: investigate errors: gpu_oom 100%/);
  assert.equal(b.blocks[2].elements[0].type, 'mrkdwn');
  assert.match(b.blocks[2].elements[0].text, /<http:\/\/mlslo\.example:7070\/v1\/services\/scorer\/alerts\|alerts>/);
  const r = encodeSlack(resolved(), 'https://hooks.slack.com/services/T/B/X', CTX).body as any;
  assert.match(r.text, /^\[RESOLVED\]/);
  assert.match(r.blocks[1].text.text, /Resolved at 2026-11-28T13:00:00.000Z/);
});

test('PagerDuty Events v2: trigger with the required payload fields, resolve with the same dedup_key', () => {
  const t = encodePagerDuty(fired(), 'R0UTING_KEY_32_CHARS_XXXXXXXXXXX', CTX);
  assert.equal(t.url, 'https://events.pagerduty.com/v2/enqueue');
  const b = t.body as any;
  assert.equal(b.routing_key, 'R0UTING_KEY_32_CHARS_XXXXXXXXXXX');
  assert.equal(b.event_action, 'trigger');
  assert.equal(b.dedup_key, 'scorer/burn/errors/page');
  assert.equal(b.payload.severity, 'critical');
  assert.equal(b.payload.source, 'mlslo/scorer');
  assert.ok(b.payload.summary.length > 0 && b.payload.summary.length <= 1024);
  assert.equal(b.payload.timestamp, '2026-11-28T12:00:00.000Z');
  assert.equal(b.payload.custom_details.hint, 'investigate errors: gpu_oom 100%');
  const ticket = encodePagerDuty(fired(firingAlert({ severity: 'ticket', id: 'scorer/burn/errors/ticket' })), 'K', CTX).body as any;
  assert.equal(ticket.payload.severity, 'warning');
  const r = encodePagerDuty(resolved(), 'R0UTING_KEY_32_CHARS_XXXXXXXXXXX', { ...CTX, pagerdutyUrl: 'http://127.0.0.1:9/v2/enqueue' });
  assert.equal(r.url, 'http://127.0.0.1:9/v2/enqueue', 'the base URL is overridable');
  assert.deepEqual(r.body, { routing_key: 'R0UTING_KEY_32_CHARS_XXXXXXXXXXX', dedup_key: 'scorer/burn/errors/page', event_action: 'resolve' });
  const long = 'x'.repeat(400);
  assert.equal(pagerdutyDedupKey(long).length, 241);
  assert.notEqual(pagerdutyDedupKey(long), pagerdutyDedupKey(`${long}y`));
});

test('Alertmanager v2: labels identify the alert; endsAt is ahead while firing and the resolution time after', () => {
  const f = encodeAlertmanager(fired(), 'http://am.example:9093/', CTX);
  assert.equal(f.url, 'http://am.example:9093/api/v2/alerts');
  const [a] = f.body as any[];
  assert.deepEqual(a.labels, { alertname: 'mlslo_burn', alert_id: 'scorer/burn/errors/page', service: 'scorer', severity: 'page', route: 'oncall', kind: 'burn', dimension: 'errors' });
  assert.deepEqual(a.annotations, { summary: firingAlert().summary, hint: 'investigate errors: gpu_oom 100%' });
  assert.equal(a.startsAt, '2026-11-28T12:00:00.000Z');
  assert.equal(a.endsAt, new Date(CTX.now + 4 * 60_000).toISOString(), 'now + 4 × resend interval');
  assert.equal(a.generatorURL, 'http://mlslo.example:7070/v1/services/scorer/alerts');
  const [r] = encodeAlertmanager(resolved(), 'http://am.example:9093', CTX).body as any[];
  assert.equal(r.endsAt, '2026-11-28T13:00:00.000Z');
  assert.deepEqual(r.labels, a.labels, 'the same label set: Alertmanager resolves the alert it holds');
});

test('outbox rows: one per target of the route, deterministic ids; resends only to Alertmanager while firing', () => {
  const route = { slack: 'https://hooks.slack.com/services/T/B/X', webhook: 'https://hooks.example/a', pagerduty: { routingKey: 'KEY1234' }, alertmanager: 'http://am.example:9093' };
  const rows = deliveriesFor(firingAlert(), 'fired', route, T0);
  assert.deepEqual(rows.map((r) => r.channel), ['webhook', 'slack', 'pagerduty', 'alertmanager']);
  assert.deepEqual(rows.map((r) => r.target), ['https://hooks.example/a', 'https://hooks.slack.com/services/T/B/X', 'KEY1234', 'http://am.example:9093']);
  assert.ok(rows.every((r) => r.dedupKey === `scorer/burn/errors/page#${T0}:fired` && r.nextAttemptAt === T0 && r.skipIfPending === undefined));
  assert.deepEqual(deliveriesFor(firingAlert(), 'fired', route, T0).map((r) => r.id), rows.map((r) => r.id));
  assert.equal(new Set(rows.map((r) => r.id)).size, 4);
  assert.deepEqual(deliveriesFor(firingAlert(), 'fired', undefined, T0), []);
  const re = resendsFor(firingAlert(), route, T0 + 150_000, 60_000);
  assert.deepEqual(re.map((r) => [r.channel, r.dedupKey, r.skipIfPending]), [['alertmanager', `scorer/burn/errors/page#${T0}:refresh:${Math.floor((T0 + 150_000) / 60_000)}`, true]]);
  assert.deepEqual(resendsFor(resolvedAlert(firingAlert(), T0 + 1), route, T0 + 150_000, 60_000), []);
});

test('targets are redacted for logs and the API', () => {
  assert.equal(redactTarget('slack', 'https://hooks.slack.com/services/T0/B0/SECRET'), 'https://hooks.slack.com/…');
  assert.equal(redactTarget('alertmanager', 'http://am.example:9093'), 'http://am.example:9093');
  assert.equal(redactTarget('pagerduty', 'R0UTINGKEYabcd'), '…abcd');
});
