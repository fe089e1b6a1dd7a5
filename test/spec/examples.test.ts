import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem, loadSpecFiles, parseSpec } from '../../src/spec/load-spec.ts';
import { DAY_MS } from '../../src/core/spec.ts';

const EXAMPLES = ['examples/fraud-scorer.yaml', 'examples/search-ranker.yaml', 'examples/support-assistant.yaml'];

test('every example loads without problems', async () => {
  const { specs, problems } = await loadSpecFiles(EXAMPLES);
  assert.deepEqual(problems.map(formatProblem), []);
  assert.deepEqual(specs.map((s) => s.name), ['fraud-scorer', 'search-ranker', 'support-assistant']);
});

test('a directory stands for its yaml files, sorted', async () => {
  const { specs, problems } = await loadSpecFiles(['examples']);
  assert.deepEqual(problems, []);
  assert.deepEqual(specs.map((s) => s.name), ['fraud-scorer', 'search-ranker', 'support-assistant']);
});

test('fraud-scorer: tier 0 with per-cohort objectives, as written', () => {
  const r = parseSpec(readFileSync(EXAMPLES[0]!, 'utf8'), EXAMPLES[0]!);
  assert.ok(r.ok);
  const s = r.spec;
  assert.equal(s.tier, 0);
  assert.deepEqual(s.objectives, { errors: 0.9995, latency: 0.995, quality: 0.95, composite: 0.9447 });
  assert.deepEqual(s.latency.classes.map((c) => [c.name, c.thresholdMs, c.when?.source]), [
    ['short-history', 80, 'input.historyLength <= 50'],
    ['long-history', 150, 'input.historyLength <= 1000'],
    ['full-history', 400, undefined],
  ]);
  assert.deepEqual(s.latency.classes[0]!.when!.all, [{ path: ['input', 'historyLength'], op: '<=', value: 50 }]);
  assert.ok(s.quality.objectives.some((o) => o.perCohort));
  assert.equal(s.quality.labelGraceMs, 45 * DAY_MS);
  assert.deepEqual(s.quality.precedence, ['ground_truth', 'human', 'judge', 'feedback']);
  assert.deepEqual(s.notify.oncall?.pagerduty, { routingKey: '4f1c2a9e0b7d4e65a3c8f0d1b2e3a4c5' });
  assert.deepEqual(s.retrain, {
    webhook: 'https://ci.payments.example/hooks/retrain-fraud-scorer', cooldownMs: 14 * DAY_MS, budgetExhaustion: true, objectiveViolations: 3, driftForMs: 6 * 3_600_000,
  });
  assert.deepEqual(s.drift.overrides, { amount: { method: 'psi', threshold: 0.2 } });
  assert.deepEqual([s.drift.datasetShare, s.drift.alertWindowMs, s.drift.alertForMs], [0.5, 3_600_000, 30 * 60_000]);
  assert.ok(Object.isFrozen(s) && Object.isFrozen(s.latency.classes[0]) && Object.isFrozen(s.drift.overrides['amount']));
});

test('fraud-scorer: a nightly golden set, a candidate endpoint for replay, and a labeling budget', () => {
  const r = parseSpec(readFileSync(EXAMPLES[0]!, 'utf8'), EXAMPLES[0]!);
  assert.ok(r.ok);
  const { evals, labeling } = r.spec;
  assert.deepEqual(Object.keys(evals.endpoints), ['candidate']);
  assert.deepEqual(evals.endpoints['candidate']?.request, { features: '{{features}}', requestId: '{{id}}' });
  assert.deepEqual(evals.goldenSets.map((g) => [g.name, g.schedule, g.maxDrop, g.alpha, g.judge]), [['core', '0 3 * * *', 0.02, 0.01, undefined]]);
  assert.deepEqual(evals.goldenSets[0]!.endpoint, {
    url: 'http://127.0.0.1:9000/v1/score', method: 'POST', request: { features: '{{input}}' }, headers: { Authorization: 'Bearer ${FRAUD_MODEL_TOKEN}' },
    prediction: '$.label', score: '$.probability', model: '$.model_version', timeoutMs: 2000, concurrency: 8, retries: 2,
  });
  // stratifyBy from quality.stratifyBy; rubric empty (not generative).
  assert.deepEqual(labeling, { dailyBudget: 200, favourUncertain: 0.5, overlap: 0.1, leaseMs: 15 * 60_000, stratifyBy: ['region'], rubric: [], rubricMax: 1, gradeMax: 3 });
});

test('search-ranker: calendar month, k, tier-1 defaults', () => {
  const r = parseSpec(readFileSync(EXAMPLES[1]!, 'utf8'), EXAMPLES[1]!);
  assert.ok(r.ok);
  assert.deepEqual(r.spec.window, { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' });
  assert.deepEqual(r.spec.quality.verdict, { task: 'ranking', k: 5 });
  // 0.999 × 0.99 × 0.85 = 0.8406585 → 0.8406
  assert.deepEqual(r.spec.objectives, { errors: 0.999, latency: 0.99, quality: 0.85, composite: 0.8406 });
  assert.equal(r.spec.retrain?.cooldownMs, 7 * DAY_MS);
});

test('support-assistant: criteria and feedback rule become conditions', () => {
  const r = parseSpec(readFileSync(EXAMPLES[2]!, 'utf8'), EXAMPLES[2]!);
  assert.ok(r.ok);
  assert.deepEqual(r.spec.quality.verdict, {
    task: 'generative',
    criteria: { source: 'factuality >= 0.8 && policy == 1', all: [
      { path: ['factuality'], op: '>=', value: 0.8 },
      { path: ['policy'], op: '==', value: 1 },
    ] },
  });
  assert.deepEqual(r.spec.quality.feedbackRule?.all, [
    { path: ['clicked'], op: '==', value: true },
    { path: ['followUp'], op: '==', value: false },
  ]);
  // 0.995 × 0.9 × 0.90 = 0.80595 → 0.8059
  assert.deepEqual(r.spec.objectives, { errors: 0.995, latency: 0.9, quality: 0.9, composite: 0.8059 });
});

test('a service defined in two files is a problem at the second; unreadable paths are problems', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-spec-'));
  try {
    const doc = 'apiVersion: mlslo/v1\nkind: Service\nmetadata: {name: dup, owner: a, oncall: b, tier: 2}\nspec: {task: classification}\n';
    writeFileSync(join(dir, 'a.yaml'), doc);
    writeFileSync(join(dir, 'b.yml'), `# second copy\n${doc}`);
    writeFileSync(join(dir, 'notes.txt'), 'not a spec');
    mkdirSync(join(dir, 'nested.yaml'));
    writeFileSync(join(dir, 'nested.yaml', 'c.yaml'), 'not: read');
    const { specs, problems } = await loadSpecFiles([dir, join(dir, 'missing.yaml')]);
    assert.deepEqual(specs.map((s) => s.name), ['dup']);
    assert.deepEqual(problems.map(formatProblem), [
      `${join(dir, 'b.yml')}:4:18: /metadata/name: service \`dup\` is already defined at ${join(dir, 'a.yaml')}:3:18`,
      `${join(dir, 'missing.yaml')}: cannot read: no such file or directory`,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseSpec wants exactly one document; an empty file holds none', () => {
  const doc = 'apiVersion: mlslo/v1\nkind: Service\nmetadata: {name: x, owner: a, oncall: b, tier: 2}\nspec: {task: classification}\n';
  const two = parseSpec(`${doc}---\n${doc.replace('name: x', 'name: y')}`, 'two.yaml');
  assert.equal(two.ok, false);
  assert.deepEqual(!two.ok && two.problems.map(formatProblem), ['two.yaml:1:1: expected one Service document, found 2']);
  const empty = parseSpec('# nothing here\n', 'empty.yaml');
  assert.deepEqual(!empty.ok && empty.problems.map(formatProblem), ['empty.yaml:1:1: the file holds no Service document']);
  assert.ok(parseSpec(`---\n${doc}---\n`, 'trailing.yaml').ok);
});
