/**
 * The eval domain as the core sees it (DESIGN §2.7). The core may not import the store, so the records it
 * reads are declared here by the fields it uses; the store's `GoldenExample` and `EvalResultRecord`
 * (src/store/port.ts) are assignable to them. The summary types are the JSON of the run `summary` in
 * src/server/schemas/evals.ts (`EvalSummary`, `Comparison`), field for field.
 */
import type { Interval } from '../stats/wilson.ts';

/** One labeled example: `input` and `expected` are the JSON the user uploaded. */
export interface GoldenExample {
  /** The line's `id` when given, else `line-<n>` (1-based line number): pairs results across runs. */
  readonly id: string;
  readonly input: unknown;
  readonly expected: unknown;
  /** `''` when the example has none. */
  readonly segment: string;
}

/** What the summary and the comparisons read of one stored result (store `EvalResultRecord`). */
export interface EvalResultView {
  readonly exampleId: string;
  readonly segment: string;
  /** Model version the endpoint reported, `''` when none. */
  readonly model: string;
  /** null: the call failed or the response could not be scored. */
  readonly verdict: boolean | null;
  /** |error| (regression), the judge's mean score (generative), else null. */
  readonly score: number | null;
  /** Replay: production's verdict for the same request. */
  readonly baselineVerdict: boolean | null;
  /** Inclusion probability π in (0, 1] of a replayed request; 1 for golden sets. */
  readonly weight: number;
  readonly latencyMs: number;
  readonly error: string | null;
}

/** A proportion with its Wilson 95% interval; n = 0 gives value 0 and the interval [0, 1]. */
export interface Rate {
  readonly n: number;
  readonly good: number;
  readonly value: number;
  readonly interval: Interval;
}

/** Mean per-example score with a normal-approximation 95% interval (the point itself when n = 1). */
export interface ScoreStats {
  readonly n: number;
  readonly mean: number;
  readonly interval: Interval;
}

export interface SegmentResult {
  /** `''`: examples without a segment. */
  readonly segment: string;
  readonly passRate: Rate;
  readonly score: ScoreStats | null;
  /** Calls that failed after their retries, or responses that could not be scored. */
  readonly failed: number;
}

export type ComparisonAgainst = 'previous_run' | 'model_version' | 'production';

/** This run against another on the examples both scored (paired). */
export interface EvalComparison {
  readonly against: ComparisonAgainst;
  readonly runId: string | null;
  /** The other side's model version (`''` when it reported none); for replays the production model(s). */
  readonly model: string;
  readonly paired: number;
  readonly passRate: number;
  readonly otherPassRate: number;
  /** passRate − otherPassRate. */
  readonly delta: number;
  /** b = good here and bad there, c = bad here and good there. */
  readonly mcnemar: { readonly b: number; readonly c: number; readonly statistic: number; readonly pValue: number; readonly exact: boolean };
  /** Wilcoxon signed-rank on the paired per-example scores; null when no example has both. */
  readonly scores: { readonly paired: number; readonly meanDelta: number; readonly statistic: number; readonly pValue: number } | null;
  /** A drop of at least maxDrop, significant at alpha (McNemar). */
  readonly regression: boolean;
  /** Set when the comparison is restricted to one segment. */
  readonly segment?: string;
}

export interface EvalTiming {
  readonly durationMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

export interface EvalSummary {
  readonly passRate: Rate;
  readonly score: ScoreStats | null;
  /** Replay: the Hájek estimate Σ(good/π)/Σ(1/π) with its interval; null when every weight is 1. */
  readonly weightedPassRate: { readonly value: number; readonly interval: Interval } | null;
  readonly failed: number;
  readonly segments: readonly SegmentResult[];
  /** Per model version the endpoint reported (a canary behind the endpoint shows up here). */
  readonly versions: readonly { readonly model: string; readonly passRate: Rate }[];
  readonly comparisons: readonly EvalComparison[];
  readonly timing: EvalTiming;
}
