/**
 * Choosing the remediation hint (DESIGN §2.9).
 * Quality-driven alerts, in order:
 *   1. rollback — another version did significantly better than the current one in the same window;
 *   2. gate_cohort — a cohort value is flagged worse-than-rest (the alert's own cohort first);
 *   3. retrain.
 * Errors → investigate_errors with the error types' shares; latency → check_capacity.
 */
import type { WindowCounts } from '../burn-rate.ts';
import type { Dimension } from '../slo-report.ts';
import { formatWindow } from '../slo-report.ts';
import type { CohortRef } from './alert-id.ts';
import { currentVersion } from './breakdowns.ts';
import type { ErrorTypeShare, Hint, RollbackEvidence, VersionQualitySnapshot } from './hint.ts';
import type { AlertInput, VersionRow } from './input.ts';

const MAX_ERROR_TYPES = 5;

type EstimatedRow = VersionRow & { readonly quality: VersionRow['quality'] & { readonly qHat: number; readonly interval: { lower: number; upper: number } } };

function estimated(r: VersionRow): r is EstimatedRow {
  return r.quality.status === 'ok' && r.quality.qHat !== null && r.quality.interval !== null;
}

function snapshot(r: EstimatedRow): VersionQualitySnapshot {
  return { model: r.model, qHat: r.quality.qHat, interval: r.quality.interval, judged: r.quality.judged };
}

/**
 * Rollback when, in one window, another version's quality was significantly better than the current
 * version's: the current one is flagged worse-than-rest (BH-adjusted z-test, §2.5) and the other's q̂ is
 * higher, or their Wilson intervals do not overlap. Windows are tried shortest first, so a window that
 * holds only the new version (the rollout is older than it) gives way to a longer one that holds both;
 * the first window where both sides are estimated decides. Among better versions the most recently
 * served one (the previous version) wins.
 */
export function findRollback(input: AlertInput, windowsAsc: readonly number[]): Extract<Hint, { kind: 'rollback' }> | undefined {
  if (input.versions === undefined) return undefined;
  for (const w of windowsAsc) {
    const rows = input.versions(w);
    const cur = currentVersion(rows);
    if (cur === undefined || !estimated(cur)) continue;
    const others = rows.filter((r): r is EstimatedRow => r !== cur && estimated(r));
    if (others.length === 0) continue;
    const worse = cur.flags.includes('worse-than-rest');
    const better = others
      .filter((o) => o.quality.qHat > cur.quality.qHat && (worse || o.quality.interval.lower > cur.quality.interval.upper))
      .sort((a, b) => b.lastSeenMs - a.lastSeenMs || b.quality.qHat - a.quality.qHat);
    const to = better[0];
    if (to === undefined) return undefined;
    const evidence: RollbackEvidence = {
      window: formatWindow(w), windowMs: w, from: snapshot(cur), to: snapshot(to),
      basis: worse ? 'worse-than-rest' : 'disjoint-intervals', adjustedP: cur.test?.adjustedP ?? null,
    };
    return { kind: 'rollback', from: cur.model, to: to.model, evidence };
  }
  return undefined;
}

export function qualityHint(input: AlertInput, windowsAsc: readonly number[], cohort?: CohortRef): Hint {
  const rollback = findRollback(input, windowsAsc);
  if (rollback !== undefined) return rollback;
  const first = windowsAsc[0];
  const rows = first === undefined ? [] : (input.cohorts?.(first) ?? []).filter((r) => r.flags.includes('worse-than-rest'));
  const own = cohort === undefined ? undefined : rows.find((r) => r.attr === cohort.attr && r.value === cohort.value);
  const gate = own ?? [...rows].sort((a, b) => (a.quality.qHat ?? Infinity) - (b.quality.qHat ?? Infinity))[0];
  if (gate !== undefined) {
    return { kind: 'gate_cohort', attr: gate.attr, value: gate.value, qHat: gate.quality.qHat, adjustedP: gate.test?.adjustedP ?? null };
  }
  return { kind: 'retrain' };
}

/** Error types over the window, largest first, with their share of the eligible errors. */
export function errorTypeShares(input: AlertInput, windowMs: number): ErrorTypeShare[] {
  const byType = input.errorTypes?.(windowMs) ?? {};
  const entries = Object.entries(byType).filter(([, n]) => n > 0);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  return entries
    .sort(([ta, a], [tb, b]) => b - a || (ta < tb ? -1 : ta > tb ? 1 : 0))
    .slice(0, MAX_ERROR_TYPES)
    .map(([type, count]) => ({ type, count, share: count / total }));
}

export function errorsHint(input: AlertInput, windowMs: number): Hint {
  return { kind: 'investigate_errors', errorTypes: errorTypeShares(input, windowMs) };
}

export function capacityHint(counts: (d: Dimension, w: number) => WindowCounts, windowMs: number): Hint {
  const l = counts('latency', windowMs);
  return { kind: 'check_capacity', ok: l.total, slow: Math.max(l.total - l.good, 0) };
}
