/**
 * Disk full (docs/reliability.md, "Disk full"): the data directory is a small tmpfs that ingest fills,
 * under a real `mlslo serve` child process. What must hold:
 * - a write that does not fit is answered 503 with Retry-After (MLSLO_ERR_STORE_FULL, or
 *   MLSLO_ERR_STORE_UNAVAILABLE should SQLite report the failed write as an I/O error), never 2xx; every
 *   2xx'd event is stored, and no event of a 503'd batch is (sent again later, the batch is stored anew);
 * - the process keeps running and reads keep answering while the disk is full; the background jobs
 *   that write (drift folder, alert evaluator) fail, log, and try again later;
 * - once space returns (a ballast file on the same tmpfs is deleted), ingest resumes, the drift folder
 *   catches up exactly (no request binned twice or lost), a clean shutdown checkpoints the WAL away,
 *   and the file passes `PRAGMA integrity_check` with exactly the acknowledged rows;
 * - a shutdown while the disk is full (its final WAL checkpoint cannot grow the file) loses nothing: the
 *   next start, once there is space, has every acknowledged event.
 * Mounting needs root (CI runs as root); elsewhere the tests are skipped with the reason.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { ServeConfig } from '../../src/cli/config.ts';
import { waitFor } from '../helpers/wait.ts';
import { createKey, startChildServer, type ServeChild } from '../helpers/serve-child.ts';

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: disk, owner: rel, oncall: rel, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.99, quality: 0.5}
`;

const MiB = 1024 * 1024;
/** The tmpfs: room for the database, its WAL and WAL index, and the ballast. */
const TMPFS_MIB = 24;
/** Deleted to make space return. */
const BALLAST = 6 * MiB;
/** Inferences per batch while filling; after a refusal, smaller batches probe what still fits. */
const SIZES = [1000, 100, 10, 1];
/** Refusals in a row at the smallest size before the disk counts as full. */
const FULL_AFTER = 3;
const STORE_CODES = ['MLSLO_ERR_STORE_FULL', 'MLSLO_ERR_STORE_UNAVAILABLE'];
/** Frequent background passes, so they meet the full disk while the test looks. */
const CONFIG: Partial<ServeConfig> = { driftInterval: '200ms', evalInterval: '1s' };

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly json: any;
}

interface Batch {
  readonly n: number;
  readonly body: string;
}

function batch(prefix: string, n: number, ts: string): Batch {
  const items = Array.from({ length: n }, (_, i) => JSON.stringify({
    kind: 'inference', id: `${prefix}-${i}`, service: 'disk', model: 'v1', ts, latencyMs: 10 + (i % 90),
    // One in four fails, so the burn-rate alerts hold and the evaluator writes their state on every pass.
    ...(i % 4 === 0 ? { status: 'error', errorType: 'timeout' } : { status: 'ok', prediction: { label: 'a', score: 0.9 } }),
    input: { tokens: i % 300 }, features: { amount: (i * 37) % 1000, note: 'n'.repeat(300) },
  }));
  return { n, body: `[${items.join(',')}]` };
}

const sum = (bs: readonly Batch[]): number => bs.reduce((s, b) => s + b.n, 0);

/** Retry-After per RFC 9110 §10.2.3: delay-seconds or an HTTP-date. */
function validRetryAfter(v: string | null): boolean {
  return v !== null && (/^\d+$/.test(v) || !Number.isNaN(Date.parse(v)));
}

function assertStoreRefusal(r: Answer): void {
  assert.equal(r.status, 503, JSON.stringify(r.json));
  assert.ok(STORE_CODES.includes(r.json.error?.code), JSON.stringify(r.json));
  assert.ok(validRetryAfter(r.retryAfter), `Retry-After: ${r.retryAfter}`);
}

interface Tmpfs {
  readonly mnt: string;
  /** Outside the tmpfs: the config and spec files. */
  readonly root: string;
  readonly data: string;
  readonly ballast: string;
  readonly admin: string;
}

/**
 * Runs `fn` with a fresh tmpfs of TMPFS_MIB holding the data directory (with an admin key) and the
 * ballast; unmounts in any case. Skips the test when the mount is impossible (not root, no tmpfs).
 */
async function withTmpfs(t: TestContext, fn: (fs: Tmpfs) => Promise<void>): Promise<void> {
  if (process.getuid?.() !== 0) {
    t.skip('not root: mounting a tmpfs needs root (CI runs as root)');
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'mlslo-diskfull-'));
  const mnt = join(root, 'mnt');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_MIB}m`, 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs on ${mnt}: ${(e as { stderr?: Buffer }).stderr?.toString().trim() ?? (e as Error).message}`);
    return;
  }
  try {
    const data = join(mnt, 'data');
    mkdirSync(data);
    const ballast = join(mnt, 'ballast');
    writeFileSync(ballast, Buffer.alloc(BALLAST, 1));
    await fn({ mnt, root, data, ballast, admin: await createKey(data, 'admin') });
  } finally {
    try {
      execFileSync('umount', [mnt], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', mnt], { stdio: 'pipe' }); // something still holds a file: detach now, free when released
    }
    rmSync(root, { recursive: true, force: true });
  }
}

function client(url: string, key: string) {
  return {
    async post(path: string, body: string, type = 'application/json'): Promise<Answer> {
      const res = await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': type, authorization: `Bearer ${key}` } });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), json: await res.json() };
    },
    async get(path: string): Promise<Answer> {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), json: await res.json() };
    },
  };
}

/**
 * Ingests fresh batches until even single events are refused FULL_AFTER times in a row. Every answer
 * must be a 200 that stored the whole batch or a store refusal (503 + Retry-After).
 */
async function fill(c: ReturnType<typeof client>, ts: string): Promise<{ stored: Batch[]; refused: Batch[] }> {
  const stored: Batch[] = [];
  const refused: Batch[] = [];
  let size = 0;
  let refusedInARow = 0;
  for (let k = 0; refusedInARow < FULL_AFTER; k++) {
    assert.ok(k < 2000, 'the disk never filled');
    const b = batch(`b${k}`, SIZES[size]!, ts);
    const r = await c.post('/v1/events', b.body);
    if (r.status === 200) {
      assert.deepEqual([r.json.accepted, r.json.duplicates, r.json.rejected], [b.n, 0, []]);
      stored.push(b);
      refusedInARow = 0;
      continue;
    }
    assertStoreRefusal(r);
    refused.push(b);
    if (size < SIZES.length - 1) size++;
    else refusedInARow++;
  }
  return { stored, refused };
}

/** Sends every refused batch again: each must be stored anew in full, so none of its events was there. */
async function resend(c: ReturnType<typeof client>, refused: readonly Batch[]): Promise<void> {
  for (const b of refused) {
    const r = await c.post('/v1/events', b.body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual([r.json.accepted, r.json.duplicates, r.json.rejected], [b.n, 0, []]);
  }
}

async function storedRequests(c: ReturnType<typeof client>): Promise<number> {
  const r = await c.get('/v1/services/disk/report');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.errors.total as number;
}

/** After a clean stop: the WAL was checkpointed away, the file is sound and holds exactly `total` requests. */
function checkFile(data: string, total: number): void {
  assert.ok(!existsSync(join(data, 'mlslo.sqlite-wal')), 'the WAL is still there after a clean stop');
  const db = new Database(join(data, 'mlslo.sqlite'), { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.equal(db.prepare('SELECT count(*) FROM inference').pluck().get(), total);
  } finally {
    db.close();
  }
}

/** The distinct SQLite failures in the server's error log (the cause of each 5xx). */
function causes(server: ServeChild): string {
  return [...new Set([...server.stdout().matchAll(/caused by: (\w+: [^\\"]+)/g)].map((m) => m[1]))].join('; ');
}

test('a full disk answers 503 + Retry-After, never a false 2xx, keeps serving reads and background jobs, and recovers intact', { timeout: 240_000 }, async (t) => {
  await withTmpfs(t, async ({ mnt, root, data, ballast, admin }) => {
    let server: ServeChild | undefined;
    try {
      server = await startChildServer(root, SPEC, { data, ...CONFIG });
      const c = client(server.url, admin);
      const ts = new Date(Date.now() - 60_000).toISOString();
      // A drift baseline, so the drift folder bins every stored request and writes histogram cells.
      const rows = Array.from({ length: 200 }, (_, i) => JSON.stringify({ amount: (i * 53) % 1000 })).join('\n');
      assert.equal((await c.post('/v1/services/disk/baselines?model=v1', rows, 'application/x-ndjson')).status, 201);

      const { stored, refused } = await fill(c, ts);
      const acknowledged = sum(stored);
      t.diagnostic(`full after ${acknowledged} events in ${stored.length} batches, ${refused.length} batches refused, `
        + `${statfsSync(mnt).bavail} blocks free; causes: ${causes(server)}`);

      // Full: the process runs and reads answer.
      assert.ok(server.alive(), server.stderr());
      assert.equal((await c.get('/healthz')).status, 200);
      assert.equal((await c.get('/v1/services')).status, 200);
      assert.equal(await storedRequests(c), acknowledged);
      // A drift read first folds the requests not binned yet, which writes: while full it may be refused,
      // as a store refusal, or answer from what is folded.
      const drift = await c.get('/v1/services/disk/drift?window=1d&model=v1');
      if (drift.status !== 200) assertStoreRefusal(drift);
      t.diagnostic(`drift read while full: ${drift.status}`);
      // The evaluator writes alert state every pass (the errors burn budget): it fails, logs, goes on.
      await waitFor('the alert evaluator to meet the full disk', () => (/alert evaluation failed: storage is full/.test(server!.stderr()) ? true : undefined), 60_000);
      t.diagnostic(`background jobs while full: ${[...new Set(server.stderr().trim().split('\n'))].join(' | ')}`);
      assert.ok(server.alive(), server.stderr());

      // Space returns: the same process takes writes again.
      rmSync(ballast);
      await resend(c, refused);
      const after = batch('after', 500, ts);
      assert.equal((await c.post('/v1/events', after.body)).json.accepted, after.n);
      const total = acknowledged + sum(refused) + after.n;
      assert.equal(await storedRequests(c), total);
      // The drift folder caught up with every stored request, each binned once.
      const binned = async (): Promise<number> => {
        const d = await c.get('/v1/services/disk/drift?window=1d&model=v1');
        assert.equal(d.status, 200, JSON.stringify(d.json));
        const f = (d.json.features as Array<{ name: string; currentCount: number; currentMissing: number }>).find((x) => x.name === 'amount')!;
        return f.currentCount + f.currentMissing;
      };
      await waitFor('the drift folder to catch up', async () => ((await binned()) >= total ? true : undefined), 60_000);
      assert.equal(await binned(), total);
      assert.ok(server.alive(), server.stderr());

      assert.equal((await server.stop('SIGTERM')).code, 0, server.stderr());
      checkFile(data, total);
    } finally {
      await server?.stop('SIGKILL');
    }
  });
});

test('a shutdown while the disk is full loses nothing: the next start has every acknowledged event', { timeout: 240_000 }, async (t) => {
  await withTmpfs(t, async ({ root, data, ballast, admin }) => {
    let server: ServeChild | undefined;
    try {
      server = await startChildServer(root, SPEC, { data, ...CONFIG });
      const ts = new Date(Date.now() - 60_000).toISOString();
      const { stored, refused } = await fill(client(server.url, admin), ts);
      const acknowledged = sum(stored);
      // SIGTERM now: closing the store tries to checkpoint the WAL into a file that cannot grow.
      const { code } = await server.stop('SIGTERM');
      t.diagnostic(`exit code of a stop on a full disk: ${code}; stderr: ${server.stderr().trim().split('\n').slice(-3).join(' | ')}`);
      assert.ok(code === 0 || code === 1, `the process did not stop cleanly (${code}):\n${server.stderr()}`);
      assert.ok(existsSync(join(data, 'mlslo.sqlite-wal')), 'the WAL holds acknowledged commits the checkpoint could not move');

      rmSync(ballast);
      server = await startChildServer(root, SPEC, { data, ...CONFIG });
      const c = client(server.url, admin);
      assert.equal(await storedRequests(c), acknowledged);
      await resend(c, refused);
      const total = acknowledged + sum(refused);
      assert.equal(await storedRequests(c), total);
      assert.equal((await server.stop('SIGTERM')).code, 0, server.stderr());
      checkFile(data, total);
    } finally {
      await server?.stop('SIGKILL');
    }
  });
});
