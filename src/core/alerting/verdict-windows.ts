/**
 * Verdict-time windows for quality burn rates (DESIGN §2.4). Labels arrive late, so a request-time 5m
 * window would hold almost no verdicts; quality burn reads the verdicts that ARRIVED in each window.
 * A window with fewer than minSamples verdicts widens to the next longer policy window with enough;
 * when even the longest has too few, there is no quality burn rate (and no quality burn alert).
 */
import type { WindowCounts } from '../burn-rate.ts';
import { estimateQuality } from '../quality-estimate.ts';
import type { QualityAcc } from '../rollup.ts';
import { formatWindow } from '../slo-report.ts';
import type { VerdictWindowUse } from './evidence.ts';

/** Resolves every window of `windowsAsc` (ascending, as policyWindows returns them). */
export function resolveVerdictWindows(
  windowsAsc: readonly number[],
  verdictWindow: (windowMs: number) => QualityAcc,
  minSamples: number,
): Map<number, VerdictWindowUse> {
  const memo = new Map<number, QualityAcc>();
  const acc = (w: number): QualityAcc => {
    let a = memo.get(w);
    if (a === undefined) {
      a = verdictWindow(w);
      memo.set(w, a);
    }
    return a;
  };
  const out = new Map<number, VerdictWindowUse>();
  windowsAsc.forEach((requestedMs, i) => {
    for (const usedMs of windowsAsc.slice(i)) {
      const est = estimateQuality(acc(usedMs), minSamples);
      if (est.status === 'ok') {
        out.set(requestedMs, {
          kind: 'ok', requestedMs, usedMs, used: formatWindow(usedMs), widened: usedMs !== requestedMs, verdicts: est.judged, qHat: est.qHat,
        });
        return;
      }
    }
    const longestMs = windowsAsc[windowsAsc.length - 1] ?? requestedMs;
    out.set(requestedMs, { kind: 'insufficient', requestedMs, longestMs, verdicts: acc(longestMs).judged });
  });
  return out;
}

/**
 * Burn-rate counts of a resolved window: good = q̂·verdicts of total = verdicts (so the low-traffic guard
 * counts verdicts), or none when insufficient (no burn rate, never fires).
 */
export function verdictCounts(use: VerdictWindowUse | undefined): WindowCounts {
  if (use === undefined || use.kind === 'insufficient') return { good: 0, total: 0 };
  return { good: use.qHat * use.verdicts, total: use.verdicts };
}
