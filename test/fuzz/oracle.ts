/**
 * What DESIGN §3.1 and docs/errors.md say the server must answer to a body, worked out here with
 * Node's own zlib, TextDecoder and JSON.parse rather than with src/ingest, so a fuzz property compares
 * the server to an independent reading of the contract.
 */
import { gunzipSync } from 'node:zlib';
import type { Catalogue } from './catalogue.ts';
import { resolve } from './pointer.ts';

export interface Limits {
  readonly maxBytes: number;
  readonly maxItems: number;
}

/** One item of a body that decodes: its JSON value, or a line that is not JSON. */
export type ExpectedItem = { readonly json: true; readonly value: unknown } | { readonly json: false; readonly line: string };

export type ExpectedBody =
  | { readonly kind: 'error'; readonly codes: readonly string[] }
  | { readonly kind: 'items'; readonly items: readonly ExpectedItem[] };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function text(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function parse(s: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(s) as unknown };
  } catch {
    return { ok: false };
  }
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The expected answer to `body` sent with these headers. */
export function expectBody(body: Buffer, contentType: string | undefined, contentEncoding: string | undefined, limits: Limits): ExpectedBody {
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const enc = (contentEncoding ?? 'identity').trim().toLowerCase();
  const typeOk = type === 'application/json' || type === 'application/x-ndjson';
  const encOk = enc === 'identity' || enc === '' || enc === 'gzip' || enc === 'x-gzip';
  if (body.length > limits.maxBytes) return { kind: 'error', codes: ['MLSLO_ERR_BODY_TOO_LARGE'] };
  if (!encOk) return { kind: 'error', codes: ['MLSLO_ERR_UNSUPPORTED_MEDIA'] };
  let plain = body;
  if (enc === 'gzip' || enc === 'x-gzip') {
    try {
      plain = gunzipSync(body);
    } catch {
      // Two faults at once (a corrupt stream of an unsupported type) may be reported as either.
      return { kind: 'error', codes: typeOk ? ['MLSLO_ERR_BODY_ENCODING'] : ['MLSLO_ERR_BODY_ENCODING', 'MLSLO_ERR_UNSUPPORTED_MEDIA'] };
    }
    if (plain.length > limits.maxBytes) return { kind: 'error', codes: typeOk ? ['MLSLO_ERR_BODY_TOO_LARGE'] : ['MLSLO_ERR_BODY_TOO_LARGE', 'MLSLO_ERR_UNSUPPORTED_MEDIA'] };
  }
  if (!typeOk) return { kind: 'error', codes: ['MLSLO_ERR_UNSUPPORTED_MEDIA'] };
  // RFC 8259 §8.1: a parser may ignore a leading byte order mark.
  if (plain.subarray(0, 3).equals(BOM)) plain = plain.subarray(3);
  if (type === 'application/json') {
    const t = text(plain);
    const p = t === undefined ? { ok: false as const } : parse(t);
    if (!p.ok) return { kind: 'error', codes: ['MLSLO_ERR_BODY_INVALID_JSON'] };
    if (!Array.isArray(p.value)) return { kind: 'error', codes: ['MLSLO_ERR_BODY_NOT_ARRAY'] };
    if (p.value.length > limits.maxItems) return { kind: 'error', codes: ['MLSLO_ERR_TOO_MANY_ITEMS'] };
    return { kind: 'items', items: p.value.map((value: unknown) => ({ json: true, value })) };
  }
  // NDJSON: lines end at LF; a line is read without the white space around it (a CR before the LF, or
  // any Unicode space, as String#trim has it); blank lines are not items (DESIGN §3.1).
  const items: ExpectedItem[] = [];
  let start = 0;
  while (start <= plain.length) {
    let end = plain.indexOf(0x0a, start);
    if (end === -1) end = plain.length;
    const bytes = plain.subarray(start, end);
    start = end + 1;
    const t = text(bytes);
    if (t !== undefined && t.trim() === '') continue;
    const p = t === undefined ? { ok: false as const } : parse(t.trim());
    items.push(p.ok ? { json: true, value: p.value } : { json: false, line: bytes.toString('latin1') });
  }
  if (items.length > limits.maxItems) return { kind: 'error', codes: ['MLSLO_ERR_TOO_MANY_ITEMS'] };
  return { kind: 'items', items };
}

export interface Rejection {
  readonly index: number;
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

/**
 * Problems with an item rejection, measured against the item it names: a documented code; a message;
 * `invalid_json` exactly for the lines that are not JSON; a path that leads to a value of the item, or
 * to the missing member for `missing_field`.
 */
export function rejectionProblems(r: Rejection, item: ExpectedItem | undefined, cat: Catalogue): string[] {
  const out: string[] = [];
  if (item === undefined) return [`index ${r.index} is not an item of the body`];
  if (!cat.itemCodes.has(r.code)) out.push(`code ${r.code} is not documented`);
  if (typeof r.message !== 'string' || r.message.trim() === '') out.push('no message');
  else if (r.message.includes('[object ')) out.push(`message looks broken: ${r.message}`);
  if (!item.json) {
    if (r.code !== 'invalid_json' || r.path !== '') out.push(`a line that is not JSON was rejected as ${r.code} at ${r.path}`);
    return out;
  }
  if (r.code === 'invalid_json') return [...out, 'a line that is JSON was rejected as invalid_json'];
  const where = resolve(item.value, r.path);
  const fine = where.kind === 'value' || (where.kind === 'absent-member' && r.code === 'missing_field');
  if (!fine) out.push(`path ${JSON.stringify(r.path)} does not lead into the item (${where.kind})`);
  return out;
}
