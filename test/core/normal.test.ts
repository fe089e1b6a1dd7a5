import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalCdf, normalIsf, normalPpf, normalSf } from '../../src/core/stats/normal.ts';
import { assertClose } from '../helpers/reference.ts';

// Tail probabilities P(X > x) from mpmath.ncdf(-x) at 40 digits, rounded to double.
const SF: ReadonlyArray<[number, number]> = [
  [0.5, 0.3085375387259869],
  [1, 0.15865525393145705],
  [3, 0.0013498980316300946],
  [5, 2.866515718791939e-7],
  [8, 6.220960574271784e-16],
  [10, 7.619853024160525e-24],
  [20, 2.7536241186062337e-89],
  [30, 4.906713927148187e-198],
  [37, 5.725571222524577e-300],
];

test('sf matches mpmath to 1e-14 relative, deep into the tail', () => {
  for (const [x, want] of SF) {
    assertClose(normalSf(x), want, 1e-14, 0, `sf(${x})`);
    assertClose(normalCdf(-x), want, 1e-14, 0, `cdf(${-x})`);
  }
});

test('cdf + sf = 1 and symmetry', () => {
  for (const x of [-6, -2.5, -0.6, -0.1, 0, 0.3, 0.67448975, 0.7, 1.5, 4, 5.6, 5.7]) {
    assertClose(normalCdf(x) + normalSf(x), 1, 1e-15, 0, `cdf+sf at ${x}`);
    assert.equal(normalCdf(x), normalSf(-x));
  }
  assert.equal(normalCdf(0), 0.5);
  assert.equal(normalSf(0), 0.5);
  assert.equal(normalSf(40), 0);
  assert.equal(normalCdf(40), 1);
  assert.ok(Number.isNaN(normalCdf(NaN)));
});

test('ppf(0.975) is scipy.stats.norm.ppf(0.975) = 1.959963984540054 within 1e-15', () => {
  assertClose(normalPpf(0.975), 1.959963984540054, 0, 1e-15, 'ppf(0.975)');
  assertClose(normalPpf(0.025), -1.959963984540054, 0, 1e-15, 'ppf(0.025)');
});

// Quantiles from mpmath (erfinv / findroot at 50 digits), rounded to double.
const PPF: ReadonlyArray<[number, number]> = [
  [0.5, 0],
  [0.9, 1.2815515655446006],
  [0.001, -3.0902323061678136],
  [1e-10, -6.361340902404056],
  [1e-300, -37.0470962993612],
  [0.999999, 4.753424308817087],
  [0.3, -0.5244005127080408],
];

test('ppf matches mpmath to 1e-15 relative and inverts cdf', () => {
  for (const [p, want] of PPF) assertClose(normalPpf(p), want, 1e-15, 0, `ppf(${p})`);
  // The round trip is conditioned by x²: a 1-ulp error in x = ppf(1e-200) ≈ −30.2 moves cdf by ~1e-13.
  for (const p of [1e-200, 1e-20, 0.01, 0.2, 0.45, 0.55, 0.8, 0.99]) {
    const x = normalPpf(p);
    assertClose(normalCdf(x), p, 4e-16 * Math.max(1, x * x), 0, `cdf(ppf(${p}))`);
  }
  assertClose(normalIsf(1e-20), 9.262340089798407, 1e-15, 0, 'isf(1e-20)');
  assert.equal(normalPpf(0), -Infinity);
  assert.equal(normalPpf(1), Infinity);
  assert.ok(Number.isNaN(normalPpf(1.5)));
  assert.ok(Number.isNaN(normalPpf(-0.1)));
});
