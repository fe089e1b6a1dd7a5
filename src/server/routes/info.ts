/**
 * `GET /healthz` (no key): the server is up and ready.
 * `GET /v1/info` (read key): the server's version, its clock, and whether it runs the demo.
 * `GET /v1/whoami` (any key): the key's role, scope and id, with the server's clock (a labeler cannot read `/v1/info`).
 */
import type { FastifyInstance } from 'fastify';
import pkg from '../../../package.json' with { type: 'json' };
import type { ServerContext } from '../context.ts';
import { jsonResponses, keyWith, NO_KEY, ok, operation, SERVER_ERRORS } from '../openapi.ts';
import { HealthResponseSchema, InfoResponseSchema, WhoamiResponseSchema, type HealthResponse, type InfoResponse, type WhoamiResponse } from '../schemas/info.ts';

export function infoRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/healthz', {
    schema: {
      ...operation({ id: 'getHealth', tag: 'server', summary: 'Liveness and readiness', security: NO_KEY }),
      response: { ...ok('The server is ready', HealthResponseSchema), ...SERVER_ERRORS },
    },
  }, (): HealthResponse => ({ status: 'ok' }));

  app.get('/v1/info', {
    schema: {
      ...operation({ id: 'getInfo', tag: 'server', summary: 'The server\'s version, clock and demo speed', security: keyWith('read') }),
      response: jsonResponses('The server', InfoResponseSchema),
    },
  }, async (req) => {
    await ctx.auth.require(req, ['read']);
    const body: InfoResponse = {
      version: pkg.version,
      // The demo clock runs fast: a dashboard computes "5 minutes ago" from this, not from its own clock.
      now: new Date(ctx.now()).toISOString(),
      demo: ctx.demoSpeed === undefined ? null : { speed: ctx.demoSpeed },
    };
    return body;
  });

  app.get('/v1/whoami', {
    schema: {
      ...operation({
        id: 'whoami', tag: 'server', summary: 'The calling key\'s role, scope and id', security: keyWith('ingest', 'read', 'labeler'),
        description: 'Any valid key may ask; the server\'s clock and demo speed come along, since a labeler key may not read `/v1/info`.',
      }),
      response: jsonResponses('The key', WhoamiResponseSchema),
    },
  }, async (req) => {
    const key = await ctx.auth.authenticate(req);
    const body: WhoamiResponse = {
      role: key.role,
      service: key.service ?? null,
      keyId: key.id,
      now: new Date(ctx.now()).toISOString(),
      demo: ctx.demoSpeed === undefined ? null : { speed: ctx.demoSpeed },
    };
    return body;
  });
}
