/**
 * Row ↔ domain conversions for the SQLite adapter. Rollup cells are stored as columns plus two compact
 * fields: `errors` as JSON (NULL when empty) and `classes` as a binary record per input class —
 *   u32 count, then per class: u16 nameLen, name (UTF-8), f64 ok, f64 fast, u32 sketchLen, sketch
 * where the sketch is `encodeSketch` (core/latency-sketch.ts).
 */
import type { InferenceEvent, OutcomeEvent, OutcomeSource } from '../../core/event.ts';
import { createSketch, decodeSketch, encodeSketch, sketchCount } from '../../core/latency-sketch.ts';

const EMPTY = new Uint8Array(0);
import type { ClassAcc, MetricSums, RollupCell } from '../../core/rollup.ts';
import type { ApiKeyRecord, NewInference, Role, RollupRow, StoredInference, StoredOutcome, Verdict, VerdictStep } from '../port.ts';
import { refHash } from './hash.ts';

// ---- rollups ---------------------------------------------------------------------------------------

export interface RollupColumns {
  total: number;
  excluded: number;
  ok: number;
  errors: string | null;
  classes: Buffer | null;
  q_judged: number;
  sums: string | null;
  q_good: number;
  q_w: number;
  q_w2: number;
  q_wgood: number;
}

export interface RollupDbRow extends RollupColumns {
  service: string;
  bucket: number;
  model: string;
  attr: string;
  value: string;
}

export function encodeClasses(classes: Record<string, ClassAcc>): Buffer | null {
  const names = Object.keys(classes);
  if (names.length === 0) return null;
  const parts: Array<{ name: Buffer; acc: ClassAcc; sketch: Uint8Array }> = [];
  let size = 4;
  for (const n of names) {
    const acc = classes[n]!;
    const name = Buffer.from(n, 'utf8');
    // Cohort rows carry counts only (src/ingest/plan.ts): an empty sketch is stored as zero bytes.
    const sketch = sketchCount(acc.sketch) === 0 ? EMPTY : encodeSketch(acc.sketch);
    parts.push({ name, acc, sketch });
    size += 2 + name.length + 16 + 4 + sketch.length;
  }
  const out = Buffer.allocUnsafe(size);
  let o = out.writeUInt32LE(parts.length, 0);
  for (const p of parts) {
    o = out.writeUInt16LE(p.name.length, o);
    o += p.name.copy(out, o);
    o = out.writeDoubleLE(p.acc.ok, o);
    o = out.writeDoubleLE(p.acc.fast, o);
    o = out.writeUInt32LE(p.sketch.length, o);
    out.set(p.sketch, o);
    o += p.sketch.length;
  }
  return out;
}

export function decodeClasses(buf: Buffer | null, sketches = true): Record<string, ClassAcc> {
  const classes: Record<string, ClassAcc> = {};
  if (buf === null) return classes;
  const n = buf.readUInt32LE(0);
  let o = 4;
  for (let i = 0; i < n; i++) {
    const nameLen = buf.readUInt16LE(o);
    o += 2;
    const name = buf.toString('utf8', o, o + nameLen);
    o += nameLen;
    const ok = buf.readDoubleLE(o);
    const fast = buf.readDoubleLE(o + 8);
    const sketchLen = buf.readUInt32LE(o + 16);
    o += 20;
    const sketch = sketchLen === 0 || !sketches ? createSketch() : decodeSketch(buf.subarray(o, o + sketchLen));
    o += sketchLen;
    classes[name] = { ok, fast, sketch };
  }
  return classes;
}

export function cellToColumns(c: RollupCell): RollupColumns {
  const hasErrors = Object.keys(c.errors).length > 0;
  return {
    total: c.total,
    excluded: c.excluded,
    ok: c.ok,
    errors: hasErrors ? JSON.stringify(c.errors) : null,
    classes: encodeClasses(c.classes),
    q_judged: c.quality.judged,
    q_good: c.quality.good,
    q_w: c.quality.sumW,
    q_w2: c.quality.sumW2,
    q_wgood: c.quality.sumWGood,
    sums: Object.keys(c.sums).length > 0 ? JSON.stringify(c.sums) : null,
  };
}

export function columnsToCell(r: RollupColumns, sketches = true): RollupCell {
  return {
    total: r.total,
    excluded: r.excluded,
    ok: r.ok,
    errors: r.errors === null ? {} : (JSON.parse(r.errors) as Record<string, number>),
    classes: decodeClasses(r.classes, sketches),
    quality: { judged: r.q_judged, good: r.q_good, sumW: r.q_w, sumW2: r.q_w2, sumWGood: r.q_wgood },
    sums: r.sums === null ? {} : (JSON.parse(r.sums) as MetricSums),
  };
}

export function rollupRowFromDb(r: RollupDbRow, sketches = true): RollupRow {
  return { bucket: r.bucket, model: r.model, attr: r.attr, value: r.value, cell: columnsToCell(r, sketches) };
}

// ---- inferences ------------------------------------------------------------------------------------

export interface InferenceDbRow {
  service: string;
  id: string;
  input_class: string | null;
  eligible: number;
  content_hash: string;
  body: string;
  v_good: number | null;
  v_weight: number | null;
  v_source: string | null;
  v_ts: number | null;
}

export const INFERENCE_COLUMNS = 16;

/** Writes the positional parameters of one inference row (column order of migrations.ts) at `out[o…]`. */
export function inferenceParams(n: NewInference, out: unknown[], o: number): void {
  const e = n.event;
  const v = n.verdict;
  out[o] = e.service;
  out[o + 1] = e.id;
  out[o + 2] = refHash(e.service, e.id);
  out[o + 3] = e.ts;
  out[o + 4] = e.model;
  out[o + 5] = e.status;
  out[o + 6] = e.status === 'error' ? e.errorType : null;
  out[o + 7] = e.latencyMs ?? null;
  out[o + 8] = n.inputClass ?? null;
  out[o + 9] = n.eligible ? 1 : 0;
  out[o + 10] = n.contentHash;
  out[o + 11] = n.body ?? JSON.stringify(e);
  out[o + 12] = v === undefined ? null : v.good ? 1 : 0;
  out[o + 13] = v === undefined ? null : v.weight;
  out[o + 14] = v === undefined ? null : v.source;
  out[o + 15] = v === undefined ? null : v.ts;
}

export function verdictParams(v: Verdict | undefined): [number | null, number | null, string | null, number | null] {
  return v === undefined ? [null, null, null, null] : [v.good ? 1 : 0, v.weight, v.source, v.ts];
}

export function inferenceFromDb(r: InferenceDbRow): StoredInference {
  return {
    event: JSON.parse(r.body) as InferenceEvent,
    contentHash: r.content_hash,
    inputClass: r.input_class ?? undefined,
    eligible: r.eligible === 1,
    verdict: verdictFromDb(r),
  };
}

export type VerdictColumns = Pick<InferenceDbRow, 'v_good' | 'v_weight' | 'v_source' | 'v_ts'>;

export function verdictFromDb(r: VerdictColumns): Verdict | undefined {
  return r.v_good === null ? undefined : { good: r.v_good === 1, weight: r.v_weight ?? 1, source: r.v_source as OutcomeSource, ts: r.v_ts ?? 0 };
}

/** A row of readInferences (statements.ts INFERENCE_PAGE_COLUMNS). */
export interface InferencePageDbRow extends VerdictColumns {
  eligible: number;
  body: string;
}

export function inferencePageFromDb(r: InferencePageDbRow): { event: InferenceEvent; eligible: boolean; verdict: Verdict | undefined } {
  return { event: JSON.parse(r.body) as InferenceEvent, eligible: r.eligible === 1, verdict: verdictFromDb(r) };
}

// ---- outcomes --------------------------------------------------------------------------------------

export interface OutcomeDbRow {
  service: string;
  key: string;
  request_id: string;
  content_hash: string;
  body: string;
}

export function outcomeParams(e: OutcomeEvent, contentHash: string, joined: boolean, body?: string): unknown[] {
  return [
    e.service, e.key, refHash(e.service, e.key), e.requestId, refHash(e.service, e.requestId), e.ts, e.source,
    contentHash, body ?? JSON.stringify(e), joined ? 1 : 0,
  ];
}

export function outcomeFromDb(r: OutcomeDbRow): StoredOutcome {
  return { event: JSON.parse(r.body) as OutcomeEvent, contentHash: r.content_hash };
}

// ---- verdict steps ---------------------------------------------------------------------------------

export interface VerdictStepDbRow {
  service: string;
  request_id: string;
  request_ts: number;
  model: string;
  cohort: string;
  step_ts: number;
  d_judged: number;
  d_good: number;
  d_w: number;
  d_w2: number;
  d_wgood: number;
  d_sums: string | null;
}

export function verdictStepParams(s: VerdictStep): unknown[] {
  const d = s.delta;
  return [
    s.service, s.requestId, refHash(s.service, s.requestId), s.requestTs, s.model, JSON.stringify(s.cohort), s.stepTs,
    d.judged, d.good, d.sumW, d.sumW2, d.sumWGood, Object.keys(s.sums).length > 0 ? JSON.stringify(s.sums) : null,
  ];
}

export function verdictStepFromDb(r: VerdictStepDbRow): VerdictStep {
  return {
    service: r.service,
    requestId: r.request_id,
    requestTs: r.request_ts,
    model: r.model,
    cohort: JSON.parse(r.cohort) as Record<string, string>,
    stepTs: r.step_ts,
    delta: { judged: r.d_judged, good: r.d_good, sumW: r.d_w, sumW2: r.d_w2, sumWGood: r.d_wgood },
    sums: r.d_sums === null ? {} : (JSON.parse(r.d_sums) as MetricSums),
  };
}

// ---- keys ------------------------------------------------------------------------------------------

export interface ApiKeyDbRow {
  hash: string;
  id: string;
  role: string;
  service: string | null;
  created_at: number;
}

export function apiKeyFromDb(r: ApiKeyDbRow): ApiKeyRecord {
  return { id: r.id, hash: r.hash, role: r.role as Role, service: r.service ?? undefined, createdAt: r.created_at };
}
