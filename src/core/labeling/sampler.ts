/**
 * The labeling sampler's daily decision (DESIGN §2.8): which of a day's requests go to human labelers,
 * and each request's inclusion probability π, which becomes its `samplingProb` so the Hájek estimate
 * of §2.4 stays (approximately, to O(1/n)) unbiased however unequal the sampling.
 *
 * 1. Allocation across strata (a stratum is one cohort value, or a joint key from `stratumKey`):
 *    each stratum first gets what it still needs toward `minSamples` (capped at its size); if the
 *    budget cannot cover every need it is shared in proportion to the needs. The rest of the budget
 *    goes in proportion to stratum size N_h, capped at what each stratum has left (iteratively: a
 *    capped stratum drops out and the others share again). Integer shares use largest-remainder
 *    rounding, ties to the larger stratum, then to the smaller key — deterministic, no randomness.
 * 2. Within a stratum, n_h draws with π_i ∝ x_i = 1 + favourUncertain·k·u_i (u_i the uncertainty, 0
 *    when absent), capped at 1 by the standard iteration (units whose share reaches 1 are taken with
 *    certainty and the rest share n_h minus their count), so Σπ = n_h. With favourUncertain = 0 every
 *    π = n_h/N_h: simple random sampling without replacement.
 * 3. The draw is systematic πps on a random order (Madow 1949; Särndal, Swensson & Wretman 1992
 *    §3.6): certainty units are taken; the others are shuffled, laid end to end as intervals of length
 *    π_i, and a random start r ∈ [0, 1) selects the units covering r, r + 1, …. It is fixed-size and
 *    P(i selected) = π_i exactly for any order; the random order makes every joint inclusion
 *    probability positive in practice, which plain systematic sampling on a fixed order does not.
 *
 * Pure: the random source is an argument (a seeded generator returning numbers in [0, 1)).
 */

/** A uniform source on [0, 1), seeded by the caller (the core owns no randomness). */
export type Random = () => number;

export interface SampleCandidate {
  readonly id: string;
  /** The stratum: a cohort value of `quality.stratifyBy`, or a joint key from `stratumKey`. */
  readonly stratum: string;
  /** In [0, 1], e.g. 1 − max class probability; absent counts as 0 (no boost). */
  readonly uncertainty?: number;
}

export interface SamplerOptions {
  /** Requests to send for labeling today (integer ≥ 0). */
  readonly budget: number;
  /** Judged requests each stratum should reach (§2.4 `minSamples`, integer ≥ 0). */
  readonly minSamples: number;
  /** Already-labelled counts per stratum; a missing stratum has 0. */
  readonly labelled?: ReadonlyMap<string, number>;
  /** 0 = plain stratified SRS; 1 = full uncertainty favouring. In [0, 1]. */
  readonly favourUncertain: number;
  /** k in the size measure 1 + favourUncertain·k·u: the most uncertain item weighs up to 1 + k. Default 4. */
  readonly uncertaintyGain?: number;
}

export interface StratumAllocation {
  readonly stratum: string;
  /** Candidates in the stratum today, N_h. */
  readonly size: number;
  readonly alreadyLabelled: number;
  /** Share of the budget given toward minSamples. */
  readonly topUp: number;
  /** Share of the rest of the budget, by stratum size. */
  readonly proportional: number;
  /** n_h = topUp + proportional, the number drawn. */
  readonly draw: number;
}

export interface SampleDecision {
  /** Selected ids, in candidate order. */
  readonly selected: readonly string[];
  /** π for every candidate (0 for strata with nothing to draw); selected ones carry samplingProb = π. */
  readonly probabilities: ReadonlyMap<string, number>;
  /** Per stratum, sorted by key. */
  readonly allocation: readonly StratumAllocation[];
}

export const DEFAULT_UNCERTAINTY_GAIN = 4;

/** A joint stratum key for several cohort attributes' values; unambiguous whatever the values contain. */
export function stratumKey(values: readonly string[]): string {
  return values.length === 1 ? values[0]! : JSON.stringify(values);
}

export function sampleForLabeling(candidates: readonly SampleCandidate[], options: SamplerOptions, random: Random): SampleDecision {
  const { budget, minSamples, favourUncertain } = options;
  const gain = options.uncertaintyGain ?? DEFAULT_UNCERTAINTY_GAIN;
  if (!(Number.isSafeInteger(budget) && budget >= 0)) throw new RangeError(`sampler: budget must be an integer ≥ 0, got ${budget}`);
  if (!(Number.isSafeInteger(minSamples) && minSamples >= 0)) throw new RangeError(`sampler: minSamples must be an integer ≥ 0, got ${minSamples}`);
  if (!(favourUncertain >= 0 && favourUncertain <= 1)) throw new RangeError(`sampler: favourUncertain must be in [0, 1], got ${favourUncertain}`);
  if (!(Number.isFinite(gain) && gain >= 0)) throw new RangeError(`sampler: uncertaintyGain must be ≥ 0, got ${gain}`);

  const byStratum = new Map<string, SampleCandidate[]>();
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.id)) throw new RangeError(`sampler: duplicate candidate id ${JSON.stringify(c.id)}`);
    seen.add(c.id);
    const u = c.uncertainty;
    if (u !== undefined && !(u >= 0 && u <= 1)) throw new RangeError(`sampler: uncertainty of ${JSON.stringify(c.id)} must be in [0, 1], got ${u}`);
    const list = byStratum.get(c.stratum);
    if (list) list.push(c);
    else byStratum.set(c.stratum, [c]);
  }
  const keys = [...byStratum.keys()].sort();
  const sizes = keys.map((k) => byStratum.get(k)!.length);
  const labelled = keys.map((k) => {
    const n = options.labelled?.get(k) ?? 0;
    if (!(Number.isSafeInteger(n) && n >= 0)) throw new RangeError(`sampler: labelled count of ${JSON.stringify(k)} must be an integer ≥ 0, got ${n}`);
    return n;
  });

  const allocation = allocate(keys, sizes, labelled, budget, minSamples);

  const probabilities = new Map<string, number>();
  const chosen = new Set<string>();
  allocation.forEach((a, h) => {
    const units = byStratum.get(keys[h]!)!;
    const sizeMeasure = units.map((c) => 1 + favourUncertain * gain * (c.uncertainty ?? 0));
    const pi = inclusionProbabilities(sizeMeasure, a.draw);
    units.forEach((c, i) => probabilities.set(c.id, pi[i]!));
    for (const i of systematicPps(pi, a.draw, random)) chosen.add(units[i]!.id);
  });
  const selected = candidates.filter((c) => chosen.has(c.id)).map((c) => c.id);
  return { selected, probabilities, allocation };
}

/** Step 1 of the header: top-ups toward minSamples, then the rest by stratum size. */
export function allocate(
  keys: readonly string[],
  sizes: readonly number[],
  labelled: readonly number[],
  budget: number,
  minSamples: number,
): StratumAllocation[] {
  const total = sizes.reduce((s, n) => s + n, 0);
  const B = Math.min(budget, total);
  const needs = sizes.map((n, h) => Math.min(n, Math.max(0, minSamples - labelled[h]!)));
  const needTotal = needs.reduce((s, n) => s + n, 0);
  // Budget short of the needs: share it by need (each quota B·need/Σneed < need, so no cap binds).
  const topUps = needTotal <= B ? needs : largestRemainder(B, needs, needs, sizes, keys);
  const rest = B - topUps.reduce((s, n) => s + n, 0);
  const room = sizes.map((n, h) => n - topUps[h]!);
  const proportional = cappedProportional(rest, sizes, room, keys);
  return keys.map((stratum, h) => ({
    stratum,
    size: sizes[h]!,
    alreadyLabelled: labelled[h]!,
    topUp: topUps[h]!,
    proportional: proportional[h]!,
    draw: topUps[h]! + proportional[h]!,
  }));
}

/**
 * Shares `amount` (≤ Σ caps) in proportion to `weights`, each share capped at caps[h]: strata whose
 * exact quota reaches their cap take the cap and drop out, the others share again; the final
 * uncapped quotas are rounded by largest remainder.
 */
function cappedProportional(amount: number, weights: readonly number[], caps: readonly number[], keys: readonly string[]): number[] {
  const out = weights.map(() => 0);
  const active = new Set(weights.map((_, h) => h).filter((h) => caps[h]! > 0 && weights[h]! > 0));
  let left = amount;
  for (;;) {
    const w = [...active].reduce((s, h) => s + weights[h]!, 0);
    if (left <= 0 || w === 0) break;
    const full = [...active].filter((h) => left * weights[h]! >= caps[h]! * w);
    if (full.length === 0) break;
    for (const h of full) {
      out[h] = caps[h]!;
      left -= caps[h]!;
      active.delete(h);
    }
  }
  if (left > 0) {
    const masked = weights.map((x, h) => (active.has(h) ? x : 0));
    const shares = largestRemainder(left, masked, caps, weights, keys);
    shares.forEach((s, h) => (out[h]! += s));
  }
  return out;
}

/**
 * Hamilton's method in integer arithmetic (exact remainders): floor(amount·w/Σw) each, then one more
 * to the largest remainders, ties to the larger `tieSize`, then the smaller key. Each quota must be
 * below its cap (callers guarantee it), so floor + 1 never exceeds the cap.
 */
function largestRemainder(amount: number, weights: readonly number[], caps: readonly number[], tieSize: readonly number[], keys: readonly string[]): number[] {
  const w = weights.reduce((s, x) => s + x, 0);
  if (w === 0 || amount === 0) return weights.map(() => 0);
  const floors = weights.map((x) => Math.floor((amount * x) / w));
  const rems = weights.map((x) => (amount * x) % w);
  let left = amount - floors.reduce((s, x) => s + x, 0);
  const order = weights
    .map((_, h) => h)
    .filter((h) => weights[h]! > 0 && floors[h]! < caps[h]!)
    .sort((a, b) => rems[b]! - rems[a]! || tieSize[b]! - tieSize[a]! || (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  for (const h of order) {
    if (left === 0) break;
    floors[h]!++;
    left--;
  }
  return floors;
}

/**
 * π_i ∝ size_i with Σπ = n, capped at 1 (iteratively: units reaching 1 are certainties and the rest
 * share n minus their count). n must be ≤ the number of units. All-equal sizes give exactly n/N.
 */
export function inclusionProbabilities(size: readonly number[], n: number): number[] {
  const N = size.length;
  if (!(Number.isSafeInteger(n) && n >= 0 && n <= N)) throw new RangeError(`inclusionProbabilities: n must be an integer in [0, ${N}], got ${n}`);
  if (size.some((x) => !(Number.isFinite(x) && x > 0))) throw new RangeError('inclusionProbabilities: sizes must be finite and > 0');
  const pi = size.map(() => 0);
  if (n === 0) return pi;
  const certain = new Set<number>();
  for (;;) {
    const m = n - certain.size;
    let sum = 0;
    size.forEach((x, i) => { if (!certain.has(i)) sum += x; });
    const newly = size.map((_, i) => i).filter((i) => !certain.has(i) && m * size[i]! >= sum);
    if (newly.length === 0 || m === 0) {
      size.forEach((x, i) => (pi[i] = certain.has(i) ? 1 : m === 0 ? 0 : (m * x) / sum));
      return pi;
    }
    for (const i of newly) certain.add(i);
  }
}

/**
 * Systematic πps on a random order (header, step 3). Returns n distinct indices. π must sum to n
 * (up to rounding) with every π in [0, 1].
 */
export function systematicPps(pi: readonly number[], n: number, random: Random): number[] {
  if (n === 0) return [];
  const picked: number[] = [];
  const rest: number[] = [];
  pi.forEach((p, i) => (p >= 1 ? picked.push(i) : p > 0 ? rest.push(i) : undefined));
  const m = n - picked.length;
  if (m <= 0) return picked.slice(0, n);
  // Fisher–Yates shuffle of the non-certain units.
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  const start = random();
  let j = 0;
  let upper = pi[rest[0]!]!;
  let last = -1;
  for (let k = 0; k < m; k++) {
    const point = start + k;
    // Advance to the unit whose interval [C_{j-1}, C_j) covers the point. In exact arithmetic π_j < 1
    // already moves every point to a new unit; the `j <= last` guard and the clamp at the end only
    // absorb rounding in the running sum, so it can neither repeat a unit nor lose the last draw.
    while ((upper <= point || j <= last) && j < rest.length - 1) upper += pi[rest[++j]!]!;
    if (j <= last) break;
    picked.push(rest[j]!);
    last = j;
  }
  return picked;
}
