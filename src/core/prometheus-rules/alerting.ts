/**
 * The burn-rate alerting rules of one service (docs/prometheus-rules.md "Alerts"), one alert per SLI and
 * severity as the engine raises them (alerting/burn-alerts.ts): the OR of the policy rows of that severity
 * (tier 2's page rows being tickets), each row firing when both its windows burn strictly faster than its
 * factor and the short window holds at least minEvents events. No `for:` — the engine fires burn alerts at
 * once; the short window is the confirmation.
 */
import type { Route } from '../alerting/alert.ts';
import { alertId } from '../alerting/alert-id.ts';
import { burnRoute, effectiveSeverity } from '../alerting/routing.ts';
import type { BurnPolicy, BurnPolicyRow, BurnSeverity } from '../burn-policy.ts';
import { LABEL_SERVICE, LABEL_SLI, RULE_BURN_RATE } from '../metric-names.ts';
import type { AlertingRule, RulesSpec } from '../prometheus-rules.ts';
import { DIMENSIONS, formatWindow, type Dimension } from '../slo-report.ts';
import { ON_SERVICE, block, chain, selector } from './promql.ts';
import { RULE_EVENTS_INCREASE, RULE_QUALITY_BAD_SHARE, RULE_VERDICTS_WIDENED } from './recording.ts';

export const BURN_ALERT = 'MlsloErrorBudgetBurn';

const SEVERITIES: readonly BurnSeverity[] = ['page', 'ticket'];
/** routing.ts burnRoute: quality "contributes most" when it causes MORE than half of the bad events. */
const QUALITY_MOST = 0.5;
/** Go's %.4g: four significant digits (16.23×, 1000×; %.3g, the engine's precision, would print 1e+03×). */
const VALUE = '{{ printf "%.4g" $value }}';

export function alertingRules(spec: RulesSpec, policy: BurnPolicy): AlertingRule[] {
  const out: AlertingRule[] = [];
  for (const sli of DIMENSIONS) {
    for (const severity of SEVERITIES) {
      const rows = policy.rows.filter((r) => effectiveSeverity(r.severity, spec.tier) === severity);
      if (rows.length === 0) continue;
      const conditions = rows.map((r) => rowCondition(spec, sli, r));
      // The value of an `or` chain is its first operand present: the long-window burn of the first firing row.
      const fires = chain('or', conditions);
      const whenQualityMost = routeAtQualityShare(sli, 1);
      const otherwise = routeAtQualityShare(sli, 0);
      const rule = (expr: string, route: Route, why?: string): AlertingRule => ({
        alert: BURN_ALERT, expr, labels: labels(spec, sli, severity, route), annotations: annotations(spec, policy, sli, severity, rows, why),
      });
      if (whenQualityMost === otherwise) {
        out.push(rule(fires, otherwise));
        continue;
      }
      // The engine routes by the lead row (the first that fires) and the bad events over ITS long window.
      // Each row's quality share kept where that row fires, OR-ed in row order, is the lead's share.
      const leadShare = chain('or', rows.map((r, i) => chain(`and ${ON_SERVICE}`, [
        selector(RULE_QUALITY_BAD_SHARE + formatWindow(r.longMs), spec.name), conditions[i]!,
      ])));
      const qualityMost = `${block(leadShare)} > ${QUALITY_MOST}`;
      const over = 'of the bad events over the long window of the first row that fires';
      out.push(
        rule(chain(`and ${ON_SERVICE}`, [fires, qualityMost]), whenQualityMost, `Routed to ${whenQualityMost}: quality causes more than half ${over}.`),
        rule(chain(`unless ${ON_SERVICE}`, [fires, qualityMost]), otherwise, `Routed to ${otherwise}: quality causes no more than half ${over}.`),
      );
    }
  }
  return out;
}

/** One policy row: `burn(long) > factor and burn(short) > factor and events(short) >= minEvents`. */
function rowCondition(spec: RulesSpec, sli: Dimension, r: BurnPolicyRow): string {
  const burn = (ms: number): string => selector(RULE_BURN_RATE + formatWindow(ms), spec.name, sli);
  return [
    `${burn(r.longMs)} > ${r.factor}`,
    `and ${burn(r.shortMs)} > ${r.factor}`,
    `and ${ON_SERVICE} ${guardEvents(spec.name, sli, formatWindow(r.shortMs))} >= ${spec.minEvents}`,
  ].join('\n');
}

/**
 * What the low-traffic guard counts, as the engine's WindowCounts.total: the SLI's events; for quality
 * the verdicts of the window widening used (verdictCounts); for the composite the eligible requests.
 */
function guardEvents(service: string, sli: Dimension, w: string): string {
  switch (sli) {
    case 'errors':
    case 'latency':
      return selector(RULE_EVENTS_INCREASE + w, service, sli);
    case 'quality':
      return selector(RULE_VERDICTS_WIDENED + w, service);
    case 'composite':
      return selector(RULE_EVENTS_INCREASE + w, service, 'errors');
  }
}

/** burnRoute decides from the quality share of the composite's bad events; ask it at either extreme. */
function routeAtQualityShare(sli: Dimension, qualityShare: number): Route {
  return burnRoute(sli, { window: '', windowMs: 0, errors: 0, latency: 0, quality: 0, qualityShare, qualityEstimated: true });
}

function labels(spec: RulesSpec, sli: Dimension, severity: BurnSeverity, route: Route): Record<string, string> {
  return {
    severity,
    [LABEL_SERVICE]: spec.name,
    [LABEL_SLI]: sli,
    route,
    team: route === 'owner' ? spec.owner : spec.oncall,
    mlslo_alert_id: alertId({ kind: 'burn', service: spec.name, dimension: sli, severity }),
  };
}

/** `why`: the reason for the route, when it depends on the data (the composite's). */
function annotations(
  spec: RulesSpec, policy: BurnPolicy, sli: Dimension, severity: BurnSeverity, rows: readonly BurnPolicyRow[], why: string | undefined,
): Record<string, string> {
  const axis = sli === 'quality' ? ' by verdict time' : '';
  const period = spec.window.kind === 'rolling' ? `${spec.window.days}d` : `the calendar month (${policy.periodDays}d policy)`;
  const events = sli === 'quality' ? 'verdicts' : 'events';
  const rowText = rows.map((r) => `${r.factor}× over ${formatWindow(r.longMs)} and ${formatWindow(r.shortMs)}`).join(', or ');
  const notes = [
    `Objective ${percent(spec.objectives[sli])} over ${period}.`,
    `Fires when both windows burn faster than the factor, with at least ${spec.minEvents} ${events} in the short window: ${rowText}.`,
  ];
  if (sli === 'quality' || sli === 'composite') {
    notes.push(`q̂ is read by verdict time; a window with fewer than ${spec.quality.minSamples} verdicts widens to the next longer one${sli === 'composite' ? ', and without q̂ the composite is its upper bound (ok and fast ÷ eligible)' : ''}.`);
  }
  if (why !== undefined) notes.push(why);
  if (rows.some((r) => r.severity !== severity)) notes.push(`Tier ${spec.tier}: page rows raise tickets.`);
  return {
    summary: `${spec.name}: ${sli} is burning its error budget${axis} — ${VALUE}× over the long window`,
    description: notes.join(' '),
  };
}

function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(12))}%`;
}
