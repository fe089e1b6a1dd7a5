import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutcomeEvent, OutcomePayload, OutcomeSource, Prediction } from '../../src/core/event.ts';
import type { Comparison, Condition, VerdictRule } from '../../src/core/spec.ts';
import { judge, resolveVerdict, verdictTimeline, type Verdict } from '../../src/core/verdict.ts';

/** The verdict without its deciding outcome, for comparison with hand-written expectations. */
const brief = (v: Verdict | undefined) => v && { good: v.good, weight: v.weight, source: v.source, ts: v.ts };
import { loadReference } from '../helpers/reference.ts';

const cond = (...all: Comparison[]): Condition => ({ source: 'test', all });
const label = (l: string | number): Prediction => ({ kind: 'label', label: l });
const truth = (l: string | number): OutcomePayload => ({ kind: 'label', label: l });

test('classification: label equality by type and value', () => {
  const rule: VerdictRule = { task: 'classification' };
  assert.equal(judge(rule, label('fraud'), truth('fraud')), true);
  assert.equal(judge(rule, label('fraud'), truth('legit')), false);
  assert.equal(judge(rule, label(1), truth(1)), true);
  assert.equal(judge(rule, label(1), truth('1')), false);
  assert.equal(judge(rule, undefined, truth('fraud')), undefined);
  assert.equal(judge(rule, label('x'), { kind: 'value', value: 1 }), undefined);
  assert.equal(judge(rule, { kind: 'value', value: 1 }, truth('x')), undefined);
});

test('classification.json: share of judge() = true equals accuracy', () => {
  const ref = loadReference<{ y_true: string[]; y_pred: string[] }, { accuracy: number }>('classification');
  for (const c of ref.cases) {
    const good = c.input.y_true.filter((t, i) => judge({ task: 'classification' }, label(c.input.y_pred[i]!), truth(t)) === true).length;
    assert.equal(good / c.input.y_true.length, c.expected.accuracy, c.name);
  }
});

test('ranking: hit@k on the top k items, ids by type and value', () => {
  const rule: VerdictRule = { task: 'ranking', k: 3 };
  const pred: Prediction = { kind: 'items', items: ['a', 'b', 'c', 'd', 7] };
  assert.equal(judge(rule, pred, { kind: 'relevant', relevant: ['c'] }), true);
  assert.equal(judge(rule, pred, { kind: 'relevant', relevant: ['d'] }), false);
  assert.equal(judge({ task: 'ranking', k: 5 }, pred, { kind: 'relevant', relevant: ['7'] }), false);
  assert.equal(judge({ task: 'ranking', k: 5 }, pred, { kind: 'relevant', relevant: [7] }), true);
  assert.equal(judge(rule, pred, { kind: 'relevant', relevant: [] }), false);
  assert.equal(judge(rule, { kind: 'items', items: [] }, { kind: 'relevant', relevant: ['a'] }), false);
  assert.equal(judge(rule, label('a'), { kind: 'relevant', relevant: ['a'] }), undefined);
});

test('regression.json: within_abs and within_rel per item, exactly', () => {
  const ref = loadReference<
    { y_true: number[]; y_pred: number[]; tolerance: number; tolerance_pct: number },
    { within_abs: boolean[]; within_rel: boolean[] }
  >('regression');
  for (const c of ref.cases) {
    const abs: VerdictRule = { task: 'regression', tolerance: { kind: 'absolute', value: c.input.tolerance } };
    const rel: VerdictRule = { task: 'regression', tolerance: { kind: 'relative', pct: c.input.tolerance_pct } };
    c.input.y_true.forEach((t, i) => {
      const pred: Prediction = { kind: 'value', value: c.input.y_pred[i]! };
      const out: OutcomePayload = { kind: 'value', value: t };
      assert.equal(judge(abs, pred, out), c.expected.within_abs[i], `${c.name}[${i}] abs`);
      assert.equal(judge(rel, pred, out), c.expected.within_rel[i], `${c.name}[${i}] rel`);
    });
  }
});

test('generative: every criterion on outcome.scores', () => {
  const rule: VerdictRule = {
    task: 'generative',
    criteria: cond({ path: ['factuality'], op: '>=', value: 0.8 }, { path: ['policy'], op: '==', value: 1 }),
  };
  assert.equal(judge(rule, { kind: 'text' }, { kind: 'scores', scores: { factuality: 0.8, policy: 1 } }), true);
  assert.equal(judge(rule, undefined, { kind: 'scores', scores: { factuality: 0.95, policy: 0 } }), false);
  assert.equal(judge(rule, undefined, { kind: 'scores', scores: { factuality: 0.95 } }), false);
  assert.equal(judge(rule, undefined, truth('x')), undefined);
});

test('feedback: the spec rule over outcome.feedback, undefined without a rule', () => {
  const rule: VerdictRule = { task: 'classification' };
  const fb = cond({ path: ['dwellMs'], op: '>=', value: 10_000 }, { path: ['followUp'], op: '==', value: false });
  assert.equal(judge(rule, label('a'), { kind: 'feedback', feedback: { dwellMs: 12_000, followUp: false } }, fb), true);
  assert.equal(judge(rule, label('a'), { kind: 'feedback', feedback: { dwellMs: 12_000, followUp: true } }, fb), false);
  assert.equal(judge(rule, label('a'), { kind: 'feedback', feedback: { clicked: true } }, fb), false);
  assert.equal(judge(rule, label('a'), { kind: 'feedback', feedback: { clicked: true } }), undefined);
});

// ---- resolving several outcomes ---------------------------------------------------------------------

let seq = 0;
function outcome(source: OutcomeSource, ts: number, good: boolean, samplingProb = 1): OutcomeEvent {
  return {
    kind: 'outcome', key: `k${seq++}`, requestId: 'r1', service: 's', ts, source, samplingProb,
    payload: { kind: 'label', label: good ? 'yes' : 'no' },
  };
}
const decide = (o: OutcomeEvent): boolean | undefined => (o.payload.kind === 'label' ? o.payload.label === 'yes' : undefined);
const ALL: readonly OutcomeSource[] = ['human', 'ground_truth', 'judge', 'feedback'];
const opts = { sources: ALL, precedence: ALL };

test('highest-precedence source present decides, whatever the order or time', () => {
  const os = [outcome('judge', 300, true), outcome('human', 100, false, 0.25), outcome('ground_truth', 200, true)];
  assert.deepEqual(brief(resolveVerdict(os, opts, decide)), { good: false, weight: 4, source: 'human', ts: 100 });
  assert.deepEqual(brief(resolveVerdict(os, { sources: ['ground_truth', 'judge'], precedence: ALL }, decide)), { good: true, weight: 1, source: 'ground_truth', ts: 200 });
  // Precedence is the option's, not a fixed order.
  assert.equal(resolveVerdict(os, { sources: ALL, precedence: ['judge', 'human'] }, decide)?.source, 'judge');
});

test('within a source the latest wins; a tie goes to the later one in the input', () => {
  const os = [outcome('human', 200, true), outcome('human', 100, false), outcome('human', 200, false, 0.5)];
  assert.deepEqual(brief(resolveVerdict(os, opts, decide)), { good: false, weight: 2, source: 'human', ts: 200 });
  assert.equal(resolveVerdict([os[0]!, os[1]!], opts, decide)?.good, true);
});

test('as of: outcomes learned later are not known yet', () => {
  const os = [outcome('judge', 100, true), outcome('human', 500, false)];
  assert.equal(resolveVerdict(os, { ...opts, asOf: 499 }, decide)?.source, 'judge');
  assert.equal(resolveVerdict(os, { ...opts, asOf: 500 }, decide)?.source, 'human');
  assert.equal(resolveVerdict(os, { ...opts, asOf: 99 }, decide), undefined);
});

test('outcomes decide() cannot judge are ignored; nothing left → undefined', () => {
  const odd: OutcomeEvent = { ...outcome('human', 900, true), payload: { kind: 'value', value: 3 } };
  const os = [outcome('judge', 100, true), odd];
  assert.equal(resolveVerdict(os, opts, decide)?.source, 'judge');
  assert.equal(resolveVerdict([odd], opts, decide), undefined);
  assert.equal(resolveVerdict([], opts, decide), undefined);
});

test('verdictTimeline: one point per change of (good, weight, source, deciding outcome), ascending', () => {
  const os = [
    outcome('human', 400, false),
    outcome('judge', 100, true),
    outcome('judge', 200, true), // same verdict, but a new deciding outcome (its payload may differ): a point
    outcome('feedback', 150, false), // lower precedence than judge: no change
    outcome('judge', 300, true, 0.5), // weight changes
    outcome('judge', 600, false), // below human: no change
  ];
  assert.deepEqual(verdictTimeline(os, opts, decide).map((p) => ({ ts: p.ts, verdict: brief(p.verdict) })), [
    { ts: 100, verdict: { good: true, weight: 1, source: 'judge', ts: 100 } },
    { ts: 200, verdict: { good: true, weight: 1, source: 'judge', ts: 200 } },
    { ts: 300, verdict: { good: true, weight: 2, source: 'judge', ts: 300 } },
    { ts: 400, verdict: { good: false, weight: 1, source: 'human', ts: 400 } },
  ]);
  assert.deepEqual(verdictTimeline(os, { ...opts, asOf: 350 }, decide).map((p) => p.ts), [100, 200, 300]);
  assert.deepEqual(verdictTimeline([], opts, decide), []);
});

test('verdictTimeline agrees with resolveVerdict as of every instant', () => {
  const os = [outcome('judge', 10, false), outcome('ground_truth', 20, true), outcome('judge', 30, true), outcome('human', 40, false), outcome('human', 50, true)];
  const tl = verdictTimeline(os, opts, decide);
  for (let t = 0; t <= 60; t += 5) {
    const at = tl.filter((p) => p.ts <= t).at(-1)?.verdict;
    const direct = resolveVerdict(os, { ...opts, asOf: t }, decide);
    assert.deepEqual(at && { good: at.good, weight: at.weight, source: at.source }, direct && { good: direct.good, weight: direct.weight, source: direct.source }, `t=${t}`);
  }
});
