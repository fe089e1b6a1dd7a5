/**
 * Defaults the spec applies when a value is omitted (DESIGN §2.1, §2.2, §2.3, §2.5, §2.6). Tier defaults are
 * data, one row per tier; an explicit value in the spec always wins.
 */
import type { OutcomeSource } from '../core/event.ts';
import type { Tier } from '../core/spec.ts';

export interface TierDefaults {
  readonly errors: number;
  readonly latency: number;
  /** Undefined: the spec must set it (tiers 0 and 1). */
  readonly quality: number | undefined;
  /**
   * Threshold of the single catch-all latency class used when a spec has no `latency` section. The design
   * gives no value; these are generous on purpose (1 s for online tiers 0/1, 5 s for tier 2, where
   * generative models dominate) so an unconfigured service is judged mostly on errors and quality, and a
   * team that cares about latency declares classes per input size.
   */
  readonly latencyThresholdMs: number;
  /** Tier 0 requires a per-cohort quality objective whenever cohorts are declared. */
  readonly perCohortRequired: boolean;
}

export const TIER_DEFAULTS: Readonly<Record<Tier, TierDefaults>> = {
  0: { errors: 0.9995, latency: 0.995, quality: undefined, latencyThresholdMs: 1000, perCohortRequired: true },
  1: { errors: 0.999, latency: 0.99, quality: undefined, latencyThresholdMs: 1000, perCohortRequired: false },
  2: { errors: 0.995, latency: 0.95, quality: 0.90, latencyThresholdMs: 5000, perCohortRequired: false },
};

/**
 * The largest `cohortCap` a spec may set: every value below the cap is a row per bucket and a line in
 * the report and /metrics, so 1,000,000 made reports take 30+ s (docs/reliability.md, Cardinality).
 */
export const MAX_COHORT_CAP = 10_000;

export const DEFAULTS = {
  windowDays: 30,
  timeZone: 'UTC',
  minEvents: 10,
  cohortCap: 200,
  errorsExclude: ['client_error'],
  sources: ['human', 'ground_truth', 'judge'] as readonly OutcomeSource[],
  precedence: ['human', 'ground_truth', 'judge', 'feedback'] as readonly OutcomeSource[],
  minSamples: 30,
  k: 10,
  labelGrace: '30d',
  orphanTtl: '7d',
  retrainCooldown: '7d',
  retrainBudgetExhaustion: true,
  retrainObjectiveViolations: 3,
  retrainDriftFor: '6h',
  /** Dataset drift when at least this share of the features drifted (§2.6, as Evidently). */
  driftDatasetShare: 0.5,
  /** The production window a drift alert tests, and how long drift must hold before it fires. */
  driftAlertWindow: '1h',
  driftAlertFor: '30m',
  latencyClassName: 'default',
} as const;

/**
 * Floors to 4 decimals. The epsilon absorbs binary representation error, so that a product that is
 * 0.9447 in decimal but 0.94469999… in binary floors to 0.9447, not 0.9446.
 */
export function floor4(x: number): number {
  return Math.floor(x * 10_000 + 1e-9) / 10_000;
}

/** The composite objective when the spec sets none: the product of the three, floored (§2.1). */
export function derivedComposite(errors: number, latency: number, quality: number): number {
  return floor4(errors * latency * quality);
}
