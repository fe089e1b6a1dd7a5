/**
 * evaluateAlerts: every alert CONDITION of one service at one evaluation time — burn (per dimension and
 * severity), quality objectives (overall and per cohort) and coverage — each with `holds`, severity,
 * route, summary, evidence and (when it holds) a remediation hint. Pure and deterministic: the same
 * input and `now` give the same list, in the same order. The engine advances each id's AlertState with
 * `holds` (alert-state.ts); a condition missing from a later evaluation (a cohort that left) counts as
 * not holding. Drift and eval conditions come from their own evaluators (later issues) and share the
 * AlertCondition model.
 */
import type { WindowCounts } from '../burn-rate.ts';
import type { QualityAcc } from '../rollup.ts';
import type { Dimension } from '../slo-report.ts';
import type { AlertCondition } from './alert.ts';
import { burnConditions } from './burn-alerts.ts';
import { coverageCondition } from './coverage-alert.ts';
import type { AlertInput, CohortRow, VersionRow } from './input.ts';
import { qualityConditions } from './quality-alerts.ts';

export function evaluateAlerts(input: AlertInput, now: number): AlertCondition[] {
  const memo = memoized(input);
  return [...burnConditions(memo, now), ...qualityConditions(memo, now), coverageCondition(memo, now)];
}

/** Each accessor is read at most once per argument within one evaluation. */
function memoized(input: AlertInput): AlertInput {
  const counts = cache<WindowCounts>();
  const verdicts = cache<QualityAcc>();
  const errors = cache<Readonly<Record<string, number>>>();
  const versions = cache<readonly VersionRow[]>();
  const cohorts = cache<readonly CohortRow[]>();
  const { errorTypes, versions: v, cohorts: c } = input;
  return {
    ...input,
    counts: (d: Dimension, w: number) => counts(`${d}/${w}`, () => input.counts(d, w)),
    verdictWindow: (w: number) => verdicts(String(w), () => input.verdictWindow(w)),
    ...(errorTypes === undefined ? {} : { errorTypes: (w: number) => errors(String(w), () => errorTypes(w)) }),
    ...(v === undefined ? {} : { versions: (w: number) => versions(String(w), () => v(w)) }),
    ...(c === undefined ? {} : { cohorts: (w: number) => cohorts(String(w), () => c(w)) }),
  };
}

function cache<T>(): (key: string, make: () => T) => T {
  const m = new Map<string, T>();
  return (key, make) => {
    if (m.has(key)) return m.get(key)!;
    const v = make();
    m.set(key, v);
    return v;
  };
}
