/**
 * Integration with a real Alertmanager (issue 4, "done when"): Debian's prometheus-alertmanager (0.25) is
 * started on loopback with a config that routes everything to a local webhook receiver; an mlslo page
 * reaches the receiver through it, then resolves. Without the binary the test is SKIPPED (CI fails on
 * skips), never passed.
 *
 * Alertmanager judges endsAt by the wall clock, so the test clock runs 3 h behind it: the page fires
 * "3 h ago" with a 1 h resend interval (endsAt = fired-time + 4 h, still ahead of the wall clock) and
 * resolves at about the wall clock's now.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALERTMANAGER_MISSING, startAlertmanager, type AlertmanagerServer } from '../helpers/alertmanager.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer } from '../helpers/server.ts';
import { gpuOomTraffic } from '../helpers/traffic.ts';
import { waitFor } from '../helpers/wait.ts';

const MIN = 60_000;
const ID = 'scorer/burn/errors/page';

test('an mlslo page reaches a webhook through a real Alertmanager, then resolves', { skip: ALERTMANAGER_MISSING, timeout: 90_000 }, async () => {
  let am: AlertmanagerServer | undefined;
  let hook: Receiver | undefined;
  try {
    hook = await startReceiver();
    am = await startAlertmanager(`
route:
  receiver: hook
  group_by: ['alert_id']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1m
receivers:
  - name: hook
    webhook_configs:
      - url: ${hook.url}/am
        send_resolved: true
`);
    const amUrl = am.url;

    const now = Math.floor(Date.now() / MIN) * MIN - 180 * MIN;
    const s = await startTestServer(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: scorer, owner: scorer-ml, oncall: sre-core, tier: 1}
spec:
  task: classification
  window: 30d
  objectives: {errors: 0.999, latency: 0.99, quality: 0.8}
  latency: {classes: [{name: all, thresholdMs: 1000}]}
  notify:
    oncall: {alertmanager: ${amUrl}}
`, now, { notifyInterval: '1h', alertmanagerResend: '1h' });
    try {
      const ingest = await s.key('ingest');
      await s.post(JSON.stringify(gpuOomTraffic(now - 60 * MIN, now, (t) => t >= now - 10 * MIN)), ingest);
      await s.evaluate();
      const sent = await s.dispatch();
      assert.ok(sent.delivered >= 1 && sent.failed === 0 && sent.retried === 0, JSON.stringify(sent));

      // Alertmanager holds it…
      const held = await waitFor('the alert in Alertmanager', async () => {
        const alerts = await (await fetch(`${amUrl}/api/v2/alerts`)).json() as any[];
        return alerts.find((a) => a.labels.alert_id === ID);
      });
      assert.equal(held.status.state, 'active');
      assert.deepEqual({ ...held.labels }, { alertname: 'mlslo_burn', alert_id: ID, service: 'scorer', severity: 'page', route: 'oncall', kind: 'burn', dimension: 'errors' });
      assert.equal(Date.parse(held.startsAt), now);
      // …and notifies the webhook: firing.
      const firing = await waitFor('a firing notification', () => hook!.requests.find((r) => r.body?.status === 'firing' && r.body.alerts.some((a: any) => a.labels.alert_id === ID)));
      assert.equal(firing.path, '/am');
      const fa = firing.body.alerts.find((a: any) => a.labels.alert_id === ID);
      assert.equal(fa.status, 'firing');
      assert.match(fa.annotations.summary, /errors/);
      assert.equal(fa.annotations.hint, 'investigate errors: gpu_oom 100%');
      assert.equal(fa.generatorURL, `${s.url}/v1/services/scorer/alerts`);

      // Three hours later (≈ the wall clock), healthy: resolved in mlslo, then in Alertmanager.
      s.clock = now + 180 * MIN;
      await s.post(JSON.stringify(gpuOomTraffic(now + 170 * MIN, now + 180 * MIN, () => false)), ingest);
      await s.evaluate();
      assert.ok((await s.dispatch()).delivered >= 1);
      const resolved = await waitFor('a resolved notification', () => hook!.requests.find((r) => r.body?.status === 'resolved' && r.body.alerts.some((a: any) => a.labels.alert_id === ID)));
      const ra = resolved.body.alerts.find((a: any) => a.labels.alert_id === ID);
      assert.equal(ra.status, 'resolved');
      assert.equal(Date.parse(ra.endsAt), now + 180 * MIN);
    } finally {
      await s.stop();
    }
  } finally {
    await am?.stop();
    await hook?.close();
  }
});
