/**
 * `mlslo export openslo`: one service's spec → OpenSLO v1 documents. Pure and deterministic: the same
 * spec and burn policy give the same bytes.
 *
 * - Service, with owner, oncall, tier and task in `mlslo/…` annotations (annotations.ts);
 * - a DataSource of type `mlslo`: every SLI is a ratio of mlslo's own exported counters
 *   (core/metric-names.ts), which already apply what OpenSLO cannot say — excluded error types, latency
 *   input classes, quality verdicts;
 * - an Occurrences SLO per dimension. Latency has one objective per input class (`op: lte`,
 *   `value: thresholdMs`), all with the latency target, since mlslo's objective covers the classes
 *   together; the class conditions ride in an annotation;
 * - each burn-policy row → an AlertCondition (kind burnrate) and, per route, an AlertPolicy.
 */
import { Document } from 'yaml';
import type { BurnPolicy, BurnPolicyRow } from '../core/burn-policy.ts';
import { effectiveSeverity } from '../core/alerting/routing.ts';
import {
  LABEL_SERVICE, LABEL_SLI, QUALITY_GOOD_VERDICT_WEIGHT, QUALITY_VERDICT_WEIGHT, SLI_EVENTS, SLI_GOOD_EVENTS,
} from '../core/metric-names.ts';
import { formatWindow } from '../core/slo-report.ts';
import type { ServiceSpec } from '../core/spec.ts';
import { derivedComposite } from '../spec/defaults.ts';
import { ANNOTATION, type SloDimension } from './annotations.ts';
import { OPENSLO_API_VERSION } from './schema.ts';
import { dropped } from './export-notes.ts';
import { toTimeWindow } from './time-window.ts';

type Obj = Record<string, unknown>;
type Route = 'oncall' | 'owner';

const DATA_SOURCE = 'mlslo';
/** Who gets burn alerts of each dimension (core/alerting/routing.ts burnRoute). */
const ROUTE: Readonly<Record<SloDimension, Route>> = { errors: 'oncall', latency: 'oncall', quality: 'owner' };
/**
 * mlslo fires as soon as both windows of a row burn too fast; OpenSLO's duration shorthand starts at 1,
 * so the closest alertAfter it can say is one minute.
 */
const ALERT_AFTER = '1m';

function object(kind: string, metadata: Obj, spec: Obj): Obj {
  return { apiVersion: OPENSLO_API_VERSION, kind, metadata, spec };
}

function counter(metric: string, labels: Readonly<Record<string, string>>): Obj {
  return { metricSource: { metricSourceRef: DATA_SOURCE, type: DATA_SOURCE, spec: { metric, labels } } };
}

/**
 * The SLI's good/total counters. Quality uses the verdict weights (Σ 1/samplingProb), not the verdict
 * counts: with sampled labels the weighted ratio is mlslo's q̂ (Hájek), the unweighted one is biased.
 */
function ratioMetric(service: string, d: SloDimension): Obj {
  if (d === 'quality') {
    const labels = { [LABEL_SERVICE]: service };
    return { counter: true, good: counter(QUALITY_GOOD_VERDICT_WEIGHT, labels), total: counter(QUALITY_VERDICT_WEIGHT, labels) };
  }
  const labels = { [LABEL_SERVICE]: service, [LABEL_SLI]: d };
  return { counter: true, good: counter(SLI_GOOD_EVENTS, labels), total: counter(SLI_EVENTS, labels) };
}

function conditionName(s: ServiceSpec, row: BurnPolicyRow): string {
  return `${s.name}-burn-${formatWindow(row.longMs)}-${formatWindow(row.shortMs)}`;
}

function serviceDoc(s: ServiceSpec): Obj {
  const annotations: Record<string, string> = {
    [ANNOTATION.owner]: s.owner,
    [ANNOTATION.oncall]: s.oncall,
    [ANNOTATION.tier]: String(s.tier),
    [ANNOTATION.task]: s.task,
  };
  const { errors, latency, quality, composite } = s.objectives;
  if (composite !== derivedComposite(errors, latency, quality)) annotations[ANNOTATION.compositeObjective] = String(composite);
  if (s.cohorts.length > 0) annotations[ANNOTATION.cohorts] = JSON.stringify(s.cohorts);
  return object('Service', { name: s.name, annotations }, s.description === undefined ? {} : { description: s.description });
}

function dataSourceDoc(): Obj {
  return object('DataSource', { name: DATA_SOURCE }, {
    description: 'The mlslo server. Its /metrics endpoint exports, per service and SLI, counters of the events each SLI counts and of the good ones among them (mlslo_sli_events_total, mlslo_sli_good_events_total), and for quality the weights of the verdicts (mlslo_quality_verdict_weight_total, mlslo_quality_good_verdict_weight_total; weight 1/samplingProb).',
    type: DATA_SOURCE,
    connectionDetails: { path: '/metrics' },
  });
}

const DESCRIPTION: Readonly<Record<SloDimension, (s: ServiceSpec) => string>> = {
  errors: () => `Eligible requests that succeeded. Eligible: every inference request except the error types in annotation ${ANNOTATION.errorsExclude}.`,
  latency: (s) => s.latency.classes.length === 1
    ? `Successful requests answered within ${s.latency.classes[0]!.thresholdMs} ms.`
    : `Successful requests answered within the threshold (ms) of their input class: the first class in annotation ${ANNOTATION.latencyClasses} whose condition holds. mlslo's latency objective covers all classes together, so every class objective has the same target.`,
  quality: (s) => `Judged requests whose quality verdict was good (task ${s.task}). The verdict rule and outcome sources are mlslo's own and are not exported; annotation ${ANNOTATION.qualityObjectives} lists the quality metric objectives for reference.`,
};

function objectives(s: ServiceSpec, d: SloDimension): Obj[] {
  if (d !== 'latency') return [{ displayName: d, target: s.objectives[d] }];
  return s.latency.classes.map((c) => ({ displayName: c.name, op: 'lte', value: c.thresholdMs, target: s.objectives.latency }));
}

function sloAnnotations(s: ServiceSpec, d: SloDimension): Record<string, string> {
  const a: Record<string, string> = { [ANNOTATION.dimension]: d };
  if (d === 'errors') a[ANNOTATION.errorsExclude] = JSON.stringify(s.errors.exclude);
  if (d === 'latency') a[ANNOTATION.latencyClasses] = JSON.stringify(s.latency.classes.map((c) => (c.when === undefined ? { name: c.name } : { name: c.name, when: c.when.source })));
  if (d === 'quality' && s.quality.objectives.length > 0) a[ANNOTATION.qualityObjectives] = JSON.stringify(s.quality.objectives);
  return a;
}

function sloDoc(s: ServiceSpec, d: SloDimension, policy: BurnPolicy): Obj {
  const name = `${s.name}-${d}`;
  return object('SLO', { name, displayName: `${s.name} ${d}`, annotations: sloAnnotations(s, d) }, {
    description: DESCRIPTION[d](s),
    service: s.name,
    indicator: {
      metadata: { name: `${name}-ratio` },
      spec: { ratioMetric: ratioMetric(s.name, d) },
    },
    timeWindow: [toTimeWindow(s.window)],
    budgetingMethod: 'Occurrences',
    objectives: objectives(s, d),
    alertPolicies: policy.rows.map((row) => ({ alertPolicyRef: `${conditionName(s, row)}-${ROUTE[d]}` })),
  });
}

function targetDoc(s: ServiceSpec, route: Route): Obj {
  const channels = Object.keys(s.notify[route] ?? {});
  const what = route === 'oncall' ? 'errors and latency' : 'quality';
  return object('AlertNotificationTarget', { name: `${s.name}-${route}` }, {
    description: `mlslo's ${route} route for ${s.name}: gets its ${what} burn alerts${channels.length === 0 ? '' : ` (channels: ${channels.join(', ')}; their addresses stay in the mlslo spec)`}.`,
    target: s[route],
  });
}

function conditionDoc(s: ServiceSpec, policy: BurnPolicy, row: BurnPolicyRow): Obj {
  const long = formatWindow(row.longMs);
  const short = formatWindow(row.shortMs);
  return object('AlertCondition', { name: conditionName(s, row), annotations: { [ANNOTATION.shortWindow]: short } }, {
    description: `Burn rate above ${row.factor} over both the last ${long} and the last ${short} (annotation ${ANNOTATION.shortWindow}; OpenSLO has one lookback window): ${Number((row.budgetSpent * 100).toPrecision(12))}% of a ${policy.periodDays}-day budget spent in ${long}. mlslo fires as soon as both windows burn that fast. Source: ${policy.source}.`,
    severity: effectiveSeverity(row.severity, s.tier),
    condition: { kind: 'burnrate', op: 'gt', threshold: row.factor, lookbackWindow: long, alertAfter: ALERT_AFTER },
  });
}

function policyDoc(s: ServiceSpec, row: BurnPolicyRow, route: Route): Obj {
  const condition = conditionName(s, row);
  return object('AlertPolicy', { name: `${condition}-${route}` }, {
    description: `${effectiveSeverity(row.severity, s.tier)} to the ${route} when the condition ${condition} holds.`,
    alertWhenNoData: false,
    alertWhenResolved: true,
    alertWhenBreaching: true,
    conditions: [{ conditionRef: condition }],
    notificationTargets: [{ targetRef: `${s.name}-${route}` }],
  });
}

/** The documents, in a fixed order: service, source, SLOs, then alerting. */
export function openSloDocuments(s: ServiceSpec, policy: BurnPolicy): Obj[] {
  const routes: Route[] = ['oncall', 'owner'];
  return [
    serviceDoc(s),
    dataSourceDoc(),
    ...(['errors', 'latency', 'quality'] as const).map((d) => sloDoc(s, d, policy)),
    ...routes.map((r) => targetDoc(s, r)),
    ...policy.rows.map((row) => conditionDoc(s, policy, row)),
    ...policy.rows.flatMap((row) => routes.map((r) => policyDoc(s, row, r))),
  ];
}

/** Multi-document YAML, headed by what was left out. */
export function exportOpenSlo(s: ServiceSpec, policy: BurnPolicy): string {
  const header = [
    ` OpenSLO v1 for the mlslo service \`${s.name}\`, written by \`mlslo export openslo\` (docs/openslo.md).`,
    ` The SLIs are ratios of mlslo's own counters (DataSource \`${DATA_SOURCE}\`); the alerts are mlslo's ${policy.periodDays}-day burn policy.`,
    ' Not exported, being mlslo\'s own:',
    ...dropped(s).map((d) => `   - ${d}`),
  ].join('\n');
  return openSloDocuments(s, policy).map((o, i) => {
    const doc = new Document(o);
    if (i === 0) doc.commentBefore = header;
    return doc.toString({ lineWidth: 0 });
  }).join('---\n');
}
