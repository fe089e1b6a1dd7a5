/**
 * Golden sets, eval runs and production replays (DESIGN §2.7, docs/evals.md):
 * `PUT /v1/services/{name}/golden-sets/{set}` (JSONL upload), `GET /v1/services/{name}/golden-sets`,
 * `POST /v1/services/{name}/evals` (start a run), `GET /v1/services/{name}/evals`, `GET /v1/evals/{id}`,
 * `GET /v1/evals/{id}/results`, `POST /v1/services/{name}/replays`; and the request bodies the handlers read
 * (routes/evals.ts checks them by hand: every body arrives as bytes).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Count, IntervalSchema, IsoTime, Nullable, Obj } from './common.ts';

export const GoldenSetSchema = Obj({
  id: Type.String(),
  name: Type.String(),
  createdAt: IsoTime,
  examples: Count,
  /** Examples per segment; `''` is examples without one. */
  segments: Type.Record(Type.String(), Count),
  /** The spec's schedule for the set, null when the spec has no entry for it (runs only on demand … never: a run needs an endpoint). */
  schedule: Nullable(Type.String()),
  /** Next scheduled run, null when not scheduled. */
  nextRunAt: Nullable(IsoTime),
});

export const GoldenSetsResponseSchema = Obj({ service: Type.String(), goldenSets: Type.Array(GoldenSetSchema) });

/** One line of an upload that was not stored, with a JSON pointer into the line. */
export const RejectedLineSchema = Obj({ line: Type.Integer({ minimum: 1 }), code: Type.String(), message: Type.String(), path: Type.String() });

export const GoldenSetUploadResponseSchema = Obj({
  id: Type.String(),
  service: Type.String(),
  name: Type.String(),
  examples: Count,
  segments: Type.Record(Type.String(), Count),
  /** The first rejected lines (at most 100). */
  rejected: Type.Array(RejectedLineSchema),
  rejectedCount: Count,
});

/** A proportion with its Wilson 95% interval. */
export const RateSchema = Obj({ n: Count, good: Count, value: Type.Number(), interval: IntervalSchema });

/** Per-example scores where the task has them: mean |error| (regression), mean judge score (generative). */
export const ScoreStatsSchema = Obj({ n: Count, mean: Type.Number(), interval: IntervalSchema });

export const SegmentResultSchema = Obj({
  /** `''`: examples without a segment. */
  segment: Type.String(),
  passRate: RateSchema,
  score: Nullable(ScoreStatsSchema),
  /** Calls that failed after their retries (not scored). */
  failed: Count,
});

/** How this run compares with another run on the examples both scored (paired). */
export const ComparisonSchema = Obj({
  against: Type.Union([Type.Literal('previous_run'), Type.Literal('model_version'), Type.Literal('production')]),
  runId: Nullable(Type.String()),
  /** The other side's model version ('' when it reported none); for replays the production model(s). */
  model: Type.String(),
  /** Examples both sides scored. */
  paired: Count,
  /** Pass rates on the paired examples: this run, the other. */
  passRate: Type.Number(),
  otherPassRate: Type.Number(),
  /** passRate − otherPassRate. */
  delta: Type.Number(),
  /** McNemar's test on the paired verdicts: b = good here and bad there, c = bad here and good there. */
  mcnemar: Obj({ b: Count, c: Count, statistic: Type.Number(), pValue: Type.Number(), exact: Type.Boolean() }),
  /** Wilcoxon signed-rank test on paired per-example scores, when both have scores. */
  scores: Nullable(Obj({ paired: Count, meanDelta: Type.Number(), statistic: Type.Number(), pValue: Type.Number() })),
  /** A drop of at least the spec's maxDrop, significant at its alpha. */
  regression: Type.Boolean(),
  segment: Type.Optional(Type.String()),
});

export const EvalRunSchema = Obj({
  id: Type.String(),
  service: Type.String(),
  kind: Type.Union([Type.Literal('golden'), Type.Literal('replay')]),
  /** Golden set name, or the replay endpoint's name. */
  name: Type.String(),
  goldenSetId: Nullable(Type.String()),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  trigger: Type.String(),
  startedAt: IsoTime,
  finishedAt: Nullable(IsoTime),
  /** Model version the endpoint reported ('' when none). */
  model: Type.String(),
  total: Count,
  done: Count,
  error: Nullable(Type.String()),
  /** Present once the run is done. */
  summary: Nullable(Obj({
    passRate: RateSchema,
    score: Nullable(ScoreStatsSchema),
    /** Replay: the Hájek estimate weighted by 1/π of the stratified sample, with its interval. */
    weightedPassRate: Nullable(Obj({ value: Type.Number(), interval: IntervalSchema })),
    failed: Count,
    segments: Type.Array(SegmentResultSchema),
    /** Results per model version the endpoint reported (a canary behind the endpoint shows up here). */
    versions: Type.Array(Obj({ model: Type.String(), passRate: RateSchema })),
    comparisons: Type.Array(ComparisonSchema),
    timing: Obj({ durationMs: Type.Number(), p50Ms: Type.Number(), p95Ms: Type.Number(), maxMs: Type.Number() }),
  })),
});

export const EvalRunsResponseSchema = Obj({ service: Type.String(), runs: Type.Array(EvalRunSchema) });

export const EvalResultSchema = Obj({
  index: Count,
  exampleId: Type.String(),
  segment: Type.String(),
  requestId: Nullable(Type.String()),
  model: Type.String(),
  verdict: Nullable(Type.Boolean()),
  score: Nullable(Type.Number()),
  /** The extracted prediction (JSON), null when the call failed. */
  prediction: Type.Unknown(),
  baselineVerdict: Nullable(Type.Boolean()),
  latencyMs: Type.Number(),
  attempts: Count,
  error: Nullable(Type.String()),
});

export const EvalResultsResponseSchema = Obj({ runId: Type.String(), offset: Count, results: Type.Array(EvalResultSchema) });

/** One line of a golden-set upload (docs/evals.md); without `id`, an example is `line-<n>`. */
export const GoldenExampleSchema = Type.Object({
  id: Type.Optional(Type.String()),
  input: Type.Unknown(),
  /** The true label, relevant items, or true value; optional for generative services (the judge scores the output). */
  expected: Type.Optional(Type.Unknown()),
  segment: Type.Optional(Type.String()),
});

/** Who started a run, recorded with it: a short lower-case word; default `api`. */
const TriggerSchema = Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' });
const NameSchema = Type.String({ minLength: 1, maxLength: 200 });

/** `POST /v1/services/{name}/evals`. */
export const StartEvalRequestSchema = Obj({ goldenSet: NameSchema, trigger: Type.Optional(TriggerSchema) });

/** `POST /v1/services/{name}/replays`: requests served in [from, to) (default the last 7 days), a sample of `size`. */
export const StartReplayRequestSchema = Obj({
  /** An endpoint of `spec.evals.endpoints`. */
  endpoint: NameSchema,
  /** ISO-8601 with an explicit offset. */
  from: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  to: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 500 })),
  trigger: Type.Optional(TriggerSchema),
});

export type GoldenSet = Static<typeof GoldenSetSchema>;
export type GoldenSetsResponse = Static<typeof GoldenSetsResponseSchema>;
export type GoldenSetUploadResponse = Static<typeof GoldenSetUploadResponseSchema>;
export type Rate = Static<typeof RateSchema>;
export type ScoreStats = Static<typeof ScoreStatsSchema>;
export type SegmentResult = Static<typeof SegmentResultSchema>;
export type Comparison = Static<typeof ComparisonSchema>;
export type EvalRun = Static<typeof EvalRunSchema>;
export type EvalSummary = NonNullable<EvalRun['summary']>;
export type EvalRunsResponse = Static<typeof EvalRunsResponseSchema>;
export type EvalResult = Static<typeof EvalResultSchema>;
export type EvalResultsResponse = Static<typeof EvalResultsResponseSchema>;
export type StartEvalRequest = Static<typeof StartEvalRequestSchema>;
export type StartReplayRequest = Static<typeof StartReplayRequestSchema>;
