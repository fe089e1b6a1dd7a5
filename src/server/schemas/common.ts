/**
 * Building blocks of the HTTP response schemas (docs/api.md). Every module in this folder is
 * self-contained — TypeBox and its siblings only — so the dashboard (web/) can import the types
 * without compiling the server. Objects are closed (`additionalProperties: false`): a field the
 * server adds without its schema fails test/server/api-schemas.test.ts.
 */
import { Type, type TProperties, type TSchema } from '@sinclair/typebox';

/** A closed object: every property required unless wrapped in `Type.Optional`. */
export const Obj = <P extends TProperties>(properties: P, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description === undefined ? {} : { description }) });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** An instant, ISO-8601 in UTC (`2026-11-28T12:00:00.000Z`). */
export const IsoTime = Type.String({ format: 'date-time' });

/** A UTC calendar day, `YYYY-MM-DD`. */
export const IsoDay = Type.String({ format: 'date' });

/** Epoch milliseconds (alerts and retrain requests carry times so; see docs/api.md). */
export const EpochMs = Type.Number();

/** A count of requests or events. */
export const Count = Type.Integer({ minimum: 0 });

/** A 95% interval (Wilson for proportions). */
export const IntervalSchema = Obj({ lower: Type.Number(), upper: Type.Number() });

export const DimensionSchema = Type.Union([Type.Literal('errors'), Type.Literal('latency'), Type.Literal('quality'), Type.Literal('composite')]);

export const SeveritySchema = Type.Union([Type.Literal('page'), Type.Literal('ticket')]);

export const TaskSchema = Type.Union([Type.Literal('classification'), Type.Literal('ranking'), Type.Literal('regression'), Type.Literal('generative')]);

export const QualityStatusSchema = Type.Union([Type.Literal('ok'), Type.Literal('insufficient')]);

/** `below-objective`: the interval's upper bound is under the objective; `worse-than-rest`: BH-significant z-test (DESIGN §2.5). */
export const GroupFlagSchema = Type.Union([Type.Literal('below-objective'), Type.Literal('worse-than-rest')]);

/** Class labels and item ids: strings or integers, compared by value (DESIGN §3.1). */
export const LabelSchema = Type.Union([Type.String(), Type.Number()]);

/** The objective of each dimension (composite: explicit or derived). */
export const ObjectivesSchema = Obj({ errors: Type.Number(), latency: Type.Number(), quality: Type.Number(), composite: Type.Number() });

export const CohortRefSchema = Obj({ attr: Type.String(), value: Type.String() });
