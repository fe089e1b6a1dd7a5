/**
 * Pooled two-sided two-proportion z-test (testdata/README.md, proportions.json):
 * p = (k1 + k2)/(n1 + n2), se = sqrt(p(1 − p)(1/n1 + 1/n2)), z = (p1 − p2)/se, p-value = 2·sf(|z|).
 * When se = 0 (both groups all good or all bad) there is no evidence of a difference: z = 0, p = 1,
 * flagged `degenerate`.
 */
import { normalSf } from './normal.ts';

export interface TwoProportionTest {
  readonly p1: number;
  readonly p2: number;
  readonly pPooled: number;
  readonly se: number;
  readonly z: number;
  readonly pvalue: number;
  readonly degenerate: boolean;
}

export function twoProportionZTest(k1: number, n1: number, k2: number, n2: number): TwoProportionTest {
  if (!(n1 > 0 && n2 > 0)) throw new RangeError('twoProportionZTest: both groups need n > 0');
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const pPooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pPooled * (1 - pPooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { p1, p2, pPooled, se: 0, z: 0, pvalue: 1, degenerate: true };
  const z = (p1 - p2) / se;
  return { p1, p2, pPooled, se, z, pvalue: Math.min(1, 2 * normalSf(Math.abs(z))), degenerate: false };
}
