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

/**
 * Maps ajv's first error to an item problem; `prefix` is the pointer of the validated sub-object `data`.
 */
function fromAjv(v: ValidateFunction, data: unknown, prefix = ''): ItemResult {
  const e = (v.errors ?? [])[0] as ErrorObject | undefined;
  if (e === undefined) return fail('invalid_item', prefix, 'the item is invalid');
  const at = prefix + e.instancePath;
  // JSON.parse reads `1e400` as Infinity, which ajv's `number` refuses: a JSON number out of range, not a wrong type.
  if (e.keyword === 'type' && isNonFinite(valueAt(data, e.instancePath))) return fail('invalid_value', at, 'must be a finite number; this one is out of range');
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

function isNonFinite(v: unknown): boolean {
  return typeof v === 'number' && !Number.isFinite(v);
}

/** The value at an ajv `instancePath` (a JSON pointer) inside `data`. */
function valueAt(data: unknown, pointer: string): unknown {
  let cur = data;
  for (const t of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[t.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Whether a string of `v` — member name or value — holds a lone UTF-16 surrogate (`"\ud800"` in JSON).
 * Such a string has no UTF-8 form: SQLite and the content hash would store it altered (U+FFFD), so two
 * different ids or cohort values would become one. I-JSON (RFC 7493 §2.1) forbids them. About 0.3 µs
 * an event; the pointer is worked out only for an item that has one.
 */
function hasLoneSurrogate(v: unknown): boolean {
  if (typeof v === 'string') return !isWellFormed(v);
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (hasLoneSurrogate(v[i])) return true;
    return false;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) if (!isWellFormed(k) || hasLoneSurrogate(o[k])) return true;
  return false;
}

/** The pointer of the first string with a lone surrogate in `v` (which has one), from `at`. */
function loneSurrogateAt(v: unknown, at: string): string | undefined {
  if (typeof v === 'string') return isWellFormed(v) ? undefined : at;
  if (v === null || typeof v !== 'object') return undefined;
  const entries: Array<[string, unknown]> = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
  for (const [k, x] of entries) {
    const p = `${at}/${escapePointer(k)}`;
    if (!isWellFormed(k)) return p;
    const found = loneSurrogateAt(x, p);
    if (found !== undefined) return found;
  }
  return undefined;
}

function illFormed(raw: Record<string, unknown>): ItemResult | undefined {
  if (!hasLoneSurrogate(raw)) return undefined;
  return fail('invalid_value', loneSurrogateAt(raw, '') ?? '', 'must be valid Unicode: a lone UTF-16 surrogate (e.g. "\\ud800") cannot be stored');
}

/** Sets `out[k]`; for `__proto__` an own member, where assignment would set the prototype and drop the value. */
function put<T>(out: Record<string, T>, k: string, v: T): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

/** Maps with sorted keys, so the canonical JSON of an event (its content hash) does not depend on key order. */
function sorted<T>(o: Record<string, T> | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  if (o === undefined) return out;
  for (const k of Object.keys(o).sort()) put(out, k, o[k]!);
  return out;
}

/** `sorted(o)` with every value as a string (cohort values are labels), in one copy. */
function sortedStrings(o: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (o === undefined) return out;
  for (const k of Object.keys(o).sort()) put(out, k, String(o[k]));
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
  if (!check(raw)) return fromAjv(check, raw, '/prediction');
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
  if (!checkInference(raw)) return fromAjv(checkInference, raw);
  const ts = timestamp(raw.ts);
  if (typeof ts !== 'number') return ts;
  // Literals with the fields in one fixed order (the canonical JSON, hence the content hash, depends on
  // it), not `{ ...base, status }`: V8's object spread with extra fields costs microseconds per event.
  const id = raw.id as string;
  const service = raw.service as string;
  const model = (raw.model as string | undefined) ?? '';
  const input = sorted(raw.input as Record<string, number | string> | undefined);
  const cohort = sortedStrings(raw.cohort as Record<string, unknown> | undefined);
  const features = sorted(raw.features as Record<string, number | string | boolean | null> | undefined);
  let event: InferenceEvent;
  if (raw.status === 'ok') {
    if (raw.latencyMs === undefined) return fail('missing_field', '/latencyMs', '`latencyMs` is required when status is "ok"');
    if (raw.errorType !== undefined) return fail('invalid_value', '/errorType', '`errorType` is only allowed when status is "error"');
    const latencyMs = raw.latencyMs as number;
    if (raw.prediction === undefined) {
      event = { kind: 'inference', id, service, model, ts, input, cohort, features, status: 'ok', latencyMs };
    } else {
      const p = prediction(raw.prediction as Record<string, unknown>);
      if ('ok' in p) return p;
      event = { kind: 'inference', id, service, model, ts, input, cohort, features, status: 'ok', latencyMs, prediction: p };
    }
  } else {
    if (raw.errorType === undefined) return fail('missing_field', '/errorType', '`errorType` is required when status is "error"');
    if (raw.prediction !== undefined) return fail('invalid_value', '/prediction', 'an error event carries no prediction');
    const errorType = raw.errorType as string;
    event = raw.latencyMs === undefined
      ? { kind: 'inference', id, service, model, ts, input, cohort, features, status: 'error', errorType }
      : { kind: 'inference', id, service, model, ts, input, cohort, features, status: 'error', errorType, latencyMs: raw.latencyMs as number };
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

/** Without an id, an outcome is identified by what it is about, who said it and when. */
export function derivedOutcomeKey(requestId: string, source: string, annotator: string | undefined, ts: number): string {
  return `${requestId}\u0000${source}\u0000${annotator ?? ''}\u0000${ts}`;
}

function outcome(raw: Record<string, unknown>): ItemResult {
  if (!checkOutcome(raw)) return fromAjv(checkOutcome, raw);
  const ts = timestamp(raw.ts);
  if (typeof ts !== 'number') return ts;
  const p = payload(raw);
  if ('ok' in p) return p;
  const source = raw.source as OutcomeEvent['source'];
  const annotator = raw.annotator as string | undefined;
  const requestId = raw.requestId as string;
  const key = (raw.id as string | undefined) ?? derivedOutcomeKey(requestId, source, annotator, ts);
  const service = raw.service as string;
  const samplingProb = (raw.samplingProb as number | undefined) ?? 1;
  // Field order is the canonical JSON's (content hash); literals, as in inference().
  const event: OutcomeEvent = annotator === undefined
    ? { kind: 'outcome', key, requestId, service, ts, source, samplingProb, payload: p }
    : { kind: 'outcome', key, requestId, service, ts, source, samplingProb, annotator, payload: p };
  return { ok: true, event };
}

export function validateItem(raw: unknown): ItemResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('invalid_item', '', 'an event must be a JSON object');
  const o = raw as Record<string, unknown>;
  // Strings are checked once the whole item has passed, when its shape (and so its depth) is known.
  if (o.kind === 'inference' || o.kind === 'outcome') {
    const r = o.kind === 'inference' ? inference(o) : outcome(o);
    return r.ok ? illFormed(o) ?? r : r;
  }
  if (o.kind === undefined) return fail('missing_field', '/kind', '`kind` is required');
  return fail('invalid_value', '/kind', 'must be "inference" or "outcome"');
}
