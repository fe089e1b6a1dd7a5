import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults, compareWithProduction, summarizeResults } from '../../../src/core/evals/summary.ts';
import type { EvalComparison, EvalResultView, EvalSummary } from '../../../src/core/evals/types.ts';
import type { Comparison, EvalSummary as WireEvalSummary } from '../../../src/server/schemas/evals.ts';
import type { Agree } from '../../../src/server/wire.ts';
import type { EvalResultRecord } from '../../../src/store/port.ts';
import { assertClose } from '../../helpers/reference.ts';

/*
 * Reference numbers: Wilson intervals from scipy 1.17.1 `binomtest(k, n).proportion_ci(method='wilson')`,
 * quantiles from numpy 2.4.6 `numpy.quantile(x, q)`, the mean interval as mean ± norm.ppf(0.975)·s/√n
 * (s with ddof = 1), the Hájek interval as Wilson's formula at the Kish nEff (computed in Python), and
 * McNemar by hand as noted at each test.
 */

// Compile-time: the core types are the JSON of the response schema (src/server/wire.ts).
const summaryAgrees: Agree<EvalSummary, WireEvalSummary> = true;
const comparisonAgrees: Agree<EvalComparison, Comparison> = true;
// The store's record is what the engine passes in.
const fromStore = (r: EvalResultRecord): EvalResultView => r;
void fromStore;

function result(exampleId: string, verdict: boolean | null, extra: Partial<EvalResultView> = {}): EvalResultView {
  return { exampleId, segment: '', model: 'v8', verdict, score: null, baselineVerdict: null, weight: 1, latencyMs: 10, error: null, ...extra };
}

function close(actual: { lower: number; upper: number }, lower: number, upper: number, what: string): void {
  assertClose(actual.lower, lower, 1e-12, 0, `${what} lower`);
  assertClose(actual.upper, upper, 1e-12, 0, `${what} upper`);
}

test('the summary: pass rate, segments, versions, failures and timing', () => {
  assert.ok(summaryAgrees && comparisonAgrees);
  const results = [
    result('e1', true, { segment: 'a', latencyMs: 10 }),
    result('e2', false, { segment: 'a', latencyMs: 20 }),
    result('e3', true, { segment: 'b', latencyMs: 30 }),
    result('e4', true, { model: 'v7', latencyMs: 40 }),
    result('e5', null, { segment: 'b', model: '', latencyMs: 5000, error: 'timeout after 5000 ms (after 3 attempts)' }),
  ];
  const s = summarizeResults(results, 61_000);
  assert.deepEqual([s.passRate.n, s.passRate.good, s.passRate.value], [4, 3, 0.75]);
  close(s.passRate.interval, 0.30064184258240184, 0.9544127391902995, 'wilson 3/4');
  assert.equal(s.failed, 1);
  assert.equal(s.score, null);
  assert.equal(s.weightedPassRate, null);
  assert.deepEqual(s.segments.map((g) => [g.segment, g.passRate.n, g.passRate.good, g.failed, g.score]), [
    ['', 1, 1, 0, null], ['a', 2, 1, 0, null], ['b', 1, 1, 1, null],
  ]);
  close(s.segments[1]!.passRate.interval, 0.09453120573423074, 0.9054687942657693, 'wilson 1/2');
  close(s.segments[0]!.passRate.interval, 0.20654931437723745, 1, 'wilson 1/1');
  assert.deepEqual(s.versions.map((v) => [v.model, v.passRate.n, v.passRate.good]), [['v8', 3, 2], ['v7', 1, 1]]);
  close(s.versions[0]!.passRate.interval, 0.20765960080204782, 0.9385080552796038, 'wilson 2/3');
  assert.equal(s.timing.durationMs, 61_000);
  assert.equal(s.timing.p50Ms, 30);
  assertClose(s.timing.p95Ms, 4007.999999999999, 1e-12, 0, 'p95');
  assert.equal(s.timing.maxMs, 5000);
});

test('no result: n = 0, value 0, interval [0, 1], timing zero', () => {
  const s = summarizeResults([], 0);
  assert.deepEqual(s.passRate, { n: 0, good: 0, value: 0, interval: { lower: 0, upper: 1 } });
  assert.deepEqual(s.timing, { durationMs: 0, p50Ms: 0, p95Ms: 0, maxMs: 0 });
  assert.deepEqual([s.segments, s.versions, s.failed, s.score], [[], [], 0, null]);
});

test('scores: mean with the normal interval, clipped at 0 for non-negative scores', () => {
  const s = summarizeResults([result('a', true, { score: 0.5 }), result('b', false, { score: 0.75 }), result('c', false, { score: 2 }), result('d', null)], 1);
  assert.equal(s.score!.n, 3);
  assertClose(s.score!.mean, 1.0833333333333333, 1e-15, 0, 'mean');
  close(s.score!.interval, 0.17394853120396292, 1.9927181354627037, 'mean interval');
  const one = summarizeResults([result('a', true, { score: 0.4 })], 1);
  assert.deepEqual(one.score, { n: 1, mean: 0.4, interval: { lower: 0.4, upper: 0.4 } });
});

test('replay: the Hájek pass rate over 1/π, Wilson at the Kish effective n', () => {
  // w = 1/π = 2, 4, 1, 10; q̂ = (2 + 1 + 10)/17 = 13/17; nEff = 17²/(4 + 16 + 1 + 100) = 289/121.
  const s = summarizeResults([
    result('r1', true, { weight: 0.5 }), result('r2', false, { weight: 0.25 }), result('r3', true, { weight: 1 }), result('r4', true, { weight: 0.1 }),
    result('r5', null, { weight: 0.01, error: 'refused' }),
  ], 1);
  assertClose(s.weightedPassRate!.value, 13 / 17, 1e-15, 0, 'hajek');
  close(s.weightedPassRate!.interval, 0.23055230550821554, 0.9724148575717362, 'kish wilson');
  assert.equal(s.passRate.value, 0.75);
  assert.throws(() => summarizeResults([result('x', true, { weight: 0 })], 1), RangeError);
});

/** 100 paired examples: 70 good in both, b = 5 good here only, c = 15 good there only, 10 bad in both. */
function pairedRuns(): { current: EvalResultView[]; previous: EvalResultView[] } {
  const current: EvalResultView[] = [];
  const previous: EvalResultView[] = [];
  const add = (n: number, here: boolean, there: boolean, segment: string): void => {
    for (let i = 0; i < n; i++) {
      const id = `${segment}-${here ? 'g' : 'b'}${there ? 'g' : 'b'}-${i}`;
      current.push(result(id, here, { segment }));
      previous.push(result(id, there, { segment, model: 'v7' }));
    }
  };
  add(70, true, true, 'emea');
  add(5, true, false, 'emea');
  add(15, false, true, 'apac');
  add(10, false, false, 'apac');
  // Not paired: only in one run, or not scored in one of them.
  current.push(result('new-1', false), result('failed-here', null, { error: 'timeout' }), result('failed-there', false));
  previous.push(result('gone-1', true), result('failed-here', true), result('failed-there', null, { error: '503' }));
  return { current, previous };
}

test('McNemar b = 5, c = 15 (b + c < 25: exact): p = 2·Σ_{i≤5} C(20, i)/2²⁰ = 2·21700/1048576', () => {
  const { current, previous } = pairedRuns();
  const c = compareResults(current, previous, { against: 'previous_run', runId: 'run-1', model: 'v7', maxDrop: 0.02, alpha: 0.05 });
  // C(20, 0..5) = 1, 20, 190, 1140, 4845, 15504 → 21700.
  assert.deepEqual({ ...c, mcnemar: { ...c.mcnemar, pValue: 0 } }, {
    against: 'previous_run', runId: 'run-1', model: 'v7', paired: 100, passRate: 0.75, otherPassRate: 0.85, delta: 0.75 - 0.85,
    mcnemar: { b: 5, c: 15, statistic: 5, pValue: 0, exact: true }, scores: null, regression: true,
  });
  assertClose(c.mcnemar.pValue, 43_400 / 1_048_576, 1e-14, 0, 'exact p');
  assert.equal(compareResults(current, previous, { against: 'previous_run', runId: 'run-1', model: 'v7', maxDrop: 0.02, alpha: 0.04 }).regression, false);
  assert.equal(compareResults(current, previous, { against: 'previous_run', runId: 'run-1', model: 'v7', maxDrop: 0.11, alpha: 0.05 }).regression, false);
  // A drop of exactly maxDrop counts, though 0.75 − 0.85 is −0.09999999999999998 in binary.
  assert.equal(compareResults(current, previous, { against: 'previous_run', runId: 'run-1', model: 'v7', maxDrop: 0.1, alpha: 0.05 }).regression, true);
});

test('per segment: only that segment\'s examples, and the comparison says which', () => {
  const { current, previous } = pairedRuns();
  const apac = compareResults(current, previous, { against: 'model_version', runId: 'run-0', model: 'v7', maxDrop: 0.02, alpha: 0.05, segment: 'apac' });
  assert.deepEqual([apac.paired, apac.passRate, apac.otherPassRate, apac.mcnemar.b, apac.mcnemar.c, apac.segment], [25, 0, 0.6, 0, 15, 'apac']);
  // b = 0, c = 15: p = 2/2¹⁵.
  assert.equal(apac.mcnemar.pValue, 2 / 32_768);
  assert.equal(apac.regression, true);
  assert.ok(!('segment' in compareResults(current, previous, { against: 'model_version', runId: 'run-0', model: 'v7', maxDrop: 0.02, alpha: 0.05 })));
});

test('McNemar b = 10, c = 30 (b + c ≥ 25): χ² = (|10 − 30| − 1)²/40 = 9.025, p = χ²₁.sf(9.025)', () => {
  const current: EvalResultView[] = [];
  const previous: EvalResultView[] = [];
  for (let i = 0; i < 10; i++) { current.push(result(`b${i}`, true)); previous.push(result(`b${i}`, false)); }
  for (let i = 0; i < 30; i++) { current.push(result(`c${i}`, false)); previous.push(result(`c${i}`, true)); }
  const c = compareResults(current, previous, { against: 'previous_run', runId: 'r', model: '', maxDrop: 0.02, alpha: 0.05 });
  assert.deepEqual([c.mcnemar.b, c.mcnemar.c, c.mcnemar.exact], [10, 30, false]);
  assertClose(c.mcnemar.statistic, 9.025, 1e-15, 0, 'chi2');
  assertClose(c.mcnemar.pValue, 0.002663119259138558, 1e-9, 0, 'chi2 p (scipy chi2.sf)');
  assertClose(c.delta, -0.5, 1e-15, 0, 'delta');
});

test('paired scores go to Wilcoxon (scipy case no_ties: statistic 18, p 0.6352893188352069)', () => {
  const x = [125, 115, 130, 140, 140, 115, 140, 125, 140, 135];
  const y = [110, 122, 125, 120, 140, 124, 123, 137, 135, 145];
  const current = x.map((s, i) => result(`e${i}`, true, { score: s }));
  const previous = y.map((s, i) => result(`e${i}`, true, { score: s }));
  previous.push(result('extra', true, { score: 1 }));
  current.push(result('unscored', true), result('extra', true, { score: null }));
  const c = compareResults(current, previous, { against: 'previous_run', runId: 'r', model: '', maxDrop: 0.02, alpha: 0.05 });
  // d = 15, −7, 5, 20, 0, −9, 17, −12, 5, −10: Σ = 24 over 10 pairs.
  assert.equal(c.scores!.paired, 10);
  assertClose(c.scores!.meanDelta, 2.4, 1e-15, 0, 'mean delta');
  assert.equal(c.scores!.statistic, 18);
  assertClose(c.scores!.pValue, 0.6352893188352069, 1e-12, 0, 'wilcoxon p');
  assert.deepEqual([c.paired, c.delta, c.mcnemar.pValue, c.regression], [11, 0, 1, false]);
});

test('nothing paired: zero rates, p = 1, no regression', () => {
  const c = compareResults([result('a', true)], [result('b', false)], { against: 'previous_run', runId: 'r', model: 'v1', maxDrop: 0.02, alpha: 0.05 });
  assert.deepEqual(c, {
    against: 'previous_run', runId: 'r', model: 'v1', paired: 0, passRate: 0, otherPassRate: 0, delta: 0,
    mcnemar: { b: 0, c: 0, statistic: 0, pValue: 1, exact: true }, scores: null, regression: false,
  });
});

test('replay against production: each verdict paired with the one production had', () => {
  const rs = [
    ...Array.from({ length: 8 }, (_, i) => result(`s${i}`, true, { baselineVerdict: true, weight: 0.2, segment: 'emea' })),
    ...Array.from({ length: 6 }, (_, i) => result(`w${i}`, false, { baselineVerdict: true, weight: 0.5, segment: 'apac' })),
    result('better', true, { baselineVerdict: false, segment: 'apac' }),
    result('failed', null, { baselineVerdict: true, error: 'timeout' }),
    result('unjudged', true, { baselineVerdict: null }),
  ];
  const c = compareWithProduction(rs, { model: 'v7,v8', maxDrop: 0.02, alpha: 0.05 });
  // b = 1, c = 6: p = 2·(1 + 7)/2⁷ = 0.125.
  assert.deepEqual(c, {
    against: 'production', runId: null, model: 'v7,v8', paired: 15, passRate: 9 / 15, otherPassRate: 14 / 15, delta: 9 / 15 - 14 / 15,
    mcnemar: { b: 1, c: 6, statistic: 1, pValue: 0.125, exact: true }, scores: null, regression: false,
  });
  const apac = compareWithProduction(rs, { model: 'v7,v8', maxDrop: 0.02, alpha: 0.05, segment: 'apac' });
  assert.deepEqual([apac.paired, apac.mcnemar.b, apac.mcnemar.c, apac.segment], [7, 1, 6, 'apac']);
});
