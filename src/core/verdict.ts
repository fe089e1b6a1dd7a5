/**
 * Per-request quality verdicts (DESIGN §2.3): how one outcome judges one prediction, and which of a
 * request's outcomes decides its verdict as of a given time.
 */
import type { Label, OutcomeEvent, OutcomePayload, OutcomeSource, Prediction } from './event.ts';
import { evaluateCondition } from './input-class.ts';
import type { Condition, VerdictRule } from './spec.ts';

/** Labels and item ids match by type and value: 1 matches 1, never "1" (=== does exactly that). */
function sameLabel(a: Label, b: Label): boolean {
  return a === b;
}

/**
 * Whether `payload` judges `prediction` good. Undefined when the payload does not fit the task, there
 * is no prediction to compare with, or (feedback) the spec has no feedback rule.
 */
export function judge(
  rule: VerdictRule,
  prediction: Prediction | undefined,
  payload: OutcomePayload,
  feedbackRule?: Condition,
): boolean | undefined {
  if (payload.kind === 'feedback') {
    return feedbackRule === undefined ? undefined : evaluateCondition(feedbackRule, payload.feedback as Readonly<Record<string, unknown>>);
  }
  switch (rule.task) {
    case 'classification':
      if (payload.kind !== 'label' || prediction?.kind !== 'label') return undefined;
      return sameLabel(prediction.label, payload.label);
    case 'ranking': {
      if (payload.kind !== 'relevant' || prediction?.kind !== 'items') return undefined;
      const top = prediction.items.slice(0, rule.k);
      return top.some((item) => payload.relevant.some((r) => sameLabel(item, r)));
    }
    case 'regression': {
      if (payload.kind !== 'value' || prediction?.kind !== 'value') return undefined;
      const err = Math.abs(prediction.value - payload.value);
      // Evaluated as regression.json defines it: |pred − true| ≤ (pct / 100)·|true|; equality is within.
      return rule.tolerance.kind === 'absolute'
        ? err <= rule.tolerance.value
        : err <= (rule.tolerance.pct / 100) * Math.abs(payload.value);
    }
    case 'generative':
      // The scores judge the generated output itself; there is nothing to compare the prediction with.
      if (payload.kind !== 'scores') return undefined;
      return evaluateCondition(rule.criteria, payload.scores);
  }
}

export interface VerdictOptions {
  /** Sources that count toward quality; others are ignored. */
  readonly sources: readonly OutcomeSource[];
  /** Highest precedence first; a counted source missing here ranks below every listed one. */
  readonly precedence: readonly OutcomeSource[];
  /** Only outcomes learned at or before this instant (epoch ms) count. */
  readonly asOf?: number;
}

export interface Verdict {
  readonly good: boolean;
  /** Hájek weight 1/samplingProb of the deciding outcome. */
  readonly weight: number;
  readonly source: OutcomeSource;
  /** When the deciding outcome was learned. */
  readonly ts: number;
  /** The deciding outcome itself: its payload feeds the metric contributions (quality-metrics/). */
  readonly outcome: OutcomeEvent;
}

/**
 * The request's verdict: among the outcomes that count (source in `sources`, ts ≤ asOf, and `decide`
 * gives a verdict), the highest-precedence source present decides; within it the latest ts wins, and
 * on a tie the one later in the input.
 */
export function resolveVerdict(
  outcomes: readonly OutcomeEvent[],
  opts: VerdictOptions,
  decide: (o: OutcomeEvent) => boolean | undefined,
): Verdict | undefined {
  const rank = (s: OutcomeSource): number => {
    const i = opts.precedence.indexOf(s);
    return i < 0 ? opts.precedence.length : i;
  };
  let best: { o: OutcomeEvent; good: boolean; rank: number } | undefined;
  for (const o of outcomes) {
    if (!opts.sources.includes(o.source)) continue;
    if (opts.asOf !== undefined && o.ts > opts.asOf) continue;
    const good = decide(o);
    if (good === undefined) continue;
    const r = rank(o.source);
    if (best === undefined || r < best.rank || (r === best.rank && o.ts >= best.o.ts)) best = { o, good, rank: r };
  }
  if (best === undefined) return undefined;
  return { good: best.good, weight: 1 / best.o.samplingProb, source: best.o.source, ts: best.o.ts, outcome: best.o };
}

export interface VerdictPoint {
  /** From this instant on (until the next point) the verdict is `verdict`. */
  readonly ts: number;
  readonly verdict: Verdict | undefined;
}

/**
 * The verdict as a step function of the as-of time: one point per outcome time at which the verdict
 * (good, weight, source or deciding outcome) changes, ascending. Before the first point there is no verdict. Outcomes
 * after `opts.asOf`, when given, are left out.
 */
export function verdictTimeline(
  outcomes: readonly OutcomeEvent[],
  opts: VerdictOptions,
  decide: (o: OutcomeEvent) => boolean | undefined,
): VerdictPoint[] {
  const times = [...new Set(outcomes.map((o) => o.ts))]
    .filter((t) => opts.asOf === undefined || t <= opts.asOf)
    .sort((a, b) => a - b);
  const points: VerdictPoint[] = [];
  let prev: Verdict | undefined;
  for (const t of times) {
    const v = resolveVerdict(outcomes, { sources: opts.sources, precedence: opts.precedence, asOf: t }, decide);
    const changed = v === undefined
      ? prev !== undefined
      : prev === undefined || v.good !== prev.good || v.weight !== prev.weight || v.source !== prev.source || v.outcome.key !== prev.outcome.key;
    if (changed) points.push({ ts: t, verdict: v });
    prev = v;
  }
  return points;
}
