// Tier defaults (DESIGN §2.1), hand-checked; an explicit value always wins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem, parseSpec, type SpecResult } from '../../src/spec/load-spec.ts';
import { derivedComposite, floor4 } from '../../src/spec/defaults.ts';
import { DAY_MS } from '../../src/core/spec.ts';
import type { ServiceSpec } from '../../src/core/spec.ts';

function spec(tier: number, specBody: string, task = 'classification'): SpecResult {
  return parseSpec(`apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: team-ml, oncall: team-sre, tier: ${tier}}
spec:
  task: ${task}
${specBody.split('\n').map((l) => `  ${l}`).join('\n')}
`, 'inline.yaml');
}

function ok(r: SpecResult): ServiceSpec {
  if (!r.ok) assert.fail(r.problems.map(formatProblem).join('\n'));
  return r.spec;
}

test('tier 0: errors 0.9995, latency 0.995, composite = floor4(0.9995 × 0.995 × q)', () => {
  const s = ok(spec(0, 'objectives: {quality: 0.95}'));
  // 0.9995 × 0.995 = 0.9945025; × 0.95 = 0.944777375 → 0.9447
  assert.deepEqual(s.objectives, { errors: 0.9995, latency: 0.995, quality: 0.95, composite: 0.9447 });
  const s2 = ok(spec(0, 'objectives: {quality: 0.9}'));
  // 0.9945025 × 0.9 = 0.89505225 → 0.895
  assert.equal(s2.objectives.composite, 0.895);
});

test('tier 1: errors 0.999, latency 0.99', () => {
  const s = ok(spec(1, 'objectives: {quality: 0.9}'));
  // 0.999 × 0.99 = 0.98901; × 0.9 = 0.890109 → 0.8901
  assert.deepEqual(s.objectives, { errors: 0.999, latency: 0.99, quality: 0.9, composite: 0.8901 });
});

test('tier 2: errors 0.995, latency 0.95, quality 0.90 by default', () => {
  const s = ok(spec(2, ''));
  // 0.995 × 0.95 = 0.94525; × 0.9 = 0.850725 → 0.8507
  assert.deepEqual(s.objectives, { errors: 0.995, latency: 0.95, quality: 0.9, composite: 0.8507 });
});

test('tiers 0 and 1 refuse a spec without a quality objective, and say why', () => {
  for (const tier of [0, 1]) {
    const r = spec(tier, 'objectives: {errors: 0.999}');
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.problems.map((p) => [p.pointer, p.message]), [[
      '/spec/objectives/quality',
      "missing required field `quality`: tier 0 and 1 require an explicit quality objective, since only the model's owners know how often it may be wrong",
    ]]);
  }
});

test('explicit values win over tier defaults, the composite included', () => {
  const s = ok(spec(0, 'objectives: {errors: 0.99, latency: 0.9, quality: 0.8, composite: 0.7}'));
  assert.deepEqual(s.objectives, { errors: 0.99, latency: 0.9, quality: 0.8, composite: 0.7 });
  const t = ok(spec(2, 'objectives: {quality: 0.7, errors: 0.9}'));
  // 0.9 × 0.95 × 0.7 = 0.5985 in decimal, 0.59849999… in binary: floors to 0.5985, not 0.5984
  assert.deepEqual(t.objectives, { errors: 0.9, latency: 0.95, quality: 0.7, composite: 0.5985 });
});

test('floor4 absorbs binary representation error but still floors', () => {
  assert.equal(0.9 * 0.95 * 0.7, 0.5984999999999999);
  assert.equal(floor4(0.9 * 0.95 * 0.7), 0.5985);
  assert.equal(derivedComposite(0.9, 0.9, 0.7), 0.567);
  assert.equal(floor4(0.94477), 0.9447);
  assert.equal(floor4(0.99999), 0.9999);
});

test('every other default', () => {
  const s = ok(spec(2, ''));
  assert.deepEqual(s.window, { kind: 'rolling', days: 30 });
  assert.equal(s.public, false);
  assert.equal(s.description, undefined);
  assert.equal(s.minEvents, 10);
  assert.equal(s.cohortCap, 200);
  assert.deepEqual(s.cohorts, []);
  assert.deepEqual(s.errors, { exclude: ['client_error'] });
  assert.deepEqual(s.drift, { features: {}, critical: [], overrides: {}, datasetShare: 0.5, alertWindowMs: 3_600_000, alertForMs: 30 * 60_000 });
  assert.deepEqual(s.notify, {});
  assert.equal(s.retrain, undefined);
  assert.deepEqual(s.quality, {
    sources: ['human', 'ground_truth', 'judge'],
    precedence: ['human', 'ground_truth', 'judge', 'feedback'],
    minSamples: 30,
    stratifyBy: [],
    objectives: [],
    verdict: { task: 'classification' },
    feedbackRule: undefined,
    labelGraceMs: 30 * DAY_MS,
    orphanTtlMs: 7 * DAY_MS,
  });
});

test('no latency section: one catch-all class with the tier threshold', () => {
  assert.deepEqual(ok(spec(0, 'objectives: {quality: 0.9}')).latency.classes, [{ name: 'default', when: undefined, thresholdMs: 1000 }]);
  assert.deepEqual(ok(spec(1, 'objectives: {quality: 0.9}')).latency.classes, [{ name: 'default', when: undefined, thresholdMs: 1000 }]);
  assert.deepEqual(ok(spec(2, '')).latency.classes, [{ name: 'default', when: undefined, thresholdMs: 5000 }]);
});

test('task verdict defaults and explicit values', () => {
  assert.deepEqual(ok(spec(2, '', 'ranking')).quality.verdict, { task: 'ranking', k: 10 });
  assert.deepEqual(ok(spec(2, 'quality: {k: 3}', 'ranking')).quality.verdict, { task: 'ranking', k: 3 });
  assert.deepEqual(ok(spec(2, 'quality: {tolerance: 2.5}', 'regression')).quality.verdict,
    { task: 'regression', tolerance: { kind: 'absolute', value: 2.5 } });
  assert.deepEqual(ok(spec(2, 'quality: {tolerancePct: 5}', 'regression')).quality.verdict,
    { task: 'regression', tolerance: { kind: 'relative', pct: 5 } });
});

test('explicit non-objective values win too', () => {
  const s = ok(spec(2, `window: month
minEvents: 5
cohortCap: 20
errors: {exclude: []}
cohorts: [language]
quality:
  sources: [ground_truth]
  minSamples: 100
  labelGrace: 12h
  orphanTtl: 1d12h
  stratifyBy: [language]
retrain: {webhook: "http://ci.example/hook"}`));
  assert.deepEqual(s.window, { kind: 'calendar', unit: 'month', timeZone: 'UTC' });
  assert.equal(s.minEvents, 5);
  assert.equal(s.cohortCap, 20);
  assert.deepEqual(s.errors.exclude, []);
  assert.deepEqual(s.quality.sources, ['ground_truth']);
  assert.equal(s.quality.minSamples, 100);
  assert.equal(s.quality.labelGraceMs, 12 * 3_600_000);
  assert.equal(s.quality.orphanTtlMs, 36 * 3_600_000);
  assert.deepEqual(s.quality.stratifyBy, ['language']);
  assert.deepEqual(s.retrain, { webhook: 'http://ci.example/hook', cooldownMs: 7 * DAY_MS, budgetExhaustion: true, objectiveViolations: 3, driftForMs: 6 * 3_600_000 });
});

test('tier 0 with cohorts needs a per-cohort objective; with one it loads', () => {
  const bad = spec(0, 'objectives: {quality: 0.9}\ncohorts: [region]');
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.problems[0]!.message : '', /^tier 0 services must set a quality objective with `perCohort: true`/);
  ok(spec(0, 'objectives: {quality: 0.9}\ncohorts: [region]\nquality:\n  objectives: [{metric: accuracy, target: 0.9, perCohort: true}]'));
  ok(spec(1, 'objectives: {quality: 0.9}\ncohorts: [region]'));
});

test('retrain conditions: explicit values, and every problem reported', () => {
  const s = ok(spec(2, 'retrain: {webhook: "http://ci.example/hook", cooldown: 3d, when: {budgetExhaustion: false, objectiveViolations: 5, driftFor: 1d}}'));
  assert.deepEqual(s.retrain, { webhook: 'http://ci.example/hook', cooldownMs: 3 * DAY_MS, budgetExhaustion: false, objectiveViolations: 5, driftForMs: DAY_MS });
  const bad = parseSpec(`apiVersion: mlslo/v1
kind: Service
metadata: {name: s, owner: o, oncall: c, tier: 2}
spec:
  task: classification
  retrain: {webhook: "http://ci.example/hook", when: {objectiveViolations: -1, driftFor: soon, sometimes: true}}
`, 'r.yaml');
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.deepEqual(bad.problems.map((p) => p.pointer).sort(), ['/spec/retrain/when/driftFor', '/spec/retrain/when/objectiveViolations', '/spec/retrain/when/sometimes']);
  }
});

test('drift: an empty section takes every default; explicit values and overrides win', () => {
  assert.deepEqual(ok(spec(2, 'drift: {}')).drift, { features: {}, critical: [], overrides: {}, datasetShare: 0.5, alertWindowMs: 3_600_000, alertForMs: 30 * 60_000 });
  const s = ok(spec(2, `drift:
  features: {amount: numeric, country: categorical}
  critical: [amount]
  overrides:
    amount: {method: psi, threshold: 0.2}
    country: {threshold: 0.15}
    cardAgeDays: {method: ks, threshold: 0.01}
    prediction.score: {method: ks}
    basket: {method: wasserstein, threshold: 1.5}
  datasetShare: 1
  alertWindow: 1d
  alertFor: 1h30m`));
  assert.deepEqual(s.drift, {
    features: { amount: 'numeric', country: 'categorical' },
    critical: ['amount'],
    overrides: {
      amount: { method: 'psi', threshold: 0.2 },
      country: { method: undefined, threshold: 0.15 },
      cardAgeDays: { method: 'ks', threshold: 0.01 },
      'prediction.score': { method: 'ks', threshold: undefined },
      basket: { method: 'wasserstein', threshold: 1.5 },
    },
    datasetShare: 1,
    alertWindowMs: DAY_MS,
    alertForMs: 90 * 60_000,
  });
});

test('drift: alertFor may be zero (fire at once); alertWindow may not', () => {
  for (const zero of ['0', '0s', '0m', '"0"', '0h0m']) assert.equal(ok(spec(2, `drift: {alertFor: ${zero}}`)).drift.alertForMs, 0, zero);
  const bad = spec(2, 'drift: {alertWindow: 0m, alertFor: 0}');
  assert.deepEqual(!bad.ok && bad.problems.map((p) => [p.pointer, p.message]), [['/spec/drift/alertWindow', 'must be longer than 0, got `0m`']]);
});

test('drift: the threshold bound depends on the method', () => {
  // Without a method any positive number passes: the default method is not known until the baseline is.
  assert.equal(ok(spec(2, 'drift: {overrides: {a: {threshold: 3}}}')).drift.overrides['a']?.threshold, 3);
  for (const method of ['ks', 'chi2', 'z']) {
    const bad = spec(2, `drift: {overrides: {a: {method: ${method}, threshold: 1}}}`);
    assert.deepEqual(!bad.ok && bad.problems.map((p) => p.pointer), ['/spec/drift/overrides/a/threshold'], method);
  }
  for (const method of ['wasserstein', 'jensenshannon', 'psi']) {
    assert.equal(ok(spec(2, `drift: {overrides: {a: {method: ${method}, threshold: 1}}}`)).drift.overrides['a']?.threshold, 1, method);
  }
  for (const p of ['prediction.label', 'prediction.score', 'prediction.value']) ok(spec(2, `drift: {overrides: {${p}: {method: psi}}}`));
});

test('drift: a feature called `__proto__` is a feature, not a prototype', () => {
  const s = ok(spec(2, 'drift: {features: {__proto__: numeric}, overrides: {__proto__: {method: psi}}}'));
  assert.deepEqual(Object.keys(s.drift.features), ['__proto__']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(s.drift.overrides, '__proto__')?.value, { method: 'psi', threshold: undefined });
  assert.equal(Object.getPrototypeOf(s.drift.overrides), Object.prototype);
});

test('cohortCap is bounded: 10,000 passes, 10,001 is a problem at /spec/cohortCap', () => {
  assert.equal(ok(spec(2, 'cohortCap: 10000')).cohortCap, 10_000);
  const r = spec(2, 'cohortCap: 10001');
  assert.ok(!r.ok);
  assert.deepEqual(r.problems.map((p) => [p.pointer, p.message]), [['/spec/cohortCap', 'must be a whole number from 1 to 10000, got 10001']]);
});
