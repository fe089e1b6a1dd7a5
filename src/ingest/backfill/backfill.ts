/**
 * Backfill (`mlslo import`, docs/backfill.md): records read from a file go through the same Ingestor
 * as `POST /v1/events` — same validation, dedup, outcome joins and rollups — in bounded batches, one
 * at a time. After each batch is durable, `onBatch` learns what it held and where the file is now, so
 * the caller can report and record the resume point. Nothing here knows about files or terminals.
 */
import { isMlsloError } from '../../core/errors.ts';
import type { IngestResult, Ingestor } from '../ingest.ts';
import type { LineProblem, ReadPosition, SourceRecord } from './source-record.ts';

export const DEFAULT_BATCH_SIZE = 5000;

export interface LineRejection extends LineProblem {
  readonly line: number;
}

export interface CommittedBatch {
  /** Records read (items and unreadable lines). */
  readonly records: number;
  readonly accepted: number;
  readonly duplicates: number;
  /** In line order. */
  readonly rejected: readonly LineRejection[];
  /** Just past the batch's last record. */
  readonly position: ReadPosition;
}

export interface BackfillOptions {
  readonly ingestor: Ingestor;
  readonly batchSize: number;
  readonly onBatch: (batch: CommittedBatch) => Promise<void>;
  /** Waits before retrying a batch the store refused as busy (tests shorten it). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Commits that found the database locked (a server writing the same SQLite file, past its busy
 * timeout) are retried: a failed commit stored nothing, so a retry cannot count anything twice.
 */
const BUSY_RETRIES = [1000, 2000, 4000, 8000];

async function ingestRetrying(items: unknown[], opts: BackfillOptions): Promise<IngestResult> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await opts.ingestor.ingest(items, { service: undefined });
    } catch (e) {
      const wait = BUSY_RETRIES[attempt];
      if (wait === undefined || !isMlsloError(e) || e.code !== 'MLSLO_ERR_OVERLOADED') throw e;
      await sleep(wait);
    }
  }
}

async function commitBatch(batch: readonly SourceRecord[], opts: BackfillOptions): Promise<void> {
  const items: unknown[] = [];
  const lines: number[] = [];
  const rejected: LineRejection[] = [];
  for (const r of batch) {
    if (r.kind === 'item') {
      items.push(r.item);
      lines.push(r.line);
    } else rejected.push({ line: r.line, ...r.problem });
  }
  const result = items.length === 0 ? { accepted: 0, duplicates: 0, rejected: [] } : await ingestRetrying(items, opts);
  for (const { index, code, path, message } of result.rejected) rejected.push({ line: lines[index]!, code, path, message });
  rejected.sort((a, b) => a.line - b.line);
  const last = batch[batch.length - 1]!;
  await opts.onBatch({
    records: batch.length, accepted: result.accepted, duplicates: result.duplicates, rejected,
    position: { offset: last.end, line: last.endLine },
  });
}

export async function backfill(records: AsyncIterable<SourceRecord>, opts: BackfillOptions): Promise<void> {
  let batch: SourceRecord[] = [];
  for await (const r of records) {
    batch.push(r);
    if (batch.length >= opts.batchSize) {
      await commitBatch(batch, opts);
      batch = [];
    }
  }
  if (batch.length > 0) await commitBatch(batch, opts);
}
