/** The notification outbox of the memory adapter, with the SQLite adapter's semantics (port.ts). */
import type { DeliveryRecord, DeliveryResult, NewDelivery } from '../port.ts';

interface Row {
  seq: number;
  rec: DeliveryRecord;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class MemoryOutbox {
  readonly #rows = new Map<string, Row>();
  #seq = 0;

  #hasPending(d: NewDelivery): boolean {
    for (const { rec } of this.#rows.values()) {
      if (rec.status === 'pending' && rec.alertId === d.alertId && rec.channel === d.channel && rec.target === d.target) return true;
    }
    return false;
  }

  /** Checks every row first, so a bad one leaves the outbox (and the caller's transaction) untouched. */
  invalid(deliveries: readonly NewDelivery[]): Error | undefined {
    for (const d of deliveries) {
      for (const k of ['id', 'alertId', 'service', 'channel', 'target', 'payload', 'dedupKey'] as const) {
        if (typeof d[k] !== 'string') return new Error(`delivery.${k} must be a string`);
      }
      if (!Number.isFinite(d.createdAt) || !Number.isFinite(d.nextAttemptAt)) return new Error('delivery times must be numbers');
    }
    return undefined;
  }

  enqueue(deliveries: readonly NewDelivery[]): number {
    let added = 0;
    for (const d of deliveries) {
      if (this.#rows.has(d.id) || (d.skipIfPending === true && this.#hasPending(d))) continue;
      this.#rows.set(d.id, {
        seq: this.#seq++,
        rec: {
          id: d.id, alertId: d.alertId, service: d.service, channel: d.channel, target: d.target, payload: d.payload, dedupKey: d.dedupKey,
          createdAt: d.createdAt, nextAttemptAt: d.nextAttemptAt, attempts: 0, status: 'pending', lastError: undefined, deliveredAt: undefined,
        },
      });
      added++;
    }
    return added;
  }

  claim(now: number, limit: number, leaseUntil: number): DeliveryRecord[] {
    const heads = new Map<string, Row>();
    for (const row of this.#rows.values()) {
      const r = row.rec;
      if (r.status !== 'pending') continue;
      const k = `${r.alertId}\u0000${r.channel}\u0000${r.target}`;
      const h = heads.get(k);
      if (h === undefined || row.seq < h.seq) heads.set(k, row);
    }
    const due = [...heads.values()].filter((r) => r.rec.nextAttemptAt <= now)
      .sort((a, b) => a.rec.nextAttemptAt - b.rec.nextAttemptAt || a.seq - b.seq)
      .slice(0, Math.max(0, limit));
    const out = due.map((r) => ({ ...r.rec }));
    for (const r of due) r.rec = { ...r.rec, nextAttemptAt: leaseUntil };
    return out;
  }

  record(id: string, result: DeliveryResult): void {
    const row = this.#rows.get(id);
    if (row === undefined || row.rec.status !== 'pending') return;
    const next: Mutable<DeliveryRecord> = { ...row.rec, attempts: row.rec.attempts + 1 };
    switch (result.kind) {
      case 'delivered':
        next.status = 'delivered';
        next.deliveredAt = result.at;
        next.lastError = undefined;
        break;
      case 'retry':
        next.nextAttemptAt = result.nextAttemptAt;
        next.lastError = result.error;
        break;
      case 'failed':
        next.status = 'failed';
        next.lastError = result.error;
        break;
    }
    row.rec = next;
  }

  list(alertId: string): DeliveryRecord[] {
    return [...this.#rows.values()].filter((r) => r.rec.alertId === alertId).sort((a, b) => a.seq - b.seq).map((r) => ({ ...r.rec }));
  }
}
