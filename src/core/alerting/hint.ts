/**
 * Remediation hints (DESIGN §2.9): what the receiving team should try first. A hint is advice carried
 * with the alert, never an action mlslo takes by itself.
 */
import type { Interval } from '../stats/wilson.ts';

export interface VersionQualitySnapshot {
  readonly model: string;
  readonly qHat: number;
  readonly interval: Interval;
  readonly judged: number;
}

export interface RollbackEvidence {
  /** The (request-time) window both versions were compared in. */
  readonly window: string;
  readonly windowMs: number;
  readonly from: VersionQualitySnapshot;
  readonly to: VersionQualitySnapshot;
  /**
   * Why the difference is significant: `from` is flagged worse-than-rest (BH-adjusted z-test, §2.5), or
   * the two Wilson intervals do not overlap.
   */
  readonly basis: 'worse-than-rest' | 'disjoint-intervals';
  readonly adjustedP: number | null;
}

export interface ErrorTypeShare {
  readonly type: string;
  readonly count: number;
  /** Share of the window's eligible errors. */
  readonly share: number;
}

export type Hint =
  /** Roll back from the version serving the most recent traffic to a version that did significantly better. */
  | { readonly kind: 'rollback'; readonly from: string; readonly to: string; readonly evidence: RollbackEvidence }
  /** A cohort is significantly worse than the rest of the traffic: route it elsewhere or gate it. */
  | { readonly kind: 'gate_cohort'; readonly attr: string; readonly value: string; readonly qHat: number | null; readonly adjustedP: number | null }
  /** Quality fell across the board with no better version to return to. */
  | { readonly kind: 'retrain' }
  /** Errors drive it; the error types say where to look (e.g. gpu_oom). */
  | { readonly kind: 'investigate_errors'; readonly errorTypes: readonly ErrorTypeShare[] }
  /** Latency drives it: ok requests over their class threshold. */
  | { readonly kind: 'check_capacity'; readonly ok: number; readonly slow: number }
  /** Verdicts stopped arriving: check the label / judge / feedback pipeline. */
  | { readonly kind: 'check_verdict_pipeline'; readonly verdictsBefore: number };

export type HintKind = Hint['kind'];
