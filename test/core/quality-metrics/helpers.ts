/** Shared builders for the quality-metrics tests. */
import type { Label, OutcomePayload, Prediction } from '../../../src/core/event.ts';
import { addSums, type MetricSums } from '../../../src/core/rollup.ts';
import type { VerdictRule } from '../../../src/core/spec.ts';
import { verdictSums } from '../../../src/core/quality-metrics/contributions.ts';

export interface Judged {
  readonly prediction: Prediction;
  readonly payload: OutcomePayload;
  readonly weight: number;
}

/** Sums of the contributions of `requests`, merged with addSums as a rollup would. */
export function sumAll(rule: VerdictRule, requests: readonly Judged[]): MetricSums {
  const sums: MetricSums = {};
  for (const r of requests) addSums(sums, verdictSums(rule, r.prediction, r.payload, r.weight));
  return sums;
}

export function labelled(truth: Label, pred: Label, weight = 1, score?: number): Judged {
  return {
    prediction: score === undefined ? { kind: 'label', label: pred } : { kind: 'label', label: pred, score },
    payload: { kind: 'label', label: truth },
    weight,
  };
}
