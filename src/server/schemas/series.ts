/**
 * `GET /v1/services/{name}/series?window=&step=1d|1h&at=` — SLI time series and the error-budget
 * burn-down for charts, from rollups (engine/series.ts, docs/api.md).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Count, IntervalSchema, IsoTime, Nullable, Obj, ObjectivesSchema } from './common.ts';

const Counted = Obj({ good: Count, total: Count, sli: Nullable(Type.Number()) });

export const SeriesPointSchema = Obj({
  /** Bucket start: a UTC day or hour, except the first bucket, which starts with the window. */
  t: IsoTime,
  /** good = ok, total = eligible requests. */
  errors: Counted,
  /** good = ok and fast, total = ok requests. */
  latency: Counted,
  /** q̂ of the requests served in the bucket (request time, labels known as of `asOf`); null below minSamples. */
  quality: Obj({ judged: Count, qHat: Nullable(Type.Number()), interval: Nullable(IntervalSchema) }),
  /** okFast·q̂ / eligible; with q̂ insufficient the upper bound okFast / eligible, flagged. */
  composite: Obj({ sli: Nullable(Type.Number()), upperBound: Type.Boolean() }),
  /** The feedback proxy SLI of the bucket's requests (spec `quality.feedback`), apart from quality; null without feedback. */
  proxy: Nullable(Obj({ n: Count, sli: Type.Number(), interval: IntervalSchema })),
});

/** Error budget left over [from, t), computed as the report's `remaining`; null where there is no estimate. */
export const BudgetPointSchema = Obj({
  /** Bucket end. */
  t: IsoTime,
  errors: Nullable(Type.Number()),
  latency: Nullable(Type.Number()),
  quality: Nullable(Type.Number()),
  composite: Nullable(Type.Number()),
});

export const SeriesResponseSchema = Obj({
  service: Type.String(),
  window: Type.String(),
  step: Type.Union([Type.Literal('1d'), Type.Literal('1h')]),
  from: IsoTime,
  to: IsoTime,
  asOf: IsoTime,
  objectives: ObjectivesSchema,
  points: Type.Array(SeriesPointSchema),
  /** One per point; the last equals the report's `remaining` over the same window. */
  budget: Type.Array(BudgetPointSchema),
});

export type SeriesResponse = Static<typeof SeriesResponseSchema>;
export type SeriesPoint = Static<typeof SeriesPointSchema>;
export type BudgetPoint = Static<typeof BudgetPointSchema>;
