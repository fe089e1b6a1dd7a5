/**
 * Golden-set uploads (DESIGN §2.7): JSONL, one example a line, `{"id"?, "input", "expected", "segment"?}`.
 * Every line is checked on its own; a bad line is rejected with a code, a message and a JSON pointer
 * into the line, and the good ones are kept — so one typo does not throw away a 10 000-line set, and
 * the uploader sees every bad line's number. `expected` is checked per task, in the shape the verdict
 * rule reads (core/evals/score.ts); `input` is whatever the endpoint's request template places.
 */
import type { Task } from '../spec.ts';
import type { GoldenExample } from './types.ts';

export const GOLDEN_LIMITS = {
  examples: 200_000,
  /** UTF-8 bytes per line. */
  lineBytes: 64 * 1024,
  /** Rejections listed; all are counted. */
  listedRejections: 100,
  idLength: 200,
  segmentLength: 200,
} as const;

export type RejectCode =
  | 'invalid_json' | 'invalid_type' | 'missing_field' | 'unknown_field' | 'invalid_value' | 'duplicate_id'
  | 'line_too_long' | 'too_many_examples';

export interface RejectedLine {
  /** 1-based. */
  readonly line: number;
  readonly code: RejectCode;
  readonly message: string;
  /** RFC 6901 pointer into the line's JSON; `''` for the line as a whole. */
  readonly path: string;
}

export interface ParsedGoldenSet {
  readonly items: GoldenExample[];
  /** Accepted examples per segment, `''` for those without one. */
  readonly segments: Record<string, number>;
  /** The first `GOLDEN_LIMITS.listedRejections` rejected lines, in line order. */
  readonly rejected: RejectedLine[];
  readonly rejectedCount: number;
}

const FIELDS = ['id', 'input', 'expected', 'segment'];

type Problem = Omit<RejectedLine, 'line'>;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isLabel(v: unknown): boolean {
  return (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isSafeInteger(v));
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** UTF-8 length of a string, counted without allocating. */
function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The relevant items of a ranking example: `[…]` or `{"relevant": […]}`. */
function checkRelevant(v: unknown): Problem | undefined {
  const path = isObject(v) ? '/expected/relevant' : '/expected';
  const list = isObject(v) ? v.relevant : v;
  if (isObject(v)) {
    const extra = Object.keys(v).find((k) => k !== 'relevant');
    if (extra !== undefined) return { code: 'unknown_field', path: `/expected/${escape(extra)}`, message: 'a ranking `expected` is a list of relevant items, or `{"relevant": […]}` with no other field' };
    if (list === undefined) return { code: 'missing_field', path, message: 'missing `relevant`: the items that count as a hit' };
  }
  if (!Array.isArray(list)) return { code: 'invalid_type', path, message: `must be a list of relevant item ids, got ${typeName(list)}` };
  if (list.length === 0) return { code: 'invalid_value', path, message: 'must list at least one relevant item (with none, no ranking could pass)' };
  const bad = list.findIndex((x) => !isLabel(x));
  if (bad >= 0) return { code: 'invalid_type', path: `${path}/${bad}`, message: `item ids are non-empty strings or integers, got ${typeName(list[bad])}` };
  return undefined;
}

function checkExpected(task: Task, obj: Record<string, unknown>): Problem | undefined {
  const has = Object.hasOwn(obj, 'expected');
  const v = obj.expected;
  // Generative: the judge scores the output; a reference answer is optional.
  if (task === 'generative') return undefined;
  if (!has) {
    const what = task === 'classification' ? 'the true label' : task === 'ranking' ? 'the relevant items' : 'the true value';
    return { code: 'missing_field', path: '/expected', message: `missing \`expected\`: ${what}` };
  }
  switch (task) {
    case 'classification':
      return isLabel(v) ? undefined : { code: 'invalid_type', path: '/expected', message: `a classification label is a non-empty string or an integer, got ${typeName(v)}` };
    case 'ranking':
      return checkRelevant(v);
    case 'regression':
      return typeof v === 'number' && Number.isFinite(v) ? undefined : { code: 'invalid_type', path: '/expected', message: `a regression target is a number, got ${typeName(v)}` };
  }
}

function escape(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

interface Parsed {
  readonly example: GoldenExample;
  /** The line gave its own id (else `line-<n>`). */
  readonly ownId: boolean;
}

/** One line → an example (its id not yet checked for duplicates), or the line's first problem. */
function parseLine(text: string, lineNo: number, task: Task): Parsed | Problem {
  if (utf8Bytes(text) > GOLDEN_LIMITS.lineBytes) return { code: 'line_too_long', path: '', message: `a line may hold at most ${GOLDEN_LIMITS.lineBytes} bytes` };
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    return { code: 'invalid_json', path: '', message: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!isObject(obj)) return { code: 'invalid_type', path: '', message: `each line is a JSON object with \`input\` and \`expected\`, got ${typeName(obj)}` };
  const unknown = Object.keys(obj).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) return { code: 'unknown_field', path: `/${escape(unknown)}`, message: `unknown field \`${unknown}\`; an example has \`input\`, \`expected\` and optionally \`id\` and \`segment\`` };
  let id = `line-${lineNo}`;
  if (Object.hasOwn(obj, 'id')) {
    const v = obj.id;
    if (!((typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isSafeInteger(v)))) {
      return { code: 'invalid_type', path: '/id', message: `an id is a non-empty string or an integer, got ${typeName(v)}` };
    }
    id = String(v);
    if (id.length > GOLDEN_LIMITS.idLength) return { code: 'invalid_value', path: '/id', message: `an id is at most ${GOLDEN_LIMITS.idLength} characters` };
  }
  if (!Object.hasOwn(obj, 'input')) return { code: 'missing_field', path: '/input', message: 'missing `input`: what the endpoint is called with' };
  const expectedProblem = checkExpected(task, obj);
  if (expectedProblem !== undefined) return expectedProblem;
  let segment = '';
  if (Object.hasOwn(obj, 'segment') && obj.segment !== null) {
    const v = obj.segment;
    if (typeof v !== 'string') return { code: 'invalid_type', path: '/segment', message: `a segment is a string, got ${typeName(v)}` };
    if (v.length > GOLDEN_LIMITS.segmentLength) return { code: 'invalid_value', path: '/segment', message: `a segment is at most ${GOLDEN_LIMITS.segmentLength} characters` };
    segment = v;
  }
  return { example: { id, input: obj.input, expected: Object.hasOwn(obj, 'expected') ? obj.expected : null, segment }, ownId: Object.hasOwn(obj, 'id') };
}

export function parseGoldenSet(text: string, task: Task): ParsedGoldenSet {
  const items: GoldenExample[] = [];
  const segments = new Map<string, number>();
  const rejected: RejectedLine[] = [];
  let rejectedCount = 0;
  const ids = new Map<string, number>();
  const reject = (line: number, p: Problem): void => {
    rejectedCount++;
    if (rejected.length < GOLDEN_LIMITS.listedRejections) rejected.push({ line, ...p });
  };
  const lines = text.split('\n');
  // A trailing newline ends the last line; it does not start another.
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    const r = parseLine(line, lineNo, task);
    if ('code' in r) {
      reject(lineNo, r);
      continue;
    }
    const ex = r.example;
    const first = ids.get(ex.id);
    if (first !== undefined) {
      reject(lineNo, { code: 'duplicate_id', path: r.ownId ? '/id' : '', message: `id \`${ex.id}\` is already used on line ${first}` });
      continue;
    }
    if (items.length >= GOLDEN_LIMITS.examples) {
      reject(lineNo, { code: 'too_many_examples', path: '', message: `a golden set holds at most ${GOLDEN_LIMITS.examples} examples` });
      continue;
    }
    ids.set(ex.id, lineNo);
    items.push(ex);
    segments.set(ex.segment, (segments.get(ex.segment) ?? 0) + 1);
  }
  // fromEntries defines own properties: a segment called `__proto__` stays a count.
  return { items, segments: Object.fromEntries(segments), rejected, rejectedCount };
}
