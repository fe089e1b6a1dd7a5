/**
 * Batches of `POST /v1/events` with a known answer for every item. A `Ledger` remembers what the
 * server has acknowledged, so later batches can resend an item (a duplicate), respell its time (still
 * a duplicate: §3.1 compares normalised content) or change it under the same id (a `conflict`), and so
 * the number of stored events is known independently of the server.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  changed, inferenceArb, mutate, mutationArb, NOW, outcomeArb, respelled, STORED, toJson, type Draft, type Entry, type Mutation, type Verdict,
} from './events.ts';

export type Op =
  | { readonly op: 'valid'; readonly draft: Draft; readonly tag: string; readonly join: number }
  | { readonly op: 'mutate'; readonly draft: Draft; readonly tag: string; readonly mutation: Mutation }
  | { readonly op: 'resend' | 'respell' | 'conflict'; readonly ref: number; readonly offsetMin: number }
  | { readonly op: 'badUtf8Line'; readonly draft: Draft; readonly bytes: readonly number[] };

const draftArb = fc.oneof({ weight: 3, arbitrary: inferenceArb }, { weight: 2, arbitrary: outcomeArb });
const tagArb = fc.string({ unit: 'binary', maxLength: 12 });
/** Byte sequences that are not UTF-8: stray continuation bytes, overlongs, surrogates, truncations, > U+10FFFF. */
const badUtf8 = fc.constantFrom([0xff], [0xfe], [0x80], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]);

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('valid' as const), draft: draftArb, tag: tagArb, join: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('mutate' as const), draft: draftArb, tag: tagArb, mutation: mutationArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('resend' as const, 'respell' as const, 'conflict' as const), ref: fc.nat(), offsetMin: fc.integer({ min: -720, max: 840 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('badUtf8Line' as const), draft: inferenceArb, bytes: badUtf8 }) },
);

export interface BodyShape {
  readonly ndjson: boolean;
  readonly crlf: boolean;
  /** Blank lines (JSON whitespace only) before each item, by position; they take no index. */
  readonly blanks: readonly string[];
  readonly trailingNewline: boolean;
  readonly gzip: boolean;
  readonly bom: boolean;
  readonly charset: boolean;
}

export const shapeArb: fc.Arbitrary<BodyShape> = fc.record({
  ndjson: fc.boolean(),
  crlf: fc.boolean(),
  blanks: fc.array(fc.constantFrom('', '', '', '', ' ', '\t', '\r', ' \t \r'), { maxLength: 40 }),
  trailingNewline: fc.boolean(),
  gzip: fc.boolean(),
  bom: fc.boolean(),
  charset: fc.boolean(),
});

interface Stored {
  readonly json: string;
  readonly item: Record<string, unknown>;
  readonly tsMs: number;
  /** Inferences, and outcomes sent with an `id`, can be changed into a conflict. */
  readonly hasId: boolean;
}

export interface Request {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
  readonly entries: readonly Entry[];
  /** Items the server must store when it answers as expected. */
  readonly fresh: readonly Stored[];
}

export class Ledger {
  readonly stored: Stored[] = [];
  /** Stored inferences per service: what the report must count. */
  readonly inferences = new Map<string, number>();
  private next = 0;

  constructor(private readonly prefix: string) {}

  private identity(d: Draft, tag: string, join: number, pending: readonly Stored[]): Record<string, unknown> {
    const n = this.next++;
    const item = { ...d.item };
    if (item.kind === 'inference') return { ...item, id: `${this.prefix}${n}${tag}` };
    // Outcomes with an id may join a stored request of their service; keyless ones get a request of
    // their own, so no two of them share requestId + source + annotator + ts by chance.
    const requests = [...this.stored, ...pending].filter((s) => s.item.kind === 'inference' && s.item.service === item.service);
    if (join % 3 !== 0 && requests.length > 0) {
      return { ...item, id: `${this.prefix}o${n}${tag}`, requestId: requests[join % requests.length]!.item.id };
    }
    return join % 2 === 0 ? { ...item, requestId: `${this.prefix}r${n}${tag}` } : { ...item, requestId: `${this.prefix}r${n}`, id: `${this.prefix}o${n}${tag}` };
  }

  /** The request for `ops` in `shape`, with each item's expected verdict. */
  build(ops: readonly Op[], shape: BodyShape): Request {
    const entries: Entry[] = [];
    const fresh: Stored[] = [];
    const keep = (item: Record<string, unknown>, json: string, tsMs: number) =>
      fresh.push({ item, json, tsMs, hasId: item.kind === 'inference' || typeof item.id === 'string' });
    for (const o of ops) {
      switch (o.op) {
        case 'valid': {
          const item = this.identity(o.draft, o.tag, o.join, fresh);
          const json = toJson(item);
          entries.push({ json, value: JSON.parse(json), verdict: STORED, tsMs: o.draft.tsMs });
          keep(item, json, o.draft.tsMs);
          break;
        }
        case 'mutate': {
          const item = this.identity(o.draft, o.tag, 0, fresh);
          const e = mutate({ item, tsMs: o.draft.tsMs }, o.mutation);
          if (!shape.ndjson && typeof e.json === 'string' && e.verdict.kind === 'rejected' && e.verdict.code === 'invalid_json') break; // a JSON array holds JSON
          entries.push(e);
          if (e.verdict.kind === 'stored') keep(e.value as Record<string, unknown>, e.json as string, o.draft.tsMs);
          break;
        }
        case 'resend':
        case 'respell':
        case 'conflict': {
          const pool = [...this.stored, ...fresh];
          const s = pool[o.ref % Math.max(1, pool.length)];
          if (s === undefined) break;
          if (o.op === 'resend') entries.push({ json: s.json, value: JSON.parse(s.json), verdict: { kind: 'duplicate' } });
          else if (o.op === 'respell') {
            const json = respelled(s.item, s.tsMs, o.offsetMin);
            entries.push({ json, value: JSON.parse(json), verdict: { kind: 'duplicate' }, tsMs: s.tsMs });
          } else if (s.hasId) {
            const json = toJson(changed(s.item));
            entries.push({ json, value: JSON.parse(json), verdict: { kind: 'rejected', code: 'conflict', paths: ['/id'] } });
          }
          break;
        }
        case 'badUtf8Line': {
          if (!shape.ndjson) break;
          const item = this.identity(o.draft, '', 0, fresh);
          // The bytes sit inside the id string: a decoder that replaced them would store an event under an id nobody sent.
          const [head, tail] = toJson({ ...item, id: `${String(item.id)}@BYTES@` }).split('@BYTES@') as [string, string];
          entries.push({ json: Buffer.concat([Buffer.from(head), Buffer.from(o.bytes), Buffer.from(tail)]), verdict: { kind: 'rejected', code: 'invalid_json', paths: [''] } });
          break;
        }
      }
    }
    return { ...encode(entries, shape), entries, fresh };
  }

  /** After the server answered as expected: its fresh items are stored. */
  commit(r: Request): void {
    for (const s of r.fresh) {
      this.stored.push(s);
      if (s.item.kind === 'inference') this.inferences.set(s.item.service as string, (this.inferences.get(s.item.service as string) ?? 0) + 1);
    }
  }
}

function encode(entries: readonly Entry[], shape: BodyShape): { body: Buffer; headers: Record<string, string> } {
  const parts: Buffer[] = [];
  if (shape.bom) parts.push(Buffer.from([0xef, 0xbb, 0xbf]));
  const nl = shape.crlf ? '\r\n' : '\n';
  if (shape.ndjson) {
    entries.forEach((e, i) => {
      const blank = shape.blanks[i];
      if (blank !== undefined) parts.push(Buffer.from(blank + nl));
      parts.push(typeof e.json === 'string' ? Buffer.from(e.json) : e.json);
      if (i < entries.length - 1 || shape.trailingNewline) parts.push(Buffer.from(nl));
    });
  } else {
    parts.push(Buffer.from(`[${shape.crlf ? nl : ''}`));
    entries.forEach((e, i) => {
      if (i > 0) parts.push(Buffer.from(`,${shape.blanks[i] ?? ''}${shape.crlf ? nl : ''}`));
      parts.push(typeof e.json === 'string' ? Buffer.from(e.json) : e.json);
    });
    parts.push(Buffer.from(`]${shape.trailingNewline ? nl : ''}`));
  }
  const raw = Buffer.concat(parts);
  const type = shape.ndjson ? 'application/x-ndjson' : 'application/json';
  const headers: Record<string, string> = { 'content-type': shape.charset ? `${type}; charset=utf-8` : type };
  if (shape.gzip) headers['content-encoding'] = 'gzip';
  return { body: shape.gzip ? gzipSync(raw) : raw, headers };
}

/** The verdict list as the response must show it: accepted, duplicates, and rejections in index order. */
export function expected(entries: readonly Entry[]): { accepted: number; duplicates: number; rejected: Array<{ index: number; verdict: Verdict & { kind: 'rejected' } }> } {
  let accepted = 0;
  let duplicates = 0;
  const rejected: Array<{ index: number; verdict: Verdict & { kind: 'rejected' } }> = [];
  entries.forEach((e, index) => {
    if (e.verdict.kind === 'stored') accepted++;
    else if (e.verdict.kind === 'duplicate') duplicates++;
    else rejected.push({ index, verdict: e.verdict });
  });
  return { accepted, duplicates, rejected };
}

export { NOW };
