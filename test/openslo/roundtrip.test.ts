// Round trips. spec → OpenSLO → spec keeps the latency and error parts exactly (objectives, window,
// classes with thresholds and conditions, excluded error types); OpenSLO → spec → OpenSLO is stable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ServiceSpec } from '../../src/core/spec.ts';
import { exportOpenSlo } from '../../src/openslo/export.ts';
import { importOpenSlo } from '../../src/openslo/import.ts';
import { formatProblem, parseSpec } from '../../src/spec/load-spec.ts';
import { formatted, importedSpecs, importFixtures, policyFor, shippedSpecs } from './helpers.ts';

/** The parts of a spec that travel through OpenSLO. */
function travelling(s: ServiceSpec) {
  return { name: s.name, owner: s.owner, oncall: s.oncall, tier: s.tier, description: s.description, window: s.window, objectives: s.objectives, latency: s.latency, errors: s.errors };
}

async function throughOpenSlo(s: ServiceSpec): Promise<{ spec: ServiceSpec; openslo: string; notes: string[] }> {
  const openslo = exportOpenSlo(s, await policyFor(s));
  const r = importOpenSlo([{ file: `${s.name}.openslo.yaml`, text: openslo }]);
  const specs = importedSpecs(r);
  assert.equal(specs.length, 1);
  return { spec: specs[0]!, openslo, notes: formatted(r.notes) };
}

test('every shipped spec → OpenSLO → spec keeps objectives, window, classes, excluded errors, owner, oncall and tier', async () => {
  const specs = await shippedSpecs();
  assert.equal(specs.length, 6);
  for (const s of specs) {
    const { spec, notes } = await throughOpenSlo(s);
    assert.deepEqual(travelling(spec), travelling(s), s.name);
    // Only alerting and the data source are left behind — nothing about the objectives.
    for (const n of notes) assert.match(n, /: (DataSource\/mlslo: not imported|SLO\/[a-z-]+: spec\.alertPolicies: )/, n);
  }
});

test('after one trip, further trips change nothing: the same spec and byte-identical OpenSLO', async () => {
  for (const s of await shippedSpecs()) {
    const once = await throughOpenSlo(s);
    const twice = await throughOpenSlo(once.spec);
    const thrice = await throughOpenSlo(twice.spec);
    assert.deepEqual(twice.spec, once.spec, s.name);
    assert.deepEqual(thrice.spec, once.spec, s.name);
    assert.equal(thrice.openslo, twice.openslo, s.name);
  }
});

test('OpenSLO from other tools (the mapped subset) → spec → OpenSLO → spec is stable', async () => {
  for (const file of ['recommender.yaml', 'upstream/examples/budgeting-method/occurences-slo.yaml']) {
    const [first] = importedSpecs(importFixtures(file));
    const { spec: second, openslo } = await throughOpenSlo(first!);
    assert.deepEqual(second, first, file);
    assert.equal((await throughOpenSlo(second)).openslo, openslo, file);
  }
});

// Generated specs: every window kind, objectives, classes with numeric and string conditions, excludes.
const ratio = fc.integer({ min: 1, max: 9999 }).map((n) => n / 10_000);
const ident = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/).filter((s) => s !== 'true' && s !== 'false');
const condition = fc.oneof(
  fc.tuple(ident, fc.constantFrom('<=', '<', '>=', '>'), fc.integer({ min: 0, max: 100_000 })).map(([a, op, n]) => `input.${a} ${op} ${n}`),
  fc.tuple(ident, fc.constantFrom('==', '!='), ident).map(([a, op, v]) => `cohort.${a} ${op} "${v}"`),
);
const specArb = fc.record({
  tier: fc.constantFrom(0, 1, 2),
  window: fc.oneof(fc.integer({ min: 1, max: 400 }).map((d) => `window: ${d}d`), fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York').map((tz) => `window: month\n  timeZone: ${tz}`)),
  errors: ratio,
  latency: ratio,
  quality: ratio,
  classes: fc.array(fc.record({ when: fc.array(condition, { minLength: 1, maxLength: 2 }), ms: fc.integer({ min: 1, max: 60_000 }) }), { maxLength: 3 }),
  lastMs: fc.double({ min: 0.5, max: 1e5, noNaN: true }),
  exclude: fc.uniqueArray(ident, { maxLength: 3 }),
});

test('property: generated specs survive spec → OpenSLO → spec with their latency and error parts intact', async () => {
  const policy = await policyFor({ window: { kind: 'rolling', days: 30 } } as ServiceSpec);
  fc.assert(fc.property(specArb, (g) => {
    const classes = [...g.classes.map((c, i) => `      - {name: c${i}, when: '${c.when.join(' && ')}', thresholdMs: ${c.ms}}`), `      - {name: rest, thresholdMs: ${g.lastMs}}`];
    const text = [
      'apiVersion: mlslo/v1', 'kind: Service', `metadata: {name: gen, owner: team-a, oncall: sre-a, tier: ${g.tier}}`, 'spec:', '  task: classification',
      `  ${g.window}`, `  objectives: {errors: ${g.errors}, latency: ${g.latency}, quality: ${g.quality}}`,
      '  latency:', '    classes:', ...classes, `  errors: {exclude: [${g.exclude.join(', ')}]}`, '',
    ].join('\n');
    const original = parseSpec(text, 'gen.yaml');
    assert.ok(original.ok, original.ok ? '' : original.problems.map(formatProblem).join('\n'));
    const r = importOpenSlo([{ file: 'gen.openslo.yaml', text: exportOpenSlo(original.spec, policy) }]);
    assert.deepEqual(travelling(importedSpecs(r)[0]!), travelling(original.spec));
  }), { numRuns: 150 });
});
