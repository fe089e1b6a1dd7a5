/**
 * Numbered schema migrations, tracked in `PRAGMA user_version`. Append only: a released migration is
 * never edited. Each runs in its own IMMEDIATE transaction that re-reads the version, so two processes
 * opening the same file at once (server and `mlslo keys create`) migrate it exactly once.
 */
import type Database from 'better-sqlite3';
import { MlsloError } from '../../core/errors.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const ROLLUP_COLUMNS = `
  service TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  model TEXT NOT NULL,
  attr TEXT NOT NULL,
  value TEXT NOT NULL,
  total INTEGER NOT NULL,
  excluded INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  errors TEXT,               -- JSON {errorType: count}; NULL when empty
  classes BLOB,              -- per input class: ok, fast, sketch (converters.ts); NULL when empty
  q_judged REAL NOT NULL,
  q_good REAL NOT NULL,
  q_w REAL NOT NULL,
  q_w2 REAL NOT NULL,
  q_wgood REAL NOT NULL,
  PRIMARY KEY (service, bucket, model, attr, value)`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      -- Raw inference events in arrival (rowid) order; body is the InferenceEvent as JSON.
      CREATE TABLE inference (
        service TEXT NOT NULL,
        id TEXT NOT NULL,
        id_hash INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        model TEXT NOT NULL,
        status TEXT NOT NULL,
        error_type TEXT,
        latency_ms REAL,
        input_class TEXT,
        eligible INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        body TEXT NOT NULL,
        v_good INTEGER,
        v_weight REAL,
        v_source TEXT,
        v_ts INTEGER
      );
      CREATE INDEX inference_by_hash ON inference (id_hash);

      CREATE TABLE outcome (
        service TEXT NOT NULL,
        key TEXT NOT NULL,
        key_hash INTEGER NOT NULL,
        request_id TEXT NOT NULL,
        req_hash INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        source TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        body TEXT NOT NULL,
        joined INTEGER NOT NULL
      );
      CREATE INDEX outcome_by_key ON outcome (key_hash);
      CREATE INDEX outcome_by_request ON outcome (req_hash);
      CREATE INDEX outcome_orphans ON outcome (service, ts) WHERE joined = 0;

      CREATE TABLE verdict_step (
        service TEXT NOT NULL,
        request_id TEXT NOT NULL,
        req_hash INTEGER NOT NULL,
        request_ts INTEGER NOT NULL,
        model TEXT NOT NULL,
        cohort TEXT NOT NULL,
        step_ts INTEGER NOT NULL,
        d_judged REAL NOT NULL,
        d_good REAL NOT NULL,
        d_w REAL NOT NULL,
        d_w2 REAL NOT NULL,
        d_wgood REAL NOT NULL
      );
      CREATE INDEX verdict_step_after ON verdict_step (service, step_ts);
      CREATE INDEX verdict_step_by_request ON verdict_step (req_hash);

      CREATE TABLE rollup_m (${ROLLUP_COLUMNS}) WITHOUT ROWID;
      CREATE TABLE rollup_h (${ROLLUP_COLUMNS}) WITHOUT ROWID;
      CREATE TABLE rollup_d (${ROLLUP_COLUMNS}) WITHOUT ROWID;

      CREATE TABLE api_key (
        hash TEXT PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        service TEXT,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'metric sums on rollups and verdict steps',
    sql: `
      -- JSON {name: [Σx, Σw·x]} (core/rollup.ts MetricSums); NULL when empty.
      ALTER TABLE rollup_m ADD COLUMN sums TEXT;
      ALTER TABLE rollup_h ADD COLUMN sums TEXT;
      ALTER TABLE rollup_d ADD COLUMN sums TEXT;
      ALTER TABLE verdict_step ADD COLUMN d_sums TEXT;
    `,
  },
  {
    version: 3,
    name: 'verdict-time quality rollups',
    sql: `
      -- Verdicts by arrival time (port.ts VerdictTimeDelta), folded into minutes, hours and days.
      CREATE TABLE verdict_time_m (service TEXT NOT NULL, bucket INTEGER NOT NULL, model TEXT NOT NULL,
        judged REAL NOT NULL, good REAL NOT NULL, w REAL NOT NULL, w2 REAL NOT NULL, wgood REAL NOT NULL,
        PRIMARY KEY (service, bucket, model)) WITHOUT ROWID;
      CREATE TABLE verdict_time_h (service TEXT NOT NULL, bucket INTEGER NOT NULL, model TEXT NOT NULL,
        judged REAL NOT NULL, good REAL NOT NULL, w REAL NOT NULL, w2 REAL NOT NULL, wgood REAL NOT NULL,
        PRIMARY KEY (service, bucket, model)) WITHOUT ROWID;
      CREATE TABLE verdict_time_d (service TEXT NOT NULL, bucket INTEGER NOT NULL, model TEXT NOT NULL,
        judged REAL NOT NULL, good REAL NOT NULL, w REAL NOT NULL, w2 REAL NOT NULL, wgood REAL NOT NULL,
        PRIMARY KEY (service, bucket, model)) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'alert states and transitions',
    sql: `
      CREATE TABLE alert (id TEXT PRIMARY KEY, service TEXT NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE alert_transition (alert_id TEXT NOT NULL, service TEXT NOT NULL, at INTEGER NOT NULL,
        transition TEXT NOT NULL, body TEXT NOT NULL);
      CREATE INDEX alert_transition_by_service ON alert_transition (service, at);
    `,
  },
  {
    version: 5,
    name: 'notification outbox',
    sql: `
      -- One notice to one target (port.ts NewDelivery); seq keeps enqueue order. target is a secret.
      CREATE TABLE delivery (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        alert_id TEXT NOT NULL,
        service TEXT NOT NULL,
        channel TEXT NOT NULL,
        target TEXT NOT NULL,
        payload TEXT NOT NULL,
        dedup_key TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'pending',
        last_error TEXT,
        delivered_at INTEGER
      );
      CREATE INDEX delivery_due ON delivery (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX delivery_pending_by_key ON delivery (alert_id, channel, target, seq) WHERE status = 'pending';
      CREATE INDEX delivery_by_alert ON delivery (alert_id, seq);
    `,
  },
  {
    version: 6,
    name: 'retraining trigger state and requests',
    sql: `
      CREATE TABLE retrain_state (service TEXT PRIMARY KEY, state TEXT NOT NULL);
      CREATE TABLE retrain_request (service TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE INDEX retrain_request_by_service ON retrain_request (service, at);
    `,
  },
  {
    version: 7,
    name: 'drift baselines',
    sql: `
      -- A training sample per service and model (port.ts BaselineRecord); features is JSON {name: {type, inferred}}.
      CREATE TABLE baseline (id INTEGER PRIMARY KEY, service TEXT NOT NULL, model TEXT NOT NULL,
        created_at INTEGER NOT NULL, rows INTEGER NOT NULL, features TEXT NOT NULL);
      CREATE INDEX baseline_by_service ON baseline (service, model, created_at);
      -- One blob per feature column (baseline-codec.ts).
      CREATE TABLE baseline_column (baseline_id INTEGER NOT NULL, feature TEXT NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (baseline_id, feature)) WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    name: 'drift histograms',
    sql: `
      -- One mergeable histogram per cell (port.ts DriftCellKey; core/drift/histogram.ts encodeHistogram).
      -- attr = value = '' is all traffic. Key order serves readDriftCells' range scan.
      CREATE TABLE drift_cell (service TEXT NOT NULL, layout TEXT NOT NULL, resolution TEXT NOT NULL,
        bucket INTEGER NOT NULL, attr TEXT NOT NULL, value TEXT NOT NULL, model TEXT NOT NULL,
        feature TEXT NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (service, layout, resolution, bucket, attr, value, model, feature)) WITHOUT ROWID;
      -- The drift folder's position in the inference feed and its rebuilds (engine-owned JSON).
      CREATE TABLE drift_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
    `,
  },
  {
    version: 9,
    name: 'evals, labeling queue and engine state',
    sql: `
      -- Golden set versions (port.ts GoldenSetMeta); segments is JSON {segment: examples}.
      CREATE TABLE golden_set (id INTEGER PRIMARY KEY, service TEXT NOT NULL, name TEXT NOT NULL,
        created_at INTEGER NOT NULL, examples INTEGER NOT NULL, segments TEXT NOT NULL);
      CREATE INDEX golden_set_by_name ON golden_set (service, name, created_at);
      -- input and expected are the uploaded JSON; idx keeps upload order.
      CREATE TABLE golden_example (set_id INTEGER NOT NULL, idx INTEGER NOT NULL, id TEXT NOT NULL, segment TEXT NOT NULL,
        input TEXT NOT NULL, expected TEXT NOT NULL, PRIMARY KEY (set_id, idx)) WITHOUT ROWID;

      -- id is time-ordered text (eval-run-id.ts); seq only makes it unique.
      CREATE TABLE eval_run (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, service TEXT NOT NULL, kind TEXT NOT NULL,
        name TEXT NOT NULL, golden_set_id TEXT, status TEXT NOT NULL, triggered_by TEXT NOT NULL, started_at INTEGER NOT NULL,
        finished_at INTEGER, model TEXT NOT NULL, total INTEGER NOT NULL, done INTEGER NOT NULL, summary TEXT NOT NULL, error TEXT);
      CREATE INDEX eval_run_by_service ON eval_run (service, started_at);
      -- verdict and baseline_verdict: 1, 0 or NULL.
      CREATE TABLE eval_result (run_id TEXT NOT NULL, idx INTEGER NOT NULL, example_id TEXT NOT NULL, segment TEXT NOT NULL,
        request_id TEXT, model TEXT NOT NULL, verdict INTEGER, score REAL, prediction TEXT, baseline_verdict INTEGER,
        weight REAL NOT NULL, latency_ms REAL NOT NULL, attempts INTEGER NOT NULL, error TEXT,
        PRIMARY KEY (run_id, idx)) WITHOUT ROWID;

      -- The labeling queue (port.ts LabelItemRecord). A lease is live while leased_until > now.
      CREATE TABLE label_item (id INTEGER PRIMARY KEY, service TEXT NOT NULL, request_id TEXT NOT NULL, day INTEGER NOT NULL,
        created_at INTEGER NOT NULL, sampling_prob REAL NOT NULL, stratum TEXT NOT NULL, needed INTEGER NOT NULL,
        request TEXT NOT NULL, labels INTEGER NOT NULL DEFAULT 0, flagged INTEGER NOT NULL DEFAULT 0,
        leased_by TEXT, leased_until INTEGER, UNIQUE (service, request_id));
      -- Leasing scans only the items still wanting labels, oldest first; done and flagged items drop out.
      CREATE INDEX label_item_open ON label_item (service, created_at) WHERE flagged = 0 AND labels < needed;
      CREATE INDEX label_item_by_day ON label_item (service, day);
      CREATE INDEX label_item_leased ON label_item (leased_by) WHERE leased_by IS NOT NULL;
      CREATE TABLE label_action (seq INTEGER PRIMARY KEY, item_id INTEGER NOT NULL, service TEXT NOT NULL,
        request_id TEXT NOT NULL, labeler TEXT NOT NULL, at INTEGER NOT NULL, action TEXT NOT NULL, label TEXT, note TEXT);
      CREATE INDEX label_action_by_item ON label_action (item_id, labeler);
      CREATE INDEX label_action_by_service ON label_action (service, at);

      -- Engine-owned state documents by key (sampler, eval scheduler).
      CREATE TABLE engine_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

      -- readInferences pages a service's inferences in (ts, id) order.
      CREATE INDEX inference_by_time ON inference (service, ts, id);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the schema to SCHEMA_VERSION; returns the migrations applied. Safe to call any number of times. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const latest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  const current = schemaVersion(db);
  if (current > latest) {
    throw new MlsloError('MLSLO_ERR_STORE_UNAVAILABLE', `the database schema is version ${current}, newer than this mlslo knows (${latest}); upgrade mlslo`);
  }
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      if (schemaVersion(db) >= m.version) return; // another connection got here first
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}

/** For a read-only connection: the schema must already be current. */
export function checkSchema(db: Database.Database): void {
  const v = schemaVersion(db);
  if (v !== SCHEMA_VERSION) {
    throw new MlsloError('MLSLO_ERR_STORE_UNAVAILABLE', `the database schema is version ${v}, this mlslo needs ${SCHEMA_VERSION}; open it read-write once to migrate`);
  }
}
