/**
 * `GET /v1/services/{name}/quality/heatmap?attr=region&days=14&at=ISO` (read key): quality per value of
 * one declared cohort attribute per UTC day (engine/heatmap.ts, docs/api.md).
 */
import type { FastifyInstance } from 'fastify';
import { MlsloError } from '../../core/errors.ts';
import { qualityHeatmap } from '../../engine/heatmap.ts';
import type { ServerContext } from '../context.ts';
import { jsonResponses, keyWith, operation } from '../openapi.ts';
import { HeatmapResponseSchema, type HeatmapResponse } from '../schemas/quality.ts';
import { wire } from '../wire.ts';
import { AT_QUERY, atOf, authorizedSpec, SERVICE_PARAMS } from './query.ts';

const MAX_DAYS = 400;

const QUERY = {
  type: 'object', additionalProperties: false,
  properties: {
    attr: { type: 'string', minLength: 1, description: 'A declared cohort attribute (`spec.cohorts`); default the first' },
    days: { type: 'string', pattern: '^[0-9]{1,3}$', description: 'UTC days, 1 to 400, ending with the one that holds `at`; default 14' },
    at: AT_QUERY,
  },
} as const;

export function heatmapRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { name: string }; Querystring: { attr?: string; days?: string; at?: string } }>('/v1/services/:name/quality/heatmap', {
    schema: {
      ...operation({
        id: 'getQualityHeatmap', tag: 'quality', summary: 'Quality per cohort value per UTC day', security: keyWith('read'),
        description: 'One row per value of the attribute with traffic, worst first, one cell per day: judged, q̂ with its interval, status, and flags '
          + '(`below-objective`, `worse-than-rest` after Benjamini–Hochberg across the day\'s values).',
      }),
      params: SERVICE_PARAMS,
      querystring: QUERY,
      response: jsonResponses('The cohort × day grid', HeatmapResponseSchema),
    },
  }, async (req) => {
    const spec = await authorizedSpec(ctx, req, ['read'], req.params.name);
    const now = ctx.now();
    const at = atOf(req.query.at, now);
    const attr = req.query.attr ?? spec.cohorts[0];
    if (attr === undefined || !spec.cohorts.includes(attr)) {
      throw new MlsloError('MLSLO_ERR_QUERY_INVALID', `\`attr\` must be a declared cohort attribute of ${spec.name}: ${spec.cohorts.join(', ') || '(none declared)'}`);
    }
    const days = req.query.days === undefined ? 14 : Number(req.query.days);
    if (days < 1 || days > MAX_DAYS) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', `\`days\` must be 1 to ${MAX_DAYS}`);
    return wire<HeatmapResponse>()(await qualityHeatmap(ctx.store, { spec, attr, days, at, now }));
  });
}
