/**
 * Rows of the ingest tables (migrations.ts) to and from port.ts records. Rollup cells use the SQLite
 * adapter's column form (sqlite/converters.ts: errors and sums as JSON, classes as the binary record),
 * with the binary in base64: both adapters store and merge the same bytes, so they answer alike.
 */
import type { InferenceEvent, OutcomeEvent, OutcomeSource } from '../../core/event.ts';
import type { QualityAcc, RollupCell } from '../../core/rollup.ts';
import type { FoldedRow } from '../fold-deltas.ts';
import type { NewInference, StoredInference, StoredOutcome, Verdict, VerdictStep } from '../port.ts';
import { cellToColumns, columnsToCell } from '../sqlite/converters.ts';

const DAY_MS = 86_400_000;

/** The partition of a row about time `ts`: days since the epoch, UTC. */
export function dayOf(ts: number): number {
  return Math.floor(ts / DAY_MS);
}

/** Every ingest row carries the write that made it (commit-log.ts). */
export interface Written {
  readonly write_id: string;
}

// ---- inferences ------------------------------------------------------------------------------------

export interface InferenceRow extends Written {
  readonly service: string;
  readonly id: string;
  readonly seq: number;
  readonly input_class: string | null;
  readonly eligible: number;
  readonly content_hash: string;
  readonly body: string;
}

export function inferenceRow(n: NewInference, seq: number, writeId: string): object {
  const e = n.event;
  return {
    day: dayOf(e.ts), service: e.service, id: e.id, ts: e.ts, seq, write_id: writeId, input_class: n.inputClass ?? null,
    eligible: n.eligible ? 1 : 0, content_hash: n.contentHash, body: n.body ?? JSON.stringify(e),
  };
}

export function storedInference(r: InferenceRow, verdict: Verdict | undefined): StoredInference {
  return {
    event: JSON.parse(r.body) as InferenceEvent, contentHash: r.content_hash, inputClass: r.input_class ?? undefined,
    eligible: r.eligible === 1, verdict,
  };
}

export interface VerdictRow extends Written {
  readonly service: string;
  readonly request_id: string;
  readonly ver: number;
  readonly good: number | null;
  readonly weight: number;
  readonly source: string;
  readonly ts: number;
}

/** A cleared verdict is a row with `good` NULL: the newest row decides. */
export function verdictRow(service: string, requestId: string, v: Verdict | undefined, ver: number, writeId: string): object {
  return {
    service, request_id: requestId, ver, write_id: writeId, good: v === undefined ? null : v.good ? 1 : 0,
    weight: v?.weight ?? 0, source: v?.source ?? '', ts: v?.ts ?? 0,
  };
}

export function verdictOf(r: VerdictRow): Verdict | undefined {
  return r.good === null ? undefined : { good: r.good === 1, weight: r.weight, source: r.source as OutcomeSource, ts: r.ts };
}

// ---- outcomes --------------------------------------------------------------------------------------

export interface OutcomeRow extends Written {
  readonly service: string;
  readonly key: string;
  readonly request_id: string;
  readonly seq: number;
  readonly content_hash: string;
  readonly body: string;
}

export function outcomeRow(e: OutcomeEvent, contentHash: string, joined: boolean, body: string | undefined, seq: number, writeId: string): object {
  return {
    day: dayOf(e.ts), service: e.service, key: e.key, request_id: e.requestId, ts: e.ts, seq, write_id: writeId,
    joined: joined ? 1 : 0, content_hash: contentHash, body: body ?? JSON.stringify(e),
  };
}

export function storedOutcome(r: OutcomeRow): StoredOutcome {
  return { event: JSON.parse(r.body) as OutcomeEvent, contentHash: r.content_hash };
}

// ---- verdict steps ---------------------------------------------------------------------------------

export interface StepRow extends Written {
  readonly request_id: string;
  readonly ver: number;
  readonly pos: number;
  readonly steps: string;
}

/** `pos`: the entry's place in its write, so steps sort in write order like the SQLite rowid. */
export function stepRow(service: string, requestId: string, requestTs: number, steps: readonly VerdictStep[], ver: number, pos: number, writeId: string): object {
  return {
    day: dayOf(requestTs), service, request_id: requestId, request_ts: requestTs, ver, pos, write_id: writeId, steps: JSON.stringify(steps),
  };
}

// ---- rollups ---------------------------------------------------------------------------------------

export interface RollupDeltaRow extends Written {
  readonly bucket: number;
  readonly model: string;
  readonly attr: string;
  readonly value: string;
  readonly ver: number;
  readonly total: number;
  readonly excluded: number;
  readonly ok: number;
  readonly errors: string;
  readonly classes: string;
  readonly q_judged: number;
  readonly q_good: number;
  readonly q_w: number;
  readonly q_w2: number;
  readonly q_wgood: number;
  readonly sums: string;
}

export const ROLLUP_READ_COLUMNS = 'bucket, model, attr, value, ver, write_id, total, excluded, ok, errors, classes, q_judged, q_good, q_w, q_w2, q_wgood, sums';

export function rollupRow(r: FoldedRow, ver: number, writeId: string): object {
  const c = cellToColumns(r.cell);
  return {
    resolution: r.resolution, day: dayOf(r.bucket), service: r.service, bucket: r.bucket, model: r.model, attr: r.attr, value: r.value,
    ver, write_id: writeId, total: c.total, excluded: c.excluded, ok: c.ok, errors: c.errors ?? '',
    classes: c.classes === null ? '' : c.classes.toString('base64'), q_judged: c.q_judged, q_good: c.q_good, q_w: c.q_w, q_w2: c.q_w2,
    q_wgood: c.q_wgood, sums: c.sums ?? '',
  };
}

export function deltaCell(r: RollupDeltaRow, sketches: boolean): RollupCell {
  return columnsToCell({
    total: r.total, excluded: r.excluded, ok: r.ok, errors: r.errors === '' ? null : r.errors,
    classes: r.classes === '' ? null : Buffer.from(r.classes, 'base64'), q_judged: r.q_judged, q_good: r.q_good, q_w: r.q_w,
    q_w2: r.q_w2, q_wgood: r.q_wgood, sums: r.sums === '' ? null : r.sums,
  }, sketches);
}

export interface VerdictTimeDeltaRow extends Written {
  readonly bucket: number;
  readonly model: string;
  readonly ver: number;
  readonly judged: number;
  readonly good: number;
  readonly w: number;
  readonly w2: number;
  readonly wgood: number;
}

export function verdictTimeRow(resolution: string, service: string, bucket: number, model: string, q: QualityAcc, ver: number, writeId: string): object {
  return {
    resolution, day: dayOf(bucket), service, bucket, model, ver, write_id: writeId,
    judged: q.judged, good: q.good, w: q.sumW, w2: q.sumW2, wgood: q.sumWGood,
  };
}
