/**
 * The TypeScript client (`mlslo/client`, docs/clients.md) against a real mlslo server behind a real
 * proxy that can throttle (429/503 + Retry-After) or go down. What arrived is checked through the
 * server's report: every test writes its own service, and every event carries a distinct `errorType`,
 * so `errors.byType` names exactly the events stored, each counted once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MlsloClient, RETRY_AFTER_CAP_MS, type InferenceEvent, type MlsloClientError, type MlsloClientOptions, type MlsloEvent, type RejectedEvent } from '../../src/client/index.ts';
import { backoffDelay, parseRetryAfter } from '../../src/client/backoff.ts';
import { startFlakyProxy, type FlakyProxy } from '../helpers/flaky-proxy.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist/client');
/** A build made only for these tests is removed afterwards; one a developer made is left alone. */
const distWasThere = existsSync(DIST);
const SERVICES = ['c-size', 'c-time', 'c-gzip', 'c-throttle', 'c-unavail', 'c-down', 'c-partial', 'c-bounded', 'c-close', 'c-refused', 'c-split', 'c-timeout', 'c-node', 'c-sigterm', 'c-exit'];
const SPEC = SERVICES.map((name) => `apiVersion: mlslo/v1
kind: Service
metadata: {name: ${name}, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  objectives: {errors: 0.99}
`).join('---\n');

// The server's clock is the real time at start, so an event recorded without `ts` (stamped by the
// client) is inside the server's acceptance window too.
const NOW = Date.now();
const TS = new Date(NOW - 60_000).toISOString();

/** An error event named `tag`: its id and its errorType, so the report's `errors.byType` lists it. */
function ev(service: string, tag: string): InferenceEvent {
  return { kind: 'inference', id: tag, service, ts: TS, status: 'error', errorType: tag };
}
const tags = (prefix: string, from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);
const once = (names: string[]): Record<string, number> => Object.fromEntries(names.map((n) => [n, 1]));

let s: TestServer;
let proxy: FlakyProxy;
let ingest: string;
let read: string;

before(async () => {
  s = await startTestServer(SPEC, NOW);
  ingest = await s.key('ingest');
  read = await s.key('read');
  proxy = await startFlakyProxy(s.url);
});
after(async () => {
  await proxy.close();
  await s.stop();
  if (!distWasThere) {
    rmSync(DIST, { recursive: true, force: true });
    if (existsSync(join(ROOT, 'dist')) && readdirSync(join(ROOT, 'dist')).length === 0) rmdirSync(join(ROOT, 'dist'));
  }
});

async function byType(service: string): Promise<Record<string, number>> {
  const r = await s.get(`/v1/services/${service}/report`, read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.errors.total, Object.values(r.json.errors.byType as Record<string, number>).reduce((a, b) => a + b, 0));
  return r.json.errors.byType;
}

/** Polls `cond` every 10 ms; fails only after a generous deadline (the machine is shared and noisy). */
async function waitFor(cond: () => boolean, what: string, deadlineMs = 60_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A client through the proxy with small intervals; onError collects instead of warning. */
function client(o: Partial<MlsloClientOptions> = {}): { c: MlsloClient; errors: MlsloClientError[]; rejected: RejectedEvent[] } {
  const errors: MlsloClientError[] = [];
  const rejected: RejectedEvent[] = [];
  const c = new MlsloClient({
    url: proxy.url, key: ingest, flushIntervalMs: 600_000, backoff: { initialMs: 5, maxMs: 50 },
    onError: (e) => errors.push(e), onRejected: (items) => rejected.push(...items), ...o,
  });
  return { c, errors, rejected };
}

const since = (from: number) => proxy.requests.slice(from);
const ndjsonBytes = (events: MlsloEvent[]): number => Buffer.byteLength(events.map((e) => JSON.stringify(e)).join('\n'));

// ---- pure parts -------------------------------------------------------------------------------------

test('Retry-After: delay-seconds or an HTTP-date, capped; garbage is ignored', () => {
  const now = Date.parse('2026-11-28T10:00:00Z');
  assert.equal(parseRetryAfter('3', now), 3000);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('1.5', now), 1500);
  assert.equal(parseRetryAfter('Sat, 28 Nov 2026 10:00:07 GMT', now), 7000);
  assert.equal(parseRetryAfter('Sat, 28 Nov 2026 09:59:00 GMT', now), 0); // already past
  assert.equal(parseRetryAfter('86400', now), RETRY_AFTER_CAP_MS);
  assert.equal(RETRY_AFTER_CAP_MS, 300_000);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter('-1', now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

test('backoff: full jitter under a doubling ceiling capped at maxMs; Retry-After is a floor', () => {
  const b = { initialMs: 200, maxMs: 30_000 };
  const top = () => 0.999999;
  // ceilings 200, 400, 800, … capped at 30,000 (2^8 · 200 = 51,200 > 30,000)
  assert.deepEqual([1, 2, 3, 4, 9, 30].map((n) => backoffDelay(n, b, top)), [199, 399, 799, 1599, 29_999, 29_999]);
  assert.equal(backoffDelay(5, b, () => 0), 0);
  assert.equal(backoffDelay(5, b, () => 0.5), 1600);
  assert.equal(backoffDelay(1, b, () => 0.5, 5000), 5000);
  assert.equal(backoffDelay(9, b, () => 0.5, 1000), 15_000);
});

test('options are checked once, in the constructor', () => {
  assert.throws(() => new MlsloClient({ url: 'not a url', key: 'k' }), TypeError);
  assert.throws(() => new MlsloClient({ url: 'http://x', key: '' }), TypeError);
  assert.throws(() => new MlsloClient({ url: 'http://x', key: 'k', maxBatchSize: 10_001 }), RangeError);
  assert.throws(() => new MlsloClient({ url: 'http://x', key: 'k', maxQueue: 0 }), RangeError);
  assert.throws(() => new MlsloClient({ url: 'http://x', key: 'k', backoff: { initialMs: 10, maxMs: 5 } }), RangeError);
});

// ---- against the real server ------------------------------------------------------------------------

test('batching by size: 50 events in batches of 10 are 5 requests; a partial batch waits for flush()', async () => {
  const { c, errors } = client({ maxBatchSize: 10, gzip: false });
  const from = proxy.requests.length;
  const events = tags('size-', 0, 50).map((t) => ev('c-size', t));
  for (const e of events) c.record(e);
  await waitFor(() => c.stats().accepted === 50, '50 accepted');
  const seen = since(from);
  assert.equal(seen.length, 5);
  assert.ok(seen.every((r) => r.method === 'POST' && r.path === '/v1/events' && r.status === 200));
  // Each body is exactly ten events as NDJSON, in recording order.
  assert.deepEqual(seen.map((r) => r.bodyBytes), [0, 1, 2, 3, 4].map((i) => ndjsonBytes(events.slice(i * 10, i * 10 + 10))));
  assert.equal(seen[0]!.headers['content-type'], 'application/x-ndjson');
  assert.equal(seen[0]!.headers.authorization, `Bearer ${ingest}`);

  for (const t of tags('size-', 50, 53)) c.record(ev('c-size', t));
  assert.equal(c.stats().queued, 3); // under the batch size and the interval is 10 minutes: held
  await c.flush();
  assert.equal(since(from).length, 6);
  assert.equal(since(from)[5]!.bodyBytes, ndjsonBytes(tags('size-', 50, 53).map((t) => ev('c-size', t))));
  assert.deepEqual(await byType('c-size'), once(tags('size-', 0, 53)));
  const st = c.stats();
  assert.deepEqual([st.sentBatches, st.accepted, st.duplicates, st.rejected, st.dropped, st.retries, st.failed, st.queued, st.inFlight], [6, 53, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(errors, []);
  await c.close();
});

test('batching by time: a batch that never fills is sent after flushIntervalMs; ts defaults to now', async () => {
  const { c } = client({ maxBatchSize: 100, flushIntervalMs: 50 });
  const from = proxy.requests.length;
  for (const t of tags('time-', 0, 3)) {
    const e = ev('c-time', t);
    delete e.ts;
    c.record(e);
  }
  await waitFor(() => c.stats().accepted === 3, '3 accepted without flush()');
  assert.equal(since(from).length, 1);
  // The events carry the wall clock's time, which has moved on since the server's clock was set (NOW):
  // bring the server's clock up to it, or the report's window may end before them.
  s.clock = Date.now();
  assert.deepEqual(await byType('c-time'), once(tags('time-', 0, 3)));
  await c.close();
});

test('gzip on the wire by default, and off when asked', async () => {
  const from = proxy.requests.length;
  const events = tags('gz-', 0, 20).map((t) => ev('c-gzip', t));
  const { c } = client({ maxBatchSize: 20 });
  for (const e of events) c.record(e);
  await c.flush();
  const zipped = since(from);
  assert.equal(zipped.length, 1);
  assert.equal(zipped[0]!.headers['content-encoding'], 'gzip');
  assert.equal(zipped[0]!.headers['content-type'], 'application/x-ndjson');
  assert.ok(zipped[0]!.bodyBytes < ndjsonBytes(events) / 2, `${zipped[0]!.bodyBytes} bytes gzipped of ${ndjsonBytes(events)}`);

  const plainEvents = tags('gz-', 20, 40).map((t) => ev('c-gzip', t));
  const { c: plain } = client({ maxBatchSize: 20, gzip: false });
  for (const e of plainEvents) plain.record(e);
  await plain.flush();
  const raw = since(from)[1]!;
  assert.equal(raw.headers['content-encoding'], undefined);
  assert.equal(raw.bodyBytes, ndjsonBytes(plainEvents));
  assert.deepEqual(await byType('c-gzip'), once(tags('gz-', 0, 40)));
  await c.close();
  await plain.close();
});

test('429 with Retry-After: the batch waits as told, is resent, and every event is stored once', async () => {
  const { c, errors } = client({ maxBatchSize: 10 });
  const from = proxy.requests.length;
  proxy.throttle(2, 1);
  for (const t of tags('thr-', 0, 10)) c.record(ev('c-throttle', t));
  await c.flush();
  const seen = since(from);
  assert.deepEqual(seen.map((r) => r.status), [429, 429, 200]);
  // Lower bounds only (a slow machine makes gaps longer, never shorter): Retry-After: 1 was honoured,
  // where the backoff alone would have waited at most 5–10 ms.
  assert.ok(seen[1]!.at - seen[0]!.at >= 990, `gap ${seen[1]!.at - seen[0]!.at} ms`);
  assert.ok(seen[2]!.at - seen[1]!.at >= 990, `gap ${seen[2]!.at - seen[1]!.at} ms`);
  const st = c.stats();
  assert.deepEqual([st.retries, st.sentBatches, st.accepted, st.duplicates, st.failed], [2, 1, 10, 0, 0]);
  assert.match(st.lastError ?? '', /^429 MLSLO_ERR_OVERLOADED/);
  assert.deepEqual(await byType('c-throttle'), once(tags('thr-', 0, 10)));
  assert.deepEqual(errors, []);
  await c.close();
});

test('503 without Retry-After: exponential backoff, then delivered once', async () => {
  const { c, errors } = client({ maxBatchSize: 10 });
  const from = proxy.requests.length;
  proxy.throttle(3, undefined, 503);
  for (const t of tags('una-', 0, 12)) c.record(ev('c-unavail', t));
  await c.flush();
  // The first 10 (a full batch) meet the three 503s; the last 2 follow in their own request.
  assert.deepEqual(since(from).map((r) => r.status), [503, 503, 503, 200, 200]);
  const st = c.stats();
  assert.deepEqual([st.retries, st.sentBatches, st.accepted, st.duplicates, st.failed], [3, 2, 12, 0, 0]);
  assert.deepEqual(await byType('c-unavail'), once(tags('una-', 0, 12)));
  assert.deepEqual(errors, []);
  await c.close();
});

test('a request that gets no answer times out and is retried', async () => {
  // A real server that holds the first request open forever and forwards the rest to mlslo.
  const held: ServerResponse[] = [];
  let seen = 0;
  const hang = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (seen++ === 0) {
        held.push(res);
        return;
      }
      const headers: Record<string, string> = {};
      for (const h of ['content-type', 'content-encoding', 'authorization']) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h];
      void fetch(`${s.url}${req.url}`, { method: 'POST', headers, body: Buffer.concat(chunks) }).then(async (up) => {
        res.writeHead(up.status, { 'content-type': 'application/json' });
        res.end(await up.text());
      });
    });
  });
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  try {
    const { c, errors } = client({ url: `http://127.0.0.1:${(hang.address() as AddressInfo).port}`, maxBatchSize: 5, timeoutMs: 200 });
    for (const t of tags('slow-', 0, 5)) c.record(ev('c-timeout', t));
    await c.flush();
    assert.equal(seen, 2);
    const st = c.stats();
    assert.deepEqual([st.retries, st.lastError, st.accepted, st.failed], [1, 'timeout', 5, 0]);
    assert.deepEqual(await byType('c-timeout'), once(tags('slow-', 0, 5)));
    assert.deepEqual(errors, []);
    await c.close();
  } finally {
    hang.closeAllConnections();
    await new Promise((r) => hang.close(r));
  }
});

test('server down for a while: events recorded meanwhile all arrive once it is back', async () => {
  const { c, errors } = client({ maxBatchSize: 10, flushIntervalMs: 20 });
  for (const t of tags('down-', 0, 10)) c.record(ev('c-down', t));
  await waitFor(() => c.stats().accepted === 10, 'the first batch');
  await proxy.down();
  try {
    for (const t of tags('down-', 10, 35)) c.record(ev('c-down', t));
    await waitFor(() => c.stats().retries >= 3, 'failed attempts while down');
    assert.equal(c.stats().accepted, 10);
    assert.equal(c.stats().queued + c.stats().inFlight, 25);
  } finally {
    await proxy.start();
  }
  await c.flush();
  assert.deepEqual(await byType('c-down'), once(tags('down-', 0, 35)));
  const st = c.stats();
  assert.equal(st.accepted + st.duplicates, 35);
  assert.deepEqual([st.dropped, st.failed, st.rejected, st.queued, st.inFlight], [0, 0, 0, 0, 0]);
  assert.deepEqual(errors, []);
  await c.close();
});

test('partial success: rejected items are reported with code and pointer, not retried; valid ones are stored', async () => {
  const { c, errors, rejected } = client({ maxBatchSize: 100 });
  const from = proxy.requests.length;
  c.record(ev('c-partial', 'part-0'));
  c.record({ ...ev('c-partial', 'part-bad-type'), latencyMs: '12' } as unknown as MlsloEvent);
  c.record(ev('c-partial', 'part-1'));
  c.record({ ...ev('c-partial', 'part-bad-ts'), ts: '2026-11-28T09:00:00' });
  // Not even JSON: refused on the spot, never sent.
  c.record({ ...ev('c-partial', 'part-bigint'), latencyMs: 12n } as unknown as MlsloEvent);
  assert.deepEqual(rejected.map((r) => [r.code, r.path]), [['unserializable', '']]);
  c.record(ev('c-partial', 'part-2'));
  await c.flush();
  assert.equal(since(from).length, 1);
  assert.deepEqual(rejected.slice(1).map((r) => [(r.event as { id: string }).id, r.code, r.path]), [
    ['part-bad-type', 'invalid_type', '/latencyMs'],
    ['part-bad-ts', 'invalid_timestamp', '/ts'],
  ]);
  assert.ok(rejected.every((r) => r.message.length > 0));
  const st = c.stats();
  assert.deepEqual([st.accepted, st.rejected, st.retries, st.failed], [3, 3, 0, 0]);
  assert.deepEqual(await byType('c-partial'), once(['part-0', 'part-1', 'part-2']));
  assert.deepEqual(errors, []);
  await c.close();
});

test('bounded queue while the server is down: exactly the newest maxQueue survive, the rest are counted dropped', async () => {
  await proxy.down();
  const { c, errors } = client({ maxQueue: 5, maxBatchSize: 2, flushIntervalMs: 10 });
  try {
    for (const t of tags('bq-', 0, 12)) c.record(ev('c-bounded', t));
    await waitFor(() => c.stats().retries >= 2, 'failed attempts while down');
    const st = c.stats();
    assert.equal(st.queued + st.inFlight, 5);
    assert.equal(st.dropped, 7);
  } finally {
    await proxy.start();
  }
  await c.flush();
  assert.deepEqual(await byType('c-bounded'), once(tags('bq-', 7, 12)));
  const st = c.stats();
  assert.deepEqual([st.accepted, st.duplicates, st.dropped, st.failed], [5, 0, 7, 0]);
  assert.deepEqual(errors, []);
  await c.close();
});

test('close() delivers what is queued; later records are dropped, not thrown', async () => {
  const { c, errors } = client({ maxBatchSize: 100 });
  const from = proxy.requests.length;
  for (const t of tags('close-', 0, 7)) c.record(ev('c-close', t));
  const r = await c.close();
  assert.equal(r.undelivered, 0);
  assert.equal(r.stats.accepted, 7);
  assert.deepEqual(await byType('c-close'), once(tags('close-', 0, 7)));
  c.record(ev('c-close', 'close-late'));
  assert.equal(c.stats().dropped, 1);
  await c.flush();
  assert.equal(since(from).length, 1);
  assert.deepEqual(errors, []);
});

test('close() against a server that stays down gives up by its deadline and reports what was lost', async () => {
  await proxy.down();
  const { c, errors } = client({ maxBatchSize: 100 });
  try {
    for (const t of tags('lost-', 0, 3)) c.record(ev('c-close', t));
    const r = await c.close({ timeoutMs: 300 });
    assert.equal(r.undelivered, 3);
    assert.equal(r.stats.failed, 3);
    assert.deepEqual([r.stats.queued, r.stats.inFlight], [0, 0]);
    assert.deepEqual(errors.map((e) => [e.code, e.lostEvents]), [['undelivered', 3]]);
  } finally {
    await proxy.start();
  }
});

test('a 4xx that retrying cannot fix drops the batch and reports it; a 413 splits the batch', async () => {
  const { c, errors } = client({ maxBatchSize: 10, key: 'mlslo_wrong_key' });
  const from = proxy.requests.length;
  for (const t of tags('ref-', 0, 10)) c.record(ev('c-refused', t));
  await c.flush();
  assert.deepEqual(since(from).map((r) => r.status), [401]);
  assert.deepEqual(errors.map((e) => [e.code, e.status, e.lostEvents]), [['batch_refused', 401, 10]]);
  assert.match(errors[0]!.message, /MLSLO_ERR_UNAUTHENTICATED/);
  assert.deepEqual([c.stats().failed, c.stats().retries], [10, 0]);
  await c.close();

  // A server taking at most 5 items a request: 20 → 413, 10 → 413, 5, 5, 10 → 413, 5, 5.
  const small = await startTestServer(SPEC, NOW, { maxItems: 5 });
  const p2 = await startFlakyProxy(small.url);
  try {
    const k = await small.key('ingest');
    const splitErrors: MlsloClientError[] = [];
    const c2 = new MlsloClient({ url: p2.url, key: k, maxBatchSize: 20, flushIntervalMs: 600_000, onError: (e) => splitErrors.push(e) });
    for (const t of tags('split-', 0, 20)) c2.record(ev('c-split', t));
    await c2.flush();
    assert.deepEqual(p2.requests.map((r) => r.status), [413, 413, 200, 200, 413, 200, 200]);
    const byTypeSmall = (await small.get('/v1/services/c-split/report', await small.key('read'))).json.errors.byType;
    assert.deepEqual(byTypeSmall, once(tags('split-', 0, 20)));
    assert.deepEqual([c2.stats().accepted, c2.stats().failed, c2.stats().sentBatches], [20, 0, 4]);
    assert.deepEqual(splitErrors, []);
    await c2.close();
  } finally {
    await p2.close();
    await small.stop();
  }
});

// ---- the published package, with plain node ---------------------------------------------------------

const run = promisify(execFile);
let built: Promise<void> | undefined;
/** `npm run build:client` once for the tests below (they run in order in this file). */
function build(): Promise<void> {
  built ??= run('npm', ['run', 'build:client'], { cwd: ROOT }).then(() => undefined);
  return built;
}

/** Runs an ES module with plain node (no tsx) in the repository, so `mlslo/client` resolves to the package's own exports. */
function node(script: string, env: Record<string, string>, onReady?: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // An --eval module resolves from the working directory: the repository, whose package.json names
    // the package, so `mlslo/client` is a self-reference through its "exports".
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (onReady !== undefined && stdout.includes('ready\n')) {
        const f = onReady;
        onReady = undefined;
        f(child);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test('the built package: plain node imports mlslo/client and sends an event', async () => {
  await build();
  assert.ok(existsSync(join(DIST, 'index.js')));
  assert.ok(existsSync(join(DIST, 'index.d.ts')));
  const r = await node(`
    const { MlsloClient } = await import('mlslo/client');
    const c = new MlsloClient({ url: process.env.MLSLO_URL, key: process.env.MLSLO_KEY, onError: (e) => { console.error(e.message); process.exitCode = 2; } });
    c.record({ kind: 'inference', id: 'node-1', service: 'c-node', ts: process.env.TS, status: 'error', errorType: 'node-1' });
    const r = await c.close();
    console.log(JSON.stringify({ resolved: import.meta.resolve('mlslo/client'), execArgv: process.execArgv, stats: r.stats }));
  `, { MLSLO_URL: proxy.url, MLSLO_KEY: ingest, TS });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.resolved, new URL('dist/client/index.js', `file://${ROOT}`).href);
  assert.deepEqual(out.execArgv.filter((a: string) => a.startsWith('-')), ['--input-type=module', '-e']); // no tsx, no loader
  assert.equal(out.stats.accepted, 1);
  assert.deepEqual(await byType('c-node'), { 'node-1': 1 });

  // The declarations serve a strict TypeScript consumer (one without allowImportingTsExtensions).
  const dir = join(ROOT, '.tmp', `client-consumer-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], skipLibCheck: false },
      files: ['use.ts'],
    }));
    writeFileSync(join(dir, 'use.ts'), [
      "import { MlsloClient, type ClientStats } from 'mlslo/client';",
      "const c = new MlsloClient({ url: 'http://127.0.0.1:1', key: 'k', backoff: { maxMs: 1000 } });",
      "c.record({ kind: 'outcome', requestId: 'r1', service: 's', source: 'human', label: 'fraud' });",
      'const s: ClientStats = c.stats();',
      '// @ts-expect-error an inference needs an id',
      "c.record({ kind: 'inference', service: 's', status: 'ok' });",
      'export const queued: number = s.queued;',
    ].join('\n'));
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: ROOT })
      .catch((e: { stdout?: string; message: string }) => assert.fail(`a consumer does not type-check:\n${e.stdout ?? e.message}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('shutdown hooks: SIGTERM delivers the queue, then the process still dies of SIGTERM', async () => {
  await build();
  const r = await node(`
    const { MlsloClient } = await import('mlslo/client');
    const c = new MlsloClient({ url: process.env.MLSLO_URL, key: process.env.MLSLO_KEY, flushIntervalMs: 600000 });
    for (let i = 0; i < 5; i++) c.record({ kind: 'inference', id: 'term-' + i, service: 'c-sigterm', ts: process.env.TS, status: 'error', errorType: 'term-' + i });
    c.installShutdownHooks();
    setInterval(() => {}, 1000); // a server that would run forever
    process.stdout.write('ready\\n');
  `, { MLSLO_URL: proxy.url, MLSLO_KEY: ingest, TS }, (child) => child.kill('SIGTERM'));
  assert.equal(r.signal, 'SIGTERM', `code ${r.code} ${r.stderr}`);
  assert.deepEqual(await byType('c-sigterm'), once(tags('term-', 0, 5)));
});

test('shutdown hooks: a process that simply ends delivers its queue on beforeExit', async () => {
  await build();
  const r = await node(`
    const { MlsloClient } = await import('mlslo/client');
    const c = new MlsloClient({ url: process.env.MLSLO_URL, key: process.env.MLSLO_KEY, flushIntervalMs: 600000 });
    c.installShutdownHooks();
    for (let i = 0; i < 4; i++) c.record({ kind: 'inference', id: 'exit-' + i, service: 'c-exit', ts: process.env.TS, status: 'error', errorType: 'exit-' + i });
  `, { MLSLO_URL: proxy.url, MLSLO_KEY: ingest, TS });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await byType('c-exit'), once(tags('exit-', 0, 4)));
});
