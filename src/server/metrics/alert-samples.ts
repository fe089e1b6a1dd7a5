/**
 * Alert counts from the evaluator's current alerts (`GET /v1/alerts`). Only combinations that occur are
 * exported; a count that drops to none disappears and Prometheus marks the series stale.
 */
import type { Alert } from '../../core/alerting/alert.ts';
import { ALERTS } from '../../core/metric-names.ts';
import type { Samples } from './gauge-table.ts';

export function addAlertSamples(out: Samples, alerts: readonly Alert[]): void {
  const counts = new Map<string, { labels: { service: string; kind: string; severity: string; state: string }; n: number }>();
  for (const a of alerts) {
    const labels = { service: a.service, kind: a.kind, severity: a.severity, state: a.state.kind };
    const k = JSON.stringify(labels);
    const c = counts.get(k);
    if (c === undefined) counts.set(k, { labels, n: 1 });
    else c.n += 1;
  }
  for (const { labels, n } of counts.values()) out.add(ALERTS, labels, n);
}
