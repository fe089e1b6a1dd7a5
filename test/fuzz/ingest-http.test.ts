/**
 * Fuzzing `POST /v1/events` through a real server over real HTTP (SQLite in a temp directory): generated
 * batches with known verdicts, byte-level mutants of valid bodies judged by an independent reading of
 * DESIGN §3.1 (oracle.ts), and hand-picked hostile requests. Properties: never a 5xx, never a crash or
 * hang (the server answers /healthz after everything); every rejection carries a documented code, a
 * message and a pointer into the item; valid items of a partly bad batch are stored, counted back
 * through the report and by resending them (every one a duplicate); no prototype is polluted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { Ledger, opArb, shapeArb } from './batches.ts';
import { readCatalogue } from './catalogue.ts';
import { deepArray, FUZZ_SPEC, inferenceArb, NOW, outcomeArb, SERVICES, toJson } from './events.ts';
import { chunkedBody, post, raw, type Answer } from './http.ts';
import { assertNoPollution, params, prototypeSnapshot } from './knobs.ts';
import { mutant, mutantPlanArb } from './mutators.ts';
import { expectBody, rejectionProblems, type ExpectedBody } from './oracle.ts';

const cat = readCatalogue();
const LIMITS = { maxBytes: 10 * 1024 * 1024, maxItems: 10_000 };

let s: TestServer;
let ingest: string;
let read: string;
let prototypes: string[];
const ledger = new Ledger('h');
const requests = { oracle: 0, oracleItems: 0, mutant: 0, hostile: 0 };

before(async () => {
  prototypes = prototypeSnapshot();
  s = await startTestServer(FUZZ_SPEC, NOW);
  ingest = await s.key('ingest');
  read = await s.key('read');
});
after(async () => {
  await s?.stop();
  assertNoPollution(prototypes);
  console.log(`# fuzz requests over HTTP: ${JSON.stringify(requests)}`);
});

const send = (body: Buffer, headers: Record<string, string | undefined>): Promise<Answer> =>
  post(s.url, '/v1/events', body, { authorization: `Bearer ${ingest}`, ...headers });

/** An error answer is the envelope with a documented code, and the status of that code's category. */
function envelopeProblems(a: Answer, codes?: readonly string[]): string[] {
  const code: unknown = a.json?.error?.code;
  if (typeof code !== 'string') return [`${a.status} without the error envelope: ${a.text.slice(0, 200)}`];
  const category = cat.codes.get(code);
  if (category === undefined) return [`undocumented code ${code}`];
  const out: string[] = [];
  if (cat.statusOf.get(category) !== a.status) out.push(`${code} (${category}) came with ${a.status}`);
  if (typeof a.json.error.message !== 'string' || a.json.error.message === '') out.push(`${code} without a message`);
  if (codes !== undefined && !codes.includes(code)) out.push(`${code}: ${String(a.json.error.message)}; expected ${codes.join(' or ')}`);
  return out;
}

/** Problems with the server's answer against the oracle's expectation. */
function answerProblems(a: Answer, want: ExpectedBody): string[] {
  if (a.status >= 500) return [`${a.status}: ${a.text.slice(0, 300)}`];
  if (want.kind === 'error') return a.status === 200 ? [`200, expected ${want.codes.join(' or ')}`] : envelopeProblems(a, want.codes);
  if (a.status !== 200) return [`${a.status} ${a.text.slice(0, 300)}; expected 200 with ${want.items.length} items`];
  const { accepted, duplicates, rejected } = a.json as { accepted: number; duplicates: number; rejected: Array<{ index: number; code: string; path: string; message: string }> };
  const out: string[] = [];
  if (accepted + duplicates + rejected.length !== want.items.length) out.push(`${accepted} + ${duplicates} + ${rejected.length} answers for ${want.items.length} items`);
  rejected.forEach((r, i) => {
    if (i > 0 && r.index <= rejected[i - 1]!.index) out.push(`rejections out of order at ${r.index}`);
    out.push(...rejectionProblems(r, want.items[r.index], cat).map((p) => `item ${r.index} (${r.code} ${r.path}): ${p}`));
  });
  return out;
}

test('generated batches over HTTP: each item gets exactly the verdict it was built to get', { timeout: 900_000 }, async () => {
  await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), shapeArb, async (ops, shape) => {
    const req = ledger.build(ops, shape);
    const a = await send(req.body, req.headers);
    requests.oracle++;
    requests.oracleItems += req.entries.length;
    assert.equal(a.status, 200, a.text.slice(0, 500));
    const want = { accepted: 0, duplicates: 0, rejected: [] as Array<{ index: number; code: string; paths: readonly string[] }> };
    req.entries.forEach((e, index) => {
      if (e.verdict.kind === 'stored') want.accepted++;
      else if (e.verdict.kind === 'duplicate') want.duplicates++;
      else want.rejected.push({ index, code: e.verdict.code, paths: e.verdict.paths });
    });
    const got = a.json as { accepted: number; duplicates: number; rejected: Array<{ index: number; code: string; path: string; message: string }> };
    const shown = (i: number) => {
      const j = req.entries[i]?.json;
      return typeof j === 'string' ? j.slice(0, 300) : '(bytes)';
    };
    const story = got.rejected.map((r) => `${r.index} ${r.code} ${r.path}: ${r.message} — ${shown(r.index)}`).join('\n');
    assert.deepEqual(got.rejected.map((r) => r.index), want.rejected.map((r) => r.index), `rejected items differ:\n${story}`);
    got.rejected.forEach((r, i) => {
      const w = want.rejected[i]!;
      assert.equal(r.code, w.code, `item ${r.index}: ${r.message} — ${shown(r.index)}`);
      assert.ok(w.paths.includes(r.path), `item ${r.index}: path ${r.path}, expected ${w.paths.join(' or ')} — ${shown(r.index)}`);
      assert.ok(typeof r.message === 'string' && r.message.length > 0, `item ${r.index} has no message`);
    });
    assert.equal(got.accepted, want.accepted, 'accepted');
    assert.equal(got.duplicates, want.duplicates, 'duplicates');
    ledger.commit(req);
  }), params(0x5eed11, 250));
});

test('the valid items of those batches are stored: the report counts them, and resending each is a duplicate', { timeout: 600_000 }, async () => {
  assert.ok(ledger.stored.length > 300, `only ${ledger.stored.length} items were stored`);
  for (const service of SERVICES) {
    const r = await s.get(`/v1/services/${service}/report`, read);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    // Every inference is in errors.total (eligible) or errors.excluded (an excluded error type).
    assert.equal(r.json.errors.total + r.json.errors.excluded, ledger.inferences.get(service) ?? 0, `${service}: stored inferences`);
  }
  // Resent in batches under the limits (some items hold a 1 MB string).
  const parts: Array<typeof ledger.stored> = [[]];
  let bytes = 0;
  for (const item of ledger.stored) {
    if (parts[parts.length - 1]!.length === 2000 || bytes + item.json.length > LIMITS.maxBytes / 2) {
      parts.push([]);
      bytes = 0;
    }
    parts[parts.length - 1]!.push(item);
    bytes += item.json.length + 1;
  }
  for (const part of parts) {
    const a = await send(Buffer.from(part.map((p) => p.json).join('\n')), { 'content-type': 'application/x-ndjson' });
    assert.equal(a.status, 200, a.text.slice(0, 300));
    assert.deepEqual(a.json, { accepted: 0, duplicates: part.length, rejected: [] });
  }
});

const seedBody = fc.tuple(
  fc.array(fc.record({ op: fc.constant('valid' as const), draft: fc.oneof(inferenceArb, outcomeArb), tag: fc.constant(''), join: fc.nat() }), { minLength: 1, maxLength: 8 }),
  shapeArb,
);

test('mutated bodies over HTTP: never a 5xx, and every answer is the one an independent reading of §3.1 gives', { timeout: 900_000 }, async () => {
  await fc.assert(fc.asyncProperty(seedBody, mutantPlanArb, async ([ops, shape], plan) => {
    const seed = new Ledger(`m${requests.mutant}-`).build(ops, { ...shape, gzip: false, bom: false });
    const m = mutant(seed.body, plan, shape.ndjson);
    const a = await send(m.body, { 'content-type': m.contentType, 'content-encoding': m.contentEncoding });
    requests.mutant++;
    const want = expectBody(m.body, m.contentType, m.contentEncoding, LIMITS);
    assert.deepEqual(answerProblems(a, want), [], `body ${m.body.toString('latin1').slice(0, 300)} (${m.contentType}, ${m.contentEncoding})`);
  }), params(0x5eed12, 500));
});

const item = toJson({ kind: 'inference', id: 'hostile-1', service: 'fz-cls', ts: '2026-11-28T09:00:00Z', status: 'ok', latencyMs: 1 });

test('hostile requests: wrong types and encodings, truncated gzip, bombs, limits, deep nesting, lying lengths', { timeout: 600_000 }, async () => {
  const gz = gzipSync(`[${item}]`);
  // 64 MiB of spaces in ~64 KiB of gzip; two members of it inflate past the limit many times over.
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
  const cases: Array<{ name: string; body: Buffer | string; headers: Record<string, string | undefined>; codes?: string[]; status: number }> = [
    // No Content-Type at all is read as the default, a JSON array (one valid item here).
    { name: 'no Content-Type', body: `[${item}]`, headers: { 'content-type': undefined }, status: 200 },
    { name: 'empty Content-Type', body: `[${item}]`, headers: { 'content-type': '' }, status: 415, codes: ['MLSLO_ERR_UNSUPPORTED_MEDIA'] },
    { name: 'text/plain', body: `[${item}]`, headers: { 'content-type': 'text/plain' }, status: 415, codes: ['MLSLO_ERR_UNSUPPORTED_MEDIA'] },
    { name: 'form', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, codes: ['MLSLO_ERR_UNSUPPORTED_MEDIA'] },
    { name: 'multipart', body: '--x\r\n\r\n[]\r\n--x--', headers: { 'content-type': 'multipart/form-data; boundary=x' }, status: 415, codes: ['MLSLO_ERR_UNSUPPORTED_MEDIA'] },
    { name: 'br', body: `[${item}]`, headers: { 'content-encoding': 'br' }, status: 415, codes: ['MLSLO_ERR_UNSUPPORTED_MEDIA'] },
    { name: 'deflate', body: `[${item}]`, headers: { 'content-encoding': 'deflate' }, status: 415, codes: ['MLSLO_ERR_UNSUPPORTED_MEDIA'] },
    { name: 'gzip, gzip', body: gzipSync(gz), headers: { 'content-encoding': 'gzip, gzip' }, status: 415, codes: ['MLSLO_ERR_UNSUPPORTED_MEDIA'] },
    { name: 'truncated gzip', body: gz.subarray(0, gz.length - 9), headers: { 'content-encoding': 'gzip' }, status: 400, codes: ['MLSLO_ERR_BODY_ENCODING'] },
    { name: 'gzip header only', body: gz.subarray(0, 10), headers: { 'content-encoding': 'gzip' }, status: 400, codes: ['MLSLO_ERR_BODY_ENCODING'] },
    { name: 'not gzip at all', body: `[${item}]`, headers: { 'content-encoding': 'gzip' }, status: 400, codes: ['MLSLO_ERR_BODY_ENCODING'] },
    { name: 'gzip bomb', body: bomb, headers: { 'content-encoding': 'gzip' }, status: 413, codes: ['MLSLO_ERR_BODY_TOO_LARGE'] },
    { name: 'gzip bomb, two members', body: Buffer.concat([bomb, bomb]), headers: { 'content-encoding': 'gzip' }, status: 413, codes: ['MLSLO_ERR_BODY_TOO_LARGE'] },
    { name: 'gzip bomb as NDJSON', body: bomb, headers: { 'content-encoding': 'gzip', 'content-type': 'application/x-ndjson' }, status: 413, codes: ['MLSLO_ERR_BODY_TOO_LARGE'] },
    { name: '10,001 items', body: `[${Array(10_001).fill('1').join(',')}]`, headers: {}, status: 413, codes: ['MLSLO_ERR_TOO_MANY_ITEMS'] },
    { name: '10,001 NDJSON lines', body: Array(10_001).fill(item).join('\n'), headers: { 'content-type': 'application/x-ndjson' }, status: 413, codes: ['MLSLO_ERR_TOO_MANY_ITEMS'] },
    { name: '10k-deep array', body: deepArray(10_000).text, headers: {}, status: 200 },
    { name: '1M-deep array', body: deepArray(1_000_000).text, headers: {}, status: 200 },
    { name: '1M-deep unclosed', body: '['.repeat(1_000_000), headers: {}, status: 400, codes: ['MLSLO_ERR_BODY_INVALID_JSON'] },
    { name: '10k-deep object', body: `[${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}]`, headers: {}, status: 200 },
    { name: 'empty', body: '', headers: {}, status: 400, codes: ['MLSLO_ERR_BODY_INVALID_JSON'] },
    { name: 'not an array', body: item, headers: {}, status: 400, codes: ['MLSLO_ERR_BODY_NOT_ARRAY'] },
    { name: 'NaN', body: '[NaN]', headers: {}, status: 400, codes: ['MLSLO_ERR_BODY_INVALID_JSON'] },
    { name: 'bad UTF-8', body: Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]), headers: {}, status: 400, codes: ['MLSLO_ERR_BODY_INVALID_JSON'] },
    { name: '__proto__ batch', body: '[{"__proto__":{"polluted":1}},{"constructor":{"prototype":{"polluted":1}}},{"kind":"inference","__proto__":{"polluted":1}}]', headers: {}, status: 200 },
  ];
  for (const c of cases) {
    const a = await send(Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body), { 'content-type': 'application/json', ...c.headers });
    requests.hostile++;
    assert.equal(a.status, c.status, `${c.name}: ${a.text.slice(0, 300)}`);
    if (c.codes !== undefined) assert.deepEqual(envelopeProblems(a, c.codes), [], c.name);
    else for (const r of (a.json as { rejected: Array<{ code: string; message: string }> }).rejected) assert.ok(cat.itemCodes.has(r.code) && r.message !== '', c.name);
    assert.equal((await s.get('/healthz')).status, 200, `${c.name}: the server still answers`);
  }
  const auth = `Authorization: Bearer ${ingest}\nContent-Type: application/json`;
  // A Content-Length shorter than the body: the server reads that many bytes (`[`), which do not parse.
  const short = await raw(s.url, `POST /v1/events HTTP/1.1\nHost: x\n${auth}\nContent-Length: 1\nConnection: close\n`, Buffer.from(`[${item}]`));
  assert.equal(short.status, 400, short.text);
  // One that is not a number: Node's HTTP parser refuses it before any route runs.
  const nan = await raw(s.url, `POST /v1/events HTTP/1.1\nHost: x\n${auth}\nContent-Length: abc\nConnection: close\n`, Buffer.from('[]'));
  assert.equal(nan.status, 400, nan.text);
  // A body declared far over the limit is refused from its Content-Length, without waiting for it.
  const huge = await raw(s.url, `POST /v1/events HTTP/1.1\nHost: x\n${auth}\nContent-Length: ${100 * LIMITS.maxBytes}\nConnection: close\n`, Buffer.from('[]'), false);
  assert.equal(huge.status, 413, huge.text);
  // Chunked, with no length, 16 bytes past the limit: refused as it streams in. (The client stops there
  // and waits: had it sent more, the server's close would reset the connection and drop the answer.)
  const chunked = await raw(s.url, `POST /v1/events HTTP/1.1\nHost: x\n${auth}\nTransfer-Encoding: chunked\nConnection: close\n`, chunkedBody(LIMITS.maxBytes + 16), false);
  assert.equal(chunked.status, 413, chunked.text.slice(0, 300));
  requests.hostile += 4;
  assert.equal((await s.get('/healthz')).status, 200);
});

test('keys and strings that would pollute a prototype are data, not paths: nothing is polluted, nothing is lost', async () => {
  const ts = new Date(NOW - 120_000).toISOString();
  const body = `[{"kind":"inference","id":"proto-1","service":"fz-cls","ts":"${ts}","status":"ok","latencyMs":3,`
    + `"input":{"__proto__":{"polluted":1}}},`
    + `{"kind":"inference","id":"proto-2","service":"fz-cls","ts":"${ts}","status":"ok","latencyMs":3,`
    + `"cohort":{"__proto__":"x","constructor":"y","region":"__proto__"},"features":{"__proto__":1,"prototype":null}},`
    + `{"kind":"outcome","requestId":"proto-2","service":"fz-cls","ts":"${ts}","source":"human","scores":{"__proto__":1,"constructor":2}}]`;
  const a = await send(Buffer.from(body), { 'content-type': 'application/json' });
  assert.equal(a.status, 200, a.text);
  assert.deepEqual(a.json.rejected.map((r: { index: number; code: string; path: string }) => [r.index, r.code, r.path]), [[0, 'invalid_type', '/input/__proto__']]);
  assert.equal(a.json.accepted, 2);
  // The same content again is a duplicate; with only the `__proto__` member changed it is a conflict,
  // so that member was stored, not dropped.
  const again = await send(Buffer.from(body), { 'content-type': 'application/json' });
  assert.deepEqual([again.json.accepted, again.json.duplicates], [0, 2]);
  const other = await send(Buffer.from(body.replace('"__proto__":"x"', '"__proto__":"z"')), { 'content-type': 'application/json' });
  assert.deepEqual(other.json.rejected.map((r: { index: number; code: string }) => [r.index, r.code]), [[0, 'invalid_type'], [1, 'conflict']]);
  assertNoPollution(prototypes);
});
