/**
 * The storage contract (CONVENTIONS §5): every adapter runs this suite. Expectations are computed by
 * hand from the inputs, never read back from an adapter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InferenceEvent, OutcomeEvent } from '../../src/core/event.ts';
import { addValue, emptyHistogram, type FeatureHistogram } from '../../src/core/drift/histogram.ts';
import { addLatency, quantile, sketchCount } from '../../src/core/latency-sketch.ts';
import { classAcc, createCell, negateQuality, verdictQuality, type QualityAcc, type RollupCell } from '../../src/core/rollup.ts';
import {
  refKey,
  type ApiKeyRecord, type DriftCellQuery, type IngestWrite, type NewInference, type RollupDelta, type RollupRow, type Store, type VerdictStep,
} from '../../src/store/port.ts';
import { evalContract } from './eval-contract.ts';
import { labelContract } from './label-contract.ts';
import { outboxContract } from './outbox-contract.ts';

export interface StoreHarness {
  readonly store: Store;
  /** Closes `store` and opens the same data again (durable adapters only). */
  readonly reopen?: () => Promise<Store>;
  readonly cleanup: () => Promise<void>;
}

const SVC = 'fraud-scorer';
const OTHER = 'recommender';
const MIN = 60_000;
const HOUR = 3_600_000;
/** 2026-11-28 10:59 UTC: its hour is 10:00, its day 00:00 UTC. */
const T1059 = Date.UTC(2026, 10, 28, 10, 59);
const T1000 = Date.UTC(2026, 10, 28, 10, 0);
const T1030 = Date.UTC(2026, 10, 28, 10, 30);
const DAY = Date.UTC(2026, 10, 28);

export function inference(id: string, over: Partial<{ service: string; ts: number; model: string; error: string }> = {}): InferenceEvent {
  const base = {
    kind: 'inference' as const,
    id,
    service: over.service ?? SVC,
    model: over.model ?? 'v7',
    ts: over.ts ?? T1059 + 123,
    input: { tokens: 412 },
    cohort: { language: 'pt', region: 'eu' },
    features: { amount: 12.5, country: 'BR', flagged: false, note: null },
  };
  if (over.error !== undefined) return { ...base, status: 'error', errorType: over.error };
  return { ...base, status: 'ok', latencyMs: 84.2, prediction: { kind: 'label', label: 'fraud', score: 0.93, probabilities: { fraud: 0.93, legit: 0.07 } } };
}

export function outcome(key: string, requestId: string, over: Partial<{ service: string; ts: number; label: string; samplingProb: number }> = {}): OutcomeEvent {
  return {
    kind: 'outcome',
    key,
    requestId,
    service: over.service ?? SVC,
    ts: over.ts ?? T1059 + 5 * HOUR,
    source: 'ground_truth',
    samplingProb: over.samplingProb ?? 0.5,
    annotator: 'ann-1',
    payload: { kind: 'label', label: over.label ?? 'legit' },
  };
}

function newInference(e: InferenceEvent, over: Partial<NewInference> = {}): NewInference {
  return { event: e, contentHash: `h-${e.id}`, inputClass: e.status === 'ok' ? 'short' : undefined, eligible: true, verdict: undefined, ...over };
}

export function write(w: Partial<IngestWrite>): IngestWrite {
  return { inferences: [], outcomes: [], verdicts: [], joinedOutcomes: [], verdictSteps: [], rollups: [], verdictTime: [], ...w };
}

/** A cell as ingest would build it for the given events. */
export function cellOf(events: { ok?: number[]; slow?: number[]; errors?: string[]; excluded?: number; quality?: QualityAcc }): RollupCell {
  const c = createCell();
  for (const ms of events.ok ?? []) {
    c.total++;
    c.ok++;
    const acc = classAcc(c, 'short');
    acc.ok++;
    acc.fast++;
    addLatency(acc.sketch, ms);
  }
  for (const ms of events.slow ?? []) {
    c.total++;
    c.ok++;
    const acc = classAcc(c, 'long');
    acc.ok++;
    addLatency(acc.sketch, ms);
  }
  for (const t of events.errors ?? []) {
    c.total++;
    c.errors[t] = (c.errors[t] ?? 0) + 1;
  }
  c.total += events.excluded ?? 0;
  c.excluded += events.excluded ?? 0;
  if (events.quality !== undefined) c.quality = { ...events.quality };
  return c;
}

/** Cells hold sketch objects: compare their observable content. */
export function summary(c: RollupCell): unknown {
  const classes: Record<string, unknown> = {};
  for (const [k, a] of Object.entries(c.classes)) {
    classes[k] = { ok: a.ok, fast: a.fast, n: sketchCount(a.sketch), min: a.sketch.sketch.min, max: a.sketch.sketch.max, sum: a.sketch.sketch.sum };
  }
  return { total: c.total, excluded: c.excluded, ok: c.ok, errors: c.errors, classes, quality: c.quality, sums: c.sums };
}

function rows(rs: RollupRow[]): Array<{ bucket: number; model: string; attr: string; value: string; cell: unknown }> {
  return rs.map((r) => ({ bucket: r.bucket, model: r.model, attr: r.attr, value: r.value, cell: summary(r.cell) }));
}

function delta(minute: number, cell: RollupCell, over: Partial<RollupDelta> = {}): RollupDelta {
  return { service: SVC, minute, model: 'v7', attr: '', value: '', cell, ...over };
}

function step(requestId: string, requestTs: number, stepTs: number, d: QualityAcc): VerdictStep {
  const sums = { [`cm\u0000"fraud"\u0000"legit"`]: [d.judged, d.sumW] as [number, number] };
  return { service: SVC, requestId, requestTs, model: 'v7', cohort: { language: 'pt', region: 'eu' }, stepTs, delta: d, sums };
}

export function storeContract(name: string, make: () => Promise<StoreHarness>, opts: { durable: boolean }): void {
  async function withStore(fn: (s: Store, h: StoreHarness) => Promise<void>): Promise<void> {
    const h = await make();
    try {
      await fn(h.store, h);
    } finally {
      await h.cleanup();
    }
  }

  describe(`store contract: ${name}`, () => {
    it('round-trips inferences and outcomes through lookupForIngest', () => withStore(async (s) => {
      const ok = inference('r-8f2c');
      const err = inference('r-8f2d', { error: 'gpu_oom' });
      const excl = inference('r-8f2e', { error: 'client_error' });
      const verdict = { good: false, weight: 2, source: 'ground_truth' as const, ts: T1059 + 5 * HOUR };
      const o = outcome('o-1', 'r-8f2c');
      await s.commitIngest(write({
        inferences: [newInference(ok, { verdict }), newInference(err), newInference(excl, { eligible: false })],
        outcomes: [{ event: o, contentHash: 'ho-1', joined: true }],
      }));
      const snap = await s.lookupForIngest({
        inferences: [{ service: SVC, id: 'r-8f2c' }, { service: SVC, id: 'r-8f2d' }, { service: SVC, id: 'r-8f2e' },
          { service: SVC, id: 'missing' }, { service: OTHER, id: 'r-8f2c' }],
        requests: [{ service: SVC, id: 'r-8f2c' }, { service: SVC, id: 'r-8f2d' }, { service: OTHER, id: 'r-8f2c' }],
        outcomeKeys: [{ service: SVC, key: 'o-1' }, { service: SVC, key: 'o-2' }, { service: OTHER, key: 'o-1' }],
      });
      assert.deepEqual([...snap.inferences.keys()].sort(), [refKey(SVC, 'r-8f2c'), refKey(SVC, 'r-8f2d'), refKey(SVC, 'r-8f2e')].sort());
      assert.deepEqual(snap.inferences.get(refKey(SVC, 'r-8f2c')), { event: ok, contentHash: 'h-r-8f2c', inputClass: 'short', eligible: true, verdict });
      assert.deepEqual(snap.inferences.get(refKey(SVC, 'r-8f2d')), { event: err, contentHash: 'h-r-8f2d', inputClass: undefined, eligible: true, verdict: undefined });
      assert.deepEqual(snap.inferences.get(refKey(SVC, 'r-8f2e'))?.eligible, false);
      assert.deepEqual(snap.outcomesByRequest.get(refKey(SVC, 'r-8f2c')), [{ event: o, contentHash: 'ho-1' }]);
      assert.equal((snap.outcomesByRequest.get(refKey(SVC, 'r-8f2d')) ?? []).length, 0);
      assert.equal(snap.outcomesByRequest.has(refKey(OTHER, 'r-8f2c')), false);
      assert.deepEqual([...snap.outcomeHashes], [[refKey(SVC, 'o-1'), 'ho-1']]);
    }));

    it('looks up more ids than one query chunk', () => withStore(async (s) => {
      const n = 1300;
      const events = Array.from({ length: n }, (_, i) => inference(`req-${i}`));
      await s.commitIngest(write({ inferences: events.map((e) => newInference(e)) }));
      const ask = [...events.map((e) => ({ service: SVC, id: e.id })), { service: SVC, id: 'nope' }];
      const snap = await s.lookupForIngest({ inferences: ask, requests: [], outcomeKeys: [] });
      assert.equal(snap.inferences.size, n);
      assert.deepEqual(snap.inferences.get(refKey(SVC, 'req-1299'))?.event, events[1299]);
    }));

    it('updates and clears the verdict of a stored inference', () => withStore(async (s) => {
      await s.commitIngest(write({ inferences: [newInference(inference('r-1')), newInference(inference('r-2'))] }));
      const v1 = { good: true, weight: 4, source: 'judge' as const, ts: T1059 + HOUR };
      await s.commitIngest(write({ verdicts: [{ service: SVC, requestId: 'r-1', verdict: v1 }, { service: OTHER, requestId: 'r-2', verdict: v1 }] }));
      const q = { inferences: [{ service: SVC, id: 'r-1' }, { service: SVC, id: 'r-2' }], requests: [], outcomeKeys: [] };
      let snap = await s.lookupForIngest(q);
      assert.deepEqual(snap.inferences.get(refKey(SVC, 'r-1'))?.verdict, v1);
      assert.equal(snap.inferences.get(refKey(SVC, 'r-2'))?.verdict, undefined, 'a verdict for another service touches nothing');
      const v2 = { good: false, weight: 1, source: 'human' as const, ts: T1059 + 2 * HOUR };
      await s.commitIngest(write({ verdicts: [{ service: SVC, requestId: 'r-1', verdict: v2 }] }));
      snap = await s.lookupForIngest(q);
      assert.deepEqual(snap.inferences.get(refKey(SVC, 'r-1'))?.verdict, v2);
      await s.commitIngest(write({ verdicts: [{ service: SVC, requestId: 'r-1', verdict: undefined }] }));
      snap = await s.lookupForIngest(q);
      assert.equal(snap.inferences.get(refKey(SVC, 'r-1'))?.verdict, undefined);
    }));

    it('counts orphan outcomes until they are joined, and still returns them after', () => withStore(async (s) => {
      const t = T1059;
      const o1 = outcome('o-1', 'r-9', { ts: t });
      const o2 = outcome('o-2', 'r-9', { ts: t + 1000, label: 'fraud' });
      const o3 = outcome('o-3', 'r-10', { ts: t + 2000 });
      const o4 = outcome('o-4', 'r-9', { ts: t, service: OTHER });
      await s.commitIngest(write({ outcomes: [o1, o2, o3, o4].map((e) => ({ event: e, contentHash: `h-${e.key}`, joined: false })) }));
      assert.equal(await s.countOrphans(SVC, t), 0, 'ts < before is strict');
      assert.equal(await s.countOrphans(SVC, t + 1), 1);
      assert.equal(await s.countOrphans(SVC, t + 2001), 3);
      assert.equal(await s.countOrphans(OTHER, t + 2001), 1);
      let snap = await s.lookupForIngest({ inferences: [], requests: [{ service: SVC, id: 'r-9' }], outcomeKeys: [{ service: SVC, key: 'o-3' }] });
      assert.deepEqual(snap.outcomesByRequest.get(refKey(SVC, 'r-9')), [{ event: o1, contentHash: 'h-o-1' }, { event: o2, contentHash: 'h-o-2' }]);
      assert.equal(snap.outcomeHashes.get(refKey(SVC, 'o-3')), 'h-o-3');

      await s.commitIngest(write({
        inferences: [newInference(inference('r-9'))],
        joinedOutcomes: [{ service: SVC, key: 'o-1' }, { service: SVC, key: 'o-2' }],
      }));
      assert.equal(await s.countOrphans(SVC, t + 2001), 1);
      assert.equal(await s.countOrphans(OTHER, t + 2001), 1, 'joining is per service');
      snap = await s.lookupForIngest({ inferences: [], requests: [{ service: SVC, id: 'r-9' }], outcomeKeys: [] });
      assert.deepEqual(snap.outcomesByRequest.get(refKey(SVC, 'r-9'))?.map((o) => o.event), [o1, o2]);
    }));

    it('replaces verdict steps per request and filters them by step and request time', () => withStore(async (s) => {
      const good = verdictQuality(true, 2);
      const flip = { judged: 0, good: -1, sumW: 0, sumW2: 0, sumWGood: -2 };
      const a1 = step('r-a', T1000, 100, good);
      const a2 = step('r-a', T1000, 200, flip);
      const b1 = step('r-b', T1000 + MIN, 150, verdictQuality(false, 1));
      const c1 = step('r-c', T1000 + 2 * MIN, 300, good);
      await s.commitIngest(write({
        verdictSteps: [
          { service: SVC, requestId: 'r-a', steps: [a1, a2] },
          { service: SVC, requestId: 'r-b', steps: [b1] },
          { service: SVC, requestId: 'r-c', steps: [c1] },
          { service: OTHER, requestId: 'r-a', steps: [{ ...a1, service: OTHER }] },
        ],
      }));
      assert.deepEqual(await s.readVerdictStepsAfter(SVC, 0, T1000, T1000 + HOUR), [a1, b1, a2, c1], 'ordered by step time');
      assert.deepEqual(await s.readVerdictStepsAfter(SVC, 100, T1000, T1000 + HOUR), [b1, a2, c1], 'stepTs > after is strict');
      assert.deepEqual(await s.readVerdictStepsAfter(SVC, 0, T1000 + MIN, T1000 + 2 * MIN), [b1], 'requestFrom <= requestTs < requestTo');
      assert.deepEqual(await s.readVerdictStepsAfter(SVC, 300, T1000, T1000 + HOUR), []);

      const a3 = step('r-a', T1000, 400, verdictQuality(false, 2));
      await s.commitIngest(write({ verdictSteps: [{ service: SVC, requestId: 'r-a', steps: [a3] }, { service: SVC, requestId: 'r-c', steps: [] }] }));
      assert.deepEqual(await s.readVerdictStepsAfter(SVC, 0, T1000, T1000 + HOUR), [b1, a3]);
      assert.deepEqual(await s.readVerdictStepsAfter(OTHER, 0, T1000, T1000 + HOUR), [{ ...a1, service: OTHER }], 'other services untouched');
    }));

    it('folds a delta into minute, hour and day buckets (UTC starts)', () => withStore(async (s) => {
      const cell = cellOf({ ok: [84.2], errors: ['timeout'], excluded: 1, quality: verdictQuality(true, 2) });
      const want = summary(cell);
      await s.commitIngest(write({ rollups: [delta(T1059, cell)] }));
      const expect = (bucket: number) => [{ bucket, model: 'v7', attr: '', value: '', cell: want }];
      assert.deepEqual(rows(await s.readRollups({ service: SVC, resolution: 'm', from: DAY, to: DAY + 24 * HOUR, cohorts: false })), expect(T1059));
      assert.deepEqual(rows(await s.readRollups({ service: SVC, resolution: 'h', from: DAY, to: DAY + 24 * HOUR, cohorts: false })), expect(T1000));
      assert.deepEqual(rows(await s.readRollups({ service: SVC, resolution: 'd', from: DAY - 24 * HOUR, to: DAY + 24 * HOUR, cohorts: false })), expect(DAY));
      // from <= bucket < to
      assert.equal((await s.readRollups({ service: SVC, resolution: 'h', from: T1000, to: T1000 + 1, cohorts: false })).length, 1);
      assert.equal((await s.readRollups({ service: SVC, resolution: 'h', from: T1000 + 1, to: DAY + 24 * HOUR, cohorts: false })).length, 0);
      assert.equal((await s.readRollups({ service: SVC, resolution: 'h', from: DAY, to: T1000, cohorts: false })).length, 0);
      assert.equal((await s.readRollups({ service: OTHER, resolution: 'd', from: 0, to: DAY * 2, cohorts: true })).length, 0);
      cell.total = 999; // the store kept its own copy
      assert.equal((await s.readRollups({ service: SVC, resolution: 'd', from: DAY, to: DAY + 1, cohorts: false }))[0]?.cell.total, 3);
    }));

    it('merges deltas within a commit and across commits, negative quality deltas included', () => withStore(async (s) => {
      const q1 = verdictQuality(true, 2);
      const c1 = cellOf({ ok: [10, 20], errors: ['timeout'], quality: q1 });
      c1.sums = { 'hit@1': [1, 2], 'est|p': [0.75, 0.75] };
      const c2 = cellOf({ ok: [30], slow: [2500] });
      c2.sums = { 'hit@1': [0, 0], 'est|p': [0.5, 0.5] };
      await s.commitIngest(write({ rollups: [delta(T1059, c1), delta(T1059, c2)] }));
      // A later verdict flips the request from good to bad: −good + bad.
      const flip = negateQuality(q1);
      const bad = verdictQuality(false, 2);
      const c3 = cellOf({ ok: [40], errors: ['timeout', 'oom'], excluded: 2, quality: { judged: flip.judged + bad.judged, good: flip.good + bad.good, sumW: flip.sumW + bad.sumW, sumW2: flip.sumW2 + bad.sumW2, sumWGood: flip.sumWGood + bad.sumWGood } });
      c3.sums = { 'hit@1': [-1, -2] }; // the flip takes the hit back
      await s.commitIngest(write({ rollups: [delta(T1030, c3)] }));
      const m = await s.readRollups({ service: SVC, resolution: 'm', from: T1000, to: T1000 + HOUR, cohorts: false });
      assert.deepEqual(m.map((r) => r.bucket), [T1030, T1059]);
      assert.deepEqual(summary(m[1]!.cell), {
        total: 5, excluded: 0, ok: 4, errors: { timeout: 1 },
        classes: { short: { ok: 3, fast: 3, n: 3, min: 10, max: 30, sum: 60 }, long: { ok: 1, fast: 0, n: 1, min: 2500, max: 2500, sum: 2500 } },
        quality: { judged: 1, good: 1, sumW: 2, sumW2: 4, sumWGood: 2 },
        sums: { 'hit@1': [1, 2], 'est|p': [1.25, 1.25] },
      });
      for (const res of ['h', 'd'] as const) {
        const r = await s.readRollups({ service: SVC, resolution: res, from: DAY, to: DAY + 24 * HOUR, cohorts: false });
        assert.equal(r.length, 1);
        const got = r[0]!.cell;
        assert.equal(got.total, 10); // 3 + 2 + 5
        assert.equal(got.excluded, 2);
        assert.equal(got.ok, 5);
        assert.deepEqual(got.errors, { timeout: 2, oom: 1 });
        const short = got.classes.short;
        const long = got.classes.long;
        assert.ok(short !== undefined && long !== undefined);
        assert.equal(short.ok, 4);
        assert.equal(short.fast, 4);
        assert.equal(sketchCount(short.sketch), 4);
        assert.equal(sketchCount(long.sketch), 1);
        const median = quantile(short.sketch, 0.5) ?? NaN;
        assert.ok(Math.abs(median - 20) <= 0.2 || Math.abs(median - 30) <= 0.3, `median latency ${median} within 1% of a middle value`);
        assert.equal(short.sketch.sketch.max, 40);
        assert.deepEqual(got.quality, { judged: 1, good: 0, sumW: 2, sumW2: 4, sumWGood: 0 });
        assert.deepEqual(got.sums, { 'est|p': [1.25, 1.25] }, 'sums add; an entry summing to exactly zero is dropped');
      }
    }));

    it('keeps models and cohort values apart, and filters cohort rows', () => withStore(async (s) => {
      await s.commitIngest(write({
        rollups: [
          delta(T1059, cellOf({ ok: [10, 20] })),
          delta(T1059, cellOf({ ok: [10] }), { attr: 'language', value: 'pt' }),
          delta(T1059, cellOf({ ok: [20] }), { attr: 'language', value: 'en' }),
          delta(T1059, cellOf({ ok: [15] }), { model: 'v8' }),
          delta(T1059, cellOf({ ok: [15] }), { service: OTHER }),
        ],
      }));
      const q = { service: SVC, resolution: 'h' as const, from: T1000, to: T1000 + HOUR };
      const whole = await s.readRollups({ ...q, cohorts: false });
      assert.deepEqual(whole.map((r) => [r.model, r.attr, r.value, r.cell.total]).sort(), [['v7', '', '', 2], ['v8', '', '', 1]]);
      const all = await s.readRollups({ ...q, cohorts: true });
      assert.deepEqual(all.map((r) => [r.model, r.attr, r.value, r.cell.total]).sort(), [
        ['v7', '', '', 2], ['v7', 'language', 'en', 1], ['v7', 'language', 'pt', 1], ['v8', '', '', 1],
      ]);
    }));

    it('adds verdict-time deltas into minute, hour and day buckets', () => withStore(async (s) => {
      const good = verdictQuality(true, 2);
      const bad = verdictQuality(false, 1);
      await s.commitIngest(write({ verdictTime: [
        { service: SVC, minute: T1059, model: 'v7', quality: good },
        { service: SVC, minute: T1030, model: 'v7', quality: bad },
        { service: OTHER, minute: T1059, model: 'v7', quality: good },
      ] }));
      await s.commitIngest(write({ verdictTime: [{ service: SVC, minute: T1059, model: 'v7', quality: bad }] }));
      const m = await s.readVerdictTime(SVC, 'm', T1000, T1000 + HOUR);
      // 10:30: one bad (w 1); 10:59: one good (w 2) + one bad (w 1).
      assert.deepEqual(m, [
        { bucket: T1030, model: 'v7', quality: { judged: 1, good: 0, sumW: 1, sumW2: 1, sumWGood: 0 } },
        { bucket: T1059, model: 'v7', quality: { judged: 2, good: 1, sumW: 3, sumW2: 5, sumWGood: 2 } },
      ]);
      for (const [res, bucket] of [['h', T1000], ['d', DAY]] as const) {
        assert.deepEqual(await s.readVerdictTime(SVC, res, DAY, DAY + 24 * HOUR), [
          { bucket, model: 'v7', quality: { judged: 3, good: 1, sumW: 4, sumW2: 6, sumWGood: 2 } },
        ]);
      }
      assert.deepEqual(await s.readVerdictTime(SVC, 'm', T1059 + MIN, T1059 + HOUR), []);
    }));

    it('keeps alert states (upserted by id) and their transitions, newest first', () => withStore(async (s) => {
      const a1 = { id: `${SVC}/burn/errors/page`, service: SVC, state: '{"kind":"firing"}', body: '{}', updatedAt: 10 };
      const a2 = { id: `${OTHER}/coverage`, service: OTHER, state: '{"kind":"pending"}', body: '{}', updatedAt: 10 };
      await s.saveAlerts([a1, a2], [{ alertId: a1.id, service: SVC, at: 10, transition: 'fired', body: '{"n":1}' }]);
      const a1b = { ...a1, state: '{"kind":"resolved"}', updatedAt: 20 };
      await s.saveAlerts([a1b], [{ alertId: a1.id, service: SVC, at: 20, transition: 'resolved', body: '{"n":2}' }]);
      assert.deepEqual(await s.loadAlerts(), [a2, a1b].sort((x, y) => (x.id < y.id ? -1 : 1)));
      assert.deepEqual((await s.alertHistory({ service: SVC, limit: 10 })).map((t) => [t.transition, t.at, t.body]), [['resolved', 20, '{"n":2}'], ['fired', 10, '{"n":1}']]);
      assert.equal((await s.alertHistory({ limit: 1 })).length, 1);
      assert.deepEqual(await s.alertHistory({ service: OTHER, limit: 10 }), []);
    }));

    it('keeps the retraining trigger state per service and its requests, newest first', () => withStore(async (s) => {
      await s.saveRetrain(SVC, '{"consecutiveViolations":1}', undefined, []);
      await s.saveRetrain(SVC, '{"consecutiveViolations":0}', { service: SVC, at: 20, body: '{"n":2}' }, []);
      await s.saveRetrain(OTHER, '{"consecutiveViolations":2}', { service: OTHER, at: 10, body: '{"n":1}' }, []);
      assert.deepEqual(await s.loadRetrainStates(), [
        { service: SVC, state: '{"consecutiveViolations":0}' }, { service: OTHER, state: '{"consecutiveViolations":2}' },
      ].sort((a, b) => (a.service < b.service ? -1 : 1)));
      assert.deepEqual((await s.retrainHistory({ limit: 10 })).map((r) => [r.service, r.at]), [[SVC, 20], [OTHER, 10]]);
      assert.deepEqual((await s.retrainHistory({ service: OTHER, limit: 10 })).map((r) => r.body), ['{"n":1}']);
    }));

    it('keeps baselines per service and model: newest wins, values round-trip, listings carry no values', () => withStore(async (s) => {
      const features = { amount: { type: 'numeric' as const, inferred: true }, country: { type: 'categorical' as const, inferred: false } };
      const v6 = { service: SVC, model: 'v6', createdAt: 10, rows: 3, features, values: { amount: [1.5, null, -2e300], country: ['BR', null, 'a"b\u00e9'] } };
      const v7old = { ...v6, model: 'v7', createdAt: 20, values: { amount: [1, 2, 3], country: ['x', 'y', 'z'] } };
      const v7 = { ...v6, model: 'v7', createdAt: 30, rows: 2, values: { amount: [0.1, 0.2], country: ['PT', 7] } };
      const id6 = await s.saveBaseline(v6);
      const id7 = await s.saveBaseline(v7);
      const id7old = await s.saveBaseline(v7old); // saved later but older
      await s.saveBaseline({ ...v6, service: OTHER, createdAt: 40 });
      assert.equal(new Set([id6, id7, id7old]).size, 3, 'every baseline gets its own id');
      assert.deepEqual(await s.getBaseline(SVC, 'v6'), { ...v6, id: id6 });
      assert.deepEqual(await s.getBaseline(SVC, 'v7'), { ...v7, id: id7 });
      assert.deepEqual(await s.getBaseline(SVC), { ...v7, id: id7 }, 'no model: the service\'s newest');
      assert.deepEqual(await s.getBaseline(SVC, 'v8'), { ...v7, id: id7 }, 'a model without a baseline: the service\'s newest');
      assert.equal(await s.getBaseline('nobody'), undefined);
      const list = await s.listBaselines(SVC);
      assert.deepEqual(list.map((b) => [b.id, b.model, b.createdAt, b.rows]), [[id7, 'v7', 30, 2], [id7old, 'v7', 20, 3], [id6, 'v6', 10, 3]]);
      assert.deepEqual(list[0]?.features, features);
      assert.ok(list.every((b) => !('values' in b)));
      // a same-time save is newer than the one before it
      const tie = { ...v7, values: { amount: [9, 9], country: ['t', 't'] } };
      const idTie = await s.saveBaseline(tie);
      assert.deepEqual(await s.getBaseline(SVC, 'v7'), { ...tie, id: idTie });
    }));

    it('round-trips a large numeric baseline column exactly', () => withStore(async (s) => {
      const amount = Array.from({ length: 100_000 }, (_, i) => (i % 97 === 0 ? null : Math.sin(i) * 1e6));
      const b = { service: SVC, model: 'v7', createdAt: 1, rows: amount.length, features: { amount: { type: 'numeric' as const, inferred: true } }, values: { amount } };
      const id = await s.saveBaseline(b);
      assert.deepEqual(await s.getBaseline(SVC, 'v7'), { ...b, id });
    }));

    it('feeds stored inferences in insert order, filtered by service, time and seq', () => withStore(async (s) => {
      assert.equal(await s.lastInferenceSeq(), 0);
      assert.deepEqual(await s.readInferencesAfter({ afterSeq: 0, limit: 10 }), []);
      const a = inference('r-a', { ts: T1000 });
      const b = inference('r-b', { service: OTHER, ts: T1030 });
      const c = inference('r-c', { ts: T1059, error: 'client_error' });
      await s.commitIngest(write({ inferences: [newInference(a), newInference(b)] }));
      await s.commitIngest(write({ inferences: [newInference(c, { eligible: false })] }));
      const all = await s.readInferencesAfter({ afterSeq: 0, limit: 10 });
      assert.deepEqual(all.map((t) => [t.event.id, t.eligible]), [['r-a', true], ['r-b', true], ['r-c', false]]);
      assert.deepEqual(all[0]!.event, a, 'the event round-trips');
      const seqs = all.map((t) => t.seq);
      assert.ok(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!, 'seq grows with insert order');
      assert.equal(await s.lastInferenceSeq(), seqs[2]);
      assert.deepEqual((await s.readInferencesAfter({ afterSeq: seqs[0]!, limit: 10 })).map((t) => t.event.id), ['r-b', 'r-c']);
      assert.deepEqual((await s.readInferencesAfter({ afterSeq: 0, limit: 2 })).map((t) => t.event.id), ['r-a', 'r-b']);
      assert.deepEqual((await s.readInferencesAfter({ afterSeq: 0, uptoSeq: seqs[1]!, limit: 10 })).map((t) => t.event.id), ['r-a', 'r-b']);
      assert.deepEqual((await s.readInferencesAfter({ afterSeq: 0, service: SVC, limit: 10 })).map((t) => t.event.id), ['r-a', 'r-c']);
      assert.deepEqual((await s.readInferencesAfter({ afterSeq: 0, fromTs: T1030, limit: 10 })).map((t) => t.event.id), ['r-b', 'r-c']);
    }));

    it('adds drift histograms cell by cell with the folder state, reads ranges, drops old layouts', () => withStore(async (s) => {
      const layout = { kind: 'numeric' as const, edges: [10, 20], exact: true };
      const histOf = (...xs: unknown[]): FeatureHistogram => {
        const h = emptyHistogram(layout);
        for (const x of xs) addValue(h, layout, x);
        return h;
      };
      const key = { service: SVC, layout: 'L1', resolution: 'h' as const, bucket: T1000, model: 'v7', feature: 'amount', attr: '', value: '' };
      assert.equal(await s.loadDriftState(), undefined);
      await s.mergeDriftCells([{ ...key, hist: histOf(5, 10, null) }, { ...key, attr: 'region', value: 'eu', hist: histOf(15) }], '{"watermark":1}');
      await s.mergeDriftCells([{ ...key, hist: histOf(10, 25) }, { ...key, bucket: T1000 + HOUR, hist: histOf(30) }], '{"watermark":2}');
      await s.mergeDriftCells([{ ...key, layout: 'L0', hist: histOf(1) }, { ...key, service: OTHER, hist: histOf(1) }], '{"watermark":3}');
      assert.equal(await s.loadDriftState(), '{"watermark":3}');
      const read = async (q: Partial<DriftCellQuery> = {}) => (await s.readDriftCells({ service: SVC, layout: 'L1', resolution: 'h', from: T1000, to: T1000 + HOUR, cohorts: false, ...q }))
        .map((c) => [c.bucket, c.attr, c.value, c.feature, c.hist.count, c.hist.missing, Array.from(c.hist.counts)]);
      // bins: (−∞,10) {10} (10,20) {20} (20,∞) — the two merges added: 5, 10, 10, 25 and one missing
      assert.deepEqual(await read(), [[T1000, '', '', 'amount', 4, 1, [1, 2, 0, 0, 1]]]);
      assert.deepEqual(await read({ cohorts: true }), [[T1000, '', '', 'amount', 4, 1, [1, 2, 0, 0, 1]], [T1000, 'region', 'eu', 'amount', 1, 0, [0, 0, 1, 0, 0]]]);
      assert.deepEqual((await read({ to: T1000 + 2 * HOUR })).map((r) => r[0]), [T1000, T1000 + HOUR]);
      assert.deepEqual(await read({ resolution: 'd' }), []);
      const sums = (await s.readDriftCells({ service: SVC, layout: 'L1', resolution: 'h', from: T1000, to: T1000 + HOUR, cohorts: false }))[0]!.hist;
      assert.equal(sums.kind === 'numeric' ? sums.sums[2] : undefined, 25, 'Σx of the open bin (20, ∞)');
      assert.equal((await read({ layout: 'L0' })).length, 1);
      await s.dropDriftLayouts(SVC, 'L1');
      assert.deepEqual(await read({ layout: 'L0' }), [], 'the old layout is gone');
      assert.equal((await read()).length, 1, 'the kept layout stays');
      assert.equal((await read({ service: OTHER, layout: 'L1' })).length, 1, 'other services keep theirs');
    }));

    it('round-trips API keys with their service scope', () => withStore(async (s) => {
      const admin: ApiKeyRecord = { id: 'k_admin', hash: 'a'.repeat(64), role: 'admin', service: undefined, createdAt: 1000 };
      const ingest: ApiKeyRecord = { id: 'k_ing', hash: 'b'.repeat(64), role: 'ingest', service: SVC, createdAt: 2000 };
      await s.createKey(ingest);
      await s.createKey(admin);
      assert.deepEqual(await s.findKey(admin.hash), admin);
      assert.deepEqual(await s.findKey(ingest.hash), ingest);
      assert.equal(await s.findKey('c'.repeat(64)), undefined);
      assert.deepEqual(await s.listKeys(), [admin, ingest]);
      await assert.rejects(s.createKey({ ...admin, id: 'k_other' }), 'the same secret hash twice is refused');
    }));

    it('revokes an API key by id: it is found no more, the others stay', () => withStore(async (s) => {
      const keep: ApiKeyRecord = { id: 'k_keep', hash: 'a'.repeat(64), role: 'read', service: undefined, createdAt: 1000 };
      const gone: ApiKeyRecord = { id: 'k_gone', hash: 'b'.repeat(64), role: 'ingest', service: SVC, createdAt: 2000 };
      await s.createKey(keep);
      await s.createKey(gone);
      assert.equal(await s.revokeKey(gone.id), true);
      assert.equal(await s.findKey(gone.hash), undefined);
      assert.deepEqual(await s.findKey(keep.hash), keep);
      assert.deepEqual(await s.listKeys(), [keep]);
      assert.equal(await s.revokeKey(gone.id), false, 'twice: nothing left to revoke');
      assert.equal(await s.revokeKey(gone.hash), false, 'by id, not by hash');
      assert.deepEqual(await s.listKeys(), [keep]);
    }));

    it('pages a service\'s inferences by (ts, id) in a window, with eligibility and current verdicts', () => withStore(async (s) => {
      const d = inference('r-d', { ts: T1059 });
      const b = inference('r-b', { ts: T1000 });
      const a = inference('r-a', { ts: T1000 });
      const c = inference('r-c', { ts: T1030, error: 'client_error' });
      const late = inference('r-0', { ts: T1000 + HOUR });
      const early = inference('r-z', { ts: T1000 - MIN });
      const other = inference('r-e', { service: OTHER, ts: T1030 });
      const first = { good: true, weight: 1, source: 'feedback' as const, ts: T1059 + MIN };
      // inserted out of (ts, id) order: the order comes from the read
      await s.commitIngest(write({ inferences: [newInference(d, { verdict: first }), newInference(b), newInference(late), newInference(early)] }));
      await s.commitIngest(write({ inferences: [newInference(a), newInference(c, { eligible: false }), newInference(other)] }));
      const now = { good: false, weight: 2, source: 'ground_truth' as const, ts: T1059 + HOUR };
      await s.commitIngest(write({ verdicts: [{ service: SVC, requestId: 'r-d', verdict: now }] }));

      const window = { service: SVC, from: T1000, to: T1000 + HOUR, limit: 10 };
      const all = await s.readInferences(window);
      assert.deepEqual(all, [
        { event: a, eligible: true, verdict: undefined },
        { event: b, eligible: true, verdict: undefined },
        { event: c, eligible: false, verdict: undefined },
        { event: d, eligible: true, verdict: now },
      ], 'same ts: by id; the verdict is the current one');
      const ids = async (q: Partial<Parameters<Store['readInferences']>[0]>) => (await s.readInferences({ ...window, ...q })).map((r) => r.event.id);
      assert.deepEqual(await ids({ from: T1030 }), ['r-c', 'r-d']);
      assert.deepEqual(await ids({ to: T1059 }), ['r-a', 'r-b', 'r-c'], 'ts < to');
      assert.deepEqual(await ids({ limit: 2 }), ['r-a', 'r-b']);
      assert.deepEqual(await ids({ after: { ts: T1000, id: 'r-a' } }), ['r-b', 'r-c', 'r-d']);
      assert.deepEqual(await ids({ after: { ts: T1000, id: 'r-b' }, limit: 1 }), ['r-c']);
      assert.deepEqual(await ids({ after: { ts: T1030, id: 'r-c' }, from: T1030 }), ['r-d']);
      assert.deepEqual(await ids({ after: { ts: T1000 - 2 * MIN, id: 'r' } }), ['r-a', 'r-b', 'r-c', 'r-d'], 'a cursor before the window');
      assert.deepEqual(await ids({ from: T1000 - HOUR, to: T1000 }), ['r-z']);
      assert.deepEqual(await ids({ after: { ts: T1059, id: 'r-d' } }), []);
      assert.deepEqual(await ids({ service: OTHER }), ['r-e']);
      assert.deepEqual(await ids({ from: T1000 + HOUR, to: T1000 + 2 * HOUR }), ['r-0']);
    }));

    it('keeps engine state by key; a save overwrites', () => withStore(async (s) => {
      assert.equal(await s.getState(`sampler/${SVC}`), undefined);
      await s.setState(`sampler/${SVC}`, '{"day":1}');
      await s.setState(`evals/${SVC}/smoke`, '{"lastRun":5}');
      assert.equal(await s.getState(`sampler/${SVC}`), '{"day":1}');
      await s.setState(`sampler/${SVC}`, '{"day":2}');
      assert.equal(await s.getState(`sampler/${SVC}`), '{"day":2}');
      assert.equal(await s.getState(`evals/${SVC}/smoke`), '{"lastRun":5}');
      assert.equal(await s.getState(`sampler/${OTHER}`), undefined);
    }));

    outboxContract(make, opts);
    evalContract(make);
    labelContract(make);

    // Registered only for durable adapters: a skipped test is not a passed one.
    if (opts.durable) it('keeps everything across a reopen (durable adapters)', async () => {
      const h = await make();
      assert.ok(h.reopen, 'a durable adapter\'s harness can reopen the store');
      try {
        const e = inference('r-keep');
        const o = outcome('o-keep', 'r-orphan');
        const st = step('r-keep', T1059, 500, verdictQuality(true, 1));
        const key: ApiKeyRecord = { id: 'k1', hash: 'd'.repeat(64), role: 'read', service: SVC, createdAt: 5 };
        const cell = cellOf({ ok: [84.2, 300], quality: verdictQuality(true, 1) });
        await h.store.commitIngest(write({
          inferences: [newInference(e)],
          outcomes: [{ event: o, contentHash: 'ho', joined: false }],
          verdictSteps: [{ service: SVC, requestId: 'r-keep', steps: [st] }],
          rollups: [delta(T1059, cell)],
        }));
        await h.store.createKey(key);
        const s2 = await h.reopen();
        const snap = await s2.lookupForIngest({ inferences: [{ service: SVC, id: 'r-keep' }], requests: [{ service: SVC, id: 'r-orphan' }], outcomeKeys: [] });
        assert.deepEqual(snap.inferences.get(refKey(SVC, 'r-keep'))?.event, e);
        assert.deepEqual(snap.outcomesByRequest.get(refKey(SVC, 'r-orphan'))?.map((x) => x.event), [o]);
        assert.equal(await s2.countOrphans(SVC, Number.MAX_SAFE_INTEGER), 1);
        assert.deepEqual(await s2.readVerdictStepsAfter(SVC, 0, 0, Number.MAX_SAFE_INTEGER), [st]);
        assert.deepEqual(await s2.findKey(key.hash), key);
        const d = await s2.readRollups({ service: SVC, resolution: 'd', from: DAY, to: DAY + 1, cohorts: false });
        assert.deepEqual(d.map((r) => summary(r.cell)), [summary(cell)]);
        // and it keeps merging after the reopen
        await s2.commitIngest(write({ rollups: [delta(T1059, cell)] }));
        const d2 = await s2.readRollups({ service: SVC, resolution: 'd', from: DAY, to: DAY + 1, cohorts: false });
        assert.equal(d2[0]?.cell.total, 4);
      } finally {
        await h.cleanup();
      }
    });

    if (opts.durable) it('keeps golden sets, eval runs, the label queue and engine state across a reopen (durable adapters)', async () => {
      const h = await make();
      assert.ok(h.reopen);
      try {
        const items = [{ id: 'line-1', input: { q: 'é' }, expected: [1], segment: '' }];
        const meta = { service: SVC, name: 'smoke', createdAt: 10, examples: 1, segments: { '': 1 } };
        const setId = await h.store.saveGoldenSet(meta, items);
        const run = { service: SVC, kind: 'golden' as const, name: 'smoke', goldenSetId: setId, trigger: 'cli', startedAt: 500, model: '', total: 1 };
        const r1 = await h.store.createEvalRun(run);
        const res = { runId: r1, index: 0, exampleId: 'line-1', segment: '', requestId: undefined, model: 'v7', verdict: false, score: 2.5,
          prediction: '[2]', baselineVerdict: null, weight: 1, latencyMs: 3, attempts: 1, error: null };
        await h.store.appendEvalResults(r1, [res]);
        await h.store.enqueueLabelItems([{ service: SVC, requestId: 'r-1', day: DAY, createdAt: 5, samplingProb: 1, stratum: '', needed: 1, request: '{}' }]);
        const leased = await h.store.leaseLabelItem([SVC], 'alice', 100, 200);
        await h.store.setState('k', 'v');

        const s2 = await h.reopen();
        assert.deepEqual(await s2.getGoldenSet(SVC, 'smoke'), { ...meta, id: setId, items });
        assert.equal((await s2.getEvalRun(r1))?.done, 1);
        assert.deepEqual(await s2.readEvalResults(r1, { offset: 0, limit: 5 }), [res]);
        const r2 = await s2.createEvalRun(run);
        assert.ok(r2 > r1, 'ids keep growing after a reopen, even at the same start time');
        assert.deepEqual(await s2.leaseLabelItem([SVC], 'alice', 150, 300), { ...leased, leasedUntil: 300 }, 'the live lease survived');
        assert.equal(await s2.getState('k'), 'v');
      } finally {
        await h.cleanup();
      }
    });
  });
}
