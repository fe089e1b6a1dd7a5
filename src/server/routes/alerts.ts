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
import { specOf } from './query.ts';
import type {
  AlertHistoryResponse, AlertsResponse, DeliveriesResponse, Delivery, RetrainHistoryResponse, RetrainRequestJson,
} from '../schemas/alerts.ts';
import { wire, type DeepReadonly } from '../wire.ts';

interface HistoryQuery {
  service?: string;
  limit?: string;
}

/** `?service=&limit=` of the history routes; query strings are text, so the limit is a digit pattern. */
const HISTORY_QUERY = {
  type: 'object', additionalProperties: false,
  properties: { service: { type: 'string', minLength: 1 }, limit: { type: 'string', pattern: '^(?:[1-9][0-9]{0,2}|1000)$' } },
} as const;

/** The service a history read may cover (the key's own when it is scoped) and how many rows. */
async function historyScope(ctx: ServerContext, req: FastifyRequest<{ Querystring: HistoryQuery }>): Promise<{ service?: string; limit: number }> {
  const key = await ctx.auth.require(req, ['read'], req.query.service);
  const service = req.query.service ?? key.service;
  return { ...(service === undefined ? {} : { service }), limit: req.query.limit === undefined ? 100 : Number(req.query.limit) };
}

export function alertRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/v1/alerts', async (req) => {
    const key = await ctx.auth.require(req, ['read']);
    const alerts = (await ctx.alerts()).filter((a) => key.service === undefined || a.service === key.service);
    return wire<AlertsResponse>()({ alerts });
  });

  app.get<{ Params: { name: string } }>('/v1/services/:name/alerts', async (req) => {
    specOf(ctx, req.params.name);
    await ctx.auth.require(req, ['read'], req.params.name);
    return wire<AlertsResponse>()({ alerts: (await ctx.alerts()).filter((a) => a.service === req.params.name) });
  });

  app.get<{ Querystring: HistoryQuery }>('/v1/alerts/history', { schema: { querystring: HISTORY_QUERY } }, async (req) => {
    const rows = await ctx.store.alertHistory(await historyScope(ctx, req));
    // The body is the alert as it was at the transition (engine/evaluator.ts stores condition + state).
    return wire<AlertHistoryResponse>()({
      transitions: rows.map((r) => ({ alertId: r.alertId, service: r.service, at: new Date(r.at).toISOString(), transition: r.transition, alert: JSON.parse(r.body) as Alert })),
    });
  });

  app.get<{ Params: { id: string } }>('/v1/alerts/:id/deliveries', async (req) => {
    const id = req.params.id;
    // An alert id starts with its service, escaped (core/alerting/alert-id.ts): scope checks need no lookup.
    const first = id.split('/')[0] ?? '';
    const service = first.replace(/%2F/gi, '/').replace(/%3D/gi, '=').replace(/%25/g, '%');
    await ctx.auth.require(req, ['read'], service);
    const rows = (await ctx.store.listDeliveries(id)).filter((r) => r.service === service);
    const body: DeepReadonly<DeliveriesResponse> = { alertId: id, deliveries: rows.map(deliveryJson) };
    return body;
  });

  app.get<{ Querystring: HistoryQuery }>('/v1/retrain', { schema: { querystring: HISTORY_QUERY } }, async (req) => {
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
