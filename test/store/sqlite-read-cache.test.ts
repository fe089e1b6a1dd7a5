/**
 * The SQLite adapter's read cache of rollup buckets (rollup-cache.ts RollupReadCache) never serves a
 * stale bucket: a commit through the same store, or through another connection to the same file, is
 * seen by the next read; and reads with the cache give exactly what reads without it give.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { addLatency } from '../../src/core/latency-sketch.ts';
import { classAcc, createCell, type RollupCell } from '../../src/core/rollup.ts';
import type { IngestWrite, Resolution, RollupDelta, RollupRow, Store } from '../../src/store/port.ts';
import { RollupReadCache } from '../../src/store/sqlite/rollup-cache.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20);

function cell(n: number, latency: number): RollupCell {
  const c = createCell();
  c.total = n;
  c.ok = n;
  const acc = classAcc(c, 'short');
  acc.ok = n;
  acc.fast = n;
  addLatency(acc.sketch, latency, n);
  return c;
}

function deltas(minute: number, n: number): RollupDelta[] {
  return [
    { service: 'svc', minute, model: 'v1', attr: '', value: '', cell: cell(2 * n, 10 + n) },
    { service: 'svc', minute, model: 'v1', attr: 'region', value: 'eu', cell: cell(n, 10 + n) },
    { service: 'svc', minute, model: 'v1', attr: 'region', value: 'us', cell: cell(n, 20 + n) },
  ];
}

function write(rollups: RollupDelta[]): IngestWrite {
  return { inferences: [], outcomes: [], verdicts: [], joinedOutcomes: [], verdictSteps: [], verdictTime: [], rollups };
}

/** A comparable form: bucket, key, counts and the sketch's count and sum. */
function summary(rows: readonly RollupRow[]): string[] {
  return rows.map((r) => {
    const k = r.cell.classes.short;
    return `${r.bucket} ${r.model} ${r.attr}=${r.value} total=${r.cell.total} ok=${r.cell.ok} sketch=${k?.sketch.sketch.count ?? 0}/${k?.sketch.sketch.sum ?? 0}`;
  });
}

async function read(s: Store, resolution: Resolution, from: number, to: number, cohorts: boolean, sketches: boolean): Promise<string[]> {
  return summary(await s.readRollups({ service: 'svc', resolution, from, to, cohorts, sketches }));
}

describe('sqlite rollup read cache', () => {
  it('sees commits through the same store and through another connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlslo-read-cache-'));
    const path = join(dir, 'db.sqlite');
    const a = openSqliteStore({ path });
    const b = openSqliteStore({ path });
    try {
      for (let m = 0; m < 3 * 60; m += 7) await a.commitIngest(write(deltas(T0 + m * MINUTE, 1 + (m % 5))));
      const before = await read(a, 'h', T0, T0 + DAY, true, true);
      assert.deepEqual(await read(a, 'h', T0, T0 + DAY, true, true), before, 'a second read is served from the cache, the same');

      // Same store: a commit into hour 1 changes that bucket only.
      await a.commitIngest(write(deltas(T0 + HOUR + 5 * MINUTE, 100)));
      const afterOwn = await read(a, 'h', T0, T0 + DAY, true, true);
      assert.notDeepEqual(afterOwn, before);
      assert.deepEqual(afterOwn, await read(b, 'h', T0, T0 + DAY, true, true), 'the other connection reads the same rows');

      // Another connection: data_version tells `a` its cache may be stale.
      await a.readRollups({ service: 'svc', resolution: 'd', from: T0, to: T0 + DAY, cohorts: false, sketches: false });
      await b.commitIngest(write(deltas(T0 + 2 * HOUR + 9 * MINUTE, 1000)));
      assert.deepEqual(await read(a, 'h', T0, T0 + DAY, true, true), await read(b, 'h', T0, T0 + DAY, true, true));
      assert.deepEqual(await read(a, 'd', T0, T0 + DAY, false, false), await read(b, 'd', T0, T0 + DAY, false, false));
      assert.match((await read(a, 'd', T0, T0 + DAY, false, false))[0]!, /total=\d{4,}/, 'the day row includes the 1000-event minute');
    } finally {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers every range and shape exactly as a store without the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlslo-read-cache-'));
    const cached = openSqliteStore({ path: join(dir, 'cached.sqlite') });
    const plain = openSqliteStore({ path: join(dir, 'plain.sqlite'), rollupCacheEntries: 0 });
    try {
      let seed = 7;
      const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
      const ranges: Array<[Resolution, number, number]> = [['m', T0, T0 + 3 * HOUR], ['m', T0 + 17 * MINUTE, T0 + HOUR + 3 * MINUTE],
        ['h', T0, T0 + DAY], ['h', T0 + 30 * MINUTE, T0 + 5 * HOUR], ['d', T0 - DAY, T0 + 2 * DAY], ['m', T0 + 5, T0 + 5]];
      for (let round = 0; round < 30; round++) {
        const w = write(deltas(T0 + Math.floor(rnd() * 180) * MINUTE, 1 + Math.floor(rnd() * 9)));
        await cached.commitIngest(w);
        await plain.commitIngest(w);
        for (const [res, from, to] of ranges) {
          for (const cohorts of [true, false]) {
            for (const sketches of [true, false]) {
              assert.deepEqual(await read(cached, res, from, to, cohorts, sketches), await read(plain, res, from, to, cohorts, sketches),
                `round ${round}: ${res} [${from}, ${to}) cohorts=${cohorts} sketches=${sketches}`);
            }
          }
        }
      }
    } finally {
      await cached.close();
      await plain.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stays within its byte budget, least recently used out first', () => {
    const cache = new RollupReadCache<number>(1000, (n) => n);
    cache.set('a', [300]);
    cache.set('b', [300]);
    assert.deepEqual(cache.get('a'), [300], 'a is now the most recently used');
    cache.set('c', [300]);
    assert.ok(cache.bytes <= 1000, `${cache.bytes} bytes held`);
    assert.equal(cache.get('b'), undefined, 'b was the least recently used');
    assert.deepEqual(cache.get('a'), [300]);
    assert.deepEqual(cache.get('c'), [300]);
    cache.set('huge', [5000]);
    assert.ok(cache.bytes <= 1000, 'an entry larger than the budget is not kept');
    cache.clear();
    assert.equal(cache.bytes, 0);
  });
});
