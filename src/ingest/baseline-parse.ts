/**
 * Parses a baseline upload (DESIGN §2.6) — JSONL (one object of feature values per line) or CSV (a header
 * row, then RFC 4180 records) — incrementally: `push` text chunks, then `end`. A bad line is rejected
 * alone, with its number and where in it (JSON pointer or CSV column); the rest is kept.
 *
 * Feature types come from `spec.drift.features` when declared; otherwise they are inferred: numeric when
 * every non-null value is a number (CSV: reads as a finite decimal number) and there are more than 5
 * distinct values, else categorical. Categorical values are stored as strings; numeric ones as numbers.
 * Missing values (absent keys, JSON null, empty CSV fields) are null.
 */
import { MlsloError } from '../core/errors.ts';
import type { BaselineFeature, BaselineValue, FeatureType } from '../store/port.ts';
import { CsvReader, type CsvRecord } from './csv-reader.ts';

export type BaselineFormat = 'jsonl' | 'csv';

export interface BaselineLimits {
  /** Bytes of the upload after decompression. */
  readonly maxBytes: number;
  readonly maxRows: number;
}

export const BASELINE_LIMITS: BaselineLimits = { maxBytes: 50 * 1024 * 1024, maxRows: 1_000_000 };
/** Rejections listed in full; `rejectedCount` counts them all. */
export const MAX_LISTED_REJECTIONS = 1000;
/** Inferred numeric needs more distinct values than this. */
export const CATEGORICAL_MAX_DISTINCT = 5;

export interface Rejection {
  readonly line: number;
  readonly message: string;
}

export interface ParsedBaseline {
  readonly rows: number;
  readonly features: Record<string, BaselineFeature>;
  readonly values: Record<string, BaselineValue[]>;
  readonly rejected: Rejection[];
  readonly rejectedCount: number;
}

export interface BaselineParser {
  push(chunk: string): void;
  end(): ParsedBaseline;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite decimal number written in `s` (CSV), or undefined. */
export function csvNumber(s: string): number | undefined {
  const t = s.trim();
  if (!DECIMAL.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function pointer(name: string): string {
  return `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

interface Column {
  values: BaselineValue[];
  allNumeric: boolean;
  /** Distinct non-null values, up to CATEGORICAL_MAX_DISTINCT + 1. */
  readonly distinct: Set<number | string>;
}

/** Type inference and column building shared by both formats; rows arrive already checked. */
class Columns {
  readonly #cols = new Map<string, Column>();
  rows = 0;
  readonly rejected: Rejection[] = [];
  rejectedCount = 0;

  constructor(private readonly declared: Readonly<Record<string, FeatureType>>, private readonly limits: BaselineLimits) {}

  reject(line: number, message: string): void {
    this.rejectedCount++;
    if (this.rejected.length < MAX_LISTED_REJECTIONS) this.rejected.push({ line, message });
  }

  declaredType(name: string): FeatureType | undefined {
    return Object.hasOwn(this.declared, name) ? this.declared[name] : undefined;
  }

  /** `numeric`: the value as a number when it is one (CSV: parsed), else undefined. */
  add(entries: ReadonlyArray<readonly [string, BaselineValue, number | undefined]>): void {
    if (this.rows === this.limits.maxRows) throw new MlsloError('MLSLO_ERR_TOO_MANY_ITEMS', `a baseline holds at most ${this.limits.maxRows} rows`);
    for (const [name, value, numeric] of entries) {
      let col = this.#cols.get(name);
      if (col === undefined) {
        col = { values: new Array<BaselineValue>(this.rows).fill(null), allNumeric: true, distinct: new Set() };
        this.#cols.set(name, col);
      }
      while (col.values.length < this.rows) col.values.push(null);
      col.values.push(value);
      if (value === null) continue;
      if (numeric === undefined) col.allNumeric = false;
      if (col.distinct.size <= CATEGORICAL_MAX_DISTINCT) col.distinct.add(numeric ?? value);
    }
    this.rows++;
  }

  finish(): ParsedBaseline {
    if (this.rows === 0) {
      const first = this.rejected[0];
      throw new MlsloError('MLSLO_ERR_BASELINE_INVALID', `no valid rows${first === undefined ? '' : `; line ${first.line}: ${first.message}`}`);
    }
    const features: Record<string, BaselineFeature> = {};
    const values: Record<string, BaselineValue[]> = {};
    for (const [name, col] of [...this.#cols].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      while (col.values.length < this.rows) col.values.push(null);
      const declared = this.declaredType(name);
      const type = declared ?? (col.allNumeric && col.distinct.size > CATEGORICAL_MAX_DISTINCT ? 'numeric' : 'categorical');
      features[name] = { type, inferred: declared === undefined };
      values[name] = col.values.map((v) => (v === null ? null : type === 'numeric' ? (typeof v === 'number' ? v : csvNumber(v) ?? null) : String(v)));
      col.values = [];
    }
    return { rows: this.rows, features, values, rejected: this.rejected, rejectedCount: this.rejectedCount };
  }
}

class JsonlParser implements BaselineParser {
  readonly #cols: Columns;
  #rest = '';
  #line = 0;

  constructor(declared: Readonly<Record<string, FeatureType>>, limits: BaselineLimits) {
    this.#cols = new Columns(declared, limits);
  }

  push(chunk: string): void {
    const text = this.#rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      this.#take(text.slice(start, nl));
      start = nl + 1;
    }
    this.#rest = text.slice(start);
  }

  end(): ParsedBaseline {
    if (this.#rest !== '') this.#take(this.#rest);
    this.#rest = '';
    return this.#cols.finish();
  }

  #take(raw: string): void {
    const line = ++this.#line;
    const text = raw.trim();
    if (text === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      this.#cols.reject(line, `invalid JSON: ${(e as Error).message}`);
      return;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      this.#cols.reject(line, 'a line must be a JSON object of feature values');
      return;
    }
    const entries: Array<readonly [string, BaselineValue, number | undefined]> = [];
    for (const [name, v] of Object.entries(obj as Record<string, unknown>)) {
      let value: BaselineValue;
      if (v === null || typeof v === 'string' || typeof v === 'number') value = v;
      else if (typeof v === 'boolean') value = String(v);
      else {
        this.#cols.reject(line, `${pointer(name)}: a feature value must be a number, string, boolean or null`);
        return;
      }
      if (value !== null && typeof value !== 'number' && this.#cols.declaredType(name) === 'numeric') {
        this.#cols.reject(line, `${pointer(name)}: the spec declares this feature numeric; got ${JSON.stringify(v)}`);
        return;
      }
      entries.push([name, value, typeof value === 'number' ? value : undefined]);
    }
    this.#cols.add(entries);
  }
}

class CsvParser implements BaselineParser {
  readonly #cols: Columns;
  readonly #reader: CsvReader;
  #header: string[] | undefined;

  constructor(declared: Readonly<Record<string, FeatureType>>, limits: BaselineLimits) {
    this.#cols = new Columns(declared, limits);
    this.#reader = new CsvReader((r) => this.#take(r));
  }

  push(chunk: string): void {
    this.#reader.push(this.#header === undefined && chunk.startsWith('\uFEFF') ? chunk.slice(1) : chunk);
  }

  end(): ParsedBaseline {
    this.#reader.end();
    if (this.#header === undefined) throw new MlsloError('MLSLO_ERR_BASELINE_INVALID', 'the CSV has no header row');
    return this.#cols.finish();
  }

  #take(r: CsvRecord): void {
    if (this.#header === undefined) {
      this.#header = readHeader(r);
      return;
    }
    if (r.error !== undefined) {
      this.#cols.reject(r.line, r.error);
      return;
    }
    const header = this.#header;
    if (r.fields.length !== header.length) {
      this.#cols.reject(r.line, `expected ${header.length} fields, got ${r.fields.length}`);
      return;
    }
    const entries: Array<readonly [string, BaselineValue, number | undefined]> = [];
    for (let i = 0; i < header.length; i++) {
      const name = header[i]!;
      const field = r.fields[i]!;
      if (field.trim() === '') {
        entries.push([name, null, undefined]);
        continue;
      }
      const n = csvNumber(field);
      if (n === undefined && this.#cols.declaredType(name) === 'numeric') {
        this.#cols.reject(r.line, `column ${i + 1} (${name}): the spec declares this feature numeric; got ${JSON.stringify(field)}`);
        return;
      }
      entries.push([name, field, n]);
    }
    this.#cols.add(entries);
  }
}

function readHeader(r: CsvRecord): string[] {
  if (r.error !== undefined) throw new MlsloError('MLSLO_ERR_BASELINE_INVALID', `header row (line ${r.line}): ${r.error}`);
  const names = r.fields.map((f) => f.trim());
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (n === '') throw new MlsloError('MLSLO_ERR_BASELINE_INVALID', `header row: column ${i + 1} has no name`);
    if (seen.has(n)) throw new MlsloError('MLSLO_ERR_BASELINE_INVALID', `header row: column ${i + 1} repeats the name \`${n}\``);
    seen.add(n);
  });
  return names;
}

export function createBaselineParser(format: BaselineFormat, declared: Readonly<Record<string, FeatureType>>, limits: BaselineLimits = BASELINE_LIMITS): BaselineParser {
  return format === 'csv' ? new CsvParser(declared, limits) : new JsonlParser(declared, limits);
}

/** The format of a Content-Type, or undefined when it is not one a baseline can be. */
export function baselineFormat(contentType: string | undefined): BaselineFormat | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/ndjson') return 'jsonl';
  return undefined;
}
