/**
 * Compaction of the ClickHouse delta tables (src/store/clickhouse/compaction.ts) on a real server: reads
 * answer the same bytes before and after, a crash before the compaction row changes nothing, writes
 * after the cutoff or during compaction stay counted, and a collected day holds one row per cell.
 * Timing is shortened (8 s claims, 6 s lag) so the cutoff passes within a test.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { addValue, emptyHistogram, type FeatureHistogram } from '../../src/core/drift/histogram.ts';
import { ClickHouseStore, openClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.ts';
import { Db } from '../../src/store/clickhouse/db.ts';
import { commitTiming } from '../../src/store/clickhouse/timing.ts';
import type { Resolution } from '../../src/store/port.ts';
import { cellToColumns } from '../../src/store/sqlite/converters.ts';
import { CLICKHOUSE_MISSING, startClickHouse, type ClickHouseServer } from '../helpers/clickhouse.ts';
import { waitFor } from '../helpers/wait.ts';
import { cellOf, write } from './contract.ts';

const TIMING = { claimTtlMs: 8000, compactLagMs: 6000, gcGraceMs: 0 };
const SVC = 'svc';
const DAY_MS = 86_400_000;
const DAY = Date.UTC(2026, 10, 28);
const RANGE = { from: DAY - DAY_MS, to: DAY + DAY_MS };
const LAYOUT = { kind: 'numeric' as const, edges: [10, 20], exact: true };

let server: Promise<ClickHouseServer> | undefined;
let databases = 0;
after(async () => {
  await (await server)?.stop();
});

async function fresh(): Promise<{ url: string; database: string; store: ClickHouseStore }> {
  server ??= startClickHouse();
  const { url } = await server;
  const database = `mlslo_c${++databases}`;
  return { url, database, store: await openClickHouseStore({ url, database, timing: TIMING }) };
}

async function sql(url: string, query: string): Promise<string> {
  const res = await fetch(`${url}/`, { method: 'POST', body: query });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return text.trim();
}

/** A Db that fails where a crash would stop a compactor: after the merged rows, before the compaction row. */
class CrashBeforePublishDb extends Db {
  override exec(query: string, what: string): Promise<void> {
    if (what.startsWith('publishing')) return Promise.reject(new Error('crash before publishing'));
    return super.exec(query, what);
  }
}

function hist(...xs: number[]): FeatureHistogram {
  const h = emptyHistogram(LAYOUT);
  for (const x of xs) addValue(h, LAYOUT, x);
  return h;
}

/** Commit i: rollups on two days with cohorts, errors and latencies; verdict-time rows; a drift cell. */
async function commitSome(s: ClickHouseStore, i: number): Promise<void> {
  const minute = DAY + (i % 7) * 60_000;
  const rollups = [minute, minute - DAY_MS].flatMap((m) => [
    { service: SVC, minute: m, model: 'v7', attr: '', value: '', cell: cellOf({ ok: [10 + i, 200 + 3 * i], slow: [900 + i], errors: i % 4 === 0 ? ['timeout'] : [] }) },
    { service: SVC, minute: m, model: 'v7', attr: 'region', value: i % 2 === 0 ? 'eu' : 'us', cell: cellOf({ ok: [50 + i] }) },
  ]);
  const quality = { judged: 1, good: i % 3 === 0 ? 0 : 1, sumW: 1.5, sumW2: 2.25, sumWGood: i % 3 === 0 ? 0 : 1.5 };
  await s.commitIngest(write({ rollups, verdictTime: [{ service: SVC, minute, model: 'v7', quality }] }));
  await s.mergeDriftCells([{ service: SVC, layout: 'L1', resolution: 'h', bucket: DAY, model: 'v7', feature: 'amount', attr: '', value: '', hist: hist(i, i * 3) }],
    JSON.stringify({ watermark: i }));
}

/** Everything a report reads, with rollup cells as their stored bytes (sketches included). */
async function snapshot(s: ClickHouseStore): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const resolution of ['m', 'h', 'd'] as Resolution[]) {
    out[`rollup-${resolution}`] = (await s.readRollups({ service: SVC, resolution, ...RANGE, cohorts: true })).map((r) => ({ ...r, cell: cellToColumns(r.cell) }));
    out[`verdict-${resolution}`] = await s.readVerdictTime(SVC, resolution, RANGE.from, RANGE.to);
  }
  out.drift = await s.readDriftCells({ service: SVC, layout: 'L1', resolution: 'h', ...RANGE, cohorts: true });
  out.cohorts = await s.listCohortValues(SVC);
  return out;
}

/** Events counted (cohorts aside) by commits 0 … n−1 of commitSome, by hand: per day 2 ok + 1 slow, an error every 4th. */
function expectedTotal(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += 2 * (3 + (i % 4 === 0 ? 1 : 0));
  return total;
}

async function totalOf(s: ClickHouseStore): Promise<number> {
  return (await s.readRollups({ service: SVC, resolution: 'd', ...RANGE, cohorts: false })).reduce((n, r) => n + r.cell.total, 0);
}

/** Until every write so far is below a compaction cutoff. */
function pastLag(): Promise<void> {
  return new Promise((r) => setTimeout(r, TIMING.compactLagMs + 1500));
}

async function mutationsDone(url: string, database: string): Promise<void> {
  await waitFor('GC mutations to finish', async () => (await sql(url, `SELECT count() FROM system.mutations WHERE database = '${database}' AND is_done = 0`)) === '0' ? true : undefined);
}

if (CLICKHOUSE_MISSING) {
  describe('clickhouse compaction', () => {
    it('runs on a real ClickHouse server', { skip: CLICKHOUSE_MISSING }, () => {});
  });
} else {
  describe('clickhouse compaction', () => {
    it('reads are byte-identical after compaction, a crash before publishing changes nothing, later writes count, a collected day is O(cells)', async () => {
      const { url, database, store } = await fresh();
      const crashing = new ClickHouseStore(new CrashBeforePublishDb({ url, database }), commitTiming(TIMING));
      try {
        for (let i = 0; i < 30; i++) await commitSome(store, i);
        const before = await snapshot(store);
        assert.equal(await totalOf(store), expectedTotal(30));
        const rowsBefore = Number(await sql(url, `SELECT count() FROM ${database}.rollup WHERE day = ${DAY / DAY_MS}`));
        await pastLag();

        await assert.rejects(crashing.compact(Date.now()), /crash before publishing/);
        assert.deepEqual(await snapshot(store), before, 'merged rows of an unpublished compaction count for nothing');

        const reports = await store.compact(Date.now());
        assert.deepEqual([...new Set(reports.map((r) => r.table))].sort(), ['drift_cell', 'rollup', 'verdict_time']);
        const today = reports.find((r) => r.table === 'rollup' && r.day === DAY / DAY_MS)!;
        assert.equal(today.rowsIn, rowsBefore, 'every delta row of the day was folded (the crashed run\'s rows were not)');
        assert.ok(today.rowsOut < today.rowsIn / 5);
        assert.deepEqual(await snapshot(store), before, 'identical after compaction');

        // A write after the cutoff counts on top of the compacted rows; so does the next compaction.
        await commitSome(store, 30);
        const withLate = await snapshot(store);
        assert.notDeepEqual(withLate, before);
        assert.equal(await totalOf(store), expectedTotal(31));
        assert.deepEqual(await store.compact(Date.now()), [], 'nothing new below the cutoff yet');
        await pastLag();
        assert.ok((await store.compact(Date.now())).length > 0);
        assert.deepEqual(await snapshot(store), withLate);

        // The next run collects what the published compactions replaced.
        assert.deepEqual(await store.compact(Date.now()), []);
        await mutationsDone(url, database);
        assert.deepEqual(await snapshot(store), withLate, 'identical after garbage collection');
        const cells = Number(await sql(url, `SELECT count() FROM (SELECT DISTINCT resolution, service, bucket, model, attr, value FROM ${database}.rollup WHERE day = ${DAY / DAY_MS})`));
        assert.equal(Number(await sql(url, `SELECT count() FROM ${database}.rollup WHERE day = ${DAY / DAY_MS}`)), cells, 'one row per cell');
        assert.ok(cells < rowsBefore / 5);
      } finally {
        await crashing.close();
        await store.close();
      }
    });

    it('commits racing compaction runs are all counted once, and refused commits not at all', async () => {
      const { url, database, store } = await fresh();
      const writer = await openClickHouseStore({ url, database, timing: TIMING });
      try {
        let committed = 0;
        let refused = 0;
        let writing = true;
        const writes = (async () => {
          for (let i = 0; writing; i++) {
            const minute = DAY + (i % 5) * 60_000;
            try {
              await writer.commitIngest(write({ rollups: [{ service: SVC, minute, model: 'v7', attr: '', value: '', cell: cellOf({ ok: [i % 100] }) }] }));
              committed++;
            } catch (e) {
              if (!(e instanceof Error && 'code' in e && e.code === 'MLSLO_ERR_STORE_CONFLICT')) throw e;
              refused++;
            }
          }
        })();
        await pastLag();
        let runs = 0;
        for (const until = Date.now() + 8000; Date.now() < until; runs++) {
          await store.compact(Date.now());
          // The writer is sequential: at most one commit is in flight while the total is read.
          const low = committed;
          const total = await totalOf(store);
          assert.ok(total >= low && total <= committed + 1, `total ${total} within [${low}, ${committed + 1}]: nothing lost mid-run`);
        }
        writing = false;
        await writes;
        assert.equal(await totalOf(store), committed);
        await pastLag();
        await store.compact(Date.now());
        await store.compact(Date.now());
        await mutationsDone(url, database);
        assert.equal(await totalOf(store), committed, `${committed} commits, ${refused} refused, ${runs} compaction runs`);
        assert.ok(committed > 50);
      } finally {
        await writer.close();
        await store.close();
      }
    });
  });
}
