/**
 * Benchmark (e), `npm run bench -- --store clickhouse`: the ClickHouse store against SQLite, in the same
 * run (docs/benchmarks.md, "(e) ClickHouse vs SQLite"). A throwaway ClickHouse server is started on
 * loopback (bench/lib/clickhouse-server.ts); without its binary the ClickHouse column is skipped with the
 * install command, never made up.
 *
 * Ingest: the same NDJSON payloads as benchmark (a), posted over HTTP with the same clients to
 *   1. a server child on SQLite (synchronous = FULL), 2. a server child on ClickHouse (role all),
 *   3. two ClickHouse ingest replicas (role ingest) sharing one database, requests alternating between them.
 * Every answer must be 200 with accepted = items; afterwards each ClickHouse database must hold exactly
 * the posted inferences (committed, one copy each).
 *
 * Commits: the same kind of batches through an in-process Ingestor on ClickHouse, with every round trip
 * timed by kind (bench/lib/clickhouse-profile.ts).
 *
 * Report: the rollups of benchmark (b) (D days × P events/day × 20 cohort values, through
 * Store.commitIngest) built on ClickHouse; serviceReport latency as in (b) before compaction, then after
 * `compact()` and its garbage collection (the steady state an evaluator keeps). The SQLite column is
 * benchmark (b) itself, in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serviceReport } from '../src/engine/report.ts';
import { decodeBody } from '../src/ingest/decode-body.ts';
import { Ingestor } from '../src/ingest/ingest.ts';
import { loadSpecFiles } from '../src/spec/load-spec.ts';
import type { IngestWrite, Store } from '../src/store/port.ts';
import { migrateClickHouse, openClickHouseStore } from '../src/store/clickhouse/clickhouse-store.ts';
import {
  BENCH_SPEC, countLines, generatePayloads, parseRate, postPayloads, tenthRates,
} from './ingest-http.ts';
import { benchSpecAndPolicy, buildRollups, reportRequest, timeReports, trickleInto } from './report.ts';
import { onCleanup } from './lib/cleanup.ts';
import { profileDb, type CallStats } from './lib/clickhouse-profile.ts';
import { clickHouseMissing, startBenchClickHouse, type BenchClickHouse } from './lib/clickhouse-server.ts';
import { spawnServer, type ServerProcess } from './lib/server-process.ts';
import { fmtInt, fmtMs, mean, percentile, procCpuSeconds } from './lib/stats.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Timing of the report store: a short compaction lag so the benchmark can compact what it just built
 * (the default waits 120 s). Commit window 10 s (claimTtl / 2), lag 12 s; GC right away.
 */
const REPORT_TIMING = { claimTtlMs: 20_000, compactLagMs: 12_000, gcGraceMs: 0 };

export interface ClickHouseIngestOptions {
  readonly events: number;
  readonly perRequest: number;
  readonly concurrency: number;
  /** Requests (of perRequest events) pushed through the in-process commit profile. */
  readonly profileRequests: number;
  readonly log: (line: string) => void;
}

export interface ClickHouseReportOptions {
  readonly days: number;
  readonly perDay: number;
  readonly runs: number;
  readonly warmup: number;
  readonly log: (line: string) => void;
}

export interface IngestRun {
  readonly label: string;
  readonly rate: number;
  readonly wallMs: number;
  readonly firstRate: number;
  readonly lastRate: number;
  /** CPU of every server child (user + sys) per event, µs; the ClickHouse server's own CPU is separate. */
  readonly serverCpuUsPerEvent: number | undefined;
  readonly clickhouseCpuUsPerEvent: number | undefined;
}

export interface ClickHouseIngestResult {
  readonly events: number;
  readonly requests: number;
  readonly perRequest: number;
  readonly concurrency: number;
  readonly parseRate: number;
  readonly runs: readonly IngestRun[];
  /** Round trips of in-process commits on ClickHouse, by kind. */
  readonly profile: { readonly events: number; readonly groups: number; readonly commitMs: number; readonly calls: readonly CallStats[] } | undefined;
  /** Why the ClickHouse runs were skipped (no binary). */
  readonly skipped?: string;
}

export interface ReportTimes {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly deltaRows: number;
}

export interface ClickHouseReportResult {
  readonly days: number;
  readonly perDay: number;
  readonly events: number;
  readonly commits: number;
  readonly buildMs: number;
  /** Mean wall time of one build commit (one clock hour: 1,260 minute deltas → ~1,300 delta rows). */
  readonly commitMs: number;
  readonly commitP99Ms: number;
  readonly buildCalls: readonly CallStats[];
  readonly runs: number;
  readonly before: ReportTimes;
  readonly after: ReportTimes;
  readonly compactMs: number;
  readonly gcMs: number;
  readonly reportedTotal: number;
  /** Round trips of one report (after compaction), by kind: calls and ms are per report. */
  readonly reportCalls: readonly CallStats[];
  readonly skipped?: string;
}

// ---- the servers -----------------------------------------------------------------------------------

/** Starts the bench's ClickHouse, or says why it cannot (the binary is missing). */
export async function startOrSkip(log: (line: string) => void): Promise<BenchClickHouse | string> {
  const missing = clickHouseMissing();
  if (missing) {
    log(`clickhouse: skipped — ${missing}`);
    return missing;
  }
  const ch = await startBenchClickHouse();
  log(`clickhouse: server pid ${ch.pid} at ${ch.url}, data under ${ch.dir}`);
  return ch;
}

function chConfig(ch: BenchClickHouse, database: string, role: 'all' | 'ingest'): Record<string, unknown> {
  return { store: 'clickhouse', clickhouse: { url: ch.url, database }, role };
}

/** Committed inference rows of `database`, counted once per id (the adapter's own visibility rule). */
async function storedInferences(ch: BenchClickHouse, database: string): Promise<number> {
  const q = `SELECT uniqExact(i.id) FROM ${database}.inference AS i ANY INNER JOIN ${database}.write_commit AS c USING (write_id)`;
  const res = await fetch(`${ch.url}/?query=${encodeURIComponent(q)}`);
  if (!res.ok) throw new Error(`counting stored inferences: HTTP ${res.status}: ${await res.text()}`);
  return Number((await res.text()).trim());
}

// ---- ingest ----------------------------------------------------------------------------------------

/** Posts every payload to `servers` (round robin) and measures rate and CPU of the children and of ClickHouse. */
async function measureIngest(label: string, servers: readonly ServerProcess[], chPid: number | undefined,
  payloads: readonly Buffer[], counts: readonly number[], concurrency: number, log: (line: string) => void): Promise<IngestRun> {
  const events = counts.reduce((a, b) => a + b, 0);
  const cpu = (): number | undefined => {
    const xs = servers.map((s) => procCpuSeconds(s.pid));
    return xs.some((x) => x === undefined) ? undefined : xs.reduce((a: number, b) => a + b!, 0);
  };
  const cpu0 = cpu();
  const ch0 = chPid === undefined ? undefined : procCpuSeconds(chPid);
  const { sent, t0, wallMs } = await postPayloads(servers, payloads, counts, concurrency, (done, el) => {
    log(`  ${label}: ${String(done.length).padStart(4)}/${payloads.length} requests, ${fmtInt(done.reduce((a, s) => a + s.items, 0) / el)} events/s so far`);
  });
  const cpu1 = cpu();
  const ch1 = chPid === undefined ? undefined : procCpuSeconds(chPid);
  const { firstRate, lastRate } = tenthRates(sent, t0);
  const perEvent = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : ((b - a) * 1e6) / events);
  const run = { label, rate: events / (wallMs / 1000), wallMs, firstRate, lastRate, serverCpuUsPerEvent: perEvent(cpu0, cpu1), clickhouseCpuUsPerEvent: perEvent(ch0, ch1) };
  log(`ingest ${label}: ${fmtInt(run.rate)} events/s (${(wallMs / 1000).toFixed(1)} s)`);
  return run;
}

async function ingestSqlite(payloads: readonly Buffer[], counts: readonly number[], opts: ClickHouseIngestOptions): Promise<IngestRun> {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-bench-ingest-'));
  const rmDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const server = await spawnServer(join(dir, 'data'), BENCH_SPEC);
  try {
    return await measureIngest('SQLite (durable, synchronous = FULL)', [server], undefined, payloads, counts, opts.concurrency, opts.log);
  } finally {
    await server.stop();
    rmDir();
  }
}

/** One server child (role all) or `replicas` ingest replicas on one fresh ClickHouse database. */
async function ingestClickHouse(ch: BenchClickHouse, database: string, replicas: number, payloads: readonly Buffer[], counts: readonly number[],
  inferences: number, opts: ClickHouseIngestOptions): Promise<IngestRun> {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-bench-ingest-'));
  const rmDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  await migrateClickHouse({ url: ch.url, database }); // ingest replicas refuse an unmigrated schema
  const role = replicas === 1 ? 'all' : 'ingest';
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < replicas; i++) servers.push(await spawnServer(join(dir, `data-${i}`), BENCH_SPEC, { config: chConfig(ch, database, role) }));
    const label = replicas === 1 ? 'ClickHouse, one server (role all)' : `ClickHouse, ${replicas} ingest replicas`;
    const run = await measureIngest(label, servers, ch.pid, payloads, counts, opts.concurrency, opts.log);
    const stored = await storedInferences(ch, database);
    if (stored !== inferences) throw new Error(`${label}: ${fmtInt(stored)} committed inferences stored, ${fmtInt(inferences)} posted`);
    return run;
  } finally {
    for (const s of servers) await s.stop();
    rmDir();
  }
}

/**
 * The commit path without HTTP: `requests` payloads through an Ingestor on ClickHouse, 4 requests in
 * flight (grouped into one commit, as the server does under 4 clients), every round trip timed by kind.
 */
async function profileCommits(ch: BenchClickHouse, payloads: readonly Buffer[], log: (line: string) => void): Promise<NonNullable<ClickHouseIngestResult['profile']>> {
  const { specs } = await loadSpecFiles([BENCH_SPEC]);
  const specMap = new Map(specs.map((s) => [s.name, s] as const));
  const store = await openClickHouseStore({ url: ch.url, database: 'bench_profile' });
  const prof = profileDb();
  try {
    const now = Date.now();
    const ing = new Ingestor({ store, specs: () => specMap, now: () => now, maxEventAgeMs: 7 * DAY, maxQueue: 64 });
    prof.reset();
    const t0 = performance.now();
    let groups = 0;
    let events = 0;
    for (let i = 0; i < payloads.length; i += 4, groups++) {
      const group = payloads.slice(i, i + 4);
      events += group.reduce((a, p) => a + countLines(p), 0);
      await Promise.all(group.map((p) => ing.ingest(decodeBody(p, 'application/x-ndjson', undefined), { service: undefined })));
    }
    const commitMs = (performance.now() - t0) / groups;
    const calls = prof.snapshot();
    log(`commits: ${groups} Ingestor groups of ≤ 4 requests (${fmtInt(events)} events) on ClickHouse, ${fmtMs(commitMs)} per group (lookup + commit)`);
    return { events, groups, commitMs, calls };
  } finally {
    prof.restore();
    await store.close();
  }
}

export async function runClickHouseIngestBench(opts: ClickHouseIngestOptions): Promise<ClickHouseIngestResult> {
  const { log } = opts;
  const requests = Math.max(1, Math.ceil(opts.events / opts.perRequest));
  const payloads = generatePayloads(requests, opts.perRequest);
  const counts = payloads.map(countLines);
  const events = counts.reduce((a, b) => a + b, 0);
  const inferences = payloads.reduce((a, p) => a + p.toString('utf8').split('"kind":"inference"').length - 1, 0);
  log(`ingest (clickhouse vs sqlite): ${requests} NDJSON payloads × ${fmtInt(opts.perRequest)} events (${fmtInt(inferences)} inferences), ${opts.concurrency} in flight`);
  parseRate(payloads.slice(0, 2)); // warm-up (JIT)
  const parseRates = [parseRate(payloads).rate];

  const runs: IngestRun[] = [await ingestSqlite(payloads, counts, opts)];
  const ch = await startOrSkip(log);
  if (typeof ch === 'string') {
    return { events, requests, perRequest: opts.perRequest, concurrency: opts.concurrency, parseRate: mean(parseRates), runs, profile: undefined, skipped: ch };
  }
  try {
    runs.push(await ingestClickHouse(ch, 'bench_ingest_one', 1, payloads, counts, inferences, opts));
    runs.push(await ingestClickHouse(ch, 'bench_ingest_two', 2, payloads, counts, inferences, opts));
    parseRates.push(parseRate(payloads).rate);
    const profile = await profileCommits(ch, generatePayloads(Math.min(requests, opts.profileRequests), opts.perRequest, 8), log);
    return { events, requests, perRequest: opts.perRequest, concurrency: opts.concurrency, parseRate: mean(parseRates), runs, profile };
  } finally {
    await ch.stop();
  }
}

// ---- report ----------------------------------------------------------------------------------------

async function deltaRows(ch: BenchClickHouse, database: string): Promise<number> {
  const res = await fetch(`${ch.url}/?query=${encodeURIComponent(`SELECT count() FROM ${database}.rollup`)}`);
  return Number((await res.text()).trim());
}

/** Waits until ClickHouse has finished every mutation (compaction's garbage collection) of `database`. */
async function mutationsDone(ch: BenchClickHouse, database: string): Promise<void> {
  const q = `SELECT count() FROM system.mutations WHERE database = '${database}' AND is_done = 0`;
  for (const until = Date.now() + 300_000; Date.now() < until;) {
    const res = await fetch(`${ch.url}/?query=${encodeURIComponent(q)}`);
    if (Number((await res.text()).trim()) === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('compaction GC mutations did not finish within 5 min');
}

function summarise(times: readonly number[], rows: number): ReportTimes {
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times), deltaRows: rows };
}

export async function runClickHouseReportBench(opts: ClickHouseReportOptions): Promise<ClickHouseReportResult | { skipped: string }> {
  const { log } = opts;
  const ch = await startOrSkip(log);
  if (typeof ch === 'string') return { skipped: ch };
  const database = 'bench_report';
  const store = await openClickHouseStore({ url: ch.url, database, timing: REPORT_TIMING });
  try {
    const { spec, policy } = await benchSpecAndPolicy();
    const end = Math.floor(Date.now() / MINUTE) * MINUTE; // as in (b): not hour- or day-aligned
    const start = end - opts.days * DAY;
    log(`report (clickhouse): building ${opts.days} days × ${fmtInt(opts.perDay)} events/day × 20 cohort values as rollups through Store.commitIngest…`);
    const prof = profileDb();
    const t = performance.now();
    const timed = timedCommits(store);
    const built = await buildRollups(timed.store, start, end, opts.perDay, log).finally(() => prof.restore());
    const buildMs = performance.now() - t;
    const buildCalls = prof.snapshot();
    log(`report (clickhouse): built ${fmtInt(built.deltas)} deltas (${fmtInt(built.events)} events' worth) in ${built.commits} commits, ${(buildMs / 1000).toFixed(1)} s ` +
      `(commitIngest ${fmtMs(mean(timed.times))} mean, ${fmtMs(percentile(timed.times, 99))} p99)`);

    const req = reportRequest(spec, policy, end);
    const first = await serviceReport(store, req);
    const reportedTotal = first.errors.total + first.errors.excluded;
    const trickle = trickleInto(store, start, end, opts.perDay);
    const beforeRows = await deltaRows(ch, database);
    const before = summarise(await timeReports(store, req, opts.runs, opts.warmup, trickle), beforeRows);
    log(`report (clickhouse) before compaction: p50 ${fmtMs(before.p50)}, p99 ${fmtMs(before.p99)} (${fmtInt(beforeRows)} rollup delta rows)`);

    // Compact as the evaluator does: everything older than the lag is folded to one row per cell, then
    // the replaced rows are deleted (GC runs in the next compaction once the grace — 0 here — has passed).
    await new Promise((r) => setTimeout(r, REPORT_TIMING.compactLagMs + 1000));
    let t0 = performance.now();
    const reports = await store.compact(Date.now());
    const compactMs = performance.now() - t0;
    t0 = performance.now();
    await store.compact(Date.now());
    await mutationsDone(ch, database);
    const gcMs = performance.now() - t0;
    const afterRows = await deltaRows(ch, database);
    log(`report (clickhouse): compacted ${reports.length} day×table units (${fmtInt(reports.reduce((a, r) => a + r.rowsIn, 0))} → ${fmtInt(reports.reduce((a, r) => a + r.rowsOut, 0))} rows) ` +
      `in ${(compactMs / 1000).toFixed(1)} s, GC ${(gcMs / 1000).toFixed(1)} s; ${fmtInt(afterRows)} rollup rows left`);
    const after = summarise(await timeReports(store, req, opts.runs, opts.warmup, trickle), afterRows);
    log(`report (clickhouse) after compaction: p50 ${fmtMs(after.p50)}, p99 ${fmtMs(after.p99)}`);
    const reportCalls = await profileReports(store, req, Math.max(5, Math.floor(opts.runs / 10)), trickle);
    return {
      days: opts.days, perDay: opts.perDay, events: built.events, commits: built.commits, buildMs, commitMs: mean(timed.times), commitP99Ms: percentile(timed.times, 99), buildCalls,
      runs: opts.runs, before, after, compactMs, gcMs, reportedTotal, reportCalls,
    };
  } finally {
    await store.close();
    await ch.stop();
  }
}

/** Round trips per report, by kind (calls and ms divided by `runs`). */
async function profileReports(store: Store, req: ReturnType<typeof reportRequest>, runs: number, trickle: () => Promise<void>): Promise<CallStats[]> {
  const prof = profileDb();
  try {
    for (let i = 0; i < runs; i++) {
      await trickle();
      if (i === 0) prof.reset();
      await serviceReport(store, req);
    }
    // The first trickle is outside; later ones are inside and labelled as writes, so they are dropped here.
    const write = (what: string): boolean => /^(storing|claiming|joining|committing|checking a commit|reading the server clock)/.test(what);
    return prof.snapshot().filter((c) => !write(c.what)).map((c) => ({ what: c.what, calls: c.calls / runs, ms: c.ms / runs }));
  } finally {
    prof.restore();
  }
}

/** `inner` with commitIngest timed (wall ms per call), everything else delegated. */
function timedCommits(inner: Store): { store: Store; times: number[] } {
  const times: number[] = [];
  const store = Object.create(inner) as Store;
  Object.assign(store, {
    async commitIngest(w: IngestWrite): Promise<void> {
      const t0 = performance.now();
      await inner.commitIngest(w);
      times.push(performance.now() - t0);
    },
  });
  return { store, times };
}
