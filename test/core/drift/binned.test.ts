/**
 * Binned statistics (exact baseline vs production histogram) against the raw-array implementations,
 * which match scipy on the reference vectors (ks.test.ts, wasserstein.test.ts, psi.test.ts, chi2.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  categoricalTable, ksBinned, newCategories, numericTable, psiBinned, psiTable, wassersteinBinned,
} from '../../../src/core/drift/binned.ts';
import { addValue, emptyHistogram, type CategoricalHistogram, type NumericHistogram } from '../../../src/core/drift/histogram.ts';
import { featureLayout, type CategoricalLayout, type NumericLayout } from '../../../src/core/drift/layout.ts';
import { prepareFeature, type PreparedCategorical, type PreparedNumeric } from '../../../src/core/drift/prepared-baseline.ts';
import { ks2samp } from '../../../src/core/drift/ks.ts';
import { normedWasserstein, wassersteinDistance } from '../../../src/core/drift/wasserstein.ts';
import { psiCategoricalValues, psiNumeric } from '../../../src/core/drift/psi.ts';
import { chi2Contingency } from '../../../src/core/drift/chi2.ts';
import { jensenShannonDistance } from '../../../src/core/drift/jensen-shannon.ts';
import { binaryZTest } from '../../../src/core/drift/z-test.ts';
import { assertClose } from '../../helpers/reference.ts';
import { mulberry32 as rng } from '../../../src/demo/random.ts';

export interface NumericCase { layout: NumericLayout; baseline: PreparedNumeric; current: NumericHistogram }
export interface CategoricalCase { layout: CategoricalLayout; baseline: PreparedCategorical; current: CategoricalHistogram }

function numericCase(baseline: readonly unknown[], current: readonly unknown[]): NumericCase {
  const layout = featureLayout('numeric', baseline) as NumericLayout;
  const h = emptyHistogram(layout) as NumericHistogram;
  for (const v of current) addValue(h, layout, v);
  return { layout, baseline: prepareFeature(layout, baseline) as PreparedNumeric, current: h };
}

function categoricalCase(baseline: readonly unknown[], current: readonly unknown[]): CategoricalCase {
  const layout = featureLayout('categorical', baseline) as CategoricalLayout;
  const h = emptyHistogram(layout) as CategoricalHistogram;
  for (const v of current) addValue(h, layout, v);
  return { layout, baseline: prepareFeature(layout, baseline) as PreparedCategorical, current: h };
}


const quarter = fc.integer({ min: -40, max: 40 }).map((k) => k / 4);
const smallDouble = fc.double({ min: -100, max: 100, noNaN: true });
/** Baseline, and production = some baseline values + fresh ones (between, on and beyond the baseline's). */
const samples = fc.record({
  baseline: fc.array(fc.oneof(quarter, smallDouble), { minLength: 1, maxLength: 60 }),
  picks: fc.array(fc.nat(), { maxLength: 50 }),
  fresh: fc.array(fc.oneof(quarter, quarter.map((x) => x + 0.125), smallDouble, fc.constant(null)), { maxLength: 50 }),
}).map(({ baseline, picks, fresh }) => ({ baseline, current: [...picks.map((i) => baseline[i % baseline.length]!), ...fresh] }))
  .filter(({ current }) => current.some((x) => x !== null));

const finite = (xs: readonly (number | null)[]): number[] => xs.filter((x): x is number => x !== null);

test('exact layout: binned KS statistic and p-value are ks2samp on the raw arrays', () => {
  fc.assert(fc.property(samples, ({ baseline, current }) => {
    const c = numericCase(baseline, current);
    assert.ok(c.layout.exact);
    const got = ksBinned(c.layout, c.baseline, c.current);
    const want = ks2samp(baseline, finite(current));
    assert.equal(got.statistic, want.statistic); // same bits (the proof in binned.ts), hence within 1e-12
    assert.equal(got.method, want.method);
    assert.ok(got.pvalue !== null && want.pvalue !== null);
    assertClose(got.pvalue, want.pvalue, 1e-9, 0, 'p');
    assert.equal(got.errorBound, 0);
    const asymp = ksBinned(c.layout, c.baseline, c.current, 'asymp');
    assert.deepEqual(asymp, { ...ks2samp(baseline, finite(current), 'asymp'), errorBound: 0 });
  }), { numRuns: 300 });
});

test('exact layout, production above 10000 values: the asymptotic p-value, as ks2samp', () => {
  const r = rng(7);
  const baseline = Array.from({ length: 800 }, () => Math.round(r() * 400) / 4);
  const current = Array.from({ length: 12000 }, () => Math.round(r() * 420) / 4 + (r() < 0.3 ? 0.1 : 0));
  const c = numericCase(baseline, current);
  const got = ksBinned(c.layout, c.baseline, c.current);
  const want = ks2samp(baseline, current);
  assert.equal(want.method, 'asymp');
  assert.equal(got.statistic, want.statistic);
  assertClose(got.pvalue!, want.pvalue!, 1e-9, 0, 'p');
});

test('non-exact layout: the raw KS statistic lies in [statistic, statistic + errorBound]', () => {
  fc.assert(fc.property(fc.integer(), fc.integer({ min: 1001, max: 1600 }), fc.integer({ min: 1, max: 400 }), fc.double({ min: -1, max: 1, noNaN: true }), (seed, n, m, shift) => {
    const r = rng(seed);
    const baseline = Array.from({ length: n }, () => r() * 10 + (r() < 0.1 ? 5 : 0));
    const current = Array.from({ length: m }, () => (r() < 0.2 ? baseline[Math.floor(r() * n)]! : r() * 12 - 1 + shift));
    const c = numericCase(baseline, current);
    assert.equal(c.layout.exact, false);
    const got = ksBinned(c.layout, c.baseline, c.current);
    const raw = ks2samp(baseline, current).statistic;
    assert.ok(got.statistic - 1e-12 <= raw && raw <= got.statistic + got.errorBound + 1e-12, `${raw} ∉ [${got.statistic}, +${got.errorBound}]`);
    // F moves by at most ~1/200 (plus ties) inside a 200-quantile bin
    assert.ok(got.errorBound <= 0.02, `bound ${got.errorBound}`);
  }), { numRuns: 40 });
});

test('Wasserstein: |binned − raw| ≤ bound; equal, bound 0, when production values are baseline values', () => {
  fc.assert(fc.property(samples, ({ baseline, current }) => {
    const c = numericCase(baseline, current);
    const got = wassersteinBinned(c.layout, c.baseline, c.current);
    const raw = wassersteinDistance(baseline, finite(current));
    assert.ok(Math.abs(got.distance - raw) <= got.distanceBound + 1e-12 * Math.max(1, raw), `|${got.distance} − ${raw}| > ${got.distanceBound}`);
    const n = normedWasserstein(baseline, finite(current));
    assert.equal(got.stdReference, n.stdReference);
    assert.equal(got.divisor, n.divisor);
    assert.equal(got.normedBound, got.distanceBound / n.divisor);
  }), { numRuns: 300 });
  fc.assert(fc.property(fc.array(fc.oneof(quarter, smallDouble), { minLength: 1, maxLength: 60 }), fc.array(fc.nat(), { minLength: 1, maxLength: 60 }), (baseline, picks) => {
    const current = picks.map((i) => baseline[i % baseline.length]!);
    const c = numericCase(baseline, current);
    const got = wassersteinBinned(c.layout, c.baseline, c.current);
    assert.equal(got.distanceBound, 0);
    assertClose(got.distance, wassersteinDistance(baseline, current), 1e-12, 1e-12, 'W1');
    assertClose(got.normed, normedWasserstein(baseline, current).normed, 1e-12, 1e-12, 'normed');
  }), { numRuns: 300 });
});

test('Wasserstein bound also holds on non-exact layouts', () => {
  fc.assert(fc.property(fc.integer(), fc.integer({ min: 1001, max: 1500 }), fc.integer({ min: 1, max: 300 }), (seed, n, m) => {
    const r = rng(seed);
    const baseline = Array.from({ length: n }, () => Math.exp(r() * 3));
    const current = Array.from({ length: m }, () => Math.exp(r() * 3.3 - 0.2));
    const c = numericCase(baseline, current);
    const got = wassersteinBinned(c.layout, c.baseline, c.current);
    const raw = wassersteinDistance(baseline, current);
    assert.ok(Math.abs(got.distance - raw) <= got.distanceBound + 1e-12 * Math.max(1, raw));
  }), { numRuns: 30 });
});

test('Wasserstein on a non-exact layout: production shaped like the baseline inside bins scores 0, not a within-bin artefact', () => {
  // 5000 distinct values: a 200-quantile layout with baseline values inside the open bins.
  const baseline = Array.from({ length: 5000 }, (_, i) => Math.exp((i / 5000) * 6));
  const c = numericCase(baseline, [...baseline]);
  assert.equal(c.layout.exact, false);
  const got = wassersteinBinned(c.layout, c.baseline, c.current);
  assert.ok(got.distance < 1e-12, `identical samples: ${got.distance}`);
  // A shifted copy: the raw distance is the shift; the reconstruction stays within its bound.
  const shifted = baseline.map((x) => x + 3);
  const s2 = numericCase(baseline, shifted);
  const w = wassersteinBinned(s2.layout, s2.baseline, s2.current);
  assert.ok(Math.abs(w.distance - 3) <= w.distanceBound + 1e-9, `${w.distance} ± ${w.distanceBound}`);
});

test('PSI through the layout bins is psiNumeric on the raw arrays, exactly', () => {
  fc.assert(fc.property(samples, ({ baseline, current }) => {
    const c = numericCase(baseline, current);
    const got = psiBinned(c.layout, c.baseline, c.current);
    const want = psiNumeric(baseline, finite(current));
    assert.deepEqual(got, want);
  }), { numRuns: 300 });
});

/** The categories of a numeric feature with ≤ 5 distinct baseline values, from the raw values. */
function rawFewCategories(baseline: readonly number[], current: readonly number[]): { ref: string[]; cur: string[] } {
  const values = [...new Set(baseline)].sort((a, b) => a - b);
  const key = (x: number) => (values.includes(x) ? `v${x}` : `gap${values.filter((v) => v < x).length}`);
  return { ref: baseline.map(key), cur: current.map(key) };
}

function rawCounts(ref: readonly string[], cur: readonly string[]): { cats: string[]; r: number[]; c: number[] } {
  const cats = [...new Set([...ref, ...cur])];
  return { cats, r: cats.map((k) => ref.filter((x) => x === k).length), c: cats.map((k) => cur.filter((x) => x === k).length) };
}

function checkCountTests(table: { baseline: readonly number[]; current: readonly number[] }, ref: readonly string[], cur: readonly string[]): void {
  const { r, c } = rawCounts(ref, cur);
  assert.deepEqual([...table.baseline].sort(), [...r].sort());
  const chi = chi2Contingency(table.baseline, table.current);
  const want = chi2Contingency(r, c);
  assertClose(chi.statistic, want.statistic, 1e-12, 1e-13, 'chi2');
  assertClose(chi.pvalue, want.pvalue, 1e-9, 1e-300, 'chi2 p');
  assertClose(jensenShannonDistance(table.baseline, table.current), jensenShannonDistance(r, c), 1e-12, 1e-13, 'JS');
  if (r.length === 2) {
    const z = binaryZTest(table.baseline, table.current);
    const zw = binaryZTest(r, c);
    assertClose(Math.abs(z.statistic), Math.abs(zw.statistic), 1e-12, 1e-13, 'z');
    assertClose(z.pvalue, zw.pvalue, 1e-9, 1e-300, 'z p');
  }
}

test('numeric with ≤ 5 distinct baseline values: values and gaps as categories; chi2, JS, z as on raw arrays', () => {
  const few = fc.array(fc.integer({ min: 0, max: 4 }).map((k) => k * 1.5), { minLength: 1, maxLength: 60 });
  fc.assert(fc.property(few, fc.array(fc.oneof(fc.integer({ min: -1, max: 5 }).map((k) => k * 1.5), fc.double({ min: -3, max: 9, noNaN: true })), { minLength: 1, maxLength: 60 }), (baseline, current) => {
    const c = numericCase(baseline, current);
    assert.ok(c.baseline.fewValues.length > 0);
    const t = numericTable(c.layout, c.baseline, c.current);
    const raw = rawFewCategories(baseline, current);
    checkCountTests(t, raw.ref, raw.cur);
  }), { numRuns: 300 });
});

test('numeric with > 5 distinct values: the PSI decile bins as categories', () => {
  fc.assert(fc.property(samples, ({ baseline, current }) => {
    fc.pre(new Set(baseline).size > 5);
    const c = numericCase(baseline, current);
    const t = numericTable(c.layout, c.baseline, c.current);
    const p = psiNumeric(baseline, finite(current));
    const keep = p.referenceCounts.map((x, i) => x > 0 || p.currentCounts[i]! > 0);
    assert.deepEqual(t.baseline, p.referenceCounts.filter((_, i) => keep[i]));
    assert.deepEqual(t.current, p.currentCounts.filter((_, i) => keep[i]));
  }), { numRuns: 200 });
});

const word = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 1, true, 'x y', 'é');
test('categorical: chi2, JS, z and PSI over baseline ∪ production as on the raw arrays', () => {
  fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 60 }), fc.array(fc.oneof(word, fc.constantFrom('new1', 'new2', null)), { minLength: 1, maxLength: 60 }), (baseline, current) => {
    const c = categoricalCase(baseline, current);
    fc.pre(c.current.count > 0);
    const t = categoricalTable(c.layout, c.baseline, c.current);
    const ref = baseline.map(String);
    const cur = current.filter((x) => x !== null).map(String);
    checkCountTests(t, ref, cur);
    assertClose(psiTable(t).psi, psiCategoricalValues(ref, cur).psi, 1e-12, 1e-13, 'psi');
    const fresh = [...new Set(cur)].filter((x) => !ref.includes(x));
    assert.deepEqual(newCategories(c.baseline, c.current).map((x) => x.value).sort(), fresh.sort());
  }), { numRuns: 300 });
});

test('categorical past the layout cap: baseline names past the cap keep their exact counts', () => {
  // 120 baseline names; the layout keeps 100 (n000 … n099 by count), n100 … n119 are OTHER in the layout.
  const baseline: string[] = [];
  for (let k = 0; k < 120; k++) for (let r = 0; r < 200 - k; r++) baseline.push(`n${String(k).padStart(3, '0')}`);
  const current = ['n000', 'n110', 'n110', 'n119', 'brand-new'];
  const c = categoricalCase(baseline, current);
  const t = categoricalTable(c.layout, c.baseline, c.current);
  const at = (label: string) => t.labels.indexOf(label);
  assert.deepEqual([t.baseline[at('n110')], t.current[at('n110')]], [90, 2]);
  assert.deepEqual([t.baseline[at('brand-new')], t.current[at('brand-new')]], [0, 1]);
  // OTHER: the baseline's n100 … n119 except the two named in production
  const other = Array.from({ length: 20 }, (_, i) => 100 - i).reduce((s, x) => s + x, 0) - 90 - 81;
  assert.deepEqual([t.baseline[at('(other)')], t.current[at('(other)')]], [other, 0]);
  assert.deepEqual(newCategories(c.baseline, c.current), [{ value: 'brand-new', share: 0.2 }]);
  const ref = rawCounts(baseline, current);
  assert.equal(t.baseline.reduce((s, x) => s + x, 0), ref.r.reduce((s, x) => s + x, 0));
});

test('inconsistent inputs throw', () => {
  const a = numericCase([1, 2, 3], [1]);
  const b = numericCase([1, 2, 3, 4, 5, 6, 7], [1]);
  assert.throws(() => ksBinned(a.layout, b.baseline, a.current), RangeError);
  assert.throws(() => wassersteinBinned(a.layout, a.baseline, b.current), RangeError);
  const empty = numericCase([1, 2, 3], [null]);
  assert.throws(() => ksBinned(empty.layout, empty.baseline, empty.current), RangeError);
  assert.throws(() => prepareFeature({ kind: 'numeric', edges: [1, 2, 3], exact: true }, [1, 2, 3, 4]), RangeError);
});
