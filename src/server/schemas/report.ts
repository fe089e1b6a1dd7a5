/** `GET /v1/services/{name}/report?window=&at=` — the SLO report (DESIGN §3.3; core/slo-report.ts). */
import { Type, type Static } from '@sinclair/typebox';
import {
  Count, DimensionSchema, GroupFlagSchema, IntervalSchema, IsoTime, Nullable, Obj, QualityStatusSchema, SeveritySchema,
} from './common.ts';

/** Burn rate per policy window (`5m`, `1h`, …); null without events in the window (never fires). */
const BurnRates = Type.Record(Type.String(), Nullable(Type.Number()));

/** Fields every dimension has: budget = (1 − objective)·total, remaining = 1 − consumed/budget (DESIGN §2.2). */
const dimension = {
  objective: Type.Number(),
  /** null when the window holds no events for the dimension (and for quality when insufficient). */
  sli: Nullable(Type.Number()),
  interval: Nullable(IntervalSchema),
  total: Count,
  budget: Type.Number(),
  remaining: Type.Number(),
  burnRates: BurnRates,
};

/** errors and latency count requests: good and consumed are integers. */
const counted = { ...dimension, good: Count, consumed: Count };
/** quality and composite are estimates (good = q̂·ok, okFast·q̂): fractional. */
const estimated = { ...dimension, good: Type.Number({ minimum: 0 }), consumed: Type.Number() };

export const ErrorsReportSchema = Obj({ ...counted, byType: Type.Record(Type.String(), Count), excluded: Count });

export const LatencyClassReportSchema = Obj({
  name: Type.String(),
  thresholdMs: Type.Number(),
  ok: Count,
  fast: Count,
  sli: Nullable(Type.Number()),
  p50: Nullable(Type.Number()),
  p90: Nullable(Type.Number()),
  p99: Nullable(Type.Number()),
});

export const LatencyReportSchema = Obj({ ...counted, classes: Type.Array(LatencyClassReportSchema) });

export const QualityReportSchema = Obj({
  ...estimated,
  status: QualityStatusSchema,
  qHat: Nullable(Type.Number()),
  judged: Count,
  effectiveN: Nullable(Type.Number()),
  coverage: Nullable(Type.Number()),
  pending: Count,
  minSamples: Count,
});

export const CompositeReportSchema = Obj({
  ...estimated,
  /** True when q̂ is insufficient and the composite is the upper bound okFast / eligible. */
  upperBound: Type.Boolean(),
});

export const BurnAlertRowSchema = Obj({
  dimension: DimensionSchema,
  severity: SeveritySchema,
  longWindow: Type.String(),
  shortWindow: Type.String(),
  factor: Type.Number(),
  longBurn: Nullable(Type.Number()),
  shortBurn: Nullable(Type.Number()),
  firing: Type.Boolean(),
});

const SliWithInterval = Obj({ sli: Nullable(Type.Number()), interval: Nullable(IntervalSchema) });

const breakdown = {
  eligible: Count,
  errors: SliWithInterval,
  latency: SliWithInterval,
  quality: Obj({ status: QualityStatusSchema, qHat: Nullable(Type.Number()), interval: Nullable(IntervalSchema), judged: Count }),
  composite: Obj({ sli: Nullable(Type.Number()), upperBound: Type.Boolean() }),
  /** Quality against the rest of the traffic: z-test p-value, BH-adjusted across the breakdown. */
  test: Nullable(Obj({ pvalue: Type.Number(), adjustedP: Type.Number() })),
  flags: Type.Array(GroupFlagSchema),
};

export const CohortRowSchema = Obj({ attr: Type.String(), value: Type.String(), ...breakdown });

export const VersionRowSchema = Obj({
  model: Type.String(),
  ...breakdown,
  /** p-values of the error and latency SLI against the other versions; null when either side is empty. */
  versus: Obj({ errors: Nullable(Type.Number()), latency: Nullable(Type.Number()) }),
});

export const ReportResponseSchema = Obj({
  service: Type.String(),
  /** `30d`, `6h`, or `month` for a calendar window. */
  window: Type.String(),
  from: IsoTime,
  to: IsoTime,
  asOf: IsoTime,
  errors: ErrorsReportSchema,
  latency: LatencyReportSchema,
  quality: QualityReportSchema,
  composite: CompositeReportSchema,
  burnAlerts: Type.Array(BurnAlertRowSchema),
  cohorts: Type.Array(CohortRowSchema),
  versions: Type.Array(VersionRowSchema),
  /** Outcomes whose inference never arrived within orphanTtl. */
  orphans: Count,
});

export type ReportResponse = Static<typeof ReportResponseSchema>;
export type CohortRow = Static<typeof CohortRowSchema>;
export type VersionRow = Static<typeof VersionRowSchema>;
export type BurnAlertRow = Static<typeof BurnAlertRowSchema>;
