/**
 * testdata burn.json through the alert evaluation path: at each of the 288 marks, the policy rows whose
 * condition holds (errors dimension, counts from the minute series) are exactly the reference's
 * `fires_with_min_events_guard`, the burn rates are the reference's bit for bit, and each severity's
 * alert holds exactly when one of its rows fires.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BurnCondition } from '../../../src/core/alerting/alert.ts';
import { evaluateAlerts } from '../../../src/core/alerting/evaluate.ts';
import { createQualityAcc } from '../../../src/core/rollup.ts';
import { MINUTE_MS } from '../../../src/core/spec.ts';
import { loadBurnPolicies } from '../../../src/spec/burn-policy-file.ts';
import { NOW, spec } from './world.ts';
import { burnReference, windowSums } from '../../helpers/burn-reference.ts';


const ref = burnReference;
const policy = (await loadBurnPolicies()).get(30)!;


for (const c of ref.cases) {
  test(`burn.json ${c.name}: firing rows and burn rates through evaluateAlerts at all 288 marks`, () => {
    assert.equal(c.expected.t.length, 288);
    const rowName = (longMs: number, shortMs: number): string =>
      c.input.policy.find((r) => r.long_minutes * MINUTE_MS === longMs && r.short_minutes * MINUTE_MS === shortMs)!.name;
    const windowName = (ms: number): string => Object.entries(c.input.windows_minutes).find(([, m]) => m * MINUTE_MS === ms)![0];
    let marksFiring = 0;
    c.expected.t.forEach((t, i) => {
      const now = NOW + t * MINUTE_MS;
      const conditions = evaluateAlerts({
        spec: spec({ minEvents: c.input.min_events, objectives: { errors: c.input.objective, latency: 0.99, quality: 0.9, composite: 0.8901 } }),
        policy,
        counts: (d, w) => (d === 'errors' ? windowSums(c.input.series, t, w / MINUTE_MS) : { good: 0, total: 0 }),
        verdictWindow: () => createQualityAcc(),
      }, now);
      const burn = conditions.filter((x): x is BurnCondition => x.kind === 'burn');
      const errors = burn.filter((x) => x.key.dimension === 'errors');
      assert.deepEqual(errors.map((x) => x.id), ['fraud-scorer/burn/errors/page', 'fraud-scorer/burn/errors/ticket']);
      const firing = new Set<string>();
      for (const x of errors) {
        assert.equal(x.holds, x.evidence.rows.some((r) => r.fires), `${x.id} holds iff a row fires @${t}`);
        assert.equal(x.route, 'oncall');
        for (const r of x.evidence.rows) {
          if (r.fires) firing.add(rowName(r.longMs, r.shortMs));
          assert.equal(r.longBurn, c.expected.burn[windowName(r.longMs)]![i], `long burn @${t}`);
          assert.equal(r.shortBurn, c.expected.burn[windowName(r.shortMs)]![i], `short burn @${t}`);
        }
      }
      const expected = new Set(c.input.policy.map((r) => r.name).filter((n) => c.expected.fires_with_min_events_guard[n]![i]));
      assert.deepEqual(firing, expected, `firing rows @${t}`);
      if (firing.size > 0) marksFiring++;
      assert.ok(burn.filter((x) => x.key.dimension !== 'errors').every((x) => !x.holds), `only errors burns @${t}`);
      assert.ok(conditions.every((x) => x.kind === 'burn' ? true : !x.holds), `nothing else holds @${t}`);
    });
    if (c.name === 'three_days_with_incidents') assert.ok(marksFiring > 0);
  });
}
