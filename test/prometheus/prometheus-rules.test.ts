/**
 * The rules document itself (src/core/prometheus-rules.ts), without promtool: its shape per service, the
 * policy each spec gets, and a stable order. What the rules compute is checked by promtool-unit.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { prometheusRules, type AlertingRule } from '../../src/core/prometheus-rules.ts';
import type { ServiceSpec } from '../../src/core/spec.ts';
import { loadBurnPolicies, policyForSpec } from '../../src/spec/burn-policy-file.ts';
import { loadSpecFiles } from '../../src/spec/load-spec.ts';

const FIXTURES = fileURLToPath(new URL('fixtures/', import.meta.url));
const policies = await loadBurnPolicies();
const { specs } = await loadSpecFiles([FIXTURES]);
const policyOf = (s: ServiceSpec) => policyForSpec(policies, s);
const spec = (name: string) => specs.find((s) => s.name === name)!;
const alerts = (name: string): AlertingRule[] =>
  prometheusRules([spec(name)], policyOf).groups[1]!.rules as AlertingRule[];

test('two groups per service, in service-name order whatever order the specs come in', () => {
  const names = (ss: typeof specs) => prometheusRules(ss, policyOf).groups.map((g) => g.name);
  const expected = ['batch-scorer', 'checkout-scorer', 'draft-assistant', 'exact-values', 'quality-ranker', 'recs-ranker']
    .flatMap((s) => [`mlslo-${s}-recordings`, `mlslo-${s}-alerts`]);
  assert.deepEqual(names(specs), expected);
  assert.deepEqual(names([...specs].reverse()), expected);
  assert.deepEqual(prometheusRules([...specs].reverse(), policyOf), prometheusRules(specs, policyOf));
});

test('tier 1: errors, latency, quality once per severity, the composite once per severity and route', () => {
  const got = alerts('checkout-scorer').map((a) => `${a.labels.sli}/${a.labels.severity}/${a.labels.route}/${a.labels.team}`);
  assert.deepEqual(got, [
    'errors/page/oncall/sre-checkout', 'errors/ticket/oncall/sre-checkout',
    'latency/page/oncall/sre-checkout', 'latency/ticket/oncall/sre-checkout',
    'quality/page/owner/checkout-ml', 'quality/ticket/owner/checkout-ml',
    'composite/page/owner/checkout-ml', 'composite/page/oncall/sre-checkout',
    'composite/ticket/owner/checkout-ml', 'composite/ticket/oncall/sre-checkout',
  ]);
});

test('tier 2: tickets only, each the OR of all four rows of its 28d policy', () => {
  const got = alerts('draft-assistant');
  assert.deepEqual(got.map((a) => a.labels.severity), ['ticket', 'ticket', 'ticket', 'ticket', 'ticket']);
  const errors = got[0]!;
  assert.equal(errors.labels.mlslo_alert_id, 'draft-assistant/burn/errors/ticket');
  // 28d factors (DESIGN §2.2): 13.44, 5.6, 2.8 and 0.1 × 28d ÷ 3d.
  for (const f of ['13.44', '5.6', '2.8', '0.933333333333']) assert.match(errors.expr, new RegExp(`> ${f.replace('.', '\\.')}\\n`));
  assert.equal(errors.expr.split('\nor\n').length, 4);
});

test('burn alerts fire at once: no `for`, as the engine fires them', () => {
  for (const s of specs) for (const a of alerts(s.name)) assert.equal('for' in a, false);
});
