/**
 * Reads an mlslo data file after the server has stopped (read-only; better-sqlite3 and the store port) and
 * checks it against what must hold whatever crashed when:
 *
 * - ids: how many rows each inference id / outcome key has, and the content hash each was stored with;
 * - `PRAGMA integrity_check`;
 * - rollups, two ways: (1) an independent recount of the count fields from the stored raw events with the
 *   spec's rules restated by hand (crash-traffic.ts SPEC_FACTS), and latency quantiles against the exact
 *   quantiles of the raw latencies, within the sketch's stated relative accuracy; (2) a rebuild that runs
 *   the production planner (src/ingest/plan.ts) over the stored events into a memory store, compared cell
 *   by cell with the live rollups — every field, quality sums and verdict-time rows included.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { InferenceEvent, OutcomeEvent } from '../../src/core/event.ts';
import { quantile, RELATIVE_ACCURACY, sketchCount } from '../../src/core/latency-sketch.ts';
import type { RollupCell } from '../../src/core/rollup.ts';
import type { ServiceSpec } from '../../src/core/spec.ts';
import { CohortRegistry } from '../../src/ingest/cohort-registry.ts';
import { canonicalJson, contentHash } from '../../src/ingest/content-hash.ts';
import { planIngest, type PlannedItem } from '../../src/ingest/plan.ts';
import { validateItem } from '../../src/ingest/validate-event.ts';
import { loadSpecFiles } from '../../src/spec/load-spec.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import { RESOLUTION_MS, refKey, type Resolution, type RollupRow, type Store, type VerdictTimeRow } from '../../src/store/port.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { SERVICE, SPEC_FACTS, type WireEvent } from './crash-traffic.ts';

const RESOLUTIONS: readonly Resolution[] = ['m', 'h', 'd'];
const QUANTILES = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];
const FAR = 8.64e15;

function readOnly(path: string): Database.Database {
  return new Database(path, { readonly: true, fileMustExist: true });
}

/** The content hash ingest stores for a wire event (idempotency identity, src/ingest/content-hash.ts). */
export function expectedHash(e: WireEvent): string {
  const r = validateItem(e);
  assert.ok(r.ok, `the test's own event ${e.id} is invalid: ${JSON.stringify(r)}`);
  return contentHash(canonicalJson(r.event));
}

export interface StoredIds {
  /** inference id → rows and the content hash of the first. */
  readonly inferences: Map<string, { count: number; hash: string }>;
  /** outcome key (the event's id) → rows and hash. */
  readonly outcomes: Map<string, { count: number; hash: string }>;
}

export function readStoredIds(path: string): StoredIds {
  const db = readOnly(path);
  try {
    const read = (sql: string): Map<string, { count: number; hash: string }> => {
      const out = new Map<string, { count: number; hash: string }>();
      for (const r of db.prepare(sql).iterate() as IterableIterator<{ id: string; n: number; hash: string }>) out.set(r.id, { count: r.n, hash: r.hash });
      return out;
    };
    return {
      inferences: read('SELECT id, count(*) AS n, min(content_hash) AS hash FROM inference GROUP BY service, id'),
      outcomes: read('SELECT key AS id, count(*) AS n, min(content_hash) AS hash FROM outcome GROUP BY service, key'),
    };
  } finally {
    db.close();
  }
}

/** Every row `PRAGMA integrity_check` returns (`['ok']` for a sound file). */
export function integrityCheck(path: string): string[] {
  const db = readOnly(path);
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
  } finally {
    db.close();
  }
}

const SNAPSHOT_TABLES: ReadonlyArray<readonly [string, string]> = [
  ['inference', 'rowid'], ['outcome', 'rowid'], ['verdict_step', 'rowid'],
  ...RESOLUTIONS.map((r) => [`rollup_${r}`, 'service, bucket, model, attr, value'] as const),
  ...RESOLUTIONS.map((r) => [`verdict_time_${r}`, 'service, bucket, model'] as const),
];

/** Row count and a SHA-1 over every row of each ingest table: equal snapshots mean byte-identical ingest state. */
export function ingestSnapshot(path: string): Record<string, { rows: number; sha1: string }> {
  const db = readOnly(path);
  try {
    const out: Record<string, { rows: number; sha1: string }> = {};
    for (const [table, order] of SNAPSHOT_TABLES) {
      const h = createHash('sha1');
      let rows = 0;
      for (const r of db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).raw().iterate() as IterableIterator<unknown[]>) {
        rows++;
        h.update(JSON.stringify(r.map((v) => (Buffer.isBuffer(v) ? v.toString('base64') : v))));
        h.update('\n');
      }
      out[table] = { rows, sha1: h.digest('hex') };
    }
    return out;
  } finally {
    db.close();
  }
}

interface StoredEvents {
  readonly inferences: Array<{ body: string; hash: string; event: InferenceEvent }>;
  readonly outcomes: Array<{ body: string; hash: string; event: OutcomeEvent }>;
}

function readEvents(path: string): StoredEvents {
  const db = readOnly(path);
  try {
    const rows = (sql: string): Array<{ body: string; hash: string }> => db.prepare(sql).all() as Array<{ body: string; hash: string }>;
    return {
      inferences: rows('SELECT body, content_hash AS hash FROM inference ORDER BY rowid').map((r) => ({ ...r, event: JSON.parse(r.body) as InferenceEvent })),
      outcomes: rows('SELECT body, content_hash AS hash FROM outcome ORDER BY rowid').map((r) => ({ ...r, event: JSON.parse(r.body) as OutcomeEvent })),
    };
  } finally {
    db.close();
  }
}

function rowId(resolution: Resolution, r: { bucket: number; model: string; attr: string; value: string }): string {
  return `${resolution} ${new Date(r.bucket).toISOString()} ${r.model} ${r.attr}=${r.value}`;
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

// ---- (1) independent recount ---------------------------------------------------------------------------

interface Recount {
  total: number;
  excluded: number;
  ok: number;
  errors: Record<string, number>;
  classes: Record<string, { ok: number; fast: number; latencies: number[] }>;
  judged: number;
  good: number;
  sumW: number;
  sumW2: number;
  sumWGood: number;
}

function recount(events: StoredEvents): Map<string, Recount> {
  const outcomeOf = new Map<string, { label: unknown; samplingProb: number }>();
  for (const { event: o } of events.outcomes) {
    assert.equal(o.payload.kind, 'label');
    if (o.payload.kind === 'label') outcomeOf.set(refKey(o.service, o.requestId), { label: o.payload.label, samplingProb: o.samplingProb });
  }
  const cells = new Map<string, Recount>();
  for (const { event: e } of events.inferences) {
    const o = outcomeOf.get(refKey(e.service, e.id));
    for (const res of RESOLUTIONS) {
      const bucket = Math.floor(e.ts / RESOLUTION_MS[res]) * RESOLUTION_MS[res];
      const refs = [{ attr: '', value: '' }, ...SPEC_FACTS.cohorts.flatMap((attr) => (e.cohort[attr] === undefined ? [] : [{ attr, value: e.cohort[attr] }]))];
      for (const ref of refs) {
        const k = rowId(res, { bucket, model: e.model, ...ref });
        let c = cells.get(k);
        if (c === undefined) cells.set(k, (c = { total: 0, excluded: 0, ok: 0, errors: {}, classes: {}, judged: 0, good: 0, sumW: 0, sumW2: 0, sumWGood: 0 }));
        c.total++;
        if (e.status === 'error') {
          if (SPEC_FACTS.excluded.has(e.errorType)) c.excluded++;
          else c.errors[e.errorType] = (c.errors[e.errorType] ?? 0) + 1;
          continue;
        }
        c.ok++;
        const cls = SPEC_FACTS.classOf(Number(e.input.tokens));
        const acc = (c.classes[cls] ??= { ok: 0, fast: 0, latencies: [] });
        acc.ok++;
        if (e.latencyMs <= SPEC_FACTS.thresholdMs[cls]!) acc.fast++;
        if (ref.attr === '') acc.latencies.push(e.latencyMs);
        if (o !== undefined && e.prediction?.kind === 'label') {
          const good = o.label === e.prediction.label;
          const w = 1 / o.samplingProb;
          c.judged++;
          if (good) c.good++;
          c.sumW += w;
          c.sumW2 += w * w;
          if (good) c.sumWGood += w;
        }
      }
    }
  }
  return cells;
}

/** The sketch's promise: the value at quantile q is within RELATIVE_ACCURACY of the exact lower-rank quantile. */
function quantileProblems(where: string, cell: RollupCell, latencies: ReadonlyMap<string, number[]>): string[] {
  const out: string[] = [];
  for (const [cls, raw] of latencies) {
    const acc = cell.classes[cls];
    if (acc === undefined) continue;
    const sorted = [...raw].sort((a, b) => a - b);
    for (const q of QUANTILES) {
      const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
      const got = quantile(acc.sketch, q);
      if (got === undefined || Math.abs(got - exact) > RELATIVE_ACCURACY * exact * (1 + 1e-9)) {
        out.push(`${where} class ${cls}: p${q * 100} = ${got} but the exact value is ${exact} (allowed ±${RELATIVE_ACCURACY * 100}%)`);
      }
    }
  }
  return out;
}

// ---- (2) rebuild through the planner ---------------------------------------------------------------------

async function rebuild(events: StoredEvents, specs: ReadonlyMap<string, ServiceSpec>): Promise<Store> {
  const mem = createMemoryStore();
  const cohorts = new CohortRegistry(mem);
  await cohorts.load(SERVICE);
  // Inferences first, then outcomes, as the clients sent them (an outcome only after its inference was acknowledged).
  const all = [...events.inferences, ...events.outcomes];
  for (let i = 0; i < all.length; i += 1000) {
    const chunk = all.slice(i, i + 1000);
    const items: PlannedItem[] = chunk.map((r, index) => ({ ticket: 0, index, event: r.event, json: r.body, hash: r.hash }));
    const inferences: Array<{ service: string; id: string }> = [];
    const requests: Array<{ service: string; id: string }> = [];
    const outcomeKeys: Array<{ service: string; key: string }> = [];
    for (const { event: e } of items) {
      if (e.kind === 'inference') {
        inferences.push({ service: e.service, id: e.id });
        requests.push({ service: e.service, id: e.id });
      } else {
        outcomeKeys.push({ service: e.service, key: e.key });
        inferences.push({ service: e.service, id: e.requestId });
        requests.push({ service: e.service, id: e.requestId });
      }
    }
    const snapshot = await mem.lookupForIngest({ inferences, requests, outcomeKeys });
    const plan = planIngest(items, snapshot, specs, (s, a, v, cap) => cohorts.resolve(s, a, v, cap));
    const outcome = plan.batches.get(0)!;
    assert.deepEqual({ accepted: outcome.accepted, duplicates: outcome.duplicates, rejected: outcome.rejected }, { accepted: chunk.length, duplicates: 0, rejected: [] },
      'every stored event is new to the rebuild (no id is stored twice, none conflicts)');
    await mem.commitIngest(plan.write);
  }
  return mem;
}

function cellProblems(where: string, live: RollupCell, built: RollupCell): string[] {
  const out: string[] = [];
  const eq = (what: string, a: unknown, b: unknown): void => {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${where}: ${what} live ${JSON.stringify(a)} rebuilt ${JSON.stringify(b)}`);
  };
  eq('total', live.total, built.total);
  eq('excluded', live.excluded, built.excluded);
  eq('ok', live.ok, built.ok);
  eq('errors', sortKeys(live.errors), sortKeys(built.errors));
  eq('classes', Object.keys(live.classes).sort(), Object.keys(built.classes).sort());
  for (const [name, a] of Object.entries(live.classes)) {
    const b = built.classes[name];
    if (b === undefined) continue;
    eq(`${name}.ok`, a.ok, b.ok);
    eq(`${name}.fast`, a.fast, b.fast);
    eq(`${name}.sketch count`, sketchCount(a.sketch), sketchCount(b.sketch));
    for (const q of QUANTILES) {
      const x = quantile(a.sketch, q);
      const y = quantile(b.sketch, q);
      if (x === undefined || y === undefined ? x !== y : Math.abs(x - y) > RELATIVE_ACCURACY * Math.abs(y)) {
        out.push(`${where}: ${name} p${q * 100} live ${x} rebuilt ${y}`);
      }
    }
  }
  eq('quality.judged', live.quality.judged, built.quality.judged);
  eq('quality.good', live.quality.good, built.quality.good);
  for (const f of ['sumW', 'sumW2', 'sumWGood'] as const) {
    if (!near(live.quality[f], built.quality[f])) out.push(`${where}: quality.${f} live ${live.quality[f]} rebuilt ${built.quality[f]}`);
  }
  eq('sums keys', Object.keys(live.sums).sort(), Object.keys(built.sums).sort());
  for (const [k, [x, wx]] of Object.entries(live.sums)) {
    const b = built.sums[k];
    if (b !== undefined && (!near(x, b[0]) || !near(wx, b[1]))) out.push(`${where}: sums.${k} live ${x},${wx} rebuilt ${b[0]},${b[1]}`);
  }
  return out;
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export interface RollupAudit {
  readonly inferences: number;
  readonly outcomes: number;
  readonly rows: number;
  readonly quantilesChecked: number;
}

/**
 * Checks the rollups of the data file at `path` against its raw events, both ways (see the header); throws an
 * AssertionError listing the first mismatches.
 */
export async function auditRollups(path: string, specFile: string): Promise<RollupAudit> {
  const { specs, problems } = await loadSpecFiles([specFile]);
  assert.deepEqual(problems, []);
  const specMap = new Map(specs.map((s) => [s.name, s] as const));
  const events = readEvents(path);
  for (const r of [...events.inferences, ...events.outcomes]) {
    assert.equal(contentHash(r.body), r.hash, `stored body and content hash agree for ${r.body.slice(0, 80)}`);
  }
  const counted = recount(events);
  const built = await rebuild(events, specMap);
  const live = openSqliteStore({ path, readonly: true });
  const mismatches: string[] = [];
  let rows = 0;
  let quantilesChecked = 0;
  try {
    for (const resolution of RESOLUTIONS) {
      const q = { service: SERVICE, resolution, from: -FAR, to: FAR, cohorts: true } as const;
      const liveRows = await live.readRollups(q);
      const builtRows = new Map((await built.readRollups(q)).map((r) => [rowId(resolution, r), r] as const));
      const seen = new Set<string>();
      for (const row of liveRows) {
        const id = rowId(resolution, row);
        seen.add(id);
        rows++;
        const c = counted.get(id);
        const b = builtRows.get(id);
        if (b === undefined) mismatches.push(`${id}: live row missing from the rebuild`);
        else mismatches.push(...cellProblems(id, row.cell, b.cell));
        if (c === undefined) {
          mismatches.push(`${id}: live row has no raw events`);
          continue;
        }
        mismatches.push(...recountProblems(id, row, c));
        if (row.attr === '') {
          const lat = new Map(Object.entries(c.classes).map(([k, v]) => [k, v.latencies] as const));
          mismatches.push(...quantileProblems(id, row.cell, lat));
          quantilesChecked += lat.size * QUANTILES.length;
        }
      }
      for (const id of builtRows.keys()) if (!seen.has(id)) mismatches.push(`${id}: rebuilt row missing from the live rollups`);
      for (const id of counted.keys()) if (id.startsWith(`${resolution} `) && !seen.has(id)) mismatches.push(`${id}: raw events with no live row`);
      mismatches.push(...verdictTimeProblems(resolution, await live.readVerdictTime(SERVICE, resolution, -FAR, FAR), await built.readVerdictTime(SERVICE, resolution, -FAR, FAR)));
    }
  } finally {
    await live.close();
    await built.close();
  }
  assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} rollup mismatches`);
  return { inferences: events.inferences.length, outcomes: events.outcomes.length, rows, quantilesChecked };
}

function recountProblems(id: string, row: RollupRow, c: Recount): string[] {
  const cell = row.cell;
  const out: string[] = [];
  const eq = (what: string, a: unknown, b: unknown): void => {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${id}: ${what} live ${JSON.stringify(a)} recounted ${JSON.stringify(b)}`);
  };
  eq('total', cell.total, c.total);
  eq('excluded', cell.excluded, c.excluded);
  eq('ok', cell.ok, c.ok);
  eq('errors', sortKeys(cell.errors), sortKeys(c.errors));
  eq('classes', Object.keys(cell.classes).sort(), Object.keys(c.classes).sort());
  for (const [name, acc] of Object.entries(c.classes)) {
    eq(`${name}.ok`, cell.classes[name]?.ok, acc.ok);
    eq(`${name}.fast`, cell.classes[name]?.fast, acc.fast);
    // Latency sketches are kept for the whole service only (src/ingest/plan.ts countInference).
    const s = cell.classes[name];
    eq(`${name}.sketch count`, s === undefined ? undefined : sketchCount(s.sketch), row.attr === '' ? acc.ok : 0);
  }
  eq('quality.judged', cell.quality.judged, c.judged);
  eq('quality.good', cell.quality.good, c.good);
  for (const [f, v] of [['sumW', c.sumW], ['sumW2', c.sumW2], ['sumWGood', c.sumWGood]] as const) {
    if (!near(cell.quality[f], v)) out.push(`${id}: quality.${f} live ${cell.quality[f]} recounted ${v}`);
  }
  return out;
}

function verdictTimeProblems(resolution: Resolution, live: VerdictTimeRow[], built: VerdictTimeRow[]): string[] {
  const key = (r: VerdictTimeRow): string => `verdict-time ${resolution} ${new Date(r.bucket).toISOString()} ${r.model}`;
  const b = new Map(built.map((r) => [key(r), r] as const));
  const out: string[] = [];
  if (live.length !== built.length) out.push(`verdict-time ${resolution}: ${live.length} live rows, ${built.length} rebuilt`);
  for (const r of live) {
    const x = b.get(key(r));
    if (x === undefined) out.push(`${key(r)}: missing from the rebuild`);
    else if (r.quality.judged !== x.quality.judged || r.quality.good !== x.quality.good || !near(r.quality.sumW, x.quality.sumW)
      || !near(r.quality.sumW2, x.quality.sumW2) || !near(r.quality.sumWGood, x.quality.sumWGood)) {
      out.push(`${key(r)}: live ${JSON.stringify(r.quality)} rebuilt ${JSON.stringify(x.quality)}`);
    }
  }
  return out;
}
