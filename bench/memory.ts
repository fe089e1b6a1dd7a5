/**
 * Benchmark (d): memory is bounded by cardinality, not by event count (DESIGN §5: server RSS flat,
 * ±10%, from 10M to 30M events).
 *
 * The real server runs in a child process (as in bench/ingest-http.ts, synchronous = FULL). This process
 * posts N events over HTTP — 30M by default — with the same shapes as the ingest benchmark: a template of
 * requests is generated once (ids carry a fixed-width round tag, timestamps rise through the last hour),
 * and each round re-sends it with the tag bytes patched, so every id is new but cardinality (service ×
 * model × 20 cohort values × the same minutes) stays fixed while the event count grows. After every
 * request the child's RSS (/proc/<pid>/status VmRSS) is sampled; at each third of the run (10M, 20M, 30M)
 * the median of the samples of the preceding tenth of the run is taken. Bar: the largest of the three
 * within ±10% of the first (10M). Also printed: the ingest rate of every tenth of the run (does ingest
 * slow down as the tables grow?), peak RSS (VmHWM), the database size and how long the run took.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { onCleanup } from './lib/cleanup.ts';
import { spawnServer } from './lib/server-process.ts';
import { fmtInt, median, procCpuSeconds, procStatusKiB } from './lib/stats.ts';
import { BENCH_SPEC, countLines, generatePayloads, post } from './ingest-http.ts';

export interface MemoryOptions {
  /** Events posted in all (rounded up to whole requests). */
  readonly events: number;
  readonly perRequest: number;
  readonly concurrency: number;
  /** Requests in the template re-sent each round (ids patched). */
  readonly templateRequests: number;
  readonly log: (line: string) => void;
}

export interface MemoryCheckpoint {
  readonly events: number;
  /** Median VmRSS of the samples in the tenth of the run before this point, KiB. */
  readonly rssKiB: number;
  readonly elapsedMs: number;
}

export interface MemoryResult {
  readonly events: number;
  readonly wallMs: number;
  readonly rate: number;
  /** At 1/3, 2/3 and 3/3 of the run (10M, 20M, 30M by default). */
  readonly checkpoints: readonly MemoryCheckpoint[];
  /** max |rss_i / rss_first − 1| over the later checkpoints. */
  readonly drift: number;
  /** Events/s of each tenth of the run, in order. */
  readonly tenthRates: readonly number[];
  readonly rssBeforeKiB: number | undefined;
  readonly hwmKiB: number | undefined;
  readonly serverCpuUsPerEvent: number | undefined;
  readonly dbBytes: number;
}

const TAG_LEN = 8;

/** Byte offsets of every occurrence of `tag` in `b`. */
function offsetsOf(b: Buffer, tag: Buffer): number[] {
  const out: number[] = [];
  for (let i = b.indexOf(tag); i !== -1; i = b.indexOf(tag, i + tag.length)) out.push(i);
  return out;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) n += statSync(join(dir, f)).size;
  return n;
}

export async function runMemoryBench(opts: MemoryOptions): Promise<MemoryResult> {
  const log = opts.log;
  const perRound = opts.templateRequests;
  const requests = Math.max(3, Math.ceil(opts.events / opts.perRequest));
  // The template: ids `b-<tag>-<n>` with an 8-character tag that each round overwrites in place.
  const placeholder = 'Q'.repeat(TAG_LEN);
  const template = generatePayloads(Math.min(perRound, requests), opts.perRequest, 7, placeholder);
  const tagBytes = Buffer.from(`-${placeholder}-`, 'utf8');
  const offsets = template.map((b) => offsetsOf(b, tagBytes).map((o) => o + 1));
  const counts = template.map(countLines);
  const runTag = Date.now().toString(36).slice(-4);
  const payloadFor = (i: number): Buffer => {
    const round = Math.floor(i / template.length);
    const k = i % template.length;
    const b = Buffer.from(template[k]!);
    const tag = Buffer.from(`${runTag}${round.toString(36).padStart(TAG_LEN - runTag.length, '0')}`, 'utf8');
    if (tag.length !== TAG_LEN) throw new Error(`round ${round}: tag ${tag.toString()} is not ${TAG_LEN} bytes`);
    for (const o of offsets[k]!) tag.copy(b, o);
    return b;
  };
  const total = Array.from({ length: requests }, (_, i) => counts[i % counts.length]!).reduce((a, b) => a + b, 0);
  log(`memory: ${fmtInt(total)} events in ${fmtInt(requests)} requests × ${fmtInt(opts.perRequest)} over HTTP, a template of ${template.length} requests re-sent with new ids each round`);

  const dir = mkdtempSync(join(tmpdir(), 'mlslo-bench-memory-'));
  const rmDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const server = await spawnServer(join(dir, 'data'), BENCH_SPEC);
  try {
    const rssBeforeKiB = procStatusKiB(server.pid, 'VmRSS');
    const cpuBefore = procCpuSeconds(server.pid);
    const samples: Array<{ events: number; rss: number; ms: number }> = [];
    const tenthEnds: number[] = [];
    let done = 0;
    let next = 0;
    const t0 = performance.now();
    let nextTenth = 1;
    const worker = async (): Promise<void> => {
      while (next < requests) {
        const i = next++;
        const body = payloadFor(i);
        const s = await post(server.url, server.key, body, counts[i % counts.length]!, i);
        done += s.items;
        const rss = procStatusKiB(server.pid, 'VmRSS');
        if (rss !== undefined) samples.push({ events: done, rss, ms: performance.now() - t0 });
        while (done >= (nextTenth * total) / 10 && nextTenth <= 10) {
          tenthEnds.push(performance.now());
          const el = (performance.now() - t0) / 1000;
          log(`  ${String(nextTenth * 10).padStart(3)}%: ${fmtInt(done)} events, ${fmtInt(done / el)} events/s so far, ${el.toFixed(0)} s, server RSS ${Math.round((rss ?? 0) / 1024)} MiB`);
          nextTenth++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, requests) }, worker));
    const wallMs = performance.now() - t0;
    const cpuAfter = procCpuSeconds(server.pid);
    const hwmKiB = procStatusKiB(server.pid, 'VmHWM');
    const checkpoints: MemoryCheckpoint[] = [1, 2, 3].map((k) => {
      const at = (k * total) / 3;
      const window = samples.filter((x) => x.events <= at && x.events > at - total / 10).map((x) => x.rss);
      const upto = samples.filter((x) => x.events <= at);
      return { events: upto.at(-1)?.events ?? 0, rssKiB: median(window.length > 0 ? window : upto.map((x) => x.rss)), elapsedMs: upto.at(-1)?.ms ?? 0 };
    });
    const first = checkpoints[0]!.rssKiB;
    const drift = Math.max(...checkpoints.slice(1).map((c) => Math.abs(c.rssKiB / first - 1)));
    const tenthRates = tenthEnds.map((t, i) => total / 10 / ((t - (i === 0 ? t0 : tenthEnds[i - 1]!)) / 1000));
    await server.stop();
    const dbBytes = dirBytes(join(dir, 'data'));
    return {
      events: total, wallMs, rate: total / (wallMs / 1000), checkpoints, drift, tenthRates, rssBeforeKiB, hwmKiB, dbBytes,
      serverCpuUsPerEvent: cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1e6) / total,
    };
  } finally {
    await server.stop();
    rmDir();
  }
}
