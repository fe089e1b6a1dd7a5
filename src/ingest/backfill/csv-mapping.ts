/**
 * The CSV form of events (docs/backfill.md, "CSV"): one event per record, one column per field of the
 * wire format (DESIGN §3.1), dotted names for nested fields (`input.tokens`, `cohort.region`,
 * `features.amount`, `prediction.label`, `scores.factuality`). A cell becomes the JSON value the field
 * takes, by the field's type in the event schema — never by guessing from the text alone, so `"12"` in
 * `id` stays the string "12" while `12` in `latencyMs` is the number 12. A cell that does not fit its
 * field is passed on as text, and validation rejects it with the same code, path and message as the
 * HTTP API (`"12ms"` in `latencyMs` → invalid_type at /latencyMs). An empty cell is an absent field.
 *
 * Columns whose field admits several types take an optional `:type` suffix (`label:integer`,
 * `features.zip:string`); without one, labels are strings and open maps take numbers where the text is
 * a JSON number. The header is checked once: an unknown column or a duplicate is an error for the file.
 */
import { MlsloError } from '../../core/errors.ts';
import type { LineProblem } from './source-record.ts';

type CellType = 'string' | 'number' | 'integer' | 'boolean' | 'array';
/** How a column's cells are read: a fixed type, or the open-map rule (number, then boolean if allowed, else string). */
type Reader = { readonly kind: 'fixed'; readonly type: CellType } | { readonly kind: 'open'; readonly booleans: boolean };

interface Column {
  /** Object keys from the event's root, e.g. ['input', 'tokens']. */
  readonly keys: readonly string[];
  readonly pointer: string;
  readonly reader: Reader;
}

export interface CsvMapping {
  readonly columns: readonly Column[];
}

const fixed = (type: CellType): Reader => ({ kind: 'fixed', type });

/** Top-level and fixed nested fields of both event kinds, with their types (src/ingest/event-schema.ts). */
const FIELDS: Readonly<Record<string, Reader>> = {
  kind: fixed('string'), id: fixed('string'), service: fixed('string'), model: fixed('string'), ts: fixed('string'),
  status: fixed('string'), latencyMs: fixed('number'), errorType: fixed('string'),
  requestId: fixed('string'), source: fixed('string'), samplingProb: fixed('number'), annotator: fixed('string'),
  label: fixed('string'), value: fixed('number'), relevant: fixed('array'),
  'prediction.label': fixed('string'), 'prediction.score': fixed('number'), 'prediction.value': fixed('number'),
  'prediction.text': fixed('string'), 'prediction.items': fixed('array'),
  'feedback.clicked': fixed('boolean'), 'feedback.dwellMs': fixed('number'), 'feedback.followUp': fixed('boolean'),
};

/** Maps whose keys are the user's: `prefix.<name>` columns. */
const MAPS: Readonly<Record<string, Reader>> = {
  input: { kind: 'open', booleans: false },
  features: { kind: 'open', booleans: true },
  cohort: fixed('string'), // cohort values are labels: "1" stays "1"
  scores: fixed('number'),
  'prediction.probabilities': fixed('number'),
};

/** Which `:type` suffixes a column may carry: those its schema type admits. */
const SUFFIXES: Readonly<Record<string, readonly CellType[]>> = {
  label: ['string', 'integer'],
  'prediction.label': ['string', 'integer'],
  input: ['string', 'number'],
  features: ['string', 'number', 'boolean'],
};

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?(?:0|[1-9]\d*)$/;

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function headerError(index: number, name: string, why: string): MlsloError {
  return new MlsloError('MLSLO_ERR_IMPORT_INVALID', `CSV header, column ${index + 1} \`${name}\`: ${why} (docs/backfill.md lists the columns)`);
}

function columnFor(header: string, index: number): Column {
  const [name = '', suffix, ...extra] = header.trim().split(':');
  if (extra.length > 0) throw headerError(index, header, 'more than one `:type` suffix');
  const map = Object.keys(MAPS).filter((m) => name.startsWith(`${m}.`)).sort((a, b) => b.length - a.length)[0];
  const field = FIELDS[name];
  if (field === undefined && (map === undefined || name.length === map.length + 1)) throw headerError(index, header, 'not a field of an event');
  const keys = map === undefined || field !== undefined ? name.split('.') : [...map.split('.'), name.slice(map.length + 1)];
  let reader = field ?? MAPS[map!]!;
  if (suffix !== undefined) {
    const allowed = SUFFIXES[field === undefined ? map! : name] ?? [];
    if (!(allowed as readonly string[]).includes(suffix)) {
      throw headerError(index, header, allowed.length === 0 ? 'this field takes no `:type` suffix' : `the suffix must be one of ${allowed.map((a) => `:${a}`).join(', ')}`);
    }
    reader = fixed(suffix as CellType);
  }
  return { keys, pointer: keys.map((k) => `/${escapePointer(k)}`).join(''), reader };
}

/** The mapping of a CSV header row; throws MLSLO_ERR_IMPORT_INVALID on a column that is no event field. */
export function csvMapping(header: readonly string[]): CsvMapping {
  const columns = header.map(columnFor);
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    const before = seen.get(c.pointer);
    if (before !== undefined) throw headerError(i, header[i]!, `the same field as column ${before + 1}`);
    seen.set(c.pointer, i);
  });
  return { columns };
}

/** The JSON value of a non-empty cell, or an item problem when a `:type` suffix cannot hold it. */
function cellValue(text: string, column: Column): unknown {
  const r = column.reader;
  if (r.kind === 'open') {
    if (JSON_NUMBER.test(text)) return Number(text);
    if (r.booleans && (text === 'true' || text === 'false')) return text === 'true';
    return text;
  }
  switch (r.type) {
    case 'string':
      return text;
    case 'number':
      return JSON_NUMBER.test(text) ? Number(text) : text;
    case 'integer':
      return INTEGER.test(text) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'array':
      return jsonArray(text) ?? text;
  }
}

function jsonArray(text: string): unknown[] | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Sets `o[k]` as an own member, also for `__proto__` (as validate-event.ts does). */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function child(o: Record<string, unknown>, k: string): Record<string, unknown> {
  const existing = Object.hasOwn(o, k) ? o[k] : undefined;
  if (typeof existing === 'object' && existing !== null) return existing as Record<string, unknown>;
  const made: Record<string, unknown> = {};
  put(o, k, made);
  return made;
}

/**
 * The event of one record, or the problem that stops it: a record with another number of fields than
 * the header, or an integer column whose cell is not an integer (the schema would take it as a string).
 */
export function csvEvent(fields: readonly string[], mapping: CsvMapping): { readonly item: unknown } | { readonly problem: LineProblem } {
  const cols = mapping.columns;
  if (fields.length !== cols.length) {
    return { problem: { code: 'invalid_csv', path: '', message: `the record has ${fields.length} fields; the header has ${cols.length}` } };
  }
  const event: Record<string, unknown> = {};
  for (let i = 0; i < cols.length; i++) {
    const text = fields[i]!;
    if (text === '') continue;
    const c = cols[i]!;
    if (c.reader.kind === 'fixed' && c.reader.type === 'integer' && !INTEGER.test(text)) {
      return { problem: { code: 'invalid_type', path: c.pointer, message: 'must be integer' } };
    }
    let target = event;
    for (let k = 0; k < c.keys.length - 1; k++) target = child(target, c.keys[k]!);
    put(target, c.keys[c.keys.length - 1]!, cellValue(text, c));
  }
  return { item: event };
}
