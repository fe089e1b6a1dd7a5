import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addQuality, createQualityAcc, verdictQuality, type QualityAcc } from '../../../src/core/rollup.ts';
import { estimateQuality } from '../../../src/core/quality-estimate.ts';
import { bhAdjust } from '../../../src/core/stats/benjamini-hochberg.ts';
import { twoProportionZTest } from '../../../src/core/stats/two-proportion.ts';
import { compareGroups, type GroupAcc, type GroupComparison } from '../../../src/core/quality-metrics/cohort-significance.ts';

/** `judged` verdicts of which `good` are good, all with weight `w`. */
function acc(judged: number, good: number, w = 1): QualityAcc {
  const a = createQualityAcc();
  for (let i = 0; i < judged; i++) addQuality(a, verdictQuality(i < good, w));
  return a;
}

function sum(...xs: QualityAcc[]): QualityAcc {
  const a = createQualityAcc();
  for (const x of xs) addQuality(a, x);
  return a;
}

const group = (key: string, a: QualityAcc): GroupAcc => ({ key, ...a });

/** The row, asserted tested-for-estimate (status ok). */
function ok(r: GroupComparison | undefined): Extract<GroupComparison, { status: 'ok' }> {
  assert.ok(r !== undefined && r.status === 'ok', `expected an estimate, got ${JSON.stringify(r)}`);
  return r;
}
const OPTS = { minSamples: 30, objective: 0.85 };

test('a cohort 10 points worse than the rest on 500 judged requests is flagged worse-than-rest', () => {
  const rest = acc(5000, 4500); // 0.90
  const cohort = acc(500, 400); // 0.80
  const r = ok(compareGroups([group('region=apac', cohort)], sum(rest, cohort), OPTS)[0]);
  assert.equal(r.qHat, 0.8);
  assert.equal(r.test!.restRate, 0.9);
  assert.deepEqual(r.test!.z, twoProportionZTest(400, 500, 4500, 5000).z);
  assert.ok(r.test!.pvalue < 1e-6);
  assert.ok(r.flags.includes('worse-than-rest'));
  assert.ok(r.flags.includes('below-objective')); // upper ≈ 0.834 < 0.85
});

test('the same 10 points on 20 judged requests is not flagged (insufficient at minSamples 30, not significant at 10)', () => {
  const rest = acc(5000, 4500);
  const cohort = acc(20, 16);
  const whole = sum(rest, cohort);
  const [r] = compareGroups([group('region=tiny', cohort)], whole, OPTS);
  assert.deepEqual(r, { key: 'region=tiny', status: 'insufficient', judged: 20 });
  const t = ok(compareGroups([group('region=tiny', cohort)], whole, { ...OPTS, minSamples: 10 })[0]);
  assert.ok(t.test!.pvalue > 0.05);
  assert.equal(t.test!.significant, false);
  assert.deepEqual(t.flags, []); // Wilson upper ≈ 0.92 > 0.85 too
});

test('an over-sampled cohort does not bias q̂ once weights apply', () => {
  // Population: A = 10 000 requests at 0.95, B = 1 000 at 0.50 → true q = 10 000 / 11 000.
  // A is judged at samplingProb 0.01 (100 judged, w = 100), B is over-sampled at 0.5 (500 judged, w = 2).
  const a = acc(100, 95, 100);
  const b = acc(500, 250, 2);
  const whole = sum(a, b);
  const naive = (95 + 250) / 600;
  const est = estimateQuality(whole, 30);
  if (est.status !== 'ok') throw new Error('ok');
  assert.ok(Math.abs(est.qHat - 10_000 / 11_000) < 1e-12, `q̂ ${est.qHat}`);
  assert.ok(Math.abs(naive - 10_000 / 11_000) > 0.3);
  const rows = compareGroups([group('stratum=A', a), group('stratum=B', b)], whole, { minSamples: 30, objective: 0.9 });
  const ra = ok(rows[0]);
  const rb = ok(rows[1]);
  assert.equal(ra.qHat, 0.95);
  assert.equal(rb.qHat, 0.5);
  // The rest of B is A, weighted: its q̂ is A's own.
  assert.ok(Math.abs(rb.restQHat! - 0.95) < 1e-12);
  assert.ok(rb.flags.includes('worse-than-rest'));
  assert.ok(rb.flags.includes('below-objective'));
  assert.ok(!ra.flags.includes('worse-than-rest')); // better than the rest: significant but not worse
  assert.equal(ra.test!.significant, true);
});

test('BH: one family across every tested group; untested groups do not enlarge it', () => {
  const whole0 = acc(20_000, 18_000);
  // One group with p ≈ 0.01 alone, among 19 groups with no difference.
  const odd = acc(400, 345); // 0.8625 vs ~0.90
  const groups: GroupAcc[] = [group('odd', odd)];
  for (let i = 0; i < 19; i++) groups.push(group(`g${i}`, acc(400, 360)));
  groups.push(group('small', acc(10, 2)));
  const whole = sum(whole0, ...groups);
  const alone = ok(compareGroups([group('odd', odd)], whole, OPTS)[0]);
  assert.ok(alone.test!.pvalue < 0.05 && alone.test!.pvalue > 0.0025, `p ${alone.test!.pvalue}`);
  assert.equal(alone.test!.adjustedP, alone.test!.pvalue); // family of one
  assert.ok(alone.flags.includes('worse-than-rest'));

  const all = compareGroups(groups, whole, OPTS);
  const tested = all.filter((r) => r.status === 'ok');
  assert.equal(tested.length, 20);
  assert.equal(all.find((r) => r.key === 'small')!.status, 'insufficient');
  const ps = tested.map((r) => r.status === 'ok' ? r.test!.pvalue : NaN);
  const adj = bhAdjust(ps);
  tested.forEach((r, i) => { if (r.status === 'ok') assert.equal(r.test!.adjustedP, adj[i]); });
  const oddRow = ok(all.find((r) => r.key === 'odd'));
  assert.ok(oddRow.test!.adjustedP > 0.05);
  assert.ok(!oddRow.flags.includes('worse-than-rest'), 'not significant among 20 tests');
});

test('a group that is all the judged traffic gets an estimate but no test', () => {
  const a = acc(100, 90);
  const r = ok(compareGroups([group('model=v1', a)], a, OPTS)[0]);
  assert.equal(r.test, undefined);
  assert.deepEqual(r.flags, []);
});

test('model versions: a bad rollout is flagged against the other versions', () => {
  const v1 = acc(3000, 2760); // 0.92
  const v2 = acc(300, 240); // 0.80
  const rows = compareGroups([group('v1', v1), group('v2', v2)], sum(v1, v2), { minSamples: 30, objective: 0.9 });
  const r2 = ok(rows[1]);
  assert.deepEqual(r2.flags, ['below-objective', 'worse-than-rest']);
});
