/**
 * Two evaluators for HA on one ClickHouse (issue 10 item 3, docs/deployment.md "HA evaluators"): both
 * evaluate the same data at the same instants, so their transitions and outbox rows coincide (one row per
 * notice and target, one dedup key). Each notice is delivered; what the evaluators' claims do not rule out
 * is a second copy — two dispatchers racing for a row, or a send that outlives its lease. Shown here:
 *
 * - the outbox holds each notice once although both evaluators enqueued it;
 * - a notice delivered by one evaluator is not sent again by the other (sequential passes);
 * - an Alertmanager post that outlives its lease is posted again by the other evaluator (forced with a
 *   gate that holds the first post), and the real Alertmanager still notifies its receiver ONCE;
 * - racing dispatch passes deliver the resolved notice at least once, every copy with the same dedup key.
 *
 * Alertmanager judges endsAt by the wall clock, so the test clock runs 3 h behind it (as in
 * alertmanager.test.ts). Real ClickHouse and Alertmanager; SKIPPED, with the install commands, without them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunningServer } from '../../src/server/run.ts';
import { migrateConfiguredStore, type StoreConfig } from '../../src/store/open-store.ts';
import { ALERTMANAGER_MISSING, startAlertmanager, type AlertmanagerServer } from '../helpers/alertmanager.ts';
import { CLICKHOUSE_MISSING, startClickHouse, type ClickHouseServer } from '../helpers/clickhouse.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { createKey, getJson, postJson, startReplica, type Clock } from '../helpers/replica.ts';
import { gpuOomTraffic } from '../helpers/traffic.ts';
import { waitFor } from '../helpers/wait.ts';

const MIN = 60_000;
const ID = 'scorer/burn/errors/page';

interface Gate {
  readonly url: string;
  /** Posts that reached the gate, in order. */
  readonly posts: unknown[];
  /** Resolves when the first post that `hold` picks is being held. */
  readonly holding: Promise<void>;
  /** Forwards the held post. */
  release(): void;
  close(): Promise<void>;
}

/** A pass-through to `target` that holds the first post `hold` picks until released: a slow Alertmanager answer. */
async function startGate(target: string, hold: (body: unknown) => boolean): Promise<Gate> {
  let release = (): void => undefined;
  let held: () => void = () => undefined;
  const released = new Promise<void>((r) => { release = r; });
  const holding = new Promise<void>((r) => { held = r; });
  const posts: unknown[] = [];
  let holds = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const post: unknown = JSON.parse(body.toString('utf8'));
      posts.push(post);
      const first = hold(post) && holds++ === 0;
      void (async () => {
        if (first) {
          held();
          await released;
        }
        const up = await fetch(`${target}${req.url ?? ''}`, { method: req.method ?? 'POST', body, headers: { 'content-type': 'application/json' } });
        res.writeHead(up.status, { 'content-type': 'application/json' });
        res.end(await up.text());
      })();
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts, holding, release: () => release(),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const skip = CLICKHOUSE_MISSING || ALERTMANAGER_MISSING;

/** An Alertmanager alert (or a post of them) of the page under test; the incident also opens a ticket. */
function isPage(x: unknown): boolean {
  return Array.isArray(x) ? x.some(isPage) : (x as { labels?: { alert_id?: string } }).labels?.alert_id === ID;
}

test('two evaluators: each notice delivered, one outbox row per notice, Alertmanager notifies once', { skip, timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-ha-'));
  const started: RunningServer[] = [];
  let clickhouse: ClickHouseServer | undefined;
  let am: AlertmanagerServer | undefined;
  let gate: Gate | undefined;
  let hook: Receiver | undefined;
  try {
    clickhouse = await startClickHouse();
    hook = await startReceiver();
    am = await startAlertmanager(`
route:
  receiver: hook
  group_by: ['alert_id']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${hook.url}/am
        send_resolved: true
`);
    gate = await startGate(am.url, isPage);
    const specFile = join(dir, 'spec.yaml');
    writeFileSync(specFile, `
apiVersion: mlslo/v1
kind: Service
metadata: {name: scorer, owner: scorer-ml, oncall: sre-core, tier: 1}
spec:
  task: classification
  window: 30d
  objectives: {errors: 0.999, latency: 0.99, quality: 0.8}
  latency: {classes: [{name: all, thresholdMs: 1000}]}
  notify:
    oncall: {webhook: ${hook.url}/oncall, alertmanager: ${gate.url}}
`);
    const store: StoreConfig = { store: 'clickhouse', data: join(dir, 'unused'), clickhouse: { url: clickhouse.url, database: 'ha' } };
    await migrateConfiguredStore(store);
    const now = Math.floor(Date.now() / MIN) * MIN - 180 * MIN;
    const clock: Clock = { now };
    // Both evaluators link notices to the API replica's address, so their payloads are identical.
    const evaluatorCfg = { publicUrl: 'http://mlslo.example' };
    const start = async (role: 'ingest' | 'api' | 'evaluator', more = {}): Promise<RunningServer> => {
      const s = await startReplica(role, store, specFile, clock, { alertmanagerResend: '1h', ...more });
      started.push(s);
      return s;
    };
    const ingest = await start('ingest');
    const api = await start('api');
    const [e1, e2] = [await start('evaluator', evaluatorCfg), await start('evaluator', evaluatorCfg)];
    // Each evaluator's start-up pass (at the hour before `now`, on no data) is over before traffic arrives.
    await Promise.all([e1.evaluate(now - 60 * MIN), e2.evaluate(now - 60 * MIN)]);
    const key = await createKey(store, 'admin', now);
    const fromHook = (path: string, event: string): any[] => hook!.requests.filter((r) => r.path === path && r.body?.event === event && r.body.alert?.id === ID);
    const amNotices = (status: string): any[] => hook!.requests.filter((r) => r.path === '/am' && r.body?.status === status && r.body.alerts.some(isPage));

    // The incident: both evaluators evaluate the same data at the same instant.
    assert.equal((await postJson(ingest.url, '/v1/events', key, JSON.stringify(gpuOomTraffic(now - 60 * MIN, now, (x) => x >= now - 10 * MIN)))).status, 200);
    const [a1, a2] = await Promise.all([e1.evaluate(now), e2.evaluate(now)]);
    assert.deepEqual(a1, a2);
    assert.ok(a1.some((a) => a.id === ID && a.state.kind === 'firing'));
    // Both enqueued the fired notice; the outbox holds it once per target.
    const queued = (await getJson(api.url, `/v1/alerts/${encodeURIComponent(ID)}/deliveries`, key)).json.deliveries as any[];
    assert.deepEqual(queued.map((d) => d.channel).sort(), ['alertmanager', 'webhook']);
    assert.equal(new Set(queued.map((d) => d.dedupKey)).size, 1);

    // e1 sends both; its Alertmanager post hangs past the lease, so e2 (a minute later) posts it again.
    const first = e1.dispatch();
    await gate.holding;
    const webhookStatus = async (): Promise<string> =>
      ((await getJson(api.url, `/v1/alerts/${encodeURIComponent(ID)}/deliveries`, key)).json.deliveries as any[]).find((d) => d.channel === 'webhook').status;
    await waitFor('e1 to record the webhook notice delivered', async () => ((await webhookStatus()) === 'delivered' ? true : undefined));
    clock.now = now + MIN;
    await e2.dispatch();
    gate.release();
    await first;
    assert.equal(gate.posts.filter((p) => (p as unknown[]).some(isPage)).length, 2, 'the same alert posted by both evaluators');
    const fired = fromHook('/oncall', 'alert.fired');
    assert.equal(fired.length, 1, 'the webhook notice delivered by e1 is not sent again by e2');
    await waitFor('Alertmanager to notify', () => (amNotices('firing').length > 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 3000)); // group_interval is 1s: a second notification would be out by now
    assert.equal(amNotices('firing').length, 1, 'Alertmanager collapses the two posts into one notification');

    // Recovery, with the two dispatch passes racing: the resolved notice arrives at least once, every copy with one dedup key.
    clock.now = now + 180 * MIN;
    assert.equal((await postJson(ingest.url, '/v1/events', key, JSON.stringify(gpuOomTraffic(now + 170 * MIN, now + 180 * MIN, () => false)))).status, 200);
    await Promise.all([e1.evaluate(clock.now), e2.evaluate(clock.now)]);
    await Promise.all([e1.dispatch(), e2.dispatch()]);
    const resolved = fromHook('/oncall', 'alert.resolved');
    assert.ok(resolved.length >= 1);
    assert.equal(new Set(resolved.map((r) => r.body.dedupKey)).size, 1);
    t.diagnostic(`racing dispatchers delivered the resolved webhook notice ${resolved.length} time(s), all with dedup key ${resolved[0].body.dedupKey}`);
    await waitFor('Alertmanager to notify the resolution', () => (amNotices('resolved').length > 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(amNotices('resolved').length, 1);
    assert.ok(!((await getJson(api.url, '/v1/alerts', key)).json.alerts as any[]).some((a) => a.id === ID), 'the api replica shows the page resolved');
  } finally {
    for (const s of started) await s.close();
    await gate?.close();
    await am?.stop();
    await hook?.close();
    await clickhouse?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
