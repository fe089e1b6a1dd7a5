/**
 * The public types of `mlslo/client`: events as they go on the wire (DESIGN §3.1), options, callbacks
 * and counters. Self-contained on purpose: the client is published without the server's code.
 */

export type Label = string | number;

export type Prediction =
  | { label: Label; score?: number; probabilities?: Record<string, number> }
  | { items: Label[] }
  | { value: number }
  | { text?: string };

/** `ts` may be an ISO-8601 string with an offset or a Date; when omitted, the time of `record()` is used. */
export interface InferenceEvent {
  kind: 'inference';
  /** Unique per request: it makes retries idempotent and lets outcomes join later. */
  id: string;
  service: string;
  model?: string;
  ts?: string | Date;
  latencyMs?: number;
  status: 'ok' | 'error';
  errorType?: string;
  input?: Record<string, number | string>;
  cohort?: Record<string, number | string | boolean>;
  features?: Record<string, number | string | boolean | null>;
  prediction?: Prediction;
}

export interface OutcomeEvent {
  kind: 'outcome';
  /** Optional: without one the server keys an outcome by (requestId, source, annotator, ts). */
  id?: string;
  requestId: string;
  service: string;
  ts?: string | Date;
  source: 'human' | 'ground_truth' | 'judge' | 'feedback';
  samplingProb?: number;
  annotator?: string;
  label?: Label;
  relevant?: Label[];
  value?: number;
  scores?: Record<string, number>;
  feedback?: { clicked?: boolean; dwellMs?: number; followUp?: boolean };
}

export type MlsloEvent = InferenceEvent | OutcomeEvent;

/** An event the server (or the client, for `unserializable`) refused; resending it cannot help. */
export interface RejectedEvent {
  /** The event as it was sent (parsed back from the wire form; `undefined` if it could not be serialized). */
  readonly event: unknown;
  /** The server's item code (`invalid_type`, `conflict`, `too_old`, …) or `unserializable`. */
  readonly code: string;
  readonly message: string;
  /** JSON pointer into the event, e.g. `/latencyMs`. */
  readonly path: string;
}

export type ClientErrorCode =
  /** The server answered a 4xx that retrying cannot fix (400, 401, 403, 404, 415, a 3xx redirect, …): the batch was dropped. */
  | 'batch_refused'
  /** One event alone is over the server's body limit (413): it was dropped. */
  | 'event_too_large'
  /** `close()` ran out of time: these events were never acknowledged. */
  | 'undelivered'
  /** A user callback (`onRejected`) threw. */
  | 'callback_failed';

/** Reported through `onError` whenever events are given up. Transient trouble is only counted (`stats().retries`). */
export class MlsloClientError extends Error {
  override readonly name = 'MlsloClientError';
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    /** How many events were lost with this error. */
    readonly lostEvents: number,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The subset of `fetch` the client uses, so any compatible implementation (or a test double) can be passed. */
export type FetchLike = (url: string, init: {
  method: 'POST';
  headers: Record<string, string>;
  body: Uint8Array;
  signal: AbortSignal;
  redirect: 'manual';
}) => Promise<{ readonly status: number; readonly headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface BackoffOptions {
  /** Ceiling of the first retry's random delay. Default 200. */
  initialMs?: number;
  /** Largest ceiling: it doubles per consecutive failure up to this. Default 30,000. */
  maxMs?: number;
}

export interface MlsloClientOptions {
  /** Base URL of the mlslo server, e.g. `http://mlslo:7070` (a path prefix is kept). */
  url: string;
  /** An API key with the `ingest` role. */
  key: string;
  /** Events per request, 1…10,000. Default 500. */
  maxBatchSize?: number;
  /** A batch that is not full is sent this long after its first event was recorded. Default 1,000. */
  flushIntervalMs?: number;
  /** Events held at most (waiting and in flight); beyond it the oldest are dropped. Default 10,000. */
  maxQueue?: number;
  /** Compress request bodies (`Content-Encoding: gzip`). Default true. */
  gzip?: boolean;
  /** Per-request timeout, response included. Default 10,000. */
  timeoutMs?: number;
  backoff?: BackoffOptions;
  /** Items the server rejected (the caller's mistakes): not retried. */
  onRejected?: (items: RejectedEvent[]) => void;
  /** Events given up. Without it, the client emits a process warning instead. */
  onError?: (error: MlsloClientError) => void;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
}

export interface ClientStats {
  /** Events held and not on the wire right now. */
  readonly queued: number;
  /** Events in the request on the wire right now. */
  readonly inFlight: number;
  /** Requests the server acknowledged with a 2xx. */
  readonly sentBatches: number;
  readonly accepted: number;
  readonly duplicates: number;
  /** Events refused item by item (server `rejected`, or not serializable). */
  readonly rejected: number;
  /** Events pushed out of a full queue (oldest first), or recorded after `close()`. */
  readonly dropped: number;
  /** Attempts repeated after a network error, timeout, 408, 429 or 5xx. */
  readonly retries: number;
  /** Events given up: a batch refused with a 4xx, an event alone over the limit, or undelivered at `close()`. */
  readonly failed: number;
  /** The last transient problem, e.g. `503 Service Unavailable` or `ECONNREFUSED`, for diagnosis. */
  readonly lastError: string | undefined;
}

export interface CloseResult {
  /** Events that were not acknowledged by the deadline (also counted in `failed` and reported via `onError`). */
  readonly undelivered: number;
  readonly stats: ClientStats;
}
