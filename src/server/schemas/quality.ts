/**
 * `GET /v1/services/{name}/quality?window=&at=&by=cohort|version|day&attr=` — quality in depth (DESIGN
 * §2.3–§2.5; core/quality-report.ts), and `GET /v1/services/{name}/quality/heatmap?attr=&days=&at=` —
 * the cohort × day grid (engine/heatmap.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  Count, GroupFlagSchema, IntervalSchema, IsoDay, IsoTime, LabelSchema, Nullable, Obj, QualityStatusSchema, TaskSchema,
} from './common.ts';

/** One metric: value over `n` requests with a 95% interval (absent for F1, macro averages, and n too small). */
export const MetricValueSchema = Obj({
  n: Count,
  /** The plain (unweighted, scikit-learn) metric; 0 when n = 0. */
  value: Type.Number(),
  interval: Type.Optional(IntervalSchema),
  /** Hájek (1/samplingProb-weighted) variant, when the weights are known. */
  weighted: Type.Optional(Type.Number()),
});

const Metric = MetricValueSchema;

export const CalibrationBinSchema = Obj({
  bin: Type.Integer({ minimum: 0 }),
  lower: Type.Number(),
  upper: Type.Number(),
  n: Count,
  meanScore: Type.Number(),
  accuracy: Type.Number(),
});

/** CBPE: expected accuracy from the predicted probabilities, and whether to trust it (docs/quality-metrics.md). */
export const EstimatedReportSchema = Obj({
  n: Count,
  accuracy: Type.Number(),
  interval: Type.Optional(IntervalSchema),
  calibration: Obj({ n: Count, bins: Type.Array(CalibrationBinSchema), ece: Type.Number() }),
  trust: Obj({
    trusted: Type.Boolean(),
    reason: Type.String(),
    judged: Count,
    realized: Type.Number(),
    expected: Type.Number(),
    /** Absent when there is no variance to scale by. */
    z: Type.Optional(Type.Number()),
  }),
});

const Averages = Obj({ precision: Metric, recall: Metric, f1: Metric });

export const ClassificationMetricsSchema = Obj({
  task: Type.Literal('classification'),
  n: Count,
  sumW: Type.Number(),
  labels: Type.Array(LabelSchema),
  accuracy: Metric,
  perClass: Type.Array(Obj({ label: LabelSchema, support: Count, precision: Metric, recall: Metric, f1: Metric })),
  macro: Averages,
  micro: Averages,
  /** Rows true label, columns predicted, both in `labels` order. */
  confusionMatrix: Type.Array(Type.Array(Count)),
  estimated: Type.Optional(EstimatedReportSchema),
});

export const RankingMetricsSchema = Obj({
  task: Type.Literal('ranking'),
  n: Count,
  sumW: Type.Number(),
  k: Type.Integer({ minimum: 1 }),
  atK: Type.Array(Obj({ k: Type.Integer({ minimum: 1 }), hit: Metric, precision: Metric, recall: Metric, ndcg: Metric, mrr: Metric })),
  mrr: Metric,
});

export const RegressionMetricsSchema = Obj({
  task: Type.Literal('regression'),
  n: Count,
  sumW: Type.Number(),
  mae: Metric,
  mse: Metric,
  rmse: Metric,
  withinTolerance: Metric,
});

export const GenerativeMetricsSchema = Obj({
  task: Type.Literal('generative'),
  n: Count,
  sumW: Type.Number(),
  pass: Metric,
  scores: Type.Array(Obj({ name: Type.String(), mean: Metric, passRate: Type.Optional(Metric) })),
});

export const QualityMetricsSchema = Type.Union([ClassificationMetricsSchema, RankingMetricsSchema, RegressionMetricsSchema, GenerativeMetricsSchema]);

/** A quality objective judged with its metric's interval (core/quality-metrics/objectives.ts). */
export const ObjectiveResultSchema = Obj({
  metric: Type.Union([
    Type.Literal('accuracy'), Type.Literal('precision'), Type.Literal('recall'), Type.Literal('f1'),
    Type.Literal('hit'), Type.Literal('precision_at_k'), Type.Literal('recall_at_k'), Type.Literal('ndcg'), Type.Literal('mrr'),
    Type.Literal('mae'), Type.Literal('rmse'), Type.Literal('within_tolerance'), Type.Literal('score_mean'), Type.Literal('pass_rate'),
  ]),
  class: Type.Optional(LabelSchema),
  score: Type.Optional(Type.String()),
  /** Readable name, e.g. `precision[fraud]`, `ndcg@10`. */
  name: Type.String(),
  target: Type.Number(),
  /** Absent when the metric does not exist in the window (status insufficient). */
  value: Type.Optional(Type.Number()),
  interval: Type.Optional(IntervalSchema),
  n: Count,
  status: Type.Union([Type.Literal('met'), Type.Literal('at_risk'), Type.Literal('violated'), Type.Literal('insufficient')]),
  direction: Type.Union([Type.Literal('higher_is_better'), Type.Literal('lower_is_better')]),
});

const summary = {
  status: QualityStatusSchema,
  judged: Count,
  ok: Count,
  coverage: Nullable(Type.Number()),
  /** Hájek-weighted share of good verdicts; null when insufficient. */
  qHat: Nullable(Type.Number()),
  interval: Nullable(IntervalSchema),
  effectiveN: Nullable(Type.Number()),
  metrics: QualityMetricsSchema,
  /** CBPE (classification with scores); null otherwise. */
  estimated: Nullable(EstimatedReportSchema),
  /** The feedback proxy, apart from quality; null without feedback. */
  proxy: Nullable(MetricValueSchema),
};

export const GroupTestSchema = Obj({
  rate: Type.Number(),
  restRate: Type.Number(),
  restJudged: Count,
  z: Type.Number(),
  pvalue: Type.Number(),
  adjustedP: Type.Number(),
  significant: Type.Boolean(),
});

const group = {
  ...summary,
  test: Nullable(GroupTestSchema),
  flags: Type.Array(GroupFlagSchema),
  /** Per-cohort objectives (`perCohort: true`), for cohort groups; empty otherwise. */
  objectives: Type.Array(ObjectiveResultSchema),
};

export const CohortQualityGroupSchema = Obj({ attr: Type.String(), value: Type.String(), ...group });
export const VersionQualityGroupSchema = Obj({ model: Type.String(), ...group });
export const DayQualityGroupSchema = Obj({ day: IsoDay, ...group });

const head = {
  service: Type.String(),
  task: TaskSchema,
  window: Type.String(),
  from: IsoTime,
  to: IsoTime,
  asOf: IsoTime,
  objective: Type.Number(),
  minSamples: Count,
  overall: Obj({ ...summary, pending: Count }),
  objectives: Type.Array(ObjectiveResultSchema),
  /** q̂ re-weighted by each `quality.stratifyBy` attribute's ok traffic. */
  stratified: Type.Array(Obj({ attr: Type.String(), qHat: Nullable(Type.Number()) })),
  warnings: Type.Array(Type.String()),
};

/** One schema per `by`: the groups are named by `attr`/`value`, `model` or `day`. */
export const QualityResponseSchema = Type.Union([
  Obj({ ...head, by: Type.Null(), groups: Type.Tuple([]) }),
  Obj({ ...head, by: Type.Literal('cohort'), groups: Type.Array(CohortQualityGroupSchema) }),
  Obj({ ...head, by: Type.Literal('version'), groups: Type.Array(VersionQualityGroupSchema) }),
  Obj({ ...head, by: Type.Literal('day'), groups: Type.Array(DayQualityGroupSchema) }),
]);

export const HeatmapCellSchema = Obj({
  day: IsoDay,
  judged: Count,
  qHat: Nullable(Type.Number()),
  interval: Nullable(IntervalSchema),
  status: QualityStatusSchema,
  /** Against the rest of that day's traffic, BH across the attribute's values that day. */
  flags: Type.Array(GroupFlagSchema),
});

export const HeatmapRowSchema = Obj({
  value: Type.String(),
  /** The whole period: the rows are ordered by its q̂, worst first (insufficient rows last). */
  overall: Obj({
    judged: Count,
    qHat: Nullable(Type.Number()),
    interval: Nullable(IntervalSchema),
    status: QualityStatusSchema,
    flags: Type.Array(GroupFlagSchema),
  }),
  /** One per entry of `days`, in the same order. */
  cells: Type.Array(HeatmapCellSchema),
});

export const HeatmapResponseSchema = Obj({
  service: Type.String(),
  attr: Type.String(),
  from: IsoTime,
  to: IsoTime,
  asOf: IsoTime,
  objective: Type.Number(),
  minSamples: Count,
  /** UTC days, oldest first; the last is the day holding `asOf`, counted up to it. */
  days: Type.Array(IsoDay),
  rows: Type.Array(HeatmapRowSchema),
});

export type QualityResponse = Static<typeof QualityResponseSchema>;
export type HeatmapResponse = Static<typeof HeatmapResponseSchema>;
export type QualityMetrics = Static<typeof QualityMetricsSchema>;
export type MetricValue = Static<typeof MetricValueSchema>;
export type ObjectiveResult = Static<typeof ObjectiveResultSchema>;
export type HeatmapRow = Static<typeof HeatmapRowSchema>;
export type HeatmapCell = Static<typeof HeatmapCellSchema>;
