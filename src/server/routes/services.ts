/** Service listing and reports (DESIGN §3.3). */
import type { FastifyInstance } from 'fastify';
import { parseDuration } from '../../core/duration.ts';
import { MlsloError } from '../../core/errors.ts';
import type { QualityBreakdown } from '../../core/quality-report.ts';
import { serviceState } from '../../core/service-state.ts';
import type { ServerContext } from '../context.ts';
import { AT_QUERY, atOf, authorizedSpec, SERVICE_PARAMS } from './query.ts';
import { jsonResponses, keyWith, operation } from '../openapi.ts';
import { QualityResponseSchema, type QualityResponse } from '../schemas/quality.ts';
import { ReportResponseSchema, type ReportResponse } from '../schemas/report.ts';
import { ServicesResponseSchema, type ServicesResponse, type ServiceSummary } from '../schemas/services.ts';
import { wire, type DeepReadonly } from '../wire.ts';

// The rule lives in core so the public status page (routes/status.ts) applies the very same one.
export { serviceState, type ServiceState } from '../../core/service-state.ts';

export function serviceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/v1/services', {
    schema: {
      ...operation({
        id: 'listServices', tag: 'services', summary: 'Every service the key may read, with its headline numbers', security: keyWith('read'),
        description: 'SLIs, budget left, quality status and firing alerts of each service over its SLO window, now. A key scoped to a service sees that one only.',
      }),
      response: jsonResponses('The services', ServicesResponseSchema),
    },
  }, async (req) => {
    const key = await ctx.auth.require(req, ['read']);
    const now = ctx.now();
    const services: Array<DeepReadonly<ServiceSummary>> = [];
    for (const spec of ctx.specs().values()) {
      if (key.service !== undefined && key.service !== spec.name) continue;
      const r = await ctx.report(spec, undefined, now, now);
      services.push({
        name: spec.name, owner: spec.owner, oncall: spec.oncall, tier: spec.tier, task: spec.task, public: spec.public,
        window: r.window, state: serviceState(r),
        objectives: spec.objectives,
        sli: { errors: r.errors.sli, latency: r.latency.sli, quality: r.quality.sli, composite: r.composite.sli },
        remaining: { errors: r.errors.remaining, latency: r.latency.remaining, quality: r.quality.remaining, composite: r.composite.remaining },
        quality: { status: r.quality.status, judged: r.quality.judged, coverage: r.quality.coverage },
        firing: r.burnAlerts.filter((a) => a.firing).length,
      });
    }
    const body: DeepReadonly<ServicesResponse> = { asOf: new Date(now).toISOString(), services };
    return body;
  });

  app.get<{ Params: { name: string }; Querystring: { window?: string; at?: string } }>('/v1/services/:name/report', {
    schema: {
      ...operation({
        id: 'getReport', tag: 'services', summary: 'The SLO report of a service', security: keyWith('read'),
        description: 'Per dimension (errors, latency, quality) and the composite: objective, SLI with its interval, good and total, budget, remaining and burn rates per policy window; '
          + 'with cohorts, model versions and the as-of instant (DESIGN §3.3). Only the labels known at `at` count.',
      }),
      params: SERVICE_PARAMS,
      querystring: windowQuerySchema({}),
      response: jsonResponses('The report', ReportResponseSchema),
    },
  }, async (req) => {
    const spec = await authorizedSpec(ctx, req, ['read'], req.params.name);
    const now = ctx.now();
    const { windowMs, at } = parseWindowQuery(req.query, now);
    return wire<ReportResponse>()(await ctx.report(spec, windowMs, at, now));
  });

  app.get<{ Params: { name: string }; Querystring: { window?: string; at?: string; by?: string; attr?: string } }>('/v1/services/:name/quality', {
    schema: {
      ...operation({
        id: 'getQuality', tag: 'quality', summary: 'The quality document of a service', security: keyWith('read'),
        description: 'The task\'s metrics with intervals, the estimated quality q̂ and its objectives (DESIGN §2.3–§2.5), optionally broken down by cohort, model version or UTC day, '
          + 'each group flagged when below its objective or significantly worse than the rest.',
      }),
      params: SERVICE_PARAMS,
      querystring: windowQuerySchema({
        by: { enum: ['cohort', 'version', 'day'], description: 'Break the document down into groups; default none, or `cohort` when `attr` is given' },
        attr: { type: 'string', minLength: 1, description: 'With `by=cohort`, only this declared cohort attribute (default every one); alone, it implies `by=cohort`' },
      }),
      response: jsonResponses('The quality document; `by` tells which groups it has', QualityResponseSchema),
    },
  }, async (req) => {
    const spec = await authorizedSpec(ctx, req, ['read'], req.params.name);
    const now = ctx.now();
    const { windowMs, at } = parseWindowQuery(req.query, now);
    const by = (req.query.by ?? (req.query.attr === undefined ? null : 'cohort')) as QualityBreakdown | null;
    if (req.query.attr !== undefined && !spec.cohorts.includes(req.query.attr)) {
      throw new MlsloError('MLSLO_ERR_QUERY_INVALID', `\`attr\` must be a declared cohort attribute of ${spec.name}: ${spec.cohorts.join(', ') || '(none declared)'}`);
    }
    return wire<QualityResponse>()(await ctx.quality(spec, windowMs, at, now, by, req.query.attr));
  });
}

/** `?window=&at=` (parseWindowQuery) and the route's `extra` parameters. */
function windowQuerySchema(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'object', additionalProperties: false,
    properties: { window: { type: 'string', description: 'Whole minutes such as 30d, 6h or 5m, at most 400d; default the spec\'s window' }, at: AT_QUERY, ...extra },
  };
}

/** `window` (whole minutes, at most 400d; default: the spec's window) and `at` (default now, never in the future). */
function parseWindowQuery(q: { window?: string; at?: string }, now: number): { windowMs: number | undefined; at: number } {
  let windowMs: number | undefined;
  if (q.window !== undefined) {
    windowMs = parseDuration(q.window);
    if (windowMs === undefined || windowMs % 60_000 !== 0 || windowMs > 400 * 86_400_000) {
      throw new MlsloError('MLSLO_ERR_QUERY_INVALID', '`window` must be whole minutes such as 30d, 6h or 5m (at most 400d)');
    }
  }
  return { windowMs, at: atOf(q.at, now) };
}
