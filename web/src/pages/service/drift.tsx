/**
 * Drift per feature: a feature × day grid from the daily series (PSI band as colour, drifted days
 * outlined), PSI over time, and the current window's table — method, statistic, p-value, threshold,
 * PSI with its band, new categories. Without a baseline, how to upload one.
 */
import { useMemo } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { ApiError } from '../../api/client.ts';
import type { BaselinesResponse, DriftResponse, DriftSeriesResponse, FeatureDrift } from '../../api/types.ts';
import type { Loadable } from '../../api/use-api.ts';
import { Async, ErrorBox } from '../../components/async.tsx';
import { ChartLegend, TimeChart, type TimeChartProps } from '../../components/time-chart.tsx';
import { count, pct, pValue, stat, utc } from '../../lib/format.ts';

const METHOD: Readonly<Record<FeatureDrift['method'], string>> = {
  ks: 'KS test', wasserstein: 'Wasserstein ÷ std', chi2: 'χ² test', z: 'Z-test', jensenshannon: 'Jensen–Shannon', psi: 'PSI',
};
const P_METHODS = new Set<FeatureDrift['method']>(['ks', 'chi2', 'z']);
/** `none` is the theme's soft green, so its cells carry the class `calm` for the theme's text colour. */
const PSI_COLOR = { none: 'var(--good-soft)', moderate: '#f7d98b', major: '#e5635d' } as const;
/** Line colours for features, cycled. */
const PALETTE = ['#1971c2', '#d9480f', '#2b8a3e', '#7048e8', '#c2255c', '#0c8599', '#e67700', '#5c940d', '#862e9c', '#495057'];

export function isNoBaseline(e: ApiError): boolean {
  return e.code === 'MLSLO_ERR_BASELINE_NOT_FOUND';
}

export function NoBaseline({ service }: { service: string }) {
  return (
    <div class="callout">
      <b>No baseline yet.</b> Drift compares production inputs with a sample of the training data (CSV or JSONL). Upload one per model version:
      <pre>{`mlslo baseline upload ${service} train.csv --model VERSION`}</pre>
      <div class="note">or make one from a production window: <code>POST /v1/services/{service}/baselines/window?from=…&amp;to=…</code> (docs/baselines.md).</div>
    </div>
  );
}

/** PSI in a grid cell: two decimals; what rounds to zero says so. */
function cellPsi(v: number | undefined): string {
  if (v === undefined) return '—';
  return v < 0.005 ? (v === 0 ? '0' : '<.01') : v.toFixed(2);
}

/** The series from its first day with traffic: the days before carry no information. */
export function trimmed(series: DriftSeriesResponse): DriftSeriesResponse['days'] {
  const first = series.days.findIndex((d) => d.requests > 0);
  return first < 0 ? [] : series.days.slice(first);
}

function FeatureGrid({ series }: { series: DriftSeriesResponse }) {
  const days = trimmed(series);
  const names = [...new Set(days.flatMap((d) => d.features.map((f) => f.name)))];
  if (days.length === 0) return <div class="empty">No day with traffic yet.</div>;
  return (
    <div class="table-wrap">
      <table class="heat">
        <caption class="sr-only">PSI band and drift per feature and UTC day</caption>
        <thead>
          <tr>
            <th scope="col" style={{ textAlign: 'left' }}>feature</th>
            {days.map((d) => <th key={d.day} scope="col" title={`${d.day}: ${count(d.requests)} requests`}>{d.day.slice(5)}</th>)}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">dataset</th>
            {days.map((d) => (d.requests === 0 ? <td key={d.day} class="insufficient" title={`${d.day}: no requests`} /> : (
              <td
                key={d.day} class={d.dataset.drifted ? 'flagged' : d.dataset.driftedShare > 0 ? undefined : 'calm'}
                style={{ background: d.dataset.drifted ? PSI_COLOR.major : d.dataset.driftedShare > 0 ? PSI_COLOR.moderate : PSI_COLOR.none }}
                title={`${d.day}: ${d.dataset.driftedFeatures.length} of ${d.dataset.evaluated} features drifted${d.dataset.drifted ? ' — dataset drift' : ''}`}
              >{pct(d.dataset.driftedShare, 0)}</td>
            )))}
          </tr>
          {names.map((n) => (
            <tr key={n}>
              <th scope="row" title={n}>{n}</th>
              {days.map((d) => {
                const f = d.features.find((x) => x.name === n);
                if (f === undefined || f.status === 'no_data') return <td key={d.day} class="insufficient" title={`${n} on ${d.day}: no data`} />;
                const band = f.psi?.band ?? 'none';
                const test = P_METHODS.has(f.method) ? `p ${pValue(f.pValue)} (≤ ${f.threshold} drifts)` : `${stat(f.statistic)} (≥ ${f.threshold} drifts)`;
                return (
                  <td
                    key={d.day} class={[f.drifted ? 'flagged' : '', band === 'none' ? 'calm' : ''].join(' ').trim() || undefined} style={{ background: PSI_COLOR[band] }}
                    title={`${n} on ${d.day}: ${METHOD[f.method]} ${test}; PSI ${stat(f.psi?.value)} (${band})${f.drifted ? ' — drifted' : ''}`}
                  >{cellPsi(f.psi?.value)}</td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div class="heat-legend" style={{ marginTop: '0.5rem' }}>
        <span>cell: PSI, coloured by band —</span>
        <span><span class="sw" style={{ background: PSI_COLOR.none, border: '1px solid var(--border)' }} />&lt; 0.1</span>
        <span><span class="sw" style={{ background: PSI_COLOR.moderate }} />0.1 – 0.25 moderate</span>
        <span><span class="sw" style={{ background: PSI_COLOR.major }} />≥ 0.25 major</span>
        <span><span class="sw flag" />drifted by the feature's test</span>
        <span><span class="sw hatch" />no data</span>
      </div>
    </div>
  );
}

function PsiChart({ series }: { series: DriftSeriesResponse }) {
  const props = useMemo((): TimeChartProps | undefined => {
    const days = trimmed(series);
    const names = [...new Set(days.flatMap((d) => d.features.map((f) => f.name)))];
    if (days.length < 2 || names.length === 0) return undefined;
    return {
      times: days.map((d) => Date.parse(`${d.day}T00:00:00Z`)),
      series: names.map((n, i) => ({
        label: n, color: PALETTE[i % PALETTE.length]!, format: stat, width: 1.5,
        values: days.map((d) => d.features.find((f) => f.name === n)?.psi?.value ?? null),
      })),
      lines: [
        { value: 0.1, label: 'moderate (0.1)', color: '#e0a800', dash: [4, 4] },
        { value: 0.25, label: 'major (0.25)', color: 'var(--c-objective)', dash: [6, 4] },
      ],
      yFormat: (v) => v.toFixed(2),
      yRange: (_min, max) => [0, Math.max(0.3, (Number.isFinite(max) ? max : 0) * 1.1)],
      height: 200,
      daily: true,
      label: 'PSI per feature per day against the baseline',
    };
  }, [series]);
  if (props === undefined) return null;
  return (
    <>
      <TimeChart {...props} />
      <ChartLegend items={[...props.series.map((s) => ({ label: s.label, color: s.color })), { label: 'PSI bands 0.1 / 0.25', color: 'var(--c-objective)', kind: 'dash' as const }]} />
    </>
  );
}

function FeatureRows({ features, group }: { features: readonly FeatureDrift[]; group: string }): ComponentChildren {
  return (
    <>
      <tr class="group"><th colSpan={10}>{group}</th></tr>
      {features.map((f) => (
        <tr key={`${group}-${f.name}`} class={f.drifted ? 'row-bad' : undefined}>
          <td><b>{f.name}</b>{f.critical ? <> <span class="tag bad" title="drift of this feature alerts by itself">critical</span></> : null}</td>
          <td class="faint">{f.type}</td>
          <td>{METHOD[f.method]}</td>
          <td class="num">{f.status === 'no_data' ? <span class="faint">no data</span> : stat(f.statistic)}{f.errorBound > 0 ? <span class="faint" title="bounded-error statistic from binned histograms"> ±{stat(f.errorBound)}</span> : null}</td>
          <td class="num">{P_METHODS.has(f.method) ? pValue(f.pValue) : <span class="faint">—</span>}</td>
          <td class="num faint">{P_METHODS.has(f.method) ? `p ≤ ${f.threshold}` : `≥ ${f.threshold}`}</td>
          <td>{f.drifted ? <span class="badge bad">drifted</span> : f.status === 'no_data' ? <span class="faint">—</span> : <span class="t-good">no</span>}</td>
          <td class="num">
            {f.psi === null ? '—' : <span class={f.psi.band === 'major' ? 't-bad' : f.psi.band === 'moderate' ? 't-warn' : undefined}>{stat(f.psi.value)}{f.psi.band === 'none' ? '' : ` ${f.psi.band}`}</span>}
          </td>
          <td>
            {f.newCategories.length === 0 ? <span class="faint">—</span> : (
              <span class="tags">{f.newCategories.slice(0, 4).map((c) => <span key={c.value} class="tag warn">{c.value} {pct(c.share, 1)}</span>)}{f.newCategories.length > 4 ? <span class="faint">+{f.newCategories.length - 4}</span> : null}</span>
            )}
          </td>
          <td class="num faint">{count(f.currentCount)}{f.currentMissing > 0 ? ` (+${count(f.currentMissing)} missing)` : ''}</td>
        </tr>
      ))}
    </>
  );
}

function CurrentTable({ drift }: { drift: DriftResponse }) {
  return (
    <div class="table-wrap">
      <table class="data">
        <thead>
          <tr>
            <th>Feature</th><th>Type</th><th>Method</th><th class="num">Statistic</th><th class="num">p-value</th><th class="num">Drifts at</th>
            <th>Drifted</th><th class="num">PSI</th><th>New categories</th><th class="num">Values</th>
          </tr>
        </thead>
        <tbody>
          <FeatureRows features={drift.features} group="Input features" />
          {drift.prediction.length > 0 ? <FeatureRows features={drift.prediction} group="Prediction" /> : null}
        </tbody>
      </table>
    </div>
  );
}

export function DriftSection(props: {
  service: string;
  drift: Loadable<DriftResponse>;
  series: Loadable<DriftSeriesResponse>;
  baselines: Loadable<BaselinesResponse>;
}) {
  const { drift, series, baselines } = props;
  if (baselines.kind === 'error') return <div class="panel"><ErrorBox error={baselines.error} what="the baselines" /></div>;
  const none = baselines.kind === 'ok' && baselines.data.baselines.length === 0;
  if (none || (drift.kind === 'error' && isNoBaseline(drift.error))) {
    return <div class="panel"><header><h3>Baseline</h3></header><div class="panel-body"><NoBaseline service={props.service} /></div></div>;
  }
  const newest = baselines.kind === 'ok' ? baselines.data.baselines[0] : undefined;
  return (
    <div class="stack">
      <div class="panel">
        <header>
          <h3>Drift per feature over time</h3>
          <span class="sub">one evaluation per UTC day against the newest baseline{newest === undefined ? '' : ` (${newest.id}, model ${newest.model ?? 'any'}, ${count(newest.rows)} rows, ${utc(newest.createdAt)})`}</span>
        </header>
        <div class="panel-body">
          <Async value={series} what="the drift series">
            {(s) => <div class="stack" style={{ gap: '0.75rem' }}><FeatureGrid series={s} /><PsiChart series={s} /></div>}
          </Async>
        </div>
      </div>
      <div class="panel">
        {drift.kind === 'ok' ? (
          <header>
            <h3>Drift now</h3>
            <span class="sub">window {drift.data.window} · {utc(drift.data.from)} → {utc(drift.data.to)}</span>
            <span class="right">
              {drift.data.dataset.drifted ? <span class="badge bad">dataset drift</span> : <span class="badge good">no dataset drift</span>}
              <span class="faint">{drift.data.dataset.driftedFeatures.length} of {drift.data.dataset.evaluated} features drifted ({pct(drift.data.dataset.driftedShare, 0)})</span>
            </span>
          </header>
        ) : <header><h3>Drift now</h3></header>}
        {drift.kind === 'ok' && drift.data.rebuilding !== null ? <div class="callout warn" style={{ margin: '0.75rem' }}>Histograms are being re-binned for a new baseline: {pct(drift.data.rebuilding, 0)} done. Numbers may be partial.</div> : null}
        {drift.kind === 'error' ? <ErrorBox error={drift.error} what="drift" /> : (
          <Async value={drift} what="drift">{(d) => <CurrentTable drift={d} />}</Async>
        )}
      </div>
    </div>
  );
}
