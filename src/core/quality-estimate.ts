/**
 * Honest quality estimate from sampled verdicts (DESIGN §2.4).
 *
 * q̂ is the Hájek estimator Σ w·good / Σ w with w = 1/samplingProb. Its interval is Wilson's with the
 * Kish effective sample size nEff = (Σw)² / Σw² and k = q̂·nEff — the usual design-effect adjustment
 * (Kish 1965; Korn & Graubard 1998). Both are computed as Σw·r and Σw·good·r with r = Σw/Σw², so with
 * unit weights r = 1 exactly and the interval is bit-for-bit the plain Wilson interval of (good, judged).
 */
import type { QualityAcc } from './rollup.ts';
import { wilson, type Interval } from './stats/wilson.ts';

export type QualityEstimate =
  | { readonly status: 'ok'; readonly judged: number; readonly qHat: number; readonly interval: Interval; readonly effectiveN: number }
  | { readonly status: 'insufficient'; readonly judged: number };

/** The Hájek q̂ of an accumulator, or undefined when nothing (of positive weight) is judged. */
export function hajekQHat(acc: QualityAcc): number | undefined {
  if (!(acc.judged > 0 && acc.sumW > 0)) return undefined;
  return clamp01(acc.sumWGood / acc.sumW);
}

export function estimateQuality(acc: QualityAcc, minSamples: number): QualityEstimate {
  const qHat = hajekQHat(acc);
  if (qHat === undefined || acc.judged < minSamples || !(acc.sumW2 > 0)) {
    return { status: 'insufficient', judged: acc.judged };
  }
  const r = acc.sumW / acc.sumW2;
  const effectiveN = acc.sumW * r;
  // Clamp: accumulators updated with negative deltas (re-judged requests) can carry rounding residue.
  const k = Math.min(Math.max(acc.sumWGood * r, 0), effectiveN);
  const interval = wilson(k, effectiveN)!;
  return { status: 'ok', judged: acc.judged, qHat, interval, effectiveN };
}

/**
 * Stratified q̂ = Σ_c (ok_c / ok)·q̂_c over the strata of `quality.stratifyBy` (DESIGN §2.4); a stratum
 * with no judged requests borrows the pooled q̂. Undefined when the pooled q̂ is, or no stratum has ok
 * requests.
 */
export function stratifiedQHat(
  strata: readonly { readonly ok: number; readonly acc: QualityAcc }[],
  pooled: QualityAcc,
): number | undefined {
  const pooledQ = hajekQHat(pooled);
  if (pooledQ === undefined) return undefined;
  let ok = 0;
  let sum = 0;
  for (const s of strata) {
    if (!(s.ok > 0)) continue;
    ok += s.ok;
    sum += s.ok * (hajekQHat(s.acc) ?? pooledQ);
  }
  return ok > 0 ? clamp01(sum / ok) : undefined;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
