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

/**
 * How mlslo calls a model endpoint (DESIGN §2.7): golden-set evals, production replay, judges.
 * `request` is a JSON template: a string that is exactly `{{path}}` becomes the value at that path of the
 * template data (`input`, `expected`, `segment`, `id`, and for replay `features`, `cohort`; for a judge
 * also `output`), any other string has its `{{path}}` placeholders interpolated as text, arrays and objects
 * are walked. Response paths are JSONPath (`$.predictions[0].label`). Header values may name environment
 * variables as `${NAME}` (secrets stay out of the spec).
 */
export interface EndpointSpec {
  readonly url: string;
  readonly method: 'POST' | 'PUT';
  readonly request: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** JSONPath to the prediction in the response: a label, an item list, a number or text per task; for a judge, the scores object. */
  readonly prediction: string;
  /** JSONPath to the predicted label's probability (classification), when the endpoint returns one. */
  readonly score: string | undefined;
  /** JSONPath to the model version the endpoint reports, when it does. */
  readonly model: string | undefined;
  readonly timeoutMs: number;
  readonly concurrency: number;
  /** Extra attempts after a failed call (network error, timeout, 5xx, 429); 4xx other than 429 is not retried. */
  readonly retries: number;
}

/** A registered golden set's run configuration (spec `evals.goldenSets[]`); its examples are uploaded separately. */
export interface GoldenSetSpec {
  readonly name: string;
  readonly endpoint: EndpointSpec;
  /** Cron expression, UTC (5 fields, or @daily / @hourly); default `@daily`. */
  readonly schedule: string;
  /** Generative tasks: the judge that scores each output; its `prediction` path selects the scores object. */
  readonly judge: EndpointSpec | undefined;
  /** An eval alert needs a drop in pass rate of at least this much (absolute, default 0.02) … */
  readonly maxDrop: number;
  /** … that is also significant at this level (McNemar for verdicts, Wilcoxon signed-rank for scores; default 0.05). */
  readonly alpha: number;
}

export interface EvalsSpec {
  readonly goldenSets: readonly GoldenSetSpec[];
  /** Named endpoints production replay can target (spec `evals.endpoints`), e.g. a candidate model. */
  readonly endpoints: Readonly<Record<string, EndpointSpec>>;
}

/** The labeling sampler and queue (DESIGN §2.8; spec `labeling`). */
export interface LabelingSpec {
  /** Requests sent to labelers per UTC day. */
  readonly dailyBudget: number;
  /** 0 = plain stratified sampling; up to 1 = favour uncertain predictions (core/labeling/sampler.ts). */
  readonly favourUncertain: number;
  /** Share of items labeled by two different labelers, in [0, 1]. */
  readonly overlap: number;
  /** How long a leased item stays with one labeler (default 10m). */
  readonly leaseMs: number;
  /** Cohort attributes that form the strata; default `quality.stratifyBy`, else the first cohort attribute, else none. */
  readonly stratifyBy: readonly string[];
  /** Generative: the rubric scores a labeler gives (default: the verdict criteria's score names), each 0…`rubricMax`. */
  readonly rubric: readonly string[];
  readonly rubricMax: number;
  /** Ranking: relevance grades 0…`gradeMax`; an item graded ≥ 1 is relevant. */
  readonly gradeMax: number;
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
  readonly evals: EvalsSpec;
  /** Absent: no labeling sampler runs for the service (labels can still be posted as outcomes). */
  readonly labeling: LabelingSpec | undefined;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
