/**
 * Per-item validation of `POST /v1/events` (DESIGN §3.1): each item becomes a typed event or a
 * rejection with a code, a message and a JSON pointer. Never throws on client input.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { InferenceEvent, Label, MlEvent, OutcomeEvent, OutcomePayload, Prediction } from '../core/event.ts';
import type { ItemCode } from '../core/errors.ts';
import { inferenceSchema, OUTCOME_PAYLOADS, outcomeSchema, predictionSchemas } from './event-schema.ts';
import { parseTimestamp } from './timestamp.ts';

export interface ItemProblem {
  readonly code: ItemCode;
  readonly message: string;
  readonly path: string;
}

export type ItemResult = { readonly ok: true; readonly event: MlEvent } | { readonly ok: false; readonly problem: ItemProblem };

const ajv = new Ajv({ allErrors: false, coerceTypes: false, removeAdditional: false, useDefaults: false, strict: true, allowUnionTypes: true });
const checkInference = ajv.compile<Record<string, unknown>>(inferenceSchema);
const checkOutcome = ajv.compile<Record<string, unknown>>(outcomeSchema);
const checkPrediction: Readonly<Record<keyof typeof predictionSchemas, ValidateFunction>> = {
  label: ajv.compile(predictionSchemas.label),
  items: ajv.compile(predictionSchemas.items),
  value: ajv.compile(predictionSchemas.value),
  text: ajv.compile(predictionSchemas.text),
};

function fail(code: ItemCode, path: string, message: string): ItemResult {
  return { ok: false, problem: { code, path, message } };
}

/** Maps ajv's first error to an item problem; `prefix` is the pointer of the validated sub-object. */
function fromAjv(v: ValidateFunction, prefix = ''): ItemResult {
  const e = (v.errors ?? [])[0] as ErrorObject | undefined;
  if (e === undefined) return fail('invalid_item', prefix, 'the item is invalid');
  const at = prefix + e.instancePath;
  switch (e.keyword) {
    case 'required': {
      const f = (e.params as { missingProperty: string }).missingProperty;
      return fail('missing_field', `${at}/${f}`, `\`${f}\` is required`);
    }
    case 'additionalProperties': {
      const f = (e.params as { additionalProperty: string }).additionalProperty;
      return fail('unknown_field', `${at}/${escapePointer(f)}`, `unknown field \`${f}\``);
    }
    case 'type':
      return fail('invalid_type', at, `must be ${String((e.params as { type: string | string[] }).type).replace(',', ' or ')}`);
    case 'enum':
      return fail('invalid_value', at, `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((a) => JSON.stringify(a)).join(', ')}`);
    case 'const':
      return fail('invalid_value', at, `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`);
    default:
      return fail('invalid_value', at, e.message ?? 'invalid value');
  }
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Maps with sorted keys, so the canonical JSON of an event (its content hash) does not depend on key order. */
function sorted<T>(o: Record<string, T> | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  if (o === undefined) return out;
  for (const k of Object.keys(o).sort()) out[k] = o[k]!;
  return out;
}

function timestamp(raw: unknown): number | ItemResult {
  const ts = parseTimestamp(raw as string);
  return ts === undefined
    ? fail('invalid_timestamp', '/ts', 'must be ISO-8601 with an explicit offset (Z or ±hh:mm), e.g. 2026-11-28T10:00:00Z')
    : ts;
}

function prediction(raw: Record<string, unknown>): Prediction | ItemResult {
  const kind = 'label' in raw ? 'label' : 'items' in raw ? 'items' : 'value' in raw ? 'value' : 'text';
  const check = checkPrediction[kind];
  if (!check(raw)) return fromAjv(check, '/prediction');
  switch (kind) {
    case 'label': {
      const p: { kind: 'label'; label: Label; score?: number; probabilities?: Record<string, number> } = { kind, label: raw.label as Label };
      if (raw.score !== undefined) p.score = raw.score as number;
      if (raw.probabilities !== undefined) p.probabilities = sorted(raw.probabilities as Record<string, number>);
      return p;
    }
    case 'items':
      return { kind, items: raw.items as Label[] };
    case 'value':
      return { kind, value: raw.value as number };
    case 'text':
      return raw.text === undefined ? { kind } : { kind, text: raw.text as string };
  }
}

function inference(raw: Record<string, unknown>): ItemResult {
  if (!checkInference(raw)) return fromAjv(checkInference);
  const ts = timestamp(raw.ts);
  if (typeof ts !== 'number') return ts;
  const base = {
    kind: 'inference' as const,
    id: raw.id as string,
    service: raw.service as string,
    model: (raw.model as string | undefined) ?? '',
    ts,
    input: sorted(raw.input as Record<string, number | string> | undefined),
    cohort: Object.fromEntries(Object.entries(sorted(raw.cohort as Record<string, unknown> | undefined)).map(([k, v]) => [k, String(v)])),
    features: sorted(raw.features as Record<string, number | string | boolean | null> | undefined),
  };
  let event: InferenceEvent;
  if (raw.status === 'ok') {
    if (raw.latencyMs === undefined) return fail('missing_field', '/latencyMs', '`latencyMs` is required when status is "ok"');
    if (raw.errorType !== undefined) return fail('invalid_value', '/errorType', '`errorType` is only allowed when status is "error"');
    if (raw.prediction === undefined) {
      event = { ...base, status: 'ok', latencyMs: raw.latencyMs as number };
    } else {
      const p = prediction(raw.prediction as Record<string, unknown>);
      if ('ok' in p) return p;
      event = { ...base, status: 'ok', latencyMs: raw.latencyMs as number, prediction: p };
    }
  } else {
    if (raw.errorType === undefined) return fail('missing_field', '/errorType', '`errorType` is required when status is "error"');
    if (raw.prediction !== undefined) return fail('invalid_value', '/prediction', 'an error event carries no prediction');
    event = raw.latencyMs === undefined
      ? { ...base, status: 'error', errorType: raw.errorType as string }
      : { ...base, status: 'error', errorType: raw.errorType as string, latencyMs: raw.latencyMs as number };
  }
  return { ok: true, event };
}

function payload(raw: Record<string, unknown>): OutcomePayload | ItemResult {
  const present = OUTCOME_PAYLOADS.filter((k) => raw[k] !== undefined);
  if (present.length === 0) return fail('missing_field', '', `an outcome needs one of ${OUTCOME_PAYLOADS.map((k) => `\`${k}\``).join(', ')}`);
  if (present.length > 1) return fail('invalid_value', `/${present[1]!}`, `an outcome carries one payload, found ${present.map((k) => `\`${k}\``).join(' and ')}`);
  switch (present[0]!) {
    case 'label': return { kind: 'label', label: raw.label as Label };
    case 'relevant': return { kind: 'relevant', relevant: raw.relevant as Label[] };
    case 'value': return { kind: 'value', value: raw.value as number };
    case 'scores': return { kind: 'scores', scores: sorted(raw.scores as Record<string, number>) };
    case 'feedback': return { kind: 'feedback', feedback: sorted(raw.feedback as Record<string, never>) };
  }
}

function outcome(raw: Record<string, unknown>): ItemResult {
  if (!checkOutcome(raw)) return fromAjv(checkOutcome);
  const ts = timestamp(raw.ts);
  if (typeof ts !== 'number') return ts;
  const p = payload(raw);
  if ('ok' in p) return p;
  const source = raw.source as OutcomeEvent['source'];
  const annotator = raw.annotator as string | undefined;
  const requestId = raw.requestId as string;
  // Without an id, an outcome is identified by what it is about, who said it and when.
  const key = (raw.id as string | undefined) ?? `${requestId}\u0000${source}\u0000${annotator ?? ''}\u0000${ts}`;
  const event: OutcomeEvent = {
    kind: 'outcome', key, requestId, service: raw.service as string, ts, source,
    samplingProb: (raw.samplingProb as number | undefined) ?? 1,
    ...(annotator === undefined ? {} : { annotator }),
    payload: p,
  };
  return { ok: true, event };
}

export function validateItem(raw: unknown): ItemResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('invalid_item', '', 'an event must be a JSON object');
  const o = raw as Record<string, unknown>;
  if (o.kind === 'inference') return inference(o);
  if (o.kind === 'outcome') return outcome(o);
  if (o.kind === undefined) return fail('missing_field', '/kind', '`kind` is required');
  return fail('invalid_value', '/kind', 'must be "inference" or "outcome"');
}
