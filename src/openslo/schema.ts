/**
 * The OpenSLO v1 fields mlslo reads, as TypeBox schemas (https://github.com/OpenSLO/OpenSLO, README
 * "Object Types"). Objects stay open: OpenSLO is meant to be extended, and a field mlslo does not read
 * is no reason to refuse a document. What a schema cannot say well (indicator vs indicatorRef, good vs
 * bad, the forms of `alertPolicies`) is checked where it is read, with its own message.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const OPENSLO_API_VERSION = 'openslo/v1';
export const OPENSLO_KINDS = ['Service', 'SLO', 'SLI', 'DataSource', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget'] as const;
export type OsloKind = (typeof OPENSLO_KINDS)[number];

/** A string enum as one JSON Schema `enum`, so a wrong value gets one message listing the choices. */
const Enum = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: values });
const Opt = <T extends TSchema>(schema: T) => Type.Optional(schema);

const Name = Type.String({ minLength: 1 });

/** `duration-shorthand` of the spec (schemas/v1/parts/duration-shorthand.schema.json). */
export const DURATION_SHORTHAND = /^[1-9][0-9]*[mhdwMQY]$/;
const Duration = Type.String({ pattern: DURATION_SHORTHAND.source, description: 'a duration shorthand such as `30d`, `4w` or `1M`' });

const Metadata = Type.Object({
  name: Name,
  displayName: Opt(Type.String()),
  annotations: Opt(Type.Record(Type.String(), Type.String())),
});

const MetricSource = Type.Object({
  metricSourceRef: Opt(Type.String()),
  type: Opt(Type.String()),
  spec: Opt(Type.Unknown()),
});
const MetricQuery = Type.Object({ metricSource: MetricSource });

const SliSpec = Type.Object({
  description: Opt(Type.String()),
  thresholdMetric: Opt(MetricQuery),
  ratioMetric: Opt(Type.Object({
    counter: Opt(Type.Boolean()),
    good: Opt(MetricQuery),
    bad: Opt(MetricQuery),
    total: Opt(MetricQuery),
    rawType: Opt(Enum(['success', 'failure'])),
    raw: Opt(MetricQuery),
  })),
});

export const OBJECTIVE_OPS = ['lte', 'gte', 'lt', 'gt'] as const;
const Objective = Type.Object({
  displayName: Opt(Type.String()),
  op: Opt(Enum(OBJECTIVE_OPS)),
  value: Opt(Type.Number()),
  target: Opt(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
  targetPercent: Opt(Type.Number({ minimum: 0, exclusiveMaximum: 100 })),
  timeSliceTarget: Opt(Type.Number()),
  // A number (minutes) or a duration; mlslo only notes that it is there.
  timeSliceWindow: Opt(Type.Unknown()),
});

const TimeWindow = Type.Object({
  duration: Duration,
  isRolling: Opt(Type.Boolean()),
  calendar: Opt(Type.Object({ startTime: Opt(Type.String()), timeZone: Opt(Type.String()) })),
});

export const BUDGETING_METHODS = ['Occurrences', 'Timeslices', 'RatioTimeslices'] as const;

const Indicator = Type.Object({ metadata: Metadata, spec: SliSpec });

const SloSpec = Type.Object({
  description: Opt(Type.String()),
  service: Opt(Name),
  indicator: Opt(Indicator),
  indicatorRef: Opt(Name),
  timeWindow: Opt(Type.Array(TimeWindow, { minItems: 1, maxItems: 1 })),
  budgetingMethod: Opt(Enum(BUDGETING_METHODS)),
  objectives: Type.Array(Objective, { minItems: 1 }),
  // Names, `{alertPolicyRef}` or inline AlertPolicy objects; YAML's empty value (null) means none.
  alertPolicies: Opt(Type.Unknown()),
});

const Doc = <S extends TSchema>(spec: S) => Type.Object({ apiVersion: Type.String(), kind: Type.String(), metadata: Metadata, spec });
const Described = Type.Object({ description: Opt(Type.String()) });

/** One schema per kind; kinds mlslo does not map are read for their name only. */
export const DOC_SCHEMAS = {
  Service: Doc(Described),
  SLO: Doc(SloSpec),
  SLI: Doc(SliSpec),
  DataSource: Doc(Type.Object({ type: Opt(Type.String()) })),
  // Conditions and targets are inline objects or `{conditionRef}` / `{targetRef}`; only the refs are read.
  AlertPolicy: Doc(Type.Object({ conditions: Opt(Type.Array(Type.Unknown())), notificationTargets: Opt(Type.Array(Type.Unknown())) })),
  AlertCondition: Doc(Type.Object({})),
  AlertNotificationTarget: Doc(Type.Object({})),
} as const satisfies Record<OsloKind, TSchema>;

export type OsloBody<K extends OsloKind> = Static<(typeof DOC_SCHEMAS)[K]>;
export type SloSpecBody = Static<typeof SloSpec>;
export type SliSpecBody = Static<typeof SliSpec>;
export type ObjectiveBody = Static<typeof Objective>;
export type TimeWindowBody = Static<typeof TimeWindow>;
export type MetadataBody = Static<typeof Metadata>;
export type IndicatorBody = Static<typeof Indicator>;
