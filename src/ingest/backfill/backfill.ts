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
  /** Waits before retrying a batch the store refused (tests shorten it). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Waits before the retries of a refused commit. A retry is planned from a fresh lookup, so it cannot
 * count anything twice: events stored meanwhile — by another writer, or by this commit when only its
 * answer was lost (a ClickHouse timeout) — come back as duplicates.
 */
const RETRY_WAITS_MS = [1000, 2000, 4000, 8000];

/**
 * The errors worth a retry, as a client retries a 503/429: the database locked by another writer past
 * its busy timeout or ClickHouse busy (OVERLOADED); another ingest replica or importer adding the same
 * events at the same moment (STORE_CONFLICT); ClickHouse unreachable or restarting (STORE_UNAVAILABLE).
 */
const RETRYABLE: ReadonlySet<string> = new Set(['MLSLO_ERR_OVERLOADED', 'MLSLO_ERR_STORE_CONFLICT', 'MLSLO_ERR_STORE_UNAVAILABLE']);

/**
 * A wait of 75–125 % of `ms`: two writers that lost the same race do not retry in lockstep, and lose
 * it again (claims let at most one of them commit, docs/clickhouse.md).
 */
function jittered(ms: number): number {
  return Math.round(ms * (0.75 + Math.random() / 2));
}

async function ingestRetrying(items: unknown[], opts: BackfillOptions): Promise<IngestResult> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await opts.ingestor.ingest(items, { service: undefined });
    } catch (e) {
      const wait = RETRY_WAITS_MS[attempt];
      if (wait === undefined || !isMlsloError(e) || !RETRYABLE.has(e.code)) throw e;
      await sleep(jittered(wait));
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
