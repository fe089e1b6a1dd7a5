/**
 * Golden sets, eval runs and production replays (DESIGN §2.7, docs/evals.md "API"):
 * - `PUT /v1/services/{name}/golden-sets/{set}`: JSONL examples (optionally gzip) from an admin key or an
 *   ingest key of the service; every upload stores a new version, runs use the newest;
 * - `GET /v1/services/{name}/golden-sets` (read);
 * - `POST /v1/services/{name}/evals` `{goldenSet, trigger?}` (admin): starts a run, 202 with it; while a
 *   run of the set is running, 202 with that run (same id) — one run per set at a time;
 * - `GET /v1/services/{name}/evals?goldenSet=&kind=&limit=` (read), newest first;
 * - `GET /v1/evals/{id}`, `GET /v1/evals/{id}/results?offset=&limit=&onlyBad=` (read);
 * - `POST /v1/services/{name}/replays` `{endpoint, from?, to?, size?}` (admin): a production replay,
 *   202 with the run; default the last 7 days and 500 requests.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseGoldenSet } from '../../core/evals/golden.ts';
import { MlsloError } from '../../core/errors.ts';
import { DAY_MS } from '../../core/spec.ts';
import { nextScheduled, stateKey } from '../../engine/evals/scheduler.ts';
import { inflate } from '../../ingest/decode-body.ts';
import { parseTimestamp } from '../../ingest/timestamp.ts';
import type { EvalResultRecord, EvalRunKind, EvalRunRecord, GoldenSetMeta } from '../../store/port.ts';
import type { ServerContext } from '../context.ts';
import { jsonResponses, keyWith, operation, type RequestBodyDoc } from '../openapi.ts';
import {
  EvalResultsResponseSchema, EvalRunSchema, EvalRunsResponseSchema, GoldenExampleSchema, GoldenSetsResponseSchema, GoldenSetUploadResponseSchema,
  StartEvalRequestSchema, StartReplayRequestSchema,
  type EvalResult, type EvalResultsResponse, type EvalRun, type EvalRunsResponse, type GoldenSet, type GoldenSetsResponse, type GoldenSetUploadResponse,
} from '../schemas/evals.ts';
import type { DeepReadonly } from '../wire.ts';
import { authorizedSpec, SERVICE_PARAMS } from './query.ts';

/** Upload cap after decompression, as for baselines. */
export const GOLDEN_SET_MAX_BYTES = 50 * 1024 * 1024;
/** Rejected lines listed in an upload's response; `rejectedCount` counts them all. */
const LISTED_REJECTIONS = 100;
const REPLAY_DEFAULT_SIZE = 500;
const REPLAY_MAX_SIZE = 100_000;
const SMALL_JSON_BYTES = 64 * 1024;

const RUNS_QUERY = {
  type: 'object', additionalProperties: false,
  properties: {
    goldenSet: { type: 'string', minLength: 1, maxLength: 200, description: 'Only the runs of this golden set' },
    kind: { type: 'string', enum: ['golden', 'replay'], description: 'Only golden-set runs or only replays' },
    limit: { type: 'string', pattern: '^(?:[1-9][0-9]?|1[0-9]{2}|200)$', description: 'The newest runs to return, 1 to 200; default 20' },
  },
} as const;
const RESULTS_QUERY = {
  type: 'object', additionalProperties: false,
  properties: {
    offset: { type: 'string', pattern: '^(?:0|[1-9][0-9]{0,8})$', description: 'Results to skip, in `index` order; default 0' },
    limit: { type: 'string', pattern: '^(?:[1-9][0-9]{0,2}|1000)$', description: 'Results to return, 1 to 1000; default 100' },
    onlyBad: { type: 'string', enum: ['true', 'false', '1', '0'], description: 'Only results whose verdict is false or null' },
  },
} as const;

const GOLDEN_SET_PARAMS = {
  type: 'object', required: ['name', 'set'],
  properties: {
    ...SERVICE_PARAMS.properties,
    set: { type: 'string', description: 'The golden set, as `spec.evals.goldenSets` names it: at most 63 of a–z, 0–9, `_`, `-`, starting with a letter or digit' },
  },
} as const;
const RUN_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'The run\'s `id`' } } } as const;

const GOLDEN_SET_BODY: RequestBodyDoc = {
  description: 'JSONL, one example a line (the schema shown is one line\'s), optionally gzip (`Content-Encoding: gzip`), at most 50 MiB after decompression. '
    + 'Each bad line is rejected on its own; `application/jsonl` and `application/json-lines` are read too.',
  required: true,
  content: { 'application/x-ndjson': GoldenExampleSchema },
};

/** A small JSON object body, read by jsonObject. */
function jsonBodyDoc(description: string, schema: object): RequestBodyDoc {
  return { description, required: true, content: { 'application/json': schema } };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A small JSON object body (the content-type parser hands every body over as bytes). */
function jsonObject(req: FastifyRequest): Record<string, unknown> {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (raw.length > SMALL_JSON_BYTES) throw new MlsloError('MLSLO_ERR_BODY_TOO_LARGE', `more than ${SMALL_JSON_BYTES} bytes`);
  if (raw.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new MlsloError('MLSLO_ERR_BODY_INVALID_JSON', (e as Error).message, { cause: e });
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new MlsloError('MLSLO_ERR_BODY_INVALID_JSON', 'the body must be a JSON object');
  return v as Record<string, unknown>;
}

function field(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', `unknown field ${unknown.map((k) => `\`${k}\``).join(', ')}; the body takes ${allowed.join(', ')}`);
}

function text(body: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const v = body[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v === '' || v.length > 200) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', `\`${key}\` must be a non-empty string`);
  return v;
}

function trigger(body: Record<string, unknown>): string {
  const t = text(body, 'trigger', false) ?? 'api';
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(t)) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', '`trigger` must be a short lower-case word such as api or cli');
  return t;
}

export function runJson(r: EvalRunRecord): DeepReadonly<EvalRun> {
  return {
    id: r.id, service: r.service, kind: r.kind, name: r.name, goldenSetId: r.goldenSetId ?? null, status: r.status, trigger: r.trigger,
    startedAt: iso(r.startedAt), finishedAt: r.finishedAt === undefined ? null : iso(r.finishedAt), model: r.model,
    total: r.total, done: r.done, error: r.error ?? null,
    // Written by engine/evals/runner.ts in the response's shape (summarizeResults + comparisons).
    summary: r.status === 'done' && r.summary !== '' ? (JSON.parse(r.summary) as EvalRun['summary']) : null,
  };
}

function resultJson(r: EvalResultRecord): DeepReadonly<EvalResult> {
  return {
    index: r.index, exampleId: r.exampleId, segment: r.segment, requestId: r.requestId ?? null, model: r.model,
    verdict: r.verdict, score: r.score, prediction: r.prediction === null ? null : (JSON.parse(r.prediction) as unknown),
    baselineVerdict: r.baselineVerdict, latencyMs: r.latencyMs, attempts: r.attempts, error: r.error,
  };
}

async function goldenSetJson(ctx: ServerContext, service: string, g: GoldenSetMeta): Promise<DeepReadonly<GoldenSet>> {
  const set = ctx.specs().get(service)?.evals.goldenSets.find((s) => s.name === g.name);
  let nextRunAt: string | null = null;
  if (set !== undefined) {
    const last = await ctx.store.getState(stateKey(service, g.name));
    const next = nextScheduled(set.schedule, last === undefined ? ctx.now() : Number(last));
    nextRunAt = next === undefined ? null : iso(next);
  }
  return { id: g.id, name: g.name, createdAt: iso(g.createdAt), examples: g.examples, segments: g.segments, schedule: set?.schedule ?? null, nextRunAt };
}

/** The run, when the key may read its service (a scoped key reads only its own). */
async function readableRun(ctx: ServerContext, req: FastifyRequest, id: string): Promise<EvalRunRecord> {
  await ctx.auth.require(req, ['read']);
  const run = await ctx.store.getEvalRun(id);
  if (run === undefined) throw new MlsloError('MLSLO_ERR_EVAL_NOT_FOUND', `\`${id}\``);
  await ctx.auth.require(req, ['read'], run.service);
  return run;
}

export function evalRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.put<{ Params: { name: string; set: string } }>('/v1/services/:name/golden-sets/:set', {
    bodyLimit: GOLDEN_SET_MAX_BYTES,
    config: { requestBody: GOLDEN_SET_BODY },
    schema: {
      ...operation({
        id: 'uploadGoldenSet', tag: 'evals', summary: 'Upload a golden set', security: keyWith('ingest'),
        description: 'Stores a new version of the set; runs use the newest. An upload with no valid line is 400 `MLSLO_ERR_GOLDEN_SET_INVALID` with the rejections in `error.details`.',
      }),
      params: GOLDEN_SET_PARAMS,
      response: jsonResponses('The stored version: examples per segment and the rejected lines', GoldenSetUploadResponseSchema, 201),
    },
  }, async (req, reply) => {
    const { name, set } = req.params;
    const spec = await authorizedSpec(ctx, req, ['ingest'], name);
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(set)) {
      throw new MlsloError('MLSLO_ERR_QUERY_INVALID', 'a golden set name is at most 63 lowercase letters, digits, `_` or `-`, starting with a letter or digit (as in the spec)');
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!['application/x-ndjson', 'application/jsonl', 'application/json-lines'].includes(type)) {
      throw new MlsloError('MLSLO_ERR_UNSUPPORTED_MEDIA', `Content-Type ${type === '' ? '(none)' : type}; a golden set is JSONL: use application/x-ndjson`);
    }
    const raw = inflate(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.headers['content-encoding'], { maxBytes: GOLDEN_SET_MAX_BYTES });
    const parsed = parseGoldenSet(raw.toString('utf8'), spec.task);
    const rejected = parsed.rejected.slice(0, LISTED_REJECTIONS);
    if (parsed.items.length === 0) {
      throw new MlsloError('MLSLO_ERR_GOLDEN_SET_INVALID', parsed.rejectedCount === 0 ? 'the body holds no example' : `all ${parsed.rejectedCount} lines were rejected; the first: line ${rejected[0]?.line}: ${rejected[0]?.message}`, {
        details: { rejected, rejectedCount: parsed.rejectedCount },
      });
    }
    const id = await ctx.store.saveGoldenSet({ service: name, name: set, createdAt: ctx.now(), examples: parsed.items.length, segments: parsed.segments }, parsed.items);
    const body: DeepReadonly<GoldenSetUploadResponse> = {
      id, service: name, name: set, examples: parsed.items.length, segments: parsed.segments, rejected, rejectedCount: parsed.rejectedCount,
    };
    return reply.status(201).send(body);
  });

  app.get<{ Params: { name: string } }>('/v1/services/:name/golden-sets', {
    schema: {
      ...operation({ id: 'listGoldenSets', tag: 'evals', summary: 'The uploaded golden sets of a service, with their schedules', security: keyWith('read') }),
      params: SERVICE_PARAMS,
      response: jsonResponses('The golden sets', GoldenSetsResponseSchema),
    },
  }, async (req) => {
    const name = req.params.name;
    await authorizedSpec(ctx, req, ['read'], name);
    const sets = await ctx.store.listGoldenSets(name);
    const body: DeepReadonly<GoldenSetsResponse> = { service: name, goldenSets: await Promise.all(sets.map((g) => goldenSetJson(ctx, name, g))) };
    return body;
  });

  app.post<{ Params: { name: string } }>('/v1/services/:name/evals', {
    config: { requestBody: jsonBodyDoc('The golden set to run', StartEvalRequestSchema) },
    schema: {
      ...operation({
        id: 'startEvalRun', tag: 'evals', summary: 'Start a golden-set run', security: keyWith('admin'),
        description: 'Answered at once with the run, `running`; poll `GET /v1/evals/{id}` until it is `done` or `failed`. '
          + 'While a run of the set is running, the answer is that run: one run per set at a time.',
      }),
      params: SERVICE_PARAMS,
      response: jsonResponses('The run', EvalRunSchema, 202),
    },
  }, async (req, reply) => {
    const name = req.params.name;
    await authorizedSpec(ctx, req, ['admin'], name);
    const body = jsonObject(req);
    field(body, ['goldenSet', 'trigger']);
    const run = await ctx.evals.startGolden(name, text(body, 'goldenSet', true)!, trigger(body));
    return reply.status(202).send(runJson(run));
  });

  app.get<{ Params: { name: string }; Querystring: { goldenSet?: string; kind?: EvalRunKind; limit?: string } }>('/v1/services/:name/evals', {
    schema: {
      ...operation({ id: 'listEvalRuns', tag: 'evals', summary: 'The eval runs and replays of a service, newest first', security: keyWith('read') }),
      params: SERVICE_PARAMS,
      querystring: RUNS_QUERY,
      response: jsonResponses('The runs', EvalRunsResponseSchema),
    },
  }, async (req) => {
    const name = req.params.name;
    await authorizedSpec(ctx, req, ['read'], name);
    const { goldenSet, kind } = req.query;
    if (goldenSet !== undefined && kind === 'replay') throw new MlsloError('MLSLO_ERR_QUERY_INVALID', '`goldenSet` filters golden-set runs; drop `kind=replay`');
    const runs = await ctx.store.listEvalRuns({
      service: name, limit: req.query.limit === undefined ? 20 : Number(req.query.limit),
      ...(goldenSet === undefined ? {} : { kind: 'golden', name: goldenSet }), ...(kind === undefined ? {} : { kind }),
    });
    const out: DeepReadonly<EvalRunsResponse> = { service: name, runs: runs.map(runJson) };
    return out;
  });

  app.get<{ Params: { id: string } }>('/v1/evals/:id', {
    schema: {
      ...operation({
        id: 'getEvalRun', tag: 'evals', summary: 'One eval run or replay', security: keyWith('read'),
        description: '`done` grows as results are stored; a finished run has its `summary` (or its `error`).',
      }),
      params: RUN_PARAMS,
      response: jsonResponses('The run', EvalRunSchema),
    },
  }, async (req) => runJson(await readableRun(ctx, req, req.params.id)));

  app.get<{ Params: { id: string }; Querystring: { offset?: string; limit?: string; onlyBad?: string } }>('/v1/evals/:id/results', {
    schema: {
      ...operation({
        id: 'listEvalResults', tag: 'evals', summary: 'The per-example results of a run', security: keyWith('read'),
        description: 'In `index` order: the golden set\'s line order, or the replay sample\'s time order.',
      }),
      params: RUN_PARAMS,
      querystring: RESULTS_QUERY,
      response: jsonResponses('A page of results', EvalResultsResponseSchema),
    },
  }, async (req) => {
    const run = await readableRun(ctx, req, req.params.id);
    const offset = Number(req.query.offset ?? 0);
    const onlyBad = req.query.onlyBad === 'true' || req.query.onlyBad === '1';
    const rows = await ctx.store.readEvalResults(run.id, { offset, limit: Number(req.query.limit ?? 100), ...(onlyBad ? { onlyBad } : {}) });
    const body: DeepReadonly<EvalResultsResponse> = { runId: run.id, offset, results: rows.map(resultJson) };
    return body;
  });

  app.post<{ Params: { name: string } }>('/v1/services/:name/replays', {
    config: { requestBody: jsonBodyDoc('The endpoint to replay production requests against, and which requests', StartReplayRequestSchema) },
    schema: {
      ...operation({
        id: 'startReplay', tag: 'evals', summary: 'Start a production replay', security: keyWith('admin'),
        description: 'Replays a stratified sample of stored requests that have ground truth or a human verdict against an endpoint, and compares it with production. '
          + 'Answered at once with the run, `running`; while a replay against the endpoint is running, the answer is that run.',
      }),
      params: SERVICE_PARAMS,
      response: jsonResponses('The run', EvalRunSchema, 202),
    },
  }, async (req, reply) => {
    const name = req.params.name;
    await authorizedSpec(ctx, req, ['admin'], name);
    const body = jsonObject(req);
    field(body, ['endpoint', 'from', 'to', 'size', 'trigger']);
    const endpoint = text(body, 'endpoint', true)!;
    const instant = (key: 'from' | 'to'): number | undefined => {
      const v = text(body, key, false);
      if (v === undefined) return undefined;
      const t = parseTimestamp(v);
      if (t === undefined) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', `\`${key}\` must be ISO-8601 with an explicit offset`);
      return t;
    };
    const to = instant('to') ?? ctx.now();
    const from = instant('from') ?? to - 7 * DAY_MS;
    if (to <= from) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', '`to` must be after `from`');
    const size = body.size ?? REPLAY_DEFAULT_SIZE;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > REPLAY_MAX_SIZE) {
      throw new MlsloError('MLSLO_ERR_QUERY_INVALID', `\`size\` must be an integer from 1 to ${REPLAY_MAX_SIZE}`);
    }
    const run = await ctx.evals.startReplay(name, endpoint, { from, to, size, trigger: trigger(body) });
    return reply.status(202).send(runJson(run));
  });
}
