import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  buildLayout, CATEGORY_CAP, categoryValue, featureLayout, NUMERIC_EXACT_MAX_DISTINCT, numericValue, OTHER_CATEGORY,
  type FeatureLayout,
} from '../../../src/core/drift/layout.ts';
import { psiEdges } from '../../../src/core/drift/psi.ts';
import { linearQuantile } from '../../../src/core/stats/quantile.ts';

function edgesOf(l: FeatureLayout): readonly number[] {
  assert.equal(l.kind, 'numeric');
  return l.kind === 'numeric' ? l.edges : [];
}

test('numeric, few distinct values: every value is an edge, plus the PSI deciles (hand-computed)', () => {
  // s = [1, 2, 2, 3, 10], n = 5, h = 4q. Deciles (numpy linear):
  //   q .1 → h .4: 1 + (2 − 1)·.4 = 1.4      q .2 → h .8: 2 − (2 − 1)·.2 = 1.8
  //   q .3 → h 1.2: 2                      q .4 → h 1.6: 2        q .5 → h 2: 2
  //   q .6 → h 2.4: 2 + (3 − 2)·.4 = 2.4     q .7 → h 2.8: 3 − (3 − 2)·.2 = 2.8
  //   q .8 → h 3.2: 3 + (10 − 3)·.2 = 4.4    q .9 → h 3.6: 10 − (10 − 3)·.4 = 7.2
  // Edges: {1, 2, 3, 10} ∪ deciles, deduplicated and sorted.
  const values = [2, null, 10, 'x', 1, Number.NaN, 2, 3, Infinity];
  const l = featureLayout('numeric', values);
  assert.equal(l.kind === 'numeric' && l.exact, true);
  const want = [1, 1.4, 1.8, 2, 2.4, 2.8, 3, 4.4, 7.2, 10];
  const got = edgesOf(l);
  assert.equal(got.length, want.length);
  want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 1e-12, `edge ${i}: ${got[i]} vs ${w}`));
  // The decile edges are the very doubles psiEdges returns (so PSI bins are unions of layout bins).
  for (const e of psiEdges([1, 2, 2, 3, 10])) assert.ok(got.includes(e), `psi edge ${e}`);
});

test('numeric, more than 1000 distinct values: 200-quantiles, min, max and deciles; exactness switches at 1000', () => {
  const at = (k: number) => Array.from({ length: k }, (_, i) => ((i * 7919) % k) / 3 - 50);
  const exact = featureLayout('numeric', at(NUMERIC_EXACT_MAX_DISTINCT));
  assert.equal(exact.kind === 'numeric' && exact.exact, true);
  assert.ok(edgesOf(exact).length >= NUMERIC_EXACT_MAX_DISTINCT);

  const values = at(NUMERIC_EXACT_MAX_DISTINCT + 1);
  const l = featureLayout('numeric', values);
  assert.equal(l.kind === 'numeric' && l.exact, false);
  const edges = edgesOf(l);
  const s = [...values].sort((a, b) => a - b);
  const want = new Set([s[0]!, s[s.length - 1]!, ...psiEdges(values)]);
  for (let k = 1; k < 200; k++) want.add(linearQuantile(s, k / 200));
  assert.deepEqual(edges, [...want].sort((a, b) => a - b));
  assert.ok(edges.length <= 201 + 9);
});

test('numeric edges are strictly ascending, include min, max and the deciles, and survive JSON', () => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.integer({ min: -30, max: 30 }).map((k) => k / 4), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(null)), { maxLength: 80 }), (values) => {
    const l = featureLayout('numeric', values);
    const edges = edgesOf(l);
    const finite = values.filter((v): v is number => typeof v === 'number');
    if (finite.length === 0) {
      assert.deepEqual(edges, []);
      return;
    }
    for (let i = 1; i < edges.length; i++) assert.ok(edges[i - 1]! < edges[i]!);
    for (const x of [...finite, ...psiEdges(finite)]) assert.ok(edges.includes(x), `${x} is an edge`);
    assert.deepEqual(JSON.parse(JSON.stringify(l)), l);
  }));
});

test('−0 and 0 are one edge, written as 0', () => {
  const edges = edgesOf(featureLayout('numeric', [-0, 0, 1, -0]));
  assert.ok(Object.is(edges[0], 0));
  assert.equal(edges.filter((x) => x === 0).length, 1);
});

test('categorical: count descending, then name; numbers and booleans as strings; missing skipped', () => {
  const l = featureLayout('categorical', ['b', 'a', 'c', 'b', 1, 'a', true, null, '1', Number.NaN, 'true']);
  // counts: a 2, b 2, "1" 2, "true" 2, c 1 → ties broken by name (code-unit order: "1" < "a" < "b" < "true")
  assert.deepEqual(l, { kind: 'categorical', categories: ['1', 'a', 'b', 'true', 'c'] });
});

test(`categorical: at most ${CATEGORY_CAP} categories, the most frequent`, () => {
  const values: string[] = [];
  for (let k = 0; k < 150; k++) for (let r = 0; r <= k; r++) values.push(`v${String(k).padStart(3, '0')}`);
  const l = featureLayout('categorical', values);
  assert.ok(l.kind === 'categorical');
  assert.equal(l.categories.length, CATEGORY_CAP);
  assert.equal(l.categories[0], 'v149');
  assert.equal(l.categories[CATEGORY_CAP - 1], 'v050');
  assert.equal(OTHER_CATEGORY, '(other)');
});

test('value classification shared by layout, baseline and histograms', () => {
  assert.equal(numericValue(3.5), 3.5);
  for (const v of [null, undefined, Number.NaN, Infinity, -Infinity, '3', true, {}]) assert.equal(numericValue(v), undefined);
  assert.equal(categoryValue('x'), 'x');
  assert.equal(categoryValue(2.5), '2.5');
  assert.equal(categoryValue(false), 'false');
  for (const v of [null, undefined, Number.NaN, Infinity, {}]) assert.equal(categoryValue(v), undefined);
});

test('buildLayout: one layout per declared feature, a missing column is empty, JSON round-trips', () => {
  const features = JSON.parse('{"age": {"type": "numeric"}, "country": {"type": "categorical"}, "__proto__": {"type": "numeric"}, "gone": {"type": "categorical"}}') as Record<string, { type: 'numeric' | 'categorical' }>;
  const values = JSON.parse('{"age": [30, 40, null, 40], "country": ["fr", "de", "fr", null], "__proto__": [1, 2]}') as Record<string, (number | string | null)[]>;
  const l = buildLayout('b1', features, values);
  assert.equal(l.id, 'b1');
  assert.deepEqual(Object.keys(l.features), ['age', 'country', '__proto__', 'gone']);
  assert.equal(l.features.age?.kind, 'numeric');
  assert.deepEqual(l.features.country, { kind: 'categorical', categories: ['fr', 'de'] });
  assert.equal(Object.getPrototypeOf(l.features), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(l.features, '__proto__')?.value.kind, 'numeric');
  assert.deepEqual(l.features.gone, { kind: 'categorical', categories: [] });
  assert.equal(JSON.stringify(JSON.parse(JSON.stringify(l))), JSON.stringify(l));
});
