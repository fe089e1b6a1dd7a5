/**
 * The scenario-test model (`mlslo test`, docs/scenario-tests.md): synthetic traffic per minute and the
 * alert states and report values expected at given times, as Prometheus' `promtool test rules` does for
 * rules. Parsed once from YAML (parse.ts) into these types; times are epoch ms, shares are in [0, 1].
 */
import type { OutcomeSource } from '../../core/event.ts';
import type { ServiceSpec } from '../../core/spec.ts';

/** A value constant over a series, or a straight line from its start to its end. */
export type Level =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'ramp'; readonly from: number; readonly to: number };

/** Where a check was written, for promtool-like failure lines. */
export interface Place {
  readonly line: number;
  readonly column: number;
}

export type Latency =
  | { readonly kind: 'fixed'; readonly ms: number; readonly slow: Level; readonly slowMs: number }
  /** One latency per input class (`{short: 120, long: 900}`): the spec's rules pick the class from `input`. */
  | { readonly kind: 'byClass'; readonly ms: ReadonlyMap<string, number>; readonly place: Place };

export interface QualitySeries {
  /** Share of labelled requests whose verdict is good. */
  readonly accuracy: Level;
  /** Share of ok requests that get an outcome. */
  readonly labelled: Level;
  readonly delayMs: number;
  readonly source: OutcomeSource;
}

export interface Series {
  readonly index: number;
  readonly service: string;
  readonly model: string;
  /** [from, to), whole minutes. */
  readonly from: number;
  readonly to: number;
  /** Requests per minute. */
  readonly rate: Level;
  /** Share of requests failing, per error type. */
  readonly errors: ReadonlyMap<string, Level>;
  readonly latency: Latency;
  readonly input: Readonly<Record<string, number | string>>;
  readonly cohort: Readonly<Record<string, string>>;
  readonly quality: QualitySeries | undefined;
  readonly place: Place;
}

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type Expectation =
  | { readonly kind: 'number'; readonly op: CompareOp; readonly value: number; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'null' };

export type AlertCheck =
  | { readonly kind: 'firing' | 'pending' | 'resolved' | 'not_firing'; readonly pattern: string; readonly place: Place }
  | { readonly kind: 'route'; readonly pattern: string; readonly route: 'owner' | 'oncall'; readonly place: Place }
  | { readonly kind: 'hint'; readonly pattern: string; readonly hint: string; readonly place: Place };

export interface BudgetCheck {
  readonly dimension: string;
  /** Field path inside the dimension's report, e.g. `remaining` or `burnRates.1h`. */
  readonly field: string;
  readonly expect: readonly Expectation[];
  readonly place: Place;
}

export interface Assertion {
  readonly index: number;
  /** Offset from the start, as written (`2d10m`), and the instant. */
  readonly label: string;
  readonly at: number;
  /** The service whose report `budget` reads. */
  readonly service: string | undefined;
  readonly windowMs: number | undefined;
  readonly alerts: readonly AlertCheck[];
  readonly budget: readonly BudgetCheck[];
  readonly place: Place;
}

export interface Scenario {
  readonly file: string;
  readonly specs: readonly ServiceSpec[];
  readonly start: number;
  readonly evaluationIntervalMs: number;
  readonly coarseIntervalMs: number;
  readonly series: readonly Series[];
  readonly asserts: readonly Assertion[];
}

export function levelAt(l: Level, fraction: number): number {
  return l.kind === 'constant' ? l.value : l.from + (l.to - l.from) * fraction;
}
