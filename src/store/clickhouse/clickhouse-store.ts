/**
 * The scale-out storage adapter (DESIGN §4): the storage port on a ClickHouse server over HTTP, with the
 * SQLite adapter's semantics (test/store/contract.ts runs on both). The design and its trade-offs —
 * commit log instead of transactions, delta rows for rollups, leases without compare-and-set, durability
 * claims between replicas, compaction — are in docs/clickhouse.md; each part lives in its own file:
 *   ingest.ts (events, the feed), rollups.ts, claims.ts, compaction.ts, outbox.ts (alerts, deliveries,
 *   retraining), drift.ts, evals.ts, labeling.ts; keys and engine state are here.
 */
import type { InferenceEvent } from '../../core/event.ts';
import type {
  AlertRecord, AlertTransitionRecord, ApiKeyRecord, BaselineMeta, BaselineRecord, CohortRef, DeliveryRecord, DeliveryResult, DriftCell,
  DriftCellQuery, EvalResultRecord, EvalRunQuery, EvalRunRecord, GoldenExample, GoldenSetMeta, GoldenSetRecord, IngestLookup, IngestSnapshot,
  IngestWrite, InferenceTail, InferenceTailQuery, LabelActionRecord, LabelItemRecord, LeaseOutcome, NewBaseline, NewDelivery, NewEvalRun,
  NewLabelItem, Resolution, RetrainRequestRecord, Role, RollupQuery, RollupRow, Store, Verdict, VerdictStep, VerdictTimeRow,
} from '../port.ts';
import { Claims } from './claims.ts';
import { CommitLog } from './commit-log.ts';
import { Compactions, type CompactionReport } from './compaction.ts';
import { Db, Versions, type ClickHouseConnection } from './db.ts';
import { ClickHouseDrift } from './drift.ts';
import { ClickHouseEvals } from './evals.ts';
import { ClickHouseIngest } from './ingest.ts';
import { ClickHouseLabelQueue } from './labeling.ts';
import { checkSchema, migrate } from './migrations.ts';
import { ClickHouseOutbox } from './outbox.ts';
import { ClickHouseRollups, ROLLUP_TABLE, VERDICT_TIME_TABLE } from './rollups.ts';
import { str } from './sql.ts';
import { commitTiming, type CommitTiming, type TimingOptions } from './timing.ts';

export interface ClickHouseStoreOptions extends ClickHouseConnection {
  /** Apply missing migrations on open (default). false: refuse a schema that is not current (`mlslo migrate` first). */
  readonly migrate?: boolean;
  /** Claim TTL, compaction lag and GC grace (timing.ts); every replica of one database must use the same. */
  readonly timing?: TimingOptions;
}

interface ApiKeyRow {
  readonly hash: string;
  readonly id: string;
  readonly role: string;
  readonly service: string | null;
  readonly created_at: number;
}

function apiKey(r: ApiKeyRow): ApiKeyRecord {
  return { id: r.id, hash: r.hash, role: r.role as Role, service: r.service ?? undefined, createdAt: r.created_at };
}

const KEY_COLUMNS = 'hash, id, role, service, created_at';

export class ClickHouseStore implements Store {
  readonly kind = 'clickhouse';
  readonly #db: Db;
  readonly #versions = new Versions();
  readonly #ingest: ClickHouseIngest;
  readonly #rollups: ClickHouseRollups;
  readonly #compactions: Compactions;
  readonly #outbox: ClickHouseOutbox;
  readonly #drift: ClickHouseDrift;
  readonly #evals: ClickHouseEvals;
  readonly #labels: ClickHouseLabelQueue;

  /** Use `openClickHouseStore`: the constructor does no I/O. */
  constructor(db: Db, timing: CommitTiming = commitTiming()) {
    this.#db = db;
    const log = new CommitLog(db, timing);
    this.#compactions = new Compactions(db, log);
    this.#ingest = new ClickHouseIngest(db, log, new Claims(db, log), this.#versions);
    this.#rollups = new ClickHouseRollups(db, this.#compactions);
    this.#outbox = new ClickHouseOutbox(db, this.#versions);
    this.#drift = new ClickHouseDrift(db, log, this.#compactions, this.#versions);
    this.#evals = new ClickHouseEvals(db, this.#versions);
    this.#labels = new ClickHouseLabelQueue(db, this.#versions);
  }

  close(): Promise<void> {
    return this.#db.close();
  }

  // ---- ingest and its reads (ingest.ts) ------------------------------------------------------------

  lookupForIngest(q: IngestLookup): Promise<IngestSnapshot> {
    return this.#ingest.lookupForIngest(q);
  }

  commitIngest(w: IngestWrite): Promise<void> {
    return this.#ingest.commitIngest(w);
  }

  readRollups(q: RollupQuery): Promise<RollupRow[]> {
    return this.#rollups.readRollups(q);
  }

  readVerdictTime(service: string, resolution: Resolution, from: number, to: number): Promise<VerdictTimeRow[]> {
    return this.#rollups.readVerdictTime(service, resolution, from, to);
  }

  readVerdictStepsAfter(service: string, after: number, requestFrom: number, requestTo: number): Promise<VerdictStep[]> {
    return this.#ingest.readVerdictStepsAfter(service, after, requestFrom, requestTo);
  }

  countOrphans(service: string, before: number): Promise<number> {
    return this.#ingest.countOrphans(service, before);
  }

  listCohortValues(service: string): Promise<CohortRef[]> {
    return this.#rollups.listCohortValues(service);
  }

  readInferencesAfter(q: InferenceTailQuery): Promise<InferenceTail[]> {
    return this.#ingest.readInferencesAfter(q);
  }

  lastInferenceSeq(): Promise<number> {
    return this.#ingest.lastInferenceSeq();
  }

  readInferences(q: Parameters<Store['readInferences']>[0]): Promise<Array<{ event: InferenceEvent; eligible: boolean; verdict: Verdict | undefined }>> {
    return this.#ingest.readInferences(q);
  }

  /**
   * Retention (adapter-specific, not in the port): drops the raw-event day partitions before `day` (days
   * since the epoch, UTC). The SQLite adapter keeps raw events until a port-level retention exists.
   */
  dropBefore(day: number): Promise<number> {
    return this.#ingest.dropBefore(day);
  }

  /**
   * Compaction (run periodically through `maintain` by the engine roles): merges the delta rows of
   * rollups, verdict-time rows and drift histograms up to `now` − compaction lag (bounded by the server's
   * clock) into one row per cell, and collects rows replaced long enough ago (compaction.ts). Safe to run
   * from several processes at once, to crash at any point, and to repeat.
   */
  async compact(now: number): Promise<CompactionReport[]> {
    const reports: CompactionReport[] = [];
    reports.push(...await this.#compactions.compact(ROLLUP_TABLE, now));
    reports.push(...await this.#compactions.compact(VERDICT_TIME_TABLE, now));
    reports.push(...await this.#compactions.compact(this.#drift.table, now));
    return reports;
  }

  /** The port's housekeeping (the engine roles run it every `compactInterval`): compaction. */
  async maintain(now: number): Promise<void> {
    await this.compact(now);
  }

  // ---- alerts, outbox, retraining (outbox.ts) ------------------------------------------------------

  loadAlerts(): Promise<AlertRecord[]> {
    return this.#outbox.loadAlerts();
  }

  saveAlerts(alerts: readonly AlertRecord[], transitions: readonly AlertTransitionRecord[], deliveries: readonly NewDelivery[] = []): Promise<void> {
    return this.#outbox.saveAlerts(alerts, transitions, deliveries);
  }

  alertHistory(q: { readonly service?: string; readonly limit: number }): Promise<AlertTransitionRecord[]> {
    return this.#outbox.alertHistory(q);
  }

  enqueueDeliveries(deliveries: readonly NewDelivery[]): Promise<number> {
    return this.#outbox.enqueueDeliveries(deliveries);
  }

  claimDeliveries(now: number, limit: number, leaseUntil: number): Promise<DeliveryRecord[]> {
    return this.#outbox.claimDeliveries(now, limit, leaseUntil);
  }

  recordDelivery(id: string, result: DeliveryResult): Promise<void> {
    return this.#outbox.recordDelivery(id, result);
  }

  listDeliveries(alertId: string): Promise<DeliveryRecord[]> {
    return this.#outbox.listDeliveries(alertId);
  }

  loadRetrainStates(): Promise<Array<{ readonly service: string; readonly state: string }>> {
    return this.#outbox.loadRetrainStates();
  }

  saveRetrain(service: string, state: string, request: RetrainRequestRecord | undefined, deliveries: readonly NewDelivery[]): Promise<void> {
    return this.#outbox.saveRetrain(service, state, request, deliveries);
  }

  retrainHistory(q: { readonly service?: string; readonly limit: number }): Promise<RetrainRequestRecord[]> {
    return this.#outbox.retrainHistory(q);
  }

  // ---- drift (drift.ts) ----------------------------------------------------------------------------

  saveBaseline(b: NewBaseline): Promise<string> {
    return this.#drift.saveBaseline(b);
  }

  getBaseline(service: string, model?: string): Promise<BaselineRecord | undefined> {
    return this.#drift.getBaseline(service, model);
  }

  listBaselines(service: string): Promise<BaselineMeta[]> {
    return this.#drift.listBaselines(service);
  }

  loadDriftState(): Promise<string | undefined> {
    return this.#drift.loadDriftState();
  }

  mergeDriftCells(cells: readonly DriftCell[], state: string): Promise<void> {
    return this.#drift.mergeDriftCells(cells, state);
  }

  readDriftCells(q: DriftCellQuery): Promise<DriftCell[]> {
    return this.#drift.readDriftCells(q);
  }

  dropDriftLayouts(service: string, keep: string): Promise<void> {
    return this.#drift.dropDriftLayouts(service, keep);
  }

  // ---- evals (evals.ts) ----------------------------------------------------------------------------

  saveGoldenSet(meta: Omit<GoldenSetMeta, 'id'>, items: readonly GoldenExample[]): Promise<string> {
    return this.#evals.saveGoldenSet(meta, items);
  }

  getGoldenSet(service: string, name: string, id?: string): Promise<GoldenSetRecord | undefined> {
    return this.#evals.getGoldenSet(service, name, id);
  }

  listGoldenSets(service: string): Promise<GoldenSetMeta[]> {
    return this.#evals.listGoldenSets(service);
  }

  createEvalRun(run: NewEvalRun): Promise<string> {
    return this.#evals.createEvalRun(run);
  }

  appendEvalResults(runId: string, results: readonly EvalResultRecord[]): Promise<void> {
    return this.#evals.appendEvalResults(runId, results);
  }

  finishEvalRun(runId: string, end: Parameters<Store['finishEvalRun']>[1]): Promise<void> {
    return this.#evals.finishEvalRun(runId, end);
  }

  getEvalRun(id: string): Promise<EvalRunRecord | undefined> {
    return this.#evals.getEvalRun(id);
  }

  listEvalRuns(q: EvalRunQuery): Promise<EvalRunRecord[]> {
    return this.#evals.listEvalRuns(q);
  }

  readEvalResults(runId: string, q: Parameters<Store['readEvalResults']>[1]): Promise<EvalResultRecord[]> {
    return this.#evals.readEvalResults(runId, q);
  }

  // ---- labeling queue (labeling.ts) ----------------------------------------------------------------

  enqueueLabelItems(items: readonly NewLabelItem[]): Promise<number> {
    return this.#labels.enqueue(items);
  }

  leaseLabelItem(services: readonly string[], labeler: string, now: number, leaseUntil: number): Promise<LabelItemRecord | undefined> {
    return this.#labels.lease(services, labeler, now, leaseUntil);
  }

  getLabelItem(id: string): Promise<LabelItemRecord | undefined> {
    return this.#labels.get(id);
  }

  recordLabelAction(a: LabelActionRecord, now: number): Promise<LeaseOutcome> {
    return this.#labels.record(a, now);
  }

  listLabelActions(service: string, q?: { readonly from?: number; readonly to?: number }): Promise<LabelActionRecord[]> {
    return this.#labels.actions(service, q);
  }

  listLabelItems(service: string, q: { readonly fromDay: number; readonly toDay: number; readonly limit: number }): Promise<LabelItemRecord[]> {
    return this.#labels.list(service, q);
  }

  // ---- engine state --------------------------------------------------------------------------------

  async getState(key: string): Promise<string | undefined> {
    const rows = await this.#db.rows<{ value: string }>(`SELECT value FROM ${this.#db.table('engine_state')} FINAL WHERE key = ${str(key)}`,
      'reading engine state');
    return rows[0]?.value;
  }

  setState(key: string, value: string): Promise<void> {
    return this.#db.insert('engine_state', [{ key, value, ver: this.#versions.take() }], 'saving engine state');
  }

  // ---- keys ----------------------------------------------------------------------------------------

  /** Live keys (not revoked) matching `where`. */
  async #keys(where: string): Promise<ApiKeyRecord[]> {
    const rows = await this.#db.rows<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM ${this.#db.table('api_key')} FINAL
      WHERE revoked = 0${where === '' ? '' : ` AND ${where}`} ORDER BY created_at, id`, 'reading API keys');
    return rows.map(apiKey);
  }

  /**
   * Refuses a hash or id already in use, like the SQLite UNIQUE constraints. Check and insert are two
   * steps: keys are random, so only an operator creating the same key twice at once could race.
   */
  async createKey(k: ApiKeyRecord): Promise<void> {
    if ((await this.#keys(`(hash = ${str(k.hash)} OR id = ${str(k.id)})`)).length > 0) {
      throw new Error(`an API key with hash or id ${k.id} already exists`);
    }
    await this.#db.insert('api_key', [{ hash: k.hash, id: k.id, role: k.role, service: k.service ?? null, created_at: k.createdAt, revoked: 0, ver: this.#versions.take() }],
      'creating an API key');
  }

  async findKey(hash: string): Promise<ApiKeyRecord | undefined> {
    return (await this.#keys(`hash = ${str(hash)}`))[0];
  }

  listKeys(): Promise<ApiKeyRecord[]> {
    return this.#keys('');
  }

  async revokeKey(id: string): Promise<boolean> {
    const live = await this.#keys(`id = ${str(id)}`);
    const ver = this.#versions.take();
    await this.#db.insert('api_key', live.map((k) => ({ hash: k.hash, id: k.id, role: k.role, service: k.service ?? null, created_at: k.createdAt, revoked: 1, ver })),
      'revoking an API key');
    return live.length > 0;
  }
}

/** `mlslo migrate` for ClickHouse: creates the database when missing and applies the migrations it lacks. */
export async function migrateClickHouse(conn: ClickHouseConnection): Promise<number[]> {
  const db = new Db(conn);
  try {
    return await migrate(db);
  } finally {
    await db.close();
  }
}

/** Connects, then migrates (or checks) the schema. No I/O happens before this is called. */
export async function openClickHouseStore(opts: ClickHouseStoreOptions): Promise<ClickHouseStore> {
  const db = new Db(opts);
  try {
    const timing = commitTiming(opts.timing);
    if (opts.migrate === false) await checkSchema(db);
    else await migrate(db);
    return new ClickHouseStore(db, timing);
  } catch (e) {
    await db.close();
    throw e;
  }
}
