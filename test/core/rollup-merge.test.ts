import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addLatency, sketchCount } from '../../src/core/latency-sketch.ts';
import { addQuality, classAcc, createCell, mergeCell, verdictQuality, type RollupCell } from '../../src/core/rollup.ts';

interface CellSpec {
  total: number;
  excluded: number;
  ok: number;
  errors: [string, number][];
  latencies: [string, number, boolean][];
  verdicts: [boolean, number][];
}

const cellSpec: fc.Arbitrary<CellSpec> = fc.record({
  total: fc.nat(1000),
  excluded: fc.nat(100),
  ok: fc.nat(1000),
  errors: fc.array(fc.tuple(fc.constantFrom('timeout', 'oom', 'http_5xx'), fc.nat(50)), { maxLength: 4 }),
  latencies: fc.array(fc.tuple(fc.constantFrom('short', 'long'), fc.double({ min: 0.5, max: 60_000, noNaN: true }), fc.boolean()), { maxLength: 30 }),
  verdicts: fc.array(fc.tuple(fc.boolean(), fc.constantFrom(1, 0.5, 0.25, 0.1, 0.01)), { maxLength: 20 }),
});

/** A fresh cell each call: mergeCell mutates its target. */
function build(s: CellSpec): RollupCell {
  const c = createCell();
  c.total = s.total;
  c.excluded = s.excluded;
  c.ok = s.ok;
  for (const [t, n] of s.errors) c.errors[t] = (c.errors[t] ?? 0) + n;
  for (const [cls, ms, fast] of s.latencies) {
    const a = classAcc(c, cls);
    a.ok++;
    if (fast) a.fast++;
    addLatency(a.sketch, ms);
  }
  for (const [good, p] of s.verdicts) addQuality(c.quality, verdictQuality(good, 1 / p));
  return c;
}

function merged(...cells: RollupCell[]): RollupCell {
  const into = createCell();
  for (const c of cells) mergeCell(into, c);
  return into;
}

/** Counts exactly; quality weight sums to 1e-12 (float addition is not associative); sketch counts exactly. */
function assertSameCell(a: RollupCell, b: RollupCell): void {
  assert.equal(a.total, b.total);
  assert.equal(a.excluded, b.excluded);
  assert.equal(a.ok, b.ok);
  assert.deepEqual(sorted(a.errors), sorted(b.errors));
  assert.deepEqual(Object.keys(a.classes).sort(), Object.keys(b.classes).sort());
  for (const k of Object.keys(a.classes)) {
    const x = a.classes[k]!;
    const y = b.classes[k]!;
    assert.equal(x.ok, y.ok);
    assert.equal(x.fast, y.fast);
    assert.equal(sketchCount(x.sketch), sketchCount(y.sketch));
    assert.equal(x.sketch.sketch.min, y.sketch.sketch.min);
    assert.equal(x.sketch.sketch.max, y.sketch.sketch.max);
  }
  assert.equal(a.quality.judged, b.quality.judged);
  assert.equal(a.quality.good, b.quality.good);
  for (const k of ['sumW', 'sumW2', 'sumWGood'] as const) {
    assert.ok(Math.abs(a.quality[k] - b.quality[k]) <= 1e-12 * Math.max(1, Math.abs(a.quality[k])), k);
  }
}

function sorted(r: Record<string, number>): [string, number][] {
  return Object.entries(r).sort(([a], [b]) => a.localeCompare(b));
}

test('mergeCell is commutative', () => {
  fc.assert(fc.property(cellSpec, cellSpec, (a, b) => {
    assertSameCell(merged(build(a), build(b)), merged(build(b), build(a)));
  }), { numRuns: 200 });
});

test('mergeCell is associative', () => {
  fc.assert(fc.property(cellSpec, cellSpec, cellSpec, (a, b, c) => {
    const left = build(a);
    mergeCell(left, build(b));
    mergeCell(left, build(c));
    const right = build(b);
    mergeCell(right, build(c));
    const outer = build(a);
    mergeCell(outer, right);
    assertSameCell(left, outer);
  }), { numRuns: 200 });
});

test('merging leaves the source cell unchanged and an empty cell is the identity', () => {
  fc.assert(fc.property(cellSpec, cellSpec, (a, b) => {
    const src = build(b);
    const into = build(a);
    mergeCell(into, src);
    assertSameCell(src, build(b));
    assertSameCell(merged(build(a), createCell()), build(a));
  }), { numRuns: 100 });
});
