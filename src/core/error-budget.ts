/**
 * Error budget over a set S of eligible requests (DESIGN §2.2): budget = (1 − objective)·|S|,
 * consumed = bad(S), remaining = 1 − consumed/budget (negative once overspent; reported as is).
 *
 * Finite by construction: objectives are in [0, 1) (the spec refuses 1), so the budget is positive
 * whenever |S| > 0; with |S| = 0 nothing was served, nothing was spent, and remaining is 1.
 */

export interface ErrorBudget {
  /** Bad events the objective allows over the set. */
  readonly budget: number;
  readonly consumed: number;
  /** Share of the budget left: 1 untouched, 0 exhausted, < 0 overspent. */
  readonly remaining: number;
}

export function errorBudget(objective: number, total: number, bad: number): ErrorBudget {
  if (!(objective >= 0 && objective < 1)) throw new RangeError(`errorBudget: objective ${objective} outside [0, 1)`);
  if (!(total >= 0 && bad >= 0)) throw new RangeError('errorBudget: counts must be ≥ 0');
  const budget = (1 - objective) * total;
  return { budget, consumed: bad, remaining: total === 0 ? 1 : 1 - bad / budget };
}
