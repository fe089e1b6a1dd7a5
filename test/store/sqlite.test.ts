import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { isMlsloError, type ErrorCode } from '../../src/core/errors.ts';
import { openStore } from '../../src/store/open-store.ts';
import { refKey, type Store } from '../../src/store/port.ts';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../src/store/sqlite/migrations.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { prepareStatements } from '../../src/store/sqlite/statements.ts';
import { cellOf, inference, storeContract, write } from './contract.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mlslo-store-'));
}

function rejectsWith(code: ErrorCode, withCause = true): (e: unknown) => boolean {
  return (e) => {
    assert.ok(isMlsloError(e), `expected MlsloError ${code}, got ${String(e)}`);
    assert.equal(e.code, code);
    if (withCause) assert.ok(e.cause !== undefined, 'the SQLite error is chained as cause');
    return true;
  };
}

const T = Date.UTC(2026, 10, 28, 10, 59);

storeContract('sqlite', () => {
  const dir = tempDir();
  const path = join(dir, 'mlslo.sqlite');
  let current: Store = openSqliteStore({ path });
  return Promise.resolve({
    store: current,
    reopen: async () => {
      await current.close();
      current = openSqliteStore({ path });
      return current;
    },
    cleanup: async () => {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}, { durable: true });

describe('sqlite store', () => {
  it('runs in WAL mode with synchronous=FULL and a 5 s busy timeout', async () => {
    const dir = tempDir();
    try {
      const s = openSqliteStore({ path: join(dir, 'a.sqlite') });
      assert.deepEqual(s.settings(), { journalMode: 'wal', synchronous: 2, busyTimeout: 5000, cacheSize: -262144, schemaVersion: SCHEMA_VERSION });
      await s.close();
      const raw = new Database(join(dir, 'a.sqlite'));
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal', 'WAL is persistent in the file');
      raw.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates once: reopening and re-running migrations change nothing', async () => {
    const dir = tempDir();
    const path = join(dir, 'm.sqlite');
    try {
      await openSqliteStore({ path }).close();
      await openSqliteStore({ path }).close();
      const raw = new Database(path);
      assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.deepEqual(migrate(raw), []);
      assert.deepEqual(migrate(raw), []);
      const tables = raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
      assert.deepEqual(tables, ['alert', 'alert_transition', 'api_key', 'baseline', 'baseline_column', 'delivery', 'drift_cell', 'drift_state',
        'engine_state', 'eval_result', 'eval_run', 'golden_example', 'golden_set', 'inference', 'label_action', 'label_item', 'outcome',
        'retrain_request', 'retrain_state', 'rollup_d', 'rollup_h', 'rollup_m', 'verdict_step', 'verdict_time_d', 'verdict_time_h', 'verdict_time_m']);
      // A migration set with a new version applies just that one.
      const next = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'test', sql: 'CREATE TABLE extra (x)' }];
      assert.deepEqual(migrate(raw, next), [SCHEMA_VERSION + 1]);
      assert.deepEqual(migrate(raw, next), []);
      raw.close();
      // This mlslo now finds a schema newer than it knows: refuse rather than guess.
      assert.throws(() => openSqliteStore({ path }), rejectsWith('MLSLO_ERR_STORE_UNAVAILABLE', false));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pages inferences and leases label items through their indexes', async () => {
    const dir = tempDir();
    const path = join(dir, 'plan.sqlite');
    try {
      await openSqliteStore({ path }).close();
      const raw = new Database(path, { readonly: true });
      const st = prepareStatements(raw);
      const plan = (stmt: { source: string }, params: unknown): string => (raw.prepare(`EXPLAIN QUERY PLAN ${stmt.source}`).all(params) as Array<{ detail: string }>)
        .map((r) => r.detail).join('\n');
      assert.match(plan(st.inferencesByTime, ['s', 0, 1, 10]), /SEARCH inference USING INDEX inference_by_time \(service=\? AND ts>\? AND ts<\?\)/);
      assert.match(plan(st.inferencesByTimeAfter, ['s', 0, 'r', 1, 10]),
        /SEARCH inference USING INDEX inference_by_time \(service=\? AND \(ts,id\)>\(\?,\?\) AND ts<\?\)/, 'the cursor bounds the index range');
      assert.match(plan(st.labels.nextFree, { services: '["s"]', now: 0, labeler: 'k' }), /SEARCH i USING INDEX label_item_open/,
        'done and flagged items are not scanned');
      raw.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two connections starting eval runs in the same millisecond get distinct, ordered ids', async () => {
    const dir = tempDir();
    const path = join(dir, 'runs.sqlite');
    try {
      const a = openSqliteStore({ path });
      const b = openSqliteStore({ path });
      const run = { service: 'svc', kind: 'golden' as const, name: 'smoke', goldenSetId: undefined, trigger: 'api', startedAt: T, model: '', total: 1 };
      const ids = [await a.createEvalRun(run), await b.createEvalRun(run), await a.createEvalRun(run)];
      assert.equal(new Set(ids).size, 3);
      assert.deepEqual([...ids].sort(), ids, 'creation order within the millisecond');
      assert.deepEqual((await b.listEvalRuns({ service: 'svc', limit: 10 })).map((r) => r.id), [...ids].reverse());
      await a.close();
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('openStore creates the data directory and <dataDir>/mlslo.sqlite', async () => {
    const dir = tempDir();
    try {
      const dataDir = join(dir, 'nested', 'data');
      const s = await openStore(dataDir);
      assert.equal(s.kind, 'sqlite');
      assert.ok(existsSync(join(dataDir, 'mlslo.sqlite')));
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a key created by another process is honoured at once by an open store', async () => {
    const dir = tempDir();
    try {
      const server = await openStore(dir);
      await server.commitIngest(write({ inferences: [{ event: inference('r-1'), contentHash: 'h', inputClass: 'short', eligible: true, verdict: undefined }] }));
      const hash = 'e'.repeat(64);
      assert.equal(await server.findKey(hash), undefined);
      execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'create-key.ts'), dir, hash], { stdio: 'pipe' });
      assert.deepEqual(await server.findKey(hash), { id: 'k_eeeeeeee', hash, role: 'ingest', service: 'fraud-scorer', createdAt: 42 });
      // and a second connection in this process too
      const other = await openStore(dir);
      await other.createKey({ id: 'k2', hash: 'f'.repeat(64), role: 'read', service: undefined, createdAt: 43 });
      assert.equal((await server.findKey('f'.repeat(64)))?.id, 'k2');
      await other.close();
      await server.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sees rollups written by another connection (cache invalidated)', async () => {
    const dir = tempDir();
    const path = join(dir, 'c.sqlite');
    try {
      const a = openSqliteStore({ path });
      const b = openSqliteStore({ path });
      const d = { service: 'svc', minute: T, model: 'v1', attr: '', value: '' };
      await a.commitIngest(write({ rollups: [{ ...d, cell: cellOf({ ok: [10] }) }] }));
      await b.commitIngest(write({ rollups: [{ ...d, cell: cellOf({ ok: [20] }) }] }));
      await a.commitIngest(write({ rollups: [{ ...d, cell: cellOf({ ok: [30] }) }] }));
      const rows = await b.readRollups({ service: 'svc', resolution: 'h', from: 0, to: T * 2, cohorts: false });
      assert.equal(rows[0]?.cell.total, 3);
      await a.close();
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a full disk rejects the commit with MLSLO_ERR_STORE_FULL and keeps nothing of it', async () => {
    const dir = tempDir();
    const path = join(dir, 'full.sqlite');
    try {
      await openSqliteStore({ path }).close();
      const s = openSqliteStore({ path, maxPageCount: 40 });
      const d = { service: 'svc', minute: T, model: 'v1', attr: '', value: '' };
      await s.commitIngest(write({ rollups: [{ ...d, cell: cellOf({ ok: [10] }) }] }));
      const big = Array.from({ length: 2000 }, (_, i) => ({ event: inference(`big-${i}`), contentHash: 'h', inputClass: 'short', eligible: true, verdict: undefined }));
      await assert.rejects(s.commitIngest(write({ inferences: big, rollups: [{ ...d, cell: cellOf({ ok: [20] }) }] })), rejectsWith('MLSLO_ERR_STORE_FULL'));
      const snap = await s.lookupForIngest({ inferences: [{ service: 'fraud-scorer', id: 'big-0' }], requests: [], outcomeKeys: [] });
      assert.equal(snap.inferences.has(refKey('fraud-scorer', 'big-0')), false, 'rolled back');
      // the in-memory rollup cache was rolled back too: the next small commit merges onto the stored row
      await s.commitIngest(write({ rollups: [{ ...d, cell: cellOf({ ok: [30] }) }] }));
      const rows = await s.readRollups({ service: 'svc', resolution: 'm', from: T, to: T + 1, cohorts: false });
      assert.equal(rows[0]?.cell.total, 2);
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('read-only storage rejects writes with MLSLO_ERR_STORE_UNAVAILABLE and still reads', async () => {
    const dir = tempDir();
    const path = join(dir, 'ro.sqlite');
    try {
      const w = openSqliteStore({ path });
      await w.createKey({ id: 'k1', hash: 'a'.repeat(64), role: 'admin', service: undefined, createdAt: 1 });
      const ro = openSqliteStore({ path, readonly: true });
      assert.equal((await ro.findKey('a'.repeat(64)))?.id, 'k1');
      await assert.rejects(ro.createKey({ id: 'k2', hash: 'b'.repeat(64), role: 'admin', service: undefined, createdAt: 2 }), rejectsWith('MLSLO_ERR_STORE_UNAVAILABLE'));
      await assert.rejects(ro.commitIngest(write({ inferences: [{ event: inference('x'), contentHash: 'h', inputClass: 'short', eligible: true, verdict: undefined }] })),
        rejectsWith('MLSLO_ERR_STORE_UNAVAILABLE'));
      await ro.close();
      await w.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cannot open a directory as the database: MLSLO_ERR_STORE_UNAVAILABLE', () => {
    const dir = tempDir();
    try {
      assert.throws(() => openSqliteStore({ path: dir }), rejectsWith('MLSLO_ERR_STORE_UNAVAILABLE'));
      assert.throws(() => openSqliteStore({ path: join(dir, 'missing.sqlite'), readonly: true }), rejectsWith('MLSLO_ERR_STORE_UNAVAILABLE'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a write lock held past the busy timeout gives MLSLO_ERR_OVERLOADED', async () => {
    const dir = tempDir();
    const path = join(dir, 'busy.sqlite');
    try {
      const s = openSqliteStore({ path, busyTimeoutMs: 50 });
      const other = new Database(path);
      other.exec('BEGIN IMMEDIATE');
      await assert.rejects(s.commitIngest(write({ rollups: [{ service: 'svc', minute: T, model: '', attr: '', value: '', cell: cellOf({ ok: [1] }) }] })),
        rejectsWith('MLSLO_ERR_OVERLOADED'));
      other.exec('ROLLBACK');
      other.close();
      await s.commitIngest(write({ rollups: [{ service: 'svc', minute: T, model: '', attr: '', value: '', cell: cellOf({ ok: [1] }) }] }));
      assert.equal((await s.readRollups({ service: 'svc', resolution: 'd', from: 0, to: T * 2, cohorts: false }))[0]?.cell.total, 1);
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
