/**
 * The storage port (DESIGN §4, CONVENTIONS §5): the only way the rest of mlslo touches data. Adapters
 * (sqlite/, memory/; clickhouse/ later) implement it and pass one contract suite (test/store/contract.ts).
 *
 * Ingest runs as lookup → pure decision (src/ingest) → commit; one writer at a time (src/ingest/writer.ts)
 * so nothing changes between the two calls. `commitIngest` is atomic and durable when it resolves.
 */
import type { FeatureHistogram } from '../core/drift/histogram.ts';
import type { InferenceEvent, OutcomeEvent, OutcomeSource } from '../core/event.ts';
import type { MetricSums, QualityAcc, RollupCell } from '../core/rollup.ts';
import type { Resolution } from '../core/window-plan.ts';

export { RESOLUTION_MS, type Resolution } from '../core/window-plan.ts';

/** `attr === ''` (and `value === ''`) is the whole service; otherwise one cohort attribute's value. */
export interface CohortRef {
  readonly attr: string;
  readonly value: string;
}

/** A rollup delta keyed by its minute bucket; the store folds it into every resolution. */
export interface RollupDelta extends CohortRef {
  readonly service: string;
  /** Start of the minute bucket, epoch ms, a multiple of 60 000. */
  readonly minute: number;
  readonly model: string;
  readonly cell: RollupCell;
}

/**
 * Verdicts by the time they arrived (the outcome's `ts`), per service × model × minute: the verdict-time
 * axis quality burn-rate alerts read, so label delay does not blind short windows (DESIGN §2.4).
 * Folded into minute, hour and day buckets like rollups; quality counts only.
 */
export interface VerdictTimeDelta {
  readonly service: string;
  readonly minute: number;
  readonly model: string;
  readonly quality: QualityAcc;
}

export interface VerdictTimeRow {
  readonly bucket: number;
  readonly model: string;
  readonly quality: QualityAcc;
}

export interface RollupRow extends CohortRef {
  readonly bucket: number;
  readonly model: string;
  readonly cell: RollupCell;
}

export interface RollupQuery {
  readonly service: string;
  readonly resolution: Resolution;
  /** Buckets with `from <= bucket < to` (bucket starts). */
  readonly from: number;
  readonly to: number;
  /** false: only the whole-service rows (`attr === ''`); true: cohort rows too. */
  readonly cohorts: boolean;
  /** false: latency sketches come back empty (counts only), for reads that need no percentiles. Default true. */
  readonly sketches?: boolean;
}

/** The verdict a request holds now (or had at a step). */
export interface Verdict {
  readonly good: boolean;
  readonly weight: number;
  readonly source: OutcomeSource;
  /** ts of the outcome that decided it. */
  readonly ts: number;
}

/** What ingest needs to know about an already stored inference. */
export interface StoredInference {
  readonly event: InferenceEvent;
  readonly contentHash: string;
  /** Input class the event was counted under (ok events), for recounting. */
  readonly inputClass: string | undefined;
  readonly eligible: boolean;
  readonly verdict: Verdict | undefined;
}

export interface StoredOutcome {
  readonly event: OutcomeEvent;
  readonly contentHash: string;
}

/**
 * A change of one request's verdict at `stepTs` (the ts of the outcome that caused it). The request's
 * current quality contribution is the sum of its steps; a report as of `at` leaves out steps after `at`.
 */
export interface VerdictStep {
  readonly service: string;
  readonly requestId: string;
  readonly requestTs: number;
  readonly model: string;
  readonly cohort: Readonly<Record<string, string>>;
  readonly stepTs: number;
  readonly delta: QualityAcc;
  /** Change of the request's metric contributions (MetricSums) at this step. */
  readonly sums: MetricSums;
}

export interface IngestLookup {
  readonly inferences: ReadonlyArray<{ readonly service: string; readonly id: string }>;
  /** Requests whose outcomes are needed (new outcomes, and new inferences that may have orphans). */
  readonly requests: ReadonlyArray<{ readonly service: string; readonly id: string }>;
  readonly outcomeKeys: ReadonlyArray<{ readonly service: string; readonly key: string }>;
}

/** Maps are keyed by `refKey(service, id)`. */
export interface IngestSnapshot {
  readonly inferences: ReadonlyMap<string, StoredInference>;
  readonly outcomesByRequest: ReadonlyMap<string, readonly StoredOutcome[]>;
  readonly outcomeHashes: ReadonlyMap<string, string>;
}

export interface NewInference {
  readonly event: InferenceEvent;
  readonly contentHash: string;
  readonly inputClass: string | undefined;
  readonly eligible: boolean;
  readonly verdict: Verdict | undefined;
  /** The event's JSON when the caller already made it (ingest hashes it); adapters serialise it otherwise. */
  readonly body?: string;
}

export interface IngestWrite {
  readonly inferences: readonly NewInference[];
  readonly outcomes: ReadonlyArray<{ readonly event: OutcomeEvent; readonly contentHash: string; readonly joined: boolean; readonly body?: string }>;
  /** New current verdict of already stored inferences. */
  readonly verdicts: ReadonlyArray<{ readonly service: string; readonly requestId: string; readonly verdict: Verdict | undefined }>;
  /** Orphan outcomes that now have their inference. */
  readonly joinedOutcomes: ReadonlyArray<{ readonly service: string; readonly key: string }>;
  /** Each entry replaces every stored step of that request. */
  readonly verdictSteps: ReadonlyArray<{ readonly service: string; readonly requestId: string; readonly steps: readonly VerdictStep[] }>;
  readonly rollups: readonly RollupDelta[];
  readonly verdictTime: readonly VerdictTimeDelta[];
}

/**
 * The evaluator's memory of one alert (src/engine/evaluator.ts): its state machine position and its
 * latest evaluation, as JSON documents the engine owns (core/alerting), so the port does not change as
 * the alert model grows.
 */
export interface AlertRecord {
  /** Stable identity, e.g. `fraud-scorer/burn/errors/page`. */
  readonly id: string;
  readonly service: string;
  readonly state: string;
  readonly body: string;
  readonly updatedAt: number;
}

/** One transition of one alert (fired or resolved): the history, and later the notification outbox's source. */
export interface AlertTransitionRecord {
  readonly alertId: string;
  readonly service: string;
  readonly at: number;
  readonly transition: 'fired' | 'resolved';
  readonly body: string;
}

/** Notification channels (DESIGN §2.9); one outbox row is one notice to one target of one channel. */
/** `retrain`: a `retrain.requested` event to the service's training webhook (spec.retrain). */
export type ChannelKind = 'webhook' | 'slack' | 'pagerduty' | 'alertmanager' | 'retrain';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * One notification to one target, as the outbox stores it (src/engine/notify). `target` is the URL or
 * PagerDuty routing key: a secret — kept in the store, never logged or served unredacted.
 */
export interface NewDelivery {
  /** Deterministic (hash of dedup key, channel and target): enqueueing the same notice twice is a no-op. */
  readonly id: string;
  readonly alertId: string;
  readonly service: string;
  readonly channel: ChannelKind;
  readonly target: string;
  /** The notice as JSON (engine/notify/notice.ts); the channel encoder turns it into a request at send time. */
  readonly payload: string;
  /** Identifies the notice (alert, firing episode, transition); the same for every target of it. */
  readonly dedupKey: string;
  readonly createdAt: number;
  readonly nextAttemptAt: number;
  /** Enqueue only when no delivery of the same alert to the same channel and target is pending (resends). */
  readonly skipIfPending?: boolean;
}

/** A stored delivery: what was enqueued, and how its attempts went. */
export interface DeliveryRecord extends Omit<NewDelivery, 'skipIfPending'> {
  readonly attempts: number;
  readonly status: DeliveryStatus;
  readonly lastError: string | undefined;
  readonly deliveredAt: number | undefined;
}

/** The outcome of one send attempt; each counts one attempt. */
export type DeliveryResult =
  | { readonly kind: 'delivered'; readonly at: number }
  | { readonly kind: 'retry'; readonly at: number; readonly nextAttemptAt: number; readonly error: string }
  | { readonly kind: 'failed'; readonly at: number; readonly error: string };

export interface RetrainRequestRecord {
  readonly service: string;
  readonly at: number;
  /** The `retrain.requested` event as sent (JSON). */
  readonly body: string;
}

export type Role = 'ingest' | 'read' | 'admin' | 'labeler';

export interface ApiKeyRecord {
  /** Public key id (the prefix shown in listings). */
  readonly id: string;
  /** SHA-256 of the secret, hex. The secret itself is never stored. */
  readonly hash: string;
  readonly role: Role;
  /** Scope: `undefined` means every service. */
  readonly service: string | undefined;
  readonly createdAt: number;
}

export type FeatureType = 'numeric' | 'categorical';
export type BaselineValue = number | string | null;

export interface BaselineFeature {
  readonly type: FeatureType;
  /** true: inferred from the data; false: declared in the spec (`spec.drift.features`). */
  readonly inferred: boolean;
}

/** A baseline's description, without its values (listings). */
export interface BaselineMeta {
  /** Store-assigned, unique; drift histograms are binned by the baseline with this id (their layout). */
  readonly id: string;
  readonly service: string;
  /** Model version the baseline belongs to; `''` when uploaded without one. */
  readonly model: string;
  readonly createdAt: number;
  readonly rows: number;
  readonly features: Readonly<Record<string, BaselineFeature>>;
}

/** A training sample (DESIGN §2.6): one column of `rows` values per feature, `null` where missing. */
export interface BaselineRecord extends BaselineMeta {
  readonly values: Readonly<Record<string, readonly BaselineValue[]>>;
}

/** A baseline to store: the store assigns its id. */
export type NewBaseline = Omit<BaselineRecord, 'id'>;

/** A stored inference in the store's insert order (`seq` grows with every insert): the drift folder's feed. */
export interface InferenceTail {
  readonly seq: number;
  readonly event: InferenceEvent;
  /** false for excluded error types (spec `errors.exclude`), which drift leaves out like every SLI. */
  readonly eligible: boolean;
}

export interface InferenceTailQuery {
  /** Inferences with `seq > afterSeq` … */
  readonly afterSeq: number;
  /** … and `seq <= uptoSeq` when given, … */
  readonly uptoSeq?: number;
  /** … of this service only, … */
  readonly service?: string;
  /** … with `ts >= fromTs`; in `seq` order, at most `limit`. */
  readonly fromTs?: number;
  readonly limit: number;
}

/**
 * One drift histogram cell (DESIGN §2.6): the values of one feature of the requests of one service and
 * model in one hour or day bucket, overall (`attr` = `value` = '') or of one cohort value, binned by the
 * baseline `layout` (a baseline id; core/drift/layout.ts).
 */
export interface DriftCellKey {
  readonly service: string;
  readonly layout: string;
  readonly resolution: 'h' | 'd';
  readonly bucket: number;
  readonly model: string;
  readonly feature: string;
  readonly attr: string;
  readonly value: string;
}

export interface DriftCell extends DriftCellKey {
  readonly hist: FeatureHistogram;
}

export interface DriftCellQuery {
  readonly service: string;
  readonly layout: string;
  readonly resolution: 'h' | 'd';
  /** Buckets with `from <= bucket < to`. */
  readonly from: number;
  readonly to: number;
  /** false: only the overall cells (`attr` = ''); true: cohort cells as well. */
  readonly cohorts: boolean;
}

/** A golden set version's description (DESIGN §2.7); every upload stores a new version, the newest is used. */
export interface GoldenSetMeta {
  /** Store-assigned, unique. */
  readonly id: string;
  readonly service: string;
  readonly name: string;
  readonly createdAt: number;
  readonly examples: number;
  /** Examples per segment (`''` for examples without one). */
  readonly segments: Readonly<Record<string, number>>;
}

/** One labeled example: `input` and `expected` are the JSON the user uploaded. */
export interface GoldenExample {
  /** The line's `id` when given, else `line-<n>` (1-based line number): pairs results across runs. */
  readonly id: string;
  readonly input: unknown;
  readonly expected: unknown;
  /** `''` when the example has none. */
  readonly segment: string;
}

export interface GoldenSetRecord extends GoldenSetMeta {
  readonly items: readonly GoldenExample[];
}

export type EvalRunKind = 'golden' | 'replay';
export type EvalRunStatus = 'running' | 'done' | 'failed';

/** One eval run: a golden-set run, or a production replay against an endpoint (DESIGN §2.7). */
export interface EvalRunRecord {
  /** Store-assigned, time-ordered (a later run's id sorts after an earlier one's). */
  readonly id: string;
  readonly service: string;
  readonly kind: EvalRunKind;
  /** Golden set name, or the replay's endpoint name. */
  readonly name: string;
  /** The golden set version evaluated; undefined for replays. */
  readonly goldenSetId: string | undefined;
  readonly status: EvalRunStatus;
  /** What started it: `schedule`, `api`, `cli`. */
  readonly trigger: string;
  readonly startedAt: number;
  readonly finishedAt: number | undefined;
  /** The model version the endpoint reported (the most frequent one), `''` when it reports none. */
  readonly model: string;
  /** Examples (or sampled requests) to evaluate, and how many have a stored result. */
  readonly total: number;
  readonly done: number;
  /** Engine-owned JSON: metrics, segments, comparisons, timing (engine/evals); `''` while running. */
  readonly summary: string;
  /** Why a failed run failed. */
  readonly error: string | undefined;
}

export type NewEvalRun = Omit<EvalRunRecord, 'id' | 'done' | 'finishedAt' | 'summary' | 'error' | 'status'>;

/** The result for one example (or replayed request) in one run. */
export interface EvalResultRecord {
  readonly runId: string;
  /** Position in the run, 0-based; results are read back in this order. */
  readonly index: number;
  readonly exampleId: string;
  readonly segment: string;
  /** Replay: the production request replayed. */
  readonly requestId: string | undefined;
  /** Model version the endpoint reported for this call, `''` when none. */
  readonly model: string;
  /** null when the call failed (error set) or the response could not be scored. */
  readonly verdict: boolean | null;
  /** A per-example number where the task has one: |error| (regression), the judge's mean score (generative). */
  readonly score: number | null;
  /** The extracted prediction as JSON, null when the call failed. */
  readonly prediction: string | null;
  /** Replay: the verdict production had for the same request (its stored outcome vs the served prediction). */
  readonly baselineVerdict: boolean | null;
  /** Inclusion probability of the request in a replay sample (1 for golden sets). */
  readonly weight: number;
  readonly latencyMs: number;
  readonly attempts: number;
  readonly error: string | null;
}

export interface EvalRunQuery {
  readonly service: string;
  readonly kind?: EvalRunKind;
  readonly name?: string;
  readonly status?: EvalRunStatus;
  /** Runs started before this instant only (paging). */
  readonly before?: number;
  readonly limit: number;
}

/** A request queued for human labeling (DESIGN §2.8). */
export interface LabelItemRecord {
  /** Store-assigned; unique. */
  readonly id: string;
  readonly service: string;
  readonly requestId: string;
  /** The sampler's UTC day (epoch ms of 00:00) the item was drawn for. */
  readonly day: number;
  readonly createdAt: number;
  /** Inclusion probability π: the labels' `samplingProb`. */
  readonly samplingProb: number;
  readonly stratum: string;
  /** Labels wanted from different labelers: 2 for the overlap share, else 1. */
  readonly needed: number;
  /** The inference as stored (JSON of the wire-format event) so labelers see input and prediction. */
  readonly request: string;
  /** Labels submitted so far. */
  readonly labels: number;
  readonly flagged: boolean;
  /**
   * The labeler of the last lease and until when; undefined when never leased or released by an action.
   * The lease is live while `now < leasedUntil`; an expired one stays visible until the next lease or action.
   */
  readonly leasedBy: string | undefined;
  readonly leasedUntil: number | undefined;
}

export type NewLabelItem = Omit<LabelItemRecord, 'id' | 'labels' | 'flagged' | 'leasedBy' | 'leasedUntil'>;

export type LabelAction = 'label' | 'skip' | 'flag';

/** One labeler's action on one item. */
export interface LabelActionRecord {
  readonly itemId: string;
  readonly service: string;
  readonly requestId: string;
  /** The labeler: the API key id. */
  readonly labeler: string;
  readonly at: number;
  readonly action: LabelAction;
  /** The submitted label as JSON (action `label`), else null. */
  readonly label: string | null;
  /** Why it was flagged (action `flag`), else null. */
  readonly note: string | null;
}

export type LeaseOutcome =
  | { readonly kind: 'ok' }
  /** The item does not exist (or belongs to another service). */
  | { readonly kind: 'not_found' }
  /** Another labeler holds a live lease on it, or this labeler already acted on it. */
  | { readonly kind: 'conflict'; readonly reason: string };

export interface Store {
  readonly kind: string;
  close(): Promise<void>;
  /**
   * Housekeeping the adapter needs run periodically, if any (ClickHouse: compaction of delta rows,
   * docs/clickhouse.md); adapters without any leave it out. `now` is the wall clock (epoch ms), the clock
   * of the adapter's row versions, not a server's event clock. Safe to run from several processes at once.
   */
  maintain?(now: number): Promise<void>;

  lookupForIngest(q: IngestLookup): Promise<IngestSnapshot>;
  commitIngest(w: IngestWrite): Promise<void>;

  /** The rows are the caller's to read, not to change: an adapter may hand the same row objects to later reads. */
  readRollups(q: RollupQuery): Promise<RollupRow[]>;
  /** Verdict-time rows with `from <= bucket < to` of one resolution. */
  readVerdictTime(service: string, resolution: Resolution, from: number, to: number): Promise<VerdictTimeRow[]>;
  /** Steps with `stepTs > after` of requests with `requestFrom <= requestTs < requestTo`. */
  readVerdictStepsAfter(service: string, after: number, requestFrom: number, requestTo: number): Promise<VerdictStep[]>;
  /** Outcomes still waiting for their inference, with ts < `before`. */
  countOrphans(service: string, before: number): Promise<number>;
  /** Every cohort (attr, value) with rollups for the service, any time: the cardinality cap's memory. */
  listCohortValues(service: string): Promise<CohortRef[]>;

  loadAlerts(): Promise<AlertRecord[]>;
  /**
   * Upserts `alerts`, appends `transitions` and enqueues `deliveries` (the notices the transitions cause),
   * atomically: a transition is never saved without its deliveries. Deliveries whose id is stored are kept.
   */
  saveAlerts(alerts: readonly AlertRecord[], transitions: readonly AlertTransitionRecord[], deliveries?: readonly NewDelivery[]): Promise<void>;
  /** Transitions, newest first; `service` filters. */
  alertHistory(q: { readonly service?: string; readonly limit: number }): Promise<AlertTransitionRecord[]>;

  /** Enqueues deliveries not caused by a transition (Alertmanager resends); returns how many were added. */
  enqueueDeliveries(deliveries: readonly NewDelivery[]): Promise<number>;
  /**
   * Claims up to `limit` pending deliveries due at `now` (`nextAttemptAt <= now`), oldest due first, and
   * leases them: their `nextAttemptAt` becomes `leaseUntil`, so a crash mid-send retries them then. Per
   * alert, channel and target only the oldest pending delivery is claimable: notices arrive in order.
   */
  claimDeliveries(now: number, limit: number, leaseUntil: number): Promise<DeliveryRecord[]>;
  /** Records one attempt of a delivery; unknown ids are ignored. */
  recordDelivery(id: string, result: DeliveryResult): Promise<void>;
  /** Every delivery of one alert, oldest first (the delivery log). */
  listDeliveries(alertId: string): Promise<DeliveryRecord[]>;

  /** The retraining trigger's state per service (core/retrain.ts RetrainState as JSON). */
  loadRetrainStates(): Promise<Array<{ readonly service: string; readonly state: string }>>;
  /** Saves a service's trigger state and, when it asked for a retrain, the request and its delivery, atomically. */
  saveRetrain(service: string, state: string, request: RetrainRequestRecord | undefined, deliveries: readonly NewDelivery[]): Promise<void>;
  /** Retrain requests, newest first. */
  retrainHistory(q: { readonly service?: string; readonly limit: number }): Promise<RetrainRequestRecord[]>;

  /** Stores a baseline and returns its id; earlier ones are kept (listBaselines), the newest wins in getBaseline. */
  saveBaseline(b: NewBaseline): Promise<string>;
  /**
   * The newest baseline of `model` when it has one; otherwise (or without `model`) the newest of the
   * service, so a new model version is compared with the last uploaded sample. Newest: latest
   * `createdAt`, then the later save.
   */
  getBaseline(service: string, model?: string): Promise<BaselineRecord | undefined>;
  /** The service's baselines without values, newest first. */
  listBaselines(service: string): Promise<BaselineMeta[]>;

  /** Stored inferences in insert order (the drift folder's feed and its rebuilds). */
  readInferencesAfter(q: InferenceTailQuery): Promise<InferenceTail[]>;
  /** The `seq` of the newest stored inference; 0 when there is none. */
  lastInferenceSeq(): Promise<number>;
  /** The drift folder's state (engine-owned JSON), or undefined before its first save. */
  loadDriftState(): Promise<string | undefined>;
  /**
   * Adds each cell's histogram to the stored cell with the same key (core/drift/histogram.ts mergeInto;
   * a new key stores it as is) and replaces the drift folder's state, atomically: the state's position
   * in the inference feed never disagrees with the folded cells.
   */
  mergeDriftCells(cells: readonly DriftCell[], state: string): Promise<void>;
  readDriftCells(q: DriftCellQuery): Promise<DriftCell[]>;
  /** Deletes the service's cells of every layout but `keep` (after a new baseline's cells are rebuilt). */
  dropDriftLayouts(service: string, keep: string): Promise<void>;

  /** Stores a new version of a golden set and returns its id. */
  saveGoldenSet(meta: Omit<GoldenSetMeta, 'id'>, items: readonly GoldenExample[]): Promise<string>;
  /** The newest version of the named set (or the version with `id`), with its examples. */
  getGoldenSet(service: string, name: string, id?: string): Promise<GoldenSetRecord | undefined>;
  /** The newest version of each of the service's golden sets, by name. */
  listGoldenSets(service: string): Promise<GoldenSetMeta[]>;

  /** Starts a run (status `running`, done 0) and returns its id. */
  createEvalRun(run: NewEvalRun): Promise<string>;
  /** Appends results (any order of calls; `index` unique per run) and sets `done` to the run's stored result count, atomically. */
  appendEvalResults(runId: string, results: readonly EvalResultRecord[]): Promise<void>;
  /** Ends a run: status, finish time, the engine's summary JSON, the reported model and the error of a failed run. */
  finishEvalRun(runId: string, end: { readonly status: 'done' | 'failed'; readonly finishedAt: number; readonly summary: string; readonly model: string; readonly error: string | undefined }): Promise<void>;
  getEvalRun(id: string): Promise<EvalRunRecord | undefined>;
  /** Runs newest first (by startedAt, then id). */
  listEvalRuns(q: EvalRunQuery): Promise<EvalRunRecord[]>;
  /** A run's results in `index` order, from `offset`, at most `limit`; `onlyBad`: verdict false or null. */
  readEvalResults(runId: string, q: { readonly offset: number; readonly limit: number; readonly onlyBad?: boolean }): Promise<EvalResultRecord[]>;

  /** Stored inferences of one service with `from <= ts < to` in (ts, id) order after the cursor, at most `limit`, with their current verdicts. */
  readInferences(q: { readonly service: string; readonly from: number; readonly to: number; readonly after?: { readonly ts: number; readonly id: string }; readonly limit: number }): Promise<Array<{ readonly event: InferenceEvent; readonly eligible: boolean; readonly verdict: Verdict | undefined }>>;

  /** Queues items; an item whose (service, requestId) is already queued is skipped. Returns how many were added. */
  enqueueLabelItems(items: readonly NewLabelItem[]): Promise<number>;
  /**
   * Leases the next item for `labeler` among `services`, atomically: first an item this labeler already
   * holds a live lease on; else the oldest (createdAt, then id) not flagged with `labels < needed`, no
   * live lease by anyone, and no action by this labeler. Sets leasedBy/leasedUntil. Undefined when none.
   */
  leaseLabelItem(services: readonly string[], labeler: string, now: number, leaseUntil: number): Promise<LabelItemRecord | undefined>;
  getLabelItem(id: string): Promise<LabelItemRecord | undefined>;
  /**
   * Records one labeler's action on an item they may act on (the item is not leased live by someone else
   * and the labeler has not acted on it yet), atomically: appends the action, clears the lease, counts a
   * `label`, marks a `flag`. Anything else changes nothing.
   */
  recordLabelAction(a: LabelActionRecord, now: number): Promise<LeaseOutcome>;
  /** A service's actions, oldest first, with `from <= at < to` when given. */
  listLabelActions(service: string, q?: { readonly from?: number; readonly to?: number }): Promise<LabelActionRecord[]>;
  /** A service's items with `from <= day < to`, oldest first, at most `limit`. */
  listLabelItems(service: string, q: { readonly fromDay: number; readonly toDay: number; readonly limit: number }): Promise<LabelItemRecord[]>;

  /** Engine-owned state by key (e.g. `sampler/<service>`, `evals/<service>/<set>` last scheduled run), or undefined. */
  getState(key: string): Promise<string | undefined>;
  setState(key: string, value: string): Promise<void>;

  createKey(k: ApiKeyRecord): Promise<void>;
  findKey(hash: string): Promise<ApiKeyRecord | undefined>;
  listKeys(): Promise<ApiKeyRecord[]>;
  /** Deletes the key with this public id: from then on it authenticates nothing. False when there is none. */
  revokeKey(id: string): Promise<boolean>;
}

export function refKey(service: string, id: string): string {
  return `${service}\u0000${id}`;
}
