/**
 * The default storage adapter: one SQLite file in WAL mode (DESIGN §4), through better-sqlite3. Calls are
 * synchronous underneath; the async port signatures let a networked adapter share the contract.
 *
 * Durability (DESIGN §3.1, "a 2xx means durable"): WAL with `synchronous = FULL` fsyncs the WAL on every
 * commit, so a resolved `commitIngest` survives kill -9 *and* power loss. `NORMAL` only syncs at
 * checkpoints: safe against a process crash, but the last commits can roll back on power loss, which
 * would break the promise. Measured with `bench/store-insert.ts --sync FULL|NORMAL` (10k-event commits,
 * 2 cores shared with other jobs, so wall rates were noisy): store CPU 28–34 µs/event with FULL vs
 * 23–27 µs/event with NORMAL; 1M rows took 16k events/s wall with FULL vs 28k/s with NORMAL in one
 * back-to-back pair, ~1.2× in other pairs. One fsync per batch is not a bad enough cost to give up
 * power-loss durability, so FULL it is.
 */
import Database from 'better-sqlite3';
import { decodeHistogram, encodeHistogram, mergeInto } from '../../core/drift/histogram.ts';
import type { InferenceEvent } from '../../core/event.ts';
import { MlsloError } from '../../core/errors.ts';
import { sketchBytes } from '../../core/latency-sketch.ts';
import { mergeCell, type RollupCell } from '../../core/rollup.ts';
import { bucketStart, foldDeltas, RESOLUTIONS, rowKey } from '../fold-deltas.ts';
import {
  refKey, RESOLUTION_MS,
  type AlertRecord, type AlertTransitionRecord, type ApiKeyRecord, type CohortRef, type DeliveryRecord, type DeliveryResult, type NewDelivery, type IngestLookup, type RetrainRequestRecord, type IngestSnapshot, type IngestWrite, type Resolution, type RollupQuery,
  type BaselineMeta, type BaselineRecord, type BaselineValue, type NewBaseline,
  type DriftCell, type DriftCellQuery, type InferenceTail, type InferenceTailQuery,
  type RollupRow, type Store, type StoredInference, type StoredOutcome, type VerdictStep, type VerdictTimeRow,
  type EvalResultRecord, type EvalRunQuery, type EvalRunRecord, type GoldenExample, type GoldenSetMeta, type GoldenSetRecord, type NewEvalRun,
  type LabelActionRecord, type LabelItemRecord, type LeaseOutcome, type NewLabelItem, type Verdict,
} from '../port.ts';
import {
  INFERENCE_COLUMNS, apiKeyFromDb, cellToColumns, columnsToCell, inferenceFromDb, inferencePageFromDb, inferenceParams, outcomeFromDb, outcomeParams,
  rollupRowFromDb, verdictParams, verdictStepFromDb, verdictStepParams,
  type ApiKeyDbRow, type InferenceDbRow, type InferencePageDbRow, type OutcomeDbRow, type RollupColumns, type RollupDbRow, type VerdictStepDbRow,
} from './converters.ts';
import { baselineMetaFromDb, decodeColumn, encodeColumn, type BaselineDbRow } from './baseline-codec.ts';
import { deliveryFromDb, type DeliveryDbRow } from './delivery-rows.ts';
import * as evals from './evals.ts';
import * as labeling from './labeling.ts';
import { INSERT_ROWS, prepareStatements, type Statements, type Stmt } from './statements.ts';
import { mapStoreError } from './errors.ts';
import { refHash } from './hash.ts';
import { checkSchema, migrate, schemaVersion } from './migrations.ts';
import { RollupCache, RollupReadCache } from './rollup-cache.ts';

export interface SqliteStoreOptions {
  readonly path: string;
  /** Open without writing (no migrations); writes fail with MLSLO_ERR_STORE_UNAVAILABLE. */
  readonly readonly?: boolean;
  /** Only for measurements (bench/store-sync.ts); production always uses FULL (see the header). */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** Decoded rollup rows kept in memory (write-through); default 20 000. 0 disables the cache. */
  readonly rollupCacheEntries?: number;
  /** Caps the file at this many pages (4 KiB): an operator's size limit, and how tests simulate a full disk. */
  readonly maxPageCount?: number;
  /** How long a write waits for another connection's lock before MLSLO_ERR_OVERLOADED; default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

export interface SqliteSettings {
  readonly journalMode: string;
  readonly synchronous: number;
  readonly busyTimeout: number;
  readonly cacheSize: number;
  readonly schemaVersion: number;
}

const BUSY_TIMEOUT_MS = 5000;
/** Decoded rollup rows kept for reads (RollupReadCache), in approximate heap bytes: a 30-day report with 20 cohort values holds ~2 MB. */
const READ_CACHE_BYTES = 64 * 1024 * 1024;
/** Ranges of more buckets than this bypass the read cache (one SQL query, nothing kept). */
const READ_CACHE_MAX_BUCKETS = 1024;
/** Ids per IN list; statement sizes are powers of two up to this, padded with an impossible hash (-1). */
const CHUNK = 512;

/** Approximate heap bytes of a decoded rollup row: fixed fields plus each class's sketch bins. */
function rowBytes(r: RollupRow): number {
  let n = 400;
  for (const k in r.cell.classes) n += 100 + sketchBytes(r.cell.classes[k]!.sketch);
  return n;
}

function padSize(n: number): number {
  let s = 1;
  while (s < n) s *= 2;
  return s;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly path: string;
  readonly #db: Database.Database;
  readonly #st: Statements;
  readonly #cache: RollupCache;
  readonly #reads: RollupReadCache<RollupRow>;
  /** data_version as the read cache last saw it (the write path keeps its own, #dataVersion). */
  #readDataVersion: number;
  readonly #inLists = new Map<string, Stmt>();
  readonly #params = new Array<unknown>(INSERT_ROWS * INFERENCE_COLUMNS);
  readonly #commit: Database.Transaction<(w: IngestWrite) => void>;
  #dataVersion: number;
  #closed = false;

  /** Use `openSqliteStore`: the constructor takes an open, migrated database and does no I/O. */
  constructor(db: Database.Database, path: string, statements: Statements, cacheEntries: number, dataVersion: number) {
    this.#db = db;
    this.path = path;
    this.#st = statements;
    this.#cache = new RollupCache(cacheEntries);
    this.#reads = new RollupReadCache(cacheEntries > 0 ? READ_CACHE_BYTES : 0, rowBytes);
    this.#dataVersion = dataVersion;
    this.#readDataVersion = dataVersion;
    this.#commit = db.transaction((w: IngestWrite) => this.#write(w));
  }

  settings(): SqliteSettings {
    const p = (name: string): unknown => this.#db.pragma(name, { simple: true });
    return {
      journalMode: String(p('journal_mode')),
      synchronous: Number(p('synchronous')),
      busyTimeout: Number(p('busy_timeout')),
      cacheSize: Number(p('cache_size')),
      schemaVersion: schemaVersion(this.#db),
    };
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#cache.clear();
      this.#reads.clear();
      try {
        this.#db.close();
      } catch (e) {
        return Promise.reject(mapStoreError(e, 'closing the database'));
      }
    }
    return Promise.resolve();
  }

  // ---- ingest --------------------------------------------------------------------------------------

  lookupForIngest(q: IngestLookup): Promise<IngestSnapshot> {
    return this.#guard('reading for ingest', () => {
      const inferences = new Map<string, StoredInference>();
      this.#lookup('inference', 'service, id, input_class, eligible, content_hash, body, v_good, v_weight, v_source, v_ts',
        'id_hash', q.inferences, (r) => r.id, (row) => (row as InferenceDbRow).id, (k, row) => {
          if (!inferences.has(k)) inferences.set(k, inferenceFromDb(row as InferenceDbRow));
        });

      const outcomesByRequest = new Map<string, StoredOutcome[]>();
      this.#lookup('outcome', 'service, key, request_id, content_hash, body', 'req_hash',
        q.requests, (r) => r.id, (row) => (row as OutcomeDbRow).request_id, (k, row) => {
          let list = outcomesByRequest.get(k);
          if (list === undefined) outcomesByRequest.set(k, (list = []));
          list.push(outcomeFromDb(row as OutcomeDbRow));
        });

      const outcomeHashes = new Map<string, string>();
      this.#lookup('outcome', 'service, key, content_hash', 'key_hash', q.outcomeKeys, (r) => r.key, (row) => (row as OutcomeDbRow).key, (k, row) => {
        if (!outcomeHashes.has(k)) outcomeHashes.set(k, (row as OutcomeDbRow).content_hash);
      });
      return { inferences, outcomesByRequest, outcomeHashes };
    });
  }

  /**
   * Rows of `table` whose (service, id) is among `refs`, found through the integer hash index in IN-list
   * chunks; hash collisions are dropped by comparing the row's own service and id with the refs of that
   * hash (only returned rows are compared: no key string per ref). Rows arrive in rowid (arrival) order
   * within a chunk; `take` gets refKey(service, id).
   */
  #lookup<R extends { readonly service: string }>(table: string, cols: string, hashCol: string, refs: readonly R[],
    idOf: (ref: R) => string, rowId: (row: unknown) => string, take: (key: string, row: unknown) => void): void {
    if (refs.length === 0) return;
    // hash → the refs with that hash (almost always one).
    const byHash = new Map<number, R | R[]>();
    for (const r of refs) {
      const h = refHash(r.service, idOf(r));
      const had = byHash.get(h);
      if (had === undefined) byHash.set(h, r);
      else if (Array.isArray(had)) had.push(r);
      else byHash.set(h, [had, r]);
    }
    const matches = (row: { h: number; service: string }, id: string): boolean => {
      const c = byHash.get(row.h);
      if (c === undefined) return false;
      if (!Array.isArray(c)) return c.service === row.service && idOf(c) === id;
      return c.some((r) => r.service === row.service && idOf(r) === id);
    };
    const all = [...byHash.keys()];
    for (let i = 0; i < all.length; i += CHUNK) {
      const chunk = all.slice(i, i + CHUNK);
      const size = padSize(chunk.length);
      while (chunk.length < size) chunk.push(-1);
      const name = `${table}:${hashCol}:${size}`;
      let stmt = this.#inLists.get(name);
      if (stmt === undefined) {
        stmt = this.#db.prepare(`SELECT ${hashCol} AS h, ${cols} FROM ${table} WHERE ${hashCol} IN (${new Array<string>(size).fill('?').join(',')}) ORDER BY rowid`);
        this.#inLists.set(name, stmt);
      }
      for (const row of stmt.iterate(chunk)) {
        const r = row as { h: number; service: string };
        const id = rowId(row);
        if (matches(r, id)) take(refKey(r.service, id), row);
      }
    }
  }

  commitIngest(w: IngestWrite): Promise<void> {
    try {
      this.#commit.immediate(w);
      return Promise.resolve();
    } catch (e) {
      // Cached cells were merged before the rollback: they no longer match the file.
      this.#cache.clear();
      this.#reads.clear();
      return Promise.reject(mapStoreError(e, 'committing ingest'));
    }
  }

  #write(w: IngestWrite): void {
    const st = this.#st;
    // Holding the write lock now: if another connection committed since our last look, cached rollup
    // cells may be stale (data_version changes only on other connections' commits).
    const dv = st.dataVersion.get() as number;
    if (dv !== this.#dataVersion) {
      this.#cache.clear();
      this.#dataVersion = dv;
    }
    const inf = w.inferences;
    let i = 0;
    if (inf.length >= INSERT_ROWS) {
      const params = this.#params;
      for (; i + INSERT_ROWS <= inf.length; i += INSERT_ROWS) {
        for (let j = 0; j < INSERT_ROWS; j++) inferenceParams(inf[i + j]!, params, j * INFERENCE_COLUMNS);
        st.insertInferences.run(params);
      }
    }
    const one = new Array<unknown>(INFERENCE_COLUMNS);
    for (; i < inf.length; i++) {
      inferenceParams(inf[i]!, one, 0);
      st.insertInference.run(one);
    }
    for (const o of w.outcomes) st.insertOutcome.run(outcomeParams(o.event, o.contentHash, o.joined, o.body));
    for (const v of w.verdicts) {
      st.updateVerdict.run(...verdictParams(v.verdict), refHash(v.service, v.requestId), v.service, v.requestId);
    }
    for (const j of w.joinedOutcomes) st.markJoined.run(refHash(j.service, j.key), j.service, j.key);
    for (const r of w.verdictSteps) {
      st.deleteSteps.run(refHash(r.service, r.requestId), r.service, r.requestId);
      for (const s of r.steps) st.insertStep.run(verdictStepParams(s));
    }
    const reads = this.#reads;
    for (const row of foldDeltas(w.rollups)) {
      reads.invalidate(row.resolution, row.service, row.bucket);
      const rs = st.rollups[row.resolution];
      const key = rowKey(row.resolution, row.service, row.bucket, row.model, row.attr, row.value);
      let cell: RollupCell | undefined = this.#cache.get(key);
      if (cell === undefined) {
        const stored = rs.select.get(row.service, row.bucket, row.model, row.attr, row.value) as RollupColumns | undefined;
        if (stored !== undefined) cell = columnsToCell(stored);
      }
      if (cell === undefined) {
        cell = row.cell; // fresh, owned by the fold
      } else {
        mergeCell(cell, row.cell);
      }
      const c = cellToColumns(cell);
      rs.upsert.run(row.service, row.bucket, row.model, row.attr, row.value,
        c.total, c.excluded, c.ok, c.errors, c.classes, c.q_judged, c.q_good, c.q_w, c.q_w2, c.q_wgood, c.sums);
      this.#cache.set(key, cell);
    }
    for (const d of w.verdictTime) {
      const q = d.quality;
      for (const r of RESOLUTIONS) st.verdictTime[r].add.run(d.service, bucketStart(d.minute, r), d.model, q.judged, q.good, q.sumW, q.sumW2, q.sumWGood);
    }
  }

  // ---- reads ---------------------------------------------------------------------------------------

  readRollups(q: RollupQuery): Promise<RollupRow[]> {
    return this.#guard('reading rollups', () => {
      const rs = this.#st.rollups[q.resolution];
      const stmt = q.cohorts ? rs.readAll : rs.readWhole;
      const sketches = q.sketches ?? true;
      const read = (from: number, to: number): RollupRow[] => (stmt.all(q.service, from, to) as RollupDbRow[]).map((r) => rollupRowFromDb(r, sketches));
      const size = RESOLUTION_MS[q.resolution];
      const first = Math.ceil(q.from / size) * size;
      const n = first >= q.to ? 0 : Math.ceil((q.to - first) / size);
      if (!this.#reads.enabled || n > READ_CACHE_MAX_BUCKETS) return read(q.from, q.to);
      // Another connection's commit may have changed any bucket (data_version moves only for those).
      const dv = this.#st.dataVersion.get() as number;
      if (dv !== this.#readDataVersion) {
        this.#reads.clear();
        this.#readDataVersion = dv;
      }
      // Buckets served from the cache; the missing ones (usually the open ones at the end) in one query.
      const parts = new Array<readonly RollupRow[] | undefined>(n);
      let lo = -1;
      let hi = -1;
      for (let i = 0; i < n; i++) {
        parts[i] = this.#reads.get(RollupReadCache.key(q.resolution, q.service, first + i * size, q.cohorts, sketches));
        if (parts[i] === undefined) {
          if (lo < 0) lo = i;
          hi = i;
        }
      }
      if (lo >= 0) {
        const byBucket = new Map<number, RollupRow[]>();
        for (const r of read(first + lo * size, first + (hi + 1) * size)) {
          let list = byBucket.get(r.bucket);
          if (list === undefined) byBucket.set(r.bucket, (list = []));
          list.push(r);
        }
        for (let i = lo; i <= hi; i++) {
          const b = first + i * size;
          const rows = byBucket.get(b) ?? [];
          parts[i] = rows;
          this.#reads.set(RollupReadCache.key(q.resolution, q.service, b, q.cohorts, sketches), rows);
        }
      }
      const out: RollupRow[] = [];
      for (const p of parts) for (const r of p!) out.push(r);
      return out;
    });
  }

  readVerdictTime(service: string, resolution: Resolution, from: number, to: number): Promise<VerdictTimeRow[]> {
    return this.#guard('reading verdict-time rows', () =>
      (this.#st.verdictTime[resolution].read.all(service, from, to) as Array<{ bucket: number; model: string; judged: number; good: number; w: number; w2: number; wgood: number }>)
        .map((r) => ({ bucket: r.bucket, model: r.model, quality: { judged: r.judged, good: r.good, sumW: r.w, sumW2: r.w2, sumWGood: r.wgood } })));
  }

  readVerdictStepsAfter(service: string, after: number, requestFrom: number, requestTo: number): Promise<VerdictStep[]> {
    return this.#guard('reading verdict steps', () =>
      (this.#st.readSteps.all(service, after, requestFrom, requestTo) as VerdictStepDbRow[]).map(verdictStepFromDb));
  }

  listCohortValues(service: string): Promise<CohortRef[]> {
    return this.#guard('listing cohort values', () => this.#st.cohortValues.all(service) as CohortRef[]);
  }

  countOrphans(service: string, before: number): Promise<number> {
    return this.#guard('counting orphan outcomes', () => this.#st.countOrphans.get(service, before) as number);
  }

  // ---- alerts --------------------------------------------------------------------------------------

  loadAlerts(): Promise<AlertRecord[]> {
    return this.#guard('loading alerts', () => this.#st.loadAlerts.all() as AlertRecord[]);
  }

  saveAlerts(alerts: readonly AlertRecord[], transitions: readonly AlertTransitionRecord[], deliveries: readonly NewDelivery[] = []): Promise<void> {
    return this.#guard('saving alerts', () => {
      this.#db.transaction(() => {
        for (const a of alerts) this.#st.upsertAlert.run(a.id, a.service, a.state, a.body, a.updatedAt);
        for (const t of transitions) this.#st.insertTransition.run(t.alertId, t.service, t.at, t.transition, t.body);
        this.#enqueue(deliveries);
      }).immediate();
    });
  }

  // ---- notification outbox -------------------------------------------------------------------------

  #enqueue(deliveries: readonly NewDelivery[]): number {
    let added = 0;
    for (const d of deliveries) {
      if (d.skipIfPending === true && this.#st.hasPending.get(d.alertId, d.channel, d.target) !== undefined) continue;
      added += this.#st.insertDelivery.run(d.id, d.alertId, d.service, d.channel, d.target, d.payload, d.dedupKey, d.createdAt, d.nextAttemptAt).changes;
    }
    return added;
  }

  enqueueDeliveries(deliveries: readonly NewDelivery[]): Promise<number> {
    return this.#guard('enqueueing notifications', () => this.#db.transaction(() => this.#enqueue(deliveries)).immediate());
  }

  claimDeliveries(now: number, limit: number, leaseUntil: number): Promise<DeliveryRecord[]> {
    return this.#guard('claiming notifications', () => this.#db.transaction(() => {
      const rows = (this.#st.dueDeliveries.all(now, limit) as DeliveryDbRow[]).map(deliveryFromDb);
      for (const r of rows) this.#st.leaseDelivery.run(leaseUntil, r.id);
      return rows;
    }).immediate());
  }

  recordDelivery(id: string, result: DeliveryResult): Promise<void> {
    return this.#guard('recording a notification attempt', () => {
      switch (result.kind) {
        case 'delivered': this.#st.deliveryDelivered.run(result.at, id); break;
        case 'retry': this.#st.deliveryRetry.run(result.nextAttemptAt, result.error, id); break;
        case 'failed': this.#st.deliveryFailed.run(result.error, id); break;
      }
    });
  }

  listDeliveries(alertId: string): Promise<DeliveryRecord[]> {
    return this.#guard('listing notifications', () => (this.#st.deliveriesOf.all(alertId) as DeliveryDbRow[]).map(deliveryFromDb));
  }

  alertHistory(q: { readonly service?: string; readonly limit: number }): Promise<AlertTransitionRecord[]> {
    return this.#guard('reading alert history', () => (q.service === undefined
      ? this.#st.history.all(q.limit) : this.#st.historyOf.all(q.service, q.limit)) as AlertTransitionRecord[]);
  }

  // ---- retraining ----------------------------------------------------------------------------------

  loadRetrainStates(): Promise<Array<{ readonly service: string; readonly state: string }>> {
    return this.#guard('loading retrain states', () => this.#st.retrainStates.all() as Array<{ service: string; state: string }>);
  }

  saveRetrain(service: string, state: string, request: RetrainRequestRecord | undefined, deliveries: readonly NewDelivery[]): Promise<void> {
    return this.#guard('saving a retrain request', () => {
      this.#db.transaction(() => {
        this.#st.upsertRetrainState.run(service, state);
        if (request !== undefined) this.#st.insertRetrainRequest.run(request.service, request.at, request.body);
        this.#enqueue(deliveries);
      }).immediate();
    });
  }

  retrainHistory(q: { readonly service?: string; readonly limit: number }): Promise<RetrainRequestRecord[]> {
    return this.#guard('reading retrain requests', () => (q.service === undefined
      ? this.#st.retrainHistory.all(q.limit) : this.#st.retrainHistoryOf.all(q.service, q.limit)) as RetrainRequestRecord[]);
  }

  // ---- baselines -----------------------------------------------------------------------------------

  saveBaseline(b: NewBaseline): Promise<string> {
    return this.#guard('saving a baseline', () => this.#db.transaction(() => {
      const id = this.#st.insertBaseline.run(b.service, b.model, b.createdAt, b.rows, JSON.stringify(b.features)).lastInsertRowid;
      for (const [name, column] of Object.entries(b.values)) this.#st.insertBaselineColumn.run(id, name, encodeColumn(column));
      return String(id);
    }).immediate());
  }

  getBaseline(service: string, model?: string): Promise<BaselineRecord | undefined> {
    return this.#guard('reading a baseline', () => {
      const r = ((model === undefined ? undefined : this.#st.latestBaselineOf.get(service, model))
        ?? this.#st.latestBaseline.get(service)) as BaselineDbRow | undefined;
      if (r === undefined) return undefined;
      const values: Record<string, BaselineValue[]> = {};
      for (const c of this.#st.baselineColumns.all(r.id) as Array<{ feature: string; data: Buffer }>) values[c.feature] = decodeColumn(c.data);
      return { ...baselineMetaFromDb(r), values };
    });
  }

  listBaselines(service: string): Promise<BaselineMeta[]> {
    return this.#guard('listing baselines', () => (this.#st.listBaselines.all(service) as BaselineDbRow[]).map(baselineMetaFromDb));
  }

  // ---- drift ---------------------------------------------------------------------------------------

  readInferencesAfter(q: InferenceTailQuery): Promise<InferenceTail[]> {
    return this.#guard('reading the inference feed', () => {
      const upto = q.uptoSeq ?? Number.MAX_SAFE_INTEGER;
      const from = q.fromTs ?? Number.MIN_SAFE_INTEGER;
      const rows = (q.service === undefined
        ? this.#st.tail.all(q.afterSeq, upto, from, q.limit)
        : this.#st.tailOf.all(q.afterSeq, upto, from, q.service, q.limit)) as Array<{ seq: number; eligible: number; body: string }>;
      return rows.map((r) => ({ seq: r.seq, eligible: r.eligible === 1, event: JSON.parse(r.body) as InferenceEvent }));
    });
  }

  lastInferenceSeq(): Promise<number> {
    return this.#guard('reading the inference feed', () => (this.#st.lastInferenceSeq.get() as { seq: number }).seq);
  }

  loadDriftState(): Promise<string | undefined> {
    return this.#guard('loading the drift state', () => (this.#st.driftState.get() as { state: string } | undefined)?.state);
  }

  mergeDriftCells(cells: readonly DriftCell[], state: string): Promise<void> {
    return this.#guard('saving drift histograms', () => {
      this.#db.transaction(() => {
        for (const c of cells) {
          const key = [c.service, c.layout, c.resolution, c.bucket, c.attr, c.value, c.model, c.feature] as const;
          const stored = this.#st.driftCell.get(...key) as { data: Buffer } | undefined;
          let hist = c.hist;
          if (stored !== undefined) {
            hist = decodeHistogram(stored.data);
            mergeInto(hist, c.hist);
          }
          this.#st.upsertDriftCell.run(...key, encodeHistogram(hist));
        }
        this.#st.saveDriftState.run(state);
      }).immediate();
    });
  }

  readDriftCells(q: DriftCellQuery): Promise<DriftCell[]> {
    return this.#guard('reading drift histograms', () => {
      const rows = (q.cohorts ? this.#st.driftCellsAll : this.#st.driftCells).all(q.service, q.layout, q.resolution, q.from, q.to) as
        Array<{ bucket: number; attr: string; value: string; model: string; feature: string; data: Buffer }>;
      return rows.map((r) => ({
        service: q.service, layout: q.layout, resolution: q.resolution, bucket: r.bucket,
        attr: r.attr, value: r.value, model: r.model, feature: r.feature, hist: decodeHistogram(r.data),
      }));
    });
  }

  dropDriftLayouts(service: string, keep: string): Promise<void> {
    return this.#guard('dropping old drift histograms', () => {
      this.#st.dropDriftLayouts.run(service, keep);
    });
  }

  // ---- evals (evals.ts) ----------------------------------------------------------------------------

  saveGoldenSet(meta: Omit<GoldenSetMeta, 'id'>, items: readonly GoldenExample[]): Promise<string> {
    return this.#guard('saving a golden set', () => evals.saveGoldenSet(this.#db, this.#st.evals, meta, items));
  }

  getGoldenSet(service: string, name: string, id?: string): Promise<GoldenSetRecord | undefined> {
    return this.#guard('reading a golden set', () => evals.getGoldenSet(this.#st.evals, service, name, id));
  }

  listGoldenSets(service: string): Promise<GoldenSetMeta[]> {
    return this.#guard('listing golden sets', () => evals.listGoldenSets(this.#st.evals, service));
  }

  createEvalRun(run: NewEvalRun): Promise<string> {
    return this.#guard('starting an eval run', () => evals.createEvalRun(this.#db, this.#st.evals, run));
  }

  appendEvalResults(runId: string, results: readonly EvalResultRecord[]): Promise<void> {
    return this.#guard('saving eval results', () => evals.appendEvalResults(this.#db, this.#st.evals, runId, results));
  }

  finishEvalRun(runId: string, end: Parameters<Store['finishEvalRun']>[1]): Promise<void> {
    return this.#guard('finishing an eval run', () => evals.finishEvalRun(this.#st.evals, runId, end));
  }

  getEvalRun(id: string): Promise<EvalRunRecord | undefined> {
    return this.#guard('reading an eval run', () => evals.getEvalRun(this.#st.evals, id));
  }

  listEvalRuns(q: EvalRunQuery): Promise<EvalRunRecord[]> {
    return this.#guard('listing eval runs', () => evals.listEvalRuns(this.#st.evals, q));
  }

  readEvalResults(runId: string, q: Parameters<Store['readEvalResults']>[1]): Promise<EvalResultRecord[]> {
    return this.#guard('reading eval results', () => evals.readEvalResults(this.#st.evals, runId, q));
  }

  readInferences(q: Parameters<Store['readInferences']>[0]): Promise<Array<{ event: InferenceEvent; eligible: boolean; verdict: Verdict | undefined }>> {
    return this.#guard('reading inferences', () => {
      // A cursor before the window's start leaves every row of the window after it.
      const rows = (q.after === undefined || q.after.ts < q.from
        ? this.#st.inferencesByTime.all(q.service, q.from, q.to, q.limit)
        : this.#st.inferencesByTimeAfter.all(q.service, q.after.ts, q.after.id, q.to, q.limit)) as InferencePageDbRow[];
      return rows.map(inferencePageFromDb);
    });
  }

  // ---- labeling queue (labeling.ts) ----------------------------------------------------------------

  enqueueLabelItems(items: readonly NewLabelItem[]): Promise<number> {
    return this.#guard('queueing label items', () => labeling.enqueueLabelItems(this.#db, this.#st.labels, items));
  }

  leaseLabelItem(services: readonly string[], labeler: string, now: number, leaseUntil: number): Promise<LabelItemRecord | undefined> {
    return this.#guard('leasing a label item', () => labeling.leaseLabelItem(this.#db, this.#st.labels, services, labeler, now, leaseUntil));
  }

  getLabelItem(id: string): Promise<LabelItemRecord | undefined> {
    return this.#guard('reading a label item', () => labeling.getLabelItem(this.#st.labels, id));
  }

  recordLabelAction(a: LabelActionRecord, now: number): Promise<LeaseOutcome> {
    return this.#guard('recording a label', () => labeling.recordLabelAction(this.#db, this.#st.labels, a, now));
  }

  listLabelActions(service: string, q?: { readonly from?: number; readonly to?: number }): Promise<LabelActionRecord[]> {
    return this.#guard('listing labels', () => labeling.listLabelActions(this.#st.labels, service, q));
  }

  listLabelItems(service: string, q: { readonly fromDay: number; readonly toDay: number; readonly limit: number }): Promise<LabelItemRecord[]> {
    return this.#guard('listing label items', () => labeling.listLabelItems(this.#st.labels, service, q));
  }

  // ---- engine state --------------------------------------------------------------------------------

  getState(key: string): Promise<string | undefined> {
    return this.#guard('reading engine state', () => this.#st.getState.get(key) as string | undefined);
  }

  setState(key: string, value: string): Promise<void> {
    return this.#guard('saving engine state', () => {
      this.#st.setState.run(key, value);
    });
  }

  // ---- keys ----------------------------------------------------------------------------------------

  createKey(k: ApiKeyRecord): Promise<void> {
    return this.#guard('creating an API key', () => {
      this.#st.insertKey.run(k.hash, k.id, k.role, k.service ?? null, k.createdAt);
    });
  }

  findKey(hash: string): Promise<ApiKeyRecord | undefined> {
    return this.#guard('looking up an API key', () => {
      const r = this.#st.findKey.get(hash) as ApiKeyDbRow | undefined;
      return r === undefined ? undefined : apiKeyFromDb(r);
    });
  }

  listKeys(): Promise<ApiKeyRecord[]> {
    return this.#guard('listing API keys', () => (this.#st.listKeys.all() as ApiKeyDbRow[]).map(apiKeyFromDb));
  }

  revokeKey(id: string): Promise<boolean> {
    // Rare (an operator's command): prepared on demand rather than kept among the hot statements.
    return this.#guard('revoking an API key', () => this.#db.prepare('DELETE FROM api_key WHERE id = ?').run(id).changes > 0);
  }

  #guard<T>(what: string, fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(mapStoreError(e, what));
    }
  }
}

/**
 * `mlslo migrate` on SQLite: applies the migrations the file at `path` lacks (creating it when missing)
 * and returns their versions. Each runs in its own transaction (migrations.ts), so a server running on the
 * file meanwhile is safe.
 */
export function migrateSqliteFile(path: string): number[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL'); // what every store connection sets: a reader of the new file never blocks its writer
    return migrate(db);
  } catch (e) {
    throw mapStoreError(e, `migrating ${path}`);
  } finally {
    db?.close();
  }
}

/** Opens (creating if needed) and migrates the database at `opts.path`. Synchronous. */
export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  const readonly = opts.readonly === true;
  const busy = Math.floor(opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
  let db: Database.Database | undefined;
  try {
    db = new Database(opts.path, { readonly, fileMustExist: readonly, timeout: busy });
    db.pragma(`busy_timeout = ${busy}`);
    if (!readonly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new MlsloError('MLSLO_ERR_STORE_UNAVAILABLE', `cannot switch ${opts.path} to WAL mode (got ${String(mode)})`);
    }
    db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    db.pragma('cache_size = -262144'); // 256 MiB: the hash indexes and hot rollup pages stay resident
    db.pragma('temp_store = MEMORY');
    db.pragma('foreign_keys = OFF');
    if (opts.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(opts.maxPageCount)}`);
    if (readonly) checkSchema(db);
    else migrate(db);
    const statements = prepareStatements(db);
    const dv = statements.dataVersion.get() as number;
    return new SqliteStore(db, opts.path, statements, opts.rollupCacheEntries ?? 20_000, dv);
  } catch (e) {
    try {
      db?.close();
    } catch {
      // already failing: the original error is the one to report
    }
    throw mapStoreError(e, `opening ${opts.path}`);
  }
}

