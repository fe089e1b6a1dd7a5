/**
 * Turns a `POST /v1/events` body into items (DESIGN §3.1): a JSON array, or NDJSON where a bad line is
 * rejected as that item alone; optionally gzip, inflated with a hard output cap so a gzip bomb costs
 * bounded memory. Limits: bytes after decompression and items per request.
 */
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
    try {
      items.push(JSON.parse(line));
    } catch (e) {
      items.push(badLine((e as Error).message));
    }
  }
  return items;
}

export function decodeBody(body: Buffer, contentType: string | undefined, contentEncoding: string | undefined, limits: BodyLimits = DEFAULT_BODY_LIMITS): DecodedItem[] {
  const raw = inflate(body, contentEncoding, limits);
  if (raw.length > limits.maxBytes) throw new MlsloError('MLSLO_ERR_BODY_TOO_LARGE', `more than ${limits.maxBytes} bytes`);
  const text = raw.toString('utf8');
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/ndjson') return parseNdjson(text, limits);
  if (type !== 'application/json') throw new MlsloError('MLSLO_ERR_UNSUPPORTED_MEDIA', `Content-Type ${type}; use application/json or application/x-ndjson`);
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
