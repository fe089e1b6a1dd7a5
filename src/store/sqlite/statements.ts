/**
 * The SQLite adapter's prepared statements, in one place: the SQL the store runs, prepared once per
 * connection (sqlite-store.ts holds the logic).
 */
import type Database from 'better-sqlite3';
import type { Resolution } from '../port.ts';
import { DELIVERY_COLUMNS } from './delivery-rows.ts';
import { INFERENCE_COLUMNS } from './converters.ts';
import { prepareEvalStatements, type EvalStatements } from './evals.ts';
import { prepareLabelStatements, type LabelStatements } from './labeling.ts';

/** Inferences per multi-row INSERT: fewer statement steps and bindings per row. */
export const INSERT_ROWS = 32;
const INFERENCE_PAGE_COLUMNS = 'eligible, body, v_good, v_weight, v_source, v_ts';
const BASELINE_COLUMNS = 'id, service, model, created_at AS createdAt, rows, features';
const ROLLUP_TABLE: Readonly<Record<Resolution, string>> = { m: 'rollup_m', h: 'rollup_h', d: 'rollup_d' };
const ROLLUP_VALUE_COLS = 'total, excluded, ok, errors, classes, q_judged, q_good, q_w, q_w2, q_wgood, sums';
const ROLLUP_KEY_WHERE = 'service = ? AND bucket = ? AND model = ? AND attr = ? AND value = ?';

export type Stmt = Database.Statement<unknown[], unknown>;

interface VerdictTimeStatements {
  readonly add: Stmt;
  readonly read: Stmt;
}

interface RollupStatements {
  readonly select: Stmt;
  readonly upsert: Stmt;
  readonly readAll: Stmt;
  readonly readWhole: Stmt;
}

export interface Statements {
  readonly insertInference: Stmt;
  readonly insertInferences: Stmt;
  readonly insertOutcome: Stmt;
  readonly updateVerdict: Stmt;
  readonly markJoined: Stmt;
  readonly deleteSteps: Stmt;
  readonly insertStep: Stmt;
  readonly readSteps: Stmt;
  readonly countOrphans: Stmt;
  readonly cohortValues: Stmt;
  readonly insertKey: Stmt;
  readonly findKey: Stmt;
  readonly listKeys: Stmt;
  readonly dataVersion: Stmt;
  readonly rollups: Readonly<Record<Resolution, RollupStatements>>;
  readonly verdictTime: Readonly<Record<Resolution, VerdictTimeStatements>>;
  readonly loadAlerts: Stmt;
  readonly upsertAlert: Stmt;
  readonly insertTransition: Stmt;
  readonly history: Stmt;
  readonly historyOf: Stmt;
  readonly retrainStates: Stmt;
  readonly upsertRetrainState: Stmt;
  readonly insertRetrainRequest: Stmt;
  readonly retrainHistory: Stmt;
  readonly retrainHistoryOf: Stmt;
  readonly insertDelivery: Stmt;
  readonly hasPending: Stmt;
  readonly dueDeliveries: Stmt;
  readonly leaseDelivery: Stmt;
  readonly deliveryDelivered: Stmt;
  readonly deliveryRetry: Stmt;
  readonly deliveryFailed: Stmt;
  readonly deliveriesOf: Stmt;
  readonly insertBaseline: Stmt;
  readonly insertBaselineColumn: Stmt;
  readonly latestBaselineOf: Stmt;
  readonly latestBaseline: Stmt;
  readonly baselineColumns: Stmt;
  readonly listBaselines: Stmt;
  readonly lastInferenceSeq: Stmt;
  readonly tail: Stmt;
  readonly tailOf: Stmt;
  readonly driftState: Stmt;
  readonly saveDriftState: Stmt;
  readonly driftCell: Stmt;
  readonly upsertDriftCell: Stmt;
  readonly driftCells: Stmt;
  readonly driftCellsAll: Stmt;
  readonly dropDriftLayouts: Stmt;
  readonly inferencesByTime: Stmt;
  readonly inferencesByTimeAfter: Stmt;
  readonly getState: Stmt;
  readonly setState: Stmt;
  readonly evals: EvalStatements;
  readonly labels: LabelStatements;
}

/** A read-only connection prepares the writes too; they fail at run time with SQLITE_READONLY. */
export function prepareStatements(db: Database.Database): Statements {
  // Verdict-time rows hold plain sums, so a delta is added in SQL: no read-merge-write.
  const verdictTime = (r: Resolution): VerdictTimeStatements => ({
    add: db.prepare(`INSERT INTO verdict_time_${r} (service, bucket, model, judged, good, w, w2, wgood) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (service, bucket, model) DO UPDATE SET judged = judged + excluded.judged, good = good + excluded.good,
      w = w + excluded.w, w2 = w2 + excluded.w2, wgood = wgood + excluded.wgood`),
    read: db.prepare(`SELECT bucket, model, judged, good, w, w2, wgood FROM verdict_time_${r}
      WHERE service = ? AND bucket >= ? AND bucket < ? ORDER BY bucket, model`),
  });
  const rollup = (r: Resolution): RollupStatements => {
    const t = ROLLUP_TABLE[r];
    return {
      select: db.prepare(`SELECT ${ROLLUP_VALUE_COLS} FROM ${t} WHERE ${ROLLUP_KEY_WHERE}`),
      upsert: db.prepare(`INSERT OR REPLACE INTO ${t} (service, bucket, model, attr, value, ${ROLLUP_VALUE_COLS})
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      readAll: db.prepare(`SELECT * FROM ${t} WHERE service = ? AND bucket >= ? AND bucket < ?
        ORDER BY bucket, model, attr, value`),
      readWhole: db.prepare(`SELECT * FROM ${t} WHERE service = ? AND bucket >= ? AND bucket < ? AND attr = ''
        ORDER BY bucket, model, attr, value`),
    };
  };
  const inferenceInsert = (rows: number): string => `INSERT INTO inference (service, id, id_hash, ts, model, status,
    error_type, latency_ms, input_class, eligible, content_hash, body, v_good, v_weight, v_source, v_ts) VALUES
    ${new Array<string>(rows).fill(`(${new Array<string>(INFERENCE_COLUMNS).fill('?').join(',')})`).join(',')}`;
  return {
    insertInference: db.prepare(inferenceInsert(1)),
    insertInferences: db.prepare(inferenceInsert(INSERT_ROWS)),
    insertOutcome: db.prepare(`INSERT INTO outcome (service, key, key_hash, request_id, req_hash, ts, source, content_hash,
      body, joined) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    updateVerdict: db.prepare(`UPDATE inference SET v_good = ?, v_weight = ?, v_source = ?, v_ts = ?
      WHERE id_hash = ? AND service = ? AND id = ?`),
    markJoined: db.prepare('UPDATE outcome SET joined = 1 WHERE key_hash = ? AND service = ? AND key = ?'),
    deleteSteps: db.prepare('DELETE FROM verdict_step WHERE req_hash = ? AND service = ? AND request_id = ?'),
    insertStep: db.prepare(`INSERT INTO verdict_step (service, request_id, req_hash, request_ts, model, cohort, step_ts,
      d_judged, d_good, d_w, d_w2, d_wgood, d_sums) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    readSteps: db.prepare(`SELECT service, request_id, request_ts, model, cohort, step_ts, d_judged, d_good, d_w, d_w2, d_wgood, d_sums
      FROM verdict_step WHERE service = ? AND step_ts > ? AND request_ts >= ? AND request_ts < ? ORDER BY step_ts, rowid`),
    countOrphans: db.prepare('SELECT count(*) FROM outcome WHERE service = ? AND joined = 0 AND ts < ?').pluck(),
    cohortValues: db.prepare("SELECT DISTINCT attr, value FROM rollup_d WHERE service = ? AND attr != '' ORDER BY attr, value"),
    insertKey: db.prepare('INSERT INTO api_key (hash, id, role, service, created_at) VALUES (?, ?, ?, ?, ?)'),
    findKey: db.prepare('SELECT hash, id, role, service, created_at FROM api_key WHERE hash = ?'),
    listKeys: db.prepare('SELECT hash, id, role, service, created_at FROM api_key ORDER BY created_at, id'),
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    rollups: { m: rollup('m'), h: rollup('h'), d: rollup('d') },
    verdictTime: { m: verdictTime('m'), h: verdictTime('h'), d: verdictTime('d') },
    loadAlerts: db.prepare('SELECT id, service, state, body, updated_at AS updatedAt FROM alert ORDER BY id'),
    upsertAlert: db.prepare('INSERT OR REPLACE INTO alert (id, service, state, body, updated_at) VALUES (?, ?, ?, ?, ?)'),
    insertTransition: db.prepare('INSERT INTO alert_transition (alert_id, service, at, transition, body) VALUES (?, ?, ?, ?, ?)'),
    insertDelivery: db.prepare(`INSERT INTO delivery (id, alert_id, service, channel, target, payload, dedup_key,
      created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
    hasPending: db.prepare(`SELECT 1 FROM delivery WHERE status = 'pending' AND alert_id = ? AND channel = ? AND target = ? LIMIT 1`).pluck(),
    dueDeliveries: db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM delivery d WHERE status = 'pending' AND next_attempt_at <= ?
      AND NOT EXISTS (SELECT 1 FROM delivery e WHERE e.status = 'pending' AND e.alert_id = d.alert_id AND e.channel = d.channel
        AND e.target = d.target AND e.seq < d.seq)
      ORDER BY next_attempt_at, seq LIMIT ?`),
    leaseDelivery: db.prepare('UPDATE delivery SET next_attempt_at = ? WHERE id = ?'),
    deliveryDelivered: db.prepare(`UPDATE delivery SET attempts = attempts + 1, status = 'delivered', delivered_at = ?, last_error = NULL
      WHERE id = ? AND status = 'pending'`),
    deliveryRetry: db.prepare(`UPDATE delivery SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
      WHERE id = ? AND status = 'pending'`),
    deliveryFailed: db.prepare(`UPDATE delivery SET attempts = attempts + 1, status = 'failed', last_error = ?
      WHERE id = ? AND status = 'pending'`),
    deliveriesOf: db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM delivery WHERE alert_id = ? ORDER BY seq`),
    history: db.prepare(`SELECT alert_id AS alertId, service, at, transition, body FROM alert_transition
      ORDER BY at DESC, rowid DESC LIMIT ?`),
    retrainStates: db.prepare('SELECT service, state FROM retrain_state ORDER BY service'),
    upsertRetrainState: db.prepare('INSERT OR REPLACE INTO retrain_state (service, state) VALUES (?, ?)'),
    insertRetrainRequest: db.prepare('INSERT INTO retrain_request (service, at, body) VALUES (?, ?, ?)'),
    retrainHistory: db.prepare('SELECT service, at, body FROM retrain_request ORDER BY at DESC, rowid DESC LIMIT ?'),
    retrainHistoryOf: db.prepare('SELECT service, at, body FROM retrain_request WHERE service = ? ORDER BY at DESC, rowid DESC LIMIT ?'),
    insertBaseline: db.prepare('INSERT INTO baseline (service, model, created_at, rows, features) VALUES (?, ?, ?, ?, ?)'),
    insertBaselineColumn: db.prepare('INSERT INTO baseline_column (baseline_id, feature, data) VALUES (?, ?, ?)'),
    latestBaselineOf: db.prepare(`SELECT ${BASELINE_COLUMNS} FROM baseline WHERE service = ? AND model = ?
      ORDER BY created_at DESC, id DESC LIMIT 1`),
    latestBaseline: db.prepare(`SELECT ${BASELINE_COLUMNS} FROM baseline WHERE service = ? ORDER BY created_at DESC, id DESC LIMIT 1`),
    baselineColumns: db.prepare('SELECT feature, data FROM baseline_column WHERE baseline_id = ?'),
    listBaselines: db.prepare(`SELECT ${BASELINE_COLUMNS} FROM baseline WHERE service = ? ORDER BY created_at DESC, id DESC`),
    lastInferenceSeq: db.prepare('SELECT COALESCE(MAX(rowid), 0) AS seq FROM inference'),
    tail: db.prepare(`SELECT rowid AS seq, eligible, body FROM inference WHERE rowid > ? AND rowid <= ? AND ts >= ?
      ORDER BY rowid LIMIT ?`),
    tailOf: db.prepare(`SELECT rowid AS seq, eligible, body FROM inference WHERE rowid > ? AND rowid <= ? AND ts >= ? AND service = ?
      ORDER BY rowid LIMIT ?`),
    driftState: db.prepare('SELECT state FROM drift_state WHERE id = 1'),
    saveDriftState: db.prepare('INSERT OR REPLACE INTO drift_state (id, state) VALUES (1, ?)'),
    driftCell: db.prepare(`SELECT data FROM drift_cell WHERE service = ? AND layout = ? AND resolution = ? AND bucket = ?
      AND attr = ? AND value = ? AND model = ? AND feature = ?`),
    upsertDriftCell: db.prepare(`INSERT OR REPLACE INTO drift_cell (service, layout, resolution, bucket, attr, value, model, feature, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    driftCells: db.prepare(`SELECT bucket, attr, value, model, feature, data FROM drift_cell
      WHERE service = ? AND layout = ? AND resolution = ? AND bucket >= ? AND bucket < ? AND attr = ''`),
    driftCellsAll: db.prepare(`SELECT bucket, attr, value, model, feature, data FROM drift_cell
      WHERE service = ? AND layout = ? AND resolution = ? AND bucket >= ? AND bucket < ?`),
    dropDriftLayouts: db.prepare('DELETE FROM drift_cell WHERE service = ? AND layout <> ?'),
    historyOf: db.prepare(`SELECT alert_id AS alertId, service, at, transition, body FROM alert_transition
      WHERE service = ? ORDER BY at DESC, rowid DESC LIMIT ?`),
    // Both walk inference_by_time; the cursor's row value is an index range bound of its own.
    inferencesByTime: db.prepare(`SELECT ${INFERENCE_PAGE_COLUMNS} FROM inference WHERE service = ? AND ts >= ? AND ts < ?
      ORDER BY ts, id LIMIT ?`),
    inferencesByTimeAfter: db.prepare(`SELECT ${INFERENCE_PAGE_COLUMNS} FROM inference WHERE service = ? AND (ts, id) > (?, ?) AND ts < ?
      ORDER BY ts, id LIMIT ?`),
    getState: db.prepare('SELECT value FROM engine_state WHERE key = ?').pluck(),
    setState: db.prepare('INSERT OR REPLACE INTO engine_state (key, value) VALUES (?, ?)'),
    evals: prepareEvalStatements(db),
    labels: prepareLabelStatements(db),
  };
}
