/** Golden set, eval run and eval result rows (migration 9) to and from port.ts records. */
import type { EvalResultRecord, EvalRunKind, EvalRunRecord, EvalRunStatus, GoldenExample, GoldenSetMeta } from '../port.ts';

export const GOLDEN_SET_COLUMNS = 'id, service, name, created_at, examples, segments';
export const EVAL_RUN_COLUMNS = `id, service, kind, name, golden_set_id, status, triggered_by, started_at, finished_at, model,
  total, done, summary, error`;
export const EVAL_RESULT_COLUMNS = `run_id, idx, example_id, segment, request_id, model, verdict, score, prediction,
  baseline_verdict, weight, latency_ms, attempts, error`;

export interface GoldenSetDbRow {
  readonly id: number;
  readonly service: string;
  readonly name: string;
  readonly created_at: number;
  readonly examples: number;
  readonly segments: string;
}

export function goldenSetMetaFromDb(r: GoldenSetDbRow): GoldenSetMeta {
  return {
    id: String(r.id), service: r.service, name: r.name, createdAt: r.created_at, examples: r.examples,
    segments: JSON.parse(r.segments) as Record<string, number>,
  };
}

export interface GoldenExampleDbRow {
  readonly id: string;
  readonly segment: string;
  readonly input: string;
  readonly expected: string;
}

/** Uploaded JSON as stored; `undefined` (no such value in JSON) is kept as null. */
export function jsonText(v: unknown): string {
  return JSON.stringify(v) ?? 'null';
}

export function goldenExampleFromDb(r: GoldenExampleDbRow): GoldenExample {
  return { id: r.id, input: JSON.parse(r.input) as unknown, expected: JSON.parse(r.expected) as unknown, segment: r.segment };
}

export interface EvalRunDbRow {
  readonly id: string;
  readonly service: string;
  readonly kind: string;
  readonly name: string;
  readonly golden_set_id: string | null;
  readonly status: string;
  readonly triggered_by: string;
  readonly started_at: number;
  readonly finished_at: number | null;
  readonly model: string;
  readonly total: number;
  readonly done: number;
  readonly summary: string;
  readonly error: string | null;
}

export function evalRunFromDb(r: EvalRunDbRow): EvalRunRecord {
  return {
    id: r.id,
    service: r.service,
    kind: r.kind as EvalRunKind,
    name: r.name,
    goldenSetId: r.golden_set_id ?? undefined,
    status: r.status as EvalRunStatus,
    trigger: r.triggered_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at ?? undefined,
    model: r.model,
    total: r.total,
    done: r.done,
    summary: r.summary,
    error: r.error ?? undefined,
  };
}

export interface EvalResultDbRow {
  readonly run_id: string;
  readonly idx: number;
  readonly example_id: string;
  readonly segment: string;
  readonly request_id: string | null;
  readonly model: string;
  readonly verdict: number | null;
  readonly score: number | null;
  readonly prediction: string | null;
  readonly baseline_verdict: number | null;
  readonly weight: number;
  readonly latency_ms: number;
  readonly attempts: number;
  readonly error: string | null;
}

function boolColumn(b: boolean | null): number | null {
  return b === null ? null : b ? 1 : 0;
}

function boolFromDb(n: number | null): boolean | null {
  return n === null ? null : n === 1;
}

/** Positional parameters in EVAL_RESULT_COLUMNS order. */
export function evalResultParams(runId: string, r: EvalResultRecord): unknown[] {
  return [
    runId, r.index, r.exampleId, r.segment, r.requestId ?? null, r.model, boolColumn(r.verdict), r.score, r.prediction,
    boolColumn(r.baselineVerdict), r.weight, r.latencyMs, r.attempts, r.error,
  ];
}

export function evalResultFromDb(r: EvalResultDbRow): EvalResultRecord {
  return {
    runId: r.run_id,
    index: r.idx,
    exampleId: r.example_id,
    segment: r.segment,
    requestId: r.request_id ?? undefined,
    model: r.model,
    verdict: boolFromDb(r.verdict),
    score: r.score,
    prediction: r.prediction,
    baselineVerdict: boolFromDb(r.baseline_verdict),
    weight: r.weight,
    latencyMs: r.latency_ms,
    attempts: r.attempts,
    error: r.error,
  };
}
