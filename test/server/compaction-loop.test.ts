/**
 * The evaluator role compacts (issue 10; docs/clickhouse.md, "Compaction"): an evaluator on ClickHouse
 * runs the store's `maintain` every `compactInterval`, which folds the delta rows every commit adds —
 * rollups, verdict-time rows, drift histograms — into one row per cell, while every report, quality
 * document, series and drift report stays exactly what it was.
 *
 * An ingest replica takes the events in many small batches (so each open cell gathers many delta rows), a
 * first evaluator folds drift and never compacts (compactInterval 1h), the api replica's answers are
 * recorded; then a second evaluator starts with compactInterval 1s. Timing is shortened (6 s compaction
 * lag, no GC grace) for every process on the database, as every process on one database must share it.
 *
 * Real ClickHouse 18.16 (test/helpers/clickhouse.ts); SKIPPED, with the install command, without it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunningServer } from '../../src/server/run.ts';
import { migrateConfiguredStore, type StoreConfig } from '../../src/store/open-store.ts';
import { CLICKHOUSE_MISSING, startClickHouse, type ClickHouseServer } from '../helpers/clickhouse.ts';
import { createKey, getJson, postJson, startReplica, type Clock } from '../helpers/replica.ts';
import { waitFor } from '../helpers/wait.ts';

const TIMING = { claimTtlMs: 8000, compactLagMs: 6000, gcGraceMs: 0 };
const DATABASE = 'compaction_loop';
const SERVICE = 'fraud';
const MIN = 60_000;
const BATCHES = 20;
const PER_BATCH = 30;

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: ${SERVICE}, owner: risk-ml, oncall: sre, tier: 1}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.999, latency: 0.99, quality: 0.9}
  latency: {classes: [{name: all, thresholdMs: 1000}]}
  cohorts: [region]
  drift:
    features: {amount: numeric, country: categorical}
`;

/** Batch b: inferences spread over the last 2 hours before `t` (so every batch adds to the same hour and day cells) and their outcomes. */
function batch(b: number, t: number): string {
  const items = Array.from({ length: PER_BATCH }, (_, k) => {
    const i = b * PER_BATCH + k;
    const ts = t - 2 * 60 * MIN + (i % 120) * MIN;
    const inference = {
      kind: 'inference', id: `r-${i}`, service: SERVICE, model: i % 2 === 0 ? 'v1' : 'v2', ts: new Date(ts).toISOString(),
      cohort: { region: i % 3 === 0 ? 'eu' : 'us' }, features: { amount: 20 + (i * 37) % 100, country: ['US', 'DE', 'FR'][i % 3] },
      ...(i % 11 === 0 ? { status: 'error', errorType: 'gpu_oom' } : { status: 'ok', latencyMs: 40 + (i % 50) * 25, prediction: { label: i % 5 === 0 ? 'fraud' : 'legit' } }),
    };
    const outcome = i % 11 === 0 || i % 2 === 1 ? [] : [{
      kind: 'outcome', requestId: `r-${i}`, service: SERVICE, ts: new Date(ts + MIN).toISOString(), source: 'ground_truth', label: i % 7 === 0 ? 'fraud' : 'legit',
    }];
    return [inference, ...outcome];
  });
  return JSON.stringify(items.flat());
}

function baselineNdjson(): string {
  return Array.from({ length: 300 }, (_, j) => JSON.stringify({ amount: 20 + ((j * 37) % 100), country: ['US', 'DE', 'FR'][j % 3] })).join('\n');
}

async function sql(url: string, query: string): Promise<string> {
  const res = await fetch(`${url}/`, { method: 'POST', body: query });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return text.trim();
}

/** Each delta table's rows and distinct cells, per day: `table day rows cells` lines. */
async function rowsPerCell(url: string): Promise<string[]> {
  const tables = [
    ['rollup', 'day', 'resolution, service, bucket, model, attr, value'],
    ['verdict_time', 'day', 'resolution, service, bucket, model'],
    ['drift_cell', 'intDiv(bucket, 86400000)', 'service, layout, resolution, bucket, attr, value, model, feature'],
  ] as const;
  const lines: string[] = [];
  for (const [table, day, cell] of tables) {
    const out = await sql(url, `SELECT '${table}', ${day} AS d, count(), uniqExact(${cell}) FROM ${DATABASE}.${table} GROUP BY d ORDER BY d FORMAT TSV`);
    lines.push(...out.split('\n').filter((l) => l !== ''));
  }
  return lines;
}

const oneRowPerCell = (lines: readonly string[]): boolean => lines.every((l) => {
  const [, , rows, cells] = l.split('\t');
  return rows === cells;
});

function metric(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
}

test('an evaluator on ClickHouse compacts every compactInterval: one row per cell, the same answers', { skip: CLICKHOUSE_MISSING, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-compaction-loop-'));
  const started: RunningServer[] = [];
  let clickhouse: ClickHouseServer | undefined;
  try {
    clickhouse = await startClickHouse();
    const specFile = join(dir, 'spec.yaml');
    writeFileSync(specFile, SPEC);
    const ch: StoreConfig = { store: 'clickhouse', data: join(dir, 'unused'), clickhouse: { url: clickhouse.url, database: DATABASE } };
    await migrateConfiguredStore(ch);
    // The events' clock: now, to the minute. Compaction follows the wall clock whatever this says.
    const clock: Clock = { now: Math.floor(Date.now() / MIN) * MIN };
    const start = async (role: 'ingest' | 'api' | 'evaluator', compactInterval: string): Promise<RunningServer> => {
      const s = await startReplica(role, ch, specFile, clock, { compactInterval }, { clickhouseTiming: TIMING });
      started.push(s);
      return s;
    };
    const [ingest, api, folder] = [await start('ingest', '1h'), await start('api', '1h'), await start('evaluator', '1h')];
    const key = await createKey(ch, 'admin', clock.now);

    const upload = await postJson(api.url, `/v1/services/${SERVICE}/baselines`, key, baselineNdjson(), 'application/x-ndjson');
    assert.equal(upload.status, 201, JSON.stringify(upload.json));
    for (let b = 0; b < BATCHES; b++) {
      const r = await postJson(ingest.url, '/v1/events', key, batch(b, clock.now));
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.rejected.length, 0, JSON.stringify(r.json.rejected));
    }
    await folder.evaluate(clock.now); // folds the drift histograms

    const at = new Date(clock.now).toISOString();
    const paths = [
      `/v1/services/${SERVICE}/report?at=${at}`,
      `/v1/services/${SERVICE}/report?window=6h&at=${at}`,
      `/v1/services/${SERVICE}/quality?at=${at}&by=cohort`,
      `/v1/services/${SERVICE}/quality?window=6h&at=${at}&by=day`,
      `/v1/services/${SERVICE}/series?window=6h&at=${at}`,
      `/v1/services/${SERVICE}/drift?window=6h&at=${at}&by=cohort`,
    ];
    const answers = async (): Promise<unknown[]> => Promise.all(paths.map(async (p) => {
      const r = await getJson(api.url, p, key);
      assert.equal(r.status, 200, `${p}: ${JSON.stringify(r.json)}`);
      return r.json;
    }));
    const before = await answers();
    const uncompacted = await rowsPerCell(clickhouse.url);
    assert.ok(!oneRowPerCell(uncompacted), `the open cells hold one delta row per commit:\n${uncompacted.join('\n')}`);
    assert.ok(uncompacted.some((l) => l.startsWith('drift_cell')), 'drift histograms were folded');

    const compactor = await start('evaluator', '1s');
    const compacted = await waitFor('one row per cell in every delta table', async () => {
      const lines = await rowsPerCell(clickhouse!.url);
      return oneRowPerCell(lines) ? lines : undefined;
    }, 60_000, 500);
    assert.equal(compacted.length, uncompacted.length, 'the same days hold rows');
    assert.deepEqual(await answers(), before, 'the same answers after compaction');

    const metrics = await (await fetch(`${compactor.url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
    assert.ok(metric(metrics, 'mlslo_store_maintenance_passes_total{result="ok"}') > 0, metrics);
    assert.equal(metric(metrics, 'mlslo_store_maintenance_passes_total{result="failed"}'), 0);
  } finally {
    for (const s of started) await s.close();
    await clickhouse?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
