/** `POST /v1/events` (DESIGN §3.1). */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { MlsloError } from '../../core/errors.ts';
import { decodeBody, inflate, type BodyLimits } from '../../ingest/decode-body.ts';
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

/**
 * What the route may hold at once (docs/reliability.md, "Overload"). The writer queue (ingest.ts
 * `maxQueue`) bounds batches waiting for a commit, but not bodies being received and decoded, so
 * concurrent uploads alone could grow memory without limit. Every request reserves its body bytes
 * when it arrives and keeps them until its response has gone: `Content-Length`, or the whole body
 * limit when the length is not declared; a gzip body is charged again for its inflated size once read.
 * A request that does not fit gets 429 before a byte of its body is read (a gzip one whose inflated
 * size does not fit, after reading it); once the requests ahead of it answer, the next one fits.
 */
interface InflightLimits {
  readonly maxRequests: number;
  readonly maxBytes: number;
}

/**
 * Four bodies of the largest size a request may have: one such upload always fits, even gzipped (it
 * is charged its wire size plus its inflated size, each ≤ the limit), and a few more keep the writer
 * busy while the next bodies arrive — more would only wait in memory for the single writer.
 */
const INFLIGHT_BODIES = 4;
/** Requests in flight; each costs a few KiB whatever its size (socket, request and reply objects). */
const INFLIGHT_REQUESTS = 256;

function inflightLimits(limits: Pick<BodyLimits, 'maxBytes'>): InflightLimits {
  return { maxRequests: INFLIGHT_REQUESTS, maxBytes: INFLIGHT_BODIES * limits.maxBytes };
}

/** One request's reservation; released once its response is closed and its handler is done with it. */
interface Ticket {
  bytes: number;
  holds: number;
  closed: boolean;
  released: boolean;
}

/** Counts the requests and body bytes the ingest route holds; single-threaded, so plain counters suffice. */
class InflightGate {
  #requests = 0;
  #bytes = 0;

  constructor(readonly limits: InflightLimits) {}

  admit(bytes: number): Ticket | undefined {
    if (this.#requests + 1 > this.limits.maxRequests || this.#bytes + bytes > this.limits.maxBytes) return undefined;
    this.#requests += 1;
    this.#bytes += bytes;
    return { bytes, holds: 0, closed: false, released: false };
  }

  /** Charges `bytes` more to `t` if they fit. */
  grow(t: Ticket, bytes: number): boolean {
    if (this.#bytes + bytes > this.limits.maxBytes) return false;
    this.#bytes += bytes;
    t.bytes += bytes;
    return true;
  }

  /** The response is closed (sent, or the connection dropped). */
  closed(t: Ticket): void {
    t.closed = true;
    this.#maybeRelease(t);
  }

  /** Runs `fn` holding `t`: its items stay in memory until `fn` settles, even if the client has gone. */
  async hold<T>(t: Ticket, fn: () => Promise<T>): Promise<T> {
    t.holds += 1;
    try {
      return await fn();
    } finally {
      t.holds -= 1;
      this.#maybeRelease(t);
    }
  }

  #maybeRelease(t: Ticket): void {
    if (t.released || !t.closed || t.holds > 0) return;
    t.released = true;
    this.#requests -= 1;
    this.#bytes -= t.bytes;
  }
}

/** Bytes a request's body is charged on arrival: its declared length, or the limit if undeclared (chunked). */
function declaredBytes(headers: IncomingHttpHeaders, maxBytes: number): number {
  const n = Number(headers['content-length']);
  // Over the limit is Fastify's 413 before the body is read; charge the limit until it answers.
  return Number.isSafeInteger(n) && n >= 0 ? Math.min(n, maxBytes) : maxBytes;
}

function overloaded(limits: InflightLimits): MlsloError {
  return new MlsloError('MLSLO_ERR_OVERLOADED', `more than ${limits.maxRequests} requests or ${limits.maxBytes} body bytes of ingest are in flight`);
}

export function eventRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const gate = new InflightGate(inflightLimits(ctx.limits));
  const tickets = new WeakMap<IncomingMessage, Ticket>();
  app.post('/v1/events', {
    // The body is bytes: decodeBody reads it (JSON array or NDJSON, gzip, limits), never Fastify's validator.
    config: { requestBody: EVENTS_BODY },
    // Before the body is read: over the bound, the error handler answers 429 with Retry-After and Node
    // discards the unread body as it arrives (nothing is buffered).
    onRequest: (req, reply, done) => {
      const ticket = gate.admit(declaredBytes(req.headers, ctx.limits.maxBytes));
      if (ticket === undefined) {
        done(overloaded(gate.limits));
        return;
      }
      tickets.set(req.raw, ticket);
      reply.raw.once('close', () => gate.closed(ticket));
      done();
    },
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
    const ticket = tickets.get(req.raw)!;
    const result = await gate.hold(ticket, async () => {
      const key = await ctx.auth.require(req, ['ingest']);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const raw = inflate(body, req.headers['content-encoding'], ctx.limits);
      if (raw !== body && !gate.grow(ticket, raw.length)) throw overloaded(gate.limits);
      const items = decodeBody(raw, req.headers['content-type'], undefined, ctx.limits);
      return ctx.ingestor.ingest(items, { service: key.service });
    });
    return reply.status(200).send(wire<IngestResponse>()(result));
  });
}
