import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { burnFactor, derivePolicy, type BurnPolicy } from '../../src/core/burn-policy.ts';
import { burnRate, evaluateBurn, policyWindows } from '../../src/core/burn-rate.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/core/spec.ts';
import { loadBurnPolicies, parseBurnPolicy, policyForPeriod } from '../../src/spec/burn-policy-file.ts';
import { assertClose } from '../helpers/reference.ts';
import { burnReference, windowSums } from '../helpers/burn-reference.ts';


const ref = burnReference;
const policies = await loadBurnPolicies();


test('the 30d policy file is the reference policy', () => {
  const p = policies.get(30)!;
  for (const c of ref.cases) {
    assert.deepEqual(
      p.rows.map((r) => [r.severity, r.longMs, r.shortMs, r.factor]),
      c.input.policy.map((r) => [r.severity, r.long_minutes * MINUTE_MS, r.short_minutes * MINUTE_MS, r.factor]),
    );
  }
});

for (const c of ref.cases) {
  test(`burn.json ${c.name}: window sums and burn rates exact at all ${c.expected.t.length} marks`, () => {
    assert.equal(c.expected.t.length, 288);
    c.expected.t.forEach((t, i) => {
      for (const [name, w] of Object.entries(c.input.windows_minutes)) {
        const s = windowSums(c.input.series, t, w);
        assert.equal(s.good, c.expected.good[name]![i], `good ${name} @${t}`);
        assert.equal(s.total, c.expected.total[name]![i], `total ${name} @${t}`);
        assert.equal(burnRate(s.good, s.total, c.input.objective) ?? null, c.expected.burn[name]![i], `burn ${name} @${t}`);
      }
    });
  });

  test(`burn.json ${c.name}: fires per row, with and without the low-traffic guard`, () => {
    const policy = policies.get(30)!;
    const names = c.input.policy.map((r) => r.name);
    let firing = 0;
    c.expected.t.forEach((t, i) => {
      const counts = (ms: number): { good: number; total: number } => windowSums(c.input.series, t, ms / MINUTE_MS);
      const guarded = evaluateBurn(policy, c.input.objective, counts, c.input.min_events);
      const unguarded = evaluateBurn(policy, c.input.objective, counts, 0);
      names.forEach((name, r) => {
        assert.equal(unguarded[r]!.fires, c.expected.fires[name]![i], `fires ${name} @${t}`);
        assert.equal(guarded[r]!.fires, c.expected.fires_with_min_events_guard[name]![i], `guarded ${name} @${t}`);
        if (guarded[r]!.fires) firing++;
      });
    });
    if (c.name === 'three_days_with_incidents') assert.ok(firing > 0, 'the incidents series pages');
  });
}

test('burn rate: no events, no burn rate; formula order as the reference', () => {
  assert.equal(burnRate(0, 0, 0.999), undefined);
  assert.equal(burnRate(99, 100, 0.99), (1 - 99 / 100) / (1 - 0.99));
});

test('evaluateBurn: a window with no events never fires', () => {
  const p = policies.get(30)!;
  const rows = evaluateBurn(p, 0.999, () => ({ good: 0, total: 0 }), 0);
  assert.ok(rows.every((r) => !r.fires && r.longBurn === undefined && r.shortBurn === undefined));
});

test('28d policy factors are the DESIGN numbers 13.44, 5.6, 2.8 and 0.9333… (the DESIGN rounds it to 0.93)', () => {
  const file = policies.get(28)!;
  assert.deepEqual(file.rows.map((r) => r.factor), [13.44, 5.6, 2.8, 0.933333333333]);
  const derived = derivePolicy(policies.get(30)!, 28);
  assert.deepEqual(derived.rows.map((r) => r.factor), [13.44, 5.6, 2.8, 0.933333333333]);
  assertClose(derived.rows[3]!.factor, 28 / 30, 1e-11, 0, '3d factor');
  assert.equal(Math.round(derived.rows[3]!.factor * 100) / 100, 0.93);
});

test('7d and 90d files use the same budget shares; 30d factors are the Workbook table', () => {
  assert.deepEqual(policies.get(30)!.rows.map((r) => r.factor), [14.4, 6, 3, 1]);
  assert.deepEqual(policies.get(7)!.rows.map((r) => r.factor), [3.36, 1.4, 0.7, 0.233333333333]);
  assert.deepEqual(policies.get(90)!.rows.map((r) => r.factor), [43.2, 18, 9, 3]);
  for (const d of [7, 28, 90]) {
    assert.deepEqual(policies.get(d)!.rows.map((r) => r.budgetSpent), [0.02, 0.05, 0.1, 0.1]);
    assert.deepEqual(derivePolicy(policies.get(30)!, d).rows.map((r) => r.factor), policies.get(d)!.rows.map((r) => r.factor));
  }
  assert.equal(burnFactor(0.02, 30, HOUR_MS), 14.4);
});

test('policyForPeriod: the exact file, else derived from 30d', () => {
  assert.equal(policyForPeriod(policies, 28), policies.get(28));
  const p14 = policyForPeriod(policies, 14);
  assert.equal(p14.periodDays, 14);
  assert.deepEqual(p14.rows.map((r) => r.factor), [6.72, 2.8, 1.4, 0.466666666667]);
  assert.throws(() => policyForPeriod(new Map<number, BurnPolicy>(), 14), /no burn policy/);
});

test('policyWindows: sorted unique window lengths', () => {
  assert.deepEqual(policyWindows(policies.get(30)!), [
    5 * MINUTE_MS, 30 * MINUTE_MS, HOUR_MS, 2 * HOUR_MS, 6 * HOUR_MS, DAY_MS, 3 * DAY_MS,
  ]);
});

test('policy files are validated strictly, every problem with its position', () => {
  const bad = [
    'apiVersion: mlslo/v2',
    'kind: BurnPolicy',
    'source: x',
    'periodDays: 30',
    'extra: 1',
    'rows:',
    '  - {severity: pager, longWindow: 1h, shortWindow: 5m, budgetSpent: 0.02, factor: 14.4}',
    '  - {severity: page, longWindow: 6h, shortWindow: 6h, budgetSpent: 0.05, factor: 6}',
    '  - {severity: ticket, longWindow: 1d, shortWindow: 2h, budgetSpent: 0.1, factor: 3.5}',
    '  - {severity: ticket, longWindow: 3 days, shortWindow: 6h, budgetSpent: 0.1, factor: 1, foo: 2}',
  ].join('\n');
  const r = parseBurnPolicy('burn-30d.yaml', bad);
  assert.ok('problems' in r);
  const got = r.problems.map((p) => `${p.line}:${p.pointer}`);
  assert.deepEqual(got, ['1:/apiVersion', '5:/extra', '7:/rows/0/severity', '8:/rows/1/shortWindow', '9:/rows/2/factor', '10:/rows/3/longWindow', '10:/rows/3/foo']);
  const wrongName = parseBurnPolicy('burn-28d.yaml', 'apiVersion: mlslo/v1\nkind: BurnPolicy\nsource: x\nperiodDays: 30\nrows: []\n');
  assert.ok('problems' in wrongName);
  assert.deepEqual(wrongName.problems.map((p) => p.pointer), ['/periodDays', '/rows']);
});

test('loadBurnPolicies throws MLSLO_ERR_CONFIG_INVALID on a bad file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlslo-policy-'));
  try {
    await writeFile(join(dir, 'burn-30d.yaml'), 'apiVersion: mlslo/v1\nkind: BurnPolicy\n');
    await assert.rejects(loadBurnPolicies(dir), (e: unknown) => (e as { code?: string }).code === 'MLSLO_ERR_CONFIG_INVALID');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
