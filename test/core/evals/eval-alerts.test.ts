// Golden-set eval alerts (core/alerting/eval-alerts.ts) on comparisons made by core/evals/summary.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalConditions } from '../../../src/core/alerting/eval-alerts.ts';
import { hintText } from '../../../src/core/alerting/hint-text.ts';
import { compareResults } from '../../../src/core/evals/summary.ts';
import type { EvalComparison, EvalResultView } from '../../../src/core/evals/types.ts';
import type { ServiceSpec } from '../../../src/core/spec.ts';
import { formatProblem, parseSpec } from '../../../src/spec/load-spec.ts';
import { assertClose } from '../../helpers/reference.ts';

const r = parseSpec(`apiVersion: mlslo/v1
kind: Service
metadata: {name: fraud-scorer, owner: fraud-ml, oncall: sre-payments, tier: 2}
spec:
  task: classification
  evals:
    goldenSets:
      - {name: core, endpoint: {url: "http://127.0.0.1:9000/score", prediction: "$.label"}}
`, 'inline.yaml');
if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
const SPEC: ServiceSpec = r.spec;
const SET = SPEC.evals.goldenSets[0]!;
const NOW = Date.UTC(2025, 0, 10, 3, 30);
const RUN = { id: 'run-9', model: 'v8', finishedAt: NOW - 60_000 };

function v(id: string, verdict: boolean, segment = ''): EvalResultView {
  return { exampleId: id, segment, model: '', verdict, score: null, baselineVerdict: null, weight: 1, latencyMs: 1, error: null };
}

/** 400 paired examples: 310 good in both, b = 14 good here only, c = 62 good there only, 14 bad in both. */
function runs(): { current: EvalResultView[]; previous: EvalResultView[] } {
  const current: EvalResultView[] = [];
  const previous: EvalResultView[] = [];
  const add = (n: number, here: boolean, there: boolean): void => {
    for (let i = 0; i < n; i++) {
      const id = `${String(here)}-${String(there)}-${i}`;
      current.push(v(id, here, i % 2 === 0 ? 'emea' : 'apac'));
      previous.push(v(id, there, i % 2 === 0 ? 'emea' : 'apac'));
    }
  };
  add(310, true, true);
  add(14, true, false);
  add(62, false, true);
  add(14, false, false);
  return { current, previous };
}

test('a regression against the previous run of another model version: ticket to the owner, rollback hint', () => {
  const { current, previous } = runs();
  const c = compareResults(current, previous, { against: 'previous_run', runId: 'run-8', model: 'v7', maxDrop: SET.maxDrop, alpha: SET.alpha });
  // pass rates 324/400 = 0.81 and 372/400 = 0.93; b + c = 76 ≥ 25: χ² = (|14 − 62| − 1)²/76 = 2209/76.
  assert.deepEqual([c.passRate, c.otherPassRate, c.mcnemar.b, c.mcnemar.c, c.mcnemar.exact, c.regression], [0.81, 0.93, 14, 62, false, true]);
  assertClose(c.mcnemar.statistic, 2209 / 76, 1e-15, 0, 'chi2');
  // scipy 1.17.1: scipy.stats.chi2.sf(2209/76, 1) = 6.99615621236965e-08.
  assertClose(c.mcnemar.pValue, 6.99615621236965e-8, 1e-9, 0, 'p');
  const [cond, ...rest] = evalConditions(SPEC, SET, RUN, [c], NOW);
  assert.equal(rest.length, 0);
  assert.equal(cond!.id, 'fraud-scorer/eval/core/ticket');
  assert.deepEqual(cond!.key, { kind: 'eval', service: 'fraud-scorer', evalName: 'core', segment: undefined, severity: 'ticket' });
  assert.deepEqual([cond!.holds, cond!.severity, cond!.route, cond!.at, cond!.kind], [true, 'ticket', 'owner', NOW, 'eval']);
  assert.equal(cond!.summary, 'fraud-scorer: golden set core regressed: pass rate 0.81 vs 0.93 on 400 paired examples (McNemar p = 7e-8) — model v8 vs the previous run (model v7)');
  assert.deepEqual(cond!.evidence, {
    kind: 'eval', runId: 'run-9', comparedWith: { kind: 'previous_run', runId: 'run-8' }, metric: 'pass_rate',
    value: 0.81, baselineValue: 0.93, pvalue: c.mcnemar.pValue, segment: undefined, model: 'v8',
  });
  const hint = cond!.hint;
  assert.equal(hint?.kind, 'rollback');
  if (hint?.kind !== 'rollback') return;
  assert.deepEqual([hint.from, hint.to, hint.evidence.window, hint.evidence.basis, hint.evidence.adjustedP], ['v8', 'v7', 'golden set core', 'worse-than-rest', c.mcnemar.pValue]);
  assert.deepEqual([hint.evidence.from.qHat, hint.evidence.from.judged, hint.evidence.to.qHat], [0.81, 400, 0.93]);
  assert.equal(hintText(hint), 'roll back model v8 → v7: quality 81.0% vs 93.0% over golden set core');
});

test('the worst regression is the evidence; the same model version gets a retrain hint', () => {
  const base = {
    runId: 'run-8', model: 'v8', otherPassRate: 0.9, mcnemar: { b: 1, c: 9, statistic: 1, pValue: 0.021484375, exact: true },
    scores: null, regression: true,
  } as const;
  const comparisons: EvalComparison[] = [
    { ...base, against: 'previous_run', paired: 200, passRate: 0.86, delta: -0.04 },
    { ...base, against: 'previous_run', paired: 100, passRate: 0.8, delta: -0.1, segment: 'apac' },
    { ...base, against: 'previous_run', paired: 100, passRate: 0.92, delta: 0.02, segment: 'emea', regression: false },
  ];
  const [cond] = evalConditions(SPEC, SET, RUN, comparisons, NOW);
  // b = 1, c = 9: exact p = 2·(1 + 10)/2¹⁰ = 0.021484375.
  assert.equal(cond!.summary, 'fraud-scorer: golden set core regressed in segment apac: pass rate 0.8 vs 0.9 on 100 paired examples (McNemar p = 0.021) — model v8 vs the previous run');
  assert.equal(cond!.evidence.segment, 'apac');
  assert.deepEqual(cond!.hint, { kind: 'retrain' });
  // A run that reports no model version: nothing to roll back to.
  const [anon] = evalConditions(SPEC, SET, { ...RUN, model: '' }, [{ ...comparisons[0]!, against: 'model_version', model: 'v7' }], NOW);
  assert.deepEqual(anon!.hint, { kind: 'retrain' });
  assert.equal(anon!.evidence.model, undefined);
  assert.deepEqual(anon!.evidence.comparedWith, { kind: 'model_version', model: 'v7' });
  assert.match(anon!.summary, / — vs model v7$/);
});

test('no regression: the condition does not hold and carries the closest whole-set comparison; no comparison, no condition', () => {
  const { current } = runs();
  const same = compareResults(current, current, { against: 'previous_run', runId: 'run-8', model: 'v8', maxDrop: 0.02, alpha: 0.05 });
  const seg = compareResults(current, current, { against: 'previous_run', runId: 'run-8', model: 'v8', maxDrop: 0.02, alpha: 0.05, segment: 'apac' });
  const [cond] = evalConditions(SPEC, SET, RUN, [seg, same], NOW);
  assert.equal(cond!.holds, false);
  assert.equal(cond!.hint, undefined);
  assert.equal(cond!.summary, 'fraud-scorer: golden set core did not regress: pass rate 0.81 vs 0.81 on 400 paired examples (McNemar p = 1) — model v8 vs the previous run');
  assert.deepEqual(evalConditions(SPEC, SET, RUN, [], NOW), []);
});
