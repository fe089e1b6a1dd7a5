// Property tests: a generated valid spec survives YAML → ServiceSpec with every number intact, and
// expressions survive format → parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatProblem, parseSpec } from '../../src/spec/load-spec.ts';
import { formatComparisons, parseExpression } from '../../src/spec/condition.ts';
import { floor4 } from '../../src/spec/defaults.ts';
import { TIER_DEFAULTS } from '../../src/spec/defaults.ts';
import type { Comparison, Tier } from '../../src/core/spec.ts';

const ratio = fc.integer({ min: 1, max: 9999 }).map((n) => n / 10_000);
const ident = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,10}$/).filter((s) => s !== 'true' && s !== 'false');

const specArb = fc.record({
  tier: fc.constantFrom<Tier>(0, 1, 2),
  errors: fc.option(ratio, { nil: undefined }),
  latency: fc.option(ratio, { nil: undefined }),
  quality: fc.option(ratio, { nil: undefined }),
  composite: fc.option(ratio, { nil: undefined }),
  days: fc.integer({ min: 1, max: 400 }),
  minEvents: fc.integer({ min: 1, max: 1000 }),
  minSamples: fc.integer({ min: 1, max: 10_000 }),
  k: fc.integer({ min: 1, max: 100 }),
  classes: fc.array(fc.record({ bound: fc.integer({ min: 0, max: 1_000_000 }), thresholdMs: fc.double({ min: 0.001, max: 1e6, noNaN: true }) }), { minLength: 0, maxLength: 4 }),
  lastThreshold: fc.integer({ min: 1, max: 100_000 }),
  cohorts: fc.uniqueArray(ident, { maxLength: 4 }),
  target: fc.integer({ min: 1, max: 10_000 }).map((n) => n / 10_000),
  datasetShare: fc.option(fc.integer({ min: 1, max: 10_000 }).map((n) => n / 10_000), { nil: undefined }),
  alertWindowMin: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
  alertForMin: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
  overrides: fc.dictionary(ident, fc.record({
    method: fc.option(fc.constantFrom('wasserstein', 'jensenshannon', 'psi' as const), { nil: undefined }),
    threshold: fc.double({ min: 1e-6, max: 100, noNaN: true }),
  }), { maxKeys: 4 }),
});

test('numbers round-trip through YAML into the ServiceSpec, defaults filling the gaps', () => {
  fc.assert(fc.property(specArb, (g) => {
    const quality = g.quality ?? (g.tier < 2 ? 0.5 : undefined);
    const objectives = Object.fromEntries(Object.entries({ errors: g.errors, latency: g.latency, quality, composite: g.composite }).filter(([, v]) => v !== undefined));
    const doc = {
      apiVersion: 'mlslo/v1',
      kind: 'Service',
      metadata: { name: 'svc-1', owner: 'ml', oncall: 'sre', tier: g.tier },
      spec: {
        task: 'ranking',
        window: `${g.days}d`,
        objectives,
        minEvents: g.minEvents,
        latency: { classes: [
          ...g.classes.map((c, i) => ({ name: `c${i}`, when: `input.tokens <= ${c.bound}`, thresholdMs: c.thresholdMs })),
          { name: 'rest', thresholdMs: g.lastThreshold },
        ] },
        cohorts: g.cohorts,
        quality: { k: g.k, minSamples: g.minSamples, objectives: [{ metric: 'hit', target: g.target, perCohort: true }] },
        drift: Object.fromEntries(Object.entries({
          overrides: Object.fromEntries(Object.entries(g.overrides).map(([f, o]) => [f, o.method === undefined ? { threshold: o.threshold } : o])),
          datasetShare: g.datasetShare,
          alertWindow: g.alertWindowMin === undefined ? undefined : `${g.alertWindowMin}m`,
          alertFor: g.alertForMin === undefined ? undefined : `${g.alertForMin}m`,
        }).filter(([, v]) => v !== undefined)),
      },
    };
    const r = parseSpec(stringify(doc), 'gen.yaml');
    if (!r.ok) assert.fail(r.problems.map(formatProblem).join('\n'));
    const s = r.spec;
    const d = TIER_DEFAULTS[g.tier];
    const e = g.errors ?? d.errors;
    const l = g.latency ?? d.latency;
    const q = quality ?? d.quality!;
    assert.deepEqual(s.objectives, { errors: e, latency: l, quality: q, composite: g.composite ?? floor4(e * l * q) });
    assert.ok(s.objectives.composite <= e * l * q + 1e-9 || g.composite !== undefined);
    assert.deepEqual(s.window, { kind: 'rolling', days: g.days });
    assert.equal(s.minEvents, g.minEvents);
    assert.equal(s.quality.minSamples, g.minSamples);
    assert.deepEqual(s.quality.verdict, { task: 'ranking', k: g.k });
    assert.deepEqual(s.quality.objectives, [{ metric: 'hit', target: g.target, perCohort: true }]);
    assert.deepEqual(s.cohorts, g.cohorts);
    assert.deepEqual(s.drift, {
      features: {},
      critical: [],
      overrides: Object.fromEntries(Object.entries(g.overrides).map(([f, o]) => [f, { method: o.method, threshold: o.threshold }])),
      datasetShare: g.datasetShare ?? 0.5,
      alertWindowMs: (g.alertWindowMin ?? 60) * 60_000,
      alertForMs: (g.alertForMin ?? 30) * 60_000,
    });
    assert.deepEqual(s.latency.classes.map((c) => c.thresholdMs), [...g.classes.map((c) => c.thresholdMs), g.lastThreshold]);
    assert.deepEqual(s.latency.classes.slice(0, -1).map((c) => c.when?.all[0]?.value), g.classes.map((c) => c.bound));
  }), { numRuns: 200 });
});

const literal = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map((x) => (Object.is(x, -0) ? 0 : x)),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
);
const comparison: fc.Arbitrary<Comparison> = fc.record({
  path: fc.array(ident, { minLength: 1, maxLength: 3 }),
  op: fc.constantFrom('<=', '<', '>=', '>', '==', '!=' as const),
  value: literal,
}).map((c) => ({ ...c })).filter((c) => typeof c.value === 'number' || c.op === '==' || c.op === '!=');

test('expressions round-trip: format → parse gives the same comparisons', () => {
  fc.assert(fc.property(fc.array(fc.array(comparison, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }), (branches) => {
    const src = branches.map(formatComparisons).join(' || ');
    const r = parseExpression(src, { or: true, bareBooleans: true, example: 'x', checkPath: () => undefined });
    assert.ok(r.ok, src);
    assert.deepEqual(r.any.map((b) => b.all), branches);
  }), { numRuns: 300 });
});
