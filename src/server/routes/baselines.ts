/**
 * Drift baselines (DESIGN §2.6, docs/baselines.md): `POST /v1/services/{name}/baselines?model=` takes a
 * JSONL or CSV training sample (optionally gzip) from an admin key or an ingest key of the service;
 * `POST /v1/services/{name}/baselines/window?from=&to=&model=` makes one from a production window of stored
 * requests (engine/window-baseline.ts); `GET /v1/services/{name}/baselines` lists them (read key).
 */
import type { FastifyInstance } from 'fastify';
import { MlsloError } from '../../core/errors.ts';
import { BASELINE_LIMITS, baselineFormat, createBaselineParser } from '../../ingest/baseline-parse.ts';
import { windowBaseline } from '../../engine/window-baseline.ts';
import { inflate } from '../../ingest/decode-body.ts';
import { parseTimestamp } from '../../ingest/timestamp.ts';
import type { BaselineMeta } from '../../store/port.ts';
import type { ServerContext } from '../context.ts';
import { authorizedSpec, SERVICE_PARAMS } from './query.ts';
import { jsonResponses, keyWith, operation, type RequestBodyDoc } from '../openapi.ts';
import {
  BaselinesResponseSchema, BaselineUploadResponseSchema, WindowBaselineResponseSchema,
  type Baseline, type BaselinesResponse, type BaselineUploadResponse, type WindowBaselineResponse,
} from '../schemas/baselines.ts';
import { wire, type DeepReadonly } from '../wire.ts';

const UPLOAD_QUERY = {
  type: 'object', additionalProperties: false,
  properties: { model: { type: 'string', minLength: 1, maxLength: 200, description: 'The model version the sample trained; default none (a baseline for every version)' } },
} as const;

const WINDOW_QUERY = {
  type: 'object', additionalProperties: false, required: ['from', 'to'],
  properties: {
    from: { type: 'string', description: 'Start of the window (inclusive), ISO-8601 with an explicit offset' },
    to: { type: 'string', description: 'End of the window (exclusive), ISO-8601 with an explicit offset' },
    model: { type: 'string', minLength: 1, maxLength: 200, description: 'Only the requests this model version served; the baseline is that version\'s' },
  },
} as const;

/** One row of a JSONL sample: feature values by name (docs/baselines.md). */
const SAMPLE_ROW = { type: 'object', additionalProperties: { type: ['number', 'string', 'boolean', 'null'] } } as const;

const SAMPLE_BODY: RequestBodyDoc = {
  description: 'A training sample (docs/baselines.md): JSONL, one object of feature values per line (the schema shown is one line\'s), '
    + 'or CSV with a header row naming the features; optionally gzip (`Content-Encoding: gzip`); at most 50 MiB after decompression and 1,000,000 rows. '
    + 'A line that cannot be used is rejected alone. `application/jsonl` and `application/ndjson` are read as JSONL too.',
  required: true,
  content: {
    'application/x-ndjson': SAMPLE_ROW,
    'text/csv': { type: 'string' },
  },
};

/** Text handed to the parser at a time: the parser is incremental, so memory is the columns, not copies. */
const CHUNK_CHARS = 1 << 20;

function metaJson(b: BaselineMeta): DeepReadonly<Baseline> {
  return { id: b.id, model: b.model === '' ? null : b.model, createdAt: new Date(b.createdAt).toISOString(), rows: b.rows, features: b.features };
}

export function baselineRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Params: { name: string }; Querystring: { model?: string } }>('/v1/services/:name/baselines', {
    bodyLimit: BASELINE_LIMITS.maxBytes,
    config: { requestBody: SAMPLE_BODY },
    schema: {
      ...operation({
        id: 'uploadBaseline', tag: 'drift', summary: 'Upload a training sample as a drift baseline', security: keyWith('ingest'),
        description: 'Stores the sample as the newest baseline of the service (and model version): drift compares new requests with it from now on. '
          + 'Every feature is typed as declared in `spec.drift.features` or inferred from the data.',
      }),
      params: SERVICE_PARAMS,
      querystring: UPLOAD_QUERY,
      response: jsonResponses('The stored baseline, its feature types, and the rejected lines', BaselineUploadResponseSchema, 201),
    },
  }, async (req, reply) => {
    const name = req.params.name;
    const spec = await authorizedSpec(ctx, req, ['ingest'], name);
    const format = baselineFormat(req.headers['content-type']);
    if (format === undefined) {
      throw new MlsloError('MLSLO_ERR_UNSUPPORTED_MEDIA', `Content-Type ${req.headers['content-type'] ?? '(none)'}; use application/x-ndjson or text/csv`);
    }
    const raw = inflate(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.headers['content-encoding'], BASELINE_LIMITS);
    if (raw.length > BASELINE_LIMITS.maxBytes) throw new MlsloError('MLSLO_ERR_BODY_TOO_LARGE', `more than ${BASELINE_LIMITS.maxBytes} bytes`);
    const text = raw.toString('utf8');
    const parser = createBaselineParser(format, spec.drift.features, BASELINE_LIMITS);
    for (let i = 0; i < text.length; i += CHUNK_CHARS) parser.push(text.slice(i, i + CHUNK_CHARS));
    const parsed = parser.end();
    const model = req.query.model ?? '';
    const id = await ctx.store.saveBaseline({ service: name, model, createdAt: ctx.now(), rows: parsed.rows, features: parsed.features, values: parsed.values });
    ctx.baselineStored(name);
    return reply.status(201).send(wire<BaselineUploadResponse>()({
      id, service: name, model: model === '' ? null : model, rows: parsed.rows, features: parsed.features,
      rejected: parsed.rejected, rejectedCount: parsed.rejectedCount,
    }));
  });

  app.post<{ Params: { name: string }; Querystring: { from: string; to: string; model?: string } }>('/v1/services/:name/baselines/window', {
    schema: {
      ...operation({
        id: 'createWindowBaseline', tag: 'drift', summary: 'Make a drift baseline from a production window', security: keyWith('ingest'),
        description: 'A uniform sample of at most 100,000 of the window\'s stored eligible requests, with their features and prediction, typed like an uploaded sample '
          + 'and stored as the newest baseline. No body. A window without requests is 400 `MLSLO_ERR_BASELINE_INVALID`.',
      }),
      params: SERVICE_PARAMS,
      querystring: WINDOW_QUERY,
      response: jsonResponses('The stored baseline, with the window it was sampled from', WindowBaselineResponseSchema, 201),
    },
  }, async (req, reply) => {
    const name = req.params.name;
    const spec = await authorizedSpec(ctx, req, ['ingest'], name);
    const from = parseTimestamp(req.query.from);
    const to = parseTimestamp(req.query.to);
    if (from === undefined || to === undefined) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', '`from` and `to` must be ISO-8601 with an explicit offset');
    if (to <= from) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', '`to` must be after `from`');
    const model = req.query.model;
    const sample = await windowBaseline(ctx.store, spec, { from, to, model });
    if (sample.requests === 0) {
      throw new MlsloError('MLSLO_ERR_BASELINE_INVALID', `no stored request of ${name}${model === undefined ? '' : ` model ${model}`} in [${req.query.from}, ${req.query.to})`);
    }
    const id = await ctx.store.saveBaseline({ service: name, model: model ?? '', createdAt: ctx.now(), rows: sample.rows, features: sample.features, values: sample.values });
    ctx.baselineStored(name);
    return reply.status(201).send(wire<WindowBaselineResponse>()({
      id, service: name, model: model ?? null, window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      requests: sample.requests, rows: sample.rows, features: sample.features, rejected: sample.rejected, rejectedCount: sample.rejectedCount,
    }));
  });

  app.get<{ Params: { name: string } }>('/v1/services/:name/baselines', {
    schema: {
      ...operation({ id: 'listBaselines', tag: 'drift', summary: 'The drift baselines of a service, newest first, without values', security: keyWith('read') }),
      params: SERVICE_PARAMS,
      response: jsonResponses('The baselines', BaselinesResponseSchema),
    },
  }, async (req) => {
    const name = req.params.name;
    await authorizedSpec(ctx, req, ['read'], name);
    const body: DeepReadonly<BaselinesResponse> = { service: name, baselines: (await ctx.store.listBaselines(name)).map(metaJson) };
    return body;
  });
}
