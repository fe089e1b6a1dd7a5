/**
 * Quality objective alerts (DESIGN §2.5, §2.9): one per objective overall, and per cohort value for
 * `perCohort` objectives. A condition holds only when the objective is `violated` — its interval misses
 * the target, not merely the point estimate (objectives.ts) — and never on `insufficient` data.
 * Routed to the owner; a ticket, a page for tier 0.
 */
import { policyWindows } from '../burn-rate.ts';
import type { ObjectiveResult } from '../quality-metrics/objectives.ts';
import { formatWindow } from '../slo-report.ts';
import type { QualityCondition } from './alert.ts';
import { alertId, type CohortRef } from './alert-id.ts';
import { breakdowns } from './breakdowns.ts';
import type { AlertInput } from './input.ts';
import { qualityHint } from './remediation.ts';
import { qualityObjectiveSeverity } from './routing.ts';

export function qualityConditions(input: AlertInput, now: number): QualityCondition[] {
  const obj = input.objectives;
  if (obj === undefined) return [];
  const { spec } = input;
  const severity = qualityObjectiveSeverity(spec.tier);
  const windowsAsc = [obj.windowMs, ...policyWindows(input.policy).filter((w) => w > obj.windowMs)];
  const one = (r: ObjectiveResult, cohort: CohortRef | undefined): QualityCondition => {
    const key = { kind: 'quality', service: spec.name, objective: r.name, cohort, severity } as const;
    const holds = r.status === 'violated';
    return {
      kind: 'quality', id: alertId(key), key, service: spec.name, at: now, holds, severity, route: 'owner',
      summary: summary(spec.name, r, cohort, obj.windowMs),
      hint: holds ? qualityHint(input, windowsAsc, cohort) : undefined,
      evidence: {
        kind: 'quality', objective: r, cohort, window: formatWindow(obj.windowMs), windowMs: obj.windowMs,
        breakdowns: holds ? breakdowns(input, obj.windowMs) : undefined,
      },
    };
  };
  return [
    ...obj.overall.map((r) => one(r, undefined)),
    ...obj.cohorts.flatMap((c) => c.results.map((r) => one(r, { attr: c.attr, value: c.value }))),
  ];
}

const num = (x: number): string => String(Number(x.toPrecision(4)));

function summary(service: string, r: ObjectiveResult, cohort: CohortRef | undefined, windowMs: number): string {
  const where = cohort === undefined ? '' : ` for ${cohort.attr}=${cohort.value}`;
  const op = r.direction === 'higher_is_better' ? '≥' : '≤';
  const value = r.value === undefined ? 'no value' : num(r.value);
  const iv = r.interval === undefined ? '' : ` [${num(r.interval.lower)}, ${num(r.interval.upper)}]`;
  return `${service}: ${r.name}${where} is ${r.status.replace('_', ' ')} — ${value}${iv} on ${r.n} requests over ${formatWindow(windowMs)}, objective ${op} ${r.target}`;
}
