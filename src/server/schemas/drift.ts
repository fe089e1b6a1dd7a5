/**
 * `GET /v1/services/{name}/drift?window=&at=&by=cohort&model=` and `GET …/drift/series?days=&at=&model=`
 * (DESIGN §2.6; engine/drift.ts, docs/drift.md).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Count, IsoDay, IsoTime, Nullable, Obj } from './common.ts';

export const DriftMethodSchema = Type.Union([
  Type.Literal('ks'), Type.Literal('wasserstein'), Type.Literal('chi2'), Type.Literal('z'), Type.Literal('jensenshannon'), Type.Literal('psi'),
]);

export const FeatureTypeSchema = Type.Union([Type.Literal('numeric'), Type.Literal('categorical')]);

export const PsiSchema = Obj({
  value: Type.Number(),
  /** Bands 0.1 (moderate) and 0.25 (major). */
  band: Type.Union([Type.Literal('none'), Type.Literal('moderate'), Type.Literal('major')]),
});

export const DriftStatusSchema = Type.Union([Type.Literal('ok'), Type.Literal('no_data')]);

export const FeatureDriftSchema = Obj({
  name: Type.String(),
  type: FeatureTypeSchema,
  /** The method that ran (an inapplicable override falls back). */
  method: DriftMethodSchema,
  /** null with status no_data. */
  statistic: Nullable(Type.Number()),
  /** For ks, chi2 and z; null for distances. */
  pValue: Nullable(Type.Number()),
  threshold: Type.Number(),
  drifted: Type.Boolean(),
  critical: Type.Boolean(),
  /** The true statistic lies within this of `statistic`; 0 when exact. */
  errorBound: Type.Number(),
  psi: Nullable(PsiSchema),
  baselineCount: Count,
  currentCount: Count,
  currentMissing: Count,
  /** Up to 3 PSI bins with the largest contribution. */
  shiftedBins: Type.Array(Obj({ bin: Type.String(), baselineShare: Type.Number(), currentShare: Type.Number(), psiTerm: Type.Number() })),
  /** Production categories absent from the baseline. */
  newCategories: Type.Array(Obj({ value: Type.String(), share: Type.Number() })),
  status: DriftStatusSchema,
});

export const DatasetDriftSchema = Obj({
  driftedShare: Type.Number(),
  drifted: Type.Boolean(),
  /** Features with status ok. */
  evaluated: Count,
  driftedFeatures: Type.Array(Type.String()),
});

export const DriftResponseSchema = Obj({
  service: Type.String(),
  window: Type.String(),
  /** Whole hours ending with the hour that holds `at`. */
  from: IsoTime,
  to: IsoTime,
  /** The as-of instant (the report and quality documents call it `asOf`). */
  at: IsoTime,
  model: Nullable(Type.String()),
  baseline: Obj({ id: Type.String(), model: Nullable(Type.String()), createdAt: IsoTime, rows: Count }),
  /** Share done while the histograms are re-binned for a new baseline; null otherwise. */
  rebuilding: Nullable(Type.Number()),
  dataset: DatasetDriftSchema,
  features: Type.Array(FeatureDriftSchema),
  /** The same tests on `prediction.label` / `prediction.score` / `prediction.value`. */
  prediction: Type.Array(FeatureDriftSchema),
  /** With `by=cohort` only: per cohort value, most drifted first. */
  cohorts: Type.Optional(Type.Array(Obj({
    attr: Type.String(), value: Type.String(), dataset: DatasetDriftSchema, features: Type.Array(FeatureDriftSchema),
  }))),
});

export const DailyDriftSchema = Obj({
  day: IsoDay,
  requests: Count,
  dataset: DatasetDriftSchema,
  features: Type.Array(Obj({
    name: Type.String(),
    method: DriftMethodSchema,
    statistic: Nullable(Type.Number()),
    pValue: Nullable(Type.Number()),
    threshold: Type.Number(),
    drifted: Type.Boolean(),
    psi: Nullable(PsiSchema),
    status: DriftStatusSchema,
  })),
});

export const DriftSeriesResponseSchema = Obj({
  service: Type.String(),
  model: Nullable(Type.String()),
  /** One evaluation per UTC day, oldest first. */
  days: Type.Array(DailyDriftSchema),
});

export type DriftResponse = Static<typeof DriftResponseSchema>;
export type DriftSeriesResponse = Static<typeof DriftSeriesResponseSchema>;
export type FeatureDrift = Static<typeof FeatureDriftSchema>;
