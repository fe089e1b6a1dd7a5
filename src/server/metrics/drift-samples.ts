/**
 * Drift gauges from one service's drift report (`GET /v1/services/{name}/drift`, its default window).
 * Prediction drift is exported beside the input features, under its own names (`prediction.label`, …).
 * A feature without data has no statistic and no verdict, so only its PSI (if any) is exported:
 * "no data" must not read as "no drift".
 */
import {
  DRIFT_DATASET_DETECTED, DRIFT_DATASET_SHARE, DRIFT_FEATURE_DETECTED, DRIFT_FEATURE_PSI, DRIFT_FEATURE_SCORE,
} from '../../core/metric-names.ts';
import type { DriftReport } from '../../engine/drift.ts';
import type { Samples } from './gauge-table.ts';


export function addDriftSamples(out: Samples, r: DriftReport): void {
  const service = r.service;
  for (const f of [...r.features, ...r.prediction]) {
    const labels = { service, feature: f.name };
    out.add(DRIFT_FEATURE_PSI, labels, f.psi?.value ?? null);
    if (f.status !== 'ok') continue;
    out.add(DRIFT_FEATURE_SCORE, { ...labels, method: f.method }, f.statistic);
    out.add(DRIFT_FEATURE_DETECTED, labels, f.drifted ? 1 : 0);
  }
  if (r.dataset.evaluated > 0) {
    out.add(DRIFT_DATASET_SHARE, { service }, r.dataset.driftedShare);
    out.add(DRIFT_DATASET_DETECTED, { service }, r.dataset.drifted ? 1 : 0);
  }
}
