/**
 * The HTTP server (Fastify 5). Bodies of `POST /v1/events` are taken as raw bytes and decoded by
 * src/ingest (JSON, NDJSON, gzip with a cap), so Fastify's JSON parser never sees them. Ajv is set not
 * to coerce types or drop unknown fields: `"12"` must not become 12 and a typo must not vanish.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerContext } from './context.ts';
import { errorHandler, notFoundHandler } from './http-errors.ts';
import { alertRoutes } from './routes/alerts.ts';
import { baselineRoutes } from './routes/baselines.ts';
import { driftRoutes } from './routes/drift.ts';
import { eventRoutes } from './routes/events.ts';
import { serviceRoutes } from './routes/services.ts';

export interface ServerOptions {
  readonly logger: boolean | { level: string };
}

export function buildServer(ctx: ServerContext, opts: ServerOptions = { logger: false }): FastifyInstance {
  const app = Fastify({
    logger: opts.logger,
    bodyLimit: ctx.limits.maxBytes,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ctx.limits.maxBytes }, (_req, body, done) => done(null, body));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/', (_req, reply) => reply.type('text/plain; charset=utf-8').send(
    'mlslo — SLOs for ML services\n\nGET  /healthz\nPOST /v1/events                       (ingest key)\nGET  /v1/services                     (read key)\nGET  /v1/services/{name}/report?window=30d&at=ISO\nGET  /v1/services/{name}/quality?window=&at=&by=cohort|version|day\nGET  /v1/alerts, /v1/services/{name}/alerts, /v1/alerts/history\nPOST /v1/services/{name}/baselines?model=  (JSONL or CSV; admin or ingest key)\nGET  /v1/services/{name}/baselines\nGET  /v1/services/{name}/drift?window=1d&at=&by=cohort&model=\nGET  /v1/services/{name}/drift/series?days=30\n',
  ));
  eventRoutes(app, ctx);
  serviceRoutes(app, ctx);
  alertRoutes(app, ctx);
  baselineRoutes(app, ctx);
  driftRoutes(app, ctx);
  return app;
}
