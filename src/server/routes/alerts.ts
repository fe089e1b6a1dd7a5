/**
 * Alerts as last evaluated (issue 4): `GET /v1/alerts`, `GET /v1/services/{name}/alerts`, `GET /v1/alerts/history`,
 * and the delivery log of one alert's notifications, `GET /v1/alerts/{id}/deliveries` (id URL-encoded).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Alert } from '../../core/alerting/alert.ts';
import type { RetrainRequest } from '../../core/retrain.ts';
import type { NoticeKind, RetrainNotice } from '../../engine/notify/notice.ts';
import { redactTarget } from '../../engine/notify/targets.ts';
import type { DeliveryRecord } from '../../store/port.ts';
import type { ServerContext } from '../context.ts';
import { authorizedSpec, SERVICE_PARAMS } from './query.ts';
import { jsonResponses, keyWith, operation } from '../openapi.ts';
import {
  AlertHistoryResponseSchema, AlertsResponseSchema, DeliveriesResponseSchema, RetrainHistoryResponseSchema,
  type AlertHistoryResponse, type AlertsResponse, type DeliveriesResponse, type Delivery, type RetrainHistoryResponse, type RetrainRequestJson,
} from '../schemas/alerts.ts';
import { wire, type DeepReadonly } from '../wire.ts';

interface HistoryQuery {
  service?: string;
  limit?: string;
}

/** `?service=&limit=` of the history routes; query strings are text, so the limit is a digit pattern. */
const HISTORY_QUERY = {
  type: 'object', additionalProperties: false,
  properties: {
    service: { type: 'string', minLength: 1, description: 'Only this service (a scoped key reads only its own); default every service' },
    limit: { type: 'string', pattern: '^(?:[1-9][0-9]{0,2}|1000)$', description: 'The newest rows to return, 1 to 1000; default 100' },
  },
} as const;

const ALERT_PARAMS = {
  type: 'object', required: ['id'],
  properties: { id: { type: 'string', description: 'The alert\'s `id`, URL-encoded: it holds `/`' } },
} as const;

/** The service a history read may cover (the key's own when it is scoped) and how many rows. */
async function historyScope(ctx: ServerContext, req: FastifyRequest<{ Querystring: HistoryQuery }>): Promise<{ service?: string; limit: number }> {
  const key = await ctx.auth.require(req, ['read'], req.query.service);
  const service = req.query.service ?? key.service;
  return { ...(service === undefined ? {} : { service }), limit: req.query.limit === undefined ? 100 : Number(req.query.limit) };
}

export function alertRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/v1/alerts', {
    schema: {
      ...operation({
        id: 'listAlerts', tag: 'alerts', summary: 'Pending and firing alerts, as last evaluated', security: keyWith('read'),
        description: 'Burn-rate, quality and drift alerts, a union on `kind`, each with its evidence, state and a hint (docs/alerting.md). A scoped key sees its service\'s only.',
      }),
      response: jsonResponses('The alerts', AlertsResponseSchema),
    },
  }, async (req) => {
    const key = await ctx.auth.require(req, ['read']);
    const alerts = (await ctx.alerts()).filter((a) => key.service === undefined || a.service === key.service);
    return wire<AlertsResponse>()({ alerts });
  });

  app.get<{ Params: { name: string } }>('/v1/services/:name/alerts', {
    schema: {
      ...operation({ id: 'listServiceAlerts', tag: 'alerts', summary: 'Pending and firing alerts of one service', security: keyWith('read') }),
      params: SERVICE_PARAMS,
      response: jsonResponses('The service\'s alerts', AlertsResponseSchema),
    },
  }, async (req) => {
    await authorizedSpec(ctx, req, ['read'], req.params.name);
    return wire<AlertsResponse>()({ alerts: (await ctx.alerts()).filter((a) => a.service === req.params.name) });
  });

  app.get<{ Querystring: HistoryQuery }>('/v1/alerts/history', {
    schema: {
      ...operation({
        id: 'getAlertHistory', tag: 'alerts', summary: 'Alert transitions, newest first', security: keyWith('read'),
        description: 'Each time an alert fired or resolved, with the alert as it was then.',
      }),
      querystring: HISTORY_QUERY,
      response: jsonResponses('The transitions', AlertHistoryResponseSchema),
    },
  }, async (req) => {
    const rows = await ctx.store.alertHistory(await historyScope(ctx, req));
    // The body is the alert as it was at the transition (engine/evaluator.ts stores condition + state).
    return wire<AlertHistoryResponse>()({
      transitions: rows.map((r) => ({ alertId: r.alertId, service: r.service, at: new Date(r.at).toISOString(), transition: r.transition, alert: JSON.parse(r.body) as Alert })),
    });
  });

  app.get<{ Params: { id: string } }>('/v1/alerts/:id/deliveries', {
    schema: {
      ...operation({
        id: 'listAlertDeliveries', tag: 'alerts', summary: 'The notifications sent for one alert', security: keyWith('read'),
        description: 'The delivery log of the alert\'s notices per channel: status, attempts, next attempt and last error, with targets redacted (docs/notifications.md).',
      }),
      params: ALERT_PARAMS,
      response: jsonResponses('The deliveries', DeliveriesResponseSchema),
    },
  }, async (req) => {
    const id = req.params.id;
    // An alert id starts with its service, escaped (core/alerting/alert-id.ts): scope checks need no lookup.
    const first = id.split('/')[0] ?? '';
    const service = first.replace(/%2F/gi, '/').replace(/%3D/gi, '=').replace(/%25/g, '%');
    await ctx.auth.require(req, ['read'], service);
    const rows = (await ctx.store.listDeliveries(id)).filter((r) => r.service === service);
    const body: DeepReadonly<DeliveriesResponse> = { alertId: id, deliveries: rows.map(deliveryJson) };
    return body;
  });

  app.get<{ Querystring: HistoryQuery }>('/v1/retrain', {
    schema: {
      ...operation({
        id: 'listRetrainRequests', tag: 'alerts', summary: 'Retraining requests sent to the training webhook, newest first', security: keyWith('read'),
        description: 'The event is named `type` here; the webhook receives the same request as `event`, with a `version` and a `dedupKey` (docs/api.md, "Oddities").',
      }),
      querystring: HISTORY_QUERY,
      response: jsonResponses('The retraining requests', RetrainHistoryResponseSchema),
    },
  }, async (req) => {
    const rows = await ctx.store.retrainHistory(await historyScope(ctx, req));
    // Stored by engine/retrain-trigger.ts as the service and the core request (epoch ms).
    const body: DeepReadonly<RetrainHistoryResponse> = { requests: rows.map((r) => retrainJson(JSON.parse(r.body) as StoredRetrain)) };
    return body;
  });
}

type StoredRetrain = { readonly service: string } & RetrainRequest;

/** A stored retrain request with ISO times, as the training webhook receives them (engine/notify/retrain.ts). */
function retrainJson(r: StoredRetrain): DeepReadonly<RetrainRequestJson> {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    service: r.service,
    type: r.type,
    at: iso(r.at),
    reasons: r.reasons.map((x) => (x.kind === 'drift' ? { ...x, since: iso(x.since) } : x)),
    suggestedDataWindow: { from: iso(r.suggestedDataWindow.from), to: iso(r.suggestedDataWindow.to) },
    cohorts: r.cohorts,
  };
}

function deliveryJson(r: DeliveryRecord): DeepReadonly<Delivery> {
  const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
  // Every payload the outbox stores is a notice (engine/notify/notice.ts).
  const notice = JSON.parse(r.payload) as { readonly kind: NoticeKind | RetrainNotice['kind'] };
  return {
    id: r.id, channel: r.channel, target: redactTarget(r.channel, r.target), notice: notice.kind, dedupKey: r.dedupKey,
    status: r.status, attempts: r.attempts, createdAt: new Date(r.createdAt).toISOString(),
    nextAttemptAt: r.status === 'pending' ? iso(r.nextAttemptAt) : null, deliveredAt: iso(r.deliveredAt), lastError: r.lastError ?? null,
  };
}
