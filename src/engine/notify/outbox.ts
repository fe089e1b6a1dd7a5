/**
 * Outbox rows for notices (DESIGN §2.9): one per target of the alert's route. The evaluator enqueues
 * them in the transaction that records the transition; the dispatcher enqueues Alertmanager resends.
 */
import { createHash } from 'node:crypto';
import type { Alert } from '../../core/alerting/alert.ts';
import type { NotifyTarget } from '../../core/spec.ts';
import type { NewDelivery } from '../../store/port.ts';
import { dedupKey, type Notice, type NoticeKind } from './notice.ts';
import { targetsOf, targetString, type ChannelTarget } from './targets.ts';

export function deliveryId(key: string, t: ChannelTarget): string {
  return createHash('sha256').update(`${key}\n${t.channel}\n${targetString(t)}`).digest('hex').slice(0, 32);
}

function row(n: Notice, t: ChannelTarget, at: number, skipIfPending: boolean): NewDelivery {
  return {
    id: deliveryId(n.dedupKey, t), alertId: n.alert.id, service: n.alert.service, channel: t.channel, target: targetString(t),
    payload: JSON.stringify(n), dedupKey: n.dedupKey, createdAt: at, nextAttemptAt: at, ...(skipIfPending ? { skipIfPending } : {}),
  };
}

/** The deliveries of a `fired` or `resolved` transition of `alert` (its state after the transition). */
export function deliveriesFor(alert: Alert, transition: Exclude<NoticeKind, 'refresh'>, route: NotifyTarget | undefined, at: number): NewDelivery[] {
  const n: Notice = { kind: transition, at, dedupKey: dedupKey(alert, transition, at), alert };
  return targetsOf(route).map((t) => row(n, t, at, false));
}

/**
 * Resends of a firing alert to the route's Alertmanager, one per resend slot (`floor(now / resendMs)`),
 * skipped while a delivery to that Alertmanager is still pending for the alert.
 */
export function resendsFor(alert: Alert, route: NotifyTarget | undefined, now: number, resendMs: number): NewDelivery[] {
  if (alert.state.kind !== 'firing') return [];
  const n: Notice = { kind: 'refresh', at: now, dedupKey: dedupKey(alert, 'refresh', now, Math.floor(now / resendMs)), alert };
  return targetsOf(route).filter((t) => t.channel === 'alertmanager').map((t) => row(n, t, now, true));
}
