import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { OutcomePayload, Prediction } from '../../../src/core/event.ts';
import { addSums, type MetricSums } from '../../../src/core/rollup.ts';
import type { VerdictRule } from '../../../src/core/spec.ts';
import { predictionSums, verdictSums } from '../../../src/core/quality-metrics/contributions.ts';
import { computeQualityMetrics } from '../../../src/core/quality-metrics/compute.ts';

interface Req { rule: VerdictRule; prediction: Prediction; payload: OutcomePayload; weight: number }

const weight = fc.constantFrom(1, 2, 4, 10, 100, 1 / 0.3);
const label = fc.constantFrom<string | number>('a', 'b', 'c', 1, '1');
const item = fc.constantFrom('i1', 'i2', 'i3', 'i4', 'i5', 'i6');
const unit = fc.double({ min: 0, max: 1, noNaN: true });

const RULES = {
  classification: { task: 'classification' },
  ranking: { task: 'ranking', k: 3 },
  regression: { task: 'regression', tolerance: { kind: 'relative', pct: 10 } },
  generative: { task: 'generative', criteria: { source: 's >= 0.5', all: [{ path: ['s'], op: '>=', value: 0.5 }] } },
} as const satisfies Record<string, VerdictRule>;

const req: fc.Arbitrary<Req> = fc.oneof(
  fc.record({ t: label, p: label, s: fc.option(unit, { nil: undefined }), w: weight }).map(({ t, p, s, w }): Req => ({
    rule: RULES.classification,
    prediction: s === undefined ? { kind: 'label', label: p } : { kind: 'label', label: p, score: s },
    payload: { kind: 'label', label: t }, weight: w,
  })),
  fc.record({ items: fc.uniqueArray(item, { maxLength: 6 }), rel: fc.uniqueArray(item, { maxLength: 4 }), w: weight }).map(({ items, rel, w }): Req => ({
    rule: RULES.ranking, prediction: { kind: 'items', items }, payload: { kind: 'relevant', relevant: rel }, weight: w,
  })),
  fc.record({ y: fc.double({ min: -100, max: 100, noNaN: true }), e: fc.double({ min: -20, max: 20, noNaN: true }), w: weight }).map(({ y, e, w }): Req => ({
    rule: RULES.regression, prediction: { kind: 'value', value: y + e }, payload: { kind: 'value', value: y }, weight: w,
  })),
  fc.record({ s: unit, o: fc.option(unit, { nil: undefined }), w: weight }).map(({ s, o, w }): Req => ({
    rule: RULES.generative, prediction: { kind: 'text' },
    payload: { kind: 'scores', scores: o === undefined ? { s } : { s, other: o } }, weight: w,
  })),
);

function contribution(r: Req): MetricSums {
  const s: MetricSums = {};
  addSums(s, verdictSums(r.rule, r.prediction, r.payload, r.weight));
  addSums(s, predictionSums(r.prediction));
  return s;
}

function total(rs: readonly Req[]): MetricSums {
  const s: MetricSums = {};
  for (const r of rs) addSums(s, contribution(r));
  return s;
}

/** Same keys up to entries that cancelled to ~0, same values up to float re-association. */
function assertSumsClose(a: MetricSums, b: MetricSums): void {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const x = a[k] ?? [0, 0];
    const y = b[k] ?? [0, 0];
    for (let i = 0; i < 2; i++) {
      const tol = 1e-9 * Math.max(1, Math.abs(x[i]!), Math.abs(y[i]!));
      assert.ok(Math.abs(x[i]! - y[i]!) <= tol, `${JSON.stringify(k)}[${i}]: ${x[i]} vs ${y[i]}`);
    }
  }
}

test('merge: the sums of two halves, added, equal the sums of the whole (any split, any task)', () => {
  fc.assert(fc.property(fc.array(req, { maxLength: 60 }), fc.nat(), (rs, cut) => {
    const at = rs.length === 0 ? 0 : cut % (rs.length + 1);
    const merged: MetricSums = {};
    addSums(merged, total(rs.slice(at)));
    addSums(merged, total(rs.slice(0, at)));
    assertSumsClose(merged, total(rs));
  }), { numRuns: 300 });
});

test('merge: computed metrics of merged halves equal those of the whole', () => {
  for (const task of ['classification', 'ranking', 'regression', 'generative'] as const) {
    fc.assert(fc.property(fc.array(req.filter((r) => r.rule.task === task), { minLength: 1, maxLength: 40 }), fc.nat(), (rs, cut) => {
      const at = cut % (rs.length + 1);
      const merged: MetricSums = {};
      addSums(merged, total(rs.slice(0, at)));
      addSums(merged, total(rs.slice(at)));
      const a = computeQualityMetrics(RULES[task], merged);
      const b = computeQualityMetrics(RULES[task], total(rs));
      assertDeepClose(a, b, task);
    }), { numRuns: 100 });
  }
});

test('undo: subtracting a superseded verdict restores the sums', () => {
  fc.assert(fc.property(fc.array(req, { maxLength: 30 }), req, (rs, extra) => {
    const s = total(rs);
    addSums(s, contribution(extra));
    addSums(s, contribution(extra), -1);
    assertSumsClose(s, total(rs));
  }), { numRuns: 200 });
});

function assertDeepClose(a: unknown, b: unknown, path: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)), `${path}: ${a} vs ${b}`);
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    assert.deepEqual(a, b, path);
    return;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) assertDeepClose((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
}
