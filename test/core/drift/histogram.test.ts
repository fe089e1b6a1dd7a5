import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addValue, decodeHistogram, emptyHistogram, encodeHistogram, mergeInto, NEW_CATEGORY_CAP,
  type CategoricalHistogram, type FeatureHistogram, type NumericHistogram,
} from '../../../src/core/drift/histogram.ts';
import { featureLayout, OTHER_CATEGORY, type FeatureLayout } from '../../../src/core/drift/layout.ts';

function build(layout: FeatureLayout, values: readonly unknown[]): FeatureHistogram {
  const h = emptyHistogram(layout);
  for (const v of values) addValue(h, layout, v);
  return h;
}

function clone(h: FeatureHistogram): FeatureHistogram {
  return decodeHistogram(encodeHistogram(h));
}

const NUMERIC: FeatureLayout = { kind: 'numeric', edges: [1, 2, 4], exact: true };
const CATEGORICAL: FeatureLayout = { kind: 'categorical', categories: ['a', 'b'] };

test('numeric bins: 2i + 1 the point e_i, 2i the open interval below it (hand-checked)', () => {
  // edges 1, 2, 4 → bins: 0 (−∞,1), 1 {1}, 2 (1,2), 3 {2}, 4 (2,4), 5 {4}, 6 (4,∞)
  const h = build(NUMERIC, [0.5, 1, 1.5, 1.25, 2, 3, 4, 9, -7, null, 'x', Number.NaN, Infinity, undefined, true]) as NumericHistogram;
  assert.deepEqual([...h.counts], [2, 1, 2, 1, 1, 1, 1]);
  assert.equal(h.count, 9);
  assert.equal(h.missing, 6);
  // open bins 0, 2, 4, 6 are sums[0..3]: (−7 + 0.5), (1.5 + 1.25), 3, 9
  assert.deepEqual([...h.sums], [-6.5, 2.75, 3, 9]);
  assert.deepEqual([...h.sumSquares], [49.25, 2.25 + 1.5625, 9, 81]);
});

test('a layout with no edges has one open bin', () => {
  const l: FeatureLayout = { kind: 'numeric', edges: [], exact: true };
  const h = build(l, [3, -1]) as NumericHistogram;
  assert.deepEqual([...h.counts], [2]);
  assert.deepEqual([...h.sums], [2]);
});

test('categorical: layout categories, numbers and booleans as strings, missing counted', () => {
  const l: FeatureLayout = { kind: 'categorical', categories: ['a', '1', 'true'] };
  const h = build(l, ['a', 1, true, 'a', null, Number.NaN, undefined, 'zz']) as CategoricalHistogram;
  assert.deepEqual([...h.counts], [2, 1, 1]);
  assert.deepEqual([...h.extra], [['zz', 1]]);
  assert.equal(h.count, 5);
  assert.equal(h.missing, 3);
});

test(`new categories: ${NEW_CATEGORY_CAP} names per histogram, then ${OTHER_CATEGORY}`, () => {
  const values = Array.from({ length: NEW_CATEGORY_CAP + 5 }, (_, i) => `n${i}`);
  const h = build(CATEGORICAL, [...values, 'n0', 'n24', 'a']) as CategoricalHistogram;
  assert.equal(h.extra.size, NEW_CATEGORY_CAP + 1);
  assert.equal(h.extra.get('n0'), 2);
  assert.equal(h.extra.get(OTHER_CATEGORY), 6); // n20 … n24, and n24 again
  assert.equal(h.count, NEW_CATEGORY_CAP + 8);
});

test(`merge keeps ${2 * NEW_CATEGORY_CAP} new names and folds the smallest (ties by name) into ${OTHER_CATEGORY}`, () => {
  const x = build(CATEGORICAL, Array.from({ length: NEW_CATEGORY_CAP }, (_, i) => `x${String(i).padStart(2, '0')}`)) as CategoricalHistogram;
  const yValues = Array.from({ length: NEW_CATEGORY_CAP }, (_, i) => `y${String(i).padStart(2, '0')}`);
  const y = build(CATEGORICAL, [...yValues, ...yValues]) as CategoricalHistogram; // every y twice
  const z = build(CATEGORICAL, ['z', 'z', 'z', 'a']) as CategoricalHistogram;
  mergeInto(x, y);
  assert.equal(x.extra.size, 2 * NEW_CATEGORY_CAP); // 20 x + 20 y: no fold yet
  mergeInto(x, z);
  // 41 names: fold the one smallest — counts: x?? 1, y?? 2, z 3 → x00 (count 1, first by name)
  assert.equal(x.extra.has('x00'), false);
  assert.equal(x.extra.get(OTHER_CATEGORY), 1);
  assert.equal(x.extra.size, 2 * NEW_CATEGORY_CAP + 1);
  assert.equal(x.extra.get('x01'), 1);
  assert.equal(x.count, NEW_CATEGORY_CAP + 2 * NEW_CATEGORY_CAP + 4);
  assert.deepEqual([...x.counts], [1, 0]);
});

const quarter = fc.integer({ min: -24, max: 24 }).map((k) => k / 4);
const anyValue = fc.oneof(quarter, fc.double({ min: -100, max: 100, noNaN: true }), fc.constantFrom(null, 'x', Number.NaN));
const word = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd', 'é', '日本', ''), fc.string({ maxLength: 3 }), fc.integer({ min: 0, max: 9 }), fc.boolean(), fc.constant(null));

test('hist(A ∪ B) = merge(hist A, hist B), numeric, exact sums (quarters)', () => {
  fc.assert(fc.property(fc.array(quarter, { minLength: 1, maxLength: 40 }), fc.array(fc.oneof(quarter, fc.constant(null)), { maxLength: 40 }), fc.array(fc.oneof(quarter, fc.constant(null)), { maxLength: 40 }), (base, a, b) => {
    const l = featureLayout('numeric', base);
    const merged = build(l, a);
    mergeInto(merged, build(l, b));
    assert.deepStrictEqual(merged, build(l, [...a, ...b]));
  }));
});

test('hist(A ∪ B) = merge(hist A, hist B), numeric doubles: counts exact, sums to rounding', () => {
  fc.assert(fc.property(fc.array(anyValue, { minLength: 1, maxLength: 40 }), fc.array(anyValue, { maxLength: 40 }), fc.array(anyValue, { maxLength: 40 }), (base, a, b) => {
    const l = featureLayout('numeric', base);
    const merged = build(l, a) as NumericHistogram;
    mergeInto(merged, build(l, b));
    const whole = build(l, [...a, ...b]) as NumericHistogram;
    assert.deepEqual([merged.count, merged.missing, [...merged.counts]], [whole.count, whole.missing, [...whole.counts]]);
    merged.sums.forEach((s, i) => assert.ok(Math.abs(s - whole.sums[i]!) <= 1e-12 * (1 + Math.abs(s)) * 100));
    merged.sumSquares.forEach((s, i) => assert.ok(Math.abs(s - whole.sumSquares[i]!) <= 1e-12 * (1 + Math.abs(s)) * 100));
  }));
});

test('hist(A ∪ B) = merge(hist A, hist B), categorical (no fold: fewer new names than the cap)', () => {
  fc.assert(fc.property(fc.array(word, { maxLength: 30 }), fc.array(word, { maxLength: 30 }), fc.array(word, { maxLength: 30 }), (base, a, b) => {
    const l = featureLayout('categorical', base);
    const merged = build(l, a);
    mergeInto(merged, build(l, b));
    const whole = build(l, [...a, ...b]) as CategoricalHistogram;
    if (whole.extra.has(OTHER_CATEGORY)) return; // the cap cut in: A∪B and A + B may name different ones
    assert.deepStrictEqual(merged, whole);
  }));
});

test('merge is commutative and associative (quarters: exact); the identity is the empty histogram', () => {
  fc.assert(fc.property(fc.array(quarter, { minLength: 1, maxLength: 30 }), fc.array(fc.array(quarter, { maxLength: 20 }), { minLength: 3, maxLength: 3 }), (base, [a, b, c]) => {
    const l = featureLayout('numeric', base);
    const [ha, hb, hc] = [build(l, a!), build(l, b!), build(l, c!)];
    const ab = clone(ha); mergeInto(ab, hb);
    const ba = clone(hb); mergeInto(ba, ha);
    assert.deepStrictEqual(ab, ba);
    const left = clone(ab); mergeInto(left, hc);
    const bc = clone(hb); mergeInto(bc, hc);
    const right = clone(ha); mergeInto(right, bc);
    assert.deepStrictEqual(left, right);
    const withEmpty = clone(ha); mergeInto(withEmpty, emptyHistogram(l));
    assert.deepStrictEqual(withEmpty, ha);
  }));
});

test('categorical merge is commutative, also when it folds', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 80 }), fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 80 }), (a, b) => {
    const ha = build(CATEGORICAL, a.map((k) => `n${k}`));
    const hb = build(CATEGORICAL, b.map((k) => `n${k}`));
    const ab = clone(ha); mergeInto(ab, hb);
    const ba = clone(hb); mergeInto(ba, ha);
    assert.deepStrictEqual(ab, ba);
    assert.deepEqual(encodeHistogram(ab), encodeHistogram(ba));
    assert.equal(ab.count, a.length + b.length);
  }));
});

test('merging histograms of different layouts throws', () => {
  assert.throws(() => mergeInto(emptyHistogram(NUMERIC), emptyHistogram({ kind: 'numeric', edges: [1], exact: true })), RangeError);
  assert.throws(() => mergeInto(emptyHistogram(NUMERIC), emptyHistogram(CATEGORICAL)), RangeError);
  assert.throws(() => addValue(emptyHistogram(NUMERIC), CATEGORICAL, 'a'), RangeError);
});

test('encode/decode round-trips any histogram', () => {
  fc.assert(fc.property(fc.array(anyValue, { minLength: 1, maxLength: 40 }), fc.array(anyValue, { maxLength: 60 }), (base, values) => {
    const l = featureLayout('numeric', base);
    const h = build(l, values);
    assert.deepStrictEqual(decodeHistogram(encodeHistogram(h)), h);
  }));
  fc.assert(fc.property(fc.array(word, { maxLength: 30 }), fc.array(word, { maxLength: 60 }), (base, values) => {
    const l = featureLayout('categorical', base);
    const h = build(l, values);
    assert.deepStrictEqual(decodeHistogram(encodeHistogram(h)), h);
  }));
});

test('encoding is sparse: an empty histogram on 1009 edges takes 5 bytes; large counts use varints', () => {
  const l: FeatureLayout = { kind: 'numeric', edges: Array.from({ length: 1009 }, (_, i) => i), exact: true };
  assert.deepEqual([...encodeHistogram(emptyHistogram(l))], [1, 1, 0xe3, 0x0f, 0, 0]); // 2019 = 0x7e3 → e3 0f
  const h = build(l, [5]) as NumericHistogram;
  h.counts[11] = 2 ** 53 - 1;
  h.count = 2 ** 53 - 1;
  assert.deepStrictEqual(decodeHistogram(encodeHistogram(h)), h);
});

test('decode rejects malformed bytes with RangeError', () => {
  const num = encodeHistogram(build(NUMERIC, [0.5, 1, 1, 3, null]));
  const cat = encodeHistogram(build(CATEGORICAL, ['a', 'new', 'é']));
  for (const bytes of [num, cat]) {
    for (let k = 0; k < bytes.length; k++) assert.throws(() => decodeHistogram(bytes.subarray(0, k)), RangeError, `prefix ${k}`);
    assert.throws(() => decodeHistogram(Uint8Array.from([...bytes, 0])), RangeError, 'trailing byte');
  }
  const bad = (b: number[]) => assert.throws(() => decodeHistogram(Uint8Array.from(b)), RangeError, JSON.stringify(b));
  bad([2, 1, 1, 0, 0]); // version
  bad([1, 3, 1, 0, 0]); // kind
  bad([1, 1, 2, 0, 0]); // numeric with an even bin count
  bad([1, 1, 3, 0, 1, 3, 1]); // bin index 3 of 3
  bad([1, 1, 3, 0, 1, 1, 0]); // a listed bin with count 0
  bad([1, 2, 1, 0, 0, 1, 1, 0xff, 1]); // name not UTF-8
  bad([1, 2, 0, 0, 0, 2, 1, 0x61, 1, 1, 0x61, 1]); // name repeated
  bad([1, 1, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0]); // varint too long
  bad([1, 1, 0xff, 0xff, 0xff, 0x7f, 0, 0]); // absurd bin count
});
