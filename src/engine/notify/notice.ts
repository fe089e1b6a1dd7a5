/**
 * A notice: what one outbox row tells its target (DESIGN §2.9). Stored as the row's payload JSON; the
 * channel encoders turn it into an HTTP request at send time.
 *
 * Dedup key `<alert id>#<firingSince>:<fired|resolved>` names one notice of one firing episode, the same
 * for every target; an Alertmanager resend adds `:refresh:<slot>` (one per resend interval).
 */
import type { Alert } from '../../core/alerting/alert.ts';
import type { AlertState } from '../../core/alerting/alert-state.ts';
import type { RetrainRequest } from '../../core/retrain.ts';

export type NoticeKind = 'fired' | 'resolved' | 'refresh';

export interface Notice {
  readonly kind: NoticeKind;
  /** When the transition happened (evaluation time), or when the resend was enqueued. */
  readonly at: number;
  readonly dedupKey: string;
  readonly alert: Alert;
}

/** Start of the firing episode the state belongs to (`at` for states that never fired). */
export function episodeStart(state: AlertState, at: number): number {
  return state.kind === 'firing' || state.kind === 'resolved' ? state.firingSince : at;
}

export function dedupKey(alert: Alert, kind: NoticeKind, at: number, slot?: number): string {
  const base = `${alert.id}#${episodeStart(alert.state, at)}`;
  return kind === 'refresh' ? `${base}:refresh:${slot ?? 0}` : `${base}:${kind}`;
}

/** A `retrain.requested` event for a service's training webhook (core/retrain.ts). */
export interface RetrainNotice {
  readonly kind: 'retrain';
  readonly at: number;
  readonly dedupKey: string;
  readonly service: string;
  readonly request: RetrainRequest;
}

/** What an outbox row holds: an alert notice, or a retrain request. */
export type OutboxNotice = Notice | RetrainNotice;

export function parseNotice(payload: string): OutboxNotice {
  return JSON.parse(payload) as OutboxNotice;
}
