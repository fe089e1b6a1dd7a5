/**
 * Events after decoding and validation (DESIGN §3.1). The wire format has no `kind` on predictions and
 * outcome payloads; the internal model adds one so code switches on a literal instead of probing fields.
 * Times are epoch milliseconds.
 */

/** Labels and item ids are strings or integers, compared by value and type (`1` ≠ `"1"`). */
export type Label = string | number;

export type Prediction =
  | { readonly kind: 'label'; readonly label: Label; readonly score?: number; readonly probabilities?: Readonly<Record<string, number>> }
  | { readonly kind: 'items'; readonly items: readonly Label[] }
  | { readonly kind: 'value'; readonly value: number }
  | { readonly kind: 'text'; readonly text?: string };

export type InferenceEvent = {
  readonly kind: 'inference';
  readonly id: string;
  readonly service: string;
  /** Model version; `""` when the event names none. */
  readonly model: string;
  readonly ts: number;
  readonly input: Readonly<Record<string, number | string>>;
  readonly cohort: Readonly<Record<string, string>>;
  readonly features: Readonly<Record<string, number | string | boolean | null>>;
} & (
  | { readonly status: 'ok'; readonly latencyMs: number; readonly prediction?: Prediction }
  | { readonly status: 'error'; readonly errorType: string; readonly latencyMs?: number }
);

export const OUTCOME_SOURCES = ['human', 'ground_truth', 'judge', 'feedback'] as const;
export type OutcomeSource = (typeof OUTCOME_SOURCES)[number];

export interface Feedback {
  readonly clicked?: boolean;
  readonly dwellMs?: number;
  readonly followUp?: boolean;
}

export type OutcomePayload =
  | { readonly kind: 'label'; readonly label: Label }
  | { readonly kind: 'relevant'; readonly relevant: readonly Label[] }
  | { readonly kind: 'value'; readonly value: number }
  | { readonly kind: 'scores'; readonly scores: Readonly<Record<string, number>> }
  | { readonly kind: 'feedback'; readonly feedback: Feedback };

export interface OutcomeEvent {
  readonly kind: 'outcome';
  /** Idempotency key: the event's `id` when given, else derived from requestId, source, annotator and ts. */
  readonly key: string;
  readonly requestId: string;
  readonly service: string;
  /** When the label was learned; the as-of axis of §2.4. */
  readonly ts: number;
  readonly source: OutcomeSource;
  /** Inclusion probability in (0, 1]; the Hájek weight is its inverse. */
  readonly samplingProb: number;
  readonly annotator?: string;
  readonly payload: OutcomePayload;
}

export type MlEvent = InferenceEvent | OutcomeEvent;

/**
 * The value of a cohort attribute, or undefined: own members only, so a name such as `constructor` never reads
 * Object.prototype (the spec refuses such names too; this is the second line).
 */
export function cohortValue(cohort: Readonly<Record<string, string>>, attr: string): string | undefined {
  return Object.hasOwn(cohort, attr) ? cohort[attr] : undefined;
}
