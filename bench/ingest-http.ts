/**
 * Benchmark (a): ingest over HTTP into SQLite, durable (a 200 means committed with synchronous=FULL).
 *
 * The real server runs in a child process (bench/lib/server-child.ts) on a temp data directory; this
 * process generates every NDJSON payload up front, then posts them with N concurrent fetch clients and
 * checks that each answer is 200 with accepted = items, duplicates = 0, rejected = []. Baseline, in the
 * same process and run: the rate at which this process merely decodes and `JSON.parse`s the same payload
 * lines (measured before and after the HTTP run; the mean is used).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './lib/cleanup.ts';
import { topSelfTime, type SelfTime } from './lib/cpu-profile.ts';
import { spawnServer } from './lib/server-process.ts';
import { fmtInt, mean, procCpuSeconds, procStatusKiB, rng } from './lib/stats.ts';

export const BENCH_SPEC = fileURLToPath(new URL('./specs/bench-service.yaml', import.meta.url));
export const SERVICE = 'bench-classifier';

export interface IngestOptions {
  /** Total events (rounded up to whole requests). */
  readonly events: number;
  readonly perRequest: number;
  readonly concurrency: number;
  /** Passes over all payloads for the JSON.parse baseline, before and after the HTTP run each. */
  readonly parsePasses: number;
  /** Write a CPU profile of the server child here and summarise it. */
  readonly cpuProfDir?: string;
  readonly log: (line: string) => void;
}

export interface IngestResult {
  readonly events: number;
  readonly requests: number;
  readonly perRequest: number;
  readonly concurrency: number;
  readonly payloadBytes: number;
  readonly genMs: number;
  readonly wallMs: number;
  readonly rate: number;
  readonly firstRate: number;
  readonly lastRate: number;
  readonly tenthRequests: number;
  readonly parseRate: number;
  readonly parseRates: readonly number[];
  readonly rssBeforeKiB: number | undefined;
  readonly rssAfterKiB: number | undefined;
  readonly hwmKiB: number | undefined;
  /** Server child CPU (user + sys) per accepted event, µs; undefined off Linux. */
  readonly serverCpuUsPerEvent: number | undefined;
  /** This process's CPU per event while JSON.parse-ing, µs (last pass). */
  readonly parseCpuUsPerEvent: number;
  readonly profile?: { readonly file: string; readonly totalMs: number; readonly top: readonly SelfTime[] };
}

const REGIONS = ['eu', 'us', 'apac', 'latam', 'mea'];
const REGION_W = [0.35, 0.3, 0.2, 0.1, 0.05];
const LANGUAGES = ['en', 'es', 'pt', 'de'];
const LANGUAGE_W = [0.55, 0.2, 0.15, 0.1];
const LABELS = ['approve', 'review', 'reject'];
const ERRORS = ['timeout', 'timeout', 'gpu_oom', 'model_error', 'client_error'];

function pick(rnd: () => number, values: readonly string[], weights: readonly number[]): string {
  let u = rnd();
  for (let i = 0; i < values.length; i++) {
    u -= weights[i]!;
    if (u < 0) return values[i]!;
  }
  return values[values.length - 1]!;
}

/**
 * `requests` NDJSON bodies of `perRequest` lines each: ~85% ok inferences (latency by input size,
 * input.tokens, cohort region × language, a predicted label), ~5% errors (a fifth of them the excluded
 * client_error), ~10% ground-truth outcomes with samplingProb 0.1 for earlier ok requests. Ids are unique
 * across the run; timestamps rise evenly through the last hour.
 */
export function generatePayloads(requests: number, perRequest: number, seed = 7, tag = Date.now().toString(36)): Buffer[] {
  const rnd = rng(seed);
  const total = requests * perRequest;
  const now = Date.now();
  const start = now - 58 * 60_000; // the last hour, with two minutes of slack for generation time
  const span = 57 * 60_000;
  const okIds: Array<{ id: string; ts: number }> = [];
  let outcomeCursor = 0;
  const out: Buffer[] = [];
  let g = 0;
  for (let r = 0; r < requests; r++) {
    const lines = new Array<string>(perRequest);
    for (let i = 0; i < perRequest; i++, g++) {
      const ts = start + Math.floor((g * span) / total);
      const u = rnd();
      if (u < 0.1 && outcomeCursor < okIds.length) {
        // ~10% outcomes
        const req = okIds[outcomeCursor++]!;
        const label = LABELS[rnd() < 0.93 ? 0 : 1 + Math.floor(rnd() * 2)]!;
        lines[i] = `{"kind":"outcome","requestId":"${req.id}","service":"${SERVICE}","ts":"${new Date(Math.max(ts, req.ts + 1)).toISOString()}","source":"ground_truth","label":"${label}","samplingProb":0.1}`;
        continue;
      }
      const id = `b-${tag}-${g.toString(36)}`;
      const iso = new Date(ts).toISOString();
      const region = pick(rnd, REGIONS, REGION_W);
      const language = pick(rnd, LANGUAGES, LANGUAGE_W);
      const tokens = Math.floor(Math.exp(4 + rnd() * 3.5)); // 55 … 1,800
      if (u >= 0.1 && u < 0.15) {
        // ~5% errors
        const errorType = ERRORS[Math.floor(rnd() * ERRORS.length)]!;
        lines[i] = `{"kind":"inference","id":"${id}","service":"${SERVICE}","model":"v7","ts":"${iso}","status":"error","errorType":"${errorType}","input":{"tokens":${tokens}},"cohort":{"region":"${region}","language":"${language}"}}`;
        continue;
      }
      const base = tokens <= 256 ? 40 : tokens <= 1024 ? 120 : 450;
      const latency = Math.round(base * Math.exp(0.45 * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd())) * 10) / 10;
      const score = Math.round(rnd() * 1000) / 1000;
      const label = LABELS[score < 0.8 ? 0 : score < 0.95 ? 1 : 2]!;
      lines[i] = `{"kind":"inference","id":"${id}","service":"${SERVICE}","model":"v7","ts":"${iso}","latencyMs":${latency},"status":"ok","input":{"tokens":${tokens}},"cohort":{"region":"${region}","language":"${language}"},"prediction":{"label":"${label}","score":${score}}}`;
      // Labels arrive later for a sample: only ids from earlier requests (or far back in this one).
      okIds.push({ id, ts });
    }
    out.push(Buffer.from(lines.join('\n'), 'utf8'));
  }
  return out;
}

/** Events/s at which this process turns the payloads into objects: UTF-8 decode, split lines, JSON.parse. */
export function parseRate(payloads: readonly Buffer[]): { rate: number; cpuUsPerEvent: number } {
  let n = 0;
  let sink = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const p of payloads) {
    const text = p.toString('utf8');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      const o = JSON.parse(text.slice(start, end)) as { kind: string };
      sink += o.kind.length;
      n++;
      start = end + 1;
    }
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (sink === 0) throw new Error('nothing parsed');
  return { rate: n / (ms / 1000), cpuUsPerEvent: (cpu.user + cpu.system) / n };
}

export interface Sent {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly items: number;
}

export async function post(url: string, key: string, body: Buffer, items: number, index: number): Promise<Sent> {
  const start = performance.now();
  const res = await fetch(`${url}/v1/events`, {
    method: 'POST', body, headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
  });
  const text = await res.text();
  const end = performance.now();
  if (res.status !== 200) throw new Error(`request ${index}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  const r = JSON.parse(text) as { accepted: number; duplicates: number; rejected: unknown[] };
  if (r.accepted !== items || r.duplicates !== 0 || r.rejected.length !== 0) {
    throw new Error(`request ${index}: accepted ${r.accepted}/${items}, duplicates ${r.duplicates}, rejected ${JSON.stringify(r.rejected.slice(0, 3))}…`);
  }
  return { index, start, end, items };
}

export function countLines(b: Buffer): number {
  let n = 1;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** Where requests go: a server's URL and an ingest key it accepts. */
export interface Target {
  readonly url: string;
  readonly key: string;
}

/**
 * Posts every payload with `concurrency` requests in flight, request i to target i mod targets (one
 * server, or ingest replicas behind a round-robin balancer). Every answer is checked (see `post`).
 * `progress` is called after every tenth of the requests with those done and the seconds elapsed.
 */
export async function postPayloads(targets: readonly Target[], payloads: readonly Buffer[], counts: readonly number[], concurrency: number,
  progress?: (done: readonly Sent[], elapsedS: number) => void): Promise<{ sent: Sent[]; t0: number; wallMs: number }> {
  const sent: Sent[] = [];
  let next = 0;
  const tenth = Math.max(1, Math.floor(payloads.length / 10));
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < payloads.length) {
      const i = next++;
      const target = targets[i % targets.length]!;
      sent.push(await post(target.url, target.key, payloads[i]!, counts[i]!, i));
      if (sent.length % tenth === 0) progress?.(sent, (performance.now() - t0) / 1000);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, payloads.length) }, worker));
  return { sent, t0, wallMs: performance.now() - t0 };
}

/** Rates (events/s) of the first and the last tenth of requests, by completion order; k requests each. */
export function tenthRates(sent: readonly Sent[], t0: number): { firstRate: number; lastRate: number; k: number } {
  const byEnd = [...sent].sort((a, b) => a.end - b.end);
  const k = Math.max(1, Math.round(byEnd.length / 10));
  const firstEnd = byEnd[k - 1]!.end;
  const firstRate = byEnd.slice(0, k).reduce((a, s) => a + s.items, 0) / ((firstEnd - t0) / 1000);
  const lastFrom = byEnd.length > k ? byEnd[byEnd.length - k - 1]!.end : t0;
  const lastRate = byEnd.slice(-k).reduce((a, s) => a + s.items, 0) / ((byEnd.at(-1)!.end - lastFrom) / 1000);
  return { firstRate, lastRate, k };
}

export async function runIngestBench(opts: IngestOptions): Promise<IngestResult> {
  const log = opts.log;
  const requests = Math.max(1, Math.ceil(opts.events / opts.perRequest));
  let t = performance.now();
  const payloads = generatePayloads(requests, opts.perRequest);
  const genMs = performance.now() - t;
  const counts = payloads.map(countLines);
  const events = counts.reduce((a, b) => a + b, 0);
  const payloadBytes = payloads.reduce((a, b) => a + b.length, 0);
  log(`ingest: generated ${requests} NDJSON payloads × ${fmtInt(opts.perRequest)} events (${(payloadBytes / 1e6).toFixed(0)} MB) in ${(genMs / 1000).toFixed(1)} s`);

  const parseRates: number[] = [];
  parseRate(payloads.slice(0, 2)); // warm-up (JIT)
  for (let i = 0; i < opts.parsePasses; i++) parseRates.push(parseRate(payloads).rate);

  const dir = mkdtempSync(join(tmpdir(), 'mlslo-bench-ingest-'));
  const rmDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const server = await spawnServer(join(dir, 'data'), BENCH_SPEC, opts.cpuProfDir === undefined ? {} : { cpuProfDir: opts.cpuProfDir });
  let profile: IngestResult['profile'];
  try {
    log(`ingest: server child pid ${server.pid} at ${server.url}; posting with ${opts.concurrency} clients in flight`);
    const rssBeforeKiB = procStatusKiB(server.pid, 'VmRSS');
    const cpuBefore = procCpuSeconds(server.pid);
    const { sent, t0, wallMs } = await postPayloads([server], payloads, counts, opts.concurrency, (done, el) => {
      log(`  ${String(done.length).padStart(4)}/${requests} requests, ${fmtInt(done.reduce((a, s) => a + s.items, 0) / el)} events/s so far, server RSS ${Math.round((procStatusKiB(server.pid, 'VmRSS') ?? 0) / 1024)} MiB`);
    });
    const cpuAfter = procCpuSeconds(server.pid);
    const rssAfterKiB = procStatusKiB(server.pid, 'VmRSS');
    const hwmKiB = procStatusKiB(server.pid, 'VmHWM');
    const { firstRate, lastRate, k } = tenthRates(sent, t0);

    t = performance.now();
    let lastParse = { rate: 0, cpuUsPerEvent: 0 };
    for (let i = 0; i < opts.parsePasses; i++) parseRates.push((lastParse = parseRate(payloads)).rate);
    log(`ingest: JSON.parse passes ${parseRates.map((r) => fmtInt(r)).join(', ')} events/s`);

    await server.stop();
    if (opts.cpuProfDir !== undefined) {
      // The loader (tsx) runs a worker thread with its own profile: the main thread's is the `.0.` one of this pid.
      const file = readdirSync(opts.cpuProfDir).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${server.pid}.0.`))
        .map((f) => join(opts.cpuProfDir!, f)).sort().at(-1);
      if (file !== undefined) profile = { file, ...topSelfTime(file, 20) };
    }
    return {
      events, requests, perRequest: opts.perRequest, concurrency: opts.concurrency, payloadBytes, genMs, wallMs,
      rate: events / (wallMs / 1000), firstRate, lastRate, tenthRequests: k,
      parseRate: mean(parseRates), parseRates,
      rssBeforeKiB, rssAfterKiB, hwmKiB,
      serverCpuUsPerEvent: cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1e6) / events,
      parseCpuUsPerEvent: lastParse.cpuUsPerEvent,
      ...(profile === undefined ? {} : { profile }),
    };
  } finally {
    await server.stop();
    rmDir();
  }
}
