/**
 * Reads of the ingest delta tables (rollup, verdict_time) and their compaction. A cell's value is its
 * visible delta rows (compaction.ts) added in version order with core's mergeCell / addQuality — the
 * same fold for a report and for the compactor, so a compacted day answers the same bytes.
 */
import { addQuality, createCell, createQualityAcc, mergeCell, type QualityAcc, type RollupCell } from '../../core/rollup.ts';
import type { CohortRef, Resolution, RollupQuery, RollupRow, VerdictTimeRow } from '../port.ts';
import type { Compactions, DeltaTable } from './compaction.ts';
import type { Db } from './db.ts';
import { dayOf, deltaCell, ROLLUP_READ_COLUMNS, rollupRow, verdictTimeRow, type RollupDeltaRow, type VerdictTimeDeltaRow, type Written } from './ingest-rows.ts';
import { int, str } from './sql.ts';

type RollupCellRow = RollupDeltaRow & { readonly resolution: Resolution; readonly service: string; readonly day: number };
type VerdictTimeCellRow = VerdictTimeDeltaRow & { readonly resolution: Resolution; readonly service: string; readonly day: number };

const rollupKey = (r: RollupCellRow): string => `${r.resolution}\u0000${r.service}\u0000${r.bucket}\u0000${r.model}\u0000${r.attr}\u0000${r.value}`;
const verdictTimeKey = (r: VerdictTimeCellRow): string => `${r.resolution}\u0000${r.service}\u0000${r.bucket}\u0000${r.model}`;

/** One row per (cell, write): a write's delta is added once even if its insert was repeated. */
function oncePerWrite<R extends Written>(rows: readonly R[], cellKey: (r: R) => string): R[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = `${cellKey(r)}\u0000${r.write_id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Adds rows ordered by cell, then version: one entry per cell, holding its first row and the sum. */
function foldRows<R extends Written, A>(rows: readonly R[], key: (r: R) => string, create: () => A, add: (acc: A, r: R) => void): Array<{ row: R; acc: A }> {
  const out: Array<{ row: R; acc: A }> = [];
  let lastKey: string | undefined;
  for (const r of oncePerWrite(rows, key)) {
    const k = key(r);
    if (k !== lastKey) {
      out.push({ row: r, acc: create() });
      lastKey = k;
    }
    add(out.at(-1)!.acc, r);
  }
  return out;
}

function foldRollups(rows: readonly RollupCellRow[], sketches: boolean): Array<{ row: RollupCellRow; acc: RollupCell }> {
  return foldRows(rows, rollupKey, createCell, (acc, r) => mergeCell(acc, deltaCell(r, sketches)));
}

function foldVerdictTime(rows: readonly VerdictTimeCellRow[]): Array<{ row: VerdictTimeCellRow; acc: QualityAcc }> {
  return foldRows(rows, verdictTimeKey, createQualityAcc, (acc, r) => addQuality(acc, { judged: r.judged, good: r.good, sumW: r.w, sumW2: r.w2, sumWGood: r.wgood }));
}

const ROLLUP_COLUMNS = `resolution, service, day, ${ROLLUP_READ_COLUMNS}`;
const VERDICT_TIME_COLUMNS = 'resolution, service, day, bucket, model, ver, write_id, judged, good, w, w2, wgood';

export const ROLLUP_TABLE: DeltaTable<RollupCellRow> = {
  name: 'rollup', dayExpr: 'day', dayOf: (r) => r.day, columns: ROLLUP_COLUMNS, cellOrder: 'resolution, service, bucket, model, attr, value',
  fold: (rows, ver, writeId) => Promise.resolve(foldRollups(rows, true).map(({ row: r, acc }) => rollupRow(
    { resolution: r.resolution, service: r.service, bucket: r.bucket, model: r.model, attr: r.attr, value: r.value, cell: acc }, ver, writeId))),
};

export const VERDICT_TIME_TABLE: DeltaTable<VerdictTimeCellRow> = {
  name: 'verdict_time', dayExpr: 'day', dayOf: (r) => r.day, columns: VERDICT_TIME_COLUMNS, cellOrder: 'resolution, service, bucket, model',
  fold: (rows, ver, writeId) => Promise.resolve(foldVerdictTime(rows).map(({ row: r, acc }) => verdictTimeRow(r.resolution, r.service, r.bucket, r.model, acc, ver, writeId))),
};

export class ClickHouseRollups {
  readonly #db: Db;
  readonly #compactions: Compactions;

  constructor(db: Db, compactions: Compactions) {
    this.#db = db;
    this.#compactions = compactions;
  }

  /** O(cells + deltas newer than the day's compaction): compaction keeps the second term small. */
  async readRollups(q: RollupQuery): Promise<RollupRow[]> {
    const days = { from: dayOf(q.from), to: dayOf(q.to) };
    const winners = await this.#compactions.winners('rollup', days);
    const rows = await this.#db.rows<RollupCellRow>(`SELECT ${ROLLUP_COLUMNS} FROM ${this.#db.table('rollup')}
      WHERE service = ${str(q.service)} AND resolution = ${str(q.resolution)} AND bucket >= ${int(q.from)} AND bucket < ${int(q.to)}
        AND day >= ${int(days.from)} AND day <= ${int(days.to)}${q.cohorts ? '' : " AND attr = ''"}
        AND ${this.#compactions.liveCondition('day', winners)}
      ORDER BY bucket, model, attr, value, ver, write_id`, 'reading rollups');
    const counted = await this.#compactions.visible(rows, (r) => r.day, winners);
    return foldRollups(counted, q.sketches ?? true).map(({ row: r, acc }) => ({ bucket: r.bucket, model: r.model, attr: r.attr, value: r.value, cell: acc }));
  }

  async readVerdictTime(service: string, resolution: Resolution, from: number, to: number): Promise<VerdictTimeRow[]> {
    const days = { from: dayOf(from), to: dayOf(to) };
    const winners = await this.#compactions.winners('verdict_time', days);
    const rows = await this.#db.rows<VerdictTimeCellRow>(`SELECT ${VERDICT_TIME_COLUMNS} FROM ${this.#db.table('verdict_time')}
      WHERE service = ${str(service)} AND resolution = ${str(resolution)} AND bucket >= ${int(from)} AND bucket < ${int(to)}
        AND day >= ${int(days.from)} AND day <= ${int(days.to)} AND ${this.#compactions.liveCondition('day', winners)}
      ORDER BY bucket, model, ver, write_id`, 'reading verdict-time rows');
    const counted = await this.#compactions.visible(rows, (r) => r.day, winners);
    return foldVerdictTime(counted).map(({ row: r, acc }) => ({ bucket: r.bucket, model: r.model, quality: acc }));
  }

  async listCohortValues(service: string): Promise<CohortRef[]> {
    // A write's rows of one day share its version, so one (day, value, write) group decides like its rows would.
    const [winners, rows] = await Promise.all([
      this.#compactions.winners('rollup'),
      this.#db.rows<{ day: number; attr: string; value: string; write_id: string; ver: number }>(`SELECT day, attr, value, write_id, any(ver) AS ver
        FROM ${this.#db.table('rollup')} WHERE service = ${str(service)} AND resolution = 'd' AND attr != '' GROUP BY day, attr, value, write_id`,
      'listing cohort values'),
    ]);
    const seen = new Map<string, CohortRef>();
    for (const r of await this.#compactions.visible(rows, (x) => x.day, winners)) seen.set(`${r.attr}\u0000${r.value}`, { attr: r.attr, value: r.value });
    return [...seen.values()].sort((a, b) => (a.attr < b.attr ? -1 : a.attr > b.attr ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
}
