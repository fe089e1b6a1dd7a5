/**
 * What an alert carries to explain itself (DESIGN §2.9): windows with burn rates, bad events by
 * dimension, worst cohorts, model versions, the objective's value and interval. Plain data, JSON-ready.
 */
import type { BurnSeverity } from '../burn-policy.ts';
import type { GroupFlag } from '../quality-metrics/cohort-significance.ts';
import type { ObjectiveResult } from '../quality-metrics/objectives.ts';
import type { Dimension, Interval } from '../slo-report.ts';
import type { DriftMethod } from '../spec.ts';
import type { CohortRef } from './alert-id.ts';

/**
 * Which verdict-time window a quality burn rate was read from (§2.4): the requested policy window, or the
 * next longer one holding at least minSamples verdicts (`widened`), or none (`insufficient`: no burn).
 */
export type VerdictWindowUse =
  | { readonly kind: 'ok'; readonly requestedMs: number; readonly usedMs: number; readonly used: string; readonly widened: boolean; readonly verdicts: number; readonly qHat: number }
  | { readonly kind: 'insufficient'; readonly requestedMs: number; readonly longestMs: number; readonly verdicts: number };

export interface BurnRowEvidence {
  /** The row's severity in the policy file (a tier-2 service turns page rows into tickets). */
  readonly policySeverity: BurnSeverity;
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly longMs: number;
  readonly shortMs: number;
  readonly factor: number;
  readonly longBurn: number | null;
  readonly shortBurn: number | null;
  /** Events in the short window (verdicts for quality), for the low-traffic guard. */
  readonly shortEvents: number;
  readonly fires: boolean;
  /** Quality only: the verdict-time windows read after widening. */
  readonly verdictWindows?: { readonly long: VerdictWindowUse; readonly short: VerdictWindowUse };
}

/**
 * Bad events per dimension over one request-time window; they add up to the composite's bad events:
 * errors = eligible − ok, latency = ok − okFast, quality ≈ okFast·(1 − q̂) (0 when q̂ is insufficient).
 */
export interface BadByDimension {
  readonly window: string;
  readonly windowMs: number;
  readonly errors: number;
  readonly latency: number;
  readonly quality: number;
  /** quality ÷ (errors + latency + quality); null when nothing was bad. */
  readonly qualityShare: number | null;
  /** False when q̂ was insufficient: quality's share is unknown (counted 0) and the composite an upper bound. */
  readonly qualityEstimated: boolean;
}

export interface CohortEvidence extends CohortRef {
  readonly qHat: number | null;
  readonly interval: Interval | null;
  readonly judged: number;
  readonly adjustedP: number | null;
  readonly flags: readonly GroupFlag[];
}

export interface VersionEvidence {
  readonly model: string;
  /** The version serving the most recent traffic. */
  readonly current: boolean;
  readonly lastSeenMs: number;
  readonly eligible: number;
  readonly errorsSli: number | null;
  readonly latencySli: number | null;
  readonly qHat: number | null;
  readonly interval: Interval | null;
  readonly judged: number;
  readonly flags: readonly GroupFlag[];
}

/** Worst cohorts and model versions of one request-time window. */
export interface Breakdowns {
  readonly window: string;
  readonly windowMs: number;
  /** Flagged cohort values (below-objective or worse-than-rest), worst q̂ first, at most `maxCohorts`. */
  readonly worstCohorts: readonly CohortEvidence[];
  readonly versions: readonly VersionEvidence[];
}

export interface BurnEvidence {
  readonly kind: 'burn';
  readonly dimension: Dimension;
  readonly objective: number;
  /** `verdict` for quality (verdicts that arrived in the window), `request` for the others (§2.4). */
  readonly timeAxis: 'request' | 'verdict';
  readonly policySource: string;
  /** Every policy row of this alert's severity, in policy order. */
  readonly rows: readonly BurnRowEvidence[];
  /** Over the long window of the first firing row (or of the first row). */
  readonly bad: BadByDimension;
  /** Over the same long window; only when the condition holds (it costs significance tests). */
  readonly breakdowns: Breakdowns | undefined;
}

export interface QualityObjectiveEvidence {
  readonly kind: 'quality';
  readonly objective: ObjectiveResult;
  readonly cohort: CohortRef | undefined;
  readonly window: string;
  readonly windowMs: number;
  /** Only when the condition holds. */
  readonly breakdowns: Breakdowns | undefined;
}

export interface CoverageEvidence {
  readonly kind: 'coverage';
  readonly window: string;
  readonly windowMs: number;
  /** Ok requests in the window (request time). */
  readonly ok: number;
  /** Verdicts that arrived in the window (verdict time). */
  readonly verdicts: number;
  /** Verdicts that arrived in [now − lookback, now − window). */
  readonly verdictsBefore: number;
  readonly lookbackMs: number;
}

/** What a drift alert saw (drift-alerts.ts): the window's per-feature results against the baseline. */
export interface DriftEvidence {
  readonly kind: 'drift';
  readonly window: string;
  readonly baseline: string;
  readonly datasetDrift: boolean;
  readonly driftedShare: number;
  readonly features: ReadonlyArray<{
    readonly name: string;
    readonly method: DriftMethod;
    /** null when the window had no value of the feature. */
    readonly statistic: number | null;
    readonly threshold: number;
    readonly drifted: boolean;
    readonly critical: boolean;
    readonly psi: number | null;
  }>;
  readonly cohort: CohortRef | undefined;
  readonly model: string | undefined;
}

/** Hook for golden-set eval alerts (a later issue computes these). */
export interface EvalEvidence {
  readonly kind: 'eval';
  readonly runId: string;
  readonly comparedWith: { readonly kind: 'previous_run'; readonly runId: string } | { readonly kind: 'model_version'; readonly model: string };
  readonly metric: string;
  readonly value: number;
  readonly baselineValue: number;
  readonly pvalue: number | null;
  readonly segment: string | undefined;
  readonly model: string | undefined;
}
