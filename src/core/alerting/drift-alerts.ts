/**
 * Drift alerts (DESIGN §2.6, §2.9): `<service>/drift/dataset/ticket` holds while the window's dataset
 * drift holds (the share of drifted features reaches `spec.drift.datasetShare`), and
 * `<service>/drift/feature/<name>/ticket` while a feature marked `critical` drifts. Both go to the model's
 * owner as tickets, with retraining as the hint; the engine fires them once they have held for
 * `spec.drift.alertFor`. A window with fewer than `minEvents` requests never holds: a handful of requests
 * can look like anything.
 */
import type { DatasetDrift, FeatureDrift } from '../drift/evaluate.ts';
import { formatWindow } from '../slo-report.ts';
import type { ServiceSpec } from '../spec.ts';
import type { DriftCondition } from './alert.ts';
import { alertId } from './alert-id.ts';
import type { DriftEvidence } from './evidence.ts';

export interface DriftAlertInput {
  readonly windowMs: number;
  /** Baseline id the production window was compared with. */
  readonly baseline: string;
  /** Requests in the window. */
  readonly requests: number;
  readonly features: readonly FeatureDrift[];
  readonly dataset: DatasetDrift;
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

export function driftConditions(spec: ServiceSpec, input: DriftAlertInput, now: number): DriftCondition[] {
  const enough = input.requests >= spec.minEvents;
  const w = formatWindow(input.windowMs);
  const evidence: DriftEvidence = {
    kind: 'drift', window: w, baseline: input.baseline,
    datasetDrift: input.dataset.drifted, driftedShare: input.dataset.driftedShare,
    features: input.features.map((f) => ({
      name: f.name, method: f.method, statistic: f.statistic, threshold: f.threshold,
      drifted: f.drifted, critical: f.critical, psi: f.psi?.value ?? null,
    })),
    cohort: undefined, model: undefined,
  };
  const severity = 'ticket';
  const drifted = input.dataset.driftedFeatures;
  const datasetKey = { kind: 'drift', service: spec.name, feature: undefined, severity } as const;
  const datasetHolds = enough && input.dataset.drifted;
  const out: DriftCondition[] = [{
    kind: 'drift', id: alertId(datasetKey), key: datasetKey, service: spec.name, at: now, holds: datasetHolds, severity, route: 'owner',
    summary: datasetHolds
      ? `${spec.name}: dataset drift over the last ${w} — ${drifted.length} of ${input.dataset.evaluated} features drifted (${percent(input.dataset.driftedShare)} ≥ ${percent(spec.drift.datasetShare)}): ${drifted.join(', ')}`
      : `${spec.name}: no dataset drift over the last ${w} (${drifted.length} of ${input.dataset.evaluated} features drifted, ${input.requests} requests)`,
    hint: datasetHolds ? { kind: 'retrain' } : undefined,
    evidence,
  }];
  for (const f of input.features) {
    if (!f.critical) continue;
    const key = { kind: 'drift', service: spec.name, feature: f.name, severity } as const;
    const holds = enough && f.drifted;
    const stat = f.statistic === null ? 'no data' : `${f.method} ${f.pValue === null ? f.statistic.toPrecision(3) : `p = ${f.pValue.toPrecision(3)}`}`;
    out.push({
      kind: 'drift', id: alertId(key), key, service: spec.name, at: now, holds, severity, route: 'owner',
      summary: holds
        ? `${spec.name}: critical feature ${f.name} drifted over the last ${w} (${stat}, threshold ${f.threshold})`
        : `${spec.name}: critical feature ${f.name} has not drifted over the last ${w} (${stat})`,
      hint: holds ? { kind: 'retrain' } : undefined,
      evidence,
    });
  }
  return out;
}
