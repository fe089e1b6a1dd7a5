/**
 * Scoring one eval example with the service's verdict rule (DESIGN §2.3, §2.7): the endpoint's response
 * becomes a `Prediction`, the example's `expected` an outcome payload, and core/verdict.ts `judge`
 * decides — the same rule production requests are judged by.
 */
import type { Label, OutcomePayload, Prediction } from '../event.ts';
import type { Task, VerdictRule } from '../spec.ts';
import { judge } from '../verdict.ts';

function isLabel(v: unknown): v is Label {
  return (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isSafeInteger(v));
}

/**
 * The prediction a response holds for `task`, or undefined when the value does not fit: a label (string
 * or integer), a list of item ids, a finite number, or text. `score` (classification) is kept when it is
 * a probability in [0, 1], ignored otherwise.
 */
export function predictionFromResponse(task: Task, raw: unknown, score: unknown): Prediction | undefined {
  switch (task) {
    case 'classification': {
      if (!isLabel(raw)) return undefined;
      return typeof score === 'number' && score >= 0 && score <= 1 ? { kind: 'label', label: raw, score } : { kind: 'label', label: raw };
    }
    case 'ranking':
      return Array.isArray(raw) && raw.every(isLabel) ? { kind: 'items', items: raw } : undefined;
    case 'regression':
      return typeof raw === 'number' && Number.isFinite(raw) ? { kind: 'value', value: raw } : undefined;
    case 'generative':
      return typeof raw === 'string' ? { kind: 'text', text: raw } : undefined;
  }
}

/** A golden example's `expected` as the outcome payload the rule reads (shapes as core/evals/golden.ts accepts). */
function expectedPayload(rule: VerdictRule, expected: unknown, judgeScores: Readonly<Record<string, number>> | undefined): OutcomePayload | undefined {
  switch (rule.task) {
    case 'classification':
      return isLabel(expected) ? { kind: 'label', label: expected } : undefined;
    case 'ranking': {
      const list = expected !== null && typeof expected === 'object' && !Array.isArray(expected) ? (expected as { relevant?: unknown }).relevant : expected;
      return Array.isArray(list) && list.every(isLabel) ? { kind: 'relevant', relevant: list } : undefined;
    }
    case 'regression':
      return typeof expected === 'number' && Number.isFinite(expected) ? { kind: 'value', value: expected } : undefined;
    case 'generative':
      return judgeScores === undefined ? undefined : { kind: 'scores', scores: judgeScores };
  }
}

/**
 * The example's verdict (null when there is no prediction, or nothing to judge it against) and its
 * per-example score: |prediction − expected| for regression, the mean of the judge's scores for
 * generative, null otherwise.
 */
export function scoreExample(
  rule: VerdictRule,
  expected: unknown,
  prediction: Prediction | undefined,
  judgeScores?: Readonly<Record<string, number>>,
): { verdict: boolean | null; score: number | null } {
  if (prediction === undefined) return { verdict: null, score: null };
  const payload = expectedPayload(rule, expected, judgeScores);
  if (payload === undefined) return { verdict: null, score: null };
  const verdict = judge(rule, prediction, payload) ?? null;
  let score: number | null = null;
  if (payload.kind === 'value' && prediction.kind === 'value') score = Math.abs(prediction.value - payload.value);
  else if (payload.kind === 'scores') {
    const values = Object.values(payload.scores).filter((v) => Number.isFinite(v));
    score = values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
  }
  return { verdict, score };
}
