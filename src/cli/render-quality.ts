/** The readable tables `mlslo quality` prints without `--json`. */
import type { MetricValue, QualityMetricsReport } from '../core/quality-metrics/compute.ts';
import type { QualityDocument, QualityGroup, QualitySummary } from '../core/quality-report.ts';
import { int, num, pct, table } from './render-report.ts';

function iv(v: { lower: number; upper: number } | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '' : `[${pct(v.lower, digits)}, ${pct(v.upper, digits)}]`;
}

function metric(v: MetricValue | undefined, asPct = true): string {
  if (v === undefined || v.n === 0) return '—';
  const value = asPct ? pct(v.value, 1) : num(v.value, 3);
  const interval = v.interval ? (asPct ? iv(v.interval) : `[${num(v.interval.lower, 3)}, ${num(v.interval.upper, 3)}]`) : '';
  return `${value} ${interval}`.trim();
}

/** The headline metrics of a task as label → text. */
function headline(m: QualityMetricsReport): Array<[string, string]> {
  switch (m.task) {
    case 'classification':
      return [['accuracy', metric(m.accuracy)], ['macro F1', metric(m.macro.f1)],
        ...m.perClass.slice(0, 6).map((c): [string, string] => [`precision / recall [${JSON.stringify(c.label)}]`, `${metric(c.precision)} / ${metric(c.recall)}`])];
    case 'ranking':
      return [[`hit@${m.k}`, metric(m.atK.find((a) => a.k === m.k)?.hit)], [`ndcg@${m.k}`, metric(m.atK.find((a) => a.k === m.k)?.ndcg, false)], ['mrr', metric(m.mrr, false)]];
    case 'regression':
      return [['mae', metric(m.mae, false)], ['rmse', metric(m.rmse, false)], ['within tolerance', metric(m.withinTolerance)]];
    case 'generative':
      return m.scores.map((s): [string, string] => [`score ${s.name}`, `mean ${metric(s.mean, false)}${s.passRate ? `, pass ${metric(s.passRate)}` : ''}`]);
  }
}

function qHat(s: QualitySummary): string {
  return s.status === 'ok' ? `${pct(s.qHat, 1)} ${iv(s.interval)}` : `insufficient (${s.judged} judged)`;
}

function estimated(s: QualitySummary): string {
  const e = s.estimated;
  if (e === null) return '—';
  return `${pct(e.accuracy, 1)}${e.trust.trusted ? '' : ' (untrusted)'}`;
}

/** p-values: four decimals, or scientific notation below 0.001 (so 3e-7 does not print as 0.0000). */
function pValue(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(4);
}

function groupLabel(g: QualityGroup): string {
  if (g.model !== undefined) return g.model === '' ? '(none)' : g.model;
  if (g.day !== undefined) return g.day;
  return `${g.attr ?? ''}=${g.value ?? ''}`;
}

export function renderQuality(d: QualityDocument): string {
  const out: string[] = [];
  const o = d.overall;
  out.push(`${d.service} quality (${d.task}) — window ${d.window} (${d.from} → ${d.to}), as of ${d.asOf}`);
  out.push(`realized q̂ ${qHat(o)}  objective ${pct(d.objective, 1)}  judged ${int(o.judged)} of ${int(o.ok)} ok (coverage ${pct(o.coverage, 1)}), ${int(o.pending)} pending`);
  if (o.estimated !== null) {
    const e = o.estimated;
    out.push(`estimated (CBPE, from predicted probabilities, not in the SLI): accuracy ${pct(e.accuracy, 1)} ${iv(e.interval ?? null)} over ${int(e.n)} scored requests; ${e.trust.trusted ? 'trusted' : `NOT trusted: ${e.trust.reason}`}`);
  }
  for (const s of d.stratified) out.push(`stratified by ${s.attr}: q̂ ${pct(s.qHat, 1)}`);
  const m = table(['metric', 'value [95% interval]']);
  for (const [k, v] of headline(o.metrics)) m.push([k, v]);
  out.push(m.toString());
  if (d.objectives.length > 0) {
    const t = table(['objective', 'target', 'value', 'interval', 'n', 'status']);
    for (const r of d.objectives) t.push([r.name, num(r.target, 3), num(r.value, 3), r.interval ? `[${num(r.interval.lower, 3)}, ${num(r.interval.upper, 3)}]` : '', int(r.n), r.status]);
    out.push(t.toString());
  }
  if (d.by !== null && d.groups.length > 0) {
    const head = d.by === 'day' ? 'day' : d.by === 'version' ? 'model' : 'cohort';
    const t = table([head, 'judged', 'realized q̂ [95%]', 'estimated', 'p (BH)', 'flags']);
    for (const g of d.groups) {
      t.push([groupLabel(g), int(g.judged), qHat(g), estimated(g), g.test ? `${pValue(g.test.pvalue)} (${pValue(g.test.adjustedP)})` : '', g.flags.join(', ')]);
    }
    out.push(t.toString());
  }
  for (const w of d.warnings) out.push(`warning: ${w}`);
  return `${out.join('\n')}\n`;
}
