/**
 * Turns a `POST /v1/events` body into items (DESIGN §3.1): a JSON array, or NDJSON where a bad line is
 * rejected as that item alone; optionally gzip, inflated with a hard output cap so a gzip bomb costs
 * bounded memory. Limits: bytes after decompression and items per request.
 */
import { isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { MlsloError } from '../core/errors.ts';

export interface BodyLimits {
  readonly maxBytes: number;
  readonly maxItems: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { maxBytes: 10 * 1024 * 1024, maxItems: 10_000 };

/** An NDJSON line that did not parse; it becomes an `invalid_json` rejection at its index. */
export interface BadLine {
  readonly badLine: string;
}

export type DecodedItem = unknown;

export function isBadLine(x: unknown): x is BadLine {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === BadLineProto;
}
const BadLineProto = {};
function badLine(message: string): BadLine {
  return Object.assign(Object.create(BadLineProto) as object, { badLine: message });
}

/** `body` decoded per its Content-Encoding (identity or gzip), at most `limits.maxBytes` after inflating. */
export function inflate(body: Buffer, encoding: string | undefined, limits: Pick<BodyLimits, 'maxBytes'>): Buffer {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return body;
  if (enc !== 'gzip' && enc !== 'x-gzip') throw new MlsloError('MLSLO_ERR_UNSUPPORTED_MEDIA', `Content-Encoding ${enc}; use gzip or none`);
  try {
    return gunzipSync(body, { maxOutputLength: limits.maxBytes });
  } catch (e) {
    if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new MlsloError('MLSLO_ERR_BODY_TOO_LARGE', `more than ${limits.maxBytes} bytes after decompression`);
    }
    throw new MlsloError('MLSLO_ERR_BODY_ENCODING', 'the gzip stream is corrupt', { cause: e });
  }
}

function parseLine(line: string): DecodedItem {
  try {
    return JSON.parse(line) as DecodedItem;
  } catch (e) {
    return badLine((e as Error).message);
  }
}

function parseNdjson(text: string, limits: BodyLimits): DecodedItem[] {
  const items: DecodedItem[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue; // blank lines are not items and take no index
    if (items.length === limits.maxItems) throw new MlsloError('MLSLO_ERR_TOO_MANY_ITEMS', `at most ${limits.maxItems} items a request`);
    items.push(parseLine(line));
  }
  return items;
}

/**
 * NDJSON whose bytes are not all UTF-8 (the rare case; `parseNdjson` is the fast path): each line is
 * checked alone, and a line that is not UTF-8 is not JSON (RFC 8259 §8.1). A newline byte never occurs
 * inside a UTF-8 sequence, so splitting the bytes at it is safe.
 */
function parseNdjsonBytes(raw: Buffer, limits: BodyLimits): DecodedItem[] {
  const items: DecodedItem[] = [];
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf(0x0a, start);
    if (end === -1) end = raw.length;
    const item = decodeNdjsonLine(raw.subarray(start, end));
    start = end + 1;
    if (item === undefined) continue;
    if (items.length === limits.maxItems) throw new MlsloError('MLSLO_ERR_TOO_MANY_ITEMS', `at most ${limits.maxItems} items a request`);
    items.push(item);
  }
  return items;
}

/**
 * One NDJSON line's bytes (a trailing newline is allowed) as an item: parsed JSON, a BadLine when it is not JSON
 * or not UTF-8, or undefined when it is blank (blank lines are not items). Shared by the HTTP body
 * decoder and `mlslo import`, so a line means the same thing to both.
 */
export function decodeNdjsonLine(bytes: Buffer): DecodedItem {
  const line = isUtf8(bytes) ? bytes.toString('utf8').trim() : undefined;
  if (line === '') return undefined;
  return line === undefined ? badLine('the line is not UTF-8') : parseLine(line);
}

/** `b` without a leading UTF-8 byte order mark, which RFC 8259 §8.1 lets a parser ignore (Windows tools write one). */
function withoutBom(b: Buffer): Buffer {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
}

export function decodeBody(body: Buffer, contentType: string | undefined, contentEncoding: string | undefined, limits: BodyLimits = DEFAULT_BODY_LIMITS): DecodedItem[] {
  const inflated = inflate(body, contentEncoding, limits);
  if (inflated.length > limits.maxBytes) throw new MlsloError('MLSLO_ERR_BODY_TOO_LARGE', `more than ${limits.maxBytes} bytes`);
  const raw = withoutBom(inflated);
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const ndjson = type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/ndjson';
  if (!ndjson && type !== 'application/json') throw new MlsloError('MLSLO_ERR_UNSUPPORTED_MEDIA', `Content-Type ${type}; use application/json or application/x-ndjson`);
  // JSON text is UTF-8 (RFC 8259 §8.1). Buffer#toString would turn bad bytes into U+FFFD and store text
  // the client never sent, merging ids that differ only in those bytes.
  const utf8 = isUtf8(raw);
  if (ndjson) return utf8 ? parseNdjson(raw.toString('utf8'), limits) : parseNdjsonBytes(raw, limits);
  if (!utf8) throw new MlsloError('MLSLO_ERR_BODY_INVALID_JSON', 'the body is not UTF-8 (RFC 8259 §8.1)');
  const text = raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new MlsloError('MLSLO_ERR_BODY_INVALID_JSON', (e as Error).message, { cause: e });
  }
  if (!Array.isArray(parsed)) throw new MlsloError('MLSLO_ERR_BODY_NOT_ARRAY');
  if (parsed.length > limits.maxItems) throw new MlsloError('MLSLO_ERR_TOO_MANY_ITEMS', `${parsed.length} items; at most ${limits.maxItems} a request`);
  return parsed as DecodedItem[];
}
