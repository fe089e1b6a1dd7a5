/**
 * The lifecycle of one alert (issue 4; Prometheus `rules/alerting.go` semantics):
 *
 *   inactive ──holds──▶ pending ──held for `forMs`──▶ firing ──stops holding──▶ resolved
 *       ▲                  │                                                     │
 *       └──stops holding───┘                      holds again: pending (or firing at once when forMs = 0)
 *
 * - A condition that holds starts `pending` at that evaluation (`since`); it fires at the first evaluation
 *   with `now − since ≥ forMs`. `forMs = 0` fires at the evaluation where it first holds.
 * - A pending alert whose condition stops holding goes back to inactive without any notice: it never fired.
 * - A firing alert whose condition stops holding is `resolved` (the notifier sends the resolved notice);
 *   it stays resolved, remembering its last episode, until the condition holds again.
 * Evaluation times must not decrease; the core has no clock, so `now` is always an argument.
 */

export type AlertState =
  | { readonly kind: 'inactive' }
  | { readonly kind: 'pending'; readonly since: number }
  | { readonly kind: 'firing'; readonly since: number; readonly firingSince: number }
  | { readonly kind: 'resolved'; readonly since: number; readonly firingSince: number; readonly resolvedAt: number };

export type AlertTransition = 'fired' | 'resolved';

export interface AlertStep {
  readonly state: AlertState;
  /** Set exactly when a notice is due: `fired` on entering firing, `resolved` on leaving it. */
  readonly transition: AlertTransition | undefined;
}

export const INACTIVE: AlertState = { kind: 'inactive' };

/** Pending or firing: the condition currently holds. */
export function isActive(state: AlertState): boolean {
  return state.kind === 'pending' || state.kind === 'firing';
}

export function advance(state: AlertState, holds: boolean, now: number, forMs: number): AlertStep {
  if (!(forMs >= 0 && Number.isFinite(forMs))) throw new RangeError(`advance: forMs ${forMs} is not a finite duration ≥ 0`);
  switch (state.kind) {
    case 'inactive':
    case 'resolved':
      return holds ? activate(now, now, forMs) : { state, transition: undefined };
    case 'pending':
      if (!holds) return { state: INACTIVE, transition: undefined };
      if (now - state.since >= forMs) return activate(state.since, now, forMs);
      return { state, transition: undefined };
    case 'firing':
      if (holds) return { state, transition: undefined };
      return {
        state: { kind: 'resolved', since: state.since, firingSince: state.firingSince, resolvedAt: now },
        transition: 'resolved',
      };
  }
}

/** The condition has held since `since`: firing when that is at least `forMs` ago, else pending. */
function activate(since: number, now: number, forMs: number): AlertStep {
  if (now - since >= forMs) return { state: { kind: 'firing', since, firingSince: now }, transition: 'fired' };
  return { state: { kind: 'pending', since }, transition: undefined };
}
