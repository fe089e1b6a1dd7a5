/**
 * Calling a model endpoint (engine/evals/endpoint.ts) against a real local HTTP server: the rendered
 * request, `${ENV}` headers, retries of 5xx and timeouts with their attempt counts, 429's Retry-After,
 * no retry of other 4xx, extraction by JSONPath, and the checks made before a run starts.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { isMlsloError } from '../../../src/core/errors.ts';
import type { EndpointSpec } from '../../../src/core/spec.ts';
import { callEndpoint, MAX_RESPONSE_BYTES, prepareEndpoint } from '../../../src/engine/evals/endpoint.ts';
import { startModelServer, type ModelServer } from '../../helpers/model-server.ts';

let m: ModelServer;
before(async () => {
  m = await startModelServer();
});
beforeEach(() => {
  m.requests.length = 0;
});
after(() => m.close());

const spec = (over: Partial<EndpointSpec> = {}): EndpointSpec => ({
  url: `${m.url}/predict`, method: 'POST', headers: {},
  request: { inputs: '{{input}}', prompt: 'classify {{input.text}} ({{segment}}) #{{id}}', meta: ['{{expected}}', 7, null, '{{missing.path}}'] },
  prediction: '$.predictions[0].label', score: '$.predictions[0].score', model: "$['model-version']",
  timeoutMs: 1000, concurrency: 1, retries: 2, ...over,
});

const data = { id: 'ex-1', input: { text: 'hello', n: 3 }, expected: 'spam', segment: 'eu' };
const opts = { random: () => 0 };
const OK = { body: { predictions: [{ label: 'spam', score: 0.9 }], 'model-version': 'v7' } };

test('renders the request template, sends JSON with the headers, and extracts prediction, score and model', async () => {
  m.answer = () => OK;
  const ep = await prepareEndpoint(spec({ headers: { authorization: 'Bearer ${TOKEN}', 'x-team': '${TEAM}-ml' } }), 'test endpoint', { TOKEN: 's3cret', TEAM: 'risk' }, true);
  const r = await callEndpoint(ep, data, opts);
  assert.deepEqual(r, { prediction: 'spam', score: 0.9, model: 'v7', latencyMs: r.latencyMs, attempts: 1, error: null });
  assert.equal(m.requests.length, 1);
  const req = m.requests[0]!;
  assert.equal(req.method, 'POST');
  assert.equal(req.path, '/predict');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers.authorization, 'Bearer s3cret');
  assert.equal(req.headers['x-team'], 'risk-ml');
  // A whole-string placeholder keeps the value's JSON type; others interpolate text; missing → null.
  assert.deepEqual(req.body, { inputs: { text: 'hello', n: 3 }, prompt: 'classify hello (eu) #ex-1', meta: ['spam', 7, null, null] });
});

test('a missing environment variable fails before any call, naming every missing one', async () => {
  await assert.rejects(prepareEndpoint(spec({ headers: { a: '${ONE}', b: 'x ${TWO} ${ONE}' } }), 'golden set smoke endpoint', {}, true), (e: unknown) => {
    assert.ok(isMlsloError(e));
    assert.equal(e.code, 'MLSLO_ERR_EVAL_ENV_MISSING');
    assert.match(e.message, /golden set smoke endpoint: header values name \$\{ONE\}, \$\{TWO\}/);
    return true;
  });
  assert.equal(m.requests.length, 0);
});

test('non-http URLs are refused, and loopback only with allowPrivateTargets', async () => {
  for (const [url, allow] of [['ftp://example.com/x', true], [`${m.url}/predict`, false], ['http://10.1.2.3/x', false]] as const) {
    await assert.rejects(prepareEndpoint(spec({ url }), 'endpoint', {}, allow), (e: unknown) => isMlsloError(e) && e.code === 'MLSLO_ERR_EVAL_ENDPOINT_REFUSED', url);
  }
  await assert.rejects(prepareEndpoint(spec({ prediction: 'label' }), 'endpoint', {}, true), (e: unknown) => isMlsloError(e) && e.code === 'MLSLO_ERR_SPEC_INVALID');
});

test('5xx is retried: two failures then an answer take 3 attempts', async () => {
  let n = 0;
  m.answer = () => (++n <= 2 ? { status: n === 1 ? 500 : 503, body: { error: 'busy' } } : OK);
  const r = await callEndpoint(await prepareEndpoint(spec(), 'e', {}, true), data, opts);
  assert.equal(r.attempts, 3);
  assert.equal(r.error, null);
  assert.equal(r.prediction, 'spam');
  assert.equal(m.requests.length, 3);
});

test('retries run out: the last error is kept with the attempt count', async () => {
  m.answer = () => ({ status: 502, raw: 'bad gateway' });
  const r = await callEndpoint(await prepareEndpoint(spec({ retries: 1 }), 'e', {}, true), data, opts);
  assert.deepEqual({ ...r, latencyMs: 0 }, { prediction: undefined, score: undefined, model: '', latencyMs: 0, attempts: 2, error: 'HTTP 502: bad gateway (after 2 attempts)' });
});

test('429 honours Retry-After seconds', async () => {
  let n = 0;
  const times: number[] = [];
  m.answer = () => {
    times.push(Date.now());
    return ++n === 1 ? { status: 429, headers: { 'retry-after': '1' }, body: {} } : OK;
  };
  const r = await callEndpoint(await prepareEndpoint(spec(), 'e', {}, true), data, opts);
  assert.equal(r.attempts, 2);
  assert.equal(r.error, null);
  assert.ok(times[1]! - times[0]! >= 950, `waited ${times[1]! - times[0]!} ms`);
});

test('other 4xx are not retried', async () => {
  m.answer = () => ({ status: 400, body: { error: 'bad input' } });
  const r = await callEndpoint(await prepareEndpoint(spec(), 'e', {}, true), data, opts);
  assert.equal(r.attempts, 1);
  assert.equal(r.error, 'HTTP 400: {"error":"bad input"}');
  assert.equal(m.requests.length, 1);
});

test('a slow answer times out and is retried; without retries the call fails as timed out', async () => {
  let n = 0;
  m.answer = () => (++n === 1 ? { ...OK, delayMs: 400 } : OK);
  const r = await callEndpoint(await prepareEndpoint(spec({ timeoutMs: 150 }), 'e', {}, true), data, opts);
  assert.equal(r.attempts, 2);
  assert.equal(r.error, null);
  assert.ok(r.latencyMs < 150, `the latency is the answering attempt's: ${r.latencyMs}`);
  m.answer = () => ({ ...OK, delayMs: 400 });
  const t = await callEndpoint(await prepareEndpoint(spec({ timeoutMs: 100, retries: 0 }), 'e', {}, true), data, opts);
  assert.equal(t.attempts, 1);
  assert.equal(t.error, 'timed out');
});

test('a response without the prediction path, or not JSON, is an error and not retried', async () => {
  m.answer = () => ({ body: { predictions: [] } });
  const a = await callEndpoint(await prepareEndpoint(spec(), 'e', {}, true), data, opts);
  assert.equal(a.error, 'the response has nothing at $.predictions[0].label');
  assert.equal(a.attempts, 1);
  m.answer = () => ({ raw: '<html>' });
  const b = await callEndpoint(await prepareEndpoint(spec(), 'e', {}, true), data, opts);
  assert.equal(b.error, 'the response is not JSON');
  assert.equal(b.attempts, 1);
});

test('an answer over the size cap is refused, not retried, and not held in memory', async () => {
  // 9 MiB of JSON: over MAX_RESPONSE_BYTES (8 MiB) — counted while streaming, and refused up front when
  // a Content-Length announces it.
  const big = JSON.stringify({ predictions: [{ label: 'x'.repeat(9 * 1024 * 1024) }] });
  for (const headers of [{}, { 'content-length': String(Buffer.byteLength(big)) }] as Array<Record<string, string>>) {
    m.answer = () => ({ raw: big, headers });
    // A generous timeout: on a loaded machine 9 MiB can take over a second, and a timed-out first attempt
    // would be retried — this test is about the size cap, not about time.
    const a = await callEndpoint(await prepareEndpoint(spec({ timeoutMs: 60_000 }), 'e', {}, true), data, opts);
    assert.equal(a.error, `the response is larger than ${MAX_RESPONSE_BYTES} bytes`);
    assert.equal(a.attempts, 1);
    assert.equal(a.prediction, undefined);
  }
  // Just under the cap is read whole.
  const label = 'y'.repeat(MAX_RESPONSE_BYTES - 100);
  m.answer = () => ({ raw: JSON.stringify({ predictions: [{ label }] }) });
  const b = await callEndpoint(await prepareEndpoint(spec({ timeoutMs: 60_000 }), 'e', {}, true), data, opts);
  assert.equal(b.error, null);
  assert.equal(b.prediction, label);
});

test('an abort stops waiting for the endpoint', async () => {
  m.answer = () => ({ ...OK, delayMs: 2000 });
  const ac = new AbortController();
  const t0 = Date.now();
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(callEndpoint(await prepareEndpoint(spec({ timeoutMs: 5000 }), 'e', {}, true), data, { ...opts, signal: ac.signal }));
  assert.ok(Date.now() - t0 < 1000);
});
