/**
 * Burn-rate alert conditions (DESIGN §2.2, §2.9): one per dimension and severity — the Workbook/Sloth
 * practice of OR-ing the rows of one severity into one alert, so a fast burn that trips both page rows
 * pages once. Each row is evaluated by evaluateBurn (both windows strictly above the factor, at least
 * minEvents events in the short window) and reported in the evidence.
 * Quality reads verdict-time windows with widening (verdict-windows.ts); the others request-time counts.
 */
import type { BurnSeverity } from '../burn-policy.ts';
import { evaluateBurn, policyWindows, type BurnRowResult, type WindowCounts } from '../burn-rate.ts';
import { DIMENSIONS, formatWindow, type Dimension } from '../slo-report.ts';
import type { BurnCondition } from './alert.ts';
import { alertId } from './alert-id.ts';
import { breakdowns } from './breakdowns.ts';
import type { BadByDimension, BurnRowEvidence, VerdictWindowUse } from './evidence.ts';
import type { Hint } from './hint.ts';
import type { AlertInput } from './input.ts';
import { capacityHint, errorsHint, qualityHint } from './remediation.ts';
import { badByDimension, burnRoute, effectiveSeverity } from './routing.ts';
import { resolveVerdictWindows, verdictCounts } from './verdict-windows.ts';

const SEVERITIES: readonly BurnSeverity[] = ['page', 'ticket'];

export function burnConditions(input: AlertInput, now: number): BurnCondition[] {
  const { spec, policy } = input;
  const windows = policyWindows(policy);
  const out: BurnCondition[] = [];
  for (const dimension of DIMENSIONS) {
    const objective = spec.objectives[dimension];
    const uses = dimension === 'quality' ? resolveVerdictWindows(windows, input.verdictWindow, spec.quality.minSamples) : undefined;
    const counts = (w: number): WindowCounts => (uses !== undefined ? verdictCounts(uses.get(w)) : input.counts(dimension, w));
    const results = evaluateBurn(policy, objective, counts, spec.minEvents);
    for (const severity of SEVERITIES) {
      const rows = results.filter((r) => effectiveSeverity(r.severity, spec.tier) === severity);
      const lead = rows.find((r) => r.fires) ?? rows[0];
      if (lead === undefined) continue;
      const holds = rows.some((r) => r.fires);
      const bad = badByDimension(input.counts, lead.longMs);
      const route = burnRoute(dimension, bad);
      const key = { kind: 'burn', service: spec.name, dimension, severity } as const;
      out.push({
        kind: 'burn', id: alertId(key), key, service: spec.name, at: now, holds, severity, route,
        summary: summary(spec.name, dimension, severity, lead, holds, uses),
        hint: holds ? hint(input, dimension, route, bad, lead.longMs, windows) : undefined,
        evidence: {
          kind: 'burn', dimension, objective, timeAxis: dimension === 'quality' ? 'verdict' : 'request', policySource: policy.source,
          rows: rows.map((r) => rowEvidence(r, counts(r.shortMs).total, uses)),
          bad,
          breakdowns: holds ? breakdowns(input, lead.longMs) : undefined,
        },
      });
    }
  }
  return out;
}

function rowEvidence(r: BurnRowResult, shortEvents: number, uses: Map<number, VerdictWindowUse> | undefined): BurnRowEvidence {
  const base: BurnRowEvidence = {
    policySeverity: r.severity, longWindow: formatWindow(r.longMs), shortWindow: formatWindow(r.shortMs), longMs: r.longMs, shortMs: r.shortMs,
    factor: r.factor, longBurn: r.longBurn ?? null, shortBurn: r.shortBurn ?? null, shortEvents, fires: r.fires,
  };
  const long = uses?.get(r.longMs);
  const short = uses?.get(r.shortMs);
  return long !== undefined && short !== undefined ? { ...base, verdictWindows: { long, short } } : base;
}

function hint(input: AlertInput, d: Dimension, route: 'owner' | 'oncall', bad: BadByDimension, longMs: number, windows: readonly number[]): Hint {
  const qualityWindows = windows.filter((w) => w >= longMs);
  switch (d) {
    case 'errors':
      return errorsHint(input, longMs);
    case 'latency':
      return capacityHint(input.counts, longMs);
    case 'quality':
      return qualityHint(input, qualityWindows);
    case 'composite':
      if (route === 'owner') return qualityHint(input, qualityWindows);
      return bad.errors >= bad.latency ? errorsHint(input, longMs) : capacityHint(input.counts, longMs);
  }
}

const fmt = (x: number | undefined): string => (x === undefined ? 'no data' : `${Number(x.toPrecision(3))}×`);

function windowNote(use: VerdictWindowUse | undefined): string {
  if (use === undefined) return '';
  if (use.kind === 'insufficient') return ` (${formatWindow(use.requestedMs)}: too few verdicts)`;
  return use.widened ? ` (${formatWindow(use.requestedMs)} widened to ${use.used})` : '';
}

function summary(service: string, d: Dimension, severity: BurnSeverity, r: BurnRowResult, holds: boolean, uses: Map<number, VerdictWindowUse> | undefined): string {
  const axis = uses === undefined ? '' : ' by verdict time';
  const state = holds ? 'is burning its error budget' : 'is within its burn thresholds';
  return `${service}: ${d} ${state}${axis} — ${fmt(r.longBurn)} over ${formatWindow(r.longMs)}${windowNote(uses?.get(r.longMs))}`
    + ` and ${fmt(r.shortBurn)} over ${formatWindow(r.shortMs)}${windowNote(uses?.get(r.shortMs))}, ${severity} threshold ${fmt(r.factor)}`;
}
