/**
 * A byte-level mutation fuzzer in the style of AFL/libFuzzer's mutators: start from a valid body and
 * apply a few random edits — flip bits, splice hostile tokens (NaN, 1e400, lone surrogates, NUL, BOM,
 * `__proto__` members, 10,000-deep nesting), cut, duplicate, turn line ends into CRLF, insert bytes that
 * are not UTF-8. The edits are fast-check values, so a failure replays from its seed and path.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

const DEEP = 10_000;

export const HOSTILE_TOKENS = [
  'NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '-0', '1e-400', '0x10', '01', '.5', '+1', 'null', 'true', 'undefined',
  '"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '"a\u0000b"', '\uFEFF', '"__proto__"', '"constructor"', '{}', '[]', '"', '\\', ',', ':',
  '\u2028', '\u00a0', '\r', '\n', '\r\n', '\n\n', '\t', '"\\"', '"\\x41"', '"\\u12"', '/* c */', '// c\n',
  '{"__proto__":{"polluted":1}}', '"__proto__":{"polluted":1},', '"constructor":{"prototype":{"polluted":1}},', '"prototype":{"polluted":1},',
  '['.repeat(DEEP), ']'.repeat(DEEP), '['.repeat(DEEP) + ']'.repeat(DEEP), '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP),
  `"${'x'.repeat(300_000)}"`, `[${'0,'.repeat(20_000)}0]`,
];
const INTERESTING_BYTES = [0x00, 0xff, 0xfe, 0x7f, 0x80, 0xc0, 0xed, 0xf4, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x0a, 0x0d, 0x20, 0x30, 0x2d];
const NOT_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80]];

export type Edit =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'set'; readonly at: number; readonly byte: number }
  | { readonly kind: 'delete'; readonly at: number; readonly len: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly len: number; readonly to: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly token: number }
  | { readonly kind: 'afterBrace'; readonly nth: number; readonly token: number }
  | { readonly kind: 'replaceValue'; readonly nth: number; readonly token: number }
  | { readonly kind: 'notUtf8'; readonly at: number; readonly which: number }
  | { readonly kind: 'crlf' }
  | { readonly kind: 'bom' };

export const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.constantFrom(...INTERESTING_BYTES) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 256 }), to: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.nat() }),
  fc.record({ kind: fc.constant('afterBrace' as const), nth: fc.nat(), token: fc.nat() }),
  fc.record({ kind: fc.constant('replaceValue' as const), nth: fc.nat(), token: fc.nat() }),
  fc.record({ kind: fc.constant('notUtf8' as const), at: fc.nat(), which: fc.nat() }),
  fc.constant({ kind: 'crlf' as const }),
  fc.constant({ kind: 'bom' as const }),
);

const tok = (n: number): Buffer => Buffer.from(HOSTILE_TOKENS[n % HOSTILE_TOKENS.length]!);

/** Offsets of every occurrence of byte `b`. */
function offsetsOf(buf: Buffer, b: number): number[] {
  const out: number[] = [];
  for (let i = buf.indexOf(b); i !== -1; i = buf.indexOf(b, i + 1)) out.push(i);
  return out;
}

export function applyEdit(buf: Buffer, e: Edit): Buffer {
  const n = buf.length;
  const at = (x: number) => (n === 0 ? 0 : x % (n + 1));
  switch (e.kind) {
    case 'flip': {
      if (n === 0) return buf;
      const out = Buffer.from(buf);
      out[e.at % n]! ^= 1 << e.bit;
      return out;
    }
    case 'set': {
      if (n === 0) return Buffer.from([e.byte]);
      const out = Buffer.from(buf);
      out[e.at % n] = e.byte;
      return out;
    }
    case 'delete': {
      const i = at(e.at);
      return Buffer.concat([buf.subarray(0, i), buf.subarray(i + e.len)]);
    }
    case 'duplicate': {
      const i = at(e.at);
      const piece = buf.subarray(i, i + e.len);
      const j = at(e.to);
      return Buffer.concat([buf.subarray(0, j), piece, buf.subarray(j)]);
    }
    case 'truncate':
      return buf.subarray(0, at(e.at));
    case 'insert': {
      const i = at(e.at);
      return Buffer.concat([buf.subarray(0, i), tok(e.token), buf.subarray(i)]);
    }
    case 'afterBrace': {
      const braces = offsetsOf(buf, 0x7b);
      if (braces.length === 0) return buf;
      const i = braces[e.nth % braces.length]! + 1;
      return Buffer.concat([buf.subarray(0, i), tok(e.token), buf.subarray(i)]);
    }
    case 'replaceValue': {
      // The value after the nth `:` up to the next `,` or `}`: a crude but effective way to hit every field.
      const colons = offsetsOf(buf, 0x3a);
      if (colons.length === 0) return buf;
      const i = colons[e.nth % colons.length]! + 1;
      let j = i;
      let inString = false;
      while (j < n) {
        const c = buf[j]!;
        if (c === 0x22 && buf[j - 1] !== 0x5c) inString = !inString;
        else if (!inString && (c === 0x2c || c === 0x7d || c === 0x5d)) break;
        j++;
      }
      return Buffer.concat([buf.subarray(0, i), tok(e.token), buf.subarray(j)]);
    }
    case 'notUtf8': {
      const i = at(e.at);
      return Buffer.concat([buf.subarray(0, i), Buffer.from(NOT_UTF8[e.which % NOT_UTF8.length]!), buf.subarray(i)]);
    }
    case 'crlf':
      return Buffer.from(buf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf]);
  }
}

export const CONTENT_TYPES = [
  'application/json', 'application/x-ndjson', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/x-ndjson;charset=UTF-8',
  'text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json, text/plain',
  'application/jsonx', 'json', '*/*', 'application/', ';', 'application/json;', ' application/json ',
];
export const CONTENT_ENCODINGS = ['gzip', 'GZIP', 'x-gzip', 'identity', 'deflate', 'br', 'gzip, identity', 'gzip, gzip', 'compress', 'zstd'];

/** Where the edits land: the raw body, or the gzip bytes of it (corrupting the stream itself). */
export interface Mutant {
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  /** The bytes the decoder sees after gunzip, when the gzip stream is intact (the oracle's input). */
  readonly plain: Buffer | undefined;
}

export interface MutantPlan {
  readonly edits: readonly Edit[];
  /** 0: identity; 1: gzip the mutated body; 2: gzip, then mutate the compressed bytes. */
  readonly gzip: number;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
}

export const mutantPlanArb: fc.Arbitrary<MutantPlan> = fc.record({
  edits: fc.array(editArb, { minLength: 1, maxLength: 6 }),
  gzip: fc.constantFrom(0, 0, 0, 1, 2),
  contentType: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('application/json', 'application/x-ndjson') }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.constant(undefined) }),
  contentEncoding: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_ENCODINGS) }),
});

export function mutant(seed: Buffer, plan: MutantPlan, ndjson: boolean): Mutant {
  const type = plan.contentType === 'application/json' || plan.contentType === 'application/x-ndjson' ? (ndjson ? 'application/x-ndjson' : 'application/json') : plan.contentType;
  if (plan.gzip === 2) {
    const body = plan.edits.reduce(applyEdit, gzipSync(seed));
    return { body, contentType: type, contentEncoding: plan.contentEncoding ?? 'gzip', plain: undefined };
  }
  const plain = plan.edits.reduce(applyEdit, seed);
  if (plan.gzip === 1) return { body: gzipSync(plain), contentType: type, contentEncoding: plan.contentEncoding ?? 'gzip', plain };
  return { body: plain, contentType: type, contentEncoding: plan.contentEncoding, plain };
}
