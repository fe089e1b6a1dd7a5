/** Events as the demo sends them: the DESIGN §3.1 wire format of `POST /v1/events`. */
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
  readonly prediction?: { readonly label: string; readonly score: number };
}

export interface WireOutcome {
  readonly kind: 'outcome';
  readonly id: string;
  readonly requestId: string;
  readonly service: string;
  readonly ts: string;
  readonly source: 'ground_truth' | 'human';
  readonly label: string;
  readonly samplingProb: number;
  readonly annotator?: string;
}

export type WireEvent = WireInference | WireOutcome;
