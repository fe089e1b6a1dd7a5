/**
 * Evidence from the cohort and model-version breakdowns of one window: the worst flagged cohorts and
 * every version, marking the one serving the most recent traffic (the "current" version).
 */
import { formatWindow } from '../slo-report.ts';
import type { Breakdowns, CohortEvidence, VersionEvidence } from './evidence.ts';
import type { AlertInput, CohortRow, VersionRow } from './input.ts';
import { DEFAULT_MAX_COHORTS } from './input.ts';

/** The version with the latest request (ties: the greater model name, so the choice is deterministic). */
export function currentVersion(rows: readonly VersionRow[]): VersionRow | undefined {
  let best: VersionRow | undefined;
  for (const r of rows) {
    if (!(r.eligible > 0)) continue;
    if (best === undefined || r.lastSeenMs > best.lastSeenMs || (r.lastSeenMs === best.lastSeenMs && r.model > best.model)) best = r;
  }
  return best;
}

/** Flagged cohorts, lowest q̂ first (unestimated last), then by attr/value for determinism. */
export function worstCohorts(rows: readonly CohortRow[], max: number): CohortEvidence[] {
  return rows
    .filter((r) => r.flags.length > 0)
    .map((r): CohortEvidence => ({
      attr: r.attr, value: r.value, qHat: r.quality.qHat, interval: r.quality.interval, judged: r.quality.judged,
      adjustedP: r.test?.adjustedP ?? null, flags: r.flags,
    }))
    .sort((a, b) => (a.qHat ?? Infinity) - (b.qHat ?? Infinity) || cmp(a.attr, b.attr) || cmp(a.value, b.value))
    .slice(0, max);
}

export function versionEvidence(rows: readonly VersionRow[]): VersionEvidence[] {
  const current = currentVersion(rows);
  return [...rows].sort((a, b) => b.lastSeenMs - a.lastSeenMs || cmp(a.model, b.model)).map((r) => ({
    model: r.model, current: r === current, lastSeenMs: r.lastSeenMs, eligible: r.eligible,
    errorsSli: r.errors.sli, latencySli: r.latency.sli, qHat: r.quality.qHat, interval: r.quality.interval,
    judged: r.quality.judged, flags: r.flags,
  }));
}

export function breakdowns(input: AlertInput, windowMs: number): Breakdowns {
  const max = input.options?.maxCohorts ?? DEFAULT_MAX_COHORTS;
  return {
    window: formatWindow(windowMs),
    windowMs,
    worstCohorts: worstCohorts(input.cohorts?.(windowMs) ?? [], max),
    versions: versionEvidence(input.versions?.(windowMs) ?? []),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
