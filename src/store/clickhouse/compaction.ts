/**
 * Compaction of delta tables (rollup, verdict_time, drift_cell): every commit adds one row per cell it
 * touches and reads add them up, so an open cell costs a read one row per commit. Compaction replaces a
 * day's rows up to a version cutoff by one row per cell, crash-safely and without stopping writers
 * (docs/clickhouse.md, "Compaction"):
 *
 * 1. cutoff = the server's clock − compactLag. No write with a version ≤ cutoff can commit any more
 *    (timing.ts: its commit row would land only within the commit window of its version), so the set of
 *    committed rows ≤ cutoff is final.
 * 2. Read the day's visible rows ≤ cutoff (by the rules below, so a previous compaction's rows stand for
 *    what they replaced), merge them per cell with the reader's own fold, insert the merged rows with
 *    version = cutoff under a fresh write id W.
 * 3. Publish with ONE single-row insert into `compaction` {table, day, cutoff, W}. Until it lands W's
 *    rows count for nothing (W is never in write_commit); once it lands, readers of that day ignore
 *    every row with version ≤ cutoff except W's. The highest cutoff of a day wins (ties: highest W; two
 *    compactions at one cutoff merged the same committed rows, so either is right).
 * 4. Garbage-collect rows with version < cutoff (ALTER TABLE … DELETE, a mutation), in a later run once
 *    the compaction is `gcGrace` old. Every such row is superseded by this compaction or a later one; W's
 *    rows (version = cutoff) and anything newer are untouched, so GC may fail, repeat or race another
 *    compactor's GC. The grace protects a reader (or compactor) that looked up a day's compaction just
 *    before a newer one was published and reads the rows just after: it still finds the rows it expects.
 *
 * A crash anywhere before 3 leaves W's rows invisible (the next run supersedes them); after 3, only
 * garbage is left. The merged rows carry version = cutoff, below every row that still counts besides
 * them, so a read adds cells in the same order with or without compaction and answers the same bytes.
 */
import { randomBytes } from 'node:crypto';
import type { CommitLog } from './commit-log.ts';
import type { Db } from './db.ts';
import type { Written } from './ingest-rows.ts';
import { int, str } from './sql.ts';
import { compactionCutoff, readServerClock, SERVER_NOW_US } from './timing.ts';

export type DeltaTableName = 'rollup' | 'verdict_time' | 'drift_cell';

export interface DeltaRow extends Written {
  readonly ver: number;
}

/** The compaction a day's readers follow. */
export interface Compacted {
  readonly cutoff: number;
  readonly writeId: string;
  /** The server's clock (µs) when it was published. */
  readonly published: number;
}

/** What compaction needs to know of a delta table. */
export interface DeltaTable<R extends DeltaRow> {
  readonly name: DeltaTableName;
  /** SQL: a row's day (days since the epoch, UTC) — the unit of compaction. */
  readonly dayExpr: string;
  readonly dayOf: (r: R) => number;
  /** SELECT list (with ver and write_id) and the cell order a reader adds rows in (ver, write_id follow). */
  readonly columns: string;
  readonly cellOrder: string;
  /** The rows a reader would count, merged the way a reader merges them: one insertable row per cell. */
  readonly fold: (rows: readonly R[], ver: number, writeId: string) => Promise<object[]>;
}

export interface CompactionReport {
  readonly table: DeltaTableName;
  readonly day: number;
  readonly cutoff: number;
  /** Rows the day counted up to the cutoff, and the rows that replace them. */
  readonly rowsIn: number;
  readonly rowsOut: number;
}

export class Compactions {
  readonly #db: Db;
  readonly #log: CommitLog;
  readonly #nonce = randomBytes(6).toString('hex');

  constructor(db: Db, log: CommitLog) {
    this.#db = db;
    this.#log = log;
  }

  /** The published compaction of each day in [fromDay, toDay] (every day when omitted). */
  async winners(table: DeltaTableName, days?: { readonly from: number; readonly to: number }): Promise<Map<number, Compacted>> {
    const range = days === undefined ? '' : ` AND day >= ${int(days.from)} AND day <= ${int(days.to)}`;
    const rows = await this.#db.rows<{ day: number; cutoff: number; write_id: string; published: number }>(`SELECT day, cutoff, write_id, published
      FROM ${this.#db.table('compaction')} WHERE tbl = ${str(table)}${range}
      ORDER BY day, cutoff DESC, write_id DESC LIMIT 1 BY day`, 'reading compactions');
    return new Map(rows.map((r) => [r.day, { cutoff: r.cutoff, writeId: r.write_id, published: r.published }]));
  }

  /**
   * SQL condition leaving out rows a compaction replaced, so a read fetches O(cells + newer deltas) rows
   * even before garbage collection. `visible` still decides; this only saves the transfer.
   */
  liveCondition(dayExpr: string, winners: ReadonlyMap<number, Compacted>): string {
    if (winners.size === 0) return '1';
    const replaced = [...winners].map(([day, c]) => `(${dayExpr} = ${int(day)} AND ver <= ${int(c.cutoff)} AND write_id != ${str(c.writeId)})`);
    return `NOT (${replaced.join(' OR ')})`;
  }

  /**
   * The rows that count, in their order: a compacted day's rows up to its cutoff only if they are the
   * compaction's own; every other row once its write committed.
   */
  async visible<R extends DeltaRow>(rows: readonly R[], dayOf: (r: R) => number, winners: ReadonlyMap<number, Compacted>): Promise<R[]> {
    const covered = (r: R): Compacted | undefined => {
      const c = winners.get(dayOf(r));
      return c !== undefined && r.ver <= c.cutoff ? c : undefined;
    };
    const committed = await this.#log.committed(rows.filter((r) => covered(r) === undefined).map((r) => r.write_id));
    return rows.filter((r) => {
      const c = covered(r);
      return c === undefined ? committed.has(r.write_id) : r.write_id === c.writeId;
    });
  }

  /**
   * Compacts every day of `table` with rows between its last cutoff and the new one, and collects the
   * garbage of compactions older than the grace (see the top of this file).
   */
  async compact<R extends DeltaRow>(table: DeltaTable<R>, nowMs: number): Promise<CompactionReport[]> {
    const t = this.#log.timing;
    const clock = await readServerClock(this.#db);
    const cutoff = compactionCutoff(t, clock.nowUs, nowMs);
    if (cutoff <= 0) return [];
    const winners = await this.winners(table.name);
    // A day has work when it holds a row above its last cutoff (the compaction's own rows sit exactly on
    // it), and garbage when it holds one below.
    const days = await this.#db.rows<{ day: number; top: number; bottom: number }>(`SELECT ${table.dayExpr} AS day, max(ver) AS top, min(ver) AS bottom
      FROM ${this.#db.table(table.name)} WHERE ver <= ${int(cutoff)} GROUP BY day ORDER BY day`, `finding ${table.name} days to compact`);
    const reports: CompactionReport[] = [];
    for (const { day, top, bottom } of days) {
      const last = winners.get(day);
      if (last !== undefined && top <= last.cutoff) {
        if (bottom < last.cutoff && clock.nowUs - last.published >= t.gcGraceUs) await this.collect(table, day, last.cutoff);
        continue;
      }
      // Looked up again right before the day's read: this run may have taken a while to get here.
      const current = (await this.winners(table.name, { from: day, to: day })).get(day);
      if (current !== undefined && top <= current.cutoff) continue;
      reports.push(await this.#compactDay(table, day, cutoff, current));
    }
    return reports;
  }

  async #compactDay<R extends DeltaRow>(table: DeltaTable<R>, day: number, cutoff: number, last: Compacted | undefined): Promise<CompactionReport> {
    const winners = new Map(last === undefined ? [] : [[day, last]]);
    const rows = await this.#db.rows<R>(`SELECT ${table.columns} FROM ${this.#db.table(table.name)}
      WHERE ${table.dayExpr} = ${int(day)} AND ver <= ${int(cutoff)} AND ${this.liveCondition(table.dayExpr, winners)}
      ORDER BY ${table.cellOrder}, ver, write_id`, `reading ${table.name} to compact`);
    const counted = await this.visible(rows, table.dayOf, winners);
    const writeId = `compact-${cutoff.toString(36)}-${this.#nonce}`;
    const merged = await table.fold(counted, cutoff, writeId);
    await this.#db.insert(table.name, merged, `compacting ${table.name}`);
    // The one row that makes the merged rows count; `published` is the server's clock, for the GC grace.
    await this.#db.exec(`INSERT INTO ${this.#db.table('compaction')} (tbl, day, cutoff, write_id, published)
      SELECT ${str(table.name)}, toUInt32(${int(day)}), toUInt64(${int(cutoff)}), ${str(writeId)}, ${SERVER_NOW_US}`, `publishing a ${table.name} compaction`);
    return { table: table.name, day, cutoff, rowsIn: counted.length, rowsOut: merged.length };
  }

  /**
   * Deletes the rows a published compaction of `day` at `cutoff` replaced. Strictly below the cutoff:
   * the compaction's own rows and a tying compaction's (both at the cutoff) stay, whichever readers follow.
   */
  async collect(table: { readonly name: DeltaTableName; readonly dayExpr: string }, day: number, cutoff: number): Promise<void> {
    await this.#db.exec(`ALTER TABLE ${this.#db.table(table.name)} DELETE WHERE ${table.dayExpr} = ${int(day)} AND ver < ${int(cutoff)}`,
      `collecting compacted ${table.name} rows`);
    await this.#db.exec(`ALTER TABLE ${this.#db.table('compaction')} DELETE WHERE tbl = ${str(table.name)} AND day = ${int(day)} AND cutoff < ${int(cutoff)}`,
      'collecting old compactions');
  }
}
