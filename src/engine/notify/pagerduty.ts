/**
 * PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
 * `POST /v2/enqueue` with `routing_key`, `event_action` trigger|resolve and `dedup_key` = the alert id, so
 * a resolve closes the incident its trigger opened and retries never open a second one. Trigger events
 * carry `payload.summary` (≤ 1024 chars), `source`, `severity` (critical for page, warning for ticket) and
 * `custom_details`; resolve events need only the key. Pure.
 */
import { createHash } from 'node:crypto';
import { hintText } from '../../core/alerting/hint-text.ts';
import type { Notice } from './notice.ts';
import { episodeStart } from './notice.ts';
import { alertsLink, iso, JSON_HEADERS, type EncodeContext, type HttpRequest } from './request.ts';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** PagerDuty caps dedup_key at 255 characters: longer ids keep a prefix and a hash of the whole. */
export function pagerdutyDedupKey(alertId: string): string {
  if (alertId.length <= 255) return alertId;
  return `${alertId.slice(0, 200)}#${createHash('sha256').update(alertId).digest('hex').slice(0, 40)}`;
}

export function encodePagerDuty(n: Notice, routingKey: string, ctx: EncodeContext): HttpRequest {
  const a = n.alert;
  const base = { routing_key: routingKey, dedup_key: pagerdutyDedupKey(a.id) };
  if (n.kind === 'resolved') return { url: ctx.pagerdutyUrl, headers: { ...JSON_HEADERS }, body: { ...base, event_action: 'resolve' } };
  const summary = `[${a.severity}] ${a.service}: ${a.summary}`;
  return {
    url: ctx.pagerdutyUrl,
    headers: { ...JSON_HEADERS },
    body: {
      ...base,
      event_action: 'trigger',
      client: 'mlslo',
      client_url: alertsLink(ctx.baseUrl, a.service),
      payload: {
        summary: summary.length <= 1024 ? summary : `${summary.slice(0, 1023)}…`,
        source: `mlslo/${a.service}`,
        severity: a.severity === 'page' ? 'critical' : 'warning',
        timestamp: iso(episodeStart(a.state, n.at)),
        component: a.service,
        group: a.route,
        class: a.kind,
        custom_details: { alert_id: a.id, route: a.route, hint: hintText(a.hint) ?? null, evidence: a.evidence },
      },
    },
  };
}
