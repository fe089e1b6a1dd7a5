import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benjaminiHochberg, bhAdjust } from '../../src/core/stats/benjamini-hochberg.ts';
import { twoProportionZTest } from '../../src/core/stats/two-proportion.ts';
import { wilson } from '../../src/core/stats/wilson.ts';
import { assertClose, loadReference } from '../helpers/reference.ts';

type Input =
  | { kind: 'wilson'; k: number; n: number; confidence: number }
  | { kind: 'two_proportion_ztest'; k1: number; n1: number; k2: number; n2: number }
  | { kind: 'benjamini_hochberg'; pvalues: number[]; q: number };
type Expected = Record<string, unknown>;

const ref = loadReference<Input, Expected>('proportions');
const cases = <K extends Input['kind']>(kind: K) =>
  ref.cases.filter((c): c is typeof c & { input: Extract<Input, { kind: K }> } => c.input.kind === kind);

test('reference file holds all three kinds', () => {
  assert.equal(ref.cases.length, 36);
  assert.ok(cases('wilson').length > 0 && cases('two_proportion_ztest').length > 0 && cases('benjamini_hochberg').length > 0);
});

test('wilson: every proportions.json case (rel 1e-9), exact 0 at k = 0 and 1 at k = n', () => {
  for (const c of cases('wilson')) {
    const { k, n, confidence } = c.input;
    const e = c.expected as { lower: number; upper: number };
    const got = wilson(k, n, confidence);
    assert.ok(got !== undefined, c.name);
    assertClose(got.lower, e.lower, 1e-9, 1e-15, `${c.name} lower`);
    assertClose(got.upper, e.upper, 1e-9, 1e-15, `${c.name} upper`);
    if (k === 0) assert.equal(got.lower, 0, c.name);
    if (k === n) assert.equal(got.upper, 1, c.name);
  }
});

test('wilson: n = 0 has no interval; default confidence is 95%', () => {
  assert.equal(wilson(0, 0), undefined);
  const c = cases('wilson').find((x) => x.input.k === 81 && x.input.n === 263)!;
  const e = c.expected as { lower: number; upper: number };
  assertClose(wilson(81, 263)!.lower, e.lower, 1e-9, 0, 'default confidence');
  assert.throws(() => wilson(3, 2), RangeError);
});

test('two-proportion z-test: every proportions.json case (p-values rel 1e-9)', () => {
  for (const c of cases('two_proportion_ztest')) {
    const { k1, n1, k2, n2 } = c.input;
    const e = c.expected as { p1: number; p2: number; p_pooled: number; se: number; z: number; pvalue: number; degenerate: boolean };
    const got = twoProportionZTest(k1, n1, k2, n2);
    assertClose(got.p1, e.p1, 1e-12, 0, `${c.name} p1`);
    assertClose(got.p2, e.p2, 1e-12, 0, `${c.name} p2`);
    assertClose(got.pPooled, e.p_pooled, 1e-12, 0, `${c.name} pooled`);
    assertClose(got.se, e.se, 1e-12, 0, `${c.name} se`);
    assertClose(got.z, e.z, 1e-11, 1e-15, `${c.name} z`);
    // z carries ~1e-16 relative error and d ln p / d z ≈ z (25 at most here), so 1e-9 is generous.
    assertClose(got.pvalue, e.pvalue, 1e-9, 0, `${c.name} pvalue`);
    assert.equal(got.degenerate, e.degenerate, c.name);
  }
});

test('Benjamini–Hochberg: every proportions.json case (rel 1e-12), rejections exact', () => {
  for (const c of cases('benjamini_hochberg')) {
    const e = c.expected as { adjusted: number[]; rejected_q_0_05: boolean[] };
    const got = benjaminiHochberg(c.input.pvalues, c.input.q);
    assert.equal(got.adjusted.length, e.adjusted.length, c.name);
    got.adjusted.forEach((a, i) => assertClose(a, e.adjusted[i]!, 1e-12, 0, `${c.name}[${i}]`));
    assert.deepEqual(got.rejected, e.rejected_q_0_05, c.name);
    assert.deepEqual(bhAdjust(c.input.pvalues), got.adjusted);
  }
});

test('Benjamini–Hochberg boundary case is exact in binary64 (0.04·5/4 = 0.05 is rejected)', () => {
  const c = cases('benjamini_hochberg').find((x) => x.name === 'bh_boundary_equal_to_q')!;
  const e = c.expected as { adjusted: number[] };
  assert.deepEqual(bhAdjust(c.input.pvalues), e.adjusted);
});
