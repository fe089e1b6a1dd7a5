/**
 * Benchmark (b): report latency for one service with D days × P events/day and 20 cohort values.
 *
 * Data: rollups are written directly through the store port (Store.commitIngest with only `rollups`),
 * one RollupDelta per minute for the whole service and for each of the 20 values of `region`, committed
 * one clock hour of minutes at a time. Counts follow ~P/1440 events per minute (±30% daily cycle); the
 * whole-service cells carry DDSketches per input class built from ~200 weighted samples per minute
 * (weight = class ok count / samples) instead of one add per event; cohort cells carry counts only.
 *
 * Measured: serviceReport(store, …) for the 30d window, many runs after a warm-up, each run preceded by an
 * ingest-like commit of one minute's deltas into the open minute (so the open minute, hour and day buckets
 * change between reports, as they do under live ingest, and the store's read cache must re-read them);
 * and cold: the first report on a freshly opened store. Baseline: the same
 * counts computed by SQL over raw events in a separate SQLite file, measured on a smaller sample and
 * scaled linearly by rows scanned (see `scaleNote`).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { BurnPolicy } from '../src/core/burn-policy.ts';
import { policyWindows } from '../src/core/burn-rate.ts';
import { addLatency } from '../src/core/latency-sketch.ts';
import { classAcc, createCell, mergeCell, type RollupCell } from '../src/core/rollup.ts';
import type { ServiceSpec } from '../src/core/spec.ts';
import { serviceReport } from '../src/engine/report.ts';
import { loadBurnPolicies, policyForPeriod } from '../src/spec/burn-policy-file.ts';
import { loadSpecFiles } from '../src/spec/load-spec.ts';
import type { RollupDelta, RollupQuery, RollupRow, Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { BENCH_SPEC, SERVICE } from './ingest-http.ts';
import { onCleanup, yieldToLoop } from './lib/cleanup.ts';
import { binomial, fmtInt, gaussian, median, percentile, rng } from './lib/stats.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WINDOW_MS = 30 * DAY;

export const COHORT_VALUES = [
  'us-east', 'us-west', 'us-central', 'ca-central', 'br-south', 'mx-central', 'eu-west', 'eu-central', 'eu-north', 'uk-south',
  'fr-central', 'es-central', 'it-north', 'pl-central', 'in-south', 'in-west', 'jp-east', 'kr-central', 'au-east', 'za-north',
];

/** Zipf-like shares (s = 0.8): the busiest region has ~13× the traffic of the quietest. */
const SHARES = ((): number[] => {
  const w = COHORT_VALUES.map((_, i) => 1 / (i + 1) ** 0.8);
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
})();

interface ClassShape {
  readonly name: string;
  readonly share: number;
  readonly baseMs: number;
  readonly thresholdMs: number;
  /** Weighted samples per minute for the whole-service sketch. */
  readonly samples: number;
}

/** Matches bench/specs/bench-service.yaml: short ≤ 150 ms, medium ≤ 400 ms, long ≤ 1500 ms. */
const CLASSES: readonly ClassShape[] = [
  { name: 'short', share: 0.55, baseMs: 45, thresholdMs: 150, samples: 100 },
  { name: 'medium', share: 0.35, baseMs: 130, thresholdMs: 400, samples: 70 },
  { name: 'long', share: 0.1, baseMs: 480, thresholdMs: 1500, samples: 30 },
];
const SIGMA = 0.42; // lognormal spread of latency: ~0.5% of requests over threshold per class

export interface ReportOptions {
  readonly days: number;
  readonly perDay: number;
  readonly runs: number;
  readonly warmup: number;
  /** Raw events in the SQL baseline sample (spread over the last rawEvents/perDay days). */
  readonly rawEvents: number;
  readonly sqlRuns: number;
  readonly log: (line: string) => void;
}

export interface ReportResult {
  readonly days: number;
  readonly perDay: number;
  readonly cohorts: number;
  readonly buildMs: number;
  readonly rollupRows: number;
  readonly deltas: number;
  readonly commits: number;
  readonly dbBytes: number;
  readonly runs: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** First report on a freshly opened store (empty read cache): median and max of a few. */
  readonly coldP50: number;
  readonly coldMax: number;
  readonly coldRuns: number;
  readonly readShare: number;
  readonly rowsPerReport: number;
  /** Share of report time spent re-reading whole-service rows for the burn (and grace) windows. */
  readonly burnReadShare: number;
  readonly reportedTotal: number;
  readonly expectedTotal: number;
  readonly rawEvents: number;
  readonly rawFillMs: number;
  readonly sqlSampleMs: { readonly window: number; readonly burn: number };
  readonly sqlScaledMs: number;
  readonly scaleNote: string;
  readonly ratio: number;
}

// ---- data ------------------------------------------------------------------------------------------

interface MinuteShape {
  readonly n: number;
  readonly errorRate: number;
}

/** Events in one minute: P/1440 with a ±30% daily cycle (peaks mid-afternoon UTC), and a 20-minute GPU-OOM incident on day 12. */
function minuteShape(t: number, start: number, perDay: number): MinuteShape {
  const mod = (t % DAY) / DAY;
  const n = Math.round((perDay / 1440) * (1 + 0.3 * Math.sin(2 * Math.PI * (mod - 0.375))));
  const incident = t - start >= 12 * DAY + 3 * HOUR && t - start < 12 * DAY + 3 * HOUR + 20 * MINUTE;
  return { n, errorRate: incident ? 0.05 : 0.0006 };
}

function cohortCell(rnd: () => number, n: number, errorRate: number): RollupCell {
  const c = createCell();
  c.total = n;
  c.excluded = binomial(rnd, n, 0.004); // client_error: excluded by the spec
  const errs = binomial(rnd, n - c.excluded, errorRate);
  if (errs > 0) {
    const timeouts = errorRate > 0.01 ? binomial(rnd, errs, 0.1) : binomial(rnd, errs, 0.6);
    if (timeouts > 0) c.errors.timeout = timeouts;
    if (errs - timeouts > 0) c.errors.gpu_oom = errs - timeouts;
  }
  c.ok = n - c.excluded - errs;
  let left = c.ok;
  let leftShare = 1;
  for (const k of CLASSES) {
    const ok = k === CLASSES[CLASSES.length - 1] ? left : binomial(rnd, left, k.share / leftShare);
    left -= ok;
    leftShare -= k.share;
    if (ok === 0) continue;
    const acc = classAcc(c, k.name); // counts only: the sketch stays empty, as ingest leaves cohort rows
    acc.ok = ok;
    acc.fast = ok - binomial(rnd, ok, 0.005);
  }
  const judged = binomial(rnd, c.ok, 0.1); // labels for a 10% sample, samplingProb 0.1 → weight 10
  const good = binomial(rnd, judged, 0.93);
  c.quality.judged = judged;
  c.quality.good = good;
  c.quality.sumW = judged * 10;
  c.quality.sumW2 = judged * 100;
  c.quality.sumWGood = good * 10;
  return c;
}

/** The deltas of one minute: 20 cohort cells and the whole-service cell (their sum, plus latency sketches). */
function minuteDeltas(rnd: () => number, t: number, start: number, perDay: number, model: string): RollupDelta[] {
  const { n, errorRate } = minuteShape(t, start, perDay);
  const whole = createCell();
  const out: RollupDelta[] = [];
  let left = n;
  let leftShare = 1;
  COHORT_VALUES.forEach((value, i) => {
    const share = SHARES[i]!;
    const nv = i === COHORT_VALUES.length - 1 ? left : binomial(rnd, left, Math.min(1, share / leftShare));
    left -= nv;
    leftShare -= share;
    if (nv === 0) return;
    const cell = cohortCell(rnd, nv, errorRate);
    mergeCell(whole, cell);
    out.push({ service: SERVICE, minute: t, model, attr: 'region', value, cell });
  });
  // Whole-service latency: `samples` lognormal draws per class, each weighted ok/samples, so the sketch's
  // count equals the class's ok count and its shape is the class's distribution.
  for (const k of CLASSES) {
    const acc = whole.classes[k.name];
    if (acc === undefined || acc.ok === 0) continue;
    const m = Math.min(acc.ok, k.samples);
    const w = acc.ok / m;
    for (let j = 0; j < m; j++) addLatency(acc.sketch, Math.round(k.baseMs * Math.exp(SIGMA * gaussian(rnd)) * 10) / 10, w);
  }
  out.push({ service: SERVICE, minute: t, model, attr: '', value: '', cell: whole });
  return out;
}

export async function buildRollups(store: Store, start: number, end: number, perDay: number, log: (l: string) => void): Promise<{ deltas: number; commits: number; events: number }> {
  const rnd = rng(11);
  const switchAt = start + Math.floor(((end - start) / DAY) * (2 / 3)) * DAY; // model v8 replaces v7 two thirds in
  let deltas = 0;
  let commits = 0;
  let events = 0;
  let t = start;
  const t0 = performance.now();
  let lastLog = t0;
  while (t < end) {
    const chunkEnd = Math.min(end, Math.floor(t / HOUR) * HOUR + HOUR); // one clock hour of minutes
    const rollups: RollupDelta[] = [];
    for (; t < chunkEnd; t += MINUTE) {
      const d = minuteDeltas(rnd, t, start, perDay, t < switchAt ? 'v7' : 'v8');
      events += d[d.length - 1]!.cell.total;
      rollups.push(...d);
    }
    await store.commitIngest({ inferences: [], outcomes: [], verdicts: [], joinedOutcomes: [], verdictSteps: [], verdictTime: [], rollups });
    deltas += rollups.length;
    commits++;
    await yieldToLoop();
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`  built ${((t - start) / DAY).toFixed(1)} of ${((end - start) / DAY).toFixed(0)} days (${((lastLog - t0) / 1000).toFixed(0)} s)`);
    }
  }
  return { deltas, commits, events };
}

/** The report request of the benchmark: the 30-day window ending at `end`. */
export function reportRequest(spec: ServiceSpec, policy: BurnPolicy, end: number): Parameters<typeof serviceReport>[1] {
  return { spec, policy, windowMs: WINDOW_MS, windowLabel: '30d', at: end, now: end };
}

/** Live ingest between reports: one minute's deltas (1% of a minute's traffic) into the open minute, as commitIngest does every batch. */
export function trickleInto(store: Store, start: number, end: number, perDay: number): () => Promise<void> {
  const rnd = rng(17);
  return () => store.commitIngest({
    inferences: [], outcomes: [], verdicts: [], joinedOutcomes: [], verdictSteps: [], verdictTime: [],
    rollups: minuteDeltas(rnd, end - MINUTE, start, perDay / 100, 'v8'),
  });
}

/** `runs` report latencies (ms) after `warmup` untimed reports; each run follows one trickle commit (untimed). */
export async function timeReports(store: Store, req: Parameters<typeof serviceReport>[1], runs: number, warmup: number, trickle: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await serviceReport(store, req);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await trickle();
    await yieldToLoop();
    const t0 = performance.now();
    await serviceReport(store, req);
    times.push(performance.now() - t0);
  }
  return times;
}

interface ReadStats {
  ms: number;
  rows: number;
}

/** Delegates to a store and times readRollups, split into window reads (cohorts) and whole-service-only reads (burn windows). */
function timedStore(inner: Store): { store: Store; window: ReadStats; wholeOnly: ReadStats } {
  const window: ReadStats = { ms: 0, rows: 0 };
  const wholeOnly: ReadStats = { ms: 0, rows: 0 };
  const store: Store = Object.create(inner) as Store;
  Object.assign(store, {
    async readRollups(q: RollupQuery): Promise<RollupRow[]> {
      const t = performance.now();
      const r = await inner.readRollups(q);
      const s = q.cohorts ? window : wholeOnly;
      s.ms += performance.now() - t;
      s.rows += r.length;
      return r;
    },
    readVerdictStepsAfter: inner.readVerdictStepsAfter.bind(inner),
    countOrphans: inner.countOrphans.bind(inner),
  });
  return { store, window, wholeOnly };
}

// ---- SQL baseline ----------------------------------------------------------------------------------

/** Time-clustered raw events (WITHOUT ROWID, primary key (ts, seq)): the layout most favourable to range scans. */
const RAW_SCHEMA = `
  CREATE TABLE raw_inference (
    ts INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL,          -- ok | error
    error_type TEXT,
    latency_ms REAL,
    input_class TEXT,
    region TEXT NOT NULL,
    judged INTEGER NOT NULL,       -- 1 when a label is known
    good INTEGER NOT NULL,         -- 1 when the verdict is good
    weight REAL NOT NULL,          -- 1 / samplingProb (0 when not judged)
    PRIMARY KEY (ts, seq)
  ) WITHOUT ROWID`;

function fillRaw(db: Database.Database, end: number, events: number, perDay: number): void {
  const rnd = rng(13);
  const spanMs = Math.max(MINUTE, Math.round((events / perDay) * DAY));
  const start = end - spanMs;
  const ins = db.prepare('INSERT INTO raw_inference VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const cum = SHARES.map(((s) => (x: number) => (s += x))(0));
  db.transaction(() => {
    for (let i = 0; i < events; i++) {
      const ts = start + Math.floor((i * spanMs) / events);
      const region = COHORT_VALUES[Math.max(0, cum.findIndex((c) => c > rnd()))] ?? COHORT_VALUES[0]!;
      const u = rnd();
      if (u < 0.004) {
        ins.run(ts, i, 'v8', 'error', 'client_error', null, null, region, 0, 0, 0);
      } else if (u < 0.0046) {
        ins.run(ts, i, 'v8', 'error', rnd() < 0.6 ? 'timeout' : 'gpu_oom', null, null, region, 0, 0, 0);
      } else {
        const v = rnd();
        const k = v < CLASSES[0]!.share ? CLASSES[0]! : v < CLASSES[0]!.share + CLASSES[1]!.share ? CLASSES[1]! : CLASSES[2]!;
        const lat = Math.round(k.baseMs * Math.exp(SIGMA * gaussian(rnd)) * 10) / 10;
        const judged = rnd() < 0.1 ? 1 : 0;
        const good = judged === 1 && rnd() < 0.93 ? 1 : 0;
        ins.run(ts, i, 'v8', 'ok', null, lat, k.name, region, judged, good, judged * 10);
      }
    }
  })();
  db.exec('ANALYZE');
}

const FAST = `(status = 'ok' AND latency_ms <= CASE input_class WHEN 'short' THEN 150 WHEN 'medium' THEN 400 ELSE 1500 END)`;
const AGGS = `count(*) AS total, sum(error_type = 'client_error') AS excluded, sum(status = 'ok') AS ok,
  sum(status = 'error' AND error_type <> 'client_error') AS errors, sum(${FAST}) AS fast,
  sum(judged) AS judged, sum(good) AS good, sum(weight) AS w, sum(weight * weight) AS w2, sum(good * weight) AS wgood`;

/** The window part of the report: whole service by class and error type, per region, per model version. */
function windowQueries(db: Database.Database): Array<(from: number, to: number) => unknown> {
  const whole = db.prepare(`SELECT input_class, error_type, ${AGGS} FROM raw_inference WHERE ts >= ? AND ts < ? GROUP BY input_class, error_type`);
  const byRegion = db.prepare(`SELECT region, ${AGGS} FROM raw_inference WHERE ts >= ? AND ts < ? GROUP BY region`);
  const byModel = db.prepare(`SELECT model, ${AGGS} FROM raw_inference WHERE ts >= ? AND ts < ? GROUP BY model`);
  return [whole, byRegion, byModel].map((s) => (from: number, to: number) => s.all(from, to));
}

/** The 7 burn windows in one scan of the longest one, with conditional sums per window. */
function burnQuery(db: Database.Database, windows: readonly number[]): (to: number) => unknown {
  const cols = windows.map((_, i) => `sum(ts >= @w${i}) AS n${i}, sum(ts >= @w${i} AND error_type = 'client_error') AS x${i},
    sum(ts >= @w${i} AND status = 'error' AND error_type <> 'client_error') AS e${i}, sum(ts >= @w${i} AND ${FAST}) AS f${i},
    sum(CASE WHEN ts >= @w${i} THEN judged END) AS j${i}, sum(CASE WHEN ts >= @w${i} THEN weight END) AS w${i},
    sum(CASE WHEN ts >= @w${i} THEN good * weight END) AS g${i}`).join(',\n');
  const stmt = db.prepare(`SELECT ${cols} FROM raw_inference WHERE ts >= @from AND ts < @to`);
  return (to: number) => {
    const params: Record<string, number> = { to, from: to - Math.max(...windows) };
    windows.forEach((w, i) => { params[`w${i}`] = to - w; });
    return stmt.get(params);
  };
}

// ---- run -------------------------------------------------------------------------------------------

/** The bench spec and the 30-day burn policy. */
export async function benchSpecAndPolicy(): Promise<{ spec: ServiceSpec; policy: BurnPolicy }> {
  const { specs, problems } = await loadSpecFiles([BENCH_SPEC]);
  const spec: ServiceSpec | undefined = specs[0];
  if (spec === undefined || problems.length > 0) throw new Error(`bench spec invalid: ${JSON.stringify(problems)}`);
  return { spec, policy: policyForPeriod(await loadBurnPolicies(), 30) };
}

export async function runReportBench(opts: ReportOptions): Promise<ReportResult> {
  const { log } = opts;
  const { spec, policy } = await benchSpecAndPolicy();

  const dir = mkdtempSync(join(tmpdir(), 'mlslo-bench-report-'));
  const rmDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const path = join(dir, 'rollups.sqlite');
    const end = Math.floor(Date.now() / MINUTE) * MINUTE; // not hour- or day-aligned: the plan has every segment kind
    const start = end - opts.days * DAY;

    // Build with synchronous=NORMAL (durability of bench data does not matter; reads are unaffected).
    let t = performance.now();
    const builder = openSqliteStore({ path, synchronous: 'NORMAL' });
    log(`report: building ${opts.days} days × ${fmtInt(opts.perDay)} events/day × ${COHORT_VALUES.length} cohort values as rollups through Store.commitIngest…`);
    const built = await buildRollups(builder, start, end, opts.perDay, log);
    await builder.close();
    const buildMs = performance.now() - t;
    const dbBytes = statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    log(`report: built ${fmtInt(built.deltas)} minute deltas (${fmtInt(built.events)} events' worth) in ${built.commits} commits, ${(buildMs / 1000).toFixed(1)} s, ${(dbBytes / 1e6).toFixed(0)} MB`);

    const counter = new Database(path, { readonly: true });
    const rollupRows = (['m', 'h', 'd'] as const)
      .reduce((a, r) => a + (counter.prepare(`SELECT count(*) FROM rollup_${r}`).pluck().get() as number), 0);
    counter.close();
    const req = reportRequest(spec, policy, end);
    const store = openSqliteStore({ path });
    // Live ingest between reports: one minute's deltas into the open minute (as commitIngest does every batch).
    const trickle = trickleInto(store, start, end, opts.perDay);
    try {
      const first = await serviceReport(store, req);
      const reportedTotal = first.errors.total + first.errors.excluded;
      const short = first.latency.classes.find((c) => c.name === 'short');
      log(`report: sanity: ${fmtInt(reportedTotal)} events in the report (built ${fmtInt(built.events)}), ${first.cohorts.length} cohort rows, ` +
        `${first.versions.length} versions, errors SLI ${first.errors.sli?.toFixed(5) ?? 'n/a'}, short p99 ${short?.p99?.toFixed(0) ?? 'n/a'} ms, ` +
        `quality ${first.quality.qHat?.toFixed(3) ?? 'n/a'} (${first.quality.status}), ${first.burnAlerts.filter((a) => a.firing).length} burn alerts firing`);
      const times = await timeReports(store, req, opts.runs, opts.warmup, trickle);
      // A second, shorter pass through a timing proxy: share of time spent reading rollups.
      const timed = timedStore(store);
      const probeRuns = Math.max(10, Math.floor(opts.runs / 5));
      let probeMs = 0;
      for (let i = 0; i < probeRuns; i++) {
        await trickle();
        const t0 = performance.now();
        await serviceReport(timed.store, req);
        probeMs += performance.now() - t0;
      }
      const readShare = (timed.window.ms + timed.wholeOnly.ms) / probeMs;
      const rowsPerReport = (timed.window.rows + timed.wholeOnly.rows) / probeRuns;
      const burnReadShare = timed.wholeOnly.ms / probeMs;
      log(`report: ${opts.runs} runs; per report ${fmtInt(rowsPerReport)} rollup rows read (${fmtInt(timed.window.rows / probeRuns)} for the window with cohorts, ` +
        `${fmtInt(timed.wholeOnly.rows / probeRuns)} whole-service rows re-read for burn/grace windows); time in readRollups ${(readShare * 100).toFixed(0)}% ` +
        `(window ${((timed.window.ms / probeMs) * 100).toFixed(0)}%, burn/grace re-reads ${(burnReadShare * 100).toFixed(0)}%)`);

      // Cold: the first report on a freshly opened store (empty read cache; code already warm), a few times.
      const coldRuns = Math.max(3, Math.min(10, Math.floor(opts.runs / 30)));
      const cold: number[] = [];
      for (let i = 0; i < coldRuns; i++) {
        const fresh = openSqliteStore({ path });
        try {
          const t0 = performance.now();
          await serviceReport(fresh, req);
          cold.push(performance.now() - t0);
        } finally {
          await fresh.close();
        }
      }

      // ---- SQL over raw events -------------------------------------------------------------------
      const rawPath = join(dir, 'raw.sqlite');
      const db = new Database(rawPath);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('cache_size = -262144');
      db.exec(RAW_SCHEMA);
      t = performance.now();
      fillRaw(db, end, opts.rawEvents, opts.perDay);
      const rawFillMs = performance.now() - t;
      const sampleDays = opts.rawEvents / opts.perDay;
      log(`report: raw SQL sample of ${fmtInt(opts.rawEvents)} events (${sampleDays.toFixed(2)} days) filled in ${(rawFillMs / 1000).toFixed(1)} s`);
      const wq = windowQueries(db);
      const windows = policyWindows(policy);
      const bq = burnQuery(db, windows);
      const wTimes: number[] = [];
      const bTimes: number[] = [];
      for (let i = 0; i <= opts.sqlRuns; i++) {
        await yieldToLoop();
        let t0 = performance.now();
        for (const q of wq) q(end - WINDOW_MS, end);
        const w = performance.now() - t0;
        t0 = performance.now();
        bq(end);
        const b = performance.now() - t0;
        if (i > 0) { // the first run warms the page cache
          wTimes.push(w);
          bTimes.push(b);
        }
      }
      db.close();
      const sqlWindow = median(wTimes);
      const sqlBurn = median(bTimes);
      const longest = Math.max(...windows) / DAY;
      const windowScale = (opts.days * opts.perDay) / opts.rawEvents;
      const burnScale = Math.min(longest, opts.days) / Math.min(longest, sampleDays);
      const sqlScaledMs = sqlWindow * windowScale + sqlBurn * burnScale;
      const scaleNote = `window queries (whole by class × error type, by region, by model) scan every row of the ${opts.days}-day window: ` +
        `${sqlWindow.toFixed(1)} ms on ${fmtInt(opts.rawEvents)} rows × ${windowScale.toFixed(1)}; burn windows (one conditional-sum scan of the last ${Math.min(longest, opts.days)} days): ` +
        `${sqlBurn.toFixed(1)} ms × ${burnScale.toFixed(1)}; linear in rows scanned, page cache warm, percentiles not computed (both favour SQL)`;

      const sorted = [...times].sort((a, b) => a - b);
      return {
        days: opts.days, perDay: opts.perDay, cohorts: COHORT_VALUES.length, buildMs, rollupRows, deltas: built.deltas, commits: built.commits, dbBytes,
        runs: opts.runs, p50: percentile(times, 50), p99: percentile(times, 99), max: sorted.at(-1)!,
        coldP50: median(cold), coldMax: Math.max(...cold), coldRuns,
        readShare, rowsPerReport, burnReadShare, reportedTotal, expectedTotal: built.events,
        rawEvents: opts.rawEvents, rawFillMs, sqlSampleMs: { window: sqlWindow, burn: sqlBurn }, sqlScaledMs, scaleNote,
        ratio: sqlScaledMs / percentile(times, 50),
      };
    } finally {
      await store.close();
    }
  } finally {
    rmDir();
  }
}
