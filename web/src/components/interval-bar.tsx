/**
 * A point estimate with its 95% interval against the objective, on a shared scale — a one-row forest
 * plot, so a column of them compares cohorts or versions at a glance.
 */
import { pct, pctRange } from '../lib/format.ts';

export interface Scale {
  readonly min: number;
  readonly max: number;
}

/** A scale that holds every interval and the objective, with a little room. */
export function scaleFor(values: ReadonlyArray<{ lower: number; upper: number } | null>, objective: number): Scale {
  let min = objective;
  let max = objective;
  for (const v of values) {
    if (v === null) continue;
    min = Math.min(min, v.lower);
    max = Math.max(max, v.upper);
  }
  const pad = Math.max(0.005, (max - min) * 0.08);
  return { min: Math.max(0, min - pad), max: Math.min(1, max + pad) };
}

export function IntervalBar(props: { value: number | null; interval: { lower: number; upper: number } | null; objective: number; scale: Scale }) {
  const { scale, interval, value, objective } = props;
  const x = (v: number): string => `${((v - scale.min) / (scale.max - scale.min || 1)) * 100}%`;
  const below = interval !== null && interval.upper < objective;
  const above = interval !== null && interval.lower >= objective;
  const color = below ? 'var(--bad)' : above ? 'var(--good)' : 'var(--warn)';
  const title = interval === null ? 'insufficient judged requests' : `q̂ ${pct(value)}, 95% interval ${pctRange(interval.lower, interval.upper)}, objective ${pct(objective)}`;
  return (
    <div class="ci" title={title} aria-hidden="true">
      <div class="track" />
      {interval === null ? null : <div class="range" style={{ left: x(interval.lower), width: `calc(${x(interval.upper)} - ${x(interval.lower)})`, background: color, opacity: 0.45 }} />}
      {value === null ? null : <div class="point" style={{ left: x(value) }} />}
      <div class="obj" style={{ left: x(objective) }} />
    </div>
  );
}
