/**
 * Stable alert identity. The id is a deterministic function of what the alert is ABOUT — never of its
 * numbers — so the same problem keeps one id across evaluations, restarts and notification channels
 * (it becomes the PagerDuty dedup_key and the Alertmanager `alertname`-level identity):
 *
 *   <service>/burn/<dimension>/<severity>                 fraud-scorer/burn/errors/page
 *   <service>/quality/<objective>/<severity>              fraud-scorer/quality/precision[fraud]/ticket
 *   <service>/quality/<objective>/<attr>=<value>/<severity>
 *   <service>/coverage/<severity>
 *   <service>/drift/dataset/<severity>  |  <service>/drift/feature/<name>/<severity>
 *   <service>/eval/<name>/<severity>    |  <service>/eval/<name>/segment=<segment>/<severity>
 *
 * Each component escapes `%`, `/` and `=` (as %25, %2F, %3D), so ids split back unambiguously.
 */
import type { BurnSeverity } from '../burn-policy.ts';
import type { Dimension } from '../slo-report.ts';

export interface CohortRef {
  readonly attr: string;
  readonly value: string;
}

export type AlertKey =
  | { readonly kind: 'burn'; readonly service: string; readonly dimension: Dimension; readonly severity: BurnSeverity }
  | { readonly kind: 'quality'; readonly service: string; readonly objective: string; readonly cohort: CohortRef | undefined; readonly severity: BurnSeverity }
  | { readonly kind: 'coverage'; readonly service: string; readonly severity: BurnSeverity }
  | { readonly kind: 'drift'; readonly service: string; readonly feature: string | undefined; readonly severity: BurnSeverity }
  | { readonly kind: 'eval'; readonly service: string; readonly evalName: string; readonly segment: string | undefined; readonly severity: BurnSeverity };

export function escapeIdPart(s: string): string {
  return s.replace(/%/g, '%25').replace(/\//g, '%2F').replace(/=/g, '%3D');
}

export function alertId(key: AlertKey): string {
  const e = escapeIdPart;
  const parts: string[] = [e(key.service), key.kind];
  switch (key.kind) {
    case 'burn':
      parts.push(key.dimension);
      break;
    case 'quality':
      parts.push(e(key.objective));
      if (key.cohort !== undefined) parts.push(`${e(key.cohort.attr)}=${e(key.cohort.value)}`);
      break;
    case 'coverage':
      break;
    case 'drift':
      if (key.feature === undefined) parts.push('dataset');
      else parts.push('feature', e(key.feature));
      break;
    case 'eval':
      parts.push(e(key.evalName));
      if (key.segment !== undefined) parts.push(`segment=${e(key.segment)}`);
      break;
  }
  parts.push(key.severity);
  return parts.join('/');
}
