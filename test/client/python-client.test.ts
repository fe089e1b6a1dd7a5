/**
 * The Python client (clients/python/mlslo_client.py) against a real mlslo behind a real flaky proxy.
 * Each scenario runs clients/python/tests/scenarios.py with Debian's /usr/bin/python3 and writes to its
 * own service; every event carries a unique errorType, so the report's errors.byType says exactly which
 * events were stored, and how many times. Nothing here measures time: we wait for conditions.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startFlakyProxy, type FlakyProxy } from '../helpers/flaky-proxy.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const PYTHON = '/usr/bin/python3';
const SKIP = 'python3 not found: apt-get install -y python3';
const CLIENT_DIR = join(import.meta.dirname, '..', '..', 'clients', 'python');
/** A deadline for one Python run; generous because the machine is shared. Never an assertion on speed. */
const RUN_DEADLINE_MS = 180_000;

const SERVICES = ['batching', 'batching-plain', 'retry-after', 'backoff', 'down', 'bounded', 'partial', 'unauthorized', 'atexit', 'split'];
const SPEC = SERVICES.map((name) => `
apiVersion: mlslo/v1
kind: Service
metadata: {name: py-${name}, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  objectives: {errors: 0.99}
`).join('---\n');

const NOW = Date.parse('2026-11-28T10:00:00Z');
const TS = new Date(NOW - 60_000).toISOString();

let s: TestServer;
let proxy: FlakyProxy;
let ingest: string;
let read: string;

before(async () => {
  s = await startTestServer(SPEC, NOW);
  proxy = await startFlakyProxy(s.url);
  ingest = await s.key('ingest');
  read = await s.key('read');
});
after(async () => {
  await proxy?.close();
  await s?.stop();
});

function havePython(t: TestContext): boolean {
  if (existsSync(PYTHON)) return true;
  t.skip(SKIP);
  return false;
}

/** The child's environment: no proxy variables (urllib honours them), no .pyc files in the tree. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...extra };
  for (const k of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) delete env[k];
  return env;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: any[];
  readonly done: any;
}

/** Runs a Python command; `onLine` sees each JSON line of stdout as it arrives (and may act on it). */
function runPython(args: string[], env: Record<string, string>, onLine?: (line: any) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { cwd: join(CLIENT_DIR, '..', '..'), env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const lines: any[] = [];
    const actions: Promise<void>[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`python did not finish within ${RUN_DEADLINE_MS} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, RUN_DEADLINE_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const text = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!text.startsWith('{')) continue;
        const line = JSON.parse(text);
        lines.push(line);
        if (onLine !== undefined) actions.push(onLine(line));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      Promise.all(actions).then(() => resolve({ code, stdout, stderr, lines, done: lines.find((l) => l.done !== undefined) }), reject);
    });
  });
}

function scenario(name: string, n: number, opts: { url?: string; key?: string; onPhase?: (phase: string) => Promise<void> } = {}): Promise<Run> {
  const env = { MLSLO_URL: opts.url ?? proxy.url, MLSLO_KEY: opts.key ?? ingest, MLSLO_SERVICE: `py-${name}`, MLSLO_TS: TS };
  return runPython(['clients/python/tests/scenarios.py', name, String(n)], env, async (line) => {
    if (line.phase !== undefined && opts.onPhase !== undefined) await opts.onPhase(line.phase);
  }).then((r) => {
    assert.equal(r.code, 0, `scenario ${name} failed\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    assert.ok(r.done, `scenario ${name} printed no result\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    return r;
  });
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** The stored error types of a scenario's service must be exactly these events, once each. */
async function assertStored(name: string, indices: number[]): Promise<void> {
  const r = await s.get(`/v1/services/py-${name}/report`, read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const expected = Object.fromEntries(indices.map((i) => [`py-${name}-${String(i).padStart(5, '0')}`, 1]));
  assert.deepEqual(r.json.errors.byType, expected);
  assert.equal(r.json.errors.total, indices.length);
}

function stats(r: Run, expected: Record<string, number>): void {
  const got = Object.fromEntries(Object.keys(expected).map((k) => [k, r.done.stats[k]]));
  assert.deepEqual(got, expected, JSON.stringify(r.done));
}

test('the unit tests (retry-after, backoff bounds, queue, splitting) pass', async (t) => {
  if (!havePython(t)) return;
  const r = await runPython(['-m', 'unittest', 'discover', '-s', 'clients/python/tests', '-v'], {});
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\nOK\s*$/);
});

test('batches of max_batch_size, gzip on the wire, one request per batch', async (t) => {
  if (!havePython(t)) return;
  const from = proxy.requests.length;
  const r = await scenario('batching', 1050);
  // 1050 events at 100 a batch: 10 full batches, then the 50 left when flush() is called.
  stats(r, { sent_batches: 11, accepted: 1050, duplicates: 0, rejected: 0, dropped: 0, retries: 0, failed: 0, queued: 0, in_flight: 0 });
  assert.equal(r.done.flushed, true);
  const seen = proxy.requests.slice(from);
  assert.equal(seen.length, 11);
  for (const q of seen) {
    assert.equal(q.method, 'POST');
    assert.equal(q.path, '/v1/events');
    assert.equal(q.status, 200);
    assert.equal(q.headers['content-encoding'], 'gzip');
    assert.equal(q.headers['content-type'], 'application/json');
    assert.equal(q.headers.authorization, `Bearer ${ingest}`);
    assert.match(String(q.headers['user-agent']), /^mlslo-python\//);
  }
  // Each event's JSON is over 150 bytes, so 100 of them are over 15,000 bytes before compression.
  for (const q of seen.slice(0, 10)) assert.ok(q.bodyBytes < 15_000, String(q.bodyBytes));
  await assertStored('batching', range(0, 1050));
});

test('without gzip the same batches go uncompressed', async (t) => {
  if (!havePython(t)) return;
  const from = proxy.requests.length;
  const r = await scenario('batching-plain', 250);
  stats(r, { sent_batches: 3, accepted: 250, failed: 0 });
  const seen = proxy.requests.slice(from);
  assert.equal(seen.length, 3);
  for (const q of seen) assert.equal(q.headers['content-encoding'], undefined);
  for (const q of seen.slice(0, 2)) assert.ok(q.bodyBytes > 15_000, String(q.bodyBytes));
  await assertStored('batching-plain', range(0, 250));
});

test('429 with Retry-After: retried after the wait the server asked for, every event stored once', async (t) => {
  if (!havePython(t)) return;
  const from = proxy.requests.length;
  proxy.throttle(3, 1);
  // The scenario's own backoff is up to an hour: it finishes only because Retry-After (1 s) is honoured.
  const r = await scenario('retry-after', 30);
  stats(r, { sent_batches: 1, accepted: 30, duplicates: 0, retries: 3, failed: 0, dropped: 0 });
  assert.deepEqual(proxy.requests.slice(from).map((q) => q.status), [429, 429, 429, 200]);
  await assertStored('retry-after', range(0, 30));
});

test('503 without Retry-After: retried with backoff, every event stored once', async (t) => {
  if (!havePython(t)) return;
  const from = proxy.requests.length;
  proxy.throttle(4, undefined, 503);
  const r = await scenario('backoff', 30);
  stats(r, { sent_batches: 1, accepted: 30, duplicates: 0, retries: 4, failed: 0, dropped: 0 });
  assert.deepEqual(proxy.requests.slice(from).map((q) => q.status), [503, 503, 503, 503, 200]);
  await assertStored('backoff', range(0, 30));
});

test('server down when the model server starts: everything arrives once it is back', async (t) => {
  if (!havePython(t)) return;
  await proxy.down();
  let broughtBack = false;
  const r = await scenario('down', 250, {
    onPhase: async (phase) => {
      assert.equal(phase, 'retrying');
      await proxy.start();
      broughtBack = true;
    },
  });
  assert.ok(broughtBack);
  assert.ok(r.done.stats.retries >= 2, JSON.stringify(r.done));
  stats(r, { accepted: 250, failed: 0, dropped: 0, queued: 0, in_flight: 0 });
  await assertStored('down', range(0, 250));
});

test('bounded queue while down: exactly the newest max_queue events survive, the rest are counted dropped', async (t) => {
  if (!havePython(t)) return;
  await proxy.down();
  const r = await scenario('bounded', 25, { onPhase: () => proxy.start() });
  // max_queue 10 of 25 events: 15 dropped, the newest 10 (indices 15..24) delivered.
  stats(r, { accepted: 10, dropped: 15, failed: 0, queued: 0 });
  await assertStored('bounded', range(15, 25));
});

test('partial success: the invalid items are reported with code and JSON pointer, the valid ones stored', async (t) => {
  if (!havePython(t)) return;
  const r = await scenario('partial', 6);
  stats(r, { sent_batches: 1, accepted: 4, rejected: 2, retries: 0, failed: 0 });
  assert.deepEqual(r.done.rejected.map((x: any) => [x.id, x.code, x.path]), [
    ['py-partial-00001', 'invalid_type', '/latencyMs'],
    ['py-partial-00003', 'unknown_field', '/lantency'],
  ]);
  for (const x of r.done.rejected) assert.ok(x.message.length > 0);
  await assertStored('partial', [0, 2, 4, 5]);
});

test('a bad key (401) drops the batch without retrying and reports it', async (t) => {
  if (!havePython(t)) return;
  const from = proxy.requests.length;
  const r = await scenario('unauthorized', 7, { key: 'mlslo_nope_nope' });
  stats(r, { sent_batches: 0, accepted: 0, retries: 0, failed: 7, queued: 0 });
  assert.deepEqual(r.done.errors, [{ status: 401, code: 'MLSLO_ERR_UNAUTHENTICATED', message: r.done.errors[0].message, events: 7 }]);
  assert.deepEqual(proxy.requests.slice(from).map((q) => q.status), [401]);
  await assertStored('unauthorized', []);
});

test('a normal interpreter exit flushes what was recorded (atexit), without flush() or close()', async (t) => {
  if (!havePython(t)) return;
  const r = await scenario('atexit', 20);
  const recorded = r.lines.find((l) => l.phase === 'recorded');
  assert.equal(recorded.stats.queued, 20);
  assert.equal(recorded.stats.accepted, 0);
  stats(r, { sent_batches: 1, accepted: 20, queued: 0, failed: 0 });
  await assertStored('atexit', range(0, 20));
});

test('413: a batch over the server body limit is split until the halves fit', async (t) => {
  if (!havePython(t)) return;
  // A second server whose body limit (2 KiB) holds about ten of these events, not forty.
  const small = await startTestServer(SPEC, NOW, { maxBodyBytes: 2048 });
  try {
    const key = await small.key('ingest');
    const r = await scenario('split', 40, { url: small.url, key });
    // One batch of 40 was asked for; it took several requests, all events arrived, none was given up.
    assert.ok(r.done.stats.sent_batches > 1, JSON.stringify(r.done));
    stats(r, { accepted: 40, duplicates: 0, retries: 0, failed: 0, dropped: 0 });
    const rep = await small.get('/v1/services/py-split/report', await small.key('read'));
    assert.equal(rep.json.errors.total, 40);
    assert.equal(Object.keys(rep.json.errors.byType).length, 40);
  } finally {
    await small.stop();
  }
});
