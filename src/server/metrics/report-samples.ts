/**
 * SLO and cohort gauges from one service's report — the same `ServiceReport` that
 * `GET /v1/services/{name}/report` serves, so a dashboard on Prometheus and mlslo's own agree.
 */
import {
  COHORT_JUDGED, COHORT_QUALITY, SLO_BUDGET_REMAINING, SLO_BURN_RATE, SLO_OBJECTIVE, SLO_SLI, SLO_WINDOW_EVENTS, SLO_WINDOW_GOOD_EVENTS,
} from '../../core/metric-names.ts';
import { DIMENSIONS, type ServiceReport } from '../../core/slo-report.ts';
import type { Samples } from './gauge-table.ts';

export function addReportSamples(out: Samples, r: ServiceReport): void {
  const service = r.service;
  for (const sli of DIMENSIONS) {
    const d = r[sli];
    const labels = { service, sli };
    out.add(SLO_OBJECTIVE, labels, d.objective);
    out.add(SLO_SLI, labels, d.sli);
    out.add(SLO_BUDGET_REMAINING, labels, d.remaining);
    out.add(SLO_WINDOW_EVENTS, labels, d.total);
    out.add(SLO_WINDOW_GOOD_EVENTS, labels, d.good);
    for (const [window, burn] of Object.entries(d.burnRates)) out.add(SLO_BURN_RATE, { ...labels, window }, burn);
  }
  // Cohort values are already capped per attribute (spec cohortCap; the rest fold into `(other)`).
  for (const c of r.cohorts) {
    const labels = { service, cohort: c.attr, value: c.value };
    out.add(COHORT_QUALITY, labels, c.quality.qHat);
    out.add(COHORT_JUDGED, labels, c.quality.judged);
  }
}
