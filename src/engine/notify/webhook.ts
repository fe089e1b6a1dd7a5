/**
 * Generic webhook (docs/notifications.md): the alert as `GET /v1/alerts` serves it, wrapped with the
 * notice's event, dedup key and times. Pure.
 */
import { hintText } from '../../core/alerting/hint-text.ts';
import type { Notice } from './notice.ts';
import { episodeStart } from './notice.ts';
import { alertsLink, iso, JSON_HEADERS, type EncodeContext, type HttpRequest } from './request.ts';

export function encodeWebhook(n: Notice, url: string, ctx: EncodeContext): HttpRequest {
  const a = n.alert;
  const resolvedAt = a.state.kind === 'resolved' ? iso(a.state.resolvedAt) : null;
  return {
    url,
    // Header values must be ByteStrings; ids may hold any cohort value, so the key is percent-encoded.
    headers: { ...JSON_HEADERS, 'idempotency-key': encodeURIComponent(n.dedupKey) },
    body: {
      version: 'mlslo.notification/v1',
      event: n.kind === 'resolved' ? 'alert.resolved' : 'alert.fired',
      dedupKey: n.dedupKey,
      at: iso(n.at),
      alertId: a.id,
      service: a.service,
      kind: a.kind,
      severity: a.severity,
      route: a.route,
      summary: a.summary,
      hint: hintText(a.hint) ?? null,
      firingSince: iso(episodeStart(a.state, n.at)),
      resolvedAt,
      link: alertsLink(ctx.baseUrl, a.service),
      alert: a,
    },
  };
}
