/** The outbox's `delivery` rows (migration 5) to and from port.ts DeliveryRecord. */
import type { ChannelKind, DeliveryRecord, DeliveryStatus } from '../port.ts';

export const DELIVERY_COLUMNS = `id, alert_id, service, channel, target, payload, dedup_key, created_at, next_attempt_at,
  attempts, status, last_error, delivered_at`;

export interface DeliveryDbRow {
  readonly id: string;
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
}

export function deliveryFromDb(r: DeliveryDbRow): DeliveryRecord {
  return {
    id: r.id,
    alertId: r.alert_id,
    service: r.service,
    channel: r.channel as ChannelKind,
    target: r.target,
    payload: r.payload,
    dedupKey: r.dedup_key,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
    attempts: r.attempts,
    status: r.status as DeliveryStatus,
    lastError: r.last_error ?? undefined,
    deliveredAt: r.delivered_at ?? undefined,
  };
}
