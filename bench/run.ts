/**
 * `npm run bench`: the DESIGN §5 bars, printed as ratios against baselines measured in the same run
 * (absolute numbers swing 2–3× on a shared machine; the ratios are what to compare).
 *
 *   node --import tsx bench/run.ts [--events N] [--quick] [--only ingest|report|drift|memory] [--memory] [--concurrency N]
 *                                  [--per-request N] [--days N] [--runs N] [--raw-events N] [--profile DIR]
 *                                  [--rows N] [--baseline-rows N] [--python PATH] [--no-install]
 *                                  [--memory-events N] [--memory-template N] [--store clickhouse]
 *
 * (a) bench/ingest-http.ts — HTTP → SQLite (durable) into a server child vs this process's JSON.parse rate.
 * (b) bench/report.ts      — serviceReport for 30 days × 1M events/day × 20 cohorts vs SQL over raw events.
 * (c) bench/drift.ts       — drift of 1M rows × 20 features against a 100k-row baseline vs scipy (issue 5).
 * (d) bench/memory.ts      — with --memory (or --only memory): server RSS at 10M, 20M and 30M events over HTTP.
 * (e) bench/clickhouse.ts  — with --store clickhouse: ingest over HTTP and the report of (b) on ClickHouse beside SQLite.
 * See docs/benchmarks.md.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runIngestBench, type IngestResult } from './ingest-http.ts';
import { runReportBench, type ReportResult } from './report.ts';
import { DEFAULT_PYTHON, fmtR, runDriftBench, type DriftResult } from './drift.ts';
import { runMemoryBench, type MemoryResult } from './memory.ts';
import { runClickHouseIngestBench, runClickHouseReportBench, type ClickHouseIngestResult } from './clickhouse.ts';
import { fmtInt, fmtMiB, fmtMs, fmtPct, fmtRatio } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    concurrency: { type: 'string' },
    'per-request': { type: 'string' },
    days: { type: 'string' },
    'per-day': { type: 'string' },
    runs: { type: 'string' },
    'raw-events': { type: 'string' },
    profile: { type: 'string' },
    rows: { type: 'string' },
    'baseline-rows': { type: 'string' },
    python: { type: 'string' },
    'no-install': { type: 'boolean', default: false },
    memory: { type: 'boolean', default: false },
    'memory-events': { type: 'string' },
    'memory-template': { type: 'string' },
    store: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(`usage: npm run bench -- [--events N] [--quick] [--only ingest|report|drift|memory] [--memory] [--concurrency N] [--per-request N]
                        [--days N] [--per-day N] [--runs N] [--raw-events N] [--profile DIR]
                        [--rows N] [--baseline-rows N] [--python PATH] [--no-install] [--memory-events N] [--memory-template N]
  --events N       events posted in the ingest benchmark (default 1,000,000; quick 40,000)
  --quick          small sizes for a smoke run (~30 s)
  --only X         run only the ingest, the report, the drift or the memory benchmark
  --memory         also run the memory benchmark: server RSS at 1/3, 2/3 and 3/3 of --memory-events over HTTP (long: see docs/benchmarks.md)
  --memory-events N  events posted by the memory benchmark (default 30,000,000; quick 300,000)
  --memory-template N  requests generated once and re-sent with new ids each round (default 100)
  --store clickhouse  ClickHouse vs SQLite in the same run (benchmark e): ingest over HTTP into SQLite, one ClickHouse server
                   child and two ClickHouse ingest replicas, and the report of (b) on both stores (drift/memory only with --only)
  --profile DIR    write a CPU profile of the server child to DIR and print its top functions by self time
  --rows N         drift: production rows (default 1,000,000; quick 100,000)
  --baseline-rows N  drift: baseline rows (default 100,000; quick 10,000)
  --python PATH    drift: the interpreter with numpy + scipy (default ${DEFAULT_PYTHON}, Debian's python3-scipy)
  --no-install     drift: do not apt-get install python3-scipy when it is missing (the scipy column is skipped)
`);
  process.exit(0);
}

function num(v: string | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`bench: --${name} must be a positive number\n`);
    process.exit(2);
  }
  return n;
}

const quick = values.quick;
const only = values.only;
if (only !== undefined && only !== 'ingest' && only !== 'report' && only !== 'drift' && only !== 'memory') {
  process.stderr.write('bench: --only must be ingest, report, drift or memory\n');
  process.exit(2);
}
if (values.store !== undefined && values.store !== 'clickhouse' && values.store !== 'sqlite') {
  process.stderr.write('bench: --store must be clickhouse (or sqlite, the default)\n');
  process.exit(2);
}
const clickhouse = values.store === 'clickhouse';
const log = (line: string): void => void process.stdout.write(`${line}\n`);

const ingestOpts = {
  events: num(values.events, quick ? 40_000 : 1_000_000, 'events'),
  perRequest: num(values['per-request'], 10_000, 'per-request'),
  concurrency: num(values.concurrency, 4, 'concurrency'),
  parsePasses: quick ? 2 : 3,
  log,
  ...(values.profile === undefined ? {} : { cpuProfDir: resolve(values.profile) }),
};
const reportOpts = {
  days: num(values.days, quick ? 2 : 30, 'days'),
  perDay: num(values['per-day'], 1_000_000, 'per-day'),
  runs: num(values.runs, quick ? 30 : 300, 'runs'),
  warmup: quick ? 5 : 30,
  rawEvents: num(values['raw-events'], quick ? 100_000 : 1_000_000, 'raw-events'),
  sqlRuns: quick ? 2 : 5,
  log,
};
const driftOpts = {
  rows: num(values.rows, quick ? 100_000 : 1_000_000, 'rows'),
  baselineRows: num(values['baseline-rows'], quick ? 10_000 : 100_000, 'baseline-rows'),
  runs: 3,
  installScipy: !values['no-install'],
  log,
  ...(values.python === undefined ? {} : { python: values.python }),
};
const memoryOpts = {
  events: num(values['memory-events'], quick ? 300_000 : 30_000_000, 'memory-events'),
  perRequest: ingestOpts.perRequest,
  concurrency: ingestOpts.concurrency,
  templateRequests: num(values['memory-template'], 100, 'memory-template'),
  log,
};
if (ingestOpts.cpuProfDir !== undefined) mkdirSync(ingestOpts.cpuProfDir, { recursive: true });

/** Summary of (e) ingest: each run's rate and its ratio to the SQLite run of the same payloads. */
function clickHouseIngestLines(r: ClickHouseIngestResult): string[] {
  const sqlite = r.runs[0]!;
  const cpu = (x: number | undefined): string => (x === undefined ? 'n/a' : `${x.toFixed(1)} µs/event`);
  const out = [`ingest, ClickHouse vs SQLite (HTTP, ${fmtInt(r.events)} events in ${r.requests} requests × ${fmtInt(r.perRequest)}, ${r.concurrency} in flight; JSON.parse ${fmtInt(r.parseRate)} events/s)`];
  for (const run of r.runs) {
    out.push(`  ${run.label.padEnd(38)} ${fmtInt(run.rate).padStart(8)} events/s   ÷ SQLite ${(run.rate / sqlite.rate).toFixed(2)}×   ÷ parse ${fmtPct(run.rate / r.parseRate)}   ` +
      (r.requests >= 20 ? `first/last 10% ${fmtInt(run.firstRate)}/${fmtInt(run.lastRate)}   ` : '') + `mlslo CPU ${cpu(run.serverCpuUsPerEvent)}` +
      (run.clickhouseCpuUsPerEvent === undefined ? '' : `, clickhouse-server CPU ${cpu(run.clickhouseCpuUsPerEvent)}`));
  }
  if (r.skipped !== undefined) out.push(`  ClickHouse skipped: ${r.skipped}`);
  if (r.profile !== undefined) {
    const p = r.profile;
    out.push(`  commit profile (in-process Ingestor, ${fmtInt(p.events)} events, ${p.groups} groups of ≤ 4 requests): ${fmtMs(p.commitMs)} per group; round trips by kind (calls, mean):`);
    for (const c of p.calls) out.push(`    ${c.what.padEnd(34)} ${String(c.calls).padStart(5)} × ${fmtMs(c.ms / c.calls)}`);
  }
  return out;
}

/** Summary of (e) report: p50/p99 before and after compaction, and the ratio to SQLite's (b) in this run. */
function clickHouseReportLines(r: Awaited<ReturnType<typeof runClickHouseReportBench>>, sqlite: ReportResult | undefined): string[] {
  if ('skipped' in r && r.skipped !== undefined) return [`report, ClickHouse vs SQLite: ClickHouse skipped: ${r.skipped}`];
  const c = r as Exclude<typeof r, { skipped: string }>;
  const vs = (ms: number, base: number | undefined): string => (base === undefined ? '' : `  (${(ms / base).toFixed(1)}× SQLite's)`);
  return [
    `report, ClickHouse vs SQLite (${c.days}d × ${fmtInt(c.perDay)}/day × 20 cohorts = ${fmtInt(c.events)} events as rollups; counted ${fmtInt(c.reportedTotal)})`,
    `  SQLite (b)                        p50 ${fmtMs(sqlite?.p50 ?? NaN)}  p99 ${fmtMs(sqlite?.p99 ?? NaN)}`,
    `  ClickHouse before compaction      p50 ${fmtMs(c.before.p50)}${vs(c.before.p50, sqlite?.p50)}  p99 ${fmtMs(c.before.p99)}${vs(c.before.p99, sqlite?.p99)}  (${fmtInt(c.before.deltaRows)} rollup delta rows)`,
    `  ClickHouse after compact() + GC   p50 ${fmtMs(c.after.p50)}${vs(c.after.p50, sqlite?.p50)}  p99 ${fmtMs(c.after.p99)}${vs(c.after.p99, sqlite?.p99)}  (${fmtInt(c.after.deltaRows)} rows)`,
    `  SQL over raw (scaled, SQLite) ÷ ClickHouse p50 after compaction ${sqlite === undefined ? 'n/a' : fmtRatio(sqlite.sqlScaledMs / c.after.p50)}; ` +
      `build ${(c.buildMs / 1000).toFixed(1)} s in ${c.commits} commits (commitIngest ${fmtMs(c.commitMs)} mean, ${fmtMs(c.commitP99Ms)} p99), compact ${(c.compactMs / 1000).toFixed(1)} s, GC ${(c.gcMs / 1000).toFixed(1)} s; ${c.runs} runs each`,
    `  build commits' round trips by kind (calls per commit × mean): ${c.buildCalls.map((x) => `${x.what} ${(x.calls / c.commits).toFixed(1)} × ${fmtMs(x.ms / x.calls)}`).join('; ')}`,
    `  one report's round trips by kind (calls × mean): ${c.reportCalls.map((x) => `${x.what} ${x.calls.toFixed(1)} × ${fmtMs(x.ms / x.calls)}`).join('; ')}`,
  ];
}

log(`mlslo bench${quick ? ' (quick)' : ''} — node ${process.version}, ${new Date().toISOString()}`);
let ingest: IngestResult | undefined;
let report: ReportResult | undefined;
let drift: DriftResult | undefined;
let memory: MemoryResult | undefined;
let chIngest: ClickHouseIngestResult | undefined;
let chReport: Awaited<ReturnType<typeof runClickHouseReportBench>> | undefined;
if (clickhouse) {
  // (e): the SQLite side of the ingest comparison is posted with the same payloads inside it; the report's is (b).
  if (only === undefined || only === 'ingest') chIngest = await runClickHouseIngestBench({ ...ingestOpts, profileRequests: quick ? 4 : 20 });
  if (only === undefined || only === 'report') {
    report = await runReportBench(reportOpts);
    // Fewer runs on ClickHouse: a report there costs ~0.5 s of round trips (see the results), 300 would take minutes.
    chReport = await runClickHouseReportBench({ ...reportOpts, runs: Math.min(reportOpts.runs, quick ? 10 : 100), warmup: quick ? 2 : 10 });
  }
} else {
  if (only === undefined || only === 'ingest') ingest = await runIngestBench(ingestOpts);
  if (only === undefined || only === 'report') report = await runReportBench(reportOpts);
}
if ((!clickhouse && only === undefined) || only === 'drift') drift = await runDriftBench(driftOpts);
if (only === 'memory' || (only === undefined && values.memory)) memory = await runMemoryBench(memoryOpts);

const lines: string[] = ['', '==== summary (ratios are the result; absolute figures are noisy on a shared machine) ===='];
if (ingest !== undefined) {
  const i = ingest;
  const ratio = i.rate / i.parseRate;
  lines.push(
    `ingest (HTTP → SQLite, durable)   ${fmtInt(i.rate)} events/s   JSON.parse ${fmtInt(i.parseRate)} events/s   ratio ${fmtPct(ratio)}   (target ≥ 100k/s, ≥ 25%)`,
    `  ${fmtInt(i.events)} events in ${i.requests} requests × ${fmtInt(i.perRequest)}, ${i.concurrency} in flight, ${(i.wallMs / 1000).toFixed(1)} s; all 200, accepted = items, rejected = []`,
    `  first 10% of requests ${fmtInt(i.firstRate)} events/s, last 10% ${fmtInt(i.lastRate)} events/s (last/first ${(i.lastRate / i.firstRate).toFixed(2)}, ${i.tenthRequests} requests each)`,
    `  server CPU ${i.serverCpuUsPerEvent === undefined ? 'n/a' : `${i.serverCpuUsPerEvent.toFixed(1)} µs/event`} vs JSON.parse CPU ${i.parseCpuUsPerEvent.toFixed(2)} µs/event` +
      (i.serverCpuUsPerEvent === undefined ? '' : ` (CPU ratio ${fmtPct(i.parseCpuUsPerEvent / i.serverCpuUsPerEvent)})`),
    `  server RSS before ${fmtMiB(i.rssBeforeKiB)}, after ${fmtMiB(i.rssAfterKiB)}, peak ${fmtMiB(i.hwmKiB)}; JSON.parse passes ${i.parseRates.map(fmtInt).join(' / ')} events/s`,
  );
}
if (report !== undefined) {
  const r = report;
  lines.push(
    `report ${r.days}d × ${fmtInt(r.perDay / 1e6 >= 1 ? r.perDay / 1e6 : r.perDay)}${r.perDay >= 1e6 ? 'M' : ''}/day × ${r.cohorts} cohorts  p50 ${fmtMs(r.p50)}  p99 ${fmtMs(r.p99)}  max ${fmtMs(r.max)}   ` +
      `SQL over raw (scaled) ${fmtMs(r.sqlScaledMs)}   ratio ${fmtRatio(r.ratio)}   (target p99 < 50 ms, ≥ 100×)`,
    `  ${r.runs} runs of serviceReport (30d window) after warm-up, each after an ingest commit into the open minute; ${fmtInt(r.rowsPerReport)} rollup rows read per report, ` +
      `${(r.readShare * 100).toFixed(0)}% of time in readRollups (${(r.burnReadShare * 100).toFixed(0)}% re-reading burn windows); p99-based ratio ${fmtRatio(r.sqlScaledMs / r.p99)}`,
    `  cold (first report on a freshly opened store, ${r.coldRuns} runs): p50 ${fmtMs(r.coldP50)}, max ${fmtMs(r.coldMax)}; SQL ÷ cold p50 ${fmtRatio(r.sqlScaledMs / r.coldP50)}`,
    `  data: ${fmtInt(r.deltas)} minute deltas (${fmtInt(r.expectedTotal)} events' worth; report counted ${fmtInt(r.reportedTotal)}) → ${fmtInt(r.rollupRows)} rollup rows in ${r.commits} commits via Store.commitIngest, ` +
      `built in ${(r.buildMs / 1000).toFixed(1)} s, ${(r.dbBytes / 1e6).toFixed(0)} MB`,
    `  SQL: ${r.scaleNote}`,
  );
}
if (drift !== undefined) {
  const d = drift;
  const size = (n: number): string => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : fmtInt(n));
  lines.push(
    `drift ${size(d.rows)} rows × ${d.features.length} features vs ${size(d.baselineRows)} baseline  evaluation ${fmtMs(d.evalMs)}  fold ${fmtMs(d.foldMs)} (addValue ${fmtInt(d.foldRowsPerS)} rows/s, at ingest)  ` +
      `raw arrays ${fmtMs(d.rawMs)}  scipy ${d.scipy === undefined ? 'skipped' : fmtMs(d.scipy.ms)}   ` +
      (d.ratioEval === undefined || d.ratioFoldEval === undefined ? `ratio n/a (scipy skipped: ${d.scipySkipped ?? ''})` : `ratio scipy/evaluation ${fmtR(d.ratioEval)}  scipy/(fold + evaluation) ${fmtR(d.ratioFoldEval)}`),
    `  best of ${d.runs} each side; evaluation = prepareFeature ${fmtMs(d.prepareMs)} (cached per baseline by the engine) + featureDrift & datasetDrift ${fmtMs(d.featureDriftMs)}; ` +
      `agreement with ${d.scipy === undefined ? 'mlslo exact (scipy skipped)' : 'scipy and mlslo exact'}: ${d.agree ? 'OK' : `MISMATCH (${d.mismatches.length})`}`,
  );
}
if (memory !== undefined) {
  const m = memory;
  const size = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(n % 1e6 === 0 ? 0 : 1)}M` : `${fmtInt(n / 1e3)}k`);
  const sign = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const first = m.checkpoints[0]!.rssKiB;
  lines.push(
    `memory (server RSS at ${m.checkpoints.map((c) => size(c.events)).join(' / ')} events)   ${m.checkpoints.map((c) => fmtMiB(c.rssKiB)).join(' / ')}   ` +
      `change ${m.checkpoints.slice(1).map((c) => sign(c.rssKiB / first - 1)).join(' / ')}   (target ±10%)`,
    `  ${fmtInt(m.events)} events over HTTP in ${(m.wallMs / 60_000).toFixed(1)} min (${fmtInt(m.rate)} events/s; per tenth of the run ${m.tenthRates.map(fmtInt).join(' / ')} events/s); ` +
      `RSS before ${fmtMiB(m.rssBeforeKiB)}, peak ${fmtMiB(m.hwmKiB)}; server CPU ${m.serverCpuUsPerEvent === undefined ? 'n/a' : `${m.serverCpuUsPerEvent.toFixed(1)} µs/event`}; data dir ${(m.dbBytes / 1e9).toFixed(1)} GB`,
  );
}
if (chIngest !== undefined) lines.push(...clickHouseIngestLines(chIngest));
if (chReport !== undefined) lines.push(...clickHouseReportLines(chReport, report));
if (ingest?.profile !== undefined) {
  const p = ingest.profile;
  lines.push('', `server child CPU profile (${p.file}), ${fmtInt(p.totalMs)} ms busy; top functions by self time:`);
  for (const f of p.top) lines.push(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${fmtInt(f.ms).padStart(7)} ms  ${f.name}  ${f.where}`);
}
log(lines.join('\n'));
if (drift !== undefined && !drift.agree) {
  process.stderr.write(`bench: drift statistics disagree:\n${drift.mismatches.join('\n')}\n`);
  process.exit(1);
}
// Children are stopped and temp dirs removed by the cleanup handlers (bench/lib/cleanup.ts) on exit.
process.exit(0);
