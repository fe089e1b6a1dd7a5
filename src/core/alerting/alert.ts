/**
 * The alert model (DESIGN §2.9). `evaluateAlerts` (evaluate.ts) produces CONDITIONS — what holds at one
 * evaluation time, with routing, evidence and a hint; the engine keeps an `AlertState` per id
 * (alert-state.ts) and advances it with `holds`, which yields the firing and resolved notices.
 */
import type { BurnSeverity } from '../burn-policy.ts';
import type { AlertKey } from './alert-id.ts';
import type { AlertState } from './alert-state.ts';
import type {
  BurnEvidence, CoverageEvidence, DriftEvidence, EvalEvidence, QualityObjectiveEvidence,
} from './evidence.ts';
import type { Hint } from './hint.ts';

export type AlertKind = AlertKey['kind'];
export const ALERT_KINDS: readonly AlertKind[] = ['burn', 'quality', 'coverage', 'drift', 'eval'];

/** `oncall` is the service's SRE route, `owner` the model team's (§2.1). */
export type Route = 'owner' | 'oncall';
export type Severity = BurnSeverity;

interface ConditionBase<K extends AlertKey> {
  /** alertId(key): stable across evaluations. */
  readonly id: string;
  readonly key: K;
  readonly service: string;
  /** Evaluation time (epoch ms). */
  readonly at: number;
  readonly holds: boolean;
  readonly severity: Severity;
  readonly route: Route;
  /** One line for a human (a pager, a Slack message title). */
  readonly summary: string;
  /** Undefined when there is nothing better to say than the summary (e.g. nothing holds). */
  readonly hint: Hint | undefined;
}

type KeyOf<K extends AlertKind> = Extract<AlertKey, { kind: K }>;

export interface BurnCondition extends ConditionBase<KeyOf<'burn'>> { readonly kind: 'burn'; readonly evidence: BurnEvidence }
export interface QualityCondition extends ConditionBase<KeyOf<'quality'>> { readonly kind: 'quality'; readonly evidence: QualityObjectiveEvidence }
export interface CoverageCondition extends ConditionBase<KeyOf<'coverage'>> { readonly kind: 'coverage'; readonly evidence: CoverageEvidence }
export interface DriftCondition extends ConditionBase<KeyOf<'drift'>> { readonly kind: 'drift'; readonly evidence: DriftEvidence }
export interface EvalCondition extends ConditionBase<KeyOf<'eval'>> { readonly kind: 'eval'; readonly evidence: EvalEvidence }

export type AlertCondition = BurnCondition | QualityCondition | CoverageCondition | DriftCondition | EvalCondition;

/** A condition with its lifecycle state, as the engine stores and serves it. */
export type Alert = AlertCondition & { readonly state: AlertState };
