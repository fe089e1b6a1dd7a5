/**
 * Store insert throughput: realistic ingest batches (10k inferences per commit, 2 cohort attributes,
 * rollup deltas aggregated per minute × model × cohort value as ingest makes them) into a temp SQLite
 * file, reporting events/s at the start and as the table grows to 1M rows.
 *
 *   node --import tsx bench/store-insert.ts [--rows 1000000] [--batch 10000] [--sync FULL|NORMAL] [--cache N]
 *
 * Timed per batch: lookupForIngest (the dedup probe ingest always makes) and commitIngest.
 * Building the deltas is ingest's work and is reported separately.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { InferenceEvent } from '../src/core/event.ts';
import { addLatency } from '../src/core/latency-sketch.ts';
import { classAcc, createCell, type RollupCell } from '../src/core/rollup.ts';
import type { NewInference, RollupDelta } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '10000' },
    sync: { type: 'string', default: 'FULL' },
    cache: { type: 'string', default: '20000' },
  },
});
const ROWS = Number(values.rows);
const BATCH = Number(values.batch);
const SYNC = values.sync === 'NORMAL' ? 'NORMAL' : 'FULL';

const LANGS = ['en', 'pt', 'es', 'de', 'fr', 'it', 'nl', 'pl', 'ru', 'tr', 'ar', 'hi', 'bn', 'ja', 'ko', 'zh', 'vi', 'th', 'id', 'sw'];
const REGIONS = ['eu', 'us', 'apac', 'latam', 'mea'];
const MODELS = ['v7', 'v8'];
const START = Date.UTC(2026, 10, 28, 0, 0);
/** 100k events per simulated minute. */
const MS_PER_EVENT = 0.6;

let seed = 42;
function rnd(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
}

function makeEvent(i: number): InferenceEvent {
  const ts = START + Math.floor(i * MS_PER_EVENT);
  const base = {
    kind: 'inference' as const,
    id: `r-${(i * 2654435761 >>> 0).toString(16)}-${i.toString(36)}`,
    service: 'fraud-scorer',
    model: MODELS[i % 2]!,
    ts,
    input: { tokens: Math.floor(rnd() * 1024) },
    cohort: { language: LANGS[Math.floor(rnd() * LANGS.length)]!, region: REGIONS[Math.floor(rnd() * REGIONS.length)]! },
    features: { amount: Math.round(rnd() * 10000) / 100, country: 'BR', age: Math.floor(rnd() * 80) },
  };
  if (rnd() < 0.01) return { ...base, status: 'error', errorType: 'timeout' };
  return { ...base, status: 'ok', latencyMs: Math.round(Math.exp(4 + rnd() * 2) * 10) / 10, prediction: { kind: 'label', label: rnd() < 0.1 ? 'fraud' : 'legit', score: 0.93 } };
}

function buildBatch(from: number, n: number): { inferences: NewInference[]; rollups: RollupDelta[] } {
  const inferences: NewInference[] = [];
  const cells = new Map<string, RollupDelta>();
  const cellFor = (minute: number, model: string, attr: string, value: string): RollupCell => {
    const k = `${minute}\u0000${model}\u0000${attr}\u0000${value}`;
    let d = cells.get(k);
    if (d === undefined) {
      d = { service: 'fraud-scorer', minute, model, attr, value, cell: createCell() };
      cells.set(k, d);
    }
    return d.cell;
  };
  for (let i = from; i < from + n; i++) {
    const e = makeEvent(i);
    const inputClass = e.status === 'ok' ? ((e.input.tokens as number) <= 512 ? 'short' : 'long') : undefined;
    inferences.push({ event: e, contentHash: (i * 40503 >>> 0).toString(16).padStart(16, '0'), inputClass, eligible: true, verdict: undefined });
    const minute = Math.floor(e.ts / 60_000) * 60_000;
    for (const [attr, value] of [['', ''], ['language', e.cohort.language!], ['region', e.cohort.region!]] as const) {
      const c = cellFor(minute, e.model, attr, value);
      c.total++;
      if (e.status === 'ok') {
        c.ok++;
        const acc = classAcc(c, inputClass!);
        acc.ok++;
        if (e.latencyMs <= (inputClass === 'short' ? 300 : 2000)) acc.fast++;
        addLatency(acc.sketch, e.latencyMs);
      } else {
        c.errors[e.errorType] = (c.errors[e.errorType] ?? 0) + 1;
      }
    }
  }
  return { inferences, rollups: [...cells.values()] };
}

const dir = mkdtempSync(join(tmpdir(), 'mlslo-bench-'));
const path = join(dir, 'bench.sqlite');
const store = openSqliteStore({ path, synchronous: SYNC, rollupCacheEntries: Number(values.cache) });
console.log(`store-insert: ${ROWS} rows in batches of ${BATCH}, synchronous=${SYNC}, rollup cache ${values.cache}, file ${path}`);

let buildMs = 0;
let lookupMs = 0;
let commitMs = 0;
let windowEvents = 0;
let windowMs = 0;
let windowCpu = 0;
let cpuUs = 0;
const REPORT_EVERY = 100_000;
try {
  for (let done = 0; done < ROWS; done += BATCH) {
    const n = Math.min(BATCH, ROWS - done);
    let t = performance.now();
    const b = buildBatch(done, n);
    buildMs += performance.now() - t;

    const cpu0 = process.cpuUsage();
    t = performance.now();
    await store.lookupForIngest({ inferences: b.inferences.map((x) => ({ service: x.event.service, id: x.event.id })), requests: [], outcomeKeys: [] });
    const t1 = performance.now();
    await store.commitIngest({ inferences: b.inferences, outcomes: [], verdicts: [], joinedOutcomes: [], verdictSteps: [], verdictTime: [], rollups: b.rollups });
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    cpuUs += cpu.user + cpu.system;
    windowCpu += cpu.user + cpu.system;
    lookupMs += t1 - t;
    commitMs += t2 - t1;
    windowMs += t2 - t;
    windowEvents += n;
    if ((done + n) % REPORT_EVERY === 0 || done + n === ROWS) {
      console.log(`  rows ${String(done + n).padStart(8)}: ${Math.round(windowEvents / (windowMs / 1000)).toLocaleString('en')} events/s wall, ` +
        `${(windowCpu / windowEvents).toFixed(1)} µs CPU/event (lookup+commit, ${b.rollups.length} deltas/batch)`);
      windowEvents = 0;
      windowMs = 0;
      windowCpu = 0;
    }
  }
  const total = lookupMs + commitMs;
  console.log(`overall: ${Math.round(ROWS / (total / 1000)).toLocaleString('en')} events/s store time ` +
    `(lookup ${(lookupMs / ROWS * 1000).toFixed(2)} µs/event, commit ${(commitMs / ROWS * 1000).toFixed(2)} µs/event); ` +
    `${(cpuUs / ROWS).toFixed(1)} µs CPU/event (user+sys); building deltas ${(buildMs / ROWS * 1000).toFixed(2)} µs/event`);
  console.log(`file size: ${(statSync(path).size / 1e6).toFixed(1)} MB (+ WAL ${(statSync(path + '-wal', { throwIfNoEntry: false })?.size ?? 0) / 1e6} MB)`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
