/**
 * The storage contract on a real ClickHouse server (test/helpers/clickhouse.ts), plus what only this
 * adapter has: the commit log, retention by partition, migrations and error mapping. One server for this
 * file, a fresh database per case, so cases are independent.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isMlsloError, type ErrorCode } from '../../src/core/errors.ts';
import { ClickHouseStore, migrateClickHouse, openClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.ts';
import { Db } from '../../src/store/clickhouse/db.ts';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../src/store/clickhouse/migrations.ts';
import { str } from '../../src/store/clickhouse/sql.ts';
import { openConfiguredStore } from '../../src/store/open-store.ts';
import { refKey, type IngestWrite, type Store } from '../../src/store/port.ts';
import { CLICKHOUSE_MISSING, startClickHouse, type ClickHouseServer } from '../helpers/clickhouse.ts';
import { freePort, waitFor } from '../helpers/wait.ts';
import { cellOf, inference, storeContract, write } from './contract.ts';

let server: Promise<ClickHouseServer> | undefined;
let databases = 0;

after(async () => {
  await (await server)?.stop();
});

async function serverUrl(): Promise<string> {
  server ??= startClickHouse();
  return (await server).url;
}

/** A fresh database and a store on it; `drop` removes the database. */
async function freshStore(): Promise<{ url: string; database: string; store: ClickHouseStore; drop: () => Promise<void> }> {
  const url = await serverUrl();
  const database = `mlslo_t${++databases}`;
  const store = await openClickHouseStore({ url, database });
  return { url, database, store, drop: () => sql(url, `DROP DATABASE IF EXISTS ${database}`).then(() => undefined) };
}

async function sql(url: string, query: string): Promise<string> {
  const res = await fetch(`${url}/`, { method: 'POST', body: query });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return text;
}

function rejectsWith(code: ErrorCode): (e: unknown) => boolean {
  return (e) => {
    assert.ok(isMlsloError(e), `expected MlsloError ${code}, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  };
}

const T = Date.UTC(2026, 10, 28, 10, 59);
const DAY_MS = 86_400_000;

if (CLICKHOUSE_MISSING) {
  describe('clickhouse store', () => {
    it('runs on a real ClickHouse server', { skip: CLICKHOUSE_MISSING }, () => {});
  });
} else {
  storeContract('clickhouse', async () => {
    const { url, database, store, drop } = await freshStore();
    let current: Store = store;
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = await openClickHouseStore({ url, database });
        return current;
      },
      cleanup: async () => {
        await current.close();
        await drop();
      },
    };
  }, { durable: true });

  describe('clickhouse store', () => {
    it('string literals round-trip through the server byte for byte', async () => {
      const url = await serverUrl();
      const db = new Db({ url, database: 'default' });
      try {
        for (const s of ["it's", 'a\\b', "\\'", '\\', 'l1\nl2\r\t\0\b\f', 'é 🙂 "x" `y`', "'; DROP DATABASE default; --"]) {
          const rows = await db.rows<{ v: string }>(`SELECT ${str(s)} AS v`, 'test');
          assert.equal(rows[0]?.v, s);
        }
      } finally {
        await db.close();
      }
    });

    it('a commit whose commit row never landed is invisible, and its retry counts once its claims expired', async () => {
      const { url, database, drop } = await freshStore();
      // Short claims: a crashed write's claims hold its events for claimTtl (docs/clickhouse.md).
      const timing = { claimTtlMs: 4000, compactLagMs: 4000 };
      const store = await openClickHouseStore({ url, database, timing });
      try {
        const e = inference('r-1', { ts: T });
        const w: IngestWrite = write({
          inferences: [{ event: e, contentHash: 'h', inputClass: 'short', eligible: true, verdict: undefined }],
          rollups: [{ service: e.service, minute: T, model: 'v7', attr: '', value: '', cell: cellOf({ ok: [10] }) }],
        });
        await store.commitIngest(w);
        await store.close();
        // A crash between the table inserts and the commit row: every row is there, the commit is not.
        await sql(url, `TRUNCATE TABLE ${database}.write_commit`);
        let s = await openClickHouseStore({ url, database, timing });
        const lookup = { inferences: [{ service: e.service, id: 'r-1' }], requests: [], outcomeKeys: [] };
        assert.equal((await s.lookupForIngest(lookup)).inferences.size, 0, 'ingest sees the event as new');
        assert.deepEqual(await s.readRollups({ service: e.service, resolution: 'd', from: 0, to: T + DAY_MS, cohorts: true }), []);
        assert.deepEqual(await s.readInferencesAfter({ afterSeq: 0, limit: 10 }), []);
        assert.equal(await s.lastInferenceSeq(), 0);
        // The client's retry, planned from that view, writes the same batch again: refused while the
        // crashed write's claims may still commit, accepted once they expired.
        await assert.rejects(s.commitIngest(w), rejectsWith('MLSLO_ERR_STORE_CONFLICT'));
        await waitFor('the crashed claims to expire', () => s.commitIngest(w).then(() => true, (e: unknown) => {
          if (isMlsloError(e) && e.code === 'MLSLO_ERR_STORE_CONFLICT') return undefined;
          throw e;
        }), 15_000, 500);
        await s.close();
        s = await openClickHouseStore({ url, database });
        assert.equal((await s.lookupForIngest(lookup)).inferences.get(refKey(e.service, 'r-1'))?.contentHash, 'h');
        const [day] = await s.readRollups({ service: e.service, resolution: 'd', from: 0, to: T + DAY_MS, cohorts: true });
        assert.equal(day?.cell.total, 1, 'counted once');
        assert.equal((await s.readInferencesAfter({ afterSeq: 0, limit: 10 })).length, 1);
        await s.close();
      } finally {
        await drop();
      }
    });

    it('drops raw-event partitions of days before the retention limit, and keeps rollups', async () => {
      const { store, drop } = await freshStore();
      try {
        const old = inference('r-old', { ts: T - 2 * DAY_MS });
        const recent = inference('r-new', { ts: T });
        const rec = (e: typeof old) => ({ event: e, contentHash: `h-${e.id}`, inputClass: 'short', eligible: true, verdict: undefined });
        await store.commitIngest(write({
          inferences: [rec(old), rec(recent)],
          rollups: [{ service: old.service, minute: T - 2 * DAY_MS, model: 'v7', attr: '', value: '', cell: cellOf({ ok: [10] }) }],
        }));
        assert.equal(await store.dropBefore(Math.floor(T / DAY_MS)), 1, 'one day of inferences; no outcome or step partitions exist');
        assert.deepEqual((await store.readInferencesAfter({ afterSeq: 0, limit: 10 })).map((t) => t.event.id), ['r-new']);
        assert.equal((await store.readRollups({ service: old.service, resolution: 'd', from: 0, to: T + DAY_MS, cohorts: false })).length, 1);
        assert.equal(await store.dropBefore(Math.floor(T / DAY_MS)), 0, 'nothing left to drop');
      } finally {
        await store.close();
        await drop();
      }
    });

    it('migrates once: re-running applies nothing and the version is recorded', async () => {
      const { url, database, store, drop } = await freshStore();
      const db = new Db({ url, database });
      try {
        assert.deepEqual(await migrate(db), []);
        assert.equal((await sql(url, `SELECT max(version) FROM ${database}.schema_migrations`)).trim(), String(SCHEMA_VERSION));
        const next = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'test', statements: (t: (n: string) => string) => [`CREATE TABLE IF NOT EXISTS ${t('extra')} (x UInt8) ENGINE = Memory`] }];
        assert.deepEqual(await migrate(db, next), [SCHEMA_VERSION + 1]);
        await assert.rejects(migrate(db), rejectsWith('MLSLO_ERR_STORE_UNAVAILABLE'), 'a newer schema is refused');
      } finally {
        await db.close();
        await store.close();
        await drop();
      }
    });

    it('an unreachable server is a retryable MLSLO_ERR_STORE_UNAVAILABLE, on open and on commit', async () => {
      const url = `http://127.0.0.1:${await freePort()}`;
      await assert.rejects(openClickHouseStore({ url, database: 'mlslo_gone', requestTimeoutMs: 2000 }), rejectsWith('MLSLO_ERR_STORE_UNAVAILABLE'));
      const s = new ClickHouseStore(new Db({ url, database: 'mlslo_gone', requestTimeoutMs: 2000 }));
      try {
        const e = inference('r-1');
        await assert.rejects(s.commitIngest(write({ inferences: [{ event: e, contentHash: 'h', inputClass: 'short', eligible: true, verdict: undefined }] })),
          rejectsWith('MLSLO_ERR_STORE_UNAVAILABLE'));
      } finally {
        await s.close();
      }
    });

    it('`mlslo migrate` creates and migrates a database; the configured store opens it', async () => {
      const url = await serverUrl();
      const database = `mlslo_t${++databases}`;
      try {
        assert.deepEqual(await migrateClickHouse({ url, database }), MIGRATIONS.map((m) => m.version));
        assert.deepEqual(await migrateClickHouse({ url, database }), []);
        const s = await openConfiguredStore({ store: 'clickhouse', data: '/nonexistent', clickhouse: { url, database } });
        assert.equal(s.kind, 'clickhouse');
        await s.close();
      } finally {
        await sql(url, `DROP DATABASE IF EXISTS ${database}`);
      }
    });

    it('a store opened without migrating refuses a database that was never migrated', async () => {
      const url = await serverUrl();
      await assert.rejects(openClickHouseStore({ url, database: 'mlslo_never', migrate: false }), rejectsWith('MLSLO_ERR_STORE_UNAVAILABLE'));
    });
  });
}
