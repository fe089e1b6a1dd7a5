/**
 * Drift (DESIGN §2.6, docs/drift.md):
 *   GET /v1/services/{name}/drift?window=1d&at=&by=cohort&model=   per feature, dataset, prediction (, cohorts)
 *   GET /v1/services/{name}/drift/series?days=30&at=&model=         one evaluation per UTC day
 */
import type { FastifyInstance } from 'fastify';
import { parseDuration } from '../../core/duration.ts';
import { MlsloError } from '../../core/errors.ts';
import { formatWindow } from '../../core/slo-report.ts';
import { HOUR_MS } from '../../core/spec.ts';
import { DEFAULT_DRIFT_WINDOW_MS, type DriftReport } from '../../engine/drift.ts';
import type { ServerContext } from '../context.ts';
import { AT_QUERY, atOf, authorizedSpec, SERVICE_PARAMS } from './query.ts';
import { jsonResponses, keyWith, operation } from '../openapi.ts';
import { DriftResponseSchema, DriftSeriesResponseSchema, type DriftResponse, type DriftSeriesResponse } from '../schemas/drift.ts';
import type { DeepReadonly } from '../wire.ts';

const MAX_WINDOW_MS = 400 * 24 * HOUR_MS;
const MAX_DAYS = 400;

const MODEL_QUERY = { type: 'string', minLength: 1, maxLength: 200, description: 'Only the requests this model version served' } as const;

const DRIFT_QUERY = {
  type: 'object', additionalProperties: false,
  properties: {
    window: { type: 'string', description: 'Whole hours such as 1h, 6h or 1d, at most 400d; default 1d' },
    at: AT_QUERY,
    by: { enum: ['cohort'], description: 'Add `cohorts`: the same report per cohort value' },
    model: MODEL_QUERY,
  },
} as const;

const SERIES_QUERY = {
  type: 'object', additionalProperties: false,
  properties: { days: { type: 'string', pattern: '^[0-9]{1,3}$', description: 'UTC days, 1 to 400; default 30' }, at: AT_QUERY, model: MODEL_QUERY },
} as const;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function noBaseline(name: string): MlsloError {
  return new MlsloError('MLSLO_ERR_BASELINE_NOT_FOUND', `\`${name}\` has no baseline: upload one with \`mlslo baseline upload ${name} FILE\``);
}

export function driftJson(r: DriftReport): DeepReadonly<DriftResponse> {
  return {
    service: r.service,
    window: formatWindow(r.to - r.from),
    from: iso(r.from), to: iso(r.to), at: iso(r.at),
    model: r.model ?? null,
    baseline: { id: r.baseline.id, model: r.baseline.model === '' ? null : r.baseline.model, createdAt: iso(r.baseline.createdAt), rows: r.baseline.rows },
    rebuilding: r.rebuilding ?? null,
    dataset: r.dataset,
    features: r.features,
    prediction: r.prediction,
    ...(r.cohorts === undefined ? {} : { cohorts: r.cohorts }),
  };
}

export function driftRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { name: string }; Querystring: { window?: string; at?: string; by?: 'cohort'; model?: string } }>('/v1/services/:name/drift', {
    schema: {
      ...operation({
        id: 'getDrift', tag: 'drift', summary: 'Drift of features, dataset and prediction against the baseline', security: keyWith('read'),
        description: 'PSI with its band and a test per feature, the dataset verdict and prediction drift over the window (docs/drift.md); 404 `MLSLO_ERR_BASELINE_NOT_FOUND` before a baseline is uploaded.',
      }),
      params: SERVICE_PARAMS,
      querystring: DRIFT_QUERY,
      response: jsonResponses('The drift report', DriftResponseSchema),
    },
  }, async (req) => {
    const spec = await authorizedSpec(ctx, req, ['read'], req.params.name);
    const windowMs = req.query.window === undefined ? DEFAULT_DRIFT_WINDOW_MS : parseDuration(req.query.window);
    if (windowMs === undefined || windowMs <= 0 || windowMs % HOUR_MS !== 0 || windowMs > MAX_WINDOW_MS) {
      throw new MlsloError('MLSLO_ERR_QUERY_INVALID', '`window` must be whole hours such as 1h, 6h or 1d (at most 400d): drift histograms are hourly');
    }
    const r = await ctx.drift.report(spec, { windowMs, at: atOf(req.query.at, ctx.now()), model: req.query.model, byCohort: req.query.by === 'cohort' });
    if (r === undefined) throw noBaseline(spec.name);
    return driftJson(r);
  });

  app.get<{ Params: { name: string }; Querystring: { days?: string; at?: string; model?: string } }>('/v1/services/:name/drift/series', {
    schema: {
      ...operation({ id: 'getDriftSeries', tag: 'drift', summary: 'One drift evaluation per UTC day', security: keyWith('read') }),
      params: SERVICE_PARAMS,
      querystring: SERIES_QUERY,
      response: jsonResponses('The daily drift evaluations, oldest first', DriftSeriesResponseSchema),
    },
  }, async (req) => {
    const spec = await authorizedSpec(ctx, req, ['read'], req.params.name);
    const days = req.query.days === undefined ? 30 : Number(req.query.days);
    if (days < 1 || days > MAX_DAYS) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', `\`days\` must be 1 to ${MAX_DAYS}`);
    const series = await ctx.drift.series(spec, days, atOf(req.query.at, ctx.now()), req.query.model);
    if (series === undefined) throw noBaseline(spec.name);
    const body: DeepReadonly<DriftSeriesResponse> = { service: spec.name, model: req.query.model ?? null, days: series.map((d) => ({ ...d, day: iso(d.day).slice(0, 10) })) };
    return body;
  });
}
