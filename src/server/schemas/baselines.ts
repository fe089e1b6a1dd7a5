/** `GET /v1/services/{name}/baselines` — the drift baselines of a service, newest first (docs/baselines.md). */
import { Type, type Static } from '@sinclair/typebox';
import { Count, IsoTime, Nullable, Obj } from './common.ts';
import { FeatureTypeSchema } from './drift.ts';

export const BaselineSchema = Obj({
  id: Type.String(),
  /** Model version the sample trained; null when uploaded without one. */
  model: Nullable(Type.String()),
  createdAt: IsoTime,
  rows: Count,
  /** `inferred`: the type was inferred from the data rather than declared in `spec.drift.features`. */
  features: Type.Record(Type.String(), Obj({ type: FeatureTypeSchema, inferred: Type.Boolean() })),
});

export const BaselinesResponseSchema = Obj({ service: Type.String(), baselines: Type.Array(BaselineSchema) });

export type BaselinesResponse = Static<typeof BaselinesResponseSchema>;
export type Baseline = Static<typeof BaselineSchema>;
