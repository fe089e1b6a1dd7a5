import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRetrain, INITIAL_RETRAIN_STATE, type RetrainObservation, type RetrainState } from '../../src/core/retrain.ts';
import type { RetrainPolicy } from '../../src/core/spec.ts';

const H = 3_600_000;
const D = 24 * H;
const policy: RetrainPolicy = { webhook: 'https://ci.example/retrain', cooldownMs: 7 * D, budgetExhaustion: true, objectiveViolations: 3, driftForMs: 6 * H };
const quiet: RetrainObservation = {
  at: 100 * D, budget: { remaining: 0.8, burn1d: 0.5, elapsed: undefined }, violatedObjectives: [], drifting: undefined, cohorts: [], windowMs: 30 * D,
};

test('a rolling window asks for a retrain once the last day burns faster than 1, and not before', () => {
  assert.equal(decideRetrain(policy, INITIAL_RETRAIN_STATE, { ...quiet, budget: { remaining: 0.8, burn1d: 0.99, elapsed: undefined } }).request, undefined);
  const r = decideRetrain(policy, INITIAL_RETRAIN_STATE, { ...quiet, budget: { remaining: 0.8, burn1d: 1.2, elapsed: undefined } });
  assert.deepEqual(r.request?.reasons, [{ kind: 'budget_exhaustion', remaining: 0.8, burn1d: 1.2, projectedConsumed: 1.2 }]);
  assert.deepEqual(r.request?.suggestedDataWindow, { from: 70 * D, to: 100 * D });
  assert.equal(r.state.lastRequestedAt, 100 * D);
});

test('a calendar window projects consumed + burn × the rest of the window', () => {
  // 60% of the month gone, 50% consumed: burn 1.2 → 0.5 + 1.2 × 0.4 = 0.98, fine; burn 1.3 → 1.02, out.
  const at = (burn1d: number) => decideRetrain(policy, INITIAL_RETRAIN_STATE, { ...quiet, budget: { remaining: 0.5, burn1d, elapsed: 0.6 } }).request;
  assert.equal(at(1.2), undefined);
  const r = at(1.3);
  assert.equal(r?.reasons[0]?.kind, 'budget_exhaustion');
  assert.ok(Math.abs((r.reasons[0] as { projectedConsumed: number }).projectedConsumed - 1.02) < 1e-12);
  // Already overspent: asks whatever the burn.
  assert.ok(decideRetrain(policy, INITIAL_RETRAIN_STATE, { ...quiet, budget: { remaining: -0.1, burn1d: null, elapsed: 0.5 } }).request);
});

test('objective violations must last N evaluations in a row; a clean evaluation resets the count', () => {
  let s: RetrainState = INITIAL_RETRAIN_STATE;
  const violated = { ...quiet, violatedObjectives: ['recall[fraud]'] };
  for (let i = 0; i < 2; i++) {
    const r = decideRetrain(policy, s, violated);
    assert.equal(r.request, undefined);
    s = r.state;
  }
  assert.equal(decideRetrain(policy, s, quiet).state.consecutiveViolations, 0);
  const third = decideRetrain(policy, s, violated);
  assert.deepEqual(third.request?.reasons, [{ kind: 'objective_violations', objectives: ['recall[fraud]'], evaluations: 3 }]);
  assert.equal(third.state.consecutiveViolations, 0);
});

test('drift must persist for driftFor; the cooldown holds back repeats; budgetExhaustion can be switched off', () => {
  let s = decideRetrain(policy, INITIAL_RETRAIN_STATE, { ...quiet, drifting: true }).state;
  assert.equal(s.driftSince, 100 * D);
  assert.equal(decideRetrain(policy, s, { ...quiet, at: 100 * D + 5 * H, drifting: true }).request, undefined);
  const r = decideRetrain(policy, s, { ...quiet, at: 100 * D + 6 * H, drifting: true });
  assert.deepEqual(r.request?.reasons, [{ kind: 'drift', since: 100 * D }]);
  s = r.state;
  // Within 7 days of the request: nothing more, though the reasons still hold.
  assert.equal(decideRetrain(policy, s, { ...quiet, at: 106 * D, drifting: true, budget: { remaining: 0, burn1d: 3, elapsed: undefined } }).request, undefined);
  assert.ok(decideRetrain(policy, s, { ...quiet, at: 107 * D + 6 * H, drifting: true }).request);
  assert.equal(decideRetrain({ ...policy, budgetExhaustion: false }, INITIAL_RETRAIN_STATE, { ...quiet, budget: { remaining: 0, burn1d: 5, elapsed: undefined } }).request, undefined);
});
