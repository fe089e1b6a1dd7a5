/** The readable table `mlslo report` prints without `--json`. */
import Table from 'cli-table3';
import type { BreakdownRow, DimensionReport, ServiceReport } from '../core/slo-report.ts';

export const pct = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`);
export const num = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '—' : x.toFixed(digits));
export const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Plain tables: no colour codes, so output pipes and diffs cleanly. */
export function table(head: string[]): Table.Table {
  return new Table({ head, style: { head: [], border: [] } });
}

function iv(d: { interval: { lower: number; upper: number } | null }): string {
  return d.interval === null ? '' : `[${pct(d.interval.lower, 2)}, ${pct(d.interval.upper, 2)}]`;
}

function burn(d: DimensionReport, w: string): string {
  const b = d.burnRates[w];
  return b === null || b === undefined ? '—' : b.toFixed(2);
}

function breakdownRow(label: string, r: BreakdownRow): string[] {
  return [label, int(r.eligible), pct(r.errors.sli), pct(r.latency.sli),
    r.quality.status === 'ok' ? `${pct(r.quality.qHat, 1)} (n=${r.quality.judged})` : `insufficient (n=${r.quality.judged})`,
    `${pct(r.composite.sli, 2)}${r.composite.upperBound ? ' ≤' : ''}`, r.flags.join(', ')];
}

export function renderReport(r: ServiceReport): string {
  const out: string[] = [];
  out.push(`${r.service} — window ${r.window} (${r.from} → ${r.to}), as of ${r.asOf}`);
  const windows = Object.keys(r.errors.burnRates);
  const main = table(['dimension', 'objective', 'SLI', '95% interval', 'good / total', 'budget left', ...windows.map((w) => `burn ${w}`)]);
  const dims: Array<[string, DimensionReport, string]> = [
    ['errors', r.errors, ''],
    ['latency', r.latency, ''],
    ['quality', r.quality, r.quality.status === 'insufficient' ? ` insufficient (${r.quality.judged} < ${r.quality.minSamples} judged)` : ''],
    ['composite', r.composite, r.composite.upperBound ? ' (upper bound)' : ''],
  ];
  for (const [name, d, note] of dims) {
    main.push([name, pct(d.objective, 2), `${pct(d.sli)}${note}`, iv(d), `${int(d.good)} / ${int(d.total)}`, pct(d.remaining, 1), ...windows.map((w) => burn(d, w))]);
  }
  out.push(main.toString());
  out.push(`quality: ${int(r.quality.judged)} judged, coverage ${pct(r.quality.coverage, 1)}, ${int(r.quality.pending)} pending labels, ${int(r.orphans)} orphan outcomes`);

  const lat = table(['input class', 'threshold', 'ok', 'within', 'p50 ms', 'p90 ms', 'p99 ms']);
  for (const c of r.latency.classes) lat.push([c.name, `${c.thresholdMs} ms`, int(c.ok), pct(c.sli, 2), num(c.p50), num(c.p90), num(c.p99)]);
  out.push(lat.toString());

  const errs = Object.entries(r.errors.byType).sort((a, b) => b[1] - a[1]);
  if (errs.length > 0 || r.errors.excluded > 0) {
    out.push(`errors by type: ${errs.map(([t, n]) => `${t} ${int(n)}`).join(', ') || 'none'}${r.errors.excluded > 0 ? `; excluded ${int(r.errors.excluded)}` : ''}`);
  }
  const firing = r.burnAlerts.filter((a) => a.firing);
  out.push(firing.length === 0 ? 'burn alerts: none firing'
    : `burn alerts FIRING: ${firing.map((a) => `${a.dimension} ${a.severity} ${a.longWindow}/${a.shortWindow} (burn ${num(a.longBurn, 1)}/${num(a.shortBurn, 1)} > ${a.factor})`).join('; ')}`);

  if (r.cohorts.length > 0) {
    const t = table(['cohort', 'eligible', 'errors SLI', 'latency SLI', 'quality q̂', 'composite', 'flags']);
    for (const c of r.cohorts) t.push(breakdownRow(`${c.attr}=${c.value ?? ''}`, c));
    out.push(t.toString());
  }
  if (r.versions.length > 0) {
    const t = table(['model', 'eligible', 'errors SLI', 'latency SLI', 'quality q̂', 'composite', 'flags']);
    for (const v of r.versions) t.push(breakdownRow(v.model === '' ? '(none)' : v.model ?? '', v));
    out.push(t.toString());
  }
  return `${out.join('\n')}\n`;
}
