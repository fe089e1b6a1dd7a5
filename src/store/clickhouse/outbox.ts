/**
 * Alerts, the notification outbox and the retraining trigger on ClickHouse. Mutable rows are
 * ReplacingMergeTree(ver): a change inserts the row's next version, reads take the newest (FINAL).
 *
 * No multi-table transactions: saveAlerts and saveRetrain check every row first (a bad row saves
 * nothing), then insert the deliveries before the transitions/requests and those before the states. A
 * crash in between leaves notices queued whose cause the evaluator recomputes on its next pass; their
 * ids are deterministic (port.ts NewDelivery), so they are not queued twice. At least once, never lost.
 *
 * Claims are not compare-and-set: claimDeliveries writes each claimed row's next version with this
 * process's claim token, reads the rows back and keeps those whose newest version carries its token.
 * One evaluator always wins its claims. Two evaluators claiming the same row at the same moment can both
 * win it (each reads its own version back before the other's lands): the notice goes out twice with the
 * same dedup key, which receivers (Alertmanager, PagerDuty) collapse. A row is never lost: a claim only
 * moves `next_attempt_at` to the lease's end.
 */
import { randomBytes } from 'node:crypto';
import type {
  AlertRecord, AlertTransitionRecord, ChannelKind, DeliveryRecord, DeliveryResult, DeliveryStatus, NewDelivery, RetrainRequestRecord,
} from '../port.ts';
import type { Db, Versions } from './db.ts';
import { chunks, int, str, strList } from './sql.ts';

interface DeliveryRow {
  readonly id: string;
  readonly seq: number;
  readonly alert_id: string;
  readonly service: string;
  readonly channel: string;
  readonly target: string;
  readonly payload: string;
  readonly dedup_key: string;
  readonly created_at: number;
  readonly next_attempt_at: number;
  readonly attempts: number;
  readonly status: string;
  readonly last_error: string | null;
  readonly delivered_at: number | null;
  readonly claimed_by: string;
  readonly ver: number;
}

const DELIVERY_COLUMNS = `id, seq, alert_id, service, channel, target, payload, dedup_key, created_at, next_attempt_at, attempts, status,
  last_error, delivered_at, claimed_by, ver`;

function deliveryRecord(r: DeliveryRow): DeliveryRecord {
  return {
    id: r.id, alertId: r.alert_id, service: r.service, channel: r.channel as ChannelKind, target: r.target, payload: r.payload,
    dedupKey: r.dedup_key, createdAt: r.created_at, nextAttemptAt: r.next_attempt_at, attempts: r.attempts,
    status: r.status as DeliveryStatus, lastError: r.last_error ?? undefined, deliveredAt: r.delivered_at ?? undefined,
  };
}

/** The port's records are typed, but they come from engine JSON: a bad row must fail before anything is written. */
function checkDeliveries(deliveries: readonly NewDelivery[]): void {
  for (const d of deliveries) {
    for (const k of ['id', 'alertId', 'service', 'channel', 'target', 'payload', 'dedupKey'] as const) {
      if (typeof d[k] !== 'string') throw new TypeError(`delivery.${k} must be a string`);
    }
    if (!Number.isSafeInteger(d.createdAt) || !Number.isSafeInteger(d.nextAttemptAt)) throw new TypeError('delivery times must be integers (epoch ms)');
  }
}

function headKey(r: { readonly alert_id: string; readonly channel: string; readonly target: string }): string {
  return `${r.alert_id}\u0000${r.channel}\u0000${r.target}`;
}

export class ClickHouseOutbox {
  readonly #db: Db;
  readonly #versions: Versions;
  /** This process's claims (claimDeliveries). */
  readonly #claimer = randomBytes(8).toString('hex');

  constructor(db: Db, versions: Versions) {
    this.#db = db;
    this.#versions = versions;
  }

  // ---- alerts --------------------------------------------------------------------------------------

  async loadAlerts(): Promise<AlertRecord[]> {
    return this.#db.rows<AlertRecord>(`SELECT id, service, state, body, updated_at AS updatedAt FROM ${this.#db.table('alert')} FINAL ORDER BY id`,
      'loading alerts');
  }

  async saveAlerts(alerts: readonly AlertRecord[], transitions: readonly AlertTransitionRecord[], deliveries: readonly NewDelivery[]): Promise<void> {
    checkDeliveries(deliveries);
    await this.#enqueue(deliveries);
    const seq = this.#versions.take(transitions.length);
    await this.#db.insert('alert_transition', transitions.map((t, i) => ({
      alert_id: t.alertId, service: t.service, at: t.at, transition: t.transition, body: t.body, seq: seq + i,
    })), 'saving alert transitions');
    const ver = this.#versions.take();
    await this.#db.insert('alert', alerts.map((a) => ({ id: a.id, service: a.service, state: a.state, body: a.body, updated_at: a.updatedAt, ver })),
      'saving alerts');
  }

  async alertHistory(q: { readonly service?: string; readonly limit: number }): Promise<AlertTransitionRecord[]> {
    const where = q.service === undefined ? '' : `WHERE service = ${str(q.service)}`;
    return this.#db.rows<AlertTransitionRecord>(`SELECT alert_id AS alertId, service, at, transition, body FROM ${this.#db.table('alert_transition')}
      ${where} ORDER BY at DESC, seq DESC LIMIT ${int(Math.max(0, q.limit))}`, 'reading alert history');
  }

  // ---- deliveries ----------------------------------------------------------------------------------

  async enqueueDeliveries(deliveries: readonly NewDelivery[]): Promise<number> {
    checkDeliveries(deliveries);
    return this.#enqueue(deliveries);
  }

  /** Inserts the deliveries whose id is not stored (and, for skipIfPending, whose alert × target has nothing pending). */
  async #enqueue(deliveries: readonly NewDelivery[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    const stored = new Set<string>();
    for (const part of chunks([...new Set(deliveries.map((d) => d.id))], 1000)) {
      const rows = await this.#db.rows<{ id: string }>(`SELECT id FROM ${this.#db.table('delivery')} WHERE id IN ${strList(part)}`, 'enqueueing notifications');
      for (const r of rows) stored.add(r.id);
    }
    const resends = deliveries.filter((d) => d.skipIfPending === true);
    const pending = resends.length === 0 ? new Set<string>() : new Set((await this.#pending(new Set(resends.map((d) => d.alertId)))).map(headKey));
    const add: object[] = [];
    const seq = this.#versions.take(deliveries.length);
    const ver = this.#versions.take();
    deliveries.forEach((d, i) => {
      const head = headKey({ alert_id: d.alertId, channel: d.channel, target: d.target });
      if (stored.has(d.id) || (d.skipIfPending === true && pending.has(head))) return;
      stored.add(d.id);
      pending.add(head);
      add.push({
        id: d.id, seq: seq + i, alert_id: d.alertId, service: d.service, channel: d.channel, target: d.target, payload: d.payload,
        dedup_key: d.dedupKey, created_at: d.createdAt, next_attempt_at: d.nextAttemptAt, attempts: 0, status: 'pending',
        last_error: null, delivered_at: null, claimed_by: '', ver,
      });
    });
    await this.#db.insert('delivery', add, 'enqueueing notifications');
    return add.length;
  }

  /** Pending deliveries (newest versions), of the given alerts or of all. */
  async #pending(alerts?: ReadonlySet<string>): Promise<DeliveryRow[]> {
    const of = alerts === undefined ? '' : ` AND alert_id IN ${strList(alerts)}`;
    return this.#db.rows<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM ${this.#db.table('delivery')} FINAL WHERE status = 'pending'${of}`,
      'reading pending notifications');
  }

  async claimDeliveries(now: number, limit: number, leaseUntil: number): Promise<DeliveryRecord[]> {
    const heads = new Map<string, DeliveryRow>();
    for (const r of await this.#pending()) {
      const h = heads.get(headKey(r));
      if (h === undefined || r.seq < h.seq) heads.set(headKey(r), r);
    }
    const due = [...heads.values()].filter((r) => r.next_attempt_at <= now)
      .sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.seq - b.seq)
      .slice(0, Math.max(0, limit));
    if (due.length === 0) return [];
    const ver = this.#versions.take();
    await this.#db.insert('delivery', due.map((r) => ({ ...r, next_attempt_at: leaseUntil, claimed_by: this.#claimer, ver })), 'claiming notifications');
    const mine = new Set((await this.#byIds(due.map((r) => r.id))).filter((r) => r.claimed_by === this.#claimer && r.ver === ver).map((r) => r.id));
    return due.filter((r) => mine.has(r.id)).map(deliveryRecord);
  }

  async #byIds(ids: readonly string[]): Promise<DeliveryRow[]> {
    const out: DeliveryRow[] = [];
    for (const part of chunks([...new Set(ids)], 1000)) {
      out.push(...await this.#db.rows<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM ${this.#db.table('delivery')} FINAL WHERE id IN ${strList(part)}`,
        'reading notifications'));
    }
    return out;
  }

  async recordDelivery(id: string, result: DeliveryResult): Promise<void> {
    const [row] = await this.#byIds([id]);
    if (row === undefined || row.status !== 'pending') return; // unknown, or settled: a late result changes nothing
    const next = { ...row, attempts: row.attempts + 1, ver: this.#versions.take() };
    switch (result.kind) {
      case 'delivered': Object.assign(next, { status: 'delivered', delivered_at: result.at, last_error: null }); break;
      case 'retry': Object.assign(next, { next_attempt_at: result.nextAttemptAt, last_error: result.error }); break;
      case 'failed': Object.assign(next, { status: 'failed', last_error: result.error }); break;
    }
    await this.#db.insert('delivery', [next], 'recording a notification attempt');
  }

  async listDeliveries(alertId: string): Promise<DeliveryRecord[]> {
    const rows = await this.#db.rows<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM ${this.#db.table('delivery')} FINAL
      WHERE alert_id = ${str(alertId)} ORDER BY seq`, 'listing notifications');
    return rows.map(deliveryRecord);
  }

  // ---- retraining ----------------------------------------------------------------------------------

  async loadRetrainStates(): Promise<Array<{ readonly service: string; readonly state: string }>> {
    return this.#db.rows(`SELECT service, state FROM ${this.#db.table('retrain_state')} FINAL ORDER BY service`, 'loading retrain states');
  }

  async saveRetrain(service: string, state: string, request: RetrainRequestRecord | undefined, deliveries: readonly NewDelivery[]): Promise<void> {
    checkDeliveries(deliveries);
    await this.#enqueue(deliveries);
    if (request !== undefined) {
      await this.#db.insert('retrain_request', [{ service: request.service, at: request.at, body: request.body, seq: this.#versions.take() }],
        'saving a retrain request');
    }
    await this.#db.insert('retrain_state', [{ service, state, ver: this.#versions.take() }], 'saving a retrain state');
  }

  async retrainHistory(q: { readonly service?: string; readonly limit: number }): Promise<RetrainRequestRecord[]> {
    const where = q.service === undefined ? '' : `WHERE service = ${str(q.service)}`;
    return this.#db.rows<RetrainRequestRecord>(`SELECT service, at, body FROM ${this.#db.table('retrain_request')} ${where}
      ORDER BY at DESC, seq DESC LIMIT ${int(Math.max(0, q.limit))}`, 'reading retrain requests');
  }
}
