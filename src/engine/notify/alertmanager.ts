/**
 * Alertmanager v2 (`POST {base}/api/v2/alerts`, api/v2/openapi.yaml `postableAlerts`): an array of
 * `{labels, annotations, startsAt, endsAt, generatorURL}`. Alertmanager identifies an alert by its label
 * set, so `alert_id` is a label; it treats a firing alert as resolved once `endsAt` passes, so a firing
 * alert is re-sent every resend interval with `endsAt` = now + 4 × interval (Prometheus' rule), and the
 * resolve notice sets `endsAt` to the resolution time. Pure.
 */
import type { Alert } from '../../core/alerting/alert.ts';
import { hintText } from '../../core/alerting/hint-text.ts';
import type { Notice } from './notice.ts';
import { episodeStart } from './notice.ts';
import { alertsLink, iso, JSON_HEADERS, type EncodeContext, type HttpRequest } from './request.ts';

export function alertmanagerUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/api/v2/alerts`;
}

function labels(a: Alert): Record<string, string> {
  const l: Record<string, string> = {
    alertname: `mlslo_${a.kind}`, alert_id: a.id, service: a.service, severity: a.severity, route: a.route, kind: a.kind,
  };
  const k = a.key;
  switch (k.kind) {
    case 'burn': l.dimension = k.dimension; break;
    case 'quality':
      l.objective = k.objective;
      if (k.cohort !== undefined) l.cohort = `${k.cohort.attr}=${k.cohort.value}`;
      break;
    case 'drift': if (k.feature !== undefined) l.feature = k.feature; break;
    case 'eval':
      l.eval = k.evalName;
      if (k.segment !== undefined) l.segment = k.segment;
      break;
    case 'coverage': break;
  }
  return l;
}

export function encodeAlertmanager(n: Notice, base: string, ctx: EncodeContext): HttpRequest {
  const a = n.alert;
  const hint = hintText(a.hint);
  const endsAt = n.kind === 'resolved' && a.state.kind === 'resolved' ? a.state.resolvedAt
    : n.kind === 'resolved' ? n.at : ctx.now + 4 * ctx.resendMs;
  return {
    url: alertmanagerUrl(base),
    headers: { ...JSON_HEADERS },
    body: [{
      labels: labels(a),
      annotations: { summary: a.summary, ...(hint === undefined ? {} : { hint }) },
      startsAt: iso(episodeStart(a.state, n.at)),
      endsAt: iso(endsAt),
      generatorURL: alertsLink(ctx.baseUrl, a.service),
    }],
  };
}
