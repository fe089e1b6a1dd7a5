/**
 * Quality verdicts and metrics for every task type, end to end through real HTTP and a real SQLite file
 * (DESIGN §2.3–§2.5, §3.1; docs/quality-metrics.md): `POST /v1/events`, then `GET …/report` and
 * `GET …/quality?window=…&by=…`. Every expected number is worked out by hand in the comments next to
 * its assertion, never read back from the code.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: rank-svc, owner: search, oncall: sre-search, tier: 2}
spec:
  task: ranking
  quality: {k: 3, minSamples: 2}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: reg-abs, owner: pricing, oncall: sre-pricing, tier: 2}
spec:
  task: regression
  quality: {tolerance: 5, minSamples: 2}
  cohorts: [region]
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: reg-pct, owner: pricing, oncall: sre-pricing, tier: 2}
spec:
  task: regression
  quality: {tolerancePct: 10, minSamples: 2}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: gen-svc, owner: assistant, oncall: sre-assistant, tier: 2}
spec:
  task: generative
  quality: {criteria: "factuality >= 0.8 && policy == 1", minSamples: 2}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: cls-svc, owner: vision, oncall: sre-vision, tier: 2}
spec:
  task: classification
  quality: {minSamples: 5}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: prec-svc, owner: vision, oncall: sre-vision, tier: 2}
spec:
  task: classification
  quality: {sources: [human, ground_truth, judge], minSamples: 1}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: prec-gt-only, owner: vision, oncall: sre-vision, tier: 2}
spec:
  task: classification
  quality: {sources: [ground_truth], minSamples: 1}
`;

const NOW = Date.parse('2026-11-28T10:00:00Z');
const at = (minutesAgo: number): string => new Date(NOW - minutesAgo * 60_000).toISOString();

/** An ok inference 30 minutes ago, 50 ms (fast in every tier-2 default class, threshold 5000 ms). */
function inference(service: string, id: string, prediction?: unknown, extra: Record<string, unknown> = {}) {
  return {
    kind: 'inference', id, service, model: 'v1', ts: at(30), latencyMs: 50, status: 'ok',
    ...(prediction === undefined ? {} : { prediction }), ...extra,
  };
}
function outcome(service: string, requestId: string, source: string, payload: Record<string, unknown>, minutesAgo = 10, samplingProb?: number) {
  return {
    kind: 'outcome', requestId, service, ts: at(minutesAgo), source, ...payload,
    ...(samplingProb === undefined ? {} : { samplingProb }),
  };
}

/** z of the two-sided 95% interval. */
const Z = 1.959963984540054;
/** Wilson score interval, written out from the textbook form (center ± half over 1 + z²/n). */
function wilsonByHand(k: number, n: number): { lower: number; upper: number } {
  const p = k / n;
  const z2 = Z * Z;
  const d = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / d;
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / d;
  return { lower: k === 0 ? 0 : center - half, upper: k === n ? 1 : center + half };
}

function close(actual: unknown, expected: number, what: string, eps = 1e-12): void {
  assert.equal(typeof actual, 'number', `${what}: ${JSON.stringify(actual)} is not a number`);
  assert.ok(Math.abs((actual as number) - expected) <= eps, `${what}: expected ${expected}, got ${String(actual)}`);
}
function closeInterval(actual: any, expected: { lower: number; upper: number }, what: string): void {
  assert.ok(actual !== null && actual !== undefined, `${what}: no interval`);
  close(actual.lower, expected.lower, `${what}.lower`);
  close(actual.upper, expected.upper, `${what}.upper`);
}

let s: TestServer;
let ingest: string;
let read: string;

async function send(items: unknown[]): Promise<void> {
  const r = await s.post(JSON.stringify(items), ingest);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual(r.json.rejected, [], JSON.stringify(r.json.rejected));
  assert.equal(r.json.accepted, items.length);
}
async function report(service: string, query = 'window=1d'): Promise<any> {
  const r = await s.get(`/v1/services/${service}/report?${query}`, read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}
async function quality(service: string, query = 'window=1d'): Promise<any> {
  const r = await s.get(`/v1/services/${service}/quality?${query}`, read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}

before(async () => {
  s = await startTestServer(SPEC, NOW);
  ingest = await s.key('ingest');
  read = await s.key('read');
});
after(async () => s.stop());

// ---------------------------------------------------------------------------------------------------
// 1. Ranking, k = 3. Every query ranks the same five items [a, b, c, d, e]; the outcomes differ.
//
//   query  relevant     first rank | @1: hit P   R    mrr | @3: hit P    R    mrr | mrr
//   q1     [a]          1          |     1   1   1    1   |     1   1/3  1    1   | 1
//   q2     [b, d]       2          |     0   0   0    0   |     1   1/3  1/2  1/2 | 1/2
//   q3     [a, c, x]    1          |     1   1   1/3  1   |     1   2/3  2/3  1   | 1
//   q4     [c]          3          |     0   0   0    0   |     1   1/3  1    1/3 | 1/3
//   q5     [e]          5          |     0   0   0    0   |     0   0    0    0   | 1/5
//   q6     [y, z]       none       |     0   0   0    0   |     0   0    0    0   | 0
//   q7     (no outcome: ok, unjudged, pending)
//
// Means over the 6 judged queries:
//   hit@1 = 2/6 = 1/3;  P@1 = 2/6 = 1/3;  R@1 = (1 + 1/3)/6 = 2/9;  MRR@1 = 2/6 = 1/3
//   hit@3 = 4/6 = 2/3;  P@3 = (1/3 + 1/3 + 2/3 + 1/3)/6 = 5/18;  R@3 = (1 + 1/2 + 2/3 + 1)/6 = 19/36;
//   MRR@3 = (1 + 1/2 + 1 + 1/3)/6 = 17/36;  MRR = (1 + 1/2 + 1 + 1/3 + 1/5)/6 = (91/30)/6 = 91/180
// Verdict = hit@3, so q̂ = 4/6 with unit weights; its interval is Wilson(4, 6).
// Models: q1–q3 on r1, q4–q7 on r2 (for the by=version breakdown).
// ---------------------------------------------------------------------------------------------------
const ITEMS = ['a', 'b', 'c', 'd', 'e'];
const RANKING: Array<[string, string[] | null, string]> = [
  ['q1', ['a'], 'r1'], ['q2', ['b', 'd'], 'r1'], ['q3', ['a', 'c', 'x'], 'r1'],
  ['q4', ['c'], 'r2'], ['q5', ['e'], 'r2'], ['q6', ['y', 'z'], 'r2'], ['q7', null, 'r2'],
];

test('ranking: hit@k verdicts, q̂ and hit/precision/recall/MRR at k = 1 and 3, worked out by hand', async () => {
  const outcomes = RANKING.filter(([, rel]) => rel !== null).map(([id, rel]) => outcome('rank-svc', id, 'ground_truth', { relevant: rel }));
  // q3's outcome comes first (an orphan until its inference arrives); the others after.
  await send(outcomes.filter((o) => o.requestId === 'q3'));
  await send(RANKING.map(([id, , model]) => inference('rank-svc', id, { items: ITEMS }, { model })));
  await send(outcomes.filter((o) => o.requestId !== 'q3'));

  const r = await report('rank-svc');
  assert.equal(r.quality.status, 'ok');
  assert.equal(r.quality.judged, 6);
  close(r.quality.qHat, 4 / 6, 'report qHat (hit@3 share)');
  closeInterval(r.quality.interval, wilsonByHand(4, 6), 'report quality interval');
  close(r.quality.coverage, 6 / 7, 'coverage = judged / ok');
  assert.equal(r.quality.pending, 1); // q7

  const d = await quality('rank-svc', 'window=1d&by=version');
  assert.equal(d.task, 'ranking');
  assert.equal(d.overall.judged, 6);
  close(d.overall.qHat, 4 / 6, 'overall qHat');
  const m = d.overall.metrics;
  assert.equal(m.task, 'ranking');
  assert.equal(m.k, 3);
  assert.equal(m.n, 6);
  // Ks reported: {1, 3, 5, 10} ∪ {spec k = 3}.
  assert.deepEqual(m.atK.map((x: { k: number }) => x.k), [1, 3, 5, 10]);
  const k1 = m.atK.find((x: { k: number }) => x.k === 1);
  const k3 = m.atK.find((x: { k: number }) => x.k === 3);
  close(k1.hit.value, 1 / 3, 'hit@1');
  close(k1.precision.value, 1 / 3, 'precision@1');
  close(k1.recall.value, 2 / 9, 'recall@1');
  close(k1.mrr.value, 1 / 3, 'mrr@1');
  close(k3.hit.value, 2 / 3, 'hit@3');
  close(k3.precision.value, 5 / 18, 'precision@3');
  close(k3.recall.value, 19 / 36, 'recall@3');
  close(k3.mrr.value, 17 / 36, 'mrr@3');
  close(m.mrr.value, 91 / 180, 'mrr (no cut-off)');
  // hit@3 is a proportion: Wilson(4, 6), the same as the verdict's interval; n = 6 everywhere.
  closeInterval(k3.hit.interval, wilsonByHand(4, 6), 'hit@3 interval');
  for (const v of [k1.hit, k1.precision, k3.recall, m.mrr]) assert.equal(v.n, 6);
  // Unit weights: the weighted variants equal the plain values.
  close(k3.precision.weighted, 5 / 18, 'precision@3 weighted');
  close(m.mrr.weighted, 91 / 180, 'mrr weighted');
  // NDCG@3 (gain 1, discount 1/log2(rank + 1), IDCG over min(3, |relevant|) positions):
  //   q1 1/1 = 1; q2 (1/log2 3) / (1 + 1/log2 3); q3 (1 + 1/2) / (1 + 1/log2 3 + 1/2); q4 (1/2)/1; q5, q6 0.
  const l3 = 1 / Math.log2(3);
  close(k3.ndcg.value, (1 + l3 / (1 + l3) + 1.5 / (1.5 + l3) + 0.5) / 6, 'ndcg@3');

  // By version: r1 = q1..q3, all hit@3 → 3/3; r2 = q4..q6 judged (q7 not) → 1/3.
  //   MRR r1 = (1 + 1/2 + 1)/3 = 5/6; MRR r2 = (1/3 + 1/5 + 0)/3 = 8/45.
  assert.equal(d.by, 'version');
  const byModel = new Map<string, any>(d.groups.map((g: { model: string }) => [g.model, g]));
  assert.deepEqual([...byModel.keys()].sort(), ['r1', 'r2']);
  const r1 = byModel.get('r1');
  const r2 = byModel.get('r2');
  assert.deepEqual([r1.judged, r1.ok, r2.judged, r2.ok], [3, 3, 3, 4]);
  close(r1.qHat, 1, 'r1 qHat');
  close(r2.qHat, 1 / 3, 'r2 qHat');
  close(r1.metrics.mrr.value, 5 / 6, 'r1 mrr');
  close(r2.metrics.mrr.value, 8 / 45, 'r2 mrr');
});

// ---------------------------------------------------------------------------------------------------
// 2. Regression, absolute tolerance 5. e = prediction − truth:
//   v1 101 − 100 =  1  eu  within
//   v2  47 −  50 = −3  eu  within
//   v3  25 −  20 =  5  us  within (equality is within)
//   v4  46 −  40 =  6  us  out
//   v5 210 − 200 = 10  us  out
// within = 3/5 = q̂;  MAE = (1 + 3 + 5 + 6 + 10)/5 = 25/5 = 5;  MSE = (1 + 9 + 25 + 36 + 100)/5 = 171/5;
// RMSE = sqrt(171/5). MAE interval: deviations from 5 are −4, −2, 0, 1, 5 → Σ² = 46, s² = 46/4 = 11.5,
// half = z·sqrt(11.5/5).
// Cohorts: eu = {1, −3}: MAE 2, RMSE sqrt(10/2) = sqrt 5, within 2/2; us = {5, 6, 10}: MAE 7,
// RMSE sqrt(161/3), within 1/3.
// ---------------------------------------------------------------------------------------------------
test('regression (absolute tolerance): within-tolerance share = q̂, MAE and RMSE by hand, per cohort', async () => {
  const rows: Array<[string, number, number, string]> = [
    ['v1', 101, 100, 'eu'], ['v2', 47, 50, 'eu'], ['v3', 25, 20, 'us'], ['v4', 46, 40, 'us'], ['v5', 210, 200, 'us'],
  ];
  // v5's label arrives before its inference (held as an orphan, joined when the inference comes): its
  // metric contribution must be the same as if it had come after.
  const outcomes = rows.map(([id, , truth]) => outcome('reg-abs', id, 'ground_truth', { value: truth }));
  await send(outcomes.slice(4));
  await send(rows.map(([id, pred, , region]) => inference('reg-abs', id, { value: pred }, { cohort: { region } })));
  await send(outcomes.slice(0, 4));

  const r = await report('reg-abs');
  assert.equal(r.quality.judged, 5);
  close(r.quality.qHat, 3 / 5, 'report qHat');
  closeInterval(r.quality.interval, wilsonByHand(3, 5), 'report quality interval');

  const d = await quality('reg-abs', 'window=1d&by=cohort&attr=region');
  const m = d.overall.metrics;
  assert.equal(m.task, 'regression');
  assert.equal(m.n, 5);
  close(d.overall.qHat, 3 / 5, 'overall qHat');
  close(m.withinTolerance.value, 3 / 5, 'within tolerance');
  closeInterval(m.withinTolerance.interval, wilsonByHand(3, 5), 'within-tolerance interval');
  close(m.mae.value, 5, 'MAE');
  close(m.mse.value, 171 / 5, 'MSE');
  close(m.rmse.value, Math.sqrt(171 / 5), 'RMSE');
  const half = Z * Math.sqrt(11.5 / 5);
  closeInterval(m.mae.interval, { lower: 5 - half, upper: 5 + half }, 'MAE interval');

  assert.equal(d.by, 'cohort');
  const eu = d.groups.find((g: { attr: string; value: string }) => g.attr === 'region' && g.value === 'eu');
  const us = d.groups.find((g: { attr: string; value: string }) => g.attr === 'region' && g.value === 'us');
  assert.deepEqual([eu.judged, us.judged], [2, 3]);
  close(eu.metrics.mae.value, 2, 'eu MAE');
  close(eu.metrics.rmse.value, Math.sqrt(5), 'eu RMSE');
  close(eu.metrics.withinTolerance.value, 1, 'eu within');
  close(us.metrics.mae.value, 7, 'us MAE');
  close(us.metrics.rmse.value, Math.sqrt(161 / 3), 'us RMSE');
  close(us.metrics.withinTolerance.value, 1 / 3, 'us within');
  close(eu.qHat, 1, 'eu qHat');
  close(us.qHat, 1 / 3, 'us qHat');
});

// Relative tolerance 10% of |truth|:
//   a1 108 vs 100:  |e| 8   ≤ 10   within
//   a2 110 vs 100:  |e| 10  ≤ 10   within (equality)
//   a3 −21 vs −20:  |e| 1   ≤ 2    within (|truth|, not truth)
//   a4  12 vs  10:  |e| 2   > 1    out
//   a5 0.5 vs   0:  |e| 0.5 > 0    out (zero truth tolerates nothing)
// within = 3/5 = q̂;  MAE = (8 + 10 + 1 + 2 + 0.5)/5 = 4.3;  RMSE = sqrt((64 + 100 + 1 + 4 + 0.25)/5) = sqrt(33.85).
test('regression (tolerancePct): relative tolerance on |truth|, equality within', async () => {
  const rows: Array<[string, number, number]> = [['a1', 108, 100], ['a2', 110, 100], ['a3', -21, -20], ['a4', 12, 10], ['a5', 0.5, 0]];
  await send(rows.map(([id, pred]) => inference('reg-pct', id, { value: pred })));
  await send(rows.map(([id, , truth]) => outcome('reg-pct', id, 'human', { value: truth })));

  const r = await report('reg-pct');
  assert.equal(r.quality.judged, 5);
  close(r.quality.qHat, 3 / 5, 'report qHat');
  const m = (await quality('reg-pct')).overall.metrics;
  close(m.withinTolerance.value, 3 / 5, 'within tolerance');
  close(m.mae.value, 4.3, 'MAE');
  close(m.rmse.value, Math.sqrt(33.85), 'RMSE');
});

// ---------------------------------------------------------------------------------------------------
// 3. Generative, criteria `factuality >= 0.8 && policy == 1`, judge scores:
//   g1 f 0.90 p 1            pass   (f ok, p ok)
//   g2 f 0.80 p 1            pass   (f ok at equality, p ok)
//   g3 f 0.95 p 0            fail   (f ok, p no)
//   g4 f 0.50 p 1            fail   (f no, p ok)
//   g5 f 0.85 p 0 h 4        fail   (f ok, p no)
//   g6 f 1.00 p 1 h 2        pass   (no prediction at all: the scores judge the output)
// pass = 3/6 = q̂;  mean factuality = (0.9 + 0.8 + 0.95 + 0.5 + 0.85 + 1)/6 = 5/6;
// factuality pass rate = 5/6 (all but g4); policy pass rate = 4/6 (g1, g2, g4, g6), policy mean 4/6;
// helpfulness: on g5, g6 only → n 2, mean 3, no pass rate (no criterion on it).
// ---------------------------------------------------------------------------------------------------
test('generative: pass rate = q̂, mean and pass rate per score, worked out by hand', async () => {
  const rows: Array<[string, Record<string, number>, boolean]> = [
    ['g1', { factuality: 0.9, policy: 1 }, true],
    ['g2', { factuality: 0.8, policy: 1 }, true],
    ['g3', { factuality: 0.95, policy: 0 }, true],
    ['g4', { factuality: 0.5, policy: 1 }, true],
    ['g5', { factuality: 0.85, policy: 0, helpfulness: 4 }, true],
    ['g6', { factuality: 1, policy: 1, helpfulness: 2 }, false],
  ];
  await send(rows.map(([id, , withText]) => inference('gen-svc', id, withText ? { text: `draft reply ${id}` } : undefined)));
  await send(rows.map(([id, scores]) => outcome('gen-svc', id, 'judge', { scores })));

  const r = await report('gen-svc');
  assert.equal(r.quality.judged, 6);
  close(r.quality.qHat, 3 / 6, 'report qHat');
  closeInterval(r.quality.interval, wilsonByHand(3, 6), 'report quality interval');

  const d = await quality('gen-svc', 'window=1d&by=day');
  const m = d.overall.metrics;
  assert.equal(m.task, 'generative');
  assert.equal(m.n, 6);
  close(m.pass.value, 3 / 6, 'pass rate');
  close(d.overall.qHat, 3 / 6, 'overall qHat');
  const score = new Map<string, any>(m.scores.map((x: { name: string }) => [x.name, x]));
  assert.deepEqual([...score.keys()].sort(), ['factuality', 'helpfulness', 'policy']);
  const f = score.get('factuality');
  assert.equal(f.mean.n, 6);
  close(f.mean.value, 5 / 6, 'mean factuality');
  close(f.passRate.value, 5 / 6, 'factuality pass rate');
  const p = score.get('policy');
  close(p.mean.value, 4 / 6, 'mean policy');
  close(p.passRate.value, 4 / 6, 'policy pass rate');
  assert.equal(p.passRate.n, 6);
  const h = score.get('helpfulness');
  assert.equal(h.mean.n, 2);
  close(h.mean.value, 3, 'mean helpfulness');
  assert.equal(h.passRate, undefined);
  // All on one day, 2026-11-28: one day group with the same pass rate.
  assert.deepEqual(d.groups.map((g: { day: string }) => g.day), ['2026-11-28']);
  close(d.groups[0].metrics.pass.value, 3 / 6, 'day pass rate');
});

// ---------------------------------------------------------------------------------------------------
// 4. Classification, 3 classes, sampled labels. Pairs (truth → prediction) × count, samplingProb, w:
//   cat → cat  ×3  p 0.5   w 2
//   cat → dog  ×1  p 0.25  w 4
//   dog → dog  ×2  p 1     w 1
//   dog → cat  ×1  p 0.25  w 4
//   bird → bird ×1 p 1     w 1
//   bird → dog ×1  p 0.25  w 4
// n = 9, correct 6 → plain accuracy 6/9 = 2/3.
// Labels by support: cat 4, dog 3, bird 2. Confusion (rows truth, cols pred, order cat dog bird):
//   [[3,1,0],[1,2,0],[0,1,1]]
// dog: precision = 2 / (1 + 2 + 1) = 1/2; recall = 2/3; F1 = 2·(1/2)(2/3)/(1/2 + 2/3) = 4/7.
// cat: precision 3/4, recall 3/4; bird: precision 1/1, recall 1/2.
// macro precision = (3/4 + 1/2 + 1)/3 = 3/4; macro recall = (3/4 + 2/3 + 1/2)/3 = 23/36.
// Hájek: Σw = 6 + 4 + 2 + 4 + 1 + 4 = 21; Σw·good = 6 + 2 + 1 = 9 → q̂ = 9/21 = 3/7 (≠ 2/3).
// Kish: Σw² = 3·4 + 16 + 2·1 + 16 + 1 + 16 = 63 → nEff = 21²/63 = 7; k = q̂·nEff = 3 → Wilson(3, 7).
// Weighted dog precision = 2 / (4 + 2 + 4) = 0.2; weighted dog recall = 2 / (2 + 4) = 1/3.
// Composite: 9 eligible, all ok and fast → good = 9 · 3/7 = 27/7, SLI 3/7.
// ---------------------------------------------------------------------------------------------------
test('classification: confusion matrix, per-class precision/recall, and a Hájek q̂ that differs from accuracy', async () => {
  const groups: Array<[string, string, number, number]> = [
    ['cat', 'cat', 3, 0.5], ['cat', 'dog', 1, 0.25], ['dog', 'dog', 2, 1], ['dog', 'cat', 1, 0.25], ['bird', 'bird', 1, 1], ['bird', 'dog', 1, 0.25],
  ];
  const rows: Array<{ id: string; truth: string; pred: string; p: number }> = [];
  for (const [truth, pred, count, p] of groups) {
    for (let i = 0; i < count; i++) rows.push({ id: `c-${truth}-${pred}-${i}`, truth, pred, p });
  }
  assert.equal(rows.length, 9);
  await send(rows.map((x) => inference('cls-svc', x.id, { label: x.pred })));
  await send(rows.map((x) => outcome('cls-svc', x.id, 'ground_truth', { label: x.truth }, 10, x.p)));

  const r = await report('cls-svc');
  assert.equal(r.quality.judged, 9);
  close(r.quality.qHat, 3 / 7, 'report qHat (Hájek)');
  close(r.quality.effectiveN, 7, 'Kish effective n');
  closeInterval(r.quality.interval, wilsonByHand(3, 7), 'report quality interval (Wilson on nEff)');
  close(r.composite.good, 27 / 7, 'composite good', 1e-9);
  close(r.composite.sli, 3 / 7, 'composite SLI');

  const d = await quality('cls-svc');
  close(d.overall.qHat, 3 / 7, 'overall qHat');
  const m = d.overall.metrics;
  assert.equal(m.task, 'classification');
  assert.equal(m.n, 9);
  close(m.sumW, 21, 'Σw');
  assert.deepEqual(m.labels, ['cat', 'dog', 'bird']);
  assert.deepEqual(m.confusionMatrix, [[3, 1, 0], [1, 2, 0], [0, 1, 1]]);
  close(m.accuracy.value, 2 / 3, 'plain accuracy');
  close(m.accuracy.weighted, 3 / 7, 'weighted accuracy');
  closeInterval(m.accuracy.interval, wilsonByHand(6, 9), 'accuracy interval (plain counts)');
  const cls = new Map<string, any>(m.perClass.map((c: { label: string }) => [c.label, c]));
  const dog = cls.get('dog');
  assert.equal(dog.support, 3);
  close(dog.precision.value, 1 / 2, 'dog precision');
  assert.equal(dog.precision.n, 4);
  close(dog.recall.value, 2 / 3, 'dog recall');
  assert.equal(dog.recall.n, 3);
  close(dog.f1.value, 4 / 7, 'dog F1');
  close(dog.precision.weighted, 0.2, 'dog precision weighted');
  close(dog.recall.weighted, 1 / 3, 'dog recall weighted');
  close(cls.get('cat').precision.value, 3 / 4, 'cat precision');
  close(cls.get('cat').recall.value, 3 / 4, 'cat recall');
  close(cls.get('bird').precision.value, 1, 'bird precision');
  close(cls.get('bird').recall.value, 1 / 2, 'bird recall');
  close(m.macro.precision.value, 3 / 4, 'macro precision');
  close(m.macro.recall.value, 23 / 36, 'macro recall');
});

// ---------------------------------------------------------------------------------------------------
// 5. Source precedence (default human > ground_truth > judge > feedback), end to end.
// p1 predicts `a`. Outcomes arrive one post at a time:
//   20 min ago judge        `a` → good  (only source)                      q̂ 1
//   15 min ago ground_truth `b` → bad   (ground_truth outranks judge)       q̂ 0
//   10 min ago human        `a` → good  (human outranks both)               q̂ 1
//    5 min ago judge        `b` → still good: a later judge is still a judge
// ---------------------------------------------------------------------------------------------------
test('source precedence: judge, then ground_truth, then human — the verdict follows the highest source', async () => {
  await send([inference('prec-svc', 'p1', { label: 'a' })]);
  const step = async (source: string, label: string, minutesAgo: number, expected: number, why: string): Promise<void> => {
    await send([outcome('prec-svc', 'p1', source, { label }, minutesAgo)]);
    const r = await report('prec-svc');
    assert.equal(r.quality.judged, 1, why);
    close(r.quality.qHat, expected, why);
  };
  await step('judge', 'a', 20, 1, 'judge alone: good');
  await step('ground_truth', 'b', 15, 0, 'ground truth beats judge: bad');
  await step('human', 'a', 10, 1, 'human beats ground truth: good');
  await step('judge', 'b', 5, 1, 'a later judge does not override human');

  // The metrics follow the deciding outcome: the superseded contributions were subtracted, leaving
  // one request, truth a, predicted a.
  const m = (await quality('prec-svc')).overall.metrics;
  assert.equal(m.n, 1);
  assert.deepEqual(m.labels, ['a']);
  assert.deepEqual(m.confusionMatrix, [[1]]);
  close(m.accuracy.value, 1, 'accuracy');

  // As of earlier instants, the verdict is reproduced: at −17 min only the judge (good) was known,
  // at −12 min judge + ground truth (bad).
  close((await report('prec-svc', `window=1d&at=${encodeURIComponent(at(17))}`)).quality.qHat, 1, 'as of −17 min');
  close((await report('prec-svc', `window=1d&at=${encodeURIComponent(at(12))}`)).quality.qHat, 0, 'as of −12 min');
});

// prec-gt-only counts ground_truth only.
//   x1 predicts `a`: ground_truth `a` (−20, good); judge `b` (−5) and human `b` (−3) are not counted
//      sources, even though human outranks ground truth by default → stays good.
//   x2 predicts `a`: only a human `b` → no counted outcome → unjudged.
// judged 1, q̂ 1, coverage 1/2; metrics over the one ground-truth verdict.
test('a source not in quality.sources is ignored, even one of higher precedence', async () => {
  await send([inference('prec-gt-only', 'x1', { label: 'a' }), inference('prec-gt-only', 'x2', { label: 'a' })]);
  await send([
    outcome('prec-gt-only', 'x1', 'ground_truth', { label: 'a' }, 20),
    outcome('prec-gt-only', 'x1', 'judge', { label: 'b' }, 5),
    outcome('prec-gt-only', 'x1', 'human', { label: 'b' }, 3),
    outcome('prec-gt-only', 'x2', 'human', { label: 'b' }, 3),
  ]);
  const r = await report('prec-gt-only');
  assert.equal(r.quality.judged, 1);
  close(r.quality.qHat, 1, 'qHat');
  close(r.quality.coverage, 1 / 2, 'coverage');
  const m = (await quality('prec-gt-only')).overall.metrics;
  assert.equal(m.n, 1);
  assert.deepEqual(m.confusionMatrix, [[1]]);
});

test('after a restart on the same SQLite file, the numbers are unchanged', async () => {
  await s.restart();
  // Ranking (§1): q̂ = 4/6, MRR = 91/180. Regression (§2): MAE 5, RMSE sqrt(171/5). Classification (§4): q̂ = 3/7.
  const rank = await quality('rank-svc');
  close(rank.overall.qHat, 4 / 6, 'ranking qHat after restart');
  close(rank.overall.metrics.mrr.value, 91 / 180, 'ranking mrr after restart');
  const reg = (await quality('reg-abs')).overall.metrics;
  close(reg.mae.value, 5, 'MAE after restart');
  close(reg.rmse.value, Math.sqrt(171 / 5), 'RMSE after restart');
  close((await report('cls-svc')).quality.qHat, 3 / 7, 'classification qHat after restart');
  close((await report('prec-svc')).quality.qHat, 1, 'precedence verdict after restart');
});
