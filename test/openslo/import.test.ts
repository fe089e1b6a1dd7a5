// Import decisions, one at a time, on small hand-written OpenSLO documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatted, importedSpecs, importFixtures, importTexts, noteAt } from './helpers.ts';

interface SloOptions {
  name?: string;
  service?: string;
  annotations?: Record<string, string>;
  indicator?: string;
  timeWindow?: string;
  budgetingMethod?: string | null;
  objectives?: string;
}

const RATIO = '{ratioMetric: {good: {metricSource: {type: Any}}, total: {metricSource: {type: Any}}}}';
const THRESHOLD = '{thresholdMetric: {metricSource: {type: Any}}}';

/** One SLO document; every part can be replaced. */
function slo(o: SloOptions = {}): string {
  const annotations = o.annotations === undefined ? '' : `\n  annotations: ${JSON.stringify(o.annotations)}`;
  return [
    'apiVersion: openslo/v1', 'kind: SLO', `metadata:\n  name: ${o.name ?? 'shop-slo'}${annotations}`, 'spec:', `  service: ${o.service ?? 'shop'}`,
    `  indicator: {metadata: {name: ${o.name ?? 'shop-slo'}-sli}, spec: ${o.indicator ?? RATIO}}`,
    `  timeWindow: [${o.timeWindow ?? '{duration: 30d, isRolling: true}'}]`,
    ...(o.budgetingMethod === null ? [] : [`  budgetingMethod: ${o.budgetingMethod ?? 'Occurrences'}`]),
    `  objectives: ${o.objectives ?? '[{displayName: good, target: 0.999}]'}`, '',
  ].join('\n');
}

const windowOf = (text: string) => importedSpecs(importTexts(text))[0]!.window;
/** Documents of one file. */
const docs = (...texts: string[]) => texts.join('---\n');

test('a good/total ratio is the errors SLI; a threshold is latency; targetPercent is a percentage', () => {
  const r = importTexts(docs(slo({ objectives: '[{targetPercent: 99.95}]' }), slo({ name: 'shop-latency', indicator: THRESHOLD, objectives: '[{op: lte, value: 300, target: 0.99}]' })));
  const [spec] = importedSpecs(r);
  assert.deepEqual(r.services, [{ name: 'shop', dimensions: ['errors', 'latency'] }]);
  assert.equal(spec!.objectives.errors, 0.9995);
  assert.equal(spec!.objectives.latency, 0.99);
  assert.deepEqual(spec!.latency.classes, [{ name: 'default', when: undefined, thresholdMs: 300 }]);
});

test('windows: weeks become days; a calendar month keeps its time zone; other calendar or month-long rolling windows do not map', () => {
  assert.deepEqual(windowOf(slo({ timeWindow: '{duration: 4w, isRolling: true}' })), { kind: 'rolling', days: 28 });
  assert.deepEqual(windowOf(slo({ timeWindow: '{duration: 1M, calendar: {startTime: "2024-03-01 00:00:00", timeZone: Asia/Tokyo}}' })), { kind: 'calendar', unit: 'month', timeZone: 'Asia/Tokyo' });

  const week = importTexts(slo({ timeWindow: '{duration: 1w, isRolling: false, calendar: {startTime: "2024-01-01 00:00:00", timeZone: UTC}}' }));
  assert.match(noteAt(week, 'SLO/shop-slo', 'spec.timeWindow[0]').message, /^a calendar window of `1w` does not map: mlslo's calendar window is the month \(`1M`\)/);
  assert.deepEqual(importedSpecs(week)[0]!.window, { kind: 'rolling', days: 30 });

  const month = importTexts(slo({ timeWindow: '{duration: 1M, isRolling: true}' }));
  assert.match(noteAt(month, 'SLO/shop-slo', 'spec.timeWindow[0]').message, /^a rolling window of `1M` does not map/);

  const hours = importTexts(slo({ timeWindow: '{duration: 12h, isRolling: true}' }));
  assert.match(noteAt(hours, 'SLO/shop-slo', 'spec.timeWindow[0]').message, /this is shorter than a day/);

  const noon = importTexts(slo({ timeWindow: '{duration: 1M, calendar: {startTime: "2022-01-01 12:00:00", timeZone: America/New_York}}' }));
  assert.match(noteAt(noon, 'SLO/shop-slo', 'spec.timeWindow[0]').message, /^calendar\.startTime `2022-01-01 12:00:00` is ignored: mlslo's months start at midnight on the 1st/);
  assert.deepEqual(importedSpecs(noon)[0]!.window, { kind: 'calendar', unit: 'month', timeZone: 'America/New_York' });

  const badZone = importTexts(slo({ timeWindow: '{duration: 1M, calendar: {timeZone: Mars/Olympus}}' }));
  assert.match(noteAt(badZone, 'SLO/shop-slo', 'spec.timeWindow[0]').message, /`Mars\/Olympus` is not an IANA time zone/);
});

test('one window per service: the first SLO\'s wins and a different one is noted', () => {
  const r = importTexts(docs(slo({ timeWindow: '{duration: 28d}' }), slo({ name: 'shop-latency', indicator: THRESHOLD, timeWindow: '{duration: 7d}', objectives: '[{op: lte, value: 300, target: 0.99}]' })));
  assert.deepEqual(importedSpecs(r)[0]!.window, { kind: 'rolling', days: 28 });
  assert.equal(noteAt(r, 'SLO/shop-latency', 'spec.timeWindow[0]').message,
    '`7d` differs from `28d`, taken from SLO/shop-slo; mlslo has one window per service, so this objective applies over `28d`');
});

test('one objective per SLI: a second errors SLO and a second objective are noted, the first kept', () => {
  const r = importTexts(docs(slo({ objectives: '[{displayName: internal, target: 0.995}, {displayName: SLA, target: 0.99}]' }), slo({ name: 'shop-availability', objectives: '[{target: 0.9}]' })));
  assert.equal(importedSpecs(r)[0]!.objectives.errors, 0.995);
  assert.equal(noteAt(r, 'SLO/shop-slo', 'spec.objectives[1]').message, 'mlslo has one errors objective per service; `SLA` not imported (`internal`, 0.995, is)');
  assert.match(noteAt(r, 'SLO/shop-availability', '').message, /^a second errors SLO for service `shop` \(the first is SLO\/shop-slo\)/);
});

test('Timeslices is refused, a missing budgetingMethod read as Occurrences, time-slice fields noted as ignored', () => {
  const sliced = importTexts(slo({ budgetingMethod: 'Timeslices', objectives: '[{target: 0.99, timeSliceTarget: 0.95, timeSliceWindow: 1m}]' }));
  assert.deepEqual(sliced.services, []);
  assert.match(noteAt(sliced, 'SLO/shop-slo', 'spec.budgetingMethod').message, /^Timeslices: mlslo counts occurrences/);

  const none = importTexts(slo({ budgetingMethod: null, objectives: '[{target: 0.99, timeSliceWindow: 1m}]' }));
  assert.equal(noteAt(none, 'SLO/shop-slo', 'spec.budgetingMethod').message, 'missing; read as Occurrences, the method mlslo uses');
  assert.equal(noteAt(none, 'SLO/shop-slo', 'spec.objectives[0].timeSliceWindow').message, 'ignored: `1m` applies only to Timeslices budgeting');
  assert.deepEqual(none.services, [{ name: 'shop', dimensions: ['errors'] }]);
});

test('thresholds that are not latency: `op: gt`, and names that say something else', () => {
  const gt = importTexts(slo({ indicator: THRESHOLD, objectives: '[{op: gt, value: 100, target: 0.99}]' }));
  assert.match(noteAt(gt, 'SLO/shop-slo', 'spec.objectives[0].op').message, /^`op: gt` on a thresholdMetric is good when the value is above the threshold; that is not latency/);
  const lag = importTexts(slo({ name: 'consumer-lag', indicator: THRESHOLD, objectives: '[{op: lte, value: 100, target: 0.99}]' }));
  assert.match(noteAt(lag, 'SLO/consumer-lag', 'spec.indicator.spec.thresholdMetric').message, /^a thresholdMetric on something that is not latency \(the names and queries say `lag`\)/);
  assert.deepEqual([gt.services, lag.services], [[], []]);
});

test('names decide only when nothing else does, and that is said to be a guess', () => {
  const raw = '{ratioMetric: {rawType: success, raw: {metricSource: {type: Any}}}}';
  const r = importTexts(slo({ name: 'checkout-availability', indicator: raw }));
  assert.deepEqual(r.services, [{ name: 'shop', dimensions: ['errors'] }]);
  assert.match(noteAt(r, 'SLO/checkout-availability', 'spec.indicator.spec.ratioMetric').message, /^guessed: read as the errors SLI because the names or queries say `availability`/);
  // A ratio whose names say latency has no threshold to import.
  const slow = importTexts(slo({ name: 'checkout-latency' }));
  assert.match(noteAt(slow, 'SLO/checkout-latency', 'spec.objectives').message, /^the names and queries say latency \(`latency`\), but a good\/total ratio .* gives no threshold/);
  // ... unless its objectives carry one: a ratio of requests under `value`.
  const under = importTexts(slo({ name: 'checkout-latency', objectives: '[{op: lte, value: 800, target: 0.95}]' }));
  assert.deepEqual(importedSpecs(under)[0]!.latency.classes.map((c) => c.thresholdMs), [800]);
});

test('mlslo\'s own annotations decide the dimension and restore classes, excluded errors, owner, oncall, tier and task', () => {
  const service = [
    'apiVersion: openslo/v1', 'kind: Service', 'metadata:', '  name: shop', '  annotations:',
    '    {mlslo/owner: shop-ml, mlslo/oncall: sre-shop, mlslo/tier: "1", mlslo/task: classification, mlslo/composite-objective: "0.95"}', 'spec: {}', '',
  ].join('\n');
  const classes = JSON.stringify([{ name: 'small', when: 'input.items <= 10' }, { name: 'large' }]);
  // Four files: references work across them.
  const r = importTexts(
    service,
    `${slo({ name: 'a', annotations: { 'mlslo/dimension': 'errors', 'mlslo/errors-exclude': '["client_error","timeout_upstream"]' } })}`,
    `${slo({ name: 'b', annotations: { 'mlslo/dimension': 'latency', 'mlslo/latency-classes': classes }, objectives: '[{displayName: small, op: lte, value: 100, target: 0.99}, {displayName: large, op: lte, value: 900, target: 0.99}]' })}`,
    `${slo({ name: 'c', annotations: { 'mlslo/dimension': 'quality' }, objectives: '[{target: 0.97}]' })}`,
  );
  assert.deepEqual(formatted(r.notes), []);
  const [s] = importedSpecs(r);
  assert.deepEqual([s!.owner, s!.oncall, s!.tier, s!.task], ['shop-ml', 'sre-shop', 1, 'classification']);
  assert.deepEqual(s!.objectives, { errors: 0.999, latency: 0.99, quality: 0.97, composite: 0.95 });
  assert.deepEqual(s!.latency.classes.map((c) => [c.name, c.when?.source, c.thresholdMs]), [['small', 'input.items <= 10', 100], ['large', undefined, 900]]);
  assert.deepEqual(s!.errors.exclude, ['client_error', 'timeout_upstream']);
  assert.doesNotMatch(r.yaml, /REVIEW/);
});

test('annotations are input too: bad ones are noted and fall back', () => {
  const service = 'apiVersion: openslo/v1\nkind: Service\nmetadata: {name: shop, annotations: {mlslo/tier: "0", mlslo/task: summarisation}}\nspec: {}\n';
  const r = importTexts(docs(service, slo({ annotations: { 'mlslo/dimension': 'latency', 'mlslo/latency-classes': 'not json' }, objectives: '[{op: lte, value: 250, target: 0.99}]' })));
  assert.equal(noteAt(r, 'SLO/shop-slo', 'metadata.annotations.mlslo/latency-classes').message, 'is not JSON; expected a list of {"name": …, "when": …} with at least one class; read as a plain latency SLO');
  assert.match(noteAt(r, 'Service/shop', 'metadata.annotations.mlslo/tier').message, /^tier 0 requires a quality objective, and no quality SLO was imported; the placeholder tier 2 is used$/);
  assert.match(noteAt(r, 'Service/shop', 'metadata.annotations.mlslo/task').message, /^`summarisation` is not a task/);
  const [s] = importedSpecs(r);
  assert.deepEqual([s!.tier, s!.task, s!.latency.classes[0]!.thresholdMs], [2, 'classification', 250]);
});

test('the generated spec marks each placeholder REVIEW and names the defaults it leaves to mlslo', () => {
  const r = importFixtures('recommender.yaml');
  for (const line of ['owner: TODO-owner # REVIEW:', 'oncall: TODO-oncall # REVIEW:', 'tier: 2 # REVIEW:', 'task: classification # REVIEW:']) assert.ok(r.yaml.includes(line), line);
  assert.ok(r.yaml.includes('# Not in the OpenSLO input, so mlslo\'s defaults for tier 2 apply: quality objective 0.9.'));
  const [s] = importedSpecs(r);
  assert.deepEqual([s!.name, s!.description, s!.window], ['recommender', 'Recommends products on the checkout page', { kind: 'rolling', days: 28 }]);
  assert.deepEqual([s!.objectives.errors, s!.objectives.latency, s!.latency.classes[0]!.thresholdMs], [0.9995, 0.99, 250]);
});

test('recommender.yaml: every document that does not map is named once, with why', () => {
  const r = importFixtures('recommender.yaml');
  assert.deepEqual(formatted(r.notes).map((l) => l.replace(/^[^:]+:\d+:\d+: /, '').replace(/: mlslo('s| measures| has).*$/, '')), [
    'DataSource/prometheus: not imported',
    'SLO/recommender-availability: spec.alertPolicies: `recommender-fast-burn` not imported, nor the conditions and targets they use',
    'SLO/recommender-response-time: spec.objectives[0].value: guessed: 250 read as milliseconds; OpenSLO leaves the unit to the metric source — check it',
    'SLO/recommender-response-time: spec.objectives[1]',
    'SLO/recommender-click-through: spec.indicator.spec.ratioMetric: cannot tell whether a precomputed (raw) ratio measures latency or errors: there is no mlslo annotation, and the names and queries give no hint; SLO not imported',
  ]);
});

test('several services in one input give one spec each, in order of first mention', () => {
  const r = importTexts(docs(slo({ service: 'beta' }), slo({ name: 'other', service: 'alpha' })));
  assert.deepEqual(importedSpecs(r).map((s) => s.name), ['beta', 'alpha']);
  assert.equal(r.yaml.split('\n---\n').length, 2);
});

test('a service name mlslo cannot use is reported through the spec loader, not written', () => {
  const r = importTexts(slo({ service: 'Shop_Front' }));
  assert.deepEqual(r.services, []);
  assert.match(noteAt(r, 'SLO/shop-slo', '').message, /^the generated spec for `Shop_Front` is invalid at \/metadata\/name: must be a DNS label/);
});
