/**
 * `GET /metrics`: Prometheus exposition (docs/metrics.md). Needs a `read` key (admin qualifies) that is
 * not scoped to one service: the metrics span every service, and filtering a scrape per key would give
 * one target different series depending on who scrapes it.
 */
import type { FastifyInstance } from 'fastify';
import { MlsloError } from '../../core/errors.ts';
import type { ServerContext } from '../context.ts';
import { API_ERRORS, keyWith, operation } from '../openapi.ts';

export function metricsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  ctx.metrics.watch(ctx);

  app.get('/metrics', {
    schema: {
      ...operation({
        id: 'getMetrics', tag: 'server', summary: 'Prometheus metrics', security: keyWith('read'),
        description: 'Prometheus text exposition (docs/metrics.md): SLI counters, SLO gauges, cohort quality, drift, alerts and mlslo\'s own metrics. A key scoped to one service is refused.',
      }),
      response: { 200: { description: 'The exposition', content: { 'text/plain': { schema: { type: 'string' } } } }, ...API_ERRORS },
    },
  }, async (req, reply) => {
    const key = await ctx.auth.require(req, ['read']);
    if (key.service !== undefined) {
      throw new MlsloError('MLSLO_ERR_FORBIDDEN', `metrics span every service, and this key is scoped to \`${key.service}\`: scrape with a read key created without --service`);
    }
    const { contentType, body } = await ctx.metrics.exposition();
    return reply.type(contentType).send(body);
  });
}
