/** The readable tables `mlslo drift` prints without `--json`. */
import type { CohortDrift } from '../engine/drift.ts';
import type { DatasetDrift, FeatureDrift } from '../core/drift/evaluate.ts';
import { int, num, pct, table } from './render-report.ts';

/** GET /v1/services/{name}/drift as JSON (server/routes/drift.ts driftJson). */
export interface DriftDocument {
  readonly service: string;
  readonly window: string;
  readonly from: string;
  readonly to: string;
  readonly model: string | null;
  readonly baseline: { readonly id: string; readonly model: string | null; readonly createdAt: string; readonly rows: number };
  readonly rebuilding: number | null;
  readonly dataset: DatasetDrift;
  readonly features: readonly FeatureDrift[];
  readonly prediction: readonly FeatureDrift[];
  readonly cohorts?: readonly CohortDrift[];
}

function pValue(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(4);
}

function statistic(f: FeatureDrift): string {
  if (f.statistic === null) return '—';
  const s = f.pValue === null ? num(f.statistic, 4) : `${num(f.statistic, 4)} (p ${pValue(f.pValue)})`;
  return f.errorBound > 0 ? `${s} ±${num(f.errorBound, 4)}` : s;
}

function shifted(f: FeatureDrift): string {
  const bins = f.shiftedBins.filter((b) => Math.abs(b.psiTerm) >= 0.005).slice(0, 2)
    .map((b) => `${b.bin} ${pct(b.baselineShare, 0)}→${pct(b.currentShare, 0)}`);
  const fresh = f.newCategories.slice(0, 2).map((c) => `new ${JSON.stringify(c.value)} ${pct(c.share, 1)}`);
  return [...fresh, ...bins].join('; ');
}

function featureTable(rows: readonly FeatureDrift[]): string {
  const t = table(['feature', 'method', 'statistic', 'threshold', 'drift', 'PSI', 'n', 'most shifted']);
  for (const f of rows) {
    t.push([
      `${f.name}${f.critical ? ' *' : ''}`, f.method, statistic(f), String(f.threshold),
      f.status === 'no_data' ? 'no data' : f.drifted ? 'DRIFT' : 'ok',
      f.psi === null ? '—' : `${num(f.psi.value, 3)}${f.psi.band === 'none' ? '' : ` ${f.psi.band}`}`,
      int(f.currentCount), shifted(f),
    ]);
  }
  return t.toString();
}

function verdict(d: DatasetDrift): string {
  return `${d.drifted ? 'DATASET DRIFT' : 'no dataset drift'}: ${d.driftedFeatures.length} of ${d.evaluated} features drifted (${pct(d.driftedShare, 0)})`;
}

export function renderDrift(d: DriftDocument): string {
  const lines = [
    `${d.service} drift — ${d.window} (${d.from} → ${d.to})${d.model === null ? '' : `, model ${d.model}`}`,
    `baseline ${d.baseline.id}${d.baseline.model === null ? '' : ` (model ${d.baseline.model})`}, ${int(d.baseline.rows)} rows, uploaded ${d.baseline.createdAt}`,
  ];
  if (d.rebuilding !== null) lines.push(`histograms are being rebuilt for this baseline: ${pct(d.rebuilding, 0)} done — older requests are not all counted yet`);
  lines.push(verdict(d.dataset), '', featureTable(d.features));
  if (d.prediction.length > 0) lines.push('', 'prediction drift', featureTable(d.prediction));
  if (d.cohorts !== undefined && d.cohorts.length > 0) {
    const t = table(['cohort', 'dataset drift', 'drifted features']);
    for (const c of d.cohorts) t.push([`${c.attr}=${c.value}`, `${c.dataset.drifted ? 'DRIFT' : 'ok'} (${pct(c.dataset.driftedShare, 0)})`, c.dataset.driftedFeatures.join(', ')]);
    lines.push('', 'by cohort', t.toString());
  }
  lines.push('', '* critical feature; ± is the bound on a statistic computed from histograms (docs/drift.md)', '');
  return lines.join('\n');
}
