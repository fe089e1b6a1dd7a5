/**
 * Volume fuzzing of the ingest decoder and validator in process (src/ingest/decode-body.ts,
 * validate-event.ts): thousands of generated batches whose verdicts are known by construction, and
 * thousands of byte-level mutants of valid bodies judged against an independent reading of DESIGN §3.1
 * (oracle.ts). The same generators drive the real-server test (ingest-http.test.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { MlsloError } from '../../src/core/errors.ts';
import { decodeBody, isBadLine, type BodyLimits } from '../../src/ingest/decode-body.ts';
import { validateItem } from '../../src/ingest/validate-event.ts';
import { Ledger, opArb, shapeArb } from './batches.ts';
import { readCatalogue } from './catalogue.ts';
import { contentProblems } from './content.ts';
import { deepArray, inferenceArb, toJson } from './events.ts';
import { assertNoPollution, params, prototypeSnapshot } from './knobs.ts';
import { mutant, mutantPlanArb } from './mutators.ts';
import { expectBody, rejectionProblems, type ExpectedBody } from './oracle.ts';

const cat = readCatalogue();
const LIMITS: BodyLimits = { maxBytes: 10 * 1024 * 1024, maxItems: 10_000 };
/** Codes decided by the ingestor after validation (service, time window, identity), not by validateItem. */
const LATER = new Set(['too_old', 'too_new', 'unknown_service', 'forbidden_service', 'conflict']);

let prototypes: string[];
const counted = { batches: 0, items: 0, mutants: 0, arbitrary: 0, hostile: 0 };
before(() => {
  prototypes = prototypeSnapshot();
});
after(() => {
  assertNoPollution(prototypes);
  console.log(`# in-process inputs: ${JSON.stringify(counted)}`);
});

/** decodeBody, with anything it throws turned into a value the properties can check. */
function decode(body: Buffer, type: string | undefined, enc: string | undefined, limits = LIMITS): { items: unknown[] } | { error: unknown } {
  try {
    return { items: decodeBody(body, type, enc, limits) };
  } catch (e) {
    return { error: e };
  }
}

/** Problems with decodeBody's answer against the oracle's expectation. */
function decodeProblems(got: ReturnType<typeof decode>, want: ExpectedBody): string[] {
  if ('error' in got) {
    const e = got.error;
    if (!(e instanceof MlsloError)) return [`threw ${String(e)}`];
    if (!cat.codes.has(e.code)) return [`undocumented code ${e.code}`];
    if (want.kind !== 'error') return [`refused the body (${e.code}: ${e.message}); expected ${want.items.length} items`];
    return want.codes.includes(e.code) ? [] : [`${e.code}; expected ${want.codes.join(' or ')}`];
  }
  if (want.kind === 'error') return [`decoded ${got.items.length} items; expected ${want.codes.join(' or ')}`];
  if (got.items.length !== want.items.length) return [`${got.items.length} items; expected ${want.items.length}`];
  const out: string[] = [];
  got.items.forEach((item, index) => {
    const w = want.items[index]!;
    if (isBadLine(item)) {
      if (w.json) out.push(`item ${index} is JSON but decoded as a bad line`);
      return;
    }
    if (!w.json) {
      out.push(`item ${index} is not JSON (${w.line.slice(0, 60)}) but decoded`);
      return;
    }
    let r: ReturnType<typeof validateItem>;
    try {
      r = validateItem(item);
    } catch (e) {
      out.push(`validateItem threw on item ${index}: ${String(e)}`);
      return;
    }
    if (!r.ok) out.push(...rejectionProblems({ index, ...r.problem }, w, cat).map((p) => `item ${index}: ${p}`));
  });
  return out;
}

test('generated batches: every item gets the verdict DESIGN §3.1 and docs/errors.md promise', () => {
  let items = 0;
  fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), shapeArb, (ops, shape) => {
    counted.batches++;
    const ledger = new Ledger('p');
    const req = ledger.build(ops, shape);
    const got = decode(req.body, req.headers['content-type'], req.headers['content-encoding']);
    assert.ok('items' in got, `decodeBody refused a well-formed body: ${String((got as { error: unknown }).error)}`);
    assert.equal(got.items.length, req.entries.length, 'one item per entry');
    req.entries.forEach((e, i) => {
      const item = got.items[i];
      items++;
      if (e.verdict.kind === 'rejected' && e.verdict.code === 'invalid_json') {
        assert.ok(isBadLine(item), `entry ${i}: a line that is not JSON must be rejected as invalid_json`);
        return;
      }
      const r = validateItem(item);
      const at = `entry ${i} ${typeof e.json === 'string' ? e.json.slice(0, 300) : '(bytes)'}`;
      if (e.verdict.kind === 'rejected' && !LATER.has(e.verdict.code)) {
        assert.ok(!r.ok, `${at}: expected ${e.verdict.code} at ${e.verdict.paths.join('|')}, but it validated`);
        assert.equal(r.problem.code, e.verdict.code, `${at}: ${r.problem.message} at ${r.problem.path}`);
        assert.ok(e.verdict.paths.includes(r.problem.path), `${at}: path ${r.problem.path}, expected ${e.verdict.paths.join(' or ')}`);
        assert.ok(r.problem.message.length > 0);
        return;
      }
      assert.ok(r.ok, `${at}: expected valid, got ${r.ok ? '' : `${r.problem.code} at ${r.problem.path}: ${r.problem.message}`}`);
      assert.deepEqual(contentProblems(e.value as Record<string, unknown>, r.event, e.tsMs), [], at);
    });
  }), params(0x5eed01, 600));
  counted.items += items;
  assert.ok(items > 2000, `only ${items} items were checked`);
});

const validBody = fc.tuple(fc.array(fc.record({ op: fc.constant('valid' as const), draft: inferenceArb, tag: fc.constant(''), join: fc.nat() }), { minLength: 1, maxLength: 8 }), shapeArb);

test('mutated bodies: the decoder and validator never throw, and answer as an independent reading of §3.1 does', () => {
  fc.assert(fc.property(validBody, mutantPlanArb, ([ops, shape], plan) => {
    const seed = new Ledger('m').build(ops, { ...shape, gzip: false, bom: false });
    const m = mutant(seed.body, plan, shape.ndjson);
    counted.mutants++;
    const want = expectBody(m.body, m.contentType, m.contentEncoding, LIMITS);
    const problems = decodeProblems(decode(m.body, m.contentType, m.contentEncoding), want);
    assert.deepEqual(problems, [], `body ${m.body.toString('latin1').slice(0, 400)} (${m.contentType}, ${m.contentEncoding})`);
  }), params(0x5eed02, 2500));
});

test('arbitrary bytes and headers: only documented errors, never a throw of anything else', () => {
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s)));
  const header = fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('application/json', 'application/x-ndjson', 'gzip')), { nil: undefined });
  fc.assert(fc.property(bytes, header, header, fc.boolean(), (body, type, enc, gz) => {
    const b = gz ? gzipSync(body) : body;
    counted.arbitrary++;
    const want = expectBody(b, type, enc, LIMITS);
    assert.deepEqual(decodeProblems(decode(b, type, enc), want), []);
  }), params(0x5eed03, 2000));
});

test('hostile bodies: deep nesting, huge strings and arrays, item limits, BOMs, NUL, bad UTF-8, truncated gzip', () => {
  const item = toJson({ kind: 'inference', id: 'x', service: 'fz-cls', ts: '2026-11-28T09:00:00Z', status: 'ok', latencyMs: 1 });
  const cases: Array<[string, Buffer | string, string?, string?]> = [
    ['10k-deep array', deepArray(10_000).text],
    ['100k-deep array', deepArray(100_000).text],
    ['10k-deep items', `[${deepArray(10_000).text},${item}]`],
    ['unclosed nesting', '['.repeat(10_000)],
    ['10k-deep NDJSON line', `${deepArray(10_000).text}\n${item}`, 'application/x-ndjson'],
    ['a 9 MB string', `["${'x'.repeat(9_000_000)}"]`],
    ['an item with a 9 MB id', `[${item.replace('"x"', `"${'x'.repeat(9_000_000)}"`)}]`],
    ['exactly maxItems', `[${Array(10_000).fill('1').join(',')}]`],
    ['maxItems + 1', `[${Array(10_001).fill('1').join(',')}]`],
    ['NDJSON maxItems with blank lines', Array(10_000).fill('1').join('\n\n\r\n'), 'application/x-ndjson'],
    ['NDJSON maxItems + 1', Array(10_001).fill('1').join('\n'), 'application/x-ndjson'],
    ['empty', ''], ['whitespace', ' \r\n\t'], ['null', 'null'], ['object', item], ['string', '"x"'],
    ['empty NDJSON', '', 'application/x-ndjson'], ['blank NDJSON', '\n\r\n \n', 'application/x-ndjson'],
    ['BOM only', '\uFEFF'], ['BOM + array', `\uFEFF[${item}]`], ['BOM + NDJSON', `\uFEFF${item}\n${item}`, 'application/x-ndjson'],
    ['two BOMs', `\uFEFF\uFEFF[${item}]`],
    ['NUL bytes', Buffer.from([0x5b, 0x00, 0x5d])], ['NUL in NDJSON', `${item}\n\u0000\n${item}`, 'application/x-ndjson'],
    ['bad UTF-8 in array', Buffer.concat([Buffer.from('["'), Buffer.from([0xff, 0xfe]), Buffer.from('"]')])],
    ['bad UTF-8 in a line', Buffer.concat([Buffer.from(`${item}\n"`), Buffer.from([0xc0, 0x80]), Buffer.from(`"\n${item}`)]), 'application/x-ndjson'],
    ['lone surrogates', `["\\ud800", "\\udc00\\ud800"]`],
    ['CRLF NDJSON', `${item}\r\n\r\n${item}\r\n`, 'application/x-ndjson'],
    ['a gzip of nothing', gzipSync(Buffer.alloc(0)), 'application/json', 'gzip'],
    ['gzip with junk after', Buffer.concat([gzipSync(`[${item}]`), Buffer.from('junk')]), 'application/json', 'gzip'],
    ['two gzip members', Buffer.concat([gzipSync(`[${item},`), gzipSync(`${item}]`)]), 'application/json', 'gzip'],
    ['gzip, declared identity', gzipSync(`[${item}]`), 'application/json'],
  ];
  const gz = gzipSync(`[${item},${item}]`);
  for (let cut = 0; cut < gz.length; cut++) cases.push([`gzip cut at ${cut}`, gz.subarray(0, cut), 'application/json', 'gzip']);
  for (const [name, body, type, enc] of cases) {
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    counted.hostile++;
    const want = expectBody(b, type, enc, LIMITS);
    assert.deepEqual(decodeProblems(decode(b, type, enc), want), [], name);
  }
});
