/** `POST /v1/events` (DESIGN §3.1). */
import type { FastifyInstance } from 'fastify';
import { decodeBody } from '../../ingest/decode-body.ts';
import { inferenceSchema, outcomeSchema, predictionSchemas } from '../../ingest/event-schema.ts';
import type { ServerContext } from '../context.ts';
import { jsonResponses, keyWith, operation, type RequestBodyDoc } from '../openapi.ts';
import { IngestResponseSchema, type IngestResponse } from '../schemas/events.ts';
import { wire } from '../wire.ts';

/**
 * One event as the document shows it: ingest's own schemas (which check shape only; validate-event.ts checks
 * the rest), with the prediction's variants spelled out.
 */
const EVENT = {
  oneOf: [
    { ...inferenceSchema, properties: { ...inferenceSchema.properties, prediction: { anyOf: Object.values(predictionSchemas) } } },
    outcomeSchema,
  ],
  description: 'An inference or an outcome, told apart by `kind`. `ts` is ISO-8601 with an explicit offset (`Z` or `±hh:mm`).',
} as const;

const EVENTS_BODY: RequestBodyDoc = {
  description: 'A batch of events: a JSON array, or NDJSON with one event per line (the schema shown for it is one line\'s), '
    + 'optionally gzip (`Content-Encoding: gzip`); by default at most 10 MiB after decompression and 10,000 items. '
    + 'The body is decoded item by item, so one bad item is rejected alone; a JSON array that does not parse is a 400 and stores nothing.',
  required: true,
  content: {
    'application/json': { type: 'array', items: EVENT },
    'application/x-ndjson': EVENT,
  },
};

export function eventRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/v1/events', {
    // The body is bytes: decodeBody reads it (JSON array or NDJSON, gzip, limits), never Fastify's validator.
    config: { requestBody: EVENTS_BODY },
    schema: {
      ...operation({
        id: 'ingestEvents', tag: 'events', summary: 'Send inferences and outcomes', security: keyWith('ingest'),
        description: 'Partial success: valid items are stored even when others are rejected, and a 2xx means they are durable. '
          + 'Idempotent: an item whose `id` is stored with the same content counts as a duplicate; with other content it is rejected (`conflict`). '
          + 'A key scoped to a service writes only that service. Overloaded: 429 or 503 with `Retry-After`.',
      }),
      response: jsonResponses('What was stored, what was already there, and each rejected item with its reason', IngestResponseSchema),
    },
  }, async (req, reply) => {
    const key = await ctx.auth.require(req, ['ingest']);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const items = decodeBody(body, req.headers['content-type'], req.headers['content-encoding'], ctx.limits);
    return reply.status(200).send(wire<IngestResponse>()(await ctx.ingestor.ingest(items, { service: key.service })));
  });
}
