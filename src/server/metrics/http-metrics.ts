/**
 * HTTP request durations, observed by a Fastify `onResponse` hook. `route` is the route pattern
 * (`/v1/services/:name/report`), never the URL, so service names and ids do not multiply series; a
 * request no route matched is `(unmatched)`.
 */
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import { HTTP_REQUEST_DURATION } from '../../core/metric-names.ts';

export const UNMATCHED_ROUTE = '(unmatched)';

export class HttpMetrics {
  readonly #duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(registry: Registry) {
    // prom-client's default buckets (5 ms … 10 s) suit an API whose reports should answer in tens of ms.
    this.#duration = new Histogram({
      name: HTTP_REQUEST_DURATION, help: 'HTTP requests by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status_code'], registers: [registry],
    });
  }

  /** Fastify `onResponse` hook (bound, so it can be passed as is). */
  readonly onResponse = (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    this.#duration.observe(
      { method: req.method, route: req.routeOptions.url ?? UNMATCHED_ROUTE, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  };
}
