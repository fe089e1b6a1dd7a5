/**
 * Human labeling (DESIGN §2.8, docs/labeling.md): the labeler's queue — `GET /v1/labeling/queues`,
 * `POST /v1/labeling/lease`, `POST /v1/labeling/items/{id}/label|skip|flag` (labeler keys; admin too) —
 * and per service `POST /v1/services/{name}/labeling/sample?day=` (admin), `GET …/labeling/agreement`
 * and `GET …/calibration` (read). Labeler keys may call nothing else: every other route requires
 * another role, and auth.ts admits only the roles a route names (admin aside).
 */
import type { FastifyInstance } from 'fastify';
import { parseDuration } from '../../core/duration.ts';
import { MlsloError } from '../../core/errors.ts';
import { DAY_MS, type ServiceSpec } from '../../core/spec.ts';
import { agreementReport } from '../../engine/labeling/agreement.ts';
import { calibrationReport } from '../../engine/labeling/calibration.ts';
import { isoDay, utcDay } from '../../engine/labeling/sampler-job.ts';
import { sloWindowMs } from '../../engine/report.ts';
import type { ServerContext } from '../context.ts';
import { authorizedSpec, SERVICE_PARAMS } from './query.ts';
import { jsonResponses, keyWith, operation, type RequestBodyDoc } from '../openapi.ts';
import {
  AgreementResponseSchema, CalibrationResponseSchema, FlagRequestSchema, LabelActionResponseSchema, LabelSubmissionSchema, LeaseRequestSchema,
  LeaseResponseSchema, QueuesResponseSchema, SampleResponseSchema, SkipRequestSchema,
  type AgreementResponse, type CalibrationResponse, type LabelActionResponse, type LeaseResponse, type QueuesResponse, type SampleResponse,
} from '../schemas/labeling.ts';
import type { DeepReadonly } from '../wire.ts';

const iso = (t: number): string => new Date(t).toISOString();

/** The JSON body of a POST (bodies arrive as bytes, app.ts); an empty body is `{}`. */
function jsonBody(body: unknown): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (e) {
    throw new MlsloError('MLSLO_ERR_BODY_INVALID_JSON', (e as Error).message, { cause: e });
  }
}

/** An object body with only the `allowed` keys, each a string when present. */
function stringFields(body: unknown, allowed: readonly string[]): Record<string, string | undefined> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', 'the body must be a JSON object');
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!allowed.includes(k)) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', `unknown body field \`${k}\`; allowed: ${allowed.join(', ')}`);
    if (typeof v !== 'string') throw new MlsloError('MLSLO_ERR_QUERY_INVALID', `body field \`${k}\` must be a string`);
    out[k] = v;
  }
  return out;
}

/** `window` (whole minutes, at most 400d; default the spec's window) ending now: labels with from ≤ at ≤ to. */
function windowOf(spec: ServiceSpec, q: string | undefined, now: number): { from: number; to: number } {
  let ms = sloWindowMs(spec, now);
  if (q !== undefined) {
    const w = parseDuration(q);
    if (w === undefined || w % 60_000 !== 0 || w > 400 * DAY_MS) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', '`window` must be whole minutes such as 30d, 6h or 5m (at most 400d)');
    ms = w;
  }
  return { from: now - ms, to: now };
}

const ITEM_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 256, description: 'The item\'s `id`, as leased' } } } as const;
const WINDOW_QUERY = {
  type: 'object', additionalProperties: false,
  properties: { window: { type: 'string', description: 'Labels given in the last `window` (whole minutes such as 30d, at most 400d); default the spec\'s window' } },
} as const;
const SAMPLE_QUERY = {
  type: 'object', additionalProperties: false,
  properties: { day: { type: 'string', description: 'A past UTC day, YYYY-MM-DD; default yesterday' } },
} as const;

/** A body that may be empty, read as `{}` (jsonBody). */
function optionalBody(description: string, schema: object): RequestBodyDoc {
  return { description, required: false, content: { 'application/json': schema } };
}

const ACTION = 'Answers 409 `MLSLO_ERR_LABEL_CONFLICT` when the item is held by another labeler, already labeled enough, flagged, or already acted on by this labeler.';

export function labelingRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { queue, sampler } = ctx.labeling;

  app.get('/v1/labeling/queues', {
    schema: {
      ...operation({ id: 'listLabelingQueues', tag: 'labeling', summary: 'The labeling queues the key may work on', security: keyWith('labeler') }),
      response: jsonResponses('One queue per service with labeling', QueuesResponseSchema),
    },
  }, async (req) => {
    const key = await ctx.auth.require(req, ['labeler']);
    const body: DeepReadonly<QueuesResponse> = { queues: await queue.queues(key) };
    return body;
  });

  app.post('/v1/labeling/lease', {
    config: { requestBody: optionalBody('Which service\'s queue; default any the key may label', LeaseRequestSchema) },
    schema: {
      ...operation({
        id: 'leaseLabelingItem', tag: 'labeling', summary: 'Lease the next item to label', security: keyWith('labeler'),
        description: 'The item is held for this labeler until `leasedUntil`; `item` is null when nothing is available.',
      }),
      response: jsonResponses('The leased item, with the request as served and the form to fill', LeaseResponseSchema),
    },
  }, async (req) => {
    const key = await ctx.auth.require(req, ['labeler']);
    const { service } = stringFields(jsonBody(req.body), ['service']);
    const item = await queue.lease(key, service);
    const body: DeepReadonly<LeaseResponse> = { item: item === undefined ? null : { ...item, leasedUntil: iso(item.leasedUntil) } };
    return body;
  });

  app.post<{ Params: { id: string } }>('/v1/labeling/items/:id/label', {
    config: { requestBody: { description: 'The label, fitting the item\'s form', required: true, content: { 'application/json': LabelSubmissionSchema } } },
    schema: {
      ...operation({
        id: 'labelItem', tag: 'labeling', summary: 'Label a leased item', security: keyWith('labeler'),
        description: 'Stored as a `human` outcome with id `label:<item id>:<key id>`; a retried submit answers the same and stores nothing new. '
          + `A label that does not fit the item is 400 \`MLSLO_ERR_LABEL_INVALID\` with \`error.details.problems\`. ${ACTION}`,
      }),
      params: ITEM_PARAMS,
      response: jsonResponses('The action taken', LabelActionResponseSchema),
    },
  }, async (req) => {
    const key = await ctx.auth.require(req, ['labeler']);
    const body: DeepReadonly<LabelActionResponse> = await queue.label(key, req.params.id, jsonBody(req.body));
    return body;
  });

  app.post<{ Params: { id: string } }>('/v1/labeling/items/:id/skip', {
    config: { requestBody: optionalBody('Nothing: an empty body or `{}`', SkipRequestSchema) },
    schema: {
      ...operation({ id: 'skipItem', tag: 'labeling', summary: 'Skip a leased item', description: ACTION, security: keyWith('labeler') }),
      params: ITEM_PARAMS,
      response: jsonResponses('The action taken', LabelActionResponseSchema),
    },
  }, async (req) => {
    const key = await ctx.auth.require(req, ['labeler']);
    stringFields(jsonBody(req.body), []);
    const body: DeepReadonly<LabelActionResponse> = await queue.skip(key, req.params.id);
    return body;
  });

  app.post<{ Params: { id: string } }>('/v1/labeling/items/:id/flag', {
    config: { requestBody: optionalBody('Why the item cannot be labeled', FlagRequestSchema) },
    schema: {
      ...operation({ id: 'flagItem', tag: 'labeling', summary: 'Flag a leased item as unlabelable', description: ACTION, security: keyWith('labeler') }),
      params: ITEM_PARAMS,
      response: jsonResponses('The action taken', LabelActionResponseSchema),
    },
  }, async (req) => {
    const key = await ctx.auth.require(req, ['labeler']);
    const { note } = stringFields(jsonBody(req.body), ['note']);
    const body: DeepReadonly<LabelActionResponse> = await queue.flag(key, req.params.id, note);
    return body;
  });

  app.post<{ Params: { name: string }; Querystring: { day?: string } }>('/v1/services/:name/labeling/sample', {
    schema: {
      ...operation({
        id: 'sampleForLabeling', tag: 'labeling', summary: 'Run the labeling sampler for a day', security: keyWith('admin'),
        description: 'Draws the day\'s stratified sample into the queue, as the daily job does (docs/labeling.md); a request already queued is not added again. No body.',
      }),
      params: SERVICE_PARAMS,
      querystring: SAMPLE_QUERY,
      response: jsonResponses('The draw and its allocation per stratum', SampleResponseSchema),
    },
  }, async (req) => {
    const spec = await authorizedSpec(ctx, req, ['admin'], req.params.name);
    if (spec.labeling === undefined) throw new MlsloError('MLSLO_ERR_LABELING_OFF', `\`${spec.name}\``);
    const today = utcDay(ctx.now());
    let day = today - DAY_MS;
    if (req.query.day !== undefined) {
      const t = /^\d{4}-\d{2}-\d{2}$/.test(req.query.day) ? Date.parse(`${req.query.day}T00:00:00Z`) : NaN;
      if (Number.isNaN(t) || isoDay(t) !== req.query.day) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', '`day` must be a UTC day, YYYY-MM-DD');
      if (t >= today) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', `\`day\` must be a past day (before ${isoDay(today)}); a day is sampled once it is over`);
      day = t;
    }
    const run = await sampler.sample(spec, day);
    const body: DeepReadonly<SampleResponse> = { service: run.service, day: isoDay(run.day), candidates: run.candidates, queued: run.queued, allocation: run.allocation };
    return body;
  });

  app.get<{ Params: { name: string }; Querystring: { window?: string } }>('/v1/services/:name/labeling/agreement', {
    schema: {
      ...operation({
        id: 'getLabelAgreement', tag: 'labeling', summary: 'Agreement between labelers', security: keyWith('read'),
        description: 'Krippendorff\'s α over every labeler, Cohen\'s κ on overlap items, and per labeler.',
      }),
      params: SERVICE_PARAMS,
      querystring: WINDOW_QUERY,
      response: jsonResponses('The agreement report', AgreementResponseSchema),
    },
  }, async (req) => {
    const spec = await authorizedSpec(ctx, req, ['read'], req.params.name);
    const { from, to } = windowOf(spec, req.query.window, ctx.now());
    const r = await agreementReport(ctx.store, spec, from, to);
    const body: DeepReadonly<AgreementResponse> = { ...r, from: iso(r.from), to: iso(r.to) };
    return body;
  });

  app.get<{ Params: { name: string }; Querystring: { window?: string } }>('/v1/services/:name/calibration', {
    schema: {
      ...operation({
        id: 'getCalibration', tag: 'labeling', summary: 'Automatic quality signals against human verdicts', security: keyWith('read'),
        description: 'For the judge, the feedback proxy and ground truth: agreement with the human verdict, κ, the confusion counts, and judge scores per criterion.',
      }),
      params: SERVICE_PARAMS,
      querystring: WINDOW_QUERY,
      response: jsonResponses('The calibration report', CalibrationResponseSchema),
    },
  }, async (req) => {
    const spec = await authorizedSpec(ctx, req, ['read'], req.params.name);
    const { from, to } = windowOf(spec, req.query.window, ctx.now());
    const r = await calibrationReport(ctx.store, spec, from, to);
    const body: DeepReadonly<CalibrationResponse> = { ...r, from: iso(r.from), to: iso(r.to) };
    return body;
  });
}
