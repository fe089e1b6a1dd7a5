/**
 * Is a cohort value (or a model version) worse than the rest of the traffic? (DESIGN §2.5)
 *
 * For each group with at least `minSamples` judged requests:
 * - q̂ = its Hájek estimate and the Kish-adjusted Wilson interval, exactly as estimateQuality computes
 *   them for the whole service (quality-estimate.ts);
 * - a pooled two-sided two-proportion z-test of the group against the rest, rest = whole − group. The
 *   test uses the UNWEIGHTED counts (judged, good): it asks whether the judged requests of the group
 *   fare worse than the other judged requests, and needs integer binomial counts;
 * - Benjamini–Hochberg across every tested group together, one family (q = 0.05 by default): for
 *   cohorts, every value of every attribute; for versions, every version.
 * Flags: `below-objective` when the interval's upper bound is under the objective; `worse-than-rest`
 * when BH-significant and the group's rate is under the rest's. Groups under `minSamples` are returned
 * as `insufficient` and are not tested (they do not enlarge the BH family). A group that is the whole
 * traffic (no judged rest) gets an estimate but no test.
 */
import { estimateQuality, hajekQHat } from '../quality-estimate.ts';
import type { QualityAcc } from '../rollup.ts';
import { benjaminiHochberg } from '../stats/benjamini-hochberg.ts';
import { twoProportionZTest } from '../stats/two-proportion.ts';
import type { Interval } from '../stats/wilson.ts';

export interface GroupAcc extends QualityAcc {
  readonly key: string;
}

export type GroupFlag = 'below-objective' | 'worse-than-rest';

export interface GroupTest {
  /** Unweighted good/judged of the group and of the rest. */
  readonly rate: number;
  readonly restRate: number;
  readonly restJudged: number;
  readonly z: number;
  readonly pvalue: number;
  /** BH-adjusted across every tested group. */
  readonly adjustedP: number;
  readonly significant: boolean;
}

export type GroupComparison =
  | { readonly key: string; readonly status: 'insufficient'; readonly judged: number }
  | {
    readonly key: string;
    readonly status: 'ok';
    readonly judged: number;
    readonly good: number;
    readonly qHat: number;
    readonly interval: Interval;
    /** Hájek q̂ of the rest, when it has judged weight. */
    readonly restQHat: number | undefined;
    /** Undefined when the rest has no judged requests. */
    readonly test: GroupTest | undefined;
    readonly flags: GroupFlag[];
  };

export interface CompareOptions {
  readonly minSamples: number;
  /** The quality objective the `below-objective` flag compares with. */
  readonly objective: number;
  /** BH false discovery rate (default 0.05). */
  readonly q?: number;
}

function minus(a: QualityAcc, b: QualityAcc): QualityAcc {
  return {
    judged: a.judged - b.judged,
    good: a.good - b.good,
    sumW: a.sumW - b.sumW,
    sumW2: a.sumW2 - b.sumW2,
    sumWGood: a.sumWGood - b.sumWGood,
  };
}

export function compareGroups(
  groups: readonly GroupAcc[],
  whole: QualityAcc,
  opts: CompareOptions,
): GroupComparison[] {
  const q = opts.q ?? 0.05;
  interface Pending {
    key: string; judged: number; good: number; qHat: number; interval: Interval; restQHat: number | undefined;
    raw: { rate: number; restRate: number; restJudged: number; z: number; pvalue: number } | undefined;
  }
  const rows: Array<Pending | { key: string; status: 'insufficient'; judged: number }> = [];
  const tested: Pending[] = [];
  for (const g of groups) {
    const est = estimateQuality(g, opts.minSamples);
    if (est.status !== 'ok') {
      rows.push({ key: g.key, status: 'insufficient', judged: g.judged });
      continue;
    }
    const rest = minus(whole, g);
    const restJudged = Math.round(rest.judged);
    const restGood = Math.min(Math.max(Math.round(rest.good), 0), Math.max(restJudged, 0));
    let raw: Pending['raw'];
    if (restJudged > 0) {
      const t = twoProportionZTest(g.good, g.judged, restGood, restJudged);
      raw = { rate: t.p1, restRate: t.p2, restJudged, z: t.z, pvalue: t.pvalue };
    }
    const row: Pending = {
      key: g.key, judged: g.judged, good: g.good, qHat: est.qHat, interval: est.interval,
      restQHat: restJudged > 0 ? hajekQHat(rest) : undefined, raw,
    };
    rows.push(row);
    if (raw !== undefined) tested.push(row);
  }
  const bh = benjaminiHochberg(tested.map((r) => r.raw!.pvalue), q);
  const adjusted = new Map<Pending, { adjustedP: number; significant: boolean }>();
  tested.forEach((r, i) => adjusted.set(r, { adjustedP: bh.adjusted[i]!, significant: bh.rejected[i]! }));

  return rows.map((r): GroupComparison => {
    if ('status' in r) return r;
    const a = adjusted.get(r);
    const test: GroupTest | undefined = r.raw === undefined || a === undefined ? undefined : { ...r.raw, ...a };
    const flags: GroupFlag[] = [];
    if (r.interval.upper < opts.objective) flags.push('below-objective');
    if (test !== undefined && test.significant && test.rate < test.restRate) flags.push('worse-than-rest');
    return {
      key: r.key, status: 'ok', judged: r.judged, good: r.good, qHat: r.qHat, interval: r.interval,
      restQHat: r.restQHat, test, flags,
    };
  });
}
