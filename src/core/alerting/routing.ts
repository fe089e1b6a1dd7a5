/**
 * Who gets an alert, and how loudly (DESIGN §2.1 tier table, §2.9).
 * - errors and latency burn → oncall (the service is broken or slow: an SRE problem);
 * - quality burn, quality objectives, coverage, drift, eval → owner (the model team);
 * - composite burn → owner when quality contributes most (more than half) of the composite's bad
 *   events over the alert's long window, else oncall.
 * Tier 2 services are "ticket only": page rows become tickets.
 */
import type { BurnSeverity } from '../burn-policy.ts';
import type { WindowCounts } from '../burn-rate.ts';
import type { Dimension } from '../slo-report.ts';
import { formatWindow } from '../slo-report.ts';
import type { Tier } from '../spec.ts';
import type { Route } from './alert.ts';
import type { BadByDimension } from './evidence.ts';

export function effectiveSeverity(policySeverity: BurnSeverity, tier: Tier): BurnSeverity {
  return tier === 2 ? 'ticket' : policySeverity;
}

/** Quality objective alerts: a ticket, a page for tier-0 services. */
export function qualityObjectiveSeverity(tier: Tier): BurnSeverity {
  return tier === 0 ? 'page' : 'ticket';
}

/**
 * Splits the composite's bad events over a request-time window by cause. Since the composite good is
 * okFast·q̂ (§2.4), eligible − okFast·q̂ = (eligible − ok) + (ok − okFast) + okFast·(1 − q̂) exactly.
 */
export function badByDimension(counts: (d: Dimension, windowMs: number) => WindowCounts, windowMs: number): BadByDimension {
  const e = counts('errors', windowMs);
  const l = counts('latency', windowMs);
  const q = counts('quality', windowMs);
  const qHat = q.total > 0 ? q.good / q.total : undefined;
  const errors = Math.max(e.total - e.good, 0);
  const latency = Math.max(l.total - l.good, 0);
  const quality = qHat === undefined ? 0 : Math.max(l.good * (1 - qHat), 0);
  const sum = errors + latency + quality;
  return {
    window: formatWindow(windowMs), windowMs, errors, latency, quality,
    qualityShare: sum > 0 ? quality / sum : null,
    qualityEstimated: qHat !== undefined,
  };
}

export function burnRoute(dimension: Dimension, bad: BadByDimension): Route {
  switch (dimension) {
    case 'errors':
    case 'latency':
      return 'oncall';
    case 'quality':
      return 'owner';
    case 'composite':
      return bad.qualityShare !== null && bad.qualityShare > 0.5 ? 'owner' : 'oncall';
  }
}
