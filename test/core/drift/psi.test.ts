import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  binIndex, psiBand, psiCategorical, psiCategoricalValues, psiEdges, psiFromCounts, psiNumeric,
  type PsiResult,
} from '../../../src/core/drift/psi.ts';
import { assertClose, loadReference } from '../../helpers/reference.ts';

type Input =
  | { reference: number[]; current: number[] }
  | { categories: string[]; reference_counts: number[]; current_counts: number[] };
interface Expected {
  edges?: number[];
  reference_counts?: number[];
  current_counts?: number[];
  reference_shares: number[];
  current_shares: number[];
  reference_shares_adjusted: number[];
  current_shares_adjusted: number[];
  contributions: number[];
  psi: number;
  band: 'none' | 'moderate' | 'major';
}

const ref = loadReference<Input, Expected>('psi');
const REL = 1e-9;
const ABS = 1e-12;

function closeArray(got: readonly number[], want: readonly number[], what: string): void {
  assert.equal(got.length, want.length, `${what} length`);
  want.forEach((w, i) => assertClose(got[i]!, w, REL, ABS, `${what}[${i}]`));
}

function checkCommon(name: string, got: PsiResult, e: Expected): void {
  closeArray(got.referenceShares, e.reference_shares, `${name} reference_shares`);
  closeArray(got.currentShares, e.current_shares, `${name} current_shares`);
  closeArray(got.referenceAdjusted, e.reference_shares_adjusted, `${name} reference_shares_adjusted`);
  closeArray(got.currentAdjusted, e.current_shares_adjusted, `${name} current_shares_adjusted`);
  closeArray(got.contributions, e.contributions, `${name} contributions`);
  // Contributions that are exactly 0 in the reference (equal adjusted shares) are exactly 0 here.
  e.contributions.forEach((w, i) => { if (w === 0) assert.equal(got.contributions[i], 0, `${name} contribution ${i}`); });
  assertClose(got.psi, e.psi, REL, ABS, `${name} psi`);
  assert.equal(got.band, e.band, `${name} band`);
}

test('psi.json: 21 cases, 14 numeric and 7 categorical', () => {
  assert.equal(ref.cases.length, 21);
  assert.equal(ref.cases.filter((c) => 'reference' in c.input).length, 14);
  assert.equal(ref.cases.filter((c) => 'categories' in c.input).length, 7);
});

for (const c of ref.cases) {
  test(`psi.json ${c.name}`, () => {
    const e = c.expected;
    if ('reference' in c.input) {
      const { reference, current } = c.input;
      const edges = psiEdges(reference);
      assert.equal(edges.length, 9);
      edges.forEach((x, i) => assert.ok(Object.is(x, e.edges![i]), `${c.name} edge ${i}: expected ${e.edges![i]}, got ${x}`));
      const got = psiNumeric(reference, current);
      assert.deepEqual(got.edges, e.edges);
      assert.deepEqual(got.referenceCounts, e.reference_counts, `${c.name} reference_counts`);
      assert.deepEqual(got.currentCounts, e.current_counts, `${c.name} current_counts`);
      checkCommon(c.name, got, e);
    } else {
      const { categories, reference_counts, current_counts } = c.input;
      const got = psiCategorical(categories, reference_counts, current_counts);
      assert.deepEqual(got.categories, categories);
      checkCommon(c.name, got, e);
      // Same result from raw values.
      const expand = (counts: number[]) => counts.flatMap((k, i) => new Array<string>(k).fill(categories[i]!));
      const fromValues = psiCategoricalValues(expand(reference_counts), expand(current_counts), categories);
      assert.deepEqual(fromValues.referenceCounts, reference_counts);
      assert.deepEqual(fromValues.currentCounts, current_counts);
      assert.equal(fromValues.psi, got.psi);
    }
  });
}

test('binIndex: searchsorted side=right (left-closed bins, rightmost of equal edges)', () => {
  const edges = [1, 2, 2, 2, 3];
  assert.equal(binIndex(edges, 0.5), 0);
  assert.equal(binIndex(edges, 1), 1);
  assert.equal(binIndex(edges, 1.5), 1);
  assert.equal(binIndex(edges, 2), 4);
  assert.equal(binIndex(edges, 3), 5);
  assert.equal(binIndex(edges, -Infinity), 0);
  assert.equal(binIndex(edges, Infinity), 5);
});

test('psi bands at the exact boundaries', () => {
  assert.equal(psiBand(0.09999999999999999), 'none');
  assert.equal(psiBand(0.1), 'moderate');
  assert.equal(psiBand(0.25), 'major');
});

test('psiFromCounts rejects malformed counts', () => {
  assert.throws(() => psiFromCounts([1, 2], [1]), RangeError);
  assert.throws(() => psiFromCounts([0, 0], [1, 1]), RangeError);
  assert.throws(() => psiFromCounts([1, -1], [1, 1]), RangeError);
  assert.throws(() => psiFromCounts([1.5, 1], [1, 1]), RangeError);
  assert.throws(() => psiNumeric([], [1]), RangeError);
  assert.throws(() => psiNumeric([1], []), RangeError);
});
