/**
 * The retraining trigger (DESIGN §2.9): from what one evaluation observed, decide whether to ask the
 * service's training pipeline for a retrain. Pure: the evaluator passes the observation and the state
 * kept since the last evaluation, and persists what comes back.
 */
import type { RetrainPolicy } from './spec.ts';

export interface RetrainState {
  /** Evaluations in a row with a quality objective violated (overall or per cohort). */
  readonly consecutiveViolations: number;
  /** Since when dataset drift has been observed without a break. */
  readonly driftSince: number | undefined;
  readonly lastRequestedAt: number | undefined;
}

export const INITIAL_RETRAIN_STATE: RetrainState = { consecutiveViolations: 0, driftSince: undefined, lastRequestedAt: undefined };

export interface RetrainObservation {
  readonly at: number;
  /** Quality error budget over the SLO window: remaining share, and the burn rate over the last day. */
  readonly budget: {
    readonly remaining: number;
    readonly burn1d: number | null;
    /** Calendar windows: the share of the window already elapsed; rolling windows: undefined. */
    readonly elapsed: number | undefined;
  };
  /** Names of the quality objectives violated in this evaluation (e.g. `recall[fraud] region=eu`). */
  readonly violatedObjectives: readonly string[];
  /** Dataset drift now; undefined while the service has no drift detection. */
  readonly drifting: boolean | undefined;
  /** Cohorts flagged worse than the rest or below the objective: where new training data matters most. */
  readonly cohorts: ReadonlyArray<{ readonly attr: string; readonly value: string; readonly qHat: number | null }>;
  /** The SLO window, for the suggested training-data window. */
  readonly windowMs: number;
}

export type RetrainReason =
  | { readonly kind: 'budget_exhaustion'; readonly remaining: number; readonly burn1d: number | null; readonly projectedConsumed: number | null }
  | { readonly kind: 'objective_violations'; readonly objectives: readonly string[]; readonly evaluations: number }
  | { readonly kind: 'drift'; readonly since: number };

export interface RetrainRequest {
  readonly type: 'retrain.requested';
  readonly at: number;
  readonly reasons: readonly RetrainReason[];
  /** Requests in this window (with their late labels) are the suggested fresh training data. */
  readonly suggestedDataWindow: { readonly from: number; readonly to: number };
  readonly cohorts: RetrainObservation['cohorts'];
}

/**
 * Is the quality budget projected to run out before the window ends? Calendar windows: consumed so far
 * plus the last day's burn over the rest of the window reaches the budget. Rolling windows have no
 * end; old requests roll off as new ones come in, so at a steady burn rate b the consumed share tends
 * to b and the budget runs out within one window length exactly when b > 1. An overspent budget counts.
 */
function budgetReason(o: RetrainObservation): RetrainReason | undefined {
  const { remaining, burn1d, elapsed } = o.budget;
  const consumed = 1 - remaining;
  if (remaining <= 0) return { kind: 'budget_exhaustion', remaining, burn1d, projectedConsumed: consumed };
  if (burn1d === null) return undefined;
  const projected = elapsed === undefined ? burn1d : consumed + burn1d * (1 - elapsed);
  return projected > 1 ? { kind: 'budget_exhaustion', remaining, burn1d, projectedConsumed: projected } : undefined;
}

export function decideRetrain(policy: RetrainPolicy, state: RetrainState, o: RetrainObservation): { state: RetrainState; request: RetrainRequest | undefined } {
  const consecutiveViolations = o.violatedObjectives.length > 0 ? state.consecutiveViolations + 1 : 0;
  const driftSince = o.drifting === true ? state.driftSince ?? o.at : undefined;
  const reasons: RetrainReason[] = [];
  if (policy.budgetExhaustion) {
    const r = budgetReason(o);
    if (r !== undefined) reasons.push(r);
  }
  if (policy.objectiveViolations > 0 && consecutiveViolations >= policy.objectiveViolations) {
    reasons.push({ kind: 'objective_violations', objectives: o.violatedObjectives, evaluations: consecutiveViolations });
  }
  if (driftSince !== undefined && o.at - driftSince >= policy.driftForMs) reasons.push({ kind: 'drift', since: driftSince });

  const cooling = state.lastRequestedAt !== undefined && o.at - state.lastRequestedAt < policy.cooldownMs;
  if (reasons.length === 0 || cooling) return { state: { consecutiveViolations, driftSince, lastRequestedAt: state.lastRequestedAt }, request: undefined };
  return {
    state: { consecutiveViolations: 0, driftSince, lastRequestedAt: o.at },
    request: { type: 'retrain.requested', at: o.at, reasons, suggestedDataWindow: { from: o.at - o.windowMs, to: o.at }, cohorts: o.cohorts },
  };
}
