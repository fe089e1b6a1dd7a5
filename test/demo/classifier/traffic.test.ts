import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { normedWasserstein } from '../../../src/core/drift/wasserstein.ts';
import { haulOf } from '../../../src/demo/classifier/airports.ts';
import { DEFAULT_TRAIN, splitFlights } from '../../../src/demo/classifier/flight-model.ts';
import { loadFlights } from '../../../src/demo/classifier/flights.ts';
import { CANARY, INCIDENTS, KM_PER_MILE } from '../../../src/demo/classifier/incidents.ts';
import { mulberry32 } from '../../../src/demo/random.ts';
import { loadSpecFiles } from '../../../src/spec/load-spec.ts';
import { dueEvents } from '../../../src/demo/start-demo.ts';
import { createTraffic, MODEL, SERVICE, type TrafficOptions } from '../../../src/demo/classifier/traffic.ts';
import type { WireOutcome } from '../../../src/demo/wire.ts';
import { smallModels } from '../fixtures.ts';

const NOW = Date.parse('2026-11-28T12:00:00.000Z');
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function generate(hours: number, seed = 3, extra: Partial<TrafficOptions> = {}, toMs = NOW) {
  const { main, canary } = smallModels().classifier;
  const traffic = createTraffic({
    model: main, rollout: { plan: CANARY, model: canary }, rng: mulberry32(seed), anchorMs: NOW, incidents: INCIDENTS,
    perMinute: () => 6, runTag: 't', labelShare: 0.2, humanShare: 0.1, ...extra,
  });
  return traffic.between(NOW - hours * 3_600_000, toMs);
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
    assert.ok('label' in o && (o.label === 'delayed' || o.label === 'on_time'));
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
  const start = NOW + oom.startMin * 60_000;
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
  const { main, canary } = smallModels().classifier;
  const start = NOW + CANARY.startMin * 60_000;
  const requests = generate(48).map((r) => r.inference);
  const before = requests.filter((e) => Date.parse(e.ts) < start);
  assert.ok(before.length > 5000 && before.every((e) => e.model === MODEL));
  // Incidents pin their own model; the canary's share applies to the rest of its window.
  const after = requests.filter((e) => Date.parse(e.ts) >= start && INCIDENTS.every((i) => {
    const from = NOW + i.startMin * 60_000;
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
    if (e.prediction === undefined || !('label' in e.prediction)) throw new Error(`${e.id}: no label prediction`);
    const flight = {
      date: '', hour: Number(f.hour), distance: Number(f.distance), origin: String(f.origin),
      destination: String(f.destination), originDelayShare: Number(f.originDelayShare), delayed: false,
    };
    const [m, c] = [main.predict(flight), canary.predict(flight)];
    const expected = e.model === CANARY.model ? c : m;
    assert.equal(e.prediction.label, expected.delayed ? 'delayed' : 'on_time', e.id);
    if (m.delayed !== c.delayed) differ++;
  }
  assert.ok(differ > 100, 'the versions disagree on many flights');
});

test('the same seed yields the same traffic', () => {
  assert.deepEqual(generate(2, 9), generate(2, 9));
});

/** The threshold demo/flight-delay-classifier.yaml sets for `distance` drift. */
async function distanceThreshold(): Promise<number> {
  const { specs } = await loadSpecFiles([fileURLToPath(new URL('../../../demo/flight-delay-classifier.yaml', import.meta.url))]);
  const t = specs[0]?.drift.overrides.distance?.threshold;
  if (t === undefined) throw new Error('no distance threshold in the spec');
  return t;
}

test('the v2 feed: from its start on, distance arrives in km and the delay share in percent; the spec\'s thresholds fit', async () => {
  const threshold = await distanceThreshold();
  const from = NOW - 60 * 60_000;
  const requests = generate(3, 5, { feedV2FromMs: from }).map((r) => r.inference);
  const before = requests.filter((e) => Date.parse(e.ts) < from);
  const after = requests.filter((e) => Date.parse(e.ts) >= from);
  assert.ok(before.length > 500 && after.length > 250);
  // The share in percent: whole numbers up to 100 where there were fractions (what that does to the
  // production tree is in flight-model.test.ts; the small test tree hardly uses the share).
  assert.ok(before.every((e) => Number(e.features.originDelayShare) <= 1));
  assert.ok(after.every((e) => Number.isInteger(e.features.originDelayShare) && Number(e.features.originDelayShare) <= 100));
  assert.ok(after.some((e) => Number(e.features.originDelayShare) >= 20));
  const { main } = smallModels().classifier;
  const shares = main.train.map((f) => f.originDelayShare);
  assert.ok(normedWasserstein(shares, after.map((e) => Number(e.features.originDelayShare))).normed > 50, 'percent drifts at once');

  // The haul cohort still comes from the miles the booking system knows; the feature is in km.
  for (const e of after) {
    const miles = Number(e.features.distance) / KM_PER_MILE;
    assert.equal(haulOf(Math.round(miles)), e.cohort.haul, e.id);
  }
  const mean = (es: typeof requests): number => es.reduce((s, e) => s + Number(e.features.distance), 0) / es.length;
  const ratio = mean(after) / mean(before);
  // Flights drawn alike on both sides of the switch: the ratio is 1.609 up to sampling noise (the mean
  // distance's relative standard error over ~300 flights is ~3.5%; 4 SE bound it).
  assert.ok(Math.abs(ratio - KM_PER_MILE) < 0.14 * KM_PER_MILE, `km/miles ratio ${ratio.toFixed(3)}`);

  // Noise floor, on the demo's own split (DEFAULT_TRAIN's seed): windows of 450 contiguous held-out
  // flights in miles — the fewest a 2h window holds at the diurnal trough — Wasserstein ÷ std(baseline).
  // Measured 99th percentile 0.110 (max 0.112 over 300 windows); 200 windows put the 99th percentile
  // between the 2nd and 3rd largest value.
  const { train, heldOut } = splitFlights(loadFlights(), DEFAULT_TRAIN);
  const baseline = train.map((f) => f.distance);
  const held = heldOut.map((f) => f.distance);
  const rng = mulberry32(17);
  const noise = Array.from({ length: 200 }, () => {
    const at = Math.floor(rng() * (held.length - 450));
    return normedWasserstein(baseline, held.slice(at, at + 450)).normed;
  }).sort((a, b) => b - a);
  assert.ok(noise[2]! < threshold - 0.02, `noise ${noise.slice(0, 5).map((x) => x.toFixed(3)).join(' ')}`);
  assert.ok(noise[2]! > 0.08, 'Evidently\'s default 0.1 would sit in the noise');
  // Signal: all-km windows are far above; a window a fifth in km already crosses the threshold (the
  // spec: "once ~17% of the window is in km").
  const km = after.map((e) => Number(e.features.distance));
  assert.ok(normedWasserstein(baseline, km).normed > 0.5);
  const mixed = [...held.slice(0, km.length * 4), ...km];
  assert.ok(normedWasserstein(baseline, mixed).normed > threshold, `a fifth in km: ${normedWasserstein(baseline, mixed).normed}`);
});
