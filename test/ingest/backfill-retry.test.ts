/**
 * The backfill's retries (src/ingest/backfill/backfill.ts): a batch the store refused with a retryable
 * error — SQLite busy or ClickHouse busy (OVERLOADED), another writer adding the same events at the same
 * moment (STORE_CONFLICT), ClickHouse unreachable (STORE_UNAVAILABLE) — is sent again after a jittered
 * backoff; any other error, or the fifth refusal, ends the import.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { MlsloError, type ErrorCode } from '../../src/core/errors.ts';
import { backfill, type CommittedBatch } from '../../src/ingest/backfill/backfill.ts';
import type { SourceRecord } from '../../src/ingest/backfill/source-record.ts';
import type { IngestResult, Ingestor } from '../../src/ingest/ingest.ts';

function records(n: number): AsyncIterable<SourceRecord> {
  const all: SourceRecord[] = Array.from({ length: n }, (_, k) => ({ kind: 'item', item: { id: `r${k + 1}` }, line: k + 1, end: (k + 1) * 10, endLine: k + 1 }));
  return Readable.from(all);
}

const done = (): Promise<void> => Promise.resolve();

/** An Ingestor that refuses with `codes` in turn, then accepts every item. */
function refusing(codes: readonly ErrorCode[]): { ingestor: Ingestor; calls: () => number } {
  let calls = 0;
  const ingest = (items: readonly unknown[]): Promise<IngestResult> => {
    const code = codes[calls++];
    return code === undefined ? Promise.resolve({ accepted: items.length, duplicates: 0, rejected: [] }) : Promise.reject(new MlsloError(code));
  };
  return { ingestor: { ingest } as unknown as Ingestor, calls: () => calls };
}

async function run(codes: readonly ErrorCode[]): Promise<{ batches: CommittedBatch[]; waits: number[]; calls: number }> {
  const { ingestor, calls } = refusing(codes);
  const batches: CommittedBatch[] = [];
  const waits: number[] = [];
  await backfill(records(3), {
    ingestor, batchSize: 10, onBatch: (b) => done().then(() => void batches.push(b)), sleep: (ms) => done().then(() => void waits.push(ms)),
  });
  return { batches, waits, calls: calls() };
}

test('conflicts, busy and unavailable stores are retried after about 1, 2, 4 s; the batch then commits once', async () => {
  const { batches, waits, calls } = await run(['MLSLO_ERR_STORE_CONFLICT', 'MLSLO_ERR_OVERLOADED', 'MLSLO_ERR_STORE_UNAVAILABLE']);
  assert.equal(calls, 4);
  assert.equal(waits.length, 3);
  [1000, 2000, 4000].forEach((base, i) => assert.ok(waits[i]! >= base * 0.75 && waits[i]! <= base * 1.25, `wait ${i}: ${waits[i]}`));
  assert.deepEqual(batches.map((b) => [b.records, b.accepted, b.position.line]), [[3, 3, 3]]);
});

test('a fifth refusal, or an error that is not retryable, ends the import with that error', async () => {
  await assert.rejects(run(Array<ErrorCode>(5).fill('MLSLO_ERR_STORE_CONFLICT')), (e: MlsloError) => e.code === 'MLSLO_ERR_STORE_CONFLICT');
  const full = refusing(['MLSLO_ERR_STORE_FULL']);
  await assert.rejects(backfill(records(1), { ingestor: full.ingestor, batchSize: 10, onBatch: done, sleep: done }),
    (e: MlsloError) => e.code === 'MLSLO_ERR_STORE_FULL');
  assert.equal(full.calls(), 1, 'not retried');
});
