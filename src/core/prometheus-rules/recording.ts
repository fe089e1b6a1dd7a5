/**
 * The recording rules of one service (docs/prometheus-rules.md "Records"): for every window of its burn
 * policy, the counters' rates and counts, q̂ by verdict time widened as the engine widens it
 * (alerting/verdict-windows.ts), the composite, error ratios and burn rates (burn-rate.ts), and the causes
 * of the composite's bad events that route its alerts (alerting/routing.ts).
 *
 * Prometheus evaluates a group's rules in order, each seeing the series the earlier ones recorded at the
 * same evaluation time, so the list is in dependency order.
 */
import type { BurnPolicy } from '../burn-policy.ts';
import { policyWindows } from '../burn-rate.ts';
import {
  QUALITY_GOOD_VERDICT_WEIGHT, QUALITY_VERDICT_WEIGHT, RULE_BURN_RATE, RULE_ERROR_RATIO, RULE_EVENTS_RATE, RULE_GOOD_EVENTS_RATE,
  LABEL_SERVICE, LABEL_SLI, SLI_EVENTS, SLI_GOOD_EVENTS,
} from '../metric-names.ts';
import { DIMENSIONS, formatWindow, type Dimension } from '../slo-report.ts';
import type { RecordingRule, RulesSpec } from '../prometheus-rules.ts';
import { BY_SERVICE, BY_SERVICE_SLI, ON_SERVICE, ON_SERVICE_SLI, block, chain, selector } from './promql.ts';

/** Static: the objective of each SLI, for dashboards and as the burn rates' denominator. */
export const RULE_OBJECTIVE = 'mlslo:slo_objective:ratio';
/** Events counted in the window (the low-traffic guard and the verdicts q̂ needs). */
export const RULE_EVENTS_INCREASE = 'mlslo:sli_events:increase';
export const RULE_VERDICT_WEIGHT_RATE = 'mlslo:quality_verdict_weight:rate';
export const RULE_GOOD_VERDICT_WEIGHT_RATE = 'mlslo:quality_good_verdict_weight:rate';
/** q̂ of the verdicts that arrived in the window; absent with fewer than minSamples of them. */
export const RULE_QHAT = 'mlslo:quality_good_verdict:ratio_rate';
/** q̂ of the first window from this one up that has minSamples verdicts. */
export const RULE_QHAT_WIDENED = 'mlslo:quality_good_verdict:ratio_widened';
/** The verdicts of the window RULE_QHAT_WIDENED used. */
export const RULE_VERDICTS_WIDENED = 'mlslo:quality_verdicts:increase_widened';
/** okFast ÷ eligible: the composite as if every answer were good — its upper bound. */
export const RULE_OK_FAST_RATIO = 'mlslo:composite_ok_fast:ratio_rate';
/** The composite's bad events per second by cause (`sli` = errors, latency, quality). */
export const RULE_COMPOSITE_BAD_RATE = 'mlslo:composite_bad_events:rate';
/** The share of the composite's bad events that quality causes. */
export const RULE_QUALITY_BAD_SHARE = 'mlslo:composite_bad_quality_share:ratio_rate';

const COUNTED: readonly Dimension[] = ['errors', 'latency'];

export function recordingRules(spec: RulesSpec, policy: BurnPolicy): RecordingRule[] {
  const sel = (metric: string, sli?: Dimension | readonly Dimension[]): string => selector(metric, spec.name, sli);
  const windows = policyWindows(policy).map(formatWindow);
  const longWindows = [...new Set(policy.rows.map((r) => r.longMs))].sort((a, b) => a - b).map(formatWindow);
  const minSamples = spec.quality.minSamples;

  const objectives = DIMENSIONS.map((sli): RecordingRule => ({
    record: RULE_OBJECTIVE, expr: `vector(${spec.objectives[sli]})`, labels: { [LABEL_SLI]: sli },
  }));

  // Counters summed over replicas. mlslo exports every series from start-up at 0, but should a good counter
  // be missing (dropped by relabelling, a service the process did not know at start-up) it reads as 0 good
  // wherever there were events: a total outage must burn, not vanish from the rules.
  const counters = windows.flatMap((w): RecordingRule[] => [
    { record: RULE_EVENTS_RATE + w, expr: `sum ${BY_SERVICE_SLI} (rate(${sel(SLI_EVENTS)}[${w}]))` },
    { record: RULE_EVENTS_INCREASE + w, expr: `sum ${BY_SERVICE_SLI} (increase(${sel(SLI_EVENTS)}[${w}]))` },
    {
      record: RULE_GOOD_EVENTS_RATE + w,
      expr: chain('or', [`sum ${BY_SERVICE_SLI} (rate(${sel(SLI_GOOD_EVENTS)}[${w}]))`, `${sel(RULE_EVENTS_RATE + w)} * 0`]),
    },
    { record: RULE_VERDICT_WEIGHT_RATE + w, expr: `sum ${BY_SERVICE} (rate(${sel(QUALITY_VERDICT_WEIGHT)}[${w}]))` },
    {
      record: RULE_GOOD_VERDICT_WEIGHT_RATE + w,
      expr: chain('or', [`sum ${BY_SERVICE} (rate(${sel(QUALITY_GOOD_VERDICT_WEIGHT)}[${w}]))`, `${sel(RULE_VERDICT_WEIGHT_RATE + w)} * 0`]),
    },
  ]);

  // The Hájek q̂ (quality-estimate.ts, clamped as there), defined from minSamples verdicts on.
  const qHat = windows.map((w): RecordingRule => ({
    record: RULE_QHAT + w,
    expr: chain(`and ${ON_SERVICE}`, [
      `clamp(${sel(RULE_GOOD_VERDICT_WEIGHT_RATE + w)} / ${sel(RULE_VERDICT_WEIGHT_RATE + w)}, 0, 1)`,
      `${sel(RULE_EVENTS_INCREASE + w, 'quality')} >= ${minSamples}`,
    ]),
  }));

  // Widening (verdict-windows.ts): `or` keeps the first operand present, i.e. the shortest window from w up
  // with enough verdicts. The verdict count rides the same chain so the guard counts the window used.
  const widened = windows.flatMap((w, i): RecordingRule[] => {
    const from = windows.slice(i);
    return [
      { record: RULE_QHAT_WIDENED + w, expr: chain('or', from.map((u) => sel(RULE_QHAT + u))) },
      {
        record: RULE_VERDICTS_WIDENED + w,
        expr: chain('or', from.map((u) => `(${sel(RULE_EVENTS_INCREASE + u, 'quality')} and ${ON_SERVICE} ${sel(RULE_QHAT + u)})`)),
      },
    ];
  });

  // okFast ÷ eligible, 0 when no eligible request was ok (composite.ts: good = okFast · q̂).
  const okFast = windows.map((w): RecordingRule => {
    const eligible = `sum ${BY_SERVICE} (${sel(RULE_EVENTS_RATE + w, 'errors')} > 0)`;
    return {
      record: RULE_OK_FAST_RATIO + w,
      expr: chain('or', [`sum ${BY_SERVICE} (${sel(RULE_GOOD_EVENTS_RATE + w, 'latency')})\n  / ${eligible}`, `${eligible} * 0`]),
    };
  });

  // 1 − good/total as burnRate computes it; `> 0` leaves a window without events without a ratio (no burn).
  const errorRatios = windows.flatMap((w): RecordingRule[] => [
    { record: RULE_ERROR_RATIO + w, expr: `1 - ${sel(RULE_GOOD_EVENTS_RATE + w, COUNTED)}\n  / (${sel(RULE_EVENTS_RATE + w, COUNTED)} > 0)` },
    { record: RULE_ERROR_RATIO + w, expr: `1 - ${sel(RULE_QHAT_WIDENED + w)}`, labels: { [LABEL_SLI]: 'quality' } },
    {
      record: RULE_ERROR_RATIO + w,
      // Without q̂ the composite is its upper bound okFast ÷ eligible, as the engine reports it.
      expr: `1 - ${block(chain('or', [`${sel(RULE_OK_FAST_RATIO + w)} * ${sel(RULE_QHAT_WIDENED + w)}`, sel(RULE_OK_FAST_RATIO + w)]))}`,
      labels: { [LABEL_SLI]: 'composite' },
    },
  ]);

  const burnRates = windows.map((w): RecordingRule => ({
    record: RULE_BURN_RATE + w,
    expr: `${sel(RULE_ERROR_RATIO + w)}\n  / ${ON_SERVICE_SLI} (1 - ${sel(RULE_OBJECTIVE)})`,
  }));

  // badByDimension (routing.ts): eligible − okFast·q̂ = (eligible − ok) + (ok − okFast) + okFast·(1 − q̂);
  // no q̂, no quality share. Only the rows' long windows route alerts.
  const badCauses = longWindows.flatMap((w): RecordingRule[] => [
    { record: RULE_COMPOSITE_BAD_RATE + w, expr: `clamp_min(${sel(RULE_EVENTS_RATE + w, COUNTED)} - ${sel(RULE_GOOD_EVENTS_RATE + w, COUNTED)}, 0)` },
    {
      record: RULE_COMPOSITE_BAD_RATE + w,
      expr: chain('or', [
        `clamp_min(sum ${BY_SERVICE} (${sel(RULE_GOOD_EVENTS_RATE + w, 'latency')}) * (1 - ${sel(RULE_QHAT_WIDENED + w)}), 0)`,
        `sum ${BY_SERVICE} (${sel(RULE_EVENTS_RATE + w, 'errors')}) * 0`,
      ]),
      labels: { [LABEL_SLI]: 'quality' },
    },
    {
      record: RULE_QUALITY_BAD_SHARE + w,
      expr: `sum ${BY_SERVICE} (${sel(RULE_COMPOSITE_BAD_RATE + w, 'quality')})\n  / sum ${BY_SERVICE} (${sel(RULE_COMPOSITE_BAD_RATE + w)})`,
    },
  ]);

  // Every rule carries its service as a static label too: `promtool check rules` rejects two rules of one
  // name and rule labels in a file, and every service records the same names.
  return [...objectives, ...counters, ...qHat, ...widened, ...okFast, ...errorRatios, ...burnRates, ...badCauses]
    .map((r) => ({ ...r, labels: { [LABEL_SERVICE]: spec.name, ...r.labels } }));
}
