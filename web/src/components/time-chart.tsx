/**
 * A time-series chart on uPlot: lines per series, optional interval bands, constant reference lines
 * (objectives, zero), UTC time axis, a hover tooltip, resizing with its container. Colours are CSS
 * variables resolved when the chart is built, so the light and dark themes both apply.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { utc } from '../lib/format.ts';

export interface ChartSeries {
  readonly label: string;
  /** A CSS colour or `var(--name)`. */
  readonly color: string;
  readonly values: ReadonlyArray<number | null>;
  readonly format: (v: number) => string;
  readonly dash?: readonly number[];
  readonly width?: number;
  /** Drawn, but left out of the tooltip (band edges). */
  readonly hidden?: boolean;
}

export interface ChartBand {
  /** Indexes into `series` of the upper and lower edge. */
  readonly upper: number;
  readonly lower: number;
  readonly color: string;
}

export interface ChartLine {
  readonly value: number;
  readonly label: string;
  readonly color: string;
  readonly dash?: readonly number[];
}

export interface TimeChartProps {
  /** Epoch milliseconds, ascending. */
  readonly times: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly bands?: readonly ChartBand[];
  readonly lines?: readonly ChartLine[];
  readonly yFormat: (v: number) => string;
  /** The y axis' labels from all its ticks at once (one precision for the whole axis); else yFormat per tick. */
  readonly yTicks?: (splits: readonly number[]) => string[];
  /** Fixed y range, or a function of the data's [min, max]. */
  readonly yRange?: (min: number, max: number) => [number, number];
  readonly height?: number;
  /** What the chart shows, for screen readers (the numbers are in the tables beside it). */
  readonly label: string;
  /** Daily buckets: ticks on whole days only. */
  readonly daily?: boolean;
}

const DAY_INCRS = [86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 28 * 86_400, 91 * 86_400];

const root = (): CSSStyleDeclaration => getComputedStyle(document.documentElement);

function resolve(color: string): string {
  const m = /^var\((--[\w-]+)\)$/.exec(color);
  return m === null ? color : root().getPropertyValue(m[1]!).trim() || '#888';
}

function withAlpha(color: string, alpha: number): string {
  const c = resolve(color);
  const hex = /^#([0-9a-f]{6})$/i.exec(c);
  if (hex === null) return c;
  const n = parseInt(hex[1]!, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** UTC, 24-hour tick labels: `MM-DD` for day steps, `HH:MM` otherwise with the date under the first tick of each day. */
function timeTicks(_u: uPlot, splits: number[], _axis: number, _space: number, incr: number): string[] {
  let lastDay = -1;
  return splits.map((sec) => {
    const d = new Date(sec * 1000);
    const day = `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    if (incr >= 86_400) return day;
    const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    const newDay = d.getUTCDate() !== lastDay;
    lastDay = d.getUTCDate();
    return newDay ? `${hm}\n${day}` : hm;
  });
}

let firstChartMarked = false;

/** `performance.mark('mlslo:first-chart')` once, when the first chart has drawn: time to first chart. */
function markFirstChart(): void {
  if (firstChartMarked) return;
  firstChartMarked = true;
  performance.mark('mlslo:first-chart');
}

function tooltip(u: uPlot, el: HTMLDivElement, props: TimeChartProps): void {
  const idx = u.cursor.idx;
  if (idx === null || idx === undefined) {
    el.style.display = 'none';
    return;
  }
  const t = props.times[idx];
  if (t === undefined) return;
  el.replaceChildren();
  const head = document.createElement('div');
  head.className = 't';
  head.textContent = utc(t);
  el.append(head);
  props.series.forEach((s) => {
    if (s.hidden === true) return;
    const v = s.values[idx];
    const row = document.createElement('div');
    row.className = 'r';
    const name = document.createElement('span');
    const sw = document.createElement('i');
    sw.style.background = resolve(s.color);
    name.append(sw, s.label);
    const val = document.createElement('b');
    val.textContent = v === null || v === undefined ? '—' : s.format(v);
    row.append(name, val);
    el.append(row);
  });
  for (const l of props.lines ?? []) {
    const row = document.createElement('div');
    row.className = 'r faint';
    row.textContent = l.label;
    el.append(row);
  }
  const left = u.cursor.left ?? 0;
  const top = u.cursor.top ?? 0;
  const overW = u.over.clientWidth;
  el.style.display = 'block';
  const w = el.offsetWidth;
  el.style.left = `${u.over.offsetLeft + (left + 14 + w > overW ? left - w - 14 : left + 14)}px`;
  el.style.top = `${u.over.offsetTop + Math.max(0, top - 10)}px`;
}

function build(el: HTMLDivElement, tip: HTMLDivElement, props: TimeChartProps, width: number): uPlot {
  const axisColor = resolve('var(--muted)');
  const grid = resolve('var(--grid)');
  const lines = props.lines ?? [];
  const font = `11px ${root().getPropertyValue('--sans')}`;
  const few = props.times.length <= 24;
  const opts: uPlot.Options = {
    width,
    height: props.height ?? 200,
    legend: { show: false },
    // Hover points on the data series only, not on band edges or reference lines.
    cursor: { points: { size: (_u, si) => (props.series[si - 1] !== undefined && props.series[si - 1]!.hidden !== true ? 6 : 0) }, drag: { x: false, y: false } },
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: {
      x: { time: true },
      y: props.yRange === undefined ? {} : { range: (_u, min, max) => props.yRange!(min, max) },
    },
    axes: [
      { stroke: axisColor, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font, values: timeTicks, ...(props.daily === true ? { incrs: DAY_INCRS } : {}) },
      {
        stroke: axisColor, grid: { stroke: grid, width: 1 }, ticks: { show: false }, font, size: 58,
        values: (_u, splits) => props.yTicks?.(splits) ?? splits.map((v) => props.yFormat(v)),
      },
    ],
    series: [
      {},
      ...props.series.map((s) => ({
        label: s.label,
        stroke: resolve(s.color),
        width: s.width ?? 1.5,
        ...(s.dash === undefined ? {} : { dash: [...s.dash] }),
        points: { show: few && s.hidden !== true, size: 4 },
        spanGaps: false,
      })),
      ...lines.map((l) => ({ label: l.label, stroke: resolve(l.color), width: 1.25, dash: [...(l.dash ?? [6, 4])], points: { show: false } })),
    ],
    bands: (props.bands ?? []).map((b) => ({ series: [b.upper + 1, b.lower + 1] as [number, number], fill: withAlpha(b.color, 0.16) })),
    hooks: {
      setCursor: [(u) => tooltip(u, tip, props)],
      draw: [markFirstChart],
    },
  };
  const xs = props.times.map((t) => t / 1000);
  const data: uPlot.AlignedData = [
    xs,
    ...props.series.map((s) => [...s.values]),
    ...lines.map((l) => xs.map(() => l.value)),
  ];
  return new uPlot(opts, data, el);
}

export function TimeChart(props: TimeChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);

  // Built before the browser paints, so the chart appears with its panel.
  useLayoutEffect(() => {
    const el = host.current;
    const tipEl = tip.current;
    if (el === null || tipEl === null) return undefined;
    let chart = build(el, tipEl, props, Math.max(200, el.clientWidth));
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (Math.abs(w - chart.width) > 1) chart.setSize({ width: w, height: props.height ?? 200 });
    });
    ro.observe(el);
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    const rebuild = (): void => {
      chart.destroy();
      chart = build(el, tipEl, props, Math.max(200, el.clientWidth));
    };
    scheme.addEventListener('change', rebuild);
    const leave = (): void => {
      tipEl.style.display = 'none';
    };
    el.addEventListener('mouseleave', leave);
    return () => {
      ro.disconnect();
      scheme.removeEventListener('change', rebuild);
      el.removeEventListener('mouseleave', leave);
      chart.destroy();
    };
  }, [props]);

  return (
    <div class="chart" role="img" aria-label={props.label}>
      <div ref={host} />
      <div ref={tip} class="chart-tip" style={{ display: 'none' }} aria-hidden="true" />
    </div>
  );
}

export function ChartLegend({ items }: { items: ReadonlyArray<{ label: string; color: string; kind?: 'line' | 'dash' | 'box' }> }) {
  return (
    <div class="chart-legend" aria-hidden="true">
      {items.map((it) => (
        <span key={it.label}>
          <i class={it.kind === 'dash' ? 'dash' : it.kind === 'box' ? 'box' : undefined} style={{ background: it.color }} />
          {it.label}
        </span>
      ))}
      <span style={{ marginLeft: 'auto' }}>times in UTC</span>
    </div>
  );
}
