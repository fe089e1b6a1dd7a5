/**
 * A damaged data file is either recovered to its last good commit or refused at start-up with a message
 * naming the file and what to do — never served silently (docs/reliability.md, "Crash safety").
 *
 * The fixture is real: `bin/mlslo serve` takes K batches one at a time, the WAL's size is noted after each
 * acknowledgement, and the server is SIGKILLed, leaving mlslo.sqlite + -wal + -shm as a crash leaves them
 * ("crashed"); a clean start and stop of a copy checkpoints it into a single file ("clean"). Each case
 * damages a copy and starts the server on it. A case that starts must serve exactly the batches committed
 * before the damage (its report, the ids in the file, rollups against raw events, integrity_check);
 * for the WAL the expected batches follow from the noted sizes: those whose commit ended before the cut.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, closeSync, readSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_CONFIG } from '../../src/cli/config.ts';
import { mulberry32, type Rng } from '../../src/demo/random.ts';
import { isMlsloError } from '../../src/core/errors.ts';
import { generateKey } from '../../src/server/api-keys.ts';
import { startServer } from '../../src/server/run.ts';
import { openStore } from '../../src/store/open-store.ts';
import { auditRollups, integrityCheck, readStoredIds } from './crash-audit.ts';
import { mustServe, startServe } from '../helpers/serve-child.ts';
import { inference, outcome, SERVICE, SPEC_FACTS, SPEC_YAML, type WireEvent } from './crash-traffic.ts';

const K = 8;
const SEED = 9_2026;

interface Fixture {
  readonly dir: string;
  readonly specFile: string;
  readonly ingestKey: string;
  readonly readKey: string;
  /** Templates: directories holding the data files. */
  readonly crashed: string;
  readonly clean: string;
  readonly batches: ReadonlyArray<readonly WireEvent[]>;
  /** WAL size before the first batch and after each batch's acknowledgement. */
  readonly walStart: number;
  readonly walEnds: readonly number[];
  readonly pageSize: number;
}

let fx: Fixture;
let caseNo = 0;

function copyDir(from: string): string {
  const to = join(fx.dir, `case-${++caseNo}`);
  mkdirSync(to);
  for (const f of readdirSync(from)) copyFileSync(join(from, f), join(to, f));
  return to;
}

function dbIn(dataDir: string): string {
  return join(dataDir, 'mlslo.sqlite');
}

function overwrite(path: string, offset: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

function garbage(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rng() * 256);
  return b;
}

async function post(url: string, key: string, items: readonly WireEvent[]): Promise<void> {
  const res = await fetch(`${url}/v1/events`, { method: 'POST', body: JSON.stringify(items), headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { accepted: items.length, duplicates: 0, rejected: [] });
}

async function buildFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-corrupt-'));
  const specFile = join(dir, 'spec.yaml');
  writeFileSync(specFile, SPEC_YAML);
  const crashed = join(dir, 'crashed');
  // Keys first, through the store as `mlslo keys create` does; closing checkpoints them into the main file.
  const store = await openStore(crashed);
  const ingest = generateKey('ingest', undefined, Date.now());
  const read = generateKey('read', undefined, Date.now());
  await store.createKey(ingest.record);
  await store.createKey(read.record);
  await store.close();

  const rng = mulberry32(SEED);
  const batches: WireEvent[][] = [];
  const labelable: string[] = [];
  let n = 0;
  for (let b = 0; b < K; b++) {
    const now = Date.now();
    const items: WireEvent[] = [];
    for (let i = 0; i < 30; i++) {
      if (labelable.length > 0 && rng() < 0.2) items.push(outcome(rng, `o${n++}`, labelable.shift()!, now));
      else items.push(inference(rng, `i${n++}`, now));
    }
    batches.push(items);
  }
  const wal = `${dbIn(crashed)}-wal`;
  const walSize = (): number => (existsSync(wal) ? statSync(wal).size : 0);
  const server = await mustServe(crashed, [specFile]);
  const walEnds: number[] = [];
  let walStart = 0;
  try {
    walStart = walSize();
    for (const items of batches) {
      await post(server.url, ingest.key, items);
      walEnds.push(walSize());
      for (const e of items) if (e.kind === 'inference' && e.status === 'ok') labelable.push(e.id);
    }
  } finally {
    const exit = await server.stop('SIGKILL');
    assert.equal(exit.signal, 'SIGKILL');
  }
  const header = Buffer.alloc(100);
  const fd = openSync(dbIn(crashed), 'r');
  readSync(fd, header, 0, 100, 0);
  closeSync(fd);
  const pageSize = header.readUInt16BE(16);
  // The cuts below rely on every batch adding whole frames to one log that was never restarted.
  const frame = 24 + pageSize;
  [walStart, ...walEnds].reduce((prev, cur) => {
    assert.ok(cur >= prev + frame && (cur - 32) % frame === 0, `WAL grows by whole frames: ${[walStart, ...walEnds].join(', ')}`);
    return cur;
  });

  const clean = join(dir, 'clean');
  mkdirSync(clean);
  for (const f of readdirSync(crashed)) copyFileSync(join(crashed, f), join(clean, f));
  const s = await startServer({ ...DEFAULT_CONFIG, port: 0, data: clean, specs: [specFile], logLevel: 'silent' }, { log: () => undefined });
  await s.close();
  assert.deepEqual(readdirSync(clean), ['mlslo.sqlite'], 'a clean stop leaves one file');
  return { dir, specFile, ingestKey: ingest.key, readKey: read.key, crashed, clean, batches, walStart, walEnds, pageSize };
}

/** What the report must say about these batches, counted from the events as sent. */
function expectedReport(batches: ReadonlyArray<readonly WireEvent[]>): unknown {
  const byType: Record<string, number> = {};
  let excluded = 0;
  let eligible = 0;
  let judged = 0;
  const classes: Record<string, { ok: number; fast: number }> = { short: { ok: 0, fast: 0 }, long: { ok: 0, fast: 0 } };
  const ok = new Set<string>();
  for (const e of batches.flat()) {
    if (e.kind === 'outcome') {
      if (ok.has(e.requestId as string)) judged++;
      continue;
    }
    if (e.status === 'error') {
      if (SPEC_FACTS.excluded.has(e.errorType as string)) excluded++;
      else {
        eligible++;
        byType[e.errorType as string] = (byType[e.errorType as string] ?? 0) + 1;
      }
      continue;
    }
    eligible++;
    ok.add(e.id);
    const cls = SPEC_FACTS.classOf((e.input as { tokens: number }).tokens);
    classes[cls]!.ok++;
    if ((e.latencyMs as number) <= SPEC_FACTS.thresholdMs[cls]!) classes[cls]!.fast++;
  }
  return { eligible, excluded, byType: Object.fromEntries(Object.entries(byType).sort()), classes, judged };
}

type Outcome =
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'served'; readonly report: unknown };

/** Starts the server on `dataDir` in this process (the code path of `mlslo serve`); what it served, or why it refused. */
async function serve(dataDir: string): Promise<Outcome> {
  let server;
  try {
    server = await startServer({ ...DEFAULT_CONFIG, port: 0, data: dataDir, specs: [fx.specFile], logLevel: 'silent' }, { log: () => undefined });
  } catch (e) {
    assert.ok(isMlsloError(e), `refused with a catalogued error, not ${(e as Error).stack}`);
    assert.equal(e.code, 'MLSLO_ERR_STORE_CORRUPT', e.message);
    return { kind: 'refused', message: e.message };
  }
  try {
    return { kind: 'served', report: await servedReport(server.url) };
  } finally {
    await server.close();
  }
}

/** The report's counts through the API, in expectedReport's shape. */
async function servedReport(url: string): Promise<unknown> {
  const res = await fetch(`${url}/v1/services/${SERVICE}/report?window=1d`, { headers: { authorization: `Bearer ${fx.readKey}` } });
  assert.equal(res.status, 200);
  const r = (await res.json()) as {
    errors: { total: number; excluded: number; byType: Record<string, number> };
    latency: { classes: Array<{ name: string; ok: number; fast: number }> };
    quality: { judged: number };
  };
  return {
    eligible: r.errors.total, excluded: r.errors.excluded,
    byType: Object.fromEntries(Object.entries(r.errors.byType).filter(([, v]) => v > 0).sort()),
    classes: Object.fromEntries(r.latency.classes.map((c) => [c.name, { ok: c.ok, fast: c.fast }])),
    judged: r.quality.judged,
  };
}

/** The file holds exactly the first `k` batches, once each, consistent with its rollups, and sound. */
async function assertHolds(dataDir: string, k: number): Promise<void> {
  const ids = readStoredIds(dbIn(dataDir));
  const want = fx.batches.slice(0, k).flat();
  assert.deepEqual(
    { inferences: [...ids.inferences].filter(([, v]) => v.count === 1).length, outcomes: [...ids.outcomes].filter(([, v]) => v.count === 1).length },
    { inferences: want.filter((e) => e.kind === 'inference').length, outcomes: want.filter((e) => e.kind === 'outcome').length });
  for (const e of want) assert.equal((e.kind === 'inference' ? ids.inferences : ids.outcomes).get(e.id)?.count, 1, `${e.id} stored once`);
  assert.deepEqual(integrityCheck(dbIn(dataDir)), ['ok']);
  await auditRollups(dbIn(dataDir), fx.specFile);
}

function assertClearRefusal(message: string, dataDir: string, reason: RegExp): void {
  assert.match(message, /^the data file is damaged and mlslo will not serve from it: /);
  assert.ok(message.includes(dbIn(dataDir)), `names the file: ${message}`);
  assert.match(message, reason);
  assert.match(message, /backup/);
  assert.match(message, /docs\/reliability\.md/);
}

/** Damage a copy of `template`, start on it: either refused with `reason`, or served with exactly the first `k` batches. */
async function damaged(template: string, damage: (dataDir: string) => void, expect: { refused: RegExp } | { served: number } | { either: RegExp }): Promise<Outcome['kind']> {
  const dataDir = copyDir(template);
  damage(dataDir);
  const got = await serve(dataDir);
  if (got.kind === 'refused') {
    assert.ok(!('served' in expect), `expected to serve ${'served' in expect ? expect.served : ''} batches, but: ${got.message}`);
    assertClearRefusal(got.message, dataDir, 'refused' in expect ? expect.refused : expect.either);
    return got.kind;
  }
  assert.ok(!('refused' in expect), 'expected a refusal, but the server started');
  const k = 'served' in expect ? expect.served : K;
  assert.deepEqual(got.report, expectedReport(fx.batches.slice(0, k)), 'the report counts exactly the batches committed before the damage');
  await assertHolds(dataDir, k);
  return got.kind;
}

const frameBytes = (): number => 24 + fx.pageSize;
/** Offset half a frame past the end of batch `j`'s commit (1-based; 0 = before the first batch). */
const cutAfter = (j: number): number => (j === 0 ? fx.walStart : fx.walEnds[j - 1]!) + Math.floor(frameBytes() / 2);

describe('a damaged data file is recovered to its last good commit or refused at start-up', { timeout: 600_000 }, () => {
  before(async () => {
    fx = await buildFixture();
  });
  after(() => {
    if (fx !== undefined) rmSync(fx.dir, { recursive: true, force: true });
  });

  test('undamaged: the crash-left files and the checkpointed file both serve every batch', async () => {
    await damaged(fx.crashed, () => undefined, { served: K });
    await damaged(fx.clean, () => undefined, { served: K });
  });

  test('main file cut short at several offsets: refused', async () => {
    const size = statSync(dbIn(fx.clean)).size;
    const p = fx.pageSize;
    const cuts: Array<[number, RegExp]> = [
      [0, /empty \(0 bytes\)/],
      [50, /does not start with an SQLite header/],
      [100, /not a whole number/],
      [p, /cannot read it|quick_check/],
      [Math.floor(size / p / 2) * p, /cannot read it|quick_check/],
      [Math.floor(size / 2) + 123, /not a whole number/],
      [size - p, /cannot read it|quick_check/],
      [size - 100, /not a whole number/],
    ];
    for (const [at, reason] of cuts) await damaged(fx.clean, (d) => truncateSync(dbIn(d), at), { refused: reason });
  });

  test('main file pages overwritten with garbage: refused (or, for a page nothing uses, served intact)', async (t) => {
    const rng = mulberry32(SEED + 1);
    const pages = statSync(dbIn(fx.clean)).size / fx.pageSize;
    await damaged(fx.clean, (d) => overwrite(dbIn(d), 0, garbage(rng, fx.pageSize)), { refused: /does not start with an SQLite header/ });
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const page = 2 + Math.floor(rng() * (pages - 1)); // 1-based, never page 1
      const kind = await damaged(fx.clean, (d) => overwrite(dbIn(d), (page - 1) * fx.pageSize, garbage(rng, fx.pageSize)), { either: /quick_check|cannot read it|schema/ });
      outcomes.push(`page ${page}/${pages}: ${kind}`);
    }
    // A page past the end that SQLite never wrote: appended garbage.
    outcomes.push(`appended page: ${await damaged(fx.clean, (d) => overwrite(dbIn(d), pages * fx.pageSize, garbage(rng, fx.pageSize)), { either: /quick_check|cannot read it/ })}`);
    t.diagnostic(outcomes.join('; '));
  });

  test('another program\'s SQLite file in place of mlslo.sqlite: refused', async () => {
    await damaged(fx.clean, (d) => {
      rmSync(dbIn(d));
      const db = new Database(dbIn(d));
      db.exec('CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (\'hello\')');
      db.close();
    }, { refused: /tables mlslo did not create \(notes\)/ });
  });

  test('-shm deleted or garbage: rebuilt from the WAL, every batch served', async () => {
    await damaged(fx.crashed, (d) => rmSync(`${dbIn(d)}-shm`), { served: K });
    await damaged(fx.crashed, (d) => overwrite(`${dbIn(d)}-shm`, 0, garbage(mulberry32(SEED + 2), statSync(`${dbIn(d)}-shm`).size)), { served: K });
  });

  test('-wal cut mid-frame: recovered to the last commit before the cut', async () => {
    const rng = mulberry32(SEED + 3);
    const cuts = [K - 1, 1 + Math.floor(rng() * (K - 2)), 0];
    for (const j of cuts) {
      await damaged(fx.crashed, (d) => truncateSync(`${dbIn(d)}-wal`, cutAfter(j)), { served: j });
      // The same with the index gone too, as after a reboot that lost it.
      await damaged(fx.crashed, (d) => {
        truncateSync(`${dbIn(d)}-wal`, cutAfter(j));
        rmSync(`${dbIn(d)}-shm`);
      }, { served: j });
    }
  });

  test('-wal frame overwritten with garbage: recovered to the last commit before it', async () => {
    const j = 1 + Math.floor(mulberry32(SEED + 4)() * (K - 1));
    // The first frame after batch j's commit belongs to a later commit: from there on nothing checks out.
    await damaged(fx.crashed, (d) => overwrite(`${dbIn(d)}-wal`, fx.walEnds[j - 1]!, garbage(mulberry32(SEED + 5), frameBytes())), { served: j });
  });

  test('-wal header overwritten with garbage while frames follow: refused (SQLite would drop every commit in it)', async () => {
    await damaged(fx.crashed, (d) => overwrite(`${dbIn(d)}-wal`, 0, garbage(mulberry32(SEED + 6), 32)), { refused: /write-ahead log .* damaged header/ });
  });

  test('mlslo.sqlite deleted beside its WAL: refused', async () => {
    await damaged(fx.crashed, (d) => rmSync(dbIn(d)), { refused: /missing but its write-ahead log/ });
  });

  test('`mlslo serve` itself: exits 1 with the message on a damaged file, recovers a torn WAL and serves it', async () => {
    const cut = copyDir(fx.clean);
    truncateSync(dbIn(cut), statSync(dbIn(cut)).size - fx.pageSize - 7);
    const refused = await startServe(cut, [fx.specFile]);
    assert.equal(refused.kind, 'exited', 'the server must not start on a cut-off file');
    if (refused.kind === 'exited') {
      assert.equal(refused.exit.code, 1);
      assert.match(refused.stderr, /^mlslo: the data file is damaged and mlslo will not serve from it: /m);
      assertClearRefusal(refused.stderr.replace(/^mlslo: /, '').trim(), cut, /not a whole number/);
    }
    const torn = copyDir(fx.crashed);
    truncateSync(`${dbIn(torn)}-wal`, cutAfter(K - 1));
    const s = await mustServe(torn, [fx.specFile]);
    try {
      assert.deepEqual(await servedReport(s.url), expectedReport(fx.batches.slice(0, K - 1)));
    } finally {
      assert.equal((await s.stop('SIGTERM')).code, 0, s.output());
    }
    await assertHolds(torn, K - 1);
  });
});
