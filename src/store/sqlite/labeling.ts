/**
 * The labeling queue in SQLite (DESIGN §2.8): statements and the logic behind the port's methods. Lease
 * and action each run in one IMMEDIATE transaction, so two labelers can never take the same item or both
 * act on it past its lease.
 */
import type Database from 'better-sqlite3';
import type { LabelActionRecord, LabelItemRecord, LeaseOutcome, NewLabelItem } from '../port.ts';
import {
  LABEL_ACTION_COLUMNS, LABEL_ITEM_COLUMNS, labelActionFromDb, labelItemFromDb, type LabelActionDbRow, type LabelItemDbRow,
} from './label-rows.ts';
import { parseRowId } from './row-id.ts';
import type { Stmt } from './statements.ts';

export interface LabelStatements {
  readonly insertItem: Stmt;
  readonly getItem: Stmt;
  readonly ownLease: Stmt;
  readonly nextFree: Stmt;
  readonly lease: Stmt;
  readonly hasActed: Stmt;
  readonly insertAction: Stmt;
  readonly applyAction: Stmt;
  readonly actions: Stmt;
  readonly items: Stmt;
}

/** `@services` is a JSON array of service names. */
const IN_SERVICES = 'service IN (SELECT value FROM json_each(@services))';
/** Must repeat label_item_open's WHERE for SQLite to use that index. */
const OPEN = 'flagged = 0 AND labels < needed';

export function prepareLabelStatements(db: Database.Database): LabelStatements {
  return {
    insertItem: db.prepare(`INSERT INTO label_item (service, request_id, day, created_at, sampling_prob, stratum, needed, request)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (service, request_id) DO NOTHING`),
    getItem: db.prepare(`SELECT ${LABEL_ITEM_COLUMNS} FROM label_item WHERE id = ?`),
    ownLease: db.prepare(`SELECT ${LABEL_ITEM_COLUMNS} FROM label_item i WHERE leased_by = @labeler AND leased_until > @now
      AND ${IN_SERVICES} AND ${OPEN}
      AND NOT EXISTS (SELECT 1 FROM label_action a WHERE a.item_id = i.id AND a.labeler = @labeler)
      ORDER BY created_at, id LIMIT 1`),
    nextFree: db.prepare(`SELECT ${LABEL_ITEM_COLUMNS} FROM label_item i WHERE ${IN_SERVICES} AND ${OPEN}
      AND (leased_until IS NULL OR leased_until <= @now)
      AND NOT EXISTS (SELECT 1 FROM label_action a WHERE a.item_id = i.id AND a.labeler = @labeler)
      ORDER BY created_at, id LIMIT 1`),
    lease: db.prepare('UPDATE label_item SET leased_by = ?, leased_until = ? WHERE id = ?'),
    hasActed: db.prepare('SELECT 1 FROM label_action WHERE item_id = ? AND labeler = ? LIMIT 1').pluck(),
    insertAction: db.prepare(`INSERT INTO label_action (${LABEL_ACTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    applyAction: db.prepare(`UPDATE label_item SET leased_by = NULL, leased_until = NULL, labels = labels + ?,
      flagged = MAX(flagged, ?) WHERE id = ?`),
    actions: db.prepare(`SELECT ${LABEL_ACTION_COLUMNS} FROM label_action WHERE service = ? AND at >= ? AND at < ? ORDER BY at, seq`),
    items: db.prepare(`SELECT ${LABEL_ITEM_COLUMNS} FROM label_item WHERE service = ? AND day >= ? AND day < ?
      ORDER BY created_at, id LIMIT ?`),
  };
}

export function enqueueLabelItems(db: Database.Database, st: LabelStatements, items: readonly NewLabelItem[]): number {
  return db.transaction(() => {
    let added = 0;
    for (const i of items) {
      added += st.insertItem.run(i.service, i.requestId, i.day, i.createdAt, i.samplingProb, i.stratum, i.needed, i.request).changes;
    }
    return added;
  }).immediate();
}

export function leaseLabelItem(db: Database.Database, st: LabelStatements, services: readonly string[], labeler: string, now: number, leaseUntil: number): LabelItemRecord | undefined {
  if (services.length === 0) return undefined;
  return db.transaction(() => {
    const q = { services: JSON.stringify(services), labeler, now };
    const row = (st.ownLease.get(q) ?? st.nextFree.get(q)) as LabelItemDbRow | undefined;
    if (row === undefined) return undefined;
    st.lease.run(labeler, leaseUntil, row.id);
    return labelItemFromDb({ ...row, leased_by: labeler, leased_until: leaseUntil });
  }).immediate();
}

export function getLabelItem(st: LabelStatements, id: string): LabelItemRecord | undefined {
  const rowId = parseRowId(id);
  const r = rowId === undefined ? undefined : st.getItem.get(rowId) as LabelItemDbRow | undefined;
  return r === undefined ? undefined : labelItemFromDb(r);
}

export function recordLabelAction(db: Database.Database, st: LabelStatements, a: LabelActionRecord, now: number): LeaseOutcome {
  const rowId = parseRowId(a.itemId);
  if (rowId === undefined) return { kind: 'not_found' };
  return db.transaction((): LeaseOutcome => {
    const item = st.getItem.get(rowId) as LabelItemDbRow | undefined;
    if (item === undefined || item.service !== a.service) return { kind: 'not_found' };
    if (item.leased_by !== null && item.leased_by !== a.labeler && item.leased_until !== null && item.leased_until > now) {
      return { kind: 'conflict', reason: 'another labeler holds the lease on this item' };
    }
    if (st.hasActed.get(rowId, a.labeler) !== undefined) return { kind: 'conflict', reason: 'this labeler already acted on this item' };
    st.insertAction.run(rowId, a.service, a.requestId, a.labeler, a.at, a.action, a.label, a.note);
    st.applyAction.run(a.action === 'label' ? 1 : 0, a.action === 'flag' ? 1 : 0, rowId);
    return { kind: 'ok' };
  }).immediate();
}

export function listLabelActions(st: LabelStatements, service: string, q: { readonly from?: number; readonly to?: number } = {}): LabelActionRecord[] {
  const rows = st.actions.all(service, q.from ?? Number.MIN_SAFE_INTEGER, q.to ?? Number.MAX_SAFE_INTEGER) as LabelActionDbRow[];
  return rows.map(labelActionFromDb);
}

export function listLabelItems(st: LabelStatements, service: string, q: { readonly fromDay: number; readonly toDay: number; readonly limit: number }): LabelItemRecord[] {
  return (st.items.all(service, q.fromDay, q.toDay, q.limit) as LabelItemDbRow[]).map(labelItemFromDb);
}
