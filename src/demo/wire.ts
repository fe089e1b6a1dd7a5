/** Events as the demo sends them: the DESIGN §3.1 wire format of `POST /v1/events`. */
export type WirePrediction =
  | { readonly label: string; readonly score: number }
  | { readonly items: readonly string[] }
  | { readonly text: string };

export interface WireInference {
  readonly kind: 'inference';
  readonly id: string;
  readonly service: string;
  readonly model: string;
  /** ISO-8601 with `Z`. */
  readonly ts: string;
  readonly latencyMs: number;
  readonly status: 'ok' | 'error';
  readonly errorType?: string;
  readonly input: Readonly<Record<string, number>>;
  readonly cohort: Readonly<Record<string, string>>;
  readonly features: Readonly<Record<string, number | string>>;
  readonly prediction?: WirePrediction;
}

interface OutcomeBase {
  readonly kind: 'outcome';
  readonly id: string;
  readonly requestId: string;
  readonly service: string;
  readonly ts: string;
  readonly source: 'ground_truth' | 'human' | 'judge' | 'feedback';
  readonly samplingProb: number;
  readonly annotator?: string;
}

/** What was learned about a request: a class label, the relevant items of a ranking, judge scores, or user feedback. */
export type WireOutcome = OutcomeBase & (
  | { readonly label: string }
  | { readonly relevant: readonly string[] }
  | { readonly scores: Readonly<Record<string, number>> }
  | { readonly feedback: { readonly clicked: boolean; readonly dwellMs?: number } }
);

export type WireEvent = WireInference | WireOutcome;

/** A generated request and the outcomes that will be learned about it later. */
export interface Request {
  readonly inference: WireInference;
  /** Late labels, possibly due after the present: the caller holds them until their ts. */
  readonly outcomes: readonly { readonly dueMs: number; readonly event: WireOutcome }[];
}

/** A service's traffic generator. */
export interface Traffic {
  /** Requests with `fromMs ≤ ts < toMs`, in time order; successive calls continue the stream. */
  between(fromMs: number, toMs: number): Request[];
}
