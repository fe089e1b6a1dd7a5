/**
 * `GET /v1/services/{name}/series?window=30d&step=1d|1h&at=ISO` (read key): SLI time series and the
 * error-budget burn-down for charts (engine/series.ts, docs/api.md).
 */
import type { FastifyInstance } from 'fastify';
import { parseDuration } from '../../core/duration.ts';
import { MlsloError } from '../../core/errors.ts';
import { formatWindow } from '../../core/slo-report.ts';
import { DAY_MS } from '../../core/spec.ts';
import { sloWindowMs } from '../../engine/report.ts';
import { serviceSeries, STEP_MS, type SeriesStep } from '../../engine/series.ts';
import type { ServerContext } from '../context.ts';
import { jsonResponses, keyWith, operation } from '../openapi.ts';
import { SeriesResponseSchema, type SeriesResponse } from '../schemas/series.ts';
import { wire } from '../wire.ts';
import { AT_QUERY, atOf, authorizedSpec, SERVICE_PARAMS } from './query.ts';

const QUERY = {
  type: 'object', additionalProperties: false,
  properties: {
    window: { type: 'string', description: 'Whole days (step 1d, at most 400d) or whole hours (step 1h, at most 14d); default the spec\'s window' },
    step: { enum: ['1d', '1h'], description: 'Bucket size; default 1d for windows over 7 days, else 1h' },
    at: AT_QUERY,
  },
} as const;

/** Longest window per step: 400 daily points, 14 days of hourly ones. */
const MAX_WINDOW: Readonly<Record<SeriesStep, number>> = { '1d': 400 * DAY_MS, '1h': 14 * DAY_MS };
const UNIT: Readonly<Record<SeriesStep, string>> = { '1d': 'whole days such as 7d or 30d', '1h': 'whole hours such as 6h or 2d' };

export function seriesRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { name: string }; Querystring: { window?: string; step?: SeriesStep; at?: string } }>('/v1/services/:name/series', {
    schema: {
      ...operation({
        id: 'getSeries', tag: 'services', summary: 'SLI time series and the error-budget burn-down', security: keyWith('read'),
        description: 'Per UTC day or hour of the window: errors, latency, quality, composite and the feedback proxy SLI, and the budget left at each bucket\'s end '
          + '(the last equals the report\'s `remaining`). Read from rollups in one pass (docs/api.md).',
      }),
      params: SERVICE_PARAMS,
      querystring: QUERY,
      response: jsonResponses('The series', SeriesResponseSchema),
    },
  }, async (req) => {
    const spec = await authorizedSpec(ctx, req, ['read'], req.params.name);
    const now = ctx.now();
    const at = atOf(req.query.at, now);
    let windowMs: number;
    let label: string;
    if (req.query.window === undefined) {
      // The spec's window: N days, or the calendar month so far (whole minutes).
      windowMs = sloWindowMs(spec, at);
      label = spec.window.kind === 'calendar' ? 'month' : formatWindow(windowMs);
    } else {
      const w = parseDuration(req.query.window);
      if (w === undefined || w <= 0) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', '`window` must be a duration such as 30d or 6h');
      windowMs = w;
      label = formatWindow(w);
    }
    const step: SeriesStep = req.query.step ?? (windowMs > 7 * DAY_MS ? '1d' : '1h');
    // A calendar month so far is whole minutes, not days: its buckets are clipped like any window's ends.
    const whole = req.query.window === undefined || windowMs % STEP_MS[step] === 0;
    if (!whole || windowMs > MAX_WINDOW[step]) {
      throw new MlsloError('MLSLO_ERR_QUERY_INVALID', `with step ${step}, \`window\` must be ${UNIT[step]}, at most ${formatWindow(MAX_WINDOW[step])}`);
    }
    return wire<SeriesResponse>()(await serviceSeries(ctx.store, { spec, windowMs, windowLabel: label, step, at, now }));
  });
}
