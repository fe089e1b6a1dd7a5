/** `GET /v1/services` — every service the key may read, with its headline numbers over its SLO window. */
import { Type, type Static } from '@sinclair/typebox';
import { Count, IsoTime, Nullable, Obj, ObjectivesSchema, QualityStatusSchema, TaskSchema } from './common.ts';

const PerDimension = <T extends Parameters<typeof Nullable>[0]>(t: T) =>
  Obj({ errors: Nullable(t), latency: Nullable(t), quality: Nullable(t), composite: Nullable(t) });

export const ServiceStateSchema = Type.Union([
  Type.Literal('no_data'), Type.Literal('operational'), Type.Literal('degraded'), Type.Literal('quality_degraded'), Type.Literal('outage'),
]);

export const ServiceSummarySchema = Obj({
  name: Type.String(),
  /** The model team's route. */
  owner: Type.String(),
  /** The SRE route. */
  oncall: Type.String(),
  tier: Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)]),
  task: TaskSchema,
  public: Type.Boolean(),
  /** The spec's SLO window: `30d`, or `month` for a calendar window. */
  window: Type.String(),
  /** Firing page alerts on errors or latency → outage; on quality → quality_degraded; any other firing row → degraded. */
  state: ServiceStateSchema,
  objectives: ObjectivesSchema,
  /** null without events (quality: when insufficient). */
  sli: PerDimension(Type.Number()),
  /** Error budget left, as the report's `remaining` (1 untouched, < 0 overspent). */
  remaining: Obj({ errors: Type.Number(), latency: Type.Number(), quality: Type.Number(), composite: Type.Number() }),
  quality: Obj({ status: QualityStatusSchema, judged: Count, coverage: Nullable(Type.Number()) }),
  /** Burn-rate policy rows firing now (the report's `burnAlerts`). */
  firing: Count,
});

export const ServicesResponseSchema = Obj({ asOf: IsoTime, services: Type.Array(ServiceSummarySchema) });

export type ServicesResponse = Static<typeof ServicesResponseSchema>;
export type ServiceSummary = Static<typeof ServiceSummarySchema>;
export type ServiceState = Static<typeof ServiceStateSchema>;
