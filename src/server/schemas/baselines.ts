/**
 * Drift baselines (docs/baselines.md): `GET /v1/services/{name}/baselines` lists them, newest first;
 * `POST …/baselines` (a training sample) and `POST …/baselines/window` (a production window) store one.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Count, IsoTime, Nullable, Obj } from './common.ts';
import { FeatureTypeSchema } from './drift.ts';

/** `inferred`: the type was inferred from the data rather than declared in `spec.drift.features`. */
const FeaturesSchema = Type.Record(Type.String(), Obj({ type: FeatureTypeSchema, inferred: Type.Boolean() }));

export const BaselineSchema = Obj({
  id: Type.String(),
  /** Model version the sample trained; null when uploaded without one. */
  model: Nullable(Type.String()),
  createdAt: IsoTime,
  rows: Count,
  features: FeaturesSchema,
});

export const BaselinesResponseSchema = Obj({ service: Type.String(), baselines: Type.Array(BaselineSchema) });

/** A row of the sample that was not used, by its 1-based line in the file. */
const RejectedRowSchema = Obj({ line: Type.Integer({ minimum: 1 }), message: Type.String() });

const stored = {
  id: Type.String(),
  service: Type.String(),
  model: Nullable(Type.String()),
  /** Rows kept. */
  rows: Count,
  features: FeaturesSchema,
  /** The first rejected rows (at most 1000); `rejectedCount` counts them all. */
  rejected: Type.Array(RejectedRowSchema),
  rejectedCount: Count,
};

export const BaselineUploadResponseSchema = Obj(stored);

export const WindowBaselineResponseSchema = Obj({
  ...stored,
  window: Obj({ from: IsoTime, to: IsoTime }),
  /** Eligible requests in the window; `rows` of them were sampled. */
  requests: Count,
});

export type BaselinesResponse = Static<typeof BaselinesResponseSchema>;
export type Baseline = Static<typeof BaselineSchema>;
export type BaselineUploadResponse = Static<typeof BaselineUploadResponseSchema>;
export type WindowBaselineResponse = Static<typeof WindowBaselineResponseSchema>;
