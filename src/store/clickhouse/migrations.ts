/**
 * Numbered schema migrations for ClickHouse, recorded in `schema_migrations`. Append only: a released
 * migration is never edited. ClickHouse has no transactional DDL, so every statement is idempotent
 * (`IF NOT EXISTS`) and a migration is recorded only after all its statements ran: a crash half-way, or
 * two processes migrating at once, just run the same statements again.
 *
 * Table engines (docs/clickhouse.md):
 * - Ingest-written tables (inference, outcome, verdicts, steps, rollups) are plain MergeTree whose rows
 *   carry the `write_id` of the commitIngest that wrote them; a row counts only once its write is in
 *   `write_commit` (commit-log.ts). ReplacingMergeTree would be wrong here: a background merge keeps the
 *   highest version of a key whether or not its write ever committed.
 * - Mutable metadata (alerts, deliveries, keys, states, eval runs) is ReplacingMergeTree(ver), read with
 *   FINAL; a WHERE after FINAL filters the merged rows (18.16 moves no condition to PREWHERE under FINAL,
 *   and current releases do not either: optimize_move_to_prewhere_if_final is off by default).
 * - Raw events are partitioned by `day` (days since the epoch, UTC), so retention drops whole partitions.
 *
 * Only SQL that 18.16 and current releases both accept: no DateTime64, TTL, LowCardinality, Bool or
 * query parameters. Times are Int64 epoch ms; blobs (sketches, histograms, baseline columns) are the
 * SQLite adapter's encodings in base64, so both stores answer from the same bytes.
 */
import { MlsloError } from '../../core/errors.ts';
import type { Db } from './db.ts';
import { ident, int, str } from './sql.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Statements, given the quoted-and-qualified name of a table. */
  readonly statements: (t: (table: string) => string) => readonly string[];
}

const ROLLUP_VALUES = `total Int64, excluded Int64, ok Int64, errors String, classes String,
  q_judged Float64, q_good Float64, q_w Float64, q_w2 Float64, q_wgood Float64, sums String`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: (t) => [
      // ---- ingest: rows visible once their write_id is committed ----
      `CREATE TABLE IF NOT EXISTS ${t('write_commit')} (write_id String, ver UInt64)
        ENGINE = ReplacingMergeTree ORDER BY write_id`,
      // Keyed by id: ingest looks inferences up by id on every batch; time ranges prune by partition.
      `CREATE TABLE IF NOT EXISTS ${t('inference')} (day UInt32, service String, id String, ts Int64, seq UInt64, write_id String,
        input_class Nullable(String), eligible UInt8, content_hash String, body String)
        ENGINE = MergeTree PARTITION BY day ORDER BY (service, id)`,
      // Every verdict a request ever held; the current one is the newest committed (ver).
      `CREATE TABLE IF NOT EXISTS ${t('inference_verdict')} (service String, request_id String, ver UInt64, write_id String,
        good Nullable(UInt8), weight Float64, source String, ts Int64)
        ENGINE = MergeTree ORDER BY (service, request_id)`,
      `CREATE TABLE IF NOT EXISTS ${t('outcome')} (day UInt32, service String, key String, request_id String, ts Int64, seq UInt64,
        write_id String, joined UInt8, content_hash String, body String)
        ENGINE = MergeTree PARTITION BY day ORDER BY (service, request_id, key)`,
      `CREATE TABLE IF NOT EXISTS ${t('outcome_join')} (service String, key String, write_id String)
        ENGINE = MergeTree ORDER BY (service, key)`,
      // One row per request and write: the request's whole step list as JSON (a write replaces it).
      `CREATE TABLE IF NOT EXISTS ${t('verdict_step')} (day UInt32, service String, request_id String, request_ts Int64, ver UInt64,
        pos UInt32, write_id String, steps String)
        ENGINE = MergeTree PARTITION BY day ORDER BY (service, request_ts, request_id)`,
      // Delta rows: one per cell and write; a read adds a cell's committed deltas (rollup-rows.ts).
      `CREATE TABLE IF NOT EXISTS ${t('rollup')} (resolution String, day UInt32, service String, bucket Int64, model String,
        attr String, value String, ver UInt64, write_id String, ${ROLLUP_VALUES})
        ENGINE = MergeTree PARTITION BY day ORDER BY (service, resolution, bucket, attr, value, model)`,
      `CREATE TABLE IF NOT EXISTS ${t('verdict_time')} (resolution String, day UInt32, service String, bucket Int64, model String,
        ver UInt64, write_id String, judged Float64, good Float64, w Float64, w2 Float64, wgood Float64)
        ENGINE = MergeTree PARTITION BY day ORDER BY (service, resolution, bucket, model)`,

      // ---- alerts, outbox, retraining ----
      `CREATE TABLE IF NOT EXISTS ${t('alert')} (id String, service String, state String, body String, updated_at Int64, ver UInt64)
        ENGINE = ReplacingMergeTree(ver) ORDER BY id`,
      `CREATE TABLE IF NOT EXISTS ${t('alert_transition')} (alert_id String, service String, at Int64, transition String, body String, seq UInt64)
        ENGINE = MergeTree ORDER BY (service, at, seq)`,
      // target is a secret (a webhook URL or routing key). claimed_by: the claimer of the latest lease.
      `CREATE TABLE IF NOT EXISTS ${t('delivery')} (id String, seq UInt64, alert_id String, service String, channel String, target String,
        payload String, dedup_key String, created_at Int64, next_attempt_at Int64, attempts UInt32, status String,
        last_error Nullable(String), delivered_at Nullable(Int64), claimed_by String, ver UInt64)
        ENGINE = ReplacingMergeTree(ver) ORDER BY id`,
      `CREATE TABLE IF NOT EXISTS ${t('retrain_state')} (service String, state String, ver UInt64)
        ENGINE = ReplacingMergeTree(ver) ORDER BY service`,
      `CREATE TABLE IF NOT EXISTS ${t('retrain_request')} (service String, at Int64, body String, seq UInt64)
        ENGINE = MergeTree ORDER BY (service, at, seq)`,

      // ---- drift ----
      `CREATE TABLE IF NOT EXISTS ${t('baseline')} (id String, service String, model String, created_at Int64, rows UInt64,
        features String, ver UInt64) ENGINE = MergeTree ORDER BY (service, id)`,
      `CREATE TABLE IF NOT EXISTS ${t('baseline_column')} (baseline_id String, feature String, data String)
        ENGINE = MergeTree ORDER BY (baseline_id, feature)`,
      `CREATE TABLE IF NOT EXISTS ${t('drift_cell')} (service String, layout String, resolution String, bucket Int64, attr String,
        value String, model String, feature String, ver UInt64, write_id String, data String)
        ENGINE = MergeTree ORDER BY (service, layout, resolution, bucket)`,
      `CREATE TABLE IF NOT EXISTS ${t('drift_state')} (ver UInt64, write_id String, state String) ENGINE = MergeTree ORDER BY ver`,
      // dropDriftLayouts: cells of the service older than the drop and of another layout are gone.
      `CREATE TABLE IF NOT EXISTS ${t('drift_drop')} (service String, keep String, ver UInt64) ENGINE = MergeTree ORDER BY service`,

      // ---- evals ----
      `CREATE TABLE IF NOT EXISTS ${t('golden_set')} (id String, service String, name String, created_at Int64, examples UInt64,
        segments String, ver UInt64) ENGINE = MergeTree ORDER BY (service, name, id)`,
      `CREATE TABLE IF NOT EXISTS ${t('golden_example')} (set_id String, idx UInt32, id String, segment String, input String, expected String)
        ENGINE = MergeTree ORDER BY (set_id, idx)`,
      `CREATE TABLE IF NOT EXISTS ${t('eval_run')} (id String, service String, kind String, name String, golden_set_id Nullable(String),
        status String, triggered_by String, started_at Int64, finished_at Nullable(Int64), model String, total UInt64, summary String,
        error Nullable(String), ver UInt64) ENGINE = ReplacingMergeTree(ver) ORDER BY id`,
      `CREATE TABLE IF NOT EXISTS ${t('eval_result')} (run_id String, idx UInt32, example_id String, segment String,
        request_id Nullable(String), model String, verdict Nullable(UInt8), score Nullable(Float64), prediction Nullable(String),
        baseline_verdict Nullable(UInt8), weight Float64, latency_ms Float64, attempts UInt32, error Nullable(String), ver UInt64)
        ENGINE = ReplacingMergeTree(ver) ORDER BY (run_id, idx)`,

      // ---- labeling: items are immutable; labels, flags and leases are derived from the rows below ----
      `CREATE TABLE IF NOT EXISTS ${t('label_item')} (id String, service String, request_id String, day Int64, created_at Int64,
        sampling_prob Float64, stratum String, needed UInt32, request String, ver UInt64)
        ENGINE = MergeTree ORDER BY (service, request_id)`,
      `CREATE TABLE IF NOT EXISTS ${t('label_lease')} (item_id String, labeler String, until Int64, ver UInt64)
        ENGINE = MergeTree ORDER BY item_id`,
      `CREATE TABLE IF NOT EXISTS ${t('label_action')} (item_id String, service String, request_id String, labeler String, at Int64,
        action String, label Nullable(String), note Nullable(String), ver UInt64)
        ENGINE = MergeTree ORDER BY (service, at, ver)`,

      // ---- keys and engine state ----
      // hash is SHA-256 of the secret; the secret is never stored. A revoke writes revoked = 1.
      `CREATE TABLE IF NOT EXISTS ${t('api_key')} (hash String, id String, role String, service Nullable(String), created_at Int64,
        revoked UInt8, ver UInt64) ENGINE = ReplacingMergeTree(ver) ORDER BY hash`,
      `CREATE TABLE IF NOT EXISTS ${t('engine_state')} (key String, value String, ver UInt64)
        ENGINE = ReplacingMergeTree(ver) ORDER BY key`,
    ],
  },
  {
    version: 2,
    name: 'claims and compaction',
    statements: (t) => [
      // One row per identity (i/<inference id>, o/<outcome key>) a write adds; aborted = 1 rows withdraw
      // a write's claims (claims.ts). Partitioned by the event's day, so retention drops them with the events.
      `CREATE TABLE IF NOT EXISTS ${t('write_claim')} (day UInt32, service String, key String, write_id String, ver UInt64, aborted UInt8)
        ENGINE = MergeTree PARTITION BY day ORDER BY (service, key)`,
      // A published compaction of one delta table's day: readers of the day follow the highest cutoff (compaction.ts).
      `CREATE TABLE IF NOT EXISTS ${t('compaction')} (tbl String, day UInt32, cutoff UInt64, write_id String, published UInt64)
        ENGINE = MergeTree ORDER BY (tbl, day, cutoff)`,
    ],
  },
];

export const SCHEMA_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

async function appliedVersions(db: Db): Promise<Set<number>> {
  const rows = await db.rows<{ version: number }>(`SELECT DISTINCT version FROM ${db.table('schema_migrations')}`, 'reading the schema version');
  return new Set(rows.map((r) => Number(r.version)));
}

/**
 * Creates the database when missing and applies the migrations it lacks, in order; returns the versions
 * applied. Safe to call any number of times, from several processes at once.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await db.exec(`CREATE DATABASE IF NOT EXISTS ${ident(db.database)}`, 'creating the database');
  await db.exec(`CREATE TABLE IF NOT EXISTS ${db.table('schema_migrations')} (version UInt32, name String, applied_at Int64)
    ENGINE = ReplacingMergeTree ORDER BY version`, 'creating schema_migrations');
  const latest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  const applied = await appliedVersions(db);
  const newest = Math.max(0, ...applied);
  if (newest > latest) {
    throw new MlsloError('MLSLO_ERR_STORE_UNAVAILABLE', `the ClickHouse schema is version ${newest}, newer than this mlslo knows (${latest}); upgrade mlslo`);
  }
  const done: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    for (const statement of m.statements((name) => db.table(name))) await db.exec(statement, `migration ${m.version} (${m.name})`);
    await db.exec(`INSERT INTO ${db.table('schema_migrations')} (version, name, applied_at) VALUES (${int(m.version)}, ${str(m.name)}, ${int(Date.now())})`,
      `recording migration ${m.version}`);
    done.push(m.version);
  }
  return done;
}

/** For a process that must not migrate (an API replica): the schema must already be current. */
export async function checkSchema(db: Db): Promise<void> {
  const tables = await db.rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = ${str(db.database)} AND name = 'schema_migrations'`,
    'reading the schema version');
  const newest = tables.length === 0 ? 0 : Math.max(0, ...await appliedVersions(db));
  if (newest !== SCHEMA_VERSION) {
    throw new MlsloError('MLSLO_ERR_STORE_UNAVAILABLE', `the ClickHouse schema is version ${newest}, this mlslo needs ${SCHEMA_VERSION}; run \`mlslo migrate\``);
  }
}
