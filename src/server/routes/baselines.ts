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
import { specOf } from './query.ts';
import type { Baseline, BaselinesResponse } from '../schemas/baselines.ts';
import type { DeepReadonly } from '../wire.ts';

const UPLOAD_QUERY = {
  type: 'object', additionalProperties: false,
  properties: { model: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

const WINDOW_QUERY = {
  type: 'object', additionalProperties: false, required: ['from', 'to'],
  properties: { from: { type: 'string' }, to: { type: 'string' }, model: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

/** Text handed to the parser at a time: the parser is incremental, so memory is the columns, not copies. */
const CHUNK_CHARS = 1 << 20;

function metaJson(b: BaselineMeta): DeepReadonly<Baseline> {
  return { id: b.id, model: b.model === '' ? null : b.model, createdAt: new Date(b.createdAt).toISOString(), rows: b.rows, features: b.features };
}

export function baselineRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Params: { name: string }; Querystring: { model?: string } }>('/v1/services/:name/baselines', {
    bodyLimit: BASELINE_LIMITS.maxBytes,
    schema: { querystring: UPLOAD_QUERY },
  }, async (req, reply) => {
    const name = req.params.name;
    const spec = specOf(ctx, name);
    await ctx.auth.require(req, ['ingest'], name);
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
    ctx.driftFolder.baselineChanged(name);
    return reply.status(201).send({
      id, service: name, model: model === '' ? null : model, rows: parsed.rows, features: parsed.features,
      rejected: parsed.rejected, rejectedCount: parsed.rejectedCount,
    });
  });

  app.post<{ Params: { name: string }; Querystring: { from: string; to: string; model?: string } }>('/v1/services/:name/baselines/window', {
    schema: { querystring: WINDOW_QUERY },
  }, async (req, reply) => {
    const name = req.params.name;
    const spec = specOf(ctx, name);
    await ctx.auth.require(req, ['ingest'], name);
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
    ctx.driftFolder.baselineChanged(name);
    return reply.status(201).send({
      id, service: name, model: model ?? null, window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      requests: sample.requests, rows: sample.rows, features: sample.features, rejected: sample.rejected, rejectedCount: sample.rejectedCount,
    });
  });

  app.get<{ Params: { name: string } }>('/v1/services/:name/baselines', async (req) => {
    const name = req.params.name;
    specOf(ctx, name);
    await ctx.auth.require(req, ['read'], name);
    const body: DeepReadonly<BaselinesResponse> = { service: name, baselines: (await ctx.store.listBaselines(name)).map(metaJson) };
    return body;
  });
}
