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

export interface Store {
  readonly kind: string;
  close(): Promise<void>;

  lookupForIngest(q: IngestLookup): Promise<IngestSnapshot>;
  commitIngest(w: IngestWrite): Promise<void>;

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

  createKey(k: ApiKeyRecord): Promise<void>;
  findKey(hash: string): Promise<ApiKeyRecord | undefined>;
  listKeys(): Promise<ApiKeyRecord[]>;
}

export function refKey(service: string, id: string): string {
  return `${service}\u0000${id}`;
}
