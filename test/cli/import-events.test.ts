/**
 * `mlslo import` end to end: the real CLI in a child process, real files in a temp dir, a real SQLite
 * data directory — or a real ClickHouse database (test/helpers/clickhouse.ts; those tests are SKIPPED,
 * with the install command, without it) — read back with SQL. Expected counts, lines and codes are
 * worked out by hand from the fixtures below, never taken from the importer's output.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { openConfiguredStore, openStore, type StoreConfig } from '../../src/store/open-store.ts';
import { CLICKHOUSE_MISSING, startClickHouse, type ClickHouseServer } from '../helpers/clickhouse.ts';
import { REPO, runCli, type CliResult } from '../helpers/cli.ts';
import { startTestServer } from '../helpers/server.ts';

const SPEC = `apiVersion: mlslo/v1
kind: Service
metadata: {name: fraud-scorer, owner: risk-ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {quality: 0.9}
  cohorts: [region]
`;

interface Workdir {
  readonly dir: string;
  readonly spec: string;
  /** The data directory: the SQLite file, and the resume offsets whatever the store. */
  readonly data: string;
  /** Where the events go: SQLite in `data` by default. */
  readonly store: StoreConfig;
}

function workdir(): Workdir {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-import-'));
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  return { dir, spec: join(dir, 'spec.yaml'), data: join(dir, 'data'), store: { store: 'sqlite', data: join(dir, 'data') } };
}

/** The import's store flags (`--data` is always given: it holds the resume offsets). */
function storeArgs(w: Workdir): string[] {
  return w.store.store === 'clickhouse'
    ? ['--data', w.data, '--store', 'clickhouse', '--clickhouse-url', w.store.clickhouse.url, '--clickhouse-database', w.store.clickhouse.database]
    : ['--data', w.data];
}

let clickhouse: Promise<ClickHouseServer> | undefined;
let databases = 0;
after(async () => {
  await (await clickhouse)?.stop();
});

/** A workdir importing into a fresh database of the file's one ClickHouse server (started on first use). */
async function clickhouseWorkdir(): Promise<Workdir> {
  clickhouse ??= startClickHouse();
  const w = workdir();
  return { ...w, store: { store: 'clickhouse', data: w.data, clickhouse: { url: (await clickhouse).url, database: `mlslo_import_${++databases}` } } };
}

const inf = (o: Record<string, unknown>): string => JSON.stringify({ kind: 'inference', service: 'fraud-scorer', ts: '2020-03-01T10:00:00Z', ...o });

/** Twelve lines: 3 new events, 1 duplicate, 1 blank, 7 rejected, each at a known line with a known code and path. */
const NDJSON_LINES = [
  inf({ id: 'i1', model: 'v7', status: 'ok', latencyMs: 84.5, input: { tokens: 12 }, cohort: { region: 'eu' }, prediction: { label: 'fraud' } }),
  inf({ id: 'i2', status: 'error', errorType: 'gpu_oom' }),
  '',
  inf({ id: 'i3', status: 'ok', latencyMs: '12' }), // 4 invalid_type /latencyMs
  'not json', // 5 invalid_json
  inf({ id: 'i4', status: 'ok', latencyMs: 1, ts: '2020-03-01T10:00:00' }), // 6 invalid_timestamp /ts
  inf({ id: 'i5', status: 'ok', latencyMs: 1, service: 'nope' }), // 7 unknown_service /service
  inf({ id: 'i6', status: 'ok', latencyMs: 1, ts: '2100-01-01T00:00:00Z' }), // 8 too_new /ts
  JSON.stringify({ kind: 'outcome', requestId: 'i1', service: 'fraud-scorer', ts: '2020-03-02T00:00:00Z', source: 'ground_truth', label: 'fraud' }),
  inf({ id: 'i1', model: 'v7', status: 'ok', latencyMs: 84.5, input: { tokens: 12 }, cohort: { region: 'eu' }, prediction: { label: 'fraud' } }), // 10 duplicate
  inf({ id: 'i2', status: 'error', errorType: 'timeout' }), // 11 conflict /id
  inf({ id: 'i7', status: 'ok', latencyMs: 1, bogus: 1 }), // 12 unknown_field /bogus
];
const NDJSON = `${NDJSON_LINES.join('\n')}\n`;

/** The same events as CSV (line 5, not JSON there, becomes a record with too few fields). */
const CSV = [
  'kind,id,service,model,ts,status,latencyMs,errorType,input.tokens,cohort.region,prediction.label,requestId,source,label',
  'inference,i1,fraud-scorer,v7,2020-03-01T10:00:00Z,ok,84.5,,12,eu,fraud,,,',
  'inference,i2,fraud-scorer,,2020-03-01T10:00:00Z,error,,gpu_oom,,,,,,',
  '',
  'inference,i3,fraud-scorer,,2020-03-01T10:00:00Z,ok,12ms,,,,,,,',
  'not,csv',
  'inference,i4,fraud-scorer,,2020-03-01T10:00:00,ok,1,,,,,,,',
  'inference,i5,nope,,2020-03-01T10:00:00Z,ok,1,,,,,,,',
  'inference,i6,fraud-scorer,,2100-01-01T00:00:00Z,ok,1,,,,,,,',
  'outcome,,fraud-scorer,,2020-03-02T00:00:00Z,,,,,,,i1,ground_truth,fraud',
  'inference,i1,fraud-scorer,v7,2020-03-01T10:00:00Z,ok,84.5,,12,eu,fraud,,,',
  'inference,i2,fraud-scorer,,2020-03-01T10:00:00Z,error,,timeout,,,,,,',
  'inference,i7,fraud-scorer,,2020-03-01T10:00:00Z,ok,-1,,,,,,,', // line 13: latency below 0
].join('\r\n');

const EXPECTED_NDJSON_REJECTIONS = [
  [4, 'invalid_type', '/latencyMs'], [5, 'invalid_json', ''], [6, 'invalid_timestamp', '/ts'], [7, 'unknown_service', '/service'],
  [8, 'too_new', '/ts'], [11, 'conflict', '/id'], [12, 'unknown_field', '/bogus'],
];
/** One line later than in NDJSON: the header is line 1. */
const EXPECTED_CSV_REJECTIONS = [
  [5, 'invalid_type', '/latencyMs'], [6, 'invalid_csv', ''], [7, 'invalid_timestamp', '/ts'], [8, 'unknown_service', '/service'],
  [9, 'too_new', '/ts'], [12, 'conflict', '/id'], [13, 'invalid_value', '/latencyMs'],
];

function importCli(w: Workdir, args: readonly string[]): Promise<CliResult> {
  return runCli(['import', ...args, ...storeArgs(w), '--specs', w.spec]);
}

function readErrors(file: string): Array<[number, string, string]> {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => {
    const r = JSON.parse(l) as { line: number; code: string; path: string };
    return [r.line, r.code, r.path];
  });
}

/** Rows as stored (id → content hash), read with SQL rather than through the adapter under test. */
function stored(data: string): { inferences: Map<string, string>; outcomes: string[] } {
  const db = new Database(join(data, 'mlslo.sqlite'), { readonly: true });
  try {
    const inferences = new Map((db.prepare('SELECT id, content_hash FROM inference').all() as Array<{ id: string; content_hash: string }>).map((r) => [r.id, r.content_hash]));
    const outcomes = (db.prepare('SELECT content_hash FROM outcome ORDER BY content_hash').all() as Array<{ content_hash: string }>).map((r) => r.content_hash);
    return { inferences, outcomes };
  } finally {
    db.close();
  }
}

/** The same for a ClickHouse database: committed rows only (a row counts once its write id is in write_commit), the first copy of an id. */
async function storedInClickHouse(store: StoreConfig): Promise<{ inferences: Map<string, string>; outcomes: string[] }> {
  if (store.store !== 'clickhouse') throw new Error('not a ClickHouse store');
  const { url, database } = store.clickhouse;
  const query = async (sql: string): Promise<string[][]> => {
    const res = await fetch(`${url}/`, { method: 'POST', body: `${sql} FORMAT TSV` });
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    return text.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
  };
  const committed = `write_id IN (SELECT write_id FROM ${database}.write_commit)`;
  const inferences = new Map((await query(`SELECT id, argMin(content_hash, seq) FROM ${database}.inference WHERE ${committed} GROUP BY id`)).map(([id, hash]) => [id!, hash!]));
  const outcomes = (await query(`SELECT argMin(content_hash, seq) AS h FROM ${database}.outcome WHERE ${committed} GROUP BY service, key ORDER BY h`)).map(([h]) => h!);
  return { inferences, outcomes };
}

/** How many inferences the store holds, by SQL. */
async function storedCount(w: Workdir): Promise<number> {
  return (w.store.store === 'clickhouse' ? await storedInClickHouse(w.store) : stored(w.data)).inferences.size;
}

test('NDJSON: accepted, duplicate and each rejected line with its line, code and path; valid lines stored; exit 1', async () => {
  const w = workdir();
  writeFileSync(join(w.dir, 'events.ndjson'), NDJSON);
  const errors = join(w.dir, 'rejected.ndjson');
  const r = await importCli(w, [join(w.dir, 'events.ndjson'), '--errors', errors]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /events\.ndjson: 11 lines read: 3 accepted, 1 duplicates, 7 rejected \(conflict 1, invalid_json 1, invalid_timestamp 1, invalid_type 1, too_new 1, unknown_field 1, unknown_service 1\)\n/);
  assert.deepEqual(readErrors(errors), EXPECTED_NDJSON_REJECTIONS);
  assert.match(r.stderr, /events\.ndjson:4: invalid_type \/latencyMs: must be number\n/);
  const s = stored(w.data);
  assert.deepEqual([...s.inferences.keys()].sort(), ['i1', 'i2']);
  assert.equal(s.outcomes.length, 1);
});

test('CSV, gzip NDJSON and gzip CSV store the same events as NDJSON, with the same per-line report', async () => {
  const plain = workdir();
  writeFileSync(join(plain.dir, 'events.ndjson'), NDJSON);
  await importCli(plain, [join(plain.dir, 'events.ndjson')]);
  const reference = stored(plain.data);
  // Gzip is told by its magic bytes: the gzip files keep names without .gz.
  for (const [name, body, rejections] of [
    ['events.csv', Buffer.from(CSV), EXPECTED_CSV_REJECTIONS],
    ['gz-events.ndjson', gzipSync(NDJSON), EXPECTED_NDJSON_REJECTIONS],
    ['gz-events.csv', gzipSync(CSV), EXPECTED_CSV_REJECTIONS],
  ] as const) {
    const w = workdir();
    writeFileSync(join(w.dir, name), body);
    const errors = join(w.dir, 'rejected.ndjson');
    const r = await importCli(w, [join(w.dir, name), '--errors', errors]);
    assert.equal(r.code, 1, `${name}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`${name}: 11 lines read: 3 accepted, 1 duplicates, 7 rejected`), name);
    assert.deepEqual(readErrors(errors), rejections, name);
    assert.deepEqual(stored(w.data), reference, `${name}: the stored events are identical to the NDJSON import's`);
  }
});

test('a finished file is not read again; --restart reads it again and finds duplicates; a clean file exits 0', async () => {
  const w = workdir();
  const file = join(w.dir, 'clean.ndjson');
  writeFileSync(file, `${NDJSON_LINES[0]}\n${NDJSON_LINES[1]}\n`);
  const first = await importCli(w, [file]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /clean\.ndjson: 2 lines read: 2 accepted, 0 duplicates, 0 rejected\n/);
  const again = await importCli(w, [file]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /clean\.ndjson: already imported \(2 lines: 2 accepted, 0 duplicates, 0 rejected\); nothing to do/);
  assert.match(again.stdout, /imported 0 lines/);
  const restarted = await runCli(['import', 'events', file, '--data', w.data, '--specs', w.spec, '--restart']);
  assert.equal(restarted.code, 0);
  assert.match(restarted.stdout, /clean\.ndjson: 2 lines read: 0 accepted, 2 duplicates, 0 rejected\n/);
});

test('stdin (-), gzip, with the format told by its first byte', async () => {
  const w = workdir();
  const r = await new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/mlslo'), 'import', '-', '--data', w.data, '--specs', w.spec], { cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(gzipSync(NDJSON));
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /stdin: 11 lines read: 3 accepted, 1 duplicates, 7 rejected/);
  assert.match(r.stderr, /stdin:12: unknown_field \/bogus: unknown field `bogus`/);
  assert.equal(stored(w.data).inferences.size, 2);
});

test('fatal errors exit 2: a missing file (nothing written), a CSV column that is no event field', async () => {
  const w = workdir();
  writeFileSync(join(w.dir, 'ok.ndjson'), `${NDJSON_LINES[0]}\n`);
  const missing = await importCli(w, [join(w.dir, 'ok.ndjson'), join(w.dir, 'nope.ndjson')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.ndjson: cannot read/);
  assert.equal(existsSync(join(w.data, 'mlslo.sqlite')), false, 'nothing was opened, nothing written');
  writeFileSync(join(w.dir, 'bad.csv'), 'kind,id,latency\ninference,a,1\n');
  const header = await importCli(w, [join(w.dir, 'bad.csv')]);
  assert.equal(header.code, 2);
  assert.match(header.stderr, /CSV header, column 3 `latency`: not a field of an event/);
});

function eventLines(n: number, pad = 0): string {
  const base = Date.parse('2020-01-01T00:00:00Z');
  let out = '';
  for (let i = 0; i < n; i++) {
    out += `${JSON.stringify({ kind: 'inference', id: `r${i}`, service: 'fraud-scorer', ts: new Date(base + i * 1000).toISOString(), status: 'ok', latencyMs: i % 500, cohort: { region: i % 2 === 0 ? 'eu' : 'us' }, ...(pad > 0 ? { features: { note: `${'x'.repeat(pad)}${i}` } } : {}) })}\n`;
  }
  return out;
}

async function storedTotal(where: StoreConfig): Promise<number> {
  const store = await openConfiguredStore(where);
  try {
    const rows = await store.readRollups({ service: 'fraud-scorer', resolution: 'd', from: 0, to: Date.parse('2021-01-01T00:00:00Z'), cohorts: false });
    return rows.reduce((n, r) => n + r.cell.total, 0);
  } finally {
    await store.close();
  }
}

/**
 * Imports `n` events in batches of `batch`, kills the import (SIGKILL) once `killAt` lines are recorded,
 * then resumes it: the run after the kill reads from the recorded line, and every event ends up stored
 * and counted once.
 */
async function killAndResume(w: Workdir, n: number, batch: number, killAt: number, statePath: string): Promise<void> {
  const file = join(w.dir, 'events.ndjson');
  writeFileSync(file, eventLines(n));
  const child = spawn(process.execPath, [join(REPO, 'bin/mlslo'), 'import', file, ...storeArgs(w), '--specs', w.spec, '--batch-size', String(batch)], { cwd: REPO, stdio: 'ignore' });
  // Kill once a few batches are committed and recorded, well before the end.
  for (;;) {
    const line = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as { files: Record<string, { line: number }> }).files[file]?.line ?? 0 : 0;
    if (line >= killAt) break;
    assert.equal(child.exitCode, null, 'the import ended before it could be killed');
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('close', r));
  const before = await storedCount(w);
  assert.ok(before > 0 && before < n, `killed mid-file (${before} stored)`);
  const resumed = await importCli(w, [file]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const m = /resuming after line (\d+)\n/.exec(resumed.stdout);
  assert.ok(m !== null, resumed.stdout);
  const after = Number(m[1]);
  // Lines after the recorded point are re-read: those committed after the last state write are duplicates.
  const read = n - after;
  const dup = before - after;
  assert.ok(dup >= 0 && dup <= batch, `at most one batch committed past the recorded point (${dup})`);
  assert.match(resumed.stdout, new RegExp(`events\\.ndjson: ${read} lines read: ${read - dup} accepted, ${dup} duplicates, 0 rejected\\n`));
  assert.equal(await storedCount(w), n);
  assert.equal(await storedTotal(w.store), n, 'the rollups count every event once');
}

test('killed mid-file (SIGKILL), the import resumes after the last committed batch: every event stored and counted once', async () => {
  const w = workdir();
  await killAndResume(w, 30_000, 500, 3000, join(w.data, 'import-state.json'));
});

test('a 200k-line gzip file streams: the JS heap is capped below the inflated file size, and RSS stays bounded', async () => {
  const w = workdir();
  const N = 200_000;
  const text = eventLines(N, 200);
  const inflated = Buffer.byteLength(text);
  const file = join(w.dir, 'big.ndjson.gz');
  writeFileSync(file, gzipSync(text));
  const HEAP_MIB = 64;
  assert.ok(inflated > HEAP_MIB * 1024 * 1024, `the file inflates to ${inflated} bytes, more than the heap cap`);
  const r = await new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, '--import', 'tsx', '--import', './test/helpers/max-rss.mjs', 'src/cli/main.ts',
      'import', file, '--data', w.data, '--specs', w.spec, '--quiet'], { cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`big\\.ndjson\\.gz: ${N} lines read: ${N} accepted, 0 duplicates, 0 rejected`));
  const rss = Number(/max-rss-kib (\d+)/.exec(r.stderr)?.[1]) * 1024;
  // Loose: Node, the 64 MiB heap and SQLite's page cache, not the file (whose events as objects would be several times its bytes).
  assert.ok(rss < 512 * 1024 * 1024, `peak RSS ${Math.round(rss / 1048576)} MiB`);
});

test('importing into the data directory of a running server: both writers\' events are stored and counted once', async () => {
  const NOW = Date.parse('2026-11-28T12:00:00Z');
  const s = await startTestServer(SPEC, NOW);
  try {
    const key = await s.key('ingest');
    const file = join(s.dir, 'history.ndjson');
    const N = 8000;
    writeFileSync(file, eventLines(N));
    let done = false;
    const importing = runCli(['import', file, '--data', join(s.dir, 'data'), '--specs', join(s.dir, 'spec.yaml'), '--batch-size', '500'])
      .finally(() => (done = true));
    // Live traffic for as long as the import runs, so their commits interleave.
    let live = 0;
    for (; !done; live++) {
      const body = Array.from({ length: 50 }, (_, i) => inf({ id: `live-${live}-${i}`, ts: '2026-11-28T11:59:00Z', status: 'ok', latencyMs: 3 })).join('\n');
      const r = await s.post(body, key, { 'content-type': 'application/x-ndjson' });
      assert.equal(r.status, 200);
      assert.equal(r.json.accepted, 50);
    }
    const r = await importing;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`history\\.ndjson: ${N} lines read: ${N} accepted`));
    const store = await openStore(join(s.dir, 'data'));
    try {
      const rows = await store.readRollups({ service: 'fraud-scorer', resolution: 'd', from: 0, to: NOW + 86_400_000, cohorts: false });
      assert.equal(rows.reduce((n, row) => n + row.cell.total, 0), N + live * 50);
    } finally {
      await store.close();
    }
  } finally {
    await s.stop();
  }
});

test('into ClickHouse (--store clickhouse): the same report, per-line rejections and stored events as into SQLite', { skip: CLICKHOUSE_MISSING, timeout: 120_000 }, async () => {
  const lite = workdir();
  writeFileSync(join(lite.dir, 'events.ndjson'), NDJSON);
  assert.equal((await importCli(lite, [join(lite.dir, 'events.ndjson')])).code, 1);
  const w = await clickhouseWorkdir();
  writeFileSync(join(w.dir, 'events.ndjson'), NDJSON);
  const errors = join(w.dir, 'rejected.ndjson');
  const r = await importCli(w, [join(w.dir, 'events.ndjson'), '--errors', errors]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /events\.ndjson: 11 lines read: 3 accepted, 1 duplicates, 7 rejected \(conflict 1, invalid_json 1, invalid_timestamp 1, invalid_type 1, too_new 1, unknown_field 1, unknown_service 1\)\n/);
  assert.deepEqual(readErrors(errors), EXPECTED_NDJSON_REJECTIONS);
  const s = await storedInClickHouse(w.store);
  assert.deepEqual([...s.inferences.keys()].sort(), ['i1', 'i2']);
  assert.equal(s.outcomes.length, 1);
  assert.deepEqual(s, stored(lite.data), 'the same events, byte for byte, as the SQLite import stored');
  assert.equal(existsSync(join(w.data, 'mlslo.sqlite')), false, 'nothing went to SQLite');
  const database = w.store.store === 'clickhouse' ? w.store.clickhouse.database : '';
  assert.ok(existsSync(join(w.data, `import-state.clickhouse-${database}.json`)), 'resume offsets are kept per store');
});

test('into ClickHouse, killed mid-file (SIGKILL), the import resumes after the last committed batch: every event stored and counted once', { skip: CLICKHOUSE_MISSING, timeout: 120_000 }, async () => {
  const w = await clickhouseWorkdir();
  const database = w.store.store === 'clickhouse' ? w.store.clickhouse.database : '';
  await killAndResume(w, 6000, 250, 1000, join(w.data, `import-state.clickhouse-${database}.json`));
});
