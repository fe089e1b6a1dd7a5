/**
 * The scripted world of the browser tests: a real server (SQLite, test clock) with three public services
 * and three days of traffic, every number worked out by hand below.
 *
 * - `fraud-scorer` (tier 1): 30 requests an hour, then a busy last hour (20 a minute) whose last 20
 *   minutes fail half the time with gpu_oom. Both page rows burn (1h: 200/1,200 bad = 16.7× the 1%
 *   budget rate, 5m: 50×) → `fraud-scorer/burn/errors/page` fires → outage. Its on-call route is a local
 *   webhook, so the alert has a delivery log. Its description carries markup.
 * - `ticket-router` (tier 1): every request labelled 10 minutes later; Spanish is right 60% of the time,
 *   English and German 95%, so q̂ ≈ 83.3% < 85%: the quality ticket rows burn → quality degraded, and
 *   `language=es` is flagged below-objective and worse-than-rest. Its `region` cohort has a value named
 *   `<script>alert(1)</script>` (published on the status page). A drift baseline is uploaded and text
 *   lengths double over the last 12 hours.
 * - `image-tagger` (tier 2): all ok and fast, 99.5% right → operational.
 */
import assert from 'node:assert/strict';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

export const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

export const XSS = '<script>alert(1)</script>';
export const DESCRIPTION = 'Scores card payments <b>before</b> the issuer answers & <img src=x onerror=alert(2)>';
export const PAGE_ALERT = 'fraud-scorer/burn/errors/page';

function specs(hook: string): string {
  return `
apiVersion: mlslo/v1
kind: Service
metadata:
  name: fraud-scorer
  owner: fraud-ml
  oncall: sre-payments
  tier: 1
  public: true
  description: '${DESCRIPTION}'
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.99, latency: 0.95, quality: 0.8}
  latency: {classes: [{name: all, thresholdMs: 300}]}
  quality: {minSamples: 20}
  notify:
    oncall: {webhook: ${hook}/pager}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: ticket-router, owner: support-ml, oncall: sre-support, tier: 1, public: true}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.99, latency: 0.95, quality: 0.85}
  latency: {classes: [{name: all, thresholdMs: 500}]}
  quality: {minSamples: 20}
  cohorts: [language, region]
  drift:
    features: {textLength: numeric, channel: categorical}
    critical: [textLength]
  statusPage: {cohorts: [region]}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: image-tagger, owner: vision-ml, oncall: sre-media, tier: 2, public: true}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.995, latency: 0.95, quality: 0.9}
  latency: {classes: [{name: all, thresholdMs: 300}]}
  quality: {minSamples: 20}
`;
}

type Event = Record<string, unknown>;

const iso = (t: number): string => new Date(t).toISOString();

function inference(service: string, id: string, ts: number, extra: Event): Event {
  return { kind: 'inference', id, service, model: 'v3', ts: iso(ts), ...extra };
}

function outcome(service: string, id: string, ts: number, label: string): Event {
  return { kind: 'outcome', requestId: id, service, ts: iso(ts), source: 'ground_truth', label };
}

/** The label a request judged `right` gets, given its prediction. */
const truth = (pred: string, right: boolean, other: string): string => (right ? pred : other);

/** 30 requests an hour for 71 hours, then 20 a minute; the last 20 minutes, every other request fails. */
function fraudScorer(): Event[] {
  const out: Event[] = [];
  let i = 0;
  const add = (ts: number, fail: boolean): void => {
    const id = `fs-${i}`;
    if (fail) out.push(inference('fraud-scorer', id, ts, { status: 'error', errorType: 'gpu_oom' }));
    else {
      const pred = i % 7 === 0 ? 'fraud' : 'legit';
      out.push(inference('fraud-scorer', id, ts, { status: 'ok', latencyMs: 40 + (i % 5) * 10, prediction: { label: pred, score: 0.9 } }));
      // One in five labelled an hour later; 99 in 100 of those right.
      if (i % 5 === 0 && ts + HOUR <= NOW) out.push(outcome('fraud-scorer', id, ts + HOUR, truth(pred, i % 500 !== 0, pred === 'fraud' ? 'legit' : 'fraud')));
    }
    i++;
  };
  for (let t = NOW - 72 * HOUR; t < NOW - HOUR; t += 2 * MIN) add(t, false);
  for (let t = NOW - HOUR; t < NOW; t += 3000) add(t, t >= NOW - 20 * MIN && i % 2 === 0);
  return out;
}

export const LANGUAGES = ['en', 'de', 'es'] as const;
export const REGIONS = ['eu', 'us', XSS] as const;

/** One request every 2 minutes for 72 hours, each labelled 10 minutes later. */
function ticketRouter(): Event[] {
  const out: Event[] = [];
  let i = 0;
  for (let t = NOW - 72 * HOUR; t < NOW; t += 2 * MIN, i++) {
    const id = `tr-${i}`;
    const language = LANGUAGES[i % 3]!;
    const k = Math.floor(i / 3);
    const region = REGIONS[k % 3]!;
    const right = language === 'es' ? k % 10 < 6 : k % 20 < 19;
    const pred = ['billing', 'shipping', 'returns'][k % 3]!;
    const late = t >= NOW - 12 * HOUR;
    const textLength = (40 + ((i * 37) % 200)) * (late ? 2 : 1);
    out.push(inference('ticket-router', id, t, {
      status: 'ok', latencyMs: 120 + (i % 7) * 20, cohort: { language, region },
      features: { textLength, channel: ['email', 'chat'][i % 2] }, prediction: { label: pred, score: 0.8 },
    }));
    if (t + 10 * MIN <= NOW) out.push(outcome('ticket-router', id, t + 10 * MIN, truth(pred, right, pred === 'billing' ? 'shipping' : 'billing')));
  }
  return out;
}

/** The training sample of ticket-router's model: the text lengths of the first 60 hours. */
function ticketRouterBaseline(): string {
  return Array.from({ length: 400 }, (_, i) => JSON.stringify({ textLength: 40 + ((i * 37) % 200), channel: ['email', 'chat'][i % 2] })).join('\n');
}

/** One request every 2 minutes for 72 hours, half labelled, 199 in 200 of those right. */
function imageTagger(): Event[] {
  const out: Event[] = [];
  let i = 0;
  for (let t = NOW - 72 * HOUR; t < NOW; t += 2 * MIN, i++) {
    const id = `it-${i}`;
    const pred = i % 4 === 0 ? 'cat' : 'dog';
    out.push(inference('image-tagger', id, t, { status: 'ok', latencyMs: 60 + (i % 4) * 15, prediction: { label: pred, score: 0.9 } }));
    if (i % 2 === 0 && t + 30 * MIN <= NOW) out.push(outcome('image-tagger', id, t + 30 * MIN, truth(pred, (i / 2) % 200 !== 0, pred === 'cat' ? 'dog' : 'cat')));
  }
  return out;
}

export interface World {
  readonly server: TestServer;
  readonly hook: Receiver;
  readonly admin: string;
  readonly read: string;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const hook = await startReceiver();
  const server = await startTestServer(specs(hook.url), NOW);
  const admin = await server.key('admin');
  const read = await server.key('read');
  const up = await fetch(`${server.url}/v1/services/ticket-router/baselines?model=v3`, {
    method: 'POST', body: ticketRouterBaseline(), headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${admin}` },
  });
  assert.equal(up.status, 201, await up.text());
  const events = [...fraudScorer(), ...ticketRouter(), ...imageTagger()];
  for (let at = 0; at < events.length; at += 5000) {
    const r = await server.post(JSON.stringify(events.slice(at, at + 5000)), admin);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(r.json.rejected, []);
  }
  await server.evaluate();
  await server.dispatch();
  return {
    server, hook, admin, read,
    async close() {
      await server.stop();
      await hook.close();
    },
  };
}
