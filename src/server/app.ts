/**
 * The HTTP server (Fastify 5). Bodies of `POST /v1/events` are taken as raw bytes and decoded by
 * src/ingest (JSON, NDJSON, gzip with a cap), so Fastify's JSON parser never sees them. Ajv is set not
 * to coerce types or drop unknown fields: `"12"` must not become 12 and a typo must not vanish.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerContext } from './context.ts';
import { errorHandler, notFoundHandler } from './http-errors.ts';
import { registerOpenApi } from './openapi.ts';
import { alertRoutes } from './routes/alerts.ts';
import { baselineRoutes } from './routes/baselines.ts';
import { driftRoutes } from './routes/drift.ts';
import { eventRoutes } from './routes/events.ts';
import { evalRoutes } from './routes/evals.ts';
import { heatmapRoutes } from './routes/heatmap.ts';
import { infoRoutes } from './routes/info.ts';
import { labelingRoutes } from './routes/labeling.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { seriesRoutes } from './routes/series.ts';
import { serviceRoutes } from './routes/services.ts';
import { statusRoutes } from './routes/status.ts';
import { webRoutes } from './routes/web.ts';
import { restrictToRole, type ServerRole } from './roles.ts';

export interface ServerOptions {
  readonly logger: boolean | { level: string };
  /** Which routes answer (roles.ts); default all. Every route is registered whatever the role. */
  readonly role?: ServerRole;
}

export function buildServer(ctx: ServerContext, opts: ServerOptions = { logger: false }): FastifyInstance {
  const app = Fastify({
    // Keys never reach a log line, whatever a future serializer includes.
    logger: opts.logger === false ? false : { ...(opts.logger === true ? {} : opts.logger), redact: ['req.headers.authorization'] },
    bodyLimit: ctx.limits.maxBytes,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ctx.limits.maxBytes }, (_req, body, done) => done(null, body));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // Before any route, so every request, the unmatched ones included, is timed.
  app.addHook('onResponse', ctx.metrics.http.onResponse);
  restrictToRole(app, opts.role ?? 'all');

  // Before the first route: the OpenAPI document is built from the routes added after it.
  registerOpenApi(app);
  webRoutes(app);
  eventRoutes(app, ctx);
  serviceRoutes(app, ctx);
  statusRoutes(app, ctx);
  alertRoutes(app, ctx);
  baselineRoutes(app, ctx);
  driftRoutes(app, ctx);
  seriesRoutes(app, ctx);
  heatmapRoutes(app, ctx);
  infoRoutes(app, ctx);
  evalRoutes(app, ctx);
  labelingRoutes(app, ctx);
  metricsRoutes(app, ctx);
  return app;
}
