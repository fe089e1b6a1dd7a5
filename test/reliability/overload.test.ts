/**
 * Overload (docs/reliability.md, "Overload"): many clients upload large bodies at once, far more than the
 * server can take. The ingest route holds at most 4 × maxBodyBytes of request bodies (and 256 requests);
 * past that it answers 429 with Retry-After before reading the body. The server runs as a child process
 * (`mlslo serve`, default limits: 10 MiB bodies, so 40 MiB in flight) so its resident memory can be read
 * from /proc.
 *
 * The uploads are slow clients: each sends most of its body, then waits until every other upload has
 * got as far (or has been answered) before it finishes, so they are all in flight at once whatever the
 * machine's speed. Nothing is timed; what must hold:
 * - at most 4 × maxBodyBytes of bodies are admitted at once; every other upload gets 429 with a valid
 *   Retry-After, without waiting for its body;
 * - `/healthz` and `GET /v1/services` answer 200 while the uploads are in flight;
 * - peak RSS stays under a bound computed from the limits (MEMORY_PER_BODY_BYTE below);
 * - not one event of a refused batch is stored, and every event of a 200 is: counted through the API,
 *   and checked batch by batch (a refused batch sent again is stored anew, an acknowledged one is a
 *   duplicate);
 * - once the storm is over, ingest succeeds again.
 * A second, in-process case checks the two edges the storm cannot: a refusal needs no byte of the body,
 * and a gzip body is charged for its inflated size.
 */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { startTestServer } from '../helpers/server.ts';
import { createKey, startChildServer, type ServeChild } from '../helpers/serve-child.ts';

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: storm, owner: rel, oncall: rel, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.99, quality: 0.5}
`;

const MiB = 1024 * 1024;
/** `maxBodyBytes`, the default. */
const MAX_BODY = 10 * MiB;
/** Body bytes the ingest route may hold at once, as docs/reliability.md promises: four bodies of the limit. */
const INFLIGHT = 4 * MAX_BODY;
/** Concurrent slow uploaders in each wave. */
const CLIENTS = 64;
/** Body of the second wave: 64 of them are 4× what the route admits at once. */
const WAVE_BODY = 2.5 * MiB;
/** Reads (half /healthz, half /v1/services) that must be answered while the uploads are in flight. */
const READS = 6;

/**
 * Peak RSS may exceed the RSS measured before the storm by at most
 * - MEMORY_PER_BODY_BYTE × INFLIGHT: an admitted body is held as received chunks, then one Buffer, its
 *   string, the parsed items and the validated events with their canonical JSON, with garbage of each
 *   not yet collected; refused bodies are read and dropped chunk by chunk, which is garbage too.
 *   Measured here about 1× for bodies held mid-upload (wave 1) and 2.5× for bodies decoded and stored
 *   (wave 2), so 4× leaves room;
 * - the growth of the SQLite file, up to SQLite's page cache (cache_size 256 MiB in
 *   src/store/sqlite/sqlite-store.ts): the cache keeps the pages the storm wrote;
 * - SLACK for what does not scale with bodies (sockets, V8 heap and code growth, allocator arenas).
 * Without the in-flight bound, wave 1 alone puts 64 × 9 MiB in flight; measured about 390 MiB of it in
 * the server (the rest waits in loopback socket buffers), over the 224 MiB this bound allows.
 */
const MEMORY_PER_BODY_BYTE = 4;
const SQLITE_CACHE = 256 * MiB;
const SLACK = 64 * MiB;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly json: { accepted?: number; duplicates?: number; rejected?: unknown[]; error?: { code: string } };
}

/** A JSON array of inferences with ids `<prefix>-<i>`, as close to `bytes` as whole items allow. */
function batch(prefix: string, bytes: number, ts: string, pad: number): { n: number; body: Buffer } {
  const note = 'x'.repeat(pad);
  const items: string[] = [];
  let size = 2;
  for (let i = 0; ; i++) {
    const item = `{"kind":"inference","id":"${prefix}-${i}","service":"storm","model":"v1","ts":"${ts}","latencyMs":${(i % 97) + 3},`
      + `"status":"ok","input":{"tokens":${i % 500}},"features":{"amount":${i % 1000},"note":"${note}"},"prediction":{"label":"a","score":0.9}}`;
    if (size + item.length + 1 > bytes) break;
    items.push(item);
    size += item.length + 1;
  }
  return { n: items.length, body: Buffer.from(`[${items.join(',')}]`) };
}

async function post(url: string, key: string, body: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${url}/v1/events`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers } });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: await res.json() as Answer['json'] };
}

async function get(url: string, path: string, key?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
  return { status: res.status, json: await res.json() };
}

/**
 * A slow client: announces `body` (its full Content-Length, `Expect: 100-continue`, as curl does for
 * large bodies), and once the server has taken the request in (100 Continue: the route has admitted or
 * refused it by then), sends `head` bytes of it and waits for `release` to send the rest (`complete`) or
 * drop the connection (`abort`). `ready` resolves once the head is handed to the kernel or the server's
 * answer has arrived (a refusal comes before the body is read). `answer` is the response, or undefined for an
 * upload dropped before one came.
 */
function slowUpload(url: string, key: string, body: Buffer, head: number, release: Promise<'complete' | 'abort'>, agent: Agent): { ready: Promise<void>; answer: Promise<Answer | undefined> } {
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  const answer = new Promise<Answer | undefined>((resolve, reject) => {
    let answered = false;
    let dropped = false;
    let wrote = false;
    const req = request(`${url}/v1/events`, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${key}`, expect: '100-continue' },
    });
    req.on('continue', () => {
      if (!answered) req.write(body.subarray(0, head), () => {
        wrote = true;
        markReady();
      });
    });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s));
      res.on('end', () => {
        const retry = res.headers['retry-after'];
        resolve({ status: res.statusCode!, retryAfter: retry ?? null, json: JSON.parse(text) as Answer['json'] });
        markReady();
      });
    });
    req.on('error', (e) => (dropped ? resolve(undefined) : reject(new Error(`upload of ${body.length} bytes: ${e.message} (answered: ${answered}, head sent: ${wrote})`))));
    req.flushHeaders();
    void release.then((how) => {
      if (how === 'complete' && !answered) {
        req.end(body.subarray(head));
      } else {
        dropped = true; // refused (the server drops the rest of the body; no need to send it), or aborted
        req.destroy();
      }
    });
  });
  return { ready, answer };
}

/**
 * One wave: CLIENTS slow uploads of `bodies`, all held mid-body; READS reads while they are; then every
 * upload is released (`how`). Returns each upload's answer, in order.
 */
async function wave(url: string, ingest: string, read: string, bodies: readonly Buffer[], how: 'complete' | 'abort'): Promise<{ answers: Array<Answer | undefined>; reads: number[] }> {
  let release: (how: 'complete' | 'abort') => void = () => undefined;
  const released = new Promise<'complete' | 'abort'>((r) => (release = r));
  // Keep-alive, as fetch and most HTTP clients: the server then drops a refused body as it arrives
  // (a `Connection: close` request would have its connection closed under the rest of its body).
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const uploads = bodies.map((b) => slowUpload(url, ingest, b, Math.floor(b.length * 0.9), released, agent));
  await Promise.all(uploads.map((u) => u.ready));
  // Every upload is now either refused or holding most of its body on the server.
  const reads = await Promise.all(Array.from({ length: READS }, (_, k) => (k % 2 === 0 ? get(url, '/healthz') : get(url, '/v1/services', read))));
  release(how);
  const answers = await Promise.all(uploads.map((u) => u.answer));
  agent.destroy();
  return { answers, reads: reads.map((r) => r.status) };
}

/** Retry-After per RFC 9110 §10.2.3: delay-seconds or an HTTP-date. */
function validRetryAfter(v: string | null): boolean {
  return v !== null && (/^\d+$/.test(v) || !Number.isNaN(Date.parse(v)));
}

function assertRefusal(a: Answer): void {
  assert.equal(a.status, 429, JSON.stringify(a.json));
  assert.equal(a.json.error?.code, 'MLSLO_ERR_OVERLOADED');
  assert.ok(validRetryAfter(a.retryAfter), `Retry-After: ${a.retryAfter}`);
}

async function storedRequests(url: string, read: string): Promise<number> {
  const r = await get(url, '/v1/services/storm/report', read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.errors.total as number;
}

/** The SQLite file and its WAL: an upper bound on the pages SQLite's cache can hold. */
function dbBytes(data: string): number {
  let total = 0;
  for (const f of ['mlslo.sqlite', 'mlslo.sqlite-wal']) {
    try {
      total += statSync(join(data, f)).size;
    } catch {
      // no WAL yet
    }
  }
  return total;
}

const mib = (x: number): string => `${(x / MiB).toFixed(0)} MiB`;

test('a storm of large uploads is refused with 429 + Retry-After, holding bounded memory and losing nothing acknowledged', { timeout: 240_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-overload-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  let server: ServeChild | undefined;
  try {
    const ingest = await createKey(data, 'ingest');
    const read = await createKey(data, 'read');
    server = await startChildServer(dir, SPEC, { data });
    const { url } = server;
    const ts = new Date(Date.now() - 60_000).toISOString();

    // Warm up every path the storm takes, so the baseline includes loaded code and a used heap.
    const warm = batch('warm', WAVE_BODY, ts, 400);
    const w = await post(url, ingest, warm.body);
    assert.equal(w.status, 200, JSON.stringify(w.json));
    assert.equal(w.json.accepted, warm.n);
    assert.equal((await get(url, '/v1/services', read)).status, 200);
    const dbBefore = dbBytes(data);
    const before = server.memory().rss;
    server.resetPeak();
    const bound = (dbGrowth: number): number => before + MEMORY_PER_BODY_BYTE * INFLIGHT + Math.min(SQLITE_CACHE, dbGrowth) + SLACK;
    const checkMemory = (phase: string): void => {
      assert.ok(server!.alive(), `the server died:\n${server!.stderr()}`);
      const { peak } = server!.memory();
      const growth = Math.max(0, dbBytes(data) - dbBefore);
      t.diagnostic(`${phase}: RSS before ${mib(before)}, peak ${mib(peak)}, bound ${mib(bound(growth))} (db +${mib(growth)})`);
      assert.ok(peak <= bound(growth), `${phase}: peak RSS ${mib(peak)} is over the bound ${mib(bound(growth))} = RSS before ${mib(before)} + `
        + `${MEMORY_PER_BODY_BYTE} × ${mib(INFLIGHT)} in flight + db growth ${mib(growth)} (at most ${mib(SQLITE_CACHE)}) + slack ${mib(SLACK)}`);
    };

    // Wave 1: 64 uploads of 10 MiB, all in flight at once, then dropped by their clients (nothing stored).
    const big = batch('never', MAX_BODY, ts, 1000).body;
    const w1 = await wave(url, ingest, read, Array.from({ length: CLIENTS }, () => big), 'abort');
    checkMemory('wave 1 (64 × 10 MiB, aborted)');
    const admitted1 = w1.answers.filter((a) => a === undefined).length;
    t.diagnostic(`wave 1: ${admitted1} admitted, ${CLIENTS - admitted1} refused`);
    assert.ok(admitted1 >= 1 && admitted1 <= INFLIGHT / MAX_BODY, `${admitted1} uploads of 10 MiB were in flight at once`);
    for (const a of w1.answers) if (a !== undefined) assertRefusal(a);
    assert.deepEqual(w1.reads, Array.from({ length: READS }, () => 200));

    // Wave 2: 64 uploads of 2.5 MiB with fresh ids, held mid-body, then completed.
    const bodies = Array.from({ length: CLIENTS }, (_, c) => batch(`c${c}`, WAVE_BODY, ts, 400));
    const w2 = await wave(url, ingest, read, bodies.map((b) => b.body), 'complete');
    checkMemory('wave 2 (64 × 2.5 MiB, completed)');
    assert.deepEqual(w2.reads, Array.from({ length: READS }, () => 200));
    const ok = bodies.filter((_, i) => w2.answers[i]?.status === 200);
    const refused = bodies.filter((_, i) => w2.answers[i]?.status !== 200);
    t.diagnostic(`wave 2: ${ok.length} admitted, ${refused.length} refused`);
    assert.ok(ok.length >= 1 && ok.length <= Math.floor(INFLIGHT / bodies[0]!.body.length), `${ok.length} uploads of 2.5 MiB were in flight at once`);
    for (const [i, a] of w2.answers.entries()) {
      assert.ok(a !== undefined, `upload ${i} got no answer`);
      if (a.status === 200) assert.deepEqual([a.json.accepted, a.json.duplicates, a.json.rejected], [bodies[i]!.n, 0, []]);
      else assertRefusal(a);
    }

    // Exactly the acknowledged events are stored: counted through the API...
    const acknowledged = ok.reduce((sum, b) => sum + b.n, 0);
    assert.equal(await storedRequests(url, read), warm.n + acknowledged);
    // ...and batch by batch, once the storm is over: refused batches sent again are stored anew (none of
    // their events was there), so ingest works again; an acknowledged batch sent again is all duplicates.
    const again = refused.slice(0, 3);
    for (const b of again) {
      const r = await post(url, ingest, b.body);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.deepEqual([r.json.accepted, r.json.duplicates], [b.n, 0]);
    }
    const replay = await post(url, ingest, ok[0]!.body);
    assert.deepEqual([replay.status, replay.json.accepted, replay.json.duplicates], [200, 0, ok[0]!.n]);
    assert.equal(await storedRequests(url, read), warm.n + acknowledged + again.reduce((sum, b) => sum + b.n, 0));

    assert.equal((await server.stop('SIGTERM')).code, 0, server.stderr());
  } finally {
    await server?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Answers a request that sends its headers (a body of `length` announced) and never a byte of the body. */
function headersOnly(url: string, key: string, length: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/events`, {
      method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': length, authorization: `Bearer ${key}` },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s));
      res.on('end', () => {
        resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] ?? null, json: JSON.parse(text) as Answer['json'] });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

test('the refusal comes before the body, and a gzip body is charged for its inflated size', { timeout: 120_000 }, async () => {
  // In process (test/helpers/server.ts), with 64 KiB bodies: the route holds at most 256 KiB.
  const limit = 64 * 1024;
  const s = await startTestServer(SPEC, Date.now(), { maxBodyBytes: limit });
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  // Held uploads are dropped if the test fails midway, or the server's close would wait for them.
  const releases: Array<(how: 'complete' | 'abort') => void> = [];
  try {
    const key = await s.key('ingest');
    const ts = new Date(Date.now() - 60_000).toISOString();
    const hold = async (bodies: readonly Buffer[]) => {
      let release: (how: 'complete' | 'abort') => void = () => undefined;
      const released = new Promise<'complete' | 'abort'>((r) => (release = r));
      releases.push(release);
      const uploads = bodies.map((b) => slowUpload(s.url, key, b, b.length - 10, released, agent));
      await Promise.all(uploads.map((u) => u.ready));
      return { release, answers: () => Promise.all(uploads.map((u) => u.answer)) };
    };

    // Four bodies of the limit fill the route; a fifth request is refused on its headers alone: it sends
    // no body at all, so an answer that waited for the body would never come.
    const full = Array.from({ length: 4 }, (_, i) => batch(`full${i}`, limit, ts, 200));
    const h1 = await hold(full.map((b) => b.body));
    const early = await headersOnly(s.url, key, limit);
    assertRefusal(early);
    h1.release('complete');
    assert.deepEqual((await h1.answers()).map((a) => [a?.status, a?.json.accepted]), full.map((b) => [200, b.n]));

    // A gzip body small on the wire is admitted, then refused once inflated if that does not fit.
    const zipped = batch('zipped', 60 * 1024, ts, 200);
    const gz = gzipSync(zipped.body);
    const held = [...Array.from({ length: 3 }, (_, i) => batch(`h${i}`, limit, ts, 200)), batch('h3', 56 * 1024, ts, 200)];
    const heldBytes = held.reduce((sum, b) => sum + b.body.length, 0);
    assert.ok(heldBytes + gz.length <= 4 * limit && heldBytes + gz.length + zipped.body.length > 4 * limit, 'sizes for this case');
    const h2 = await hold(held.map((b) => b.body));
    assertRefusal(await post(s.url, key, gz, { 'content-encoding': 'gzip' }));
    h2.release('complete');
    assert.deepEqual((await h2.answers()).map((a) => a?.status), [200, 200, 200, 200]);
    // Alone, the same gzip body fits, and none of its events had been stored.
    const r = await post(s.url, key, gz, { 'content-encoding': 'gzip' });
    assert.deepEqual([r.status, r.json.accepted, r.json.duplicates], [200, zipped.n, 0]);
  } finally {
    for (const release of releases) release('abort'); // no effect on uploads already released
    agent.destroy();
    await s.stop();
  }
});
