import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../../../src/demo/random.ts';
import { RANKER_CANARY, RANKER_INCIDENTS } from '../../../src/demo/ranker/incidents.ts';
import {
  createRankerTraffic, eraOf, HIT_K, RANKER_LABEL_SHARE, RANKER_MODEL, RANKER_SERVICE, RELEVANT_SHARE, RESULTS,
} from '../../../src/demo/ranker/traffic.ts';
import type { WireInference } from '../../../src/demo/wire.ts';
import { smallModels } from '../fixtures.ts';

const NOW = Date.parse('2026-11-28T12:00:00.000Z');

function generate(fromMin: number, toMin: number, seed = 4) {
  const { main, canary } = smallModels().ranker;
  const traffic = createRankerTraffic({
    model: main, rollout: { plan: RANKER_CANARY, model: canary }, rng: mulberry32(seed), anchorMs: NOW,
    incidents: RANKER_INCIDENTS, perMinute: () => 10, runTag: 't',
  });
  return traffic.between(NOW + fromMin * 60_000, NOW + toMin * 60_000);
}

const itemsOf = (e: WireInference): readonly string[] => (e.prediction !== undefined && 'items' in e.prediction ? e.prediction.items : []);

test('requests rank real catalogue titles of the query\'s genre and era, best predicted first', () => {
  const { main } = smallModels().ranker;
  const byId = new Map(main.catalogue.map((m) => [m.id, m]));
  const requests = generate(-120, 0);
  assert.ok(requests.length > 800);
  for (const { inference: e } of requests) {
    assert.equal(e.service, RANKER_SERVICE);
    assert.equal(e.model, RANKER_MODEL, 'no canary before its rollout');
    assert.deepEqual(Object.keys(e.cohort).sort(), ['era', 'genre']);
    assert.deepEqual(Object.keys(e.features).sort(), ['candidates', 'era', 'genre']);
    assert.equal(e.input.candidates, e.features.candidates);
    if (e.status === 'error') continue;
    const items = itemsOf(e);
    assert.equal(items.length, Math.min(RESULTS, Number(e.input.candidates)));
    const movies = items.map((id) => byId.get(id));
    assert.ok(movies.every((m) => m !== undefined && m.genre === e.cohort.genre), e.id);
    if (e.cohort.era !== 'any') assert.ok(movies.every((m) => eraOf(m!.year) === e.cohort.era), e.id);
    const scores = movies.map((m) => main.score(m!));
    assert.ok(scores.every((s, i) => i === 0 || scores[i - 1]! >= s), 'best first');
  }
});

test('viewing labels: ~30% of ok requests, 5–60 minutes late, the engaged titles are a tenth of the candidates', () => {
  const requests = generate(-600, 0).filter((r) => r.inference.status === 'ok');
  const labelled = requests.filter((r) => r.outcomes.some((o) => o.event.source === 'ground_truth'));
  const share = labelled.length / requests.length;
  // ~5,000 requests: SE √(0.3·0.7/5000) ≈ 0.0065; 4 SE.
  assert.ok(Math.abs(share - RANKER_LABEL_SHARE) < 0.026, `label share ${share}`);
  for (const r of labelled) {
    const o = r.outcomes.find((x) => x.event.source === 'ground_truth');
    assert.ok(o !== undefined && 'relevant' in o.event);
    const delay = o.dueMs - Date.parse(r.inference.ts);
    assert.ok(delay >= 5 * 60_000 && delay <= 60 * 60_000, `${delay}`);
    assert.equal(o.event.samplingProb, RANKER_LABEL_SHARE);
    assert.equal(o.event.source, 'ground_truth');
    const n = Number(r.inference.input.candidates);
    assert.equal(o.event.relevant.length, Math.max(1, Math.round(n * RELEVANT_SHARE)));
  }
});

/** hit@k of labelled ok requests, as the server's verdict computes it. */
function hitRate(requests: ReturnType<typeof generate>, keep: (e: WireInference) => boolean): { n: number; hit: number } {
  let n = 0;
  let hits = 0;
  for (const r of requests) {
    const o = r.outcomes.find((x) => x.event.source === 'ground_truth')?.event;
    if (r.inference.status !== 'ok' || o === undefined || !('relevant' in o) || !keep(r.inference)) continue;
    n++;
    if (itemsOf(r.inference).slice(0, HIT_K).some((id) => o.relevant.includes(id))) hits++;
  }
  return { n, hit: hits / Math.max(1, n) };
}

test('feedback: every ok request logs clicks and watch time 20–90 s later; the proxy (a 10-minute play) tracks hit@3', () => {
  const requests = generate(-600, 0, 21).filter((r) => r.inference.status === 'ok');
  let hits = 0;
  let proxyOnHit = 0;
  let misses = 0;
  let proxyOnMiss = 0;
  for (const r of requests) {
    const fb = r.outcomes.filter((o) => o.event.source === 'feedback');
    assert.equal(fb.length, 1, r.inference.id);
    const f = fb[0]!;
    assert.ok('feedback' in f.event);
    const delay = f.dueMs - Date.parse(r.inference.ts);
    assert.ok(delay >= 20_000 && delay <= 90_000, `${delay}`);
    assert.equal(f.event.samplingProb, 1);
    const gt = r.outcomes.find((o) => o.event.source === 'ground_truth')?.event;
    if (gt === undefined || !('relevant' in gt)) continue;
    const proxy = f.event.feedback.clicked && (f.event.feedback.dwellMs ?? 0) >= 600_000;
    if (itemsOf(r.inference).slice(0, HIT_K).some((id) => gt.relevant.includes(id))) {
      hits++;
      if (proxy) proxyOnHit++;
    } else {
      misses++;
      if (proxy) proxyOnMiss++;
    }
  }
  // A hit plays on unless interrupted (8%): P(proxy | hit) = 0.92, SE ≈ √(0.92·0.08/1200) ≈ 0.008.
  assert.ok(hits > 1000 && Math.abs(proxyOnHit / hits - 0.92) < 0.035, `${proxyOnHit}/${hits}`);
  // A miss clicks 35% of the time and gives up after lognormal(3 min, σ 0.6): P(≥ 10 min) = P(z ≥ ln(10/3)/0.6 ≈ 2.0)
  // ≈ 0.023, so P(proxy | miss) ≈ 0.35·0.023 ≈ 0.008.
  assert.ok(misses > 100 && proxyOnMiss / misses < 0.03, `${proxyOnMiss}/${misses}`);
});

test('after the rollout ranker-v8 serves half the traffic and its hit@3 is far lower; pre-1990 queries do worse', () => {
  const live = generate(RANKER_CANARY.startMin, RANKER_CANARY.startMin + 24 * 60, 6);
  const share = live.filter((r) => r.inference.model === RANKER_CANARY.model).length / live.length;
  // ~14,000 requests: SE ≈ 0.004.
  assert.ok(Math.abs(share - RANKER_CANARY.share) < 0.02, `canary share ${share}`);
  const v7 = hitRate(live, (e) => e.model === RANKER_MODEL);
  const v8 = hitRate(live, (e) => e.model === RANKER_CANARY.model);
  // ~2,100 labelled each: SE ≤ 0.011; measured offline 0.84 vs 0.52 (ranker-model.test.ts).
  assert.ok(v7.n > 1500 && v8.n > 1500);
  assert.ok(v7.hit - v8.hit > 0.2, `v7 ${v7.hit.toFixed(3)} vs v8 ${v8.hit.toFixed(3)}`);
  const old = hitRate(live, (e) => e.model === RANKER_MODEL && e.cohort.era === 'pre-1990');
  const rest = hitRate(live, (e) => e.model === RANKER_MODEL && e.cohort.era !== 'pre-1990');
  assert.ok(old.n > 150, `${old.n} pre-1990`);
  // Difference of proportions: SE ≈ √(0.67·0.33/150 + 0.85·0.15/1900) ≈ 0.04; the gap is ~0.17.
  assert.ok(rest.hit - old.hit > 0.08, `pre-1990 ${old.hit.toFixed(3)} vs rest ${rest.hit.toFixed(3)}`);
});

test('ranking latency meets the spec\'s classes (200 ms up to 100 candidates, 500 ms beyond) for ~99.5% of requests', () => {
  const ok = generate(-600, -60, 13).map((r) => r.inference).filter((e) => e.status === 'ok');
  const within = ok.filter((e) => e.latencyMs <= (Number(e.input.candidates) <= 100 ? 200 : 500)).length / ok.length;
  // The latency objective is 0.99; ~3,200 requests (night hours, near the diurnal trough): SE ≈ 0.001.
  assert.ok(ok.length > 2500, `${ok.length} requests`);
  assert.ok(within > 0.99 && within < 1, `${within}`);
});
