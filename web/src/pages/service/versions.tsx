/**
 * Model versions side by side: traffic, error and latency SLIs (with p-values against the other
 * versions), q̂ with its interval against the objective, and the quality flags — a bad canary shows on
 * every dimension at once.
 */
import type { ComponentChildren } from 'preact';
import type { QualityResponse, ReportResponse, VersionRow } from '../../api/types.ts';
import { FlagTags } from '../../components/badges.tsx';
import { IntervalBar, scaleFor } from '../../components/interval-bar.tsx';
import { count, objectivePct, pct, pctRange, pValue } from '../../lib/format.ts';

type VersionGroup = Extract<QualityResponse, { by: 'version' }>['groups'][number];

function sliClass(sli: number | null, objective: number): string | undefined {
  return sli === null ? 'faint' : sli < objective ? 't-bad' : undefined;
}

function accuracyOf(g: VersionGroup | undefined): string {
  if (g === undefined) return '—';
  const m = g.metrics;
  switch (m.task) {
    case 'classification': return `accuracy ${pct(m.accuracy.value)} · macro F1 ${pct(m.macro.f1.value)}`;
    case 'ranking': return `MRR ${pct(m.mrr.value)}`;
    case 'regression': return `within tolerance ${pct(m.withinTolerance.value)}`;
    case 'generative': return `pass ${pct(m.pass.value)}`;
  }
}

export function Versions({ report, quality }: { report: ReportResponse; quality: QualityResponse | undefined }) {
  const groups = new Map<string, VersionGroup>((quality?.by === 'version' ? quality.groups : []).map((g) => [g.model, g]));
  const versions: readonly VersionRow[] = [...report.versions].sort((a, b) => b.eligible - a.eligible);
  if (versions.length === 0) return <div class="empty">No model version served traffic in this window.</div>;
  const total = versions.reduce((a, v) => a + v.eligible, 0);
  const qObj = report.quality.objective;
  const scale = scaleFor(versions.map((v) => v.quality.interval), qObj);
  const row = (label: string, cell: (v: VersionRow) => ComponentChildren, title?: string) => (
    <tr>
      <th scope="row" title={title} style={{ fontWeight: 500, color: 'var(--muted)', whiteSpace: 'nowrap' }}>{label}</th>
      {versions.map((v) => <td key={v.model}>{cell(v)}</td>)}
    </tr>
  );
  return (
    <div class="table-wrap">
      <table class="data" style={{ tableLayout: 'fixed', minWidth: `${12 + versions.length * 16}rem` }}>
        <colgroup><col style={{ width: '12rem' }} />{versions.map((v) => <col key={v.model} />)}</colgroup>
        <thead>
          <tr>
            <th scope="col">Version</th>
            {versions.map((v) => (
              <th key={v.model} scope="col" style={{ textTransform: 'none', letterSpacing: 0, fontSize: '1rem', color: 'var(--text)' }}>
                <span class="mono">{v.model}</span> {v.flags.length > 0 ? <FlagTags flags={v.flags} /> : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {row('Traffic', (v) => <>{count(v.eligible)} <span class="faint">({pct(v.eligible / Math.max(1, total), 1)})</span></>, 'eligible requests in the window')}
          {row(`Errors SLI (${objectivePct(report.errors.objective)})`, (v) => (
            <><span class={sliClass(v.errors.sli, report.errors.objective)}>{pct(v.errors.sli)}</span> <span class="faint">p {pValue(v.versus.errors)}</span></>
          ), 'p: two-proportion z-test against the other versions')}
          {row(`Latency SLI (${objectivePct(report.latency.objective)})`, (v) => (
            <><span class={sliClass(v.latency.sli, report.latency.objective)}>{pct(v.latency.sli)}</span> <span class="faint">p {pValue(v.versus.latency)}</span></>
          ))}
          {row(`q̂ (${objectivePct(qObj)})`, (v) => (
            v.quality.status === 'insufficient' ? <span class="faint">insufficient ({count(v.quality.judged)} judged)</span> : (
              <div>
                <span class={v.quality.interval !== null && v.quality.interval.upper < qObj ? 't-bad' : undefined} style={{ fontWeight: 600 }}>{pct(v.quality.qHat)}</span>
                <span class="faint"> {v.quality.interval === null ? '' : `${pctRange(v.quality.interval.lower, v.quality.interval.upper)}`}</span>
                <IntervalBar value={v.quality.qHat} interval={v.quality.interval} objective={qObj} scale={scale} />
              </div>
            )
          ))}
          {row('Judged', (v) => count(v.quality.judged))}
          {row('adj. p vs rest', (v) => pValue(v.test?.adjustedP), 'quality: two-proportion z-test against the other versions, Benjamini–Hochberg adjusted')}
          {row(`Composite (${objectivePct(report.composite.objective)})`, (v) => (
            <span class={sliClass(v.composite.sli, report.composite.objective)}>{pct(v.composite.sli)}{v.composite.upperBound ? ' (upper bound)' : ''}</span>
          ))}
          {row('Metrics', (v) => <span class="faint">{accuracyOf(groups.get(v.model))}</span>)}
        </tbody>
      </table>
    </div>
  );
}
