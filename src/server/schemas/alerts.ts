/**
 * Alerts (DESIGN §2.9; core/alerting/, docs/alerting.md): `GET /v1/alerts`, `GET /v1/services/{name}/alerts`,
 * `GET /v1/alerts/history`, `GET /v1/alerts/{id}/deliveries`, and the retraining requests, `GET /v1/retrain`.
 * Alerts carry their times as epoch milliseconds, as the engine keeps them; everything else is ISO.
 */
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { CohortRefSchema, Count, DimensionSchema, EpochMs, GroupFlagSchema, IntervalSchema, IsoTime, Nullable, Obj, SeveritySchema } from './common.ts';
import { DriftMethodSchema } from './drift.ts';
import { ObjectiveResultSchema } from './quality.ts';

// ── identity and lifecycle ───────────────────────────────────────────────────────────────────────

const keyOf = <K extends string, P extends Record<string, TSchema>>(kind: K, props: P) =>
  Obj({ kind: Type.Literal(kind), service: Type.String(), ...props, severity: SeveritySchema });

export const AlertStateSchema = Type.Union([
  Obj({ kind: Type.Literal('inactive') }),
  Obj({ kind: Type.Literal('pending'), since: EpochMs }),
  Obj({ kind: Type.Literal('firing'), since: EpochMs, firingSince: EpochMs }),
  Obj({ kind: Type.Literal('resolved'), since: EpochMs, firingSince: EpochMs, resolvedAt: EpochMs }),
]);

// ── hints ────────────────────────────────────────────────────────────────────────────────────────

export const VersionQualitySnapshotSchema = Obj({ model: Type.String(), qHat: Type.Number(), interval: IntervalSchema, judged: Count });

export const HintSchema = Type.Union([
  Obj({
    kind: Type.Literal('rollback'), from: Type.String(), to: Type.String(),
    evidence: Obj({
      window: Type.String(), windowMs: Type.Number(), from: VersionQualitySnapshotSchema, to: VersionQualitySnapshotSchema,
      basis: Type.Union([Type.Literal('worse-than-rest'), Type.Literal('disjoint-intervals')]),
      adjustedP: Nullable(Type.Number()),
    }),
  }),
  Obj({ kind: Type.Literal('gate_cohort'), attr: Type.String(), value: Type.String(), qHat: Nullable(Type.Number()), adjustedP: Nullable(Type.Number()) }),
  Obj({ kind: Type.Literal('retrain') }),
  Obj({ kind: Type.Literal('investigate_errors'), errorTypes: Type.Array(Obj({ type: Type.String(), count: Count, share: Type.Number() })) }),
  Obj({ kind: Type.Literal('check_capacity'), ok: Count, slow: Count }),
  Obj({ kind: Type.Literal('check_verdict_pipeline'), verdictsBefore: Count }),
]);

// ── evidence ─────────────────────────────────────────────────────────────────────────────────────

/** Which verdict-time window a quality burn rate was read from (widened while short of minSamples). */
export const VerdictWindowUseSchema = Type.Union([
  Obj({
    kind: Type.Literal('ok'), requestedMs: Type.Number(), usedMs: Type.Number(), used: Type.String(), widened: Type.Boolean(),
    verdicts: Count, qHat: Type.Number(),
  }),
  Obj({ kind: Type.Literal('insufficient'), requestedMs: Type.Number(), longestMs: Type.Number(), verdicts: Count }),
]);

export const BurnRowEvidenceSchema = Obj({
  policySeverity: SeveritySchema,
  longWindow: Type.String(),
  shortWindow: Type.String(),
  longMs: Type.Number(),
  shortMs: Type.Number(),
  factor: Type.Number(),
  longBurn: Nullable(Type.Number()),
  shortBurn: Nullable(Type.Number()),
  shortEvents: Count,
  fires: Type.Boolean(),
  /** Quality only. */
  verdictWindows: Type.Optional(Obj({ long: VerdictWindowUseSchema, short: VerdictWindowUseSchema })),
});

export const BadByDimensionSchema = Obj({
  window: Type.String(),
  windowMs: Type.Number(),
  errors: Count,
  latency: Count,
  /** ≈ okFast·(1 − q̂): an estimate. */
  quality: Type.Number(),
  qualityShare: Nullable(Type.Number()),
  qualityEstimated: Type.Boolean(),
});

export const BreakdownsSchema = Obj({
  window: Type.String(),
  windowMs: Type.Number(),
  worstCohorts: Type.Array(Obj({
    attr: Type.String(), value: Type.String(), qHat: Nullable(Type.Number()), interval: Nullable(IntervalSchema), judged: Count,
    adjustedP: Nullable(Type.Number()), flags: Type.Array(GroupFlagSchema),
  })),
  versions: Type.Array(Obj({
    model: Type.String(), current: Type.Boolean(), lastSeenMs: EpochMs, eligible: Count,
    errorsSli: Nullable(Type.Number()), latencySli: Nullable(Type.Number()), qHat: Nullable(Type.Number()), interval: Nullable(IntervalSchema),
    judged: Count, flags: Type.Array(GroupFlagSchema),
  })),
});

export const BurnEvidenceSchema = Obj({
  kind: Type.Literal('burn'),
  dimension: DimensionSchema,
  objective: Type.Number(),
  timeAxis: Type.Union([Type.Literal('request'), Type.Literal('verdict')]),
  policySource: Type.String(),
  rows: Type.Array(BurnRowEvidenceSchema),
  bad: BadByDimensionSchema,
  /** Only while the condition holds. */
  breakdowns: Type.Optional(BreakdownsSchema),
});

export const QualityObjectiveEvidenceSchema = Obj({
  kind: Type.Literal('quality'),
  objective: ObjectiveResultSchema,
  cohort: Type.Optional(CohortRefSchema),
  window: Type.String(),
  windowMs: Type.Number(),
  breakdowns: Type.Optional(BreakdownsSchema),
});

export const CoverageEvidenceSchema = Obj({
  kind: Type.Literal('coverage'),
  window: Type.String(),
  windowMs: Type.Number(),
  ok: Count,
  verdicts: Count,
  verdictsBefore: Count,
  lookbackMs: Type.Number(),
});

export const DriftEvidenceSchema = Obj({
  kind: Type.Literal('drift'),
  window: Type.String(),
  /** Baseline id. */
  baseline: Type.String(),
  datasetDrift: Type.Boolean(),
  driftedShare: Type.Number(),
  features: Type.Array(Obj({
    name: Type.String(), method: DriftMethodSchema, statistic: Nullable(Type.Number()), threshold: Type.Number(),
    drifted: Type.Boolean(), critical: Type.Boolean(),
    /** The PSI value alone (the drift report has `{value, band}`). */
    psi: Nullable(Type.Number()),
  })),
  cohort: Type.Optional(CohortRefSchema),
  model: Type.Optional(Type.String()),
});

export const EvalEvidenceSchema = Obj({
  kind: Type.Literal('eval'),
  runId: Type.String(),
  comparedWith: Type.Union([
    Obj({ kind: Type.Literal('previous_run'), runId: Type.String() }),
    Obj({ kind: Type.Literal('model_version'), model: Type.String() }),
  ]),
  metric: Type.String(),
  value: Type.Number(),
  baselineValue: Type.Number(),
  pvalue: Nullable(Type.Number()),
  segment: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
});

// ── alerts ───────────────────────────────────────────────────────────────────────────────────────

function alertOf<K extends string, Key extends TObject, Ev extends TObject>(kind: K, key: Key, evidence: Ev) {
  return Obj({
    kind: Type.Literal(kind),
    /** Stable across evaluations, e.g. `fraud-scorer/burn/errors/page`. */
    id: Type.String(),
    key,
    service: Type.String(),
    /** Evaluation time. */
    at: EpochMs,
    holds: Type.Boolean(),
    severity: SeveritySchema,
    /** `oncall`: the SRE route; `owner`: the model team's. */
    route: Type.Union([Type.Literal('owner'), Type.Literal('oncall')]),
    summary: Type.String(),
    hint: Type.Optional(HintSchema),
    evidence,
    state: AlertStateSchema,
  });
}

export const BurnAlertSchema = alertOf('burn', keyOf('burn', { dimension: DimensionSchema }), BurnEvidenceSchema);
export const QualityAlertSchema = alertOf('quality', keyOf('quality', { objective: Type.String(), cohort: Type.Optional(CohortRefSchema) }), QualityObjectiveEvidenceSchema);
export const CoverageAlertSchema = alertOf('coverage', keyOf('coverage', {}), CoverageEvidenceSchema);
export const DriftAlertSchema = alertOf('drift', keyOf('drift', { feature: Type.Optional(Type.String()) }), DriftEvidenceSchema);
export const EvalAlertSchema = alertOf('eval', keyOf('eval', { evalName: Type.String(), segment: Type.Optional(Type.String()) }), EvalEvidenceSchema);

export const AlertSchema = Type.Union([BurnAlertSchema, QualityAlertSchema, CoverageAlertSchema, DriftAlertSchema, EvalAlertSchema]);

/** Pending and firing alerts as last evaluated. */
export const AlertsResponseSchema = Obj({ alerts: Type.Array(AlertSchema) });

/** Fired and resolved transitions, newest first; `alert` is the alert as it was then. */
export const AlertHistoryResponseSchema = Obj({
  transitions: Type.Array(Obj({
    alertId: Type.String(),
    service: Type.String(),
    at: IsoTime,
    transition: Type.Union([Type.Literal('fired'), Type.Literal('resolved')]),
    alert: AlertSchema,
  })),
});

export const DeliverySchema = Obj({
  id: Type.String(),
  channel: Type.Union([Type.Literal('webhook'), Type.Literal('slack'), Type.Literal('pagerduty'), Type.Literal('alertmanager'), Type.Literal('retrain')]),
  /** Redacted: origin only (PagerDuty: the routing key's last 4 characters). */
  target: Type.String(),
  notice: Type.Union([Type.Literal('fired'), Type.Literal('resolved'), Type.Literal('refresh'), Type.Literal('retrain')]),
  dedupKey: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Count,
  createdAt: IsoTime,
  /** Pending deliveries only. */
  nextAttemptAt: Nullable(IsoTime),
  deliveredAt: Nullable(IsoTime),
  lastError: Nullable(Type.String()),
});

export const DeliveriesResponseSchema = Obj({ alertId: Type.String(), deliveries: Type.Array(DeliverySchema) });

export const RetrainReasonSchema = Type.Union([
  Obj({ kind: Type.Literal('budget_exhaustion'), remaining: Type.Number(), burn1d: Nullable(Type.Number()), projectedConsumed: Nullable(Type.Number()) }),
  Obj({ kind: Type.Literal('objective_violations'), objectives: Type.Array(Type.String()), evaluations: Count }),
  Obj({ kind: Type.Literal('drift'), since: IsoTime }),
]);

/** A `retrain.requested` event sent to the training webhook (which receives it as `event`, with a `dedupKey`). */
export const RetrainRequestSchema = Obj({
  service: Type.String(),
  type: Type.Literal('retrain.requested'),
  at: IsoTime,
  reasons: Type.Array(RetrainReasonSchema),
  /** Requests in this window, with their late labels, are the suggested fresh training data. */
  suggestedDataWindow: Obj({ from: IsoTime, to: IsoTime }),
  cohorts: Type.Array(Obj({ attr: Type.String(), value: Type.String(), qHat: Nullable(Type.Number()) })),
});

/** Newest first. */
export const RetrainHistoryResponseSchema = Obj({ requests: Type.Array(RetrainRequestSchema) });

export type Alert = Static<typeof AlertSchema>;
export type AlertState = Static<typeof AlertStateSchema>;
export type Hint = Static<typeof HintSchema>;
export type AlertsResponse = Static<typeof AlertsResponseSchema>;
export type AlertHistoryResponse = Static<typeof AlertHistoryResponseSchema>;
export type Delivery = Static<typeof DeliverySchema>;
export type DeliveriesResponse = Static<typeof DeliveriesResponseSchema>;
export type RetrainHistoryResponse = Static<typeof RetrainHistoryResponseSchema>;
export type RetrainRequestJson = Static<typeof RetrainRequestSchema>;
