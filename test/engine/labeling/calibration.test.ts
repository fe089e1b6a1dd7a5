/**
 * The calibration report on the in-memory store, with human labels given through the queue
 * (engine/labeling/queue.ts) and automatic signals posted as outcomes. Every count is by hand below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceSpec } from '../../../src/core/spec.ts';
import { calibrationReport } from '../../../src/engine/labeling/calibration.ts';
import { LabelQueue } from '../../../src/engine/labeling/queue.ts';
import { Ingestor } from '../../../src/ingest/ingest.ts';
import { parseSpec } from '../../../src/spec/load-spec.ts';
import { createMemoryStore } from '../../../src/store/memory/memory-store.ts';
import type { ApiKeyRecord, Store } from '../../../src/store/port.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const DAY = 86_400_000;
const iso = (t: number): string => new Date(t).toISOString();
const KEY: ApiKeyRecord = { id: 'L1', hash: 'h', role: 'labeler', service: undefined, createdAt: 0 };

function specOf(name: string, body: string): ServiceSpec {
  const r = parseSpec(`apiVersion: mlslo/v1\nkind: Service\nmetadata: {name: ${name}, owner: o, oncall: s, tier: 2}\nspec: ${body}\n`, 'inline.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}

const CAL = specOf('cal', '{task: classification, quality: {feedback: "clicked == true"}, labeling: {dailyBudget: 10}}');
const GEN = specOf('gen', '{task: generative, quality: {criteria: "factuality >= 0.8"}, labeling: {dailyBudget: 10}}');

/** Z of the 95% Wilson interval (scipy.stats.norm.ppf(0.975)). */
const Z = 1.959963984540054;
function wilsonByHand(k: number, n: number): { lower: number; upper: number } {
  const p = k / n;
  const c = (2 * n * p + Z * Z) / (2 * (n + Z * Z));
  const h = (Z * Math.sqrt(Z * Z + 4 * n * p * (1 - p))) / (2 * (n + Z * Z));
  return { lower: c - h, upper: c + h };
}

interface World { store: Store; queue: LabelQueue; ingest: (items: unknown[]) => Promise<void>; clock: { now: number } }

function world(): World {
  const store = createMemoryStore();
  const clock = { now: NOW };
  const specs = () => new Map([['cal', CAL], ['gen', GEN]]);
  const ingestor = new Ingestor({ store, specs, now: () => clock.now, maxEventAgeMs: 7 * DAY, maxQueue: 8 });
  return {
    store, clock, queue: new LabelQueue({ store, specs, now: () => clock.now, ingestor }),
    async ingest(items) {
      const r = await ingestor.ingest(items, { service: undefined });
      assert.deepEqual(r.rejected, []);
    },
  };
}

/** Requests with a queued item each; returns requestId → item id. */
async function queued(w: World, service: string, ids: string[], prediction: object): Promise<Map<string, string>> {
  await w.ingest(ids.map((id) => ({ kind: 'inference', id, service, ts: iso(NOW - DAY), latencyMs: 5, status: 'ok', prediction })));
  await w.store.enqueueLabelItems(ids.map((id) => ({
    service, requestId: id, day: NOW - DAY, createdAt: NOW - 3 * DAY, samplingProb: 1, stratum: '', needed: 1, request: JSON.stringify({ id, prediction }),
  })));
  const items = await w.store.listLabelItems(service, { fromDay: 0, toDay: NOW, limit: 100 });
  return new Map(items.map((i) => [i.requestId, i.id]));
}

const outcome = (service: string, requestId: string, source: string, payload: object) => ({ kind: 'outcome', requestId, service, ts: iso(NOW - 3_600_000), source, ...payload });

test('each signal against the human verdict: confusion, agreement with its Wilson interval, κ', async () => {
  const w = world();
  const ids = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9'];
  const item = await queued(w, 'cal', ids, { label: 'yes' });
  // Humans: r1–r5 say yes (good: the model predicted yes), r6–r8 say no (bad).
  for (const id of ids.slice(0, 8)) {
    const r = await w.queue.label(KEY, item.get(id)!, { label: ['r6', 'r7', 'r8'].includes(id) ? 'no' : 'yes' });
    assert.equal(r.outcome, `label:${item.get(id)}:L1`);
  }
  // r9 was labeled two days ago: outside the one-day window below.
  w.clock.now = NOW - 2 * DAY;
  await w.queue.label(KEY, item.get('r9')!, { label: 'yes' });
  w.clock.now = NOW;
  await w.ingest([
    // judge: r1 r2 r3 good, r4 bad, r5 none, r6 good, r7 r8 bad, r9 bad.
    ...[['r1', 'yes'], ['r2', 'yes'], ['r3', 'yes'], ['r4', 'no'], ['r6', 'yes'], ['r7', 'no'], ['r8', 'no'], ['r9', 'no']].map(([id, label]) => outcome('cal', id!, 'judge', { label })),
    // feedback (clicked == true): r1 good, r6 good, r7 bad.
    outcome('cal', 'r1', 'feedback', { feedback: { clicked: true } }),
    outcome('cal', 'r6', 'feedback', { feedback: { clicked: true } }),
    outcome('cal', 'r7', 'feedback', { feedback: { clicked: false } }),
    // ground truth: r2 good, r8 good.
    outcome('cal', 'r2', 'ground_truth', { label: 'yes' }),
    outcome('cal', 'r8', 'ground_truth', { label: 'yes' }),
  ]);

  const r = await calibrationReport(w.store, CAL, NOW - DAY, NOW);
  assert.equal(r.humanJudged, 8);
  const [judge, feedback, truth] = r.signals;
  // judge vs human over r1–r4, r6–r8: GG r1 r2 r3, BG r4, GB r6, BB r7 r8. Agreement 5/7.
  // κ: judge good 4/7, human good 4/7 → p_e = (4·4 + 3·3)/49 = 25/49; κ = (35/49 − 25/49)/(24/49) = 10/24.
  assert.equal(judge!.signal, 'judge');
  assert.deepEqual(judge!.confusion, { goodGood: 3, goodBad: 1, badGood: 1, badBad: 2 });
  assert.equal(judge!.n, 7);
  assert.equal(judge!.agreement!.value, 5 / 7);
  const iv = wilsonByHand(5, 7);
  assert.ok(Math.abs(judge!.agreement!.interval.lower - iv.lower) < 1e-12 && Math.abs(judge!.agreement!.interval.upper - iv.upper) < 1e-12);
  assert.ok(Math.abs(judge!.kappa.value! - 10 / 24) < 1e-12);
  assert.deepEqual([judge!.kappa.n, judge!.kappa.observed, judge!.scores], [7, 5 / 7, []]);
  // feedback: r1 GG, r6 GB, r7 BB. p_o = 2/3, p_e = (2·1 + 1·2)/9 = 4/9 → κ = (6/9 − 4/9)/(5/9) = 0.4.
  assert.deepEqual([feedback!.signal, feedback!.n, feedback!.confusion], ['feedback', 3, { goodGood: 1, goodBad: 1, badGood: 0, badBad: 1 }]);
  assert.ok(Math.abs(feedback!.kappa.value! - 0.4) < 1e-12);
  // ground truth: r2 GG, r8 GB. The signal is always good: p_o = p_e = 1/2 → κ = 0.
  assert.deepEqual([truth!.signal, truth!.n, truth!.confusion, truth!.kappa.value], ['ground_truth', 2, { goodGood: 1, goodBad: 1, badGood: 0, badBad: 0 }, 0]);
  assert.equal(truth!.agreement!.value, 0.5);

  const wide = await calibrationReport(w.store, CAL, NOW - 3 * DAY, NOW);
  assert.equal(wide.humanJudged, 9);
  assert.deepEqual(wide.signals[0]!.confusion, { goodGood: 3, goodBad: 1, badGood: 2, badBad: 2 }, 'r9 adds a bad judge verdict on a good request');
});

test('judge scores per criterion when the human said good or bad; no signal at all gives empty rows', async () => {
  const w = world();
  const item = await queued(w, 'gen', ['g1', 'g2', 'g3'], { text: 'answer' });
  await w.queue.label(KEY, item.get('g1')!, { scores: { factuality: 1 } });
  await w.queue.label(KEY, item.get('g2')!, { scores: { factuality: 0.9 } });
  await w.queue.label(KEY, item.get('g3')!, { scores: { factuality: 0 } });
  await w.ingest([
    outcome('gen', 'g1', 'judge', { scores: { factuality: 0.9, tone: 0.4 } }),
    outcome('gen', 'g2', 'judge', { scores: { factuality: 0.7, tone: 0.6 } }),
    outcome('gen', 'g3', 'judge', { scores: { factuality: 0.2, tone: 0.8 } }),
  ]);
  const r = await calibrationReport(w.store, GEN, NOW - DAY, NOW);
  const judge = r.signals[0]!;
  // Human: g1 good, g2 good, g3 bad. Judge (factuality >= 0.8): g1 good, g2 bad, g3 bad.
  assert.deepEqual(judge.confusion, { goodGood: 1, goodBad: 0, badGood: 1, badBad: 1 });
  const scores = Object.fromEntries(judge.scores.map((s) => [s.criterion, [s.meanWhenGood, s.meanWhenBad]]));
  assert.deepEqual(Object.keys(scores), ['factuality', 'tone']);
  assert.ok(Math.abs(scores.factuality![0]! - 0.8) < 1e-12 && scores.factuality![1] === 0.2);
  assert.ok(Math.abs(scores.tone![0]! - 0.5) < 1e-12 && scores.tone![1] === 0.8);
  for (const s of r.signals.slice(1)) assert.deepEqual(s, {
    signal: s.signal, n: 0, agreement: null, kappa: { value: null, n: 0, observed: 0 }, confusion: { goodGood: 0, goodBad: 0, badGood: 0, badBad: 0 }, scores: [],
  });
});
