/**
 * Time rules of the commit log, the claims and compaction (docs/clickhouse.md, "Time"). Versions come
 * from each writer's clock (db.ts Versions), so they are compared with one clock only: the ClickHouse
 * server's `now()`. Two rules make races between replicas and the compactor sound:
 *
 * 1. A commit row lands only while the server's clock is within `commitWindow` of the write's version
 *    (the condition is part of the INSERT, evaluated by the server: see `freshCondition`).
 * 2. Others treat a pending claim as expired only when the server's clock is `claimTtl` past its version,
 *    and compaction folds only versions `compactLag` behind the server's clock.
 *
 * Both compare the same version with the same clock, so a writer's clock skew cancels out of the safety
 * argument: a write whose claim was judged expired, or whose version is below a compaction cutoff,
 * evaluated its commit condition at least `claimTtl - commitWindow` (resp. `compactLag - commitWindow`)
 * earlier and either landed long before or never will. What remains assumed: a single-row INSERT becomes
 * visible within that margin (30 s by default) of the server evaluating it, and the server's clock does
 * not step back by as much. Skew only costs liveness: a replica whose clock is more than `commitWindow`
 * behind the server's can never commit (it is told so), one ahead delays others' expiry by its lead.
 */
import { MlsloError } from '../../core/errors.ts';
import type { Db } from './db.ts';

export interface CommitTiming {
  /** A pending claim blocks others this long after its version (µs). */
  readonly claimTtlUs: number;
  /** A write may commit only this long after its version (µs): half the claim TTL. */
  readonly commitWindowUs: number;
  /** Compaction folds only versions older than the server's clock by this much (µs). */
  readonly compactLagUs: number;
  /** Rows a compaction replaced are deleted only this long after it was published (µs): compaction.ts. */
  readonly gcGraceUs: number;
}

export interface TimingOptions {
  /** Default 60 s. */
  readonly claimTtlMs?: number;
  /** Default 120 s; must exceed claimTtlMs / 2 by at least 2 s. */
  readonly compactLagMs?: number;
  /** Default 300 s. */
  readonly gcGraceMs?: number;
}

/** `now()` has whole seconds: every bound below allows one second for its truncation. */
const SECOND_US = 1_000_000;

export function commitTiming(o: TimingOptions = {}): CommitTiming {
  const claimTtlUs = (o.claimTtlMs ?? 60_000) * 1000;
  const compactLagUs = (o.compactLagMs ?? 120_000) * 1000;
  const commitWindowUs = Math.floor(claimTtlUs / 2);
  if (!Number.isSafeInteger(claimTtlUs) || commitWindowUs < 2 * SECOND_US) throw new RangeError(`claimTtlMs must be at least 4000, got ${o.claimTtlMs}`);
  if (!Number.isSafeInteger(compactLagUs) || compactLagUs < commitWindowUs + 2 * SECOND_US) {
    throw new RangeError(`compactLagMs (${o.compactLagMs}) must exceed claimTtlMs / 2 by 2000 at least: a write below the cutoff must be unable to commit`);
  }
  const gcGraceUs = (o.gcGraceMs ?? 300_000) * 1000;
  if (!Number.isSafeInteger(gcGraceUs) || gcGraceUs < 0) throw new RangeError(`gcGraceMs must be a non-negative integer, got ${o.gcGraceMs}`);
  return { claimTtlUs, commitWindowUs, compactLagUs, gcGraceUs };
}

/**
 * A reading of the server's clock: `nowUs` is `now()` (whole seconds, in µs) of a query sent at
 * `sentAt` (performance.now(), ms). The server evaluated it after `sentAt`, so any later server time is
 * at most `nowUs + 1 s + (client time elapsed since sentAt)`, given clocks that run at the same rate.
 */
export interface ServerReading {
  readonly nowUs: number;
  readonly sentAt: number;
}

/** SQL: the server's clock, whole seconds, as µs. */
export const SERVER_NOW_US = 'toUInt64(now()) * 1000000';

export async function readServerClock(db: Db): Promise<ServerReading> {
  const sentAt = performance.now();
  const rows = await db.rows<{ now_us: number }>(`SELECT ${SERVER_NOW_US} AS now_us`, 'reading the server clock');
  return { nowUs: rows[0]!.now_us, sentAt };
}

/** SQL condition, true while the server's clock is within the commit window of `ver` (rule 1). */
export function freshCondition(t: CommitTiming, ver: number): string {
  return `${SERVER_NOW_US} <= ${ver + t.commitWindowUs - SECOND_US}`;
}

/** True when every evaluation of `freshCondition` before now was true: a commit just acknowledged surely landed. */
export function surelyFresh(t: CommitTiming, r: ServerReading, ver: number): boolean {
  const latestUs = r.nowUs + SECOND_US + (performance.now() - r.sentAt) * 1000;
  return latestUs <= ver + t.commitWindowUs - SECOND_US;
}

/** A pending claim of version `ver` still blocks others at a reading of the server's clock (rule 2). */
export function claimLive(t: CommitTiming, nowUs: number, ver: number): boolean {
  return nowUs <= ver + t.claimTtlUs;
}

/** The highest version a compaction may fold at a reading of the server's clock and the caller's `now` (ms). */
export function compactionCutoff(t: CommitTiming, nowUs: number, nowMs: number): number {
  return Math.min(nowUs, nowMs * 1000) - t.compactLagUs;
}

/** The error of a write that may not commit; retryable (the HTTP layer answers 503, Retry-After 1). */
export function conflict(detail: string): MlsloError {
  return new MlsloError('MLSLO_ERR_STORE_CONFLICT', detail);
}
