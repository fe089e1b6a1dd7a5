/**
 * The alerting scenarios at the core level, on hand-built service histories (world.ts) and the
 * shipped 30-day policy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertCondition, BurnCondition } from '../../../src/core/alerting/alert.ts';
import { evaluateAlerts } from '../../../src/core/alerting/evaluate.ts';
import type { ObjectiveResult } from '../../../src/core/quality-metrics/objectives.ts';
import { DAY_MS, HOUR_MS } from '../../../src/core/spec.ts';
import { loadBurnPolicies } from '../../../src/spec/burn-policy-file.ts';
import { NOW, spec, world, type Segment } from './world.ts';

const policy = (await loadBurnPolicies()).get(30)!;
const THREE_DAYS = 4320;

const holding = (cs: readonly AlertCondition[]): string[] => cs.filter((c) => c.holds).map((c) => c.id).sort();
const byId = (cs: readonly AlertCondition[], id: string): AlertCondition => {
  const c = cs.find((x) => x.id === id);
  assert.ok(c !== undefined, `no condition ${id}`);
  return c;
};
const burn = (cs: readonly AlertCondition[], id: string): BurnCondition => {
  const c = byId(cs, id);
  assert.equal(c.kind, 'burn');
  return c;
};
const firingRows = (c: BurnCondition): string[] => c.evidence.rows.filter((r) => r.fires).map((r) => `${r.longWindow}/${r.shortWindow}`);

const healthy = { rpm: 100, errorShare: 0.0005, slowShare: 0.002, q: 0.97 } as const;

test('a GPU-OOM burst pages oncall, not owner, with the error types as evidence', () => {
  const segments: Segment[] = [
    { fromMin: THREE_DAYS, toMin: 10, ...healthy },
    { fromMin: 10, toMin: 0, ...healthy, errorShare: 0.3, errorType: 'gpu_oom' },
  ];
  const cs = evaluateAlerts(world(segments, policy), NOW);
  const page = burn(cs, 'fraud-scorer/burn/errors/page');
  assert.equal(page.holds, true);
  assert.equal(page.route, 'oncall');
  assert.deepEqual(firingRows(page), ['1h/5m', '6h/30m']);
  assert.equal(page.hint?.kind, 'investigate_errors');
  if (page.hint?.kind === 'investigate_errors') {
    assert.equal(page.hint.errorTypes[0]?.type, 'gpu_oom');
    assert.ok(page.hint.errorTypes[0].share > 0.99);
  }
  assert.ok(page.summary.includes('errors is burning'), page.summary);
  assert.ok(page.evidence.breakdowns !== undefined && page.evidence.breakdowns.versions[0]?.current === true);
  const held = cs.filter((c) => c.holds);
  assert.ok(held.length > 0 && held.every((c) => c.route === 'oncall'), holding(cs).join(', '));
  assert.ok(!held.some((c) => c.key.kind === 'burn' && c.key.dimension === 'quality'));
});

test('tier 2 is ticket only: the same burst opens a ticket and pages nobody', () => {
  const segments: Segment[] = [
    { fromMin: THREE_DAYS, toMin: 10, ...healthy },
    { fromMin: 10, toMin: 0, ...healthy, errorShare: 0.3, errorType: 'gpu_oom' },
  ];
  const cs = evaluateAlerts(world(segments, policy, spec({ tier: 2 })), NOW);
  assert.ok(cs.every((c) => c.severity === 'ticket'));
  const t = burn(cs, 'fraud-scorer/burn/errors/ticket');
  assert.equal(t.holds, true);
  assert.equal(t.evidence.rows.length, 4);
  assert.deepEqual(t.evidence.rows.filter((r) => r.fires).map((r) => r.policySeverity), ['page', 'page', 'ticket']);
});

test('a model version 15 points worse alerts the owner with a rollback hint naming both versions', () => {
  const sp = spec({ objectives: { errors: 0.999, latency: 0.99, quality: 0.95, composite: 0.9395 } });
  const segments: Segment[] = [
    { fromMin: THREE_DAYS, toMin: 720, ...healthy, q: 0.97, model: 'fraud-v1' },
    { fromMin: 720, toMin: 0, ...healthy, q: 0.82, model: 'fraud-v2' },
  ];
  const accuracy: ObjectiveResult = {
    metric: 'accuracy', name: 'accuracy', target: 0.95, value: 0.895, interval: { lower: 0.893, upper: 0.897 },
    n: 143_928, status: 'violated', direction: 'higher_is_better',
  };
  const input = { ...world(segments, policy, sp), objectives: { windowMs: DAY_MS, overall: [accuracy], cohorts: [] } };
  const cs = evaluateAlerts(input, NOW);

  const ticket = burn(cs, 'fraud-scorer/burn/quality/ticket');
  assert.equal(ticket.holds, true);
  assert.equal(ticket.route, 'owner');
  assert.deepEqual(firingRows(ticket), ['3d/6h']);
  assert.equal(ticket.evidence.timeAxis, 'verdict');
  assert.equal(ticket.hint?.kind, 'rollback');
  if (ticket.hint?.kind === 'rollback') {
    assert.equal(ticket.hint.from, 'fraud-v2');
    assert.equal(ticket.hint.to, 'fraud-v1');
    assert.equal(ticket.hint.evidence.basis, 'worse-than-rest');
    assert.ok(ticket.hint.evidence.to.qHat - ticket.hint.evidence.from.qHat > 0.14);
  }

  const objective = byId(cs, 'fraud-scorer/quality/accuracy/ticket');
  assert.equal(objective.holds, true);
  assert.equal(objective.route, 'owner');
  assert.equal(objective.hint?.kind, 'rollback');
  if (objective.hint?.kind === 'rollback') assert.deepEqual([objective.hint.from, objective.hint.to, objective.hint.evidence.window], ['fraud-v2', 'fraud-v1', '1d']);

  assert.equal(burn(cs, 'fraud-scorer/burn/quality/page').holds, false);
  assert.ok(cs.filter((c) => c.holds).every((c) => c.route === 'owner'), holding(cs).join(', '));
});

test('a slow quality decline fires the ticket rows only, never a page', () => {
  // q 0.89 against 0.90: burn 1.1 everywhere — above the 3d/6h factor 1, far below 14.4 and 6.
  const segments: Segment[] = [{ fromMin: THREE_DAYS, toMin: 0, ...healthy, q: 0.89, verdictsPerMin: 2 }];
  const cs = evaluateAlerts(world(segments, policy), NOW);
  assert.ok(cs.filter((c) => c.holds).every((c) => c.severity === 'ticket'), holding(cs).join(', '));
  const quality = burn(cs, 'fraud-scorer/burn/quality/ticket');
  assert.equal(quality.holds, true);
  assert.deepEqual(firingRows(quality), ['3d/6h']);
  const r = quality.evidence.rows.find((x) => x.fires)!;
  assert.ok(r.longBurn! > 1 && r.longBurn! < 1.2 && r.shortBurn! > 1 && r.shortBurn! < 1.2);
  assert.equal(quality.hint?.kind, 'retrain');
  assert.equal(burn(cs, 'fraud-scorer/burn/quality/page').holds, false);
  // The composite burns too, and since quality causes nearly all of its bad events, it goes to the owner.
  const composite = burn(cs, 'fraud-scorer/burn/composite/ticket');
  assert.equal(composite.holds, true);
  assert.equal(composite.route, 'owner');
  assert.ok(composite.evidence.bad.qualityShare! > 0.9);
  assert.deepEqual(holding(cs), ['fraud-scorer/burn/composite/ticket', 'fraud-scorer/burn/quality/ticket']);
});

test('a quiet low-traffic service fires nothing, however bad its few events', () => {
  const segments: Segment[] = [{ fromMin: THREE_DAYS, toMin: 0, rpm: 0.002, errorShare: 0.5, errorType: 'gpu_oom', q: 0.5 }];
  const insufficient: ObjectiveResult = {
    metric: 'accuracy', name: 'accuracy', target: 0.9, value: 0.5, interval: { lower: 0.1, upper: 0.9 }, n: 4, status: 'insufficient', direction: 'higher_is_better',
  };
  const cs = evaluateAlerts({ ...world(segments, policy), objectives: { windowMs: DAY_MS, overall: [insufficient], cohorts: [] } }, NOW);
  assert.deepEqual(holding(cs), []);
  const errors = burn(cs, 'fraud-scorer/burn/errors/page');
  assert.ok(errors.evidence.rows.every((r) => r.shortEvents < 10));
  assert.ok(errors.evidence.rows.some((r) => r.longBurn !== null && r.longBurn > r.factor), 'it burns, but the guard holds it back');
});

test('quality windows widen to the next policy window with minSamples verdicts, and say so', () => {
  // 0.5 verdicts a minute: 5m holds 2.5, 30m 15, 1h 30 — so 5m and 30m read the 1h window.
  const segments: Segment[] = [{ fromMin: THREE_DAYS, toMin: 0, ...healthy, q: 0.2, verdictsPerMin: 0.5 }];
  const cs = evaluateAlerts(world(segments, policy), NOW);
  const page = burn(cs, 'fraud-scorer/burn/quality/page');
  const [fast, slow] = page.evidence.rows;
  assert.deepEqual(fast?.verdictWindows?.short, { kind: 'ok', requestedMs: 300_000, usedMs: HOUR_MS, used: '1h', widened: true, verdicts: 30, qHat: 0.2 });
  assert.deepEqual(fast?.verdictWindows?.long, { kind: 'ok', requestedMs: HOUR_MS, usedMs: HOUR_MS, used: '1h', widened: false, verdicts: 30, qHat: 0.2 });
  assert.equal(slow?.verdictWindows?.short.kind === 'ok' && slow.verdictWindows.short.used, '1h');
  // burn (1 − 0.2) / 0.1 = 8: above 6, below 14.4.
  assert.deepEqual(firingRows(page), ['6h/30m']);
  assert.ok(page.summary.includes('30m widened to 1h'), page.summary);
});

test('no quality burn when even the longest policy window holds fewer than minSamples verdicts', () => {
  const segments: Segment[] = [{ fromMin: THREE_DAYS, toMin: 0, ...healthy, q: 0, verdictsPerMin: 0.005 }];
  const cs = evaluateAlerts(world(segments, policy), NOW);
  for (const id of ['fraud-scorer/burn/quality/page', 'fraud-scorer/burn/quality/ticket']) {
    const c = burn(cs, id);
    assert.equal(c.holds, false);
    assert.ok(c.evidence.rows.every((r) => r.longBurn === null && r.verdictWindows?.long.kind === 'insufficient'));
  }
});

test('coverage fires when verdicts stop arriving, and only then', () => {
  const stoppedAgo = (min: number): Segment[] => [
    { fromMin: THREE_DAYS, toMin: min, ...healthy, verdictsPerMin: 1 },
    { fromMin: min, toMin: 0, ...healthy, verdictsPerMin: 0 },
  ];
  const coverage = (segments: Segment[]): AlertCondition => byId(evaluateAlerts(world(segments, policy), NOW), 'fraud-scorer/coverage/ticket');

  const c = coverage(stoppedAgo(480));
  assert.equal(c.holds, true);
  assert.equal(c.route, 'owner');
  assert.equal(c.hint?.kind, 'check_verdict_pipeline');
  assert.equal(c.evidence.kind === 'coverage' && c.evidence.verdicts, 0);
  assert.equal(coverage(stoppedAgo(2 * 1440)).holds, true, 'still blind two days later');
  assert.equal(coverage(stoppedAgo(300)).holds, false, 'a verdict arrived within 6h');
  assert.equal(coverage([{ fromMin: THREE_DAYS, toMin: 0, ...healthy, verdictsPerMin: 0 }]).holds, false, 'never had verdicts');
  assert.equal(coverage([
    { fromMin: THREE_DAYS, toMin: 480, ...healthy, verdictsPerMin: 1 },
    { fromMin: 480, toMin: 0, ...healthy, rpm: 0.01, verdictsPerMin: 0 },
  ]).holds, false, 'no traffic to judge');
});

test('quality objectives hold only when violated; per-cohort ones gate the failing cohort; tier 0 pages', () => {
  const base = { metric: 'accuracy', name: 'accuracy', target: 0.9, direction: 'higher_is_better', n: 500 } as const;
  const atRisk: ObjectiveResult = { ...base, value: 0.88, interval: { lower: 0.85, upper: 0.91 }, status: 'at_risk' };
  const violated: ObjectiveResult = { ...base, value: 0.7, interval: { lower: 0.66, upper: 0.74 }, status: 'violated' };
  const segments: Segment[] = [{ fromMin: THREE_DAYS, toMin: 0, ...healthy }];
  const input = {
    ...world(segments, policy, spec({ tier: 0 })),
    cohorts: () => [{
      attr: 'region', value: 'eu', eligible: 1000, flags: ['below-objective', 'worse-than-rest'] as const,
      quality: { status: 'ok' as const, qHat: 0.7, interval: { lower: 0.66, upper: 0.74 }, judged: 500 }, test: { pvalue: 1e-9, adjustedP: 1e-8 },
    }],
    objectives: { windowMs: DAY_MS, overall: [atRisk], cohorts: [{ attr: 'region', value: 'eu', results: [violated] }] },
  };
  const cs = evaluateAlerts(input, NOW);
  const overall = byId(cs, 'fraud-scorer/quality/accuracy/page');
  assert.equal(overall.holds, false);
  const eu = byId(cs, 'fraud-scorer/quality/accuracy/region=eu/page');
  assert.equal(eu.holds, true);
  assert.equal(eu.route, 'owner');
  assert.deepEqual(eu.hint, { kind: 'gate_cohort', attr: 'region', value: 'eu', qHat: 0.7, adjustedP: 1e-8 });
  assert.ok(eu.summary.includes('accuracy for region=eu is violated — 0.7 [0.66, 0.74]'), eu.summary);
  assert.equal(eu.evidence.kind === 'quality' && eu.evidence.breakdowns?.worstCohorts[0]?.value, 'eu');
});

test('the same input and time give the same conditions', () => {
  const segments: Segment[] = [
    { fromMin: THREE_DAYS, toMin: 10, ...healthy },
    { fromMin: 10, toMin: 0, ...healthy, errorShare: 0.3, errorType: 'gpu_oom' },
  ];
  assert.deepEqual(evaluateAlerts(world(segments, policy), NOW), evaluateAlerts(world(segments, policy), NOW));
});
