/**
 * What `evaluateAlerts` reads about one service at one evaluation time `now`. Everything is data or a
 * pure accessor the engine binds to `now` (the core does no I/O): a trailing window of length w is
 * [now − w, now).
 */
import type { BurnPolicy } from '../burn-policy.ts';
import type { WindowCounts } from '../burn-rate.ts';
import type { ObjectiveResult } from '../quality-metrics/objectives.ts';
import type { QualityAcc } from '../rollup.ts';
import type { BreakdownRow, Dimension } from '../slo-report.ts';
import type { ServiceSpec } from '../spec.ts';
import type { CohortRef } from './alert-id.ts';

/** The parts of a service spec alerting reads; a ServiceSpec is one. */
export type AlertSpec = Pick<ServiceSpec, 'name' | 'tier' | 'objectives' | 'minEvents'> & {
  readonly quality: Pick<ServiceSpec['quality'], 'minSamples'>;
};

/** A model-version row of a report breakdown (slo-report.ts), with when the version last served. */
export type VersionRow = Pick<BreakdownRow, 'eligible' | 'errors' | 'latency' | 'quality' | 'test' | 'flags'> & {
  readonly model: string;
  /** Time of the version's latest request in the window; the largest marks the current version. */
  readonly lastSeenMs: number;
};

/** A cohort-value row of a report breakdown (slo-report.ts). */
export type CohortRow = Pick<BreakdownRow, 'eligible' | 'quality' | 'test' | 'flags'> & CohortRef;

export interface ObjectiveResults {
  /** Window the objectives were evaluated over (request time, as the quality document). */
  readonly windowMs: number;
  readonly overall: readonly ObjectiveResult[];
  /** Results of the `perCohort` objectives, per cohort value. */
  readonly cohorts: ReadonlyArray<CohortRef & { readonly results: readonly ObjectiveResult[] }>;
}

export interface AlertOptions {
  /** Coverage: verdicts expected at least once per this window (default 6h). */
  readonly coverageWindowMs?: number;
  /**
   * Coverage: how far back verdicts must have arrived for their absence to be news (default: the longer
   * of 2 × coverageWindowMs and the longest policy window).
   */
  readonly coverageLookbackMs?: number;
  /** Most flagged cohorts carried as evidence (default 5). */
  readonly maxCohorts?: number;
}

export interface AlertInput {
  readonly spec: AlertSpec;
  /** The burn policy for the spec's SLO period (policies/burn-*.yaml, derivePolicy). */
  readonly policy: BurnPolicy;
  /**
   * Request-time good/total of a dimension over a trailing window: `dimensionCounts` (slo-report.ts) of
   * the window's merged whole-service cell. Called with every policy window and the coverage window.
   */
  readonly counts: (dimension: Dimension, windowMs: number) => WindowCounts;
  /**
   * Verdict time: the quality accumulator of verdicts that ARRIVED in the trailing window (outcome `ts`),
   * whatever the time of their requests (§2.4). Called with policy windows, the coverage window and the
   * coverage lookback.
   */
  readonly verdictWindow: (windowMs: number) => QualityAcc;
  /** Eligible errors by error type over a trailing window (request time). */
  readonly errorTypes?: (windowMs: number) => Readonly<Record<string, number>>;
  /** Model-version breakdown over a trailing window (request time). */
  readonly versions?: (windowMs: number) => readonly VersionRow[];
  /** Cohort breakdown over a trailing window (request time). */
  readonly cohorts?: (windowMs: number) => readonly CohortRow[];
  /** Quality objectives evaluated by evaluateObjective; absent when the spec has none. */
  readonly objectives?: ObjectiveResults;
  readonly options?: AlertOptions;
}

export const DEFAULT_COVERAGE_WINDOW_MS = 6 * 3_600_000;
export const DEFAULT_MAX_COHORTS = 5;
