/**
 * Where ingest's server CPU goes, stage by stage, without HTTP: the bench's NDJSON payloads run through
 * the same functions the server calls — decodeBody, validateItem, canonical JSON + content hash, the
 * dedup lookup, planIngest, commitIngest (SQLite, synchronous = FULL by default) — in this process,
 * each stage timed on its own (CPU and wall), plus the whole pipeline through `Ingestor` for reference.
 *
 *   node --import tsx bench/ingest-stages.ts [--events N] [--group N] [--sync FULL|NORMAL] [--cpu-prof]
 *
 * `--group N` commits N requests (10k events each) per transaction, as the server's group commit does
 * when N clients are in flight. A profiling aid, not a DESIGN §5 bar (those are in `npm run bench`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { MlEvent } from '../src/core/event.ts';
import { CohortRegistry } from '../src/ingest/cohort-registry.ts';
import { canonicalJson, contentHash } from '../src/ingest/content-hash.ts';
import { decodeBody } from '../src/ingest/decode-body.ts';
import { Ingestor } from '../src/ingest/ingest.ts';
import { planIngest, type PlannedItem } from '../src/ingest/plan.ts';
import { validateItem } from '../src/ingest/validate-event.ts';
import { loadSpecFiles } from '../src/spec/load-spec.ts';
import { refKey } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { onCleanup } from './lib/cleanup.ts';
import { fmtInt } from './lib/stats.ts';
import { BENCH_SPEC, generatePayloads, parseRate } from './ingest-http.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '300000' },
    group: { type: 'string', default: '4' },
    sync: { type: 'string', default: 'FULL' },
  },
});
const EVENTS = Number(values.events);
const GROUP = Number(values.group);
const SYNC = values.sync === 'NORMAL' ? 'NORMAL' : 'FULL';
const PER_REQUEST = 10_000;

const { specs } = await loadSpecFiles([BENCH_SPEC]);
const specMap = new Map(specs.map((s) => [s.name, s] as const));
const requests = Math.ceil(EVENTS / PER_REQUEST);

interface Stage { wall: number; cpu: number }
const stages = new Map<string, Stage>();
function timed<T>(name: string, fn: () => T): T {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = fn();
  const s = stages.get(name) ?? { wall: 0, cpu: 0 };
  s.wall += performance.now() - t0;
  const c = process.cpuUsage(c0);
  s.cpu += (c.user + c.system) / 1000;
  stages.set(name, s);
  return r;
}

function run(label: string, payloads: readonly Buffer[], pipeline: 'stages' | 'ingestor'): Promise<void> | void {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-bench-stages-'));
  const rm = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const store = openSqliteStore({ path: join(dir, 'db.sqlite'), synchronous: SYNC });
  const cohorts = new CohortRegistry(store);
  const now = Date.now();
  const n = payloads.length * PER_REQUEST;
  const finish = async (ms: number, cpuMs: number): Promise<void> => {
    process.stdout.write(`${label}: ${fmtInt(n)} events in ${(ms / 1000).toFixed(1)} s = ${fmtInt(n / (ms / 1000))} events/s, ` +
      `${((cpuMs * 1000) / n).toFixed(1)} µs CPU/event (groups of ${GROUP} requests, synchronous=${SYNC})\n`);
    await store.close();
    rm();
  };
  if (pipeline === 'ingestor') {
    const ing = new Ingestor({ store, specs: () => specMap, now: () => now, maxEventAgeMs: 7 * 86_400_000, maxQueue: 64, cohorts });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    return (async () => {
      for (let i = 0; i < payloads.length; i += GROUP) {
        // In flight together, so the writer commits them as one group (as under concurrent clients).
        await Promise.all(payloads.slice(i, i + GROUP).map((p) => ing.ingest(decodeBody(p, 'application/x-ndjson', undefined), { service: undefined })));
      }
      const c = process.cpuUsage(c0);
      await finish(performance.now() - t0, (c.user + c.system) / 1000);
    })();
  }
  return (async () => {
    await cohorts.load(specs[0]!.name);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let ticket = 0;
    for (let i = 0; i < payloads.length; i += GROUP) {
      const items: PlannedItem[] = [];
      for (const p of payloads.slice(i, i + GROUP)) {
        const decoded = timed('decode (utf8 + split + JSON.parse)', () => decodeBody(p, 'application/x-ndjson', undefined));
        const events = timed('validate', () => decoded.map((d) => {
          const r = validateItem(d);
          if (!r.ok) throw new Error(JSON.stringify(r.problem));
          return r.event;
        }));
        const t = ticket++;
        timed('canonical JSON + hash', () => events.forEach((e: MlEvent, index) => {
          const json = canonicalJson(e);
          items.push({ ticket: t, index, event: e, json, hash: contentHash(json) });
        }));
      }
      const lookup = timed('build lookup', () => {
        const q = { inferences: [] as Array<{ service: string; id: string }>, requests: [] as Array<{ service: string; id: string }>, outcomeKeys: [] as Array<{ service: string; key: string }> };
        const req = new Map<string, { service: string; id: string }>();
        for (const { event: e } of items) {
          if (e.kind === 'inference') q.inferences.push({ service: e.service, id: e.id });
          else {
            q.outcomeKeys.push({ service: e.service, key: e.key });
            q.inferences.push({ service: e.service, id: e.requestId });
            req.set(refKey(e.service, e.requestId), { service: e.service, id: e.requestId });
          }
        }
        q.requests.push(...req.values());
        return q;
      });
      const snapshot = await timed('store.lookupForIngest', () => store.lookupForIngest(lookup));
      const plan = timed('planIngest', () => planIngest(items, snapshot, specMap, (s, a, v, cap) => cohorts.resolve(s, a, v, cap)));
      await timed('store.commitIngest', () => store.commitIngest(plan.write));
    }
    const c = process.cpuUsage(c0);
    const ms = performance.now() - t0;
    let sumCpu = 0;
    for (const s of stages.values()) sumCpu += s.cpu;
    for (const [name, s] of stages) {
      process.stdout.write(`  ${name.padEnd(36)} ${((s.cpu * 1000) / n).toFixed(2).padStart(6)} µs CPU/event  ${((s.wall * 1000) / n).toFixed(2).padStart(6)} µs wall/event  ${((s.cpu / sumCpu) * 100).toFixed(0).padStart(3)}%\n`);
    }
    await finish(ms, (c.user + c.system) / 1000);
  })();
}

const payloads = generatePayloads(requests, PER_REQUEST);

/**
 * The pure stages again, each alone over every payload, best of `reps` passes (CPU time per event): the
 * minimum is the figure least disturbed by other jobs on the machine. Beside JSON.parse in the same run.
 */
function pureStages(reps: number): void {
  const best = (fn: () => number): number => {
    let min = Infinity;
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage();
      const n = fn();
      const c = process.cpuUsage(c0);
      min = Math.min(min, (c.user + c.system) / n);
    }
    return min;
  };
  const decoded = payloads.map((p) => decodeBody(p, 'application/x-ndjson', undefined));
  const events = decoded.map((d) => d.map((x) => {
    const r = validateItem(x);
    if (!r.ok) throw new Error(JSON.stringify(r.problem));
    return r.event;
  }));
  const items: PlannedItem[] = events.flatMap((es, t) => es.map((e, index) => {
    const json = canonicalJson(e);
    return { ticket: t, index, event: e, json, hash: contentHash(json) };
  }));
  const empty = { inferences: new Map(), outcomesByRequest: new Map(), outcomeHashes: new Map() };
  const rows: Array<[string, number]> = [
    ['JSON.parse (the bar\'s baseline)', best(() => parseRate(payloads) && payloads.length * PER_REQUEST)],
    ['decodeBody', best(() => payloads.reduce((a, p) => a + decodeBody(p, 'application/x-ndjson', undefined).length, 0))],
    ['validateItem', best(() => decoded.reduce((a, d) => a + d.filter((x) => validateItem(x).ok).length, 0))],
    ['canonicalJson + contentHash', best(() => events.reduce((a, es) => a + es.filter((e) => contentHash(canonicalJson(e)).length > 0).length, 0))],
    ['planIngest (nothing stored)', best(() => {
      for (let i = 0; i < items.length; i += GROUP * PER_REQUEST) {
        planIngest(items.slice(i, i + GROUP * PER_REQUEST), empty, specMap, (_s, _a, v) => v);
      }
      return items.length;
    })],
  ];
  const base = rows[0]![1];
  process.stdout.write(`pure stages, best of ${reps} passes (CPU µs/event, and × JSON.parse):\n`);
  for (const [name, us] of rows) process.stdout.write(`  ${name.padEnd(36)} ${us.toFixed(2).padStart(6)} µs  ${(us / base).toFixed(2).padStart(5)}×\n`);
}

parseRate(payloads.slice(0, 2));
const pr = parseRate(payloads);
process.stdout.write(`JSON.parse baseline: ${fmtInt(pr.rate)} events/s, ${pr.cpuUsPerEvent.toFixed(2)} µs CPU/event\n`);
pureStages(5);
await run('stages', payloads, 'stages');
await run('Ingestor', payloads, 'ingestor');
