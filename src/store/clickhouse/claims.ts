/**
 * Optimistic concurrency between ingest replicas: claim rows (docs/clickhouse.md, "Two replicas, one
 * event"). A write that adds an identity (an inference id, an outcome key) its lookup found free claims
 * it before its commit row, then looks for claims on the same identities by other writes that are
 * committed, or pending and not expired. If there is one it does not commit: it marks its claims aborted
 * (so nobody waits for them to expire) and fails with the retryable MLSLO_ERR_STORE_CONFLICT; the
 * client's retry is planned from a fresh lookup, which then sees the winner's events as duplicates.
 *
 * Why at most one of two racing writers commits, on one ClickHouse server: an acknowledged insert is
 * visible to every later read. Each writer inserts its claim, then reads. The writer whose read came
 * second sees the other's claim — pending (and young: timing.ts bounds how long a pending claim can still
 * commit) or committed — and aborts. Both may abort; both then retry.
 */
import type { Db } from './db.ts';
import { dayOf } from './ingest-rows.ts';
import type { CommitLog } from './commit-log.ts';
import { chunks, str, strList } from './sql.ts';
import { claimLive, conflict, SERVER_NOW_US, type ServerReading } from './timing.ts';

/** An identity a write adds. `key` is namespaced by kind (`i/` inference id, `o/` outcome key); `ts` picks the day partition. */
export interface Identity {
  readonly service: string;
  readonly key: string;
  readonly ts: number;
}

/** Keys per claim query (the query text stays well under ClickHouse's 256 KiB `max_query_size`). */
const CHUNK = 1000;

interface ClaimsFound {
  readonly now_us: number;
  readonly write_ids: string[];
  readonly vers: number[];
  readonly aborted: number[];
}

export class Claims {
  readonly #db: Db;
  readonly #log: CommitLog;

  constructor(db: Db, log: CommitLog) {
    this.#db = db;
    this.#log = log;
  }

  /** The claim rows of a write, inserted with its data rows (their order does not matter: neither counts before the check). */
  async insert(ids: readonly Identity[], writeId: string, ver: number): Promise<void> {
    await this.#db.insert('write_claim', this.#rows(ids, writeId, ver, 0), 'claiming events');
  }

  /**
   * After `insert` was acknowledged: throws MLSLO_ERR_STORE_CONFLICT when another write holds one of
   * `ids` (the caller then aborts). Returns clock readings for the commit (CommitLog.commit).
   */
  async check(ids: readonly Identity[], writeId: string): Promise<ServerReading> {
    const found = await Promise.all(this.#queries(ids, writeId).map(async (sql) => {
      const sentAt = performance.now();
      const [row] = await this.#db.rows<ClaimsFound>(sql, 'checking claims');
      return { row: row!, sentAt };
    }));
    // Per other write: its oldest claim row's version (all of a write's claims share one) and whether it gave up.
    const others = new Map<string, { ver: number; aborted: boolean; nowUs: number }>();
    for (const { row } of found) {
      row.write_ids.forEach((id, i) => {
        const had = others.get(id);
        others.set(id, { ver: row.vers[i]!, aborted: (had?.aborted ?? false) || row.aborted[i] === 1, nowUs: Math.min(had?.nowUs ?? Infinity, row.now_us) });
      });
    }
    const contenders = [...others].filter(([, o]) => !o.aborted);
    if (contenders.length > 0) {
      const committed = await this.#log.committed(contenders.map(([id]) => id));
      const holder = contenders.find(([id, o]) => committed.has(id) || claimLive(this.#log.timing, o.nowUs, o.ver));
      if (holder !== undefined) {
        throw conflict(`another write (${holder[0]}, ${committed.has(holder[0]) ? 'committed' : 'pending'}) added some of these events at the same time; `
          + 'nothing was stored, retry');
      }
    }
    // Any reading bounds the server's clock from above; the tightest one is the latest sent.
    const best = found.reduce((a, b) => (b.sentAt - b.row.now_us / 1000 > a.sentAt - a.row.now_us / 1000 ? b : a));
    return { nowUs: best.row.now_us, sentAt: best.sentAt };
  }

  /**
   * Best effort: others stop waiting for the aborted claims at once instead of at their expiry. Only
   * ever called before the commit row was sent — an aborted marker on a write that might still commit
   * would let a second writer count the same event.
   */
  async abort(ids: readonly Identity[], writeId: string, ver: number): Promise<void> {
    await this.#db.insert('write_claim', this.#rows(ids, writeId, ver, 1), 'aborting claims').catch(() => undefined);
  }

  #rows(ids: readonly Identity[], writeId: string, ver: number, aborted: 0 | 1): object[] {
    return ids.map((c) => ({ day: dayOf(c.ts), service: c.service, key: c.key, write_id: writeId, ver, aborted }));
  }

  /**
   * One aggregate query per chunk of keys: it always returns one row, so the server's clock comes back
   * even when nobody else claimed anything (the common case). Not filtered by day: an identity resent
   * with another timestamp must still meet its first claim.
   */
  #queries(ids: readonly Identity[], writeId: string): string[] {
    const byService = new Map<string, Set<string>>();
    for (const c of ids) {
      let keys = byService.get(c.service);
      if (keys === undefined) byService.set(c.service, (keys = new Set()));
      keys.add(c.key);
    }
    return [...byService].flatMap(([service, keys]) => chunks([...keys], CHUNK).map((part) => `SELECT ${SERVER_NOW_US} AS now_us,
      groupArray(write_id) AS write_ids, groupArray(ver) AS vers, groupArray(aborted) AS aborted
      FROM ${this.#db.table('write_claim')} WHERE service = ${str(service)} AND key IN ${strList(part)} AND write_id != ${str(writeId)}`));
  }
}
