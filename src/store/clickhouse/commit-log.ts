/**
 * Atomic visibility without transactions. A commitIngest (or a drift fold) writes several tables, each
 * row tagged with the write's id, and then one row into `write_commit`: a single-row insert, which
 * ClickHouse applies whole or not at all. Readers count a row only when its write id is committed, so a
 * crash between the inserts leaves rows nobody sees, and the client's retry (after its 503) is planned
 * from the same view of the store as the failed attempt: nothing is counted twice or lost.
 *
 * The commit row is conditional (timing.ts, rule 1): it lands only while the server's clock is within the
 * commit window of the write's version, so a stalled writer cannot commit after others judged its claims
 * expired (claims.ts) or after a compaction folded its version's range (compaction.ts).
 *
 * Committed ids never become uncommitted, so they are cached; an id not (yet) committed is asked again.
 */
import type { Db } from './db.ts';
import { chunks, int, str, strList } from './sql.ts';
import { conflict, freshCondition, surelyFresh, type CommitTiming, type ServerReading } from './timing.ts';

/** Write ids per IN list. */
const CHUNK = 1000;
/** Committed ids remembered; past this the cache starts over (a miss only costs a query). */
const CACHE_MAX = 200_000;

export class CommitLog {
  readonly #db: Db;
  readonly timing: CommitTiming;
  readonly #known = new Set<string>();

  constructor(db: Db, timing: CommitTiming) {
    this.#db = db;
    this.timing = timing;
  }

  /**
   * The last insert of a write: from now on its rows count. Throws MLSLO_ERR_STORE_CONFLICT, with nothing
   * committed, when the server refused the row as too late. ClickHouse 18.16 does not say how many rows
   * an INSERT … SELECT wrote, so whether it landed is proven from `reading` (a clock reading taken after
   * the write's version) when it can be, and read back otherwise.
   */
  async commit(writeId: string, ver: number, reading?: ServerReading): Promise<void> {
    await this.#db.exec(`INSERT INTO ${this.#db.table('write_commit')} (write_id, ver)
      SELECT ${str(writeId)}, toUInt64(${int(ver)}) FROM system.one WHERE ${freshCondition(this.timing, ver)}`, 'committing a write');
    if (!(reading !== undefined && surelyFresh(this.timing, reading, ver)) && !await this.#landed(writeId)) {
      throw conflict(`the write took longer than the ${this.timing.commitWindowUs / 1e6} s commit window, or this process's clock is behind `
        + "the ClickHouse server's by more than that (check NTP); nothing was stored");
    }
    this.#remember(writeId);
  }

  async #landed(writeId: string): Promise<boolean> {
    const rows = await this.#db.rows<{ n: number }>(`SELECT count() AS n FROM ${this.#db.table('write_commit')} WHERE write_id = ${str(writeId)}`,
      'checking a commit');
    return (rows[0]?.n ?? 0) > 0;
  }

  /** The committed ones among `ids`. */
  async committed(ids: Iterable<string>): Promise<Set<string>> {
    const out = new Set<string>();
    const ask: string[] = [];
    for (const id of new Set(ids)) {
      if (this.#known.has(id)) out.add(id);
      else ask.push(id);
    }
    for (const part of chunks(ask, CHUNK)) {
      const rows = await this.#db.rows<{ write_id: string }>(
        `SELECT DISTINCT write_id FROM ${this.#db.table('write_commit')} WHERE write_id IN ${strList(part)}`, 'reading the commit log');
      for (const r of rows) {
        out.add(r.write_id);
        this.#remember(r.write_id);
      }
    }
    return out;
  }

  /** `rows` whose write is committed, in their order. */
  async filter<R extends { readonly write_id: string }>(rows: readonly R[]): Promise<R[]> {
    if (rows.length === 0) return [];
    const ok = await this.committed(rows.map((r) => r.write_id));
    return rows.filter((r) => ok.has(r.write_id));
  }

  #remember(id: string): void {
    if (this.#known.size >= CACHE_MAX) this.#known.clear();
    this.#known.add(id);
  }
}
