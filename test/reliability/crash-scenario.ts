/**
 * The kill -9 scenario (DESIGN §5 "kill -9 during ingest loses no acknowledged event and duplicates none;
 * replayed batches change nothing"), shared by the test (a few rounds) and the soak run (many):
 *
 * 1. `bin/mlslo serve` runs as a child process on a temp data directory while several clients send
 *    batches concurrently (crash-traffic.ts); after a seeded number of acknowledgements and a seeded
 *    delay it gets SIGKILL, and right then the file is checked: every acknowledged id stored exactly once.
 * 2. It restarts on the same directory; clients re-send a seeded share of the batches whose answer was lost.
 * 3. After the last round: a clean stop (SIGTERM, exit 0), a byte-level snapshot of the ingest tables, a
 *    restart that re-sends every acknowledged batch (each must come back all duplicates), a clean stop and
 *    the same snapshot again; then the full audit (crash-audit.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../src/demo/random.ts';
import { runCli } from '../helpers/cli.ts';
import { auditRollups, expectedHash, ingestSnapshot, integrityCheck, readStoredIds, type RollupAudit, type StoredIds } from './crash-audit.ts';
import { mustServe, type ServeChild } from '../helpers/serve-child.ts';
import { Ledger, runClient, SPEC_YAML, Switchboard, type Batch, type LedgerStats } from './crash-traffic.ts';

export interface CrashOptions {
  readonly seed: number;
  readonly rounds: number;
  readonly clients: number;
  /** Progress lines (the test passes t.diagnostic). */
  readonly log?: (line: string) => void;
}

export interface CrashReport {
  readonly seed: number;
  readonly kills: number;
  readonly stats: LedgerStats;
  /** Lost-answer batches never re-sent, and how many of them the server had committed all the same. */
  readonly abandonedBatches: number;
  readonly abandonedBatchesStored: number;
  readonly replayedBatches: number;
  readonly audit: RollupAudit;
}

/** Hang guards only; nothing asserts on time. */
const WAIT_MS = 300_000;

async function until(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Every acknowledged id is stored exactly once, nothing is stored twice, nothing unsent is stored, and no
 * batch is stored in part. Returns how many never re-sent lost-answer batches were stored all the same.
 */
function checkIds(ids: StoredIds, ledger: Ledger, when: string): number {
  const sent = ledger.sentIds();
  const problems: string[] = [];
  for (const b of ledger.acked) {
    for (const e of b.items) {
      const n = (e.kind === 'inference' ? ids.inferences : ids.outcomes).get(e.id)?.count ?? 0;
      if (n !== 1) problems.push(`acknowledged ${e.kind} ${e.id} (batch c${b.client}#${b.seq}) is stored ${n} times`);
    }
  }
  for (const [kind, map] of [['inference', ids.inferences], ['outcome', ids.outcomes]] as const) {
    for (const [id, { count }] of map) {
      if (count > 1) problems.push(`${kind} ${id} is stored ${count} times`);
      if (!sent.has(id)) problems.push(`${kind} ${id} is stored but was never sent`);
    }
  }
  // A batch is committed in one transaction: all of its items are stored, or none.
  for (const b of ledger.batches) {
    const stored = b.items.filter((e) => ((e.kind === 'inference' ? ids.inferences : ids.outcomes).get(e.id)?.count ?? 0) > 0).length;
    if (stored !== 0 && stored !== b.items.length) problems.push(`batch c${b.client}#${b.seq}: ${stored} of its ${b.items.length} items are stored`);
  }
  assert.deepEqual(problems.slice(0, 20), [], `${when}: ${problems.length} id problems`);
  return [...ledger.abandoned].filter((b) => (b.items[0]!.kind === 'inference' ? ids.inferences : ids.outcomes).has(b.items[0]!.id)).length;
}

/** The stored content of every stored id is the content that was sent with it. */
function checkContent(ids: StoredIds, ledger: Ledger): void {
  const problems: string[] = [];
  for (const b of ledger.batches) {
    for (const e of b.items) {
      const stored = (e.kind === 'inference' ? ids.inferences : ids.outcomes).get(e.id);
      if (stored !== undefined && stored.hash !== expectedHash(e)) problems.push(`${e.kind} ${e.id} is stored with other content`);
    }
  }
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} stored events differ from what was sent`);
}

async function replay(url: string, key: string, batches: readonly Batch[]): Promise<void> {
  const problems: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const b = batches[next++]!;
      const res = await fetch(`${url}/v1/events`, { method: 'POST', body: b.body, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
      const answer: unknown = await res.json();
      const want = { accepted: 0, duplicates: b.items.length, rejected: [] };
      if (res.status !== 200 || JSON.stringify(answer) !== JSON.stringify(want)) {
        problems.push(`re-sent batch c${b.client}#${b.seq}: ${res.status} ${JSON.stringify(answer).slice(0, 200)}, expected ${JSON.stringify(want)}`);
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} re-sent batches were not all duplicates`);
}

export async function runCrashScenario(o: CrashOptions): Promise<CrashReport> {
  const log = o.log ?? (() => undefined);
  const rng = mulberry32(o.seed);
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-crash-'));
  const data = join(dir, 'data');
  const db = join(data, 'mlslo.sqlite');
  const specFile = join(dir, 'spec.yaml');
  writeFileSync(specFile, SPEC_YAML);
  let server: ServeChild | undefined;
  const board = new Switchboard();
  const clients: Array<Promise<void>> = [];
  try {
    const created = await runCli(['keys', 'create', '--role', 'ingest', '--data', data]);
    assert.equal(created.code, 0, created.stderr);
    const key = /^(mlslo_\S+)/m.exec(created.stdout)?.[1];
    assert.ok(key, created.stdout);

    const ledger = new Ledger();
    for (let c = 0; c < o.clients; c++) {
      clients.push(runClient({ client: c, seed: (o.seed * 31 + c) >>> 0, key, board, ledger, resendShare: 0.6 }));
    }
    const start = async (): Promise<ServeChild> => {
      const s = await mustServe(data, [specFile]);
      ledger.stats.ackedThisGeneration = 0;
      board.up(s.url);
      return s;
    };

    for (let round = 1; round <= o.rounds; round++) {
      const t0 = Date.now();
      server = await start();
      const t1 = Date.now();
      // Seeded moment: after some acknowledgements (so ingest is in full flow), then a seeded delay.
      const acks = 3 + Math.floor(rng() * 25);
      const delayMs = Math.floor(rng() * 400);
      await until(`${acks} acknowledgements in round ${round}`, () => ledger.stats.ackedThisGeneration >= acks || ledger.problems.length > 0);
      await new Promise((r) => setTimeout(r, delayMs));
      const exit = await server.stop('SIGKILL');
      board.down();
      assert.equal(exit.signal, 'SIGKILL', `round ${round}: the server died of SIGKILL, not on its own\n${server.output()}`);
      server = undefined;
      assert.deepEqual(ledger.problems, []);
      // The file as the crash left it (WAL and all), before any restart recovers it.
      checkIds(readStoredIds(db), ledger, `after kill ${round}`);
      log(`round ${round}: started in ${t1 - t0} ms, killed ${Date.now() - t1} ms later, after ${acks}+ acks and ${delayMs} ms; ${ledger.stats.acked} batches acknowledged, ${ledger.stats.answersLost} answers lost so far`);
    }

    // Last run: every owed re-send goes through, the clients stop, and then re-sending every acknowledged
    // batch must change nothing (snapshots read through a second, read-only connection while it runs).
    server = await start();
    const everyClientHere = (): boolean => [...Array(o.clients).keys()].every((c) => ledger.seen.get(c) === board.generation);
    await until('every chosen lost-answer batch re-sent and acknowledged',
      () => (everyClientHere() && ledger.owed.size === 0) || ledger.problems.length > 0);
    board.stop();
    await Promise.all(clients);
    assert.deepEqual(ledger.problems, []);
    const before = ingestSnapshot(db);
    const replayed = [...ledger.acked];
    await replay(server.url, key, replayed);
    assert.deepEqual(ingestSnapshot(db), before, 'the ingest tables are byte-identical after re-sending every acknowledged batch');
    const stopped = await server.stop('SIGTERM');
    assert.equal(stopped.code, 0, `clean stop\n${server.output()}`);
    server = undefined;

    const ids = readStoredIds(db);
    const abandonedBatchesStored = checkIds(ids, ledger, 'after the clean stop');
    checkContent(ids, ledger);
    assert.deepEqual(integrityCheck(db), ['ok']);
    const audit = await auditRollups(db, specFile);
    return {
      seed: o.seed, kills: o.rounds, stats: { ...ledger.stats }, abandonedBatches: ledger.abandoned.size,
      abandonedBatchesStored, replayedBatches: replayed.length, audit,
    };
  } finally {
    board.stop();
    await server?.stop('SIGKILL');
    await Promise.allSettled(clients);
    rmSync(dir, { recursive: true, force: true });
  }
}
