/**
 * Prometheus rules over mlslo's exported counters (metric-names.ts; issue 8, docs/prometheus-rules.md):
 * recording rules and multiwindow multi-burn-rate alerting rules, so a team's Prometheus, Thanos or Mimir
 * ruler can alert on mlslo's SLIs without mlslo's engine — with the engine's semantics (burn-rate.ts,
 * alerting/burn-alerts.ts, verdict-windows.ts, routing.ts) as far as PromQL allows. Pure: specs and their
 * burn policies in, a rules document (Prometheus' rule file format, `rulefmt`) out.
 */
import type { BurnPolicy } from './burn-policy.ts';
import { alertingRules } from './prometheus-rules/alerting.ts';
import { recordingRules } from './prometheus-rules/recording.ts';
import type { ServiceSpec } from './spec.ts';

/** The parts of a service spec the rules read; a ServiceSpec is one. */
export type RulesSpec = Pick<ServiceSpec, 'name' | 'owner' | 'oncall' | 'tier' | 'window' | 'objectives' | 'minEvents'> & {
  readonly quality: Pick<ServiceSpec['quality'], 'minSamples'>;
};

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: ReadonlyArray<RecordingRule | AlertingRule>;
}

/** A Prometheus rule file. */
export interface RulesDocument {
  readonly groups: readonly RuleGroup[];
}

/**
 * Two groups per service, recordings then alerts, services by name so the output is the same whatever
 * order the specs came in. Groups run independently: alerts read the latest recordings, at most one
 * evaluation interval old.
 */
export function prometheusRules<S extends RulesSpec>(specs: readonly S[], policyOf: (spec: S) => BurnPolicy): RulesDocument {
  const byName = [...specs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    groups: byName.flatMap((spec) => {
      const policy = policyOf(spec);
      return [
        { name: `mlslo-${spec.name}-recordings`, rules: recordingRules(spec, policy) },
        { name: `mlslo-${spec.name}-alerts`, rules: alertingRules(spec, policy) },
      ];
    }),
  };
}
