/**
 * Golden-set eval alerts (DESIGN §2.7, §2.9): `<service>/eval/<set>/ticket` holds while the set's latest
 * run regressed against any run it was compared with — the previous run, or the newest run of another
 * model version, overall or in one segment (core/evals/summary.ts: a drop of at least `maxDrop` that
 * McNemar's test finds significant at `alpha`). It goes to the model's owner as a ticket. The evidence
 * is the worst regression (largest drop); with none, the whole-set comparison closest to one.
 *
 * Hint: roll back when the regression is against another model version that did better on the same
 * examples (the paired McNemar test is the significance basis, reported as `adjustedP`: one test, so
 * nothing to adjust); otherwise the model did not change and the examples or the serving stack did, and
 * retraining is the remaining advice. A run with no comparison (the set's first) produces no condition.
 */
import type { EvalComparison } from '../evals/types.ts';
import type { GoldenSetSpec, ServiceSpec } from '../spec.ts';
import { wilson } from '../stats/wilson.ts';
import type { EvalCondition } from './alert.ts';
import { alertId } from './alert-id.ts';
import type { EvalEvidence } from './evidence.ts';
import type { Hint, VersionQualitySnapshot } from './hint.ts';

export interface EvalRunRef {
  readonly id: string;
  /** The model version the endpoint reported, `''` when none. */
  readonly model: string;
  readonly finishedAt: number;
}

/** 0.81, 0.925: at most three decimals, no trailing zeros. */
function rate(x: number): string {
  return String(Number(x.toFixed(3)));
}

function pValue(p: number): string {
  return p < 0.001 ? p.toExponential(0) : String(Number(p.toPrecision(2)));
}

/** Most negative delta first; then the smaller p-value; the whole set before a segment. */
function worse(a: EvalComparison, b: EvalComparison): number {
  return a.delta - b.delta || a.mcnemar.pValue - b.mcnemar.pValue || (a.segment === undefined ? 0 : 1) - (b.segment === undefined ? 0 : 1);
}

function against(c: EvalComparison, run: EvalRunRef): string {
  const mine = run.model === '' ? '' : `model ${run.model} `;
  switch (c.against) {
    case 'previous_run':
      return `${mine}vs the previous run${c.model !== '' && c.model !== run.model ? ` (model ${c.model})` : ''}`;
    case 'model_version':
      return `${mine}vs model ${c.model}`;
    case 'production':
      return `${mine}vs production${c.model === '' ? '' : ` (${c.model})`}`;
  }
}

function snapshot(model: string, passRate: number, paired: number): VersionQualitySnapshot {
  const good = Math.round(passRate * paired);
  return { model, qHat: passRate, interval: wilson(good, paired) ?? { lower: 0, upper: 1 }, judged: paired };
}

function hintFor(set: GoldenSetSpec, run: EvalRunRef, c: EvalComparison): Hint | undefined {
  // A candidate behind production: the advice is not to roll it out, which no hint kind says.
  if (c.against === 'production') return undefined;
  if (run.model === '' || c.model === '' || c.model === run.model) return { kind: 'retrain' };
  return {
    kind: 'rollback', from: run.model, to: c.model,
    evidence: {
      // No time window: both versions answered the same examples of the set.
      window: `golden set ${set.name}`, windowMs: 0,
      from: snapshot(run.model, c.passRate, c.paired), to: snapshot(c.model, c.otherPassRate, c.paired),
      basis: 'worse-than-rest', adjustedP: c.mcnemar.pValue,
    },
  };
}

export function evalConditions(
  spec: ServiceSpec,
  set: GoldenSetSpec,
  run: EvalRunRef,
  comparisons: readonly EvalComparison[],
  now: number,
): EvalCondition[] {
  if (comparisons.length === 0) return [];
  const regressions = comparisons.filter((c) => c.regression);
  const holds = regressions.length > 0;
  const overall = comparisons.filter((x) => x.segment === undefined);
  const pool = holds ? regressions : overall.length > 0 ? overall : comparisons;
  const c = [...pool].sort(worse)[0]!;
  const severity = 'ticket';
  const key = { kind: 'eval', service: spec.name, evalName: set.name, segment: undefined, severity } as const;
  const evidence: EvalEvidence = {
    kind: 'eval', runId: run.id,
    comparedWith: c.against === 'previous_run' ? { kind: 'previous_run', runId: c.runId ?? '' } : { kind: 'model_version', model: c.model },
    metric: 'pass_rate', value: c.passRate, baselineValue: c.otherPassRate, pvalue: c.mcnemar.pValue,
    segment: c.segment, model: run.model === '' ? undefined : run.model,
  };
  const where = c.segment === undefined ? '' : ` in segment ${c.segment === '' ? '(none)' : c.segment}`;
  const numbers = `pass rate ${rate(c.passRate)} vs ${rate(c.otherPassRate)} on ${c.paired} paired examples (McNemar p = ${pValue(c.mcnemar.pValue)})`;
  return [{
    kind: 'eval', id: alertId(key), key, service: spec.name, at: now, holds, severity, route: 'owner',
    summary: holds
      ? `${spec.name}: golden set ${set.name} regressed${where}: ${numbers} — ${against(c, run)}`
      : `${spec.name}: golden set ${set.name} did not regress${where}: ${numbers} — ${against(c, run)}`,
    hint: holds ? hintFor(set, run, c) : undefined,
    evidence,
  }];
}
