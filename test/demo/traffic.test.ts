import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CANARY, INCIDENTS } from '../../src/demo/incidents.ts';
import { mulberry32 } from '../../src/demo/random.ts';
import { dueEvents } from '../../src/demo/start-demo.ts';
import { createTraffic, MODEL, SERVICE } from '../../src/demo/traffic.ts';
import type { WireOutcome } from '../../src/demo/wire.ts';
import { smallModels } from './fixtures.ts';

const NOW = Date.parse('2026-11-28T12:00:00.000Z');
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function generate(hours: number, seed = 3) {
  const traffic = createTraffic({
    model: smallModels().main, rollout: { plan: CANARY, model: smallModels().canary }, rng: mulberry32(seed), anchorMs: NOW, incidents: INCIDENTS,
    perMinute: () => 6, runTag: 't', labelShare: 0.2, humanShare: 0.1,
  });
  return traffic.between(NOW - hours * 3_600_000, NOW);
}

test('inference events follow the DESIGN §3.1 wire format', () => {
  const requests = generate(30);
  assert.ok(requests.length > 5000);
  const ids = new Set<string>();
  for (const { inference: e } of requests) {
    const o = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
    assert.equal(o.kind, 'inference');
    assert.equal(typeof o.id, 'string');
    assert.ok(!ids.has(e.id), `duplicate id ${e.id}`);
    ids.add(e.id);
    assert.equal(o.service, SERVICE);
    assert.equal(typeof o.model, 'string');
    assert.match(String(o.ts), ISO_Z);
    assert.ok(Date.parse(String(o.ts)) < NOW);
    assert.ok(typeof o.latencyMs === 'number' && o.latencyMs >= 0);
    assert.ok(o.status === 'ok' || o.status === 'error');
    const input = o.input as Record<string, unknown>;
    assert.ok(Number.isInteger(input.candidates) && Number(input.candidates) >= 1);
    const cohort = o.cohort as Record<string, unknown>;
    assert.equal(typeof cohort.region, 'string');
    assert.ok(['short', 'medium', 'long'].includes(String(cohort.haul)));
    const f = o.features as Record<string, unknown>;
    assert.deepEqual(Object.keys(f).sort(), ['destination', 'distance', 'hour', 'origin', 'originDelayShare']);
    if (o.status === 'ok') {
      assert.equal(o.errorType, undefined);
      const p = o.prediction as Record<string, unknown>;
      assert.ok(p.label === 'delayed' || p.label === 'on_time');
      assert.ok(typeof p.score === 'number' && p.score >= 0 && p.score <= 1);
    } else {
      assert.equal(typeof o.errorType, 'string');
      assert.equal(o.prediction, undefined);
    }
  }
  // Time-ordered ids: sorting by id never reorders requests of different milliseconds.
  const ts = requests.map((r) => Date.parse(r.inference.ts));
  assert.deepEqual(ts, [...ts].sort((a, b) => a - b));
});

test('late labels: about a fifth of ok requests, after the request, never after now', () => {
  const requests = generate(30);
  const pending: { dueMs: number; event: WireOutcome }[] = [];
  const events = dueEvents(requests, pending, NOW);
  const byId = new Map(requests.map((r) => [r.inference.id, r.inference]));
  const outcomes = events.filter((e) => e.kind === 'outcome');
  assert.ok(outcomes.length > 0 && pending.length > 0);
  for (const o of outcomes) {
    const req = byId.get(o.requestId);
    assert.ok(req !== undefined && req.status === 'ok');
    assert.match(o.ts, ISO_Z);
    const delay = Date.parse(o.ts) - Date.parse(req.ts);
    assert.ok(delay >= 5 * 60_000, `outcome ${o.id} only ${delay} ms after its request`);
    assert.ok(Date.parse(o.ts) <= NOW, `outcome ${o.id} from the future`);
    assert.ok(o.label === 'delayed' || o.label === 'on_time');
    assert.equal(o.samplingProb, 0.2);
    assert.ok(o.source === 'ground_truth' || o.source === 'human');
  }
  for (const p of pending) assert.ok(p.dueMs > NOW && Date.parse(p.event.ts) === p.dueMs);
  const ok = requests.filter((r) => r.inference.status === 'ok').length;
  const truths = requests.filter((r) => r.outcomes.some((o) => o.event.source === 'ground_truth')).length;
  assert.ok(Math.abs(truths / ok - 0.2) < 0.02, `label share ${truths / ok}`);
});

test('the scripted incident window fails far more often than the rest', () => {
  const oom = INCIDENTS.find((i) => i.model === 'tree-v4');
  assert.ok(oom !== undefined);
  const start = NOW - oom.startAgoMin * 60_000;
  const end = start + oom.durationMin * 60_000;
  const requests = generate(48).map((r) => r.inference);
  const inWindow = requests.filter((e) => Date.parse(e.ts) >= start && Date.parse(e.ts) < end);
  const outside = requests.filter((e) => Date.parse(e.ts) < start || Date.parse(e.ts) >= end);
  const rate = (es: typeof requests) => es.filter((e) => e.status === 'error' && e.errorType !== 'client_error').length / es.length;
  assert.ok(inWindow.length > 30);
  assert.ok(rate(inWindow) > 0.15, `incident error rate ${rate(inWindow)}`);
  assert.ok(rate(outside) < 0.005, `background error rate ${rate(outside)}`);
  assert.ok(inWindow.every((e) => e.model === 'tree-v4'));
  assert.ok(inWindow.some((e) => e.errorType === 'gpu_oom'));
});

test('the canary serves its configured share from its start on, with its own model\'s predictions', () => {
  const { main, canary } = smallModels();
  const start = NOW - CANARY.startAgoMin * 60_000;
  const requests = generate(48).map((r) => r.inference);
  const before = requests.filter((e) => Date.parse(e.ts) < start);
  assert.ok(before.length > 5000 && before.every((e) => e.model === MODEL));
  // Incidents pin their own model; the canary's share applies to the rest of its window.
  const after = requests.filter((e) => Date.parse(e.ts) >= start && INCIDENTS.every((i) => {
    const from = NOW - i.startAgoMin * 60_000;
    return Date.parse(e.ts) < from || Date.parse(e.ts) >= from + i.durationMin * 60_000;
  }));
  assert.ok(after.length > 2500, `${after.length} requests in the canary window`);
  assert.ok(after.every((e) => e.model === MODEL || e.model === CANARY.model));
  const share = after.filter((e) => e.model === CANARY.model).length / after.length;
  const se = Math.sqrt((CANARY.share * (1 - CANARY.share)) / after.length);
  assert.ok(Math.abs(share - CANARY.share) < 4 * se, `canary share ${share.toFixed(3)} vs ${CANARY.share}`);
  // Each version's prediction is its model's, recomputed from the features the event carries.
  let differ = 0;
  for (const e of requests.filter((r) => r.status === 'ok')) {
    const f = e.features;
    const flight = {
      date: '', hour: Number(f.hour), distance: Number(f.distance), origin: String(f.origin),
      destination: String(f.destination), originDelayShare: Number(f.originDelayShare), delayed: false,
    };
    const [m, c] = [main.predict(flight), canary.predict(flight)];
    const expected = e.model === CANARY.model ? c : m;
    assert.equal(e.prediction?.label, expected.delayed ? 'delayed' : 'on_time', e.id);
    if (m.delayed !== c.delayed) differ++;
  }
  assert.ok(differ > 100, 'the versions disagree on many flights');
});

test('the same seed yields the same traffic', () => {
  assert.deepEqual(generate(2, 9), generate(2, 9));
});
