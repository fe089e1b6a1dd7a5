/**
 * The internal service model (DESIGN §2.1, §3.2). `src/spec` parses the versioned YAML into this shape
 * once, with every default applied; nothing in the core sees YAML or optional-with-default fields.
 */
import type { Label, OutcomeSource } from './event.ts';

export type Tier = 0 | 1 | 2;
export type Task = 'classification' | 'ranking' | 'regression' | 'generative';

export type CompareOp = '<=' | '<' | '>=' | '>' | '==' | '!=';

/** One comparison of an attribute path (e.g. `input.tokens`) with a literal. */
export interface Comparison {
  readonly path: readonly string[];
  readonly op: CompareOp;
  readonly value: number | string | boolean;
}

/** A conjunction of comparisons; an empty list always holds. */
export interface Condition {
  readonly source: string;
  readonly all: readonly Comparison[];
}

export interface LatencyClass {
  readonly name: string;
  /** Absent on the catch-all class. */
  readonly when: Condition | undefined;
  readonly thresholdMs: number;
}

export type SloWindow =
  | { readonly kind: 'rolling'; readonly days: number }
  | { readonly kind: 'calendar'; readonly unit: 'month'; readonly timeZone: string };

export interface Objectives {
  readonly errors: number;
  readonly latency: number;
  readonly quality: number;
  /** Explicit, or the product of the other three floored to 4 decimals. */
  readonly composite: number;
}

export type QualityMetric =
  | 'accuracy' | 'precision' | 'recall' | 'f1'
  | 'hit' | 'precision_at_k' | 'recall_at_k' | 'ndcg' | 'mrr'
  | 'mae' | 'rmse' | 'within_tolerance'
  | 'score_mean' | 'pass_rate';

export interface QualityObjective {
  readonly metric: QualityMetric;
  readonly class?: Label;
  readonly score?: string;
  readonly target: number;
  readonly perCohort: boolean;
}

/** How one request's verdict is decided from its outcome, per task (§2.3). */
export type VerdictRule =
  | { readonly task: 'classification' }
  | { readonly task: 'ranking'; readonly k: number }
  | { readonly task: 'regression'; readonly tolerance: { readonly kind: 'absolute'; readonly value: number } | { readonly kind: 'relative'; readonly pct: number } }
  | { readonly task: 'generative'; readonly criteria: Condition };

export interface QualitySpec {
  readonly sources: readonly OutcomeSource[];
  /** Highest precedence first. */
  readonly precedence: readonly OutcomeSource[];
  readonly minSamples: number;
  readonly stratifyBy: readonly string[];
  readonly objectives: readonly QualityObjective[];
  readonly verdict: VerdictRule;
  /** Feedback proxy rule on `outcome.feedback`, when the spec gives one. */
  readonly feedbackRule: Condition | undefined;
  readonly labelGraceMs: number;
  readonly orphanTtlMs: number;
}

export interface NotifyTarget {
  readonly slack?: string;
  readonly webhook?: string;
  readonly pagerduty?: { readonly routingKey: string };
  readonly alertmanager?: string;
}

/** When mlslo asks the training pipeline to retrain (DESIGN §2.9); any condition suffices. */
export interface RetrainPolicy {
  readonly webhook: string;
  readonly cooldownMs: number;
  /** Retrain when the quality budget is projected to run out before the window ends. */
  readonly budgetExhaustion: boolean;
  /** Retrain when a quality objective has been violated this many evaluations in a row (0: never). */
  readonly objectiveViolations: number;
  /** Retrain when dataset drift has lasted this long (takes effect once drift detection exists). */
  readonly driftForMs: number;
}

/** The drift tests of DESIGN §2.6; which one runs by default depends on the feature type and baseline size. */
export type DriftMethod = 'ks' | 'wasserstein' | 'chi2' | 'z' | 'jensenshannon' | 'psi';
export const DRIFT_METHODS: readonly DriftMethod[] = ['ks', 'wasserstein', 'chi2', 'z', 'jensenshannon', 'psi'];

/** A per-feature override of the default method and/or its threshold (§2.6 "overridable per feature"). */
export interface DriftOverride {
  readonly method: DriftMethod | undefined;
  readonly threshold: number | undefined;
}

export interface DriftSpec {
  /** Declared feature types; undeclared features take the type inferred from the baseline. */
  readonly features: Readonly<Record<string, 'numeric' | 'categorical'>>;
  readonly critical: readonly string[];
  /** Keyed by feature name (also `prediction.label`, `prediction.score`, `prediction.value`). */
  readonly overrides: Readonly<Record<string, DriftOverride>>;
  /** Dataset drift when the share of drifted features is at least this (default 0.5). */
  readonly datasetShare: number;
  /** The production window the drift alert tests (default 1h). */
  readonly alertWindowMs: number;
  /** How long drift must hold before the alert fires (default 30m). */
  readonly alertForMs: number;
}

/**
 * What the public status page may show beyond the defaults (DESIGN §2.10): its own wording of what
 * "quality" means, and the cohort attributes whose per-value quality is public. Only read when the
 * service is `public`.
 */
export interface StatusPageSpec {
  /** Replaces the sentence generated from the task, verdict rule and objective. */
  readonly qualityMeaning: string | undefined;
  /** Declared cohort attributes whose per-value quality may be published; none by default. */
  readonly cohorts: readonly string[];
}

export interface ServiceSpec {
  readonly name: string;
  readonly owner: string;
  readonly oncall: string;
  readonly tier: Tier;
  readonly public: boolean;
  readonly task: Task;
  readonly description: string | undefined;
  readonly window: SloWindow;
  readonly objectives: Objectives;
  readonly latency: { readonly classes: readonly LatencyClass[] };
  readonly errors: { readonly exclude: readonly string[] };
  readonly quality: QualitySpec;
  readonly cohorts: readonly string[];
  /** Most values kept per cohort attribute; the rest fold into `(other)` (§2.5). */
  readonly cohortCap: number;
  /** Low-traffic guard of the burn policy (§2.2). */
  readonly minEvents: number;
  readonly drift: DriftSpec;
  readonly notify: { readonly owner?: NotifyTarget; readonly oncall?: NotifyTarget };
  readonly retrain: RetrainPolicy | undefined;
  readonly statusPage: StatusPageSpec;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
