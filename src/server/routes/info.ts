/**
 * `GET /v1/info` (read key): the server's version, its clock, and whether it runs the demo.
 * `GET /v1/whoami` (any key): the key's role, scope and id, with the server's clock (a labeler cannot read `/v1/info`).
 */
import type { FastifyInstance } from 'fastify';
import pkg from '../../../package.json' with { type: 'json' };
import type { ServerContext } from '../context.ts';
import type { InfoResponse, WhoamiResponse } from '../schemas/info.ts';

export function infoRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/v1/info', async (req) => {
    await ctx.auth.require(req, ['read']);
    const body: InfoResponse = {
      version: pkg.version,
      // The demo clock runs fast: a dashboard computes "5 minutes ago" from this, not from its own clock.
      now: new Date(ctx.now()).toISOString(),
      demo: ctx.demoSpeed === undefined ? null : { speed: ctx.demoSpeed },
    };
    return body;
  });

  app.get('/v1/whoami', async (req) => {
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
