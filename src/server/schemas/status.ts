/**
 * `GET /status.json` — the public status page as data (DESIGN §2.10; core/public-status.ts). Only
 * services whose spec is `public: true`; no owners, routes, request counts, error types, features,
 * model versions or alert internals.
 */
import { Type, type Static } from '@sinclair/typebox';
import { IsoDay, IsoTime, Nullable, Obj } from './common.ts';
import { ServiceStateSchema } from './services.ts';

/** `insufficient`: requests, but fewer judged than minSamples (the composite SLI is then an upper bound). */
export const AttainmentStatusSchema = Type.Union([Type.Literal('met'), Type.Literal('missed'), Type.Literal('no_data'), Type.Literal('insufficient')]);

export const StatusDaySchema = Obj({
  date: IsoDay,
  sli: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  status: AttainmentStatusSchema,
});

export const StatusDimensionSchema = Obj({
  objective: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
  /** The SLI over the SLO window. */
  attainment: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  status: AttainmentStatusSchema,
  /** One per UTC day, oldest first, today last. */
  days: Type.Array(StatusDaySchema),
});

export const StatusCohortSchema = Obj({
  attr: Type.String(),
  values: Type.Array(Obj({
    value: Type.String(),
    quality: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    status: Type.Union([Type.Literal('met'), Type.Literal('missed'), Type.Literal('insufficient')]),
  })),
}, 'Quality per value of a cohort attribute the spec publishes in statusPage.cohorts');

export const ServiceStatusSchema = Obj({
  name: Type.String(),
  description: Nullable(Type.String()),
  /** The rule of `GET /v1/services` (core/service-state.ts). */
  state: ServiceStateSchema,
  /** `30d`, `28d`, … or `month` for a calendar window. */
  window: Type.String(),
  qualityMeaning: Type.String(),
  dimensions: Obj({ errors: StatusDimensionSchema, latency: StatusDimensionSchema, quality: StatusDimensionSchema, composite: StatusDimensionSchema }),
  cohorts: Type.Array(StatusCohortSchema),
});

export const StatusResponseSchema = Obj({
  asOf: IsoTime,
  /** The worst state among the services; no_data when there are none. */
  state: ServiceStateSchema,
  /** Daily bars per dimension (90). */
  days: Type.Integer({ minimum: 1 }),
  services: Type.Array(ServiceStatusSchema),
});

export type StatusResponse = Static<typeof StatusResponseSchema>;
export type ServiceStatus = Static<typeof ServiceStatusSchema>;
