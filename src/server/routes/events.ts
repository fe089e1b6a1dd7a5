/** `POST /v1/events` (DESIGN §3.1). */
import type { FastifyInstance } from 'fastify';
import { decodeBody } from '../../ingest/decode-body.ts';
import type { ServerContext } from '../context.ts';

export function eventRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/v1/events', async (req, reply) => {
    const key = await ctx.auth.require(req, ['ingest']);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const items = decodeBody(body, req.headers['content-type'], req.headers['content-encoding'], ctx.limits);
    const result = await ctx.ingestor.ingest(items, { service: key.service });
    return reply.status(200).send(result);
  });
}
