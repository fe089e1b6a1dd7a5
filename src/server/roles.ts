/**
 * Server roles (DESIGN §4, docs/deployment.md): one binary, four jobs.
 *
 * - `ingest`: `POST /v1/events` only — stateless, as many replicas as the traffic needs;
 * - `api`: every read, admin and labeling route, the dashboard and the status page — stateless;
 * - `evaluator`: the engine loops (alerts and their outbox, drift folding, labeling sampler, eval
 *   schedules, retraining); over HTTP only what every role answers;
 * - `all`: everything in one process (the embedded, single-node server).
 *
 * Every role registers every route, so the OpenAPI document is the same whatever the role; a route the
 * role does not serve answers 404 MLSLO_ERR_ROUTE_NOT_FOUND saying which role does (a load balancer that
 * sends a request to the wrong pool gets a clear answer rather than a silent half-served one).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MlsloError } from '../core/errors.ts';

export const SERVER_ROLES = ['all', 'ingest', 'api', 'evaluator'] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

/** Liveness, metrics and the API description: answered by every role, so every replica can be probed and scraped. */
const EVERY_ROLE = new Set(['GET /healthz', 'GET /metrics', 'GET /openapi.json']);
const INGEST_ROUTES = new Set(['POST /v1/events']);

/** Whether the role runs the engine loops (evaluation, outbox, drift folder, sampler, eval schedules). */
export function runsEngine(role: ServerRole): boolean {
  return role === 'all' || role === 'evaluator';
}

/** Whether the role answers `method url` (url: the route's pattern, e.g. `/v1/services/:name/report`). */
export function servesRoute(role: ServerRole, method: string, url: string): boolean {
  // Fastify answers HEAD with the GET route.
  const route = `${method === 'HEAD' ? 'GET' : method} ${url}`;
  if (role === 'all' || EVERY_ROLE.has(route)) return true;
  if (role === 'ingest') return INGEST_ROUTES.has(route);
  if (role === 'api') return !INGEST_ROUTES.has(route);
  return false;
}

function servedBy(method: string, url: string): string {
  return servesRoute('ingest', method, url) ? 'an ingest replica' : 'an api replica';
}

/** Refuses, before authentication, every request to a route this role does not serve. */
export function restrictToRole(app: FastifyInstance, role: ServerRole): void {
  if (role === 'all') return;
  app.addHook('onRequest', (req: FastifyRequest, _reply, done) => {
    const url = req.routeOptions.url;
    if (url === undefined || servesRoute(role, req.method, url)) {
      done(); // unmatched requests get the 404 handler's answer
      return;
    }
    done(new MlsloError('MLSLO_ERR_ROUTE_NOT_FOUND',
      `${req.method} ${url} is not served by this server (role ${role}); send it to ${servedBy(req.method, url)}`));
  });
}
