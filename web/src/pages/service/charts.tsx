/**
 * SLI per bucket for each dimension with its objective line (quality with its 95% band), and the
 * error-budget burn-down: budget left over [window start, t) per dimension, ending at the report's value.
 */
import { useMemo } from 'preact/hooks';
import type { Dimension, SeriesResponse } from '../../api/types.ts';
import { DIMENSIONS, DIMENSION_COLOR, DIMENSION_LABEL } from '../../api/types.ts';
import { ChartLegend, TimeChart, type ChartSeries, type TimeChartProps } from '../../components/time-chart.tsx';
import { budgetPct, objectivePct, pct, pctTicks, utc } from '../../lib/format.ts';

/**
 * The series from its first bucket with a request: a new service (or the demo) would otherwise draw a
 * 30-day axis with a few days of data squeezed at its right end. The caller says what was left out.
 */
export function fromFirstRequest(s: SeriesResponse): { readonly series: SeriesResponse; readonly skippedFrom: string | undefined } {
  const first = s.points.findIndex((p) => p.errors.total > 0);
  if (first <= 0) return { series: s, skippedFrom: undefined };
  return { series: { ...s, points: s.points.slice(first), budget: s.budget.slice(first) }, skippedFrom: s.from };
}

export function SkippedNote({ from, firstAt }: { from: string | undefined; firstAt: string | undefined }) {
  if (from === undefined || firstAt === undefined) return null;
  return <p class="note">No request before {utc(firstAt)}: the charts start there (the window starts {utc(from)}).</p>;
}

/** A y range that shows the objective and every value, topped at 100%. */
function sliRange(objective: number): (min: number, max: number) => [number, number] {
  return (min, max) => {
    const lo = Math.min(Number.isFinite(min) ? min : objective, objective);
    const hi = Math.max(Number.isFinite(max) ? max : 1, objective);
    const pad = Math.max((hi - lo) * 0.12, (1 - objective) * 0.5, 0.0005);
    return [Math.max(0, lo - pad), Math.min(1, hi + pad)];
  };
}

function sliChart(d: Dimension, s: SeriesResponse): TimeChartProps {
  const times = s.points.map((p) => Date.parse(p.t));
  const objective = s.objectives[d];
  const fmt = (v: number): string => pct(v);
  const series: ChartSeries[] = [];
  let bands: TimeChartProps['bands'];
  if (d === 'quality') {
    series.push({ label: 'q̂', color: DIMENSION_COLOR.quality, values: s.points.map((p) => p.quality.qHat), format: fmt, width: 2 });
    series.push({ label: '95% upper', color: DIMENSION_COLOR.quality, values: s.points.map((p) => p.quality.interval?.upper ?? null), format: fmt, width: 0, hidden: true });
    series.push({ label: '95% lower', color: DIMENSION_COLOR.quality, values: s.points.map((p) => p.quality.interval?.lower ?? null), format: fmt, width: 0, hidden: true });
    bands = [{ upper: 1, lower: 2, color: DIMENSION_COLOR.quality }];
  } else {
    const values = s.points.map((p) => (d === 'composite' ? p.composite.sli : p[d].sli));
    series.push({ label: 'SLI', color: DIMENSION_COLOR[d], values, format: fmt, width: 2 });
  }
  return {
    times,
    series,
    ...(bands === undefined ? {} : { bands }),
    lines: [{ value: objective, label: `objective ${objectivePct(objective)}`, color: 'var(--c-objective)' }],
    yFormat: fmt,
    yTicks: pctTicks,
    yRange: sliRange(objective),
    height: 190,
    daily: s.step === '1d',
    label: `${DIMENSION_LABEL[d]} SLI per ${s.step === '1h' ? 'hour' : 'day'} against the objective ${objectivePct(objective)}`,
  };
}

export function SliCharts({ series: all }: { series: SeriesResponse }) {
  const { series, skippedFrom } = useMemo(() => fromFirstRequest(all), [all]);
  const charts = useMemo(() => DIMENSIONS.map((d) => [d, sliChart(d, series)] as const), [series]);
  const empty = series.points.every((p) => p.errors.total === 0);
  // A bucket with traffic but too few judged requests has no q̂: the line breaks there, and says why.
  const qualityGaps = series.points.some((p) => p.errors.total > 0 && p.quality.qHat === null);
  return (
    <>
    <SkippedNote from={skippedFrom} firstAt={series.points[0]?.t} />
    <div class="grid-2">
      {charts.map(([d, props]) => (
        <div class="panel" key={d}>
          <header>
            <h3>{DIMENSION_LABEL[d]}</h3>
            <span class="sub">
              {d === 'quality' ? 'q̂ per' : 'SLI per'} {series.step === '1h' ? 'hour' : 'day'} · objective {objectivePct(series.objectives[d])}
              {d === 'quality' && qualityGaps ? ' · a gap: fewer judged requests than minSamples' : ''}
            </span>
          </header>
          {empty ? <div class="chart-empty">No requests in this window.</div> : <TimeChart {...props} />}
          <ChartLegend
            items={[
              { label: d === 'quality' ? 'q̂' : 'SLI', color: DIMENSION_COLOR[d] },
              ...(d === 'quality' ? [{ label: '95% interval', color: DIMENSION_COLOR.quality, kind: 'box' as const }] : []),
              { label: 'objective', color: 'var(--c-objective)', kind: 'dash' },
            ]}
          />
        </div>
      ))}
    </div>
    </>
  );
}

export function BurnDownChart({ series: all }: { series: SeriesResponse }) {
  const series = useMemo(() => fromFirstRequest(all).series, [all]);
  const props = useMemo((): TimeChartProps => {
    const times = series.budget.map((b) => Date.parse(b.t));
    return {
      times,
      series: DIMENSIONS.map((d) => ({
        label: DIMENSION_LABEL[d], color: DIMENSION_COLOR[d], values: series.budget.map((b) => b[d]), format: budgetPct, width: 2,
      })),
      lines: [{ value: 0, label: 'budget exhausted', color: 'var(--c-objective)' }],
      yFormat: budgetPct,
      yTicks: pctTicks,
      yRange: (min, max) => {
        const lo = Math.min(0, Number.isFinite(min) ? min : 0);
        const hi = Math.max(1, Number.isFinite(max) ? max : 1);
        const pad = (hi - lo) * 0.06;
        return [lo - pad, hi + pad];
      },
      height: 240,
      daily: series.step === '1d',
      label: 'Error budget left per dimension over the window',
    };
  }, [series]);
  return (
    <div class="panel">
      <header>
        <h3>Error-budget burn-down</h3>
        <span class="sub">budget left from the window's start to each point · below 0 means overspent</span>
      </header>
      {series.points.every((p) => p.errors.total === 0) ? <div class="chart-empty">No requests in this window.</div> : <TimeChart {...props} />}
      <ChartLegend
        items={[...DIMENSIONS.map((d) => ({ label: DIMENSION_LABEL[d], color: DIMENSION_COLOR[d] })), { label: 'exhausted (0%)', color: 'var(--c-objective)', kind: 'dash' as const }]}
      />
    </div>
  );
}
