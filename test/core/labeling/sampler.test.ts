import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  allocate,
  inclusionProbabilities,
  sampleForLabeling,
  stratumKey,
  type SampleCandidate,
} from '../../../src/core/labeling/sampler.ts';
import { mulberry32 } from '../../../src/demo/random.ts';

function population(spec: Record<string, number>, uncertainty?: (h: string, i: number) => number): SampleCandidate[] {
  return Object.entries(spec).flatMap(([stratum, n]) =>
    Array.from({ length: n }, (_, i) => ({ id: `${stratum}-${i}`, stratum, uncertainty: uncertainty?.(stratum, i) })),
  );
}

const draws = (keys: string[], sizes: number[], labelled: number[], budget: number, minSamples: number) =>
  allocate(keys, sizes, labelled, budget, minSamples).map((a) => [a.topUp, a.proportional, a.draw]);

test('allocation by hand: top-ups toward minSamples, then the rest by stratum size', () => {
  // Sizes 100, 50, 10; minSamples 30 with 25, 40, 0 already labelled → needs 5, 0, 10 (c capped at its
  // size, so full). Rest 40 − 15 = 25 by size over a, b: 16.67, 8.33 → floors 16, 8, +1 to a.
  assert.deepEqual(draws(['a', 'b', 'c'], [100, 50, 10], [25, 40, 0], 40, 30), [[5, 17, 22], [0, 8, 8], [10, 0, 10]]);
  // Sizes 100, 50, 10 with no needs: 25 by size → 15.625, 7.8125, 1.5625 → floors 15, 7, 1 (23),
  // remainders .625, .8125, .5625 → +1 to b, then a → 16, 8, 1.
  assert.deepEqual(draws(['a', 'b', 'c'], [100, 50, 10], [30, 30, 30], 25, 30), [[0, 16, 16], [0, 8, 8], [0, 1, 1]]);
  // No minSamples: pure proportional 10 over 3, 3, 4 → 3, 3, 4.
  assert.deepEqual(draws(['a', 'b', 'c'], [3, 3, 4], [0, 0, 0], 10, 0), [[0, 3, 3], [0, 3, 3], [0, 4, 4]]);
  // Budget short of the needs (20, 10 needed, 6 available): shared by need 4, 2.
  assert.deepEqual(draws(['a', 'b'], [100, 100], [10, 20], 6, 30), [[4, 0, 4], [2, 0, 2]]);
  // Ties in remainders go to the larger stratum, then the smaller key: 1 over 2, 2 → a.
  assert.deepEqual(draws(['a', 'b'], [2, 2], [0, 0], 1, 0), [[0, 1, 1], [0, 0, 0]]);
  assert.deepEqual(draws(['a', 'b'], [2, 3], [0, 0], 1, 0), [[0, 0, 0], [0, 1, 1]]);
});

test('allocation caps: a topped-up small stratum is full and the rest is shared by the others', () => {
  // c (size 10) needs 10 → full and out; a, b share the rest 30 by size as 20, 10.
  assert.deepEqual(draws(['a', 'b', 'c'], [100, 50, 10], [30, 30, 0], 40, 30), [[0, 20, 20], [0, 10, 10], [10, 0, 10]]);
  // Top-ups 8, 8 leave rooms 12, 2; rest 4 by size → 2.67, 1.33 → 3, 1 (under the caps).
  assert.deepEqual(draws(['a', 'b'], [20, 10], [0, 0], 20, 8), [[8, 3, 11], [8, 1, 9]]);
  // Rooms 32, 2; rest 14 by size → 11.2, 2.8 ≥ 2: b is capped at 2 and a takes the other 12.
  assert.deepEqual(draws(['a', 'b'], [40, 10], [0, 0], 30, 8), [[8, 12, 20], [8, 2, 10]]);
  // Budget beyond the population: everything, π = 1.
  const d = sampleForLabeling(population({ a: 3, b: 2 }), { budget: 99, minSamples: 0, favourUncertain: 1 }, mulberry32(1));
  assert.equal(d.selected.length, 5);
  for (const p of d.probabilities.values()) assert.equal(p, 1);
});

test('Σπ_h = n_h, selected per stratum = n_h exactly, every selected π > 0 (property)', () => {
  const arb = fc.record({
    sizes: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
    labelled: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 5, maxLength: 5 }),
    budget: fc.integer({ min: 0, max: 120 }),
    minSamples: fc.integer({ min: 0, max: 30 }),
    favour: fc.double({ min: 0, max: 1, noNaN: true }),
    gain: fc.double({ min: 0, max: 50, noNaN: true }),
    seed: fc.integer(),
  });
  fc.assert(fc.property(arb, ({ sizes, labelled, budget, minSamples, favour, gain, seed }) => {
    const u = mulberry32(seed ^ 0x5bd1e995);
    const spec = Object.fromEntries(sizes.map((n, h) => [`s${h}`, n]));
    const cands = population(spec, () => (u() < 0.2 ? 0.999 : u() ** 3));
    const d = sampleForLabeling(cands, {
      budget, minSamples, favourUncertain: favour, uncertaintyGain: gain,
      labelled: new Map(labelled.map((n, h) => [`s${h}`, n])),
    }, mulberry32(seed));
    const total = sizes.reduce((s, n) => s + n, 0);
    assert.equal(d.selected.length, Math.min(budget, total));
    assert.equal(new Set(d.selected).size, d.selected.length);
    assert.equal(d.probabilities.size, cands.length);
    for (const a of d.allocation) {
      const members = cands.filter((c) => c.stratum === a.stratum);
      const sumPi = members.reduce((s, c) => s + d.probabilities.get(c.id)!, 0);
      assert.ok(Math.abs(sumPi - a.draw) < 1e-9, `Σπ ${sumPi} vs n_h ${a.draw}`);
      assert.equal(members.filter((c) => d.selected.includes(c.id)).length, a.draw);
      assert.ok(a.draw <= a.size);
      assert.ok(a.topUp <= Math.max(0, minSamples - a.alreadyLabelled));
      for (const c of members) {
        const p = d.probabilities.get(c.id)!;
        assert.ok(p >= 0 && p <= 1);
        if (d.selected.includes(c.id)) assert.ok(p > 0);
      }
    }
  }), { numRuns: 300 });
});

test('favourUncertain = 0 is SRS without replacement: π = n_h/N_h exactly', () => {
  const cands = population({ a: 7, b: 13 }, (_, i) => (i % 5) / 4);
  const d = sampleForLabeling(cands, { budget: 9, minSamples: 0, favourUncertain: 0 }, mulberry32(7));
  for (const a of d.allocation) {
    for (const c of cands.filter((x) => x.stratum === a.stratum)) assert.equal(d.probabilities.get(c.id), a.draw / a.size);
  }
});

test('capping at 1: dominant items become certainties and the rest share what is left', () => {
  // Sizes 10, 10, 1, 1, 1, 1 with n = 3: raw 3·10/24 = 1.25 → cap both; the four ones share 1 → ¼.
  assert.deepEqual(inclusionProbabilities([10, 10, 1, 1, 1, 1], 3), [1, 1, 0.25, 0.25, 0.25, 0.25]);
  // Cascading cap: 100, 10, 1×8, n = 3 → 100 capped; 2·10/18 = 1.11 → capped; eight share 1 → ⅛.
  assert.deepEqual(inclusionProbabilities([100, 10, 1, 1, 1, 1, 1, 1, 1, 1], 3), [1, 1, ...Array<number>(8).fill(0.125)]);
  const cands = [10, 10, 1, 1, 1, 1].map((x, i) => ({ id: `r${i}`, stratum: 's', uncertainty: (x - 1) / 9 }));
  for (let seed = 0; seed < 50; seed++) {
    const d = sampleForLabeling(cands, { budget: 3, minSamples: 0, favourUncertain: 1, uncertaintyGain: 9 }, mulberry32(seed));
    assert.ok(d.selected.includes('r0') && d.selected.includes('r1'));
    assert.equal(d.selected.length, 3);
  }
});

test('Monte Carlo: empirical inclusion frequencies match π within a binomial tolerance', () => {
  const cands = population({ a: 8, b: 5 }, (h, i) => (h === 'a' ? [0, 0.1, 0.9, 1, 0.3, 0, 0.5, 0.95][i]! : [0.2, 0, 1, 0.7, 0][i]!));
  const options = { budget: 8, minSamples: 3, favourUncertain: 0.8, uncertaintyGain: 15, labelled: new Map([['b', 1]]) };
  const R = 20000;
  const counts = new Map<string, number>();
  let probs: ReadonlyMap<string, number> | undefined;
  for (let seed = 0; seed < R; seed++) {
    const d = sampleForLabeling(cands, options, mulberry32(seed * 2654435761));
    probs ??= d.probabilities;
    for (const id of d.selected) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  assert.ok([...probs!.values()].some((p) => p === 1), 'the case should exercise a certainty unit');
  // 13 items: z = 4.5 keeps the family-wise false-alarm rate below 13·7e-6 ≈ 1e-4.
  for (const c of cands) {
    const p = probs!.get(c.id)!;
    const f = (counts.get(c.id) ?? 0) / R;
    const tol = 4.5 * Math.sqrt((p * (1 - p)) / R) + 1e-12;
    assert.ok(Math.abs(f - p) <= tol, `${c.id}: freq ${f} vs π ${p} (tol ${tol})`);
  }
});

test('labels correlated with uncertainty: Hájek with 1/π is unbiased, the unweighted mean is not', () => {
  // A fixed finite population (design-based inference): two strata of unequal size, the small one topped
  // up toward minSamples (so stratified, unequal allocation), and P(bad) rising with uncertainty.
  const gen = mulberry32(2024);
  const cands: (SampleCandidate & { good: boolean })[] = [];
  for (const [stratum, n, base] of [['en', 1600, 0.05], ['de', 400, 0.15]] as const) {
    for (let i = 0; i < n; i++) {
      const u = gen() ** 2;
      cands.push({ id: `${stratum}-${i}`, stratum, uncertainty: u, good: gen() >= base + 0.7 * u });
    }
  }
  const truth = cands.filter((c) => c.good).length / cands.length;
  const good = new Map(cands.map((c) => [c.id, c.good]));
  const R = 400;
  const hajek: number[] = [];
  const naive: number[] = [];
  for (let seed = 1; seed <= R; seed++) {
    const d = sampleForLabeling(cands, { budget: 150, minSamples: 60, favourUncertain: 1, uncertaintyGain: 9 }, mulberry32(seed));
    let sw = 0;
    let swGood = 0;
    let nGood = 0;
    for (const id of d.selected) {
      const w = 1 / d.probabilities.get(id)!;
      sw += w;
      if (good.get(id)) { swGood += w; nGood++; }
    }
    hajek.push(swGood / sw);
    naive.push(nGood / d.selected.length);
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const se = (xs: number[]) => { const m = mean(xs); return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length); };
  // Hájek is a ratio estimator, biased only to O(1/n) (n = 150 here: ≪ 0.005); allow 4 Monte-Carlo SEs plus that.
  assert.ok(Math.abs(mean(hajek) - truth) <= 4 * se(hajek) + 0.005, `Hájek ${mean(hajek)} vs truth ${truth} (se ${se(hajek)})`);
  // The uncertainty-favoured sample over-represents bad requests: its plain mean is far below the truth.
  assert.ok(truth - mean(naive) > 10 * se(naive) && truth - mean(naive) > 0.05, `naive ${mean(naive)} vs truth ${truth}`);
});

test('stratumKey joins several attributes unambiguously; validation rejects bad input', () => {
  assert.equal(stratumKey(['fr']), 'fr');
  assert.notEqual(stratumKey(['a,b', 'c']), stratumKey(['a', 'b,c']));
  const r = mulberry32(1);
  assert.throws(() => sampleForLabeling([{ id: 'x', stratum: 's' }, { id: 'x', stratum: 's' }], { budget: 1, minSamples: 0, favourUncertain: 0 }, r), /duplicate/);
  assert.throws(() => sampleForLabeling([{ id: 'x', stratum: 's', uncertainty: 1.5 }], { budget: 1, minSamples: 0, favourUncertain: 0 }, r), /uncertainty/);
  assert.throws(() => sampleForLabeling([], { budget: 1.5, minSamples: 0, favourUncertain: 0 }, r), /budget/);
  assert.throws(() => sampleForLabeling([], { budget: 1, minSamples: 0, favourUncertain: 2 }, r), /favourUncertain/);
  const empty = sampleForLabeling([], { budget: 5, minSamples: 3, favourUncertain: 1 }, r);
  assert.deepEqual([empty.selected, empty.allocation], [[], []]);
});
