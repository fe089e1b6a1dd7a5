/**
 * The headline state of a service, shared by `GET /v1/services`, the dashboard and the public status
 * page so that all three always agree (DESIGN §2.10).
 */
import type { ServiceReport } from './slo-report.ts';

export type ServiceState = 'no_data' | 'operational' | 'degraded' | 'quality_degraded' | 'outage';

/** Worst first: the order a page sorts by and an aggregate headline picks from. */
export const STATE_SEVERITY: Readonly<Record<ServiceState, number>> = {
  outage: 4, quality_degraded: 3, degraded: 2, operational: 1, no_data: 0,
};

/** The headline state: firing page alerts mean outage (errors/latency) or quality degraded; tickets mean degraded. */
export function serviceState(r: ServiceReport): ServiceState {
  if (r.errors.total === 0) return 'no_data';
  const firing = r.burnAlerts.filter((a) => a.firing);
  if (firing.some((a) => a.severity === 'page' && (a.dimension === 'errors' || a.dimension === 'latency'))) return 'outage';
  if (firing.some((a) => a.dimension === 'quality')) return 'quality_degraded';
  if (firing.length > 0) return 'degraded';
  return 'operational';
}
