// Every public OpenSLO v1 example (test/fixtures/openslo/upstream, see its README) is imported on its
// own: each either maps or says exactly why not. Expected values are read off the example files by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIXTURES, formatted, importFixtures, importedSpecs, noteAt } from './helpers.ts';

const ALERTING = /^not imported: mlslo's burn-rate alerting is one multiwindow policy for every service, kept as data in policies\//;
const TIMESLICES = /^(Ratio)?Timeslices: mlslo counts occurrences .*; SLO not imported$/;

/** Per example: the services it maps to, and every note as [document, field, message pattern]. */
const EXPECTED: Record<string, { services: string[]; notes: [string, string, RegExp][] }> = {
  'examples/budgeting-method/occurences-slo.yaml': {
    services: ['web-shop (latency)'],
    notes: [
      ['SLO/search-slo', 'spec.objectives[0].op', /^`lt` read as `lte`: mlslo counts a request good when its latency is at most the threshold$/],
      ['SLO/search-slo', 'spec.objectives[0].value', /^guessed: 500 read as milliseconds; OpenSLO leaves the unit to the metric source — check it$/],
    ],
  },
  'examples/budgeting-method/ratio-timeslices.yaml': { services: [], notes: [['SLO/main-page', 'spec.budgetingMethod', TIMESLICES]] },
  'examples/budgeting-method/timeslices-slo.yaml': { services: [], notes: [['SLO/service-availability', 'spec.budgetingMethod', TIMESLICES]] },
  'examples/treat-low-traffic-as-equally-important/timeslices-slo.yaml': { services: [], notes: [['SLO/service-availability', 'spec.budgetingMethod', TIMESLICES]] },
  'pkg/openslo/v1/examples/alert_conditions.yaml': {
    services: [],
    notes: [['AlertCondition/cpu-usage-breach', '', ALERTING], ['AlertCondition/latency-too-high', '', ALERTING]],
  },
  'pkg/openslo/v1/examples/alert_notification_targets.yaml': {
    services: [],
    notes: [['AlertNotificationTarget/devs-email-notification', '', ALERTING], ['AlertNotificationTarget/pd-on-call-notification', '', ALERTING]],
  },
  'pkg/openslo/v1/examples/alert_policies.yaml': {
    services: [],
    notes: [['AlertPolicy/low-priority', '', ALERTING], ['AlertPolicy/high-priority', '', ALERTING], ['AlertPolicy/medium-priority', '', ALERTING]],
  },
  'pkg/openslo/v1/examples/data_sources.yaml': {
    services: [],
    notes: [['DataSource/prometheus', '', /^not imported: mlslo measures its SLIs from the events services send it/], ['DataSource/datadog', '', /^not imported: mlslo measures/]],
  },
  'pkg/openslo/v1/examples/services.yaml': {
    services: [],
    notes: [['Service/example-service', '', /^no SLO names this service in spec\.service; no spec written$/]],
  },
  'pkg/openslo/v1/examples/slis.yaml': {
    services: [],
    notes: ['search-availability', 'end-user-response', 'wifi-client-satisfaction', 'annotator-throughput']
      .map((n): [string, string, RegExp] => [`SLI/${n}`, '', /^no SLO refers to it \(indicatorRef\); nothing to import$/]),
  },
  'pkg/openslo/v1/examples/slos.yaml': { services: [], notes: [['SLO/web-availability', 'spec.budgetingMethod', TIMESLICES]] },
  'schema-test/spec-files/v1/slo/slo-indicatorref-calendar-alerts.yaml': {
    services: [],
    notes: [
      ['SLO/test-slo', 'spec.indicatorRef', /^refers to SLI `indicator-ref-string`, which none of the files read defines; SLO not imported$/],
      ['SLO/test-slo', 'spec.alertPolicies', /^`foo-alert-policy` \(not defined in the files read\) not imported/],
    ],
  },
  'schema-test/spec-files/v1/slo/slo-no-indicatorref-rolling-alerts.yaml': {
    services: ['the-service-name (errors)'],
    notes: [
      ['SLO/test-slo', 'spec.timeWindow[0]', /^a rolling window of `1M` does not map: mlslo's rolling windows are whole days, and this has no fixed number of days .*; the objective is kept, over the spec's window$/],
      ['SLO/test-slo', 'spec.alertPolicies', /^`foo-alert-policy` \(not defined in the files read\) not imported/],
    ],
  },
};

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? yamlFiles(join(dir, n)) : n.endsWith('.yaml') ? [join(dir, n)] : []));
}

test('every upstream example file has an expectation', () => {
  const files = yamlFiles(join(FIXTURES, 'upstream')).map((f) => relative(join(FIXTURES, 'upstream'), f)).sort();
  assert.deepEqual(files, Object.keys(EXPECTED).sort());
});

for (const [file, want] of Object.entries(EXPECTED)) {
  test(`import ${file}: ${want.services.length > 0 ? 'maps' : 'says why not'}`, () => {
    const r = importFixtures(`upstream/${file}`);
    assert.deepEqual(r.services.map((s) => `${s.name} (${s.dimensions.join(', ')})`), want.services);
    assert.equal(r.notes.length, want.notes.length, formatted(r.notes).join('\n'));
    for (const [document, field, message] of want.notes) assert.match(noteAt(r, document, field).message, message);
    if (want.services.length > 0) importedSpecs(r);
    else assert.equal(r.yaml, '');
  });
}

test('occurences-slo: the 500 ms search threshold over two weeks becomes a latency class and a 14-day window', () => {
  const r = importFixtures('upstream/examples/budgeting-method/occurences-slo.yaml');
  const [spec] = importedSpecs(r);
  assert.equal(spec!.name, 'web-shop');
  assert.deepEqual(spec!.window, { kind: 'rolling', days: 14 });
  assert.equal(spec!.objectives.latency, 0.99);
  assert.deepEqual(spec!.latency.classes, [{ name: 'default', when: undefined, thresholdMs: 500 }]);
  // Placeholders: tier 2 and its defaults for what the example does not say.
  assert.equal(spec!.tier, 2);
  assert.equal(spec!.objectives.errors, 0.995);
});

test('the schema-test errors SLO keeps its 0.98 objective over mlslo\'s default window', () => {
  const [spec] = importedSpecs(importFixtures('upstream/schema-test/spec-files/v1/slo/slo-no-indicatorref-rolling-alerts.yaml'));
  assert.equal(spec!.objectives.errors, 0.98);
  assert.deepEqual(spec!.window, { kind: 'rolling', days: 30 });
  assert.deepEqual(spec!.errors.exclude, ['client_error']);
});

test('the example SLIs, used by SLOs: availability maps; slow requests, satisfaction and throughput say why not', () => {
  const r = importFixtures('upstream/pkg/openslo/v1/examples/slis.yaml', 'uses-upstream-slis.yaml');
  assert.deepEqual(r.services, [{ name: 'search', dimensions: ['errors'] }]);
  assert.equal(importedSpecs(r)[0]!.objectives.errors, 0.995);
  assert.match(noteAt(r, 'SLO/end-user-response', 'spec.objectives').message, /^the names and queries say latency \(`slow`\), but a bad\/total ratio with no objective `op` and `value` gives no threshold/);
  assert.match(noteAt(r, 'SLI/wifi-client-satisfaction', 'spec.ratioMetric').message,
    /^cannot tell whether a precomputed \(raw\) ratio measures latency or errors: .* say `satisfaction`, which mlslo has no SLI for; SLO\/wifi-client-satisfaction not imported$/);
  assert.match(noteAt(r, 'SLI/annotator-throughput', 'spec.thresholdMetric').message, /^a thresholdMetric on something that is not latency \(.*`throughput`\)/);
  assert.equal(r.notes.length, 3, formatted(r.notes).join('\n'));
});
