/**
 * Drift baselines, histogram cells and the drift folder's state on ClickHouse. Cells are delta rows like
 * rollups: mergeDriftCells inserts the batch's histograms and the new folder state under one write id and
 * commits it (commit-log.ts), so the state's feed position and the cells it folded become visible together.
 * A read adds a cell's visible deltas (compaction.ts) with core's mergeInto; the compactor uses the same fold.
 */
import { decodeHistogram, encodeHistogram, mergeInto, type FeatureHistogram } from '../../core/drift/histogram.ts';
import type { BaselineMeta, BaselineRecord, BaselineValue, DriftCell, DriftCellQuery, NewBaseline } from '../port.ts';
import { decodeColumn, encodeColumn } from '../sqlite/baseline-codec.ts';
import type { CommitLog } from './commit-log.ts';
import type { Compactions, DeltaTable } from './compaction.ts';
import type { Db, Versions } from './db.ts';
import { dayOf } from './ingest-rows.ts';
import { int, str } from './sql.ts';
import { conflict, freshCondition } from './timing.ts';

interface BaselineRow {
  readonly id: string;
  readonly service: string;
  readonly model: string;
  readonly created_at: number;
  readonly rows: number;
  readonly features: string;
}

function baselineMeta(r: BaselineRow): BaselineMeta {
  return { id: r.id, service: r.service, model: r.model, createdAt: r.created_at, rows: r.rows, features: JSON.parse(r.features) as BaselineMeta['features'] };
}

interface CellRow {
  readonly service: string;
  readonly layout: string;
  readonly resolution: DriftCell['resolution'];
  readonly bucket: number;
  readonly attr: string;
  readonly value: string;
  readonly model: string;
  readonly feature: string;
  readonly ver: number;
  readonly write_id: string;
  readonly data: string;
}

const CELL_COLUMNS = 'service, layout, resolution, bucket, attr, value, model, feature, ver, write_id, data';
const cellKey = (r: CellRow): string => [r.service, r.layout, r.resolution, r.bucket, r.attr, r.value, r.model, r.feature].join('\u0000');

/**
 * Rows ordered by cell, then version, added per cell; rows of a layout older than its drop (`droppedBefore`
 * of their service and layout) are gone.
 */
function foldCells(rows: readonly CellRow[], droppedBefore: (r: CellRow) => number): Array<{ row: CellRow; hist: FeatureHistogram }> {
  const out: Array<{ row: CellRow; hist: FeatureHistogram; key: string }> = [];
  for (const r of rows) {
    if (r.ver < droppedBefore(r)) continue;
    const key = cellKey(r);
    const hist = decodeHistogram(Buffer.from(r.data, 'base64'));
    const last = out.at(-1);
    if (last !== undefined && last.key === key) mergeInto(last.hist, hist);
    else out.push({ row: r, hist, key });
  }
  return out;
}

function cellRow(c: Omit<DriftCell, 'hist'>, hist: FeatureHistogram, ver: number, writeId: string): object {
  return {
    service: c.service, layout: c.layout, resolution: c.resolution, bucket: c.bucket, attr: c.attr, value: c.value, model: c.model,
    feature: c.feature, ver, write_id: writeId, data: Buffer.from(encodeHistogram(hist)).toString('base64'),
  };
}

export class ClickHouseDrift {
  readonly #db: Db;
  readonly #log: CommitLog;
  readonly #compactions: Compactions;
  readonly #versions: Versions;

  constructor(db: Db, log: CommitLog, compactions: Compactions, versions: Versions) {
    this.#db = db;
    this.#log = log;
    this.#compactions = compactions;
    this.#versions = versions;
  }

  /** drift_cell as compaction sees it: days by bucket (the table has no day column), drops applied. */
  readonly table: DeltaTable<CellRow> = {
    name: 'drift_cell', dayExpr: 'intDiv(bucket, 86400000)', dayOf: (r) => dayOf(r.bucket), columns: CELL_COLUMNS,
    cellOrder: 'service, layout, resolution, bucket, attr, value, model, feature',
    fold: async (rows, ver, writeId) => {
      const drops = await this.#db.rows<{ service: string; keep: string; ver: number }>(`SELECT service, keep, ver FROM ${this.#db.table('drift_drop')}`,
        'reading drift drops');
      const droppedBefore = (r: CellRow): number => drops.reduce((v, d) => (d.service === r.service && d.keep !== r.layout ? Math.max(v, d.ver) : v), 0);
      return foldCells(rows, droppedBefore).map(({ row, hist }) => cellRow(row, hist, ver, writeId));
    },
  };

  // ---- baselines -----------------------------------------------------------------------------------

  /** Columns first, the baseline row last: a baseline is listed only once all its columns are stored. */
  async saveBaseline(b: NewBaseline): Promise<string> {
    const ver = this.#versions.take();
    const id = String(ver);
    // One insert per column keeps each request bounded by one column's size.
    for (const [feature, column] of Object.entries(b.values)) {
      await this.#db.insert('baseline_column', [{ baseline_id: id, feature, data: encodeColumn(column).toString('base64') }], 'saving a baseline');
    }
    await this.#db.insert('baseline', [{
      id, service: b.service, model: b.model, created_at: b.createdAt, rows: b.rows, features: JSON.stringify(b.features), ver,
    }], 'saving a baseline');
    return id;
  }

  /** Newest first: latest createdAt, then the later save. */
  async #baselines(service: string, model?: string): Promise<BaselineRow[]> {
    const of = model === undefined ? '' : ` AND model = ${str(model)}`;
    return this.#db.rows<BaselineRow>(`SELECT id, service, model, created_at, rows, features FROM ${this.#db.table('baseline')}
      WHERE service = ${str(service)}${of} ORDER BY created_at DESC, ver DESC`, 'reading baselines');
  }

  async getBaseline(service: string, model?: string): Promise<BaselineRecord | undefined> {
    const r = (model === undefined ? undefined : (await this.#baselines(service, model))[0]) ?? (await this.#baselines(service))[0];
    if (r === undefined) return undefined;
    const columns = await this.#db.rows<{ feature: string; data: string }>(`SELECT feature, data FROM ${this.#db.table('baseline_column')}
      WHERE baseline_id = ${str(r.id)}`, 'reading a baseline');
    const values: Record<string, BaselineValue[]> = {};
    for (const c of columns) values[c.feature] = decodeColumn(Buffer.from(c.data, 'base64'));
    return { ...baselineMeta(r), values };
  }

  async listBaselines(service: string): Promise<BaselineMeta[]> {
    return (await this.#baselines(service)).map(baselineMeta);
  }

  // ---- the folder's state and cells -----------------------------------------------------------------

  async loadDriftState(): Promise<string | undefined> {
    // Newest committed state; an uncommitted one (a crashed fold) is passed over.
    const rows = await this.#db.rows<{ write_id: string; state: string }>(`SELECT write_id, state FROM ${this.#db.table('drift_state')}
      ORDER BY ver DESC LIMIT 100`, 'loading the drift state');
    return (await this.#log.filter(rows))[0]?.state;
  }

  async mergeDriftCells(cells: readonly DriftCell[], state: string): Promise<void> {
    const ver = this.#versions.take();
    const writeId = `drift-${ver.toString(36)}`;
    await this.#db.insert('drift_cell', cells.map((c) => cellRow(c, c.hist, ver, writeId)), 'saving drift histograms');
    await this.#db.insert('drift_state', [{ ver, write_id: writeId, state }], 'saving the drift state');
    await this.#log.commit(writeId, ver);
  }

  async readDriftCells(q: DriftCellQuery): Promise<DriftCell[]> {
    const winners = await this.#compactions.winners('drift_cell', { from: dayOf(q.from), to: dayOf(q.to) });
    const [rows, dropped] = await Promise.all([
      this.#db.rows<CellRow>(`SELECT ${CELL_COLUMNS} FROM ${this.#db.table('drift_cell')}
        WHERE service = ${str(q.service)} AND layout = ${str(q.layout)} AND resolution = ${str(q.resolution)}
          AND bucket >= ${int(q.from)} AND bucket < ${int(q.to)}${q.cohorts ? '' : " AND attr = ''"}
          AND ${this.#compactions.liveCondition(this.table.dayExpr, winners)}
        ORDER BY bucket, attr, value, model, feature, ver, write_id`, 'reading drift histograms'),
      this.#droppedBefore(q.service, q.layout),
    ]);
    const counted = await this.#compactions.visible(rows, this.table.dayOf, winners);
    return foldCells(counted, () => dropped).map(({ row: r, hist }) => ({
      service: q.service, layout: q.layout, resolution: q.resolution, bucket: r.bucket, attr: r.attr, value: r.value, model: r.model, feature: r.feature, hist,
    }));
  }

  /** Cells of `layout` written before this version were dropped (the newest drop that did not keep it). */
  async #droppedBefore(service: string, layout: string): Promise<number> {
    const rows = await this.#db.rows<{ ver: number }>(`SELECT max(ver) AS ver FROM ${this.#db.table('drift_drop')}
      WHERE service = ${str(service)} AND keep != ${str(layout)}`, 'reading drift histograms');
    return rows[0]?.ver ?? 0;
  }

  /**
   * A drop is one row: every older cell of another layout stops counting at once. Like a commit row it
   * must land within the commit window of its version (timing.ts): a compaction that folded the layout's
   * cells up to a cutoff must not meet a drop older than that cutoff afterwards.
   */
  async dropDriftLayouts(service: string, keep: string): Promise<void> {
    const ver = this.#versions.take();
    const row = `service = ${str(service)} AND keep = ${str(keep)} AND ver = ${int(ver)}`;
    await this.#db.exec(`INSERT INTO ${this.#db.table('drift_drop')} (service, keep, ver)
      SELECT ${str(service)}, ${str(keep)}, toUInt64(${int(ver)}) FROM system.one WHERE ${freshCondition(this.#log.timing, ver)}`, 'dropping old drift histograms');
    const landed = await this.#db.rows<{ n: number }>(`SELECT count() AS n FROM ${this.#db.table('drift_drop')} WHERE ${row}`, 'dropping old drift histograms');
    if ((landed[0]?.n ?? 0) === 0) throw conflict('the drop took longer than the commit window; nothing was dropped');
  }
}
