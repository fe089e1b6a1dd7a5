/**
 * Coverage alert (DESIGN §2.9): the quality dimension is blind. Holds when the service served at least
 * minEvents ok requests in the last `coverageWindowMs` (default 6h) but no verdict ARRIVED in it (verdict
 * time), although verdicts did arrive earlier in the lookback ([now − lookback, now − window)).
 *
 * The lookback defaults to the longer of 2 × window and the longest policy window (3d), not just the one
 * window before: with a single previous window the alert would resolve after 2 × window while verdicts are
 * still missing. A service that never received verdicts does not alert (its quality is `insufficient`, a
 * configuration matter shown in every report). Services whose labels arrive in batches less often than
 * every 6h set a longer window.
 */
import { policyWindows } from '../burn-rate.ts';
import { formatWindow } from '../slo-report.ts';
import type { CoverageCondition } from './alert.ts';
import { alertId } from './alert-id.ts';
import type { AlertInput } from './input.ts';
import { DEFAULT_COVERAGE_WINDOW_MS } from './input.ts';

export function coverageLookbackMs(input: AlertInput): number {
  const windowMs = input.options?.coverageWindowMs ?? DEFAULT_COVERAGE_WINDOW_MS;
  return input.options?.coverageLookbackMs ?? Math.max(2 * windowMs, ...policyWindows(input.policy));
}

export function coverageCondition(input: AlertInput, now: number): CoverageCondition {
  const { spec } = input;
  const windowMs = input.options?.coverageWindowMs ?? DEFAULT_COVERAGE_WINDOW_MS;
  const lookbackMs = coverageLookbackMs(input);
  // Latency's denominator is the ok requests (slo-report.ts dimensionCounts).
  const ok = input.counts('latency', windowMs).total;
  const verdicts = input.verdictWindow(windowMs).judged;
  const verdictsBefore = lookbackMs > windowMs ? input.verdictWindow(lookbackMs).judged - verdicts : 0;
  const holds = ok >= spec.minEvents && verdicts <= 0 && verdictsBefore > 0;
  const severity = 'ticket';
  const key = { kind: 'coverage', service: spec.name, severity } as const;
  const w = formatWindow(windowMs);
  return {
    kind: 'coverage', id: alertId(key), key, service: spec.name, at: now, holds, severity, route: 'owner',
    summary: holds
      ? `${spec.name}: no quality verdicts arrived in the last ${w} for ${ok} ok requests (${verdictsBefore} arrived in the ${formatWindow(lookbackMs - windowMs)} before) — quality is blind`
      : `${spec.name}: ${verdicts} quality verdicts arrived in the last ${w} for ${ok} ok requests`,
    hint: holds ? { kind: 'check_verdict_pipeline', verdictsBefore } : undefined,
    evidence: { kind: 'coverage', window: w, windowMs, ok, verdicts, verdictsBefore, lookbackMs },
  };
}
