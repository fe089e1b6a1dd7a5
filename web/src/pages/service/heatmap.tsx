/**
 * Cohort × day heatmap of q̂. Colour is the distance to the objective measured in error budgets —
 * (q̂ − objective) ÷ (1 − objective) — so "twice the allowed error rate" looks the same for a 90% and a
 * 99% objective. Cells under minSamples are hatched, never coloured; flagged cells are outlined.
 */
import type { HeatmapCell, HeatmapResponse } from '../../api/types.ts';
import { count, objectivePct, pct, pctRange } from '../../lib/format.ts';

interface Bucket {
  readonly min: number;
  readonly color: string;
  readonly label: (objective: number) => string;
}

const pp = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}pp`;

/** Ordered from best; `min` in budgets of (1 − objective). */
const BUCKETS: readonly Bucket[] = [
  { min: 0.5, color: '#4fb477', label: (o) => `≥ ${pp((1 - o) * 0.5)}` },
  { min: 0, color: '#a6dcb5', label: () => 'at or above' },
  { min: -0.5, color: '#f7d98b', label: (o) => `to ${pp(-(1 - o) * 0.5)}` },
  { min: -1, color: '#f4a261', label: (o) => `to ${pp(-(1 - o))}` },
  { min: -Infinity, color: '#e5635d', label: (o) => `< ${pp(-(1 - o))}` },
];

function bucketOf(qHat: number, objective: number): Bucket {
  const budgets = (qHat - objective) / Math.max(1e-9, 1 - objective);
  return BUCKETS.find((b) => budgets >= b.min) ?? BUCKETS[BUCKETS.length - 1]!;
}

type CellLike = Pick<HeatmapCell, 'judged' | 'qHat' | 'interval' | 'status' | 'flags'>;

function Cell({ cell, objective, label, overall }: { cell: CellLike; objective: number; label: string; overall?: boolean }) {
  const cls = [overall === true ? 'overall' : '', cell.flags.length > 0 ? 'flagged' : ''];
  if (cell.status === 'insufficient' || cell.qHat === null) {
    return (
      <td class={['insufficient', ...cls].join(' ')} title={`${label}: ${count(cell.judged)} judged — fewer than minSamples, not estimated`}>
        {cell.judged === 0 ? '' : <span aria-label="insufficient">·</span>}
      </td>
    );
  }
  const b = bucketOf(cell.qHat, objective);
  const ci = cell.interval === null ? '' : ` (95% ${pctRange(cell.interval.lower, cell.interval.upper)})`;
  const flags = cell.flags.length === 0 ? '' : ` · ${cell.flags.join(', ')}`;
  return (
    <td class={cls.join(' ')} style={{ background: b.color }} title={`${label}: q̂ ${pct(cell.qHat)}${ci}, ${count(cell.judged)} judged${flags}`}>
      {pct(cell.qHat, 1)}
    </td>
  );
}

/** Index of the first day any row has a judged request: the days before carry no information. */
function firstDayWithData(data: HeatmapResponse): number {
  const firsts = data.rows.map((r) => r.cells.findIndex((c) => c.judged > 0)).filter((i) => i >= 0);
  return firsts.length === 0 ? 0 : Math.min(...firsts);
}

export function Heatmap({ data }: { data: HeatmapResponse }) {
  const o = data.objective;
  if (data.rows.length === 0) return <div class="empty">No traffic carried <code>{data.attr}</code> in these days.</div>;
  const skip = firstDayWithData(data);
  const days = data.days.slice(skip);
  return (
    <div class="stack" style={{ gap: '0.6rem' }}>
      <div class="table-wrap">
        <table class="heat">
          <caption class="sr-only">q̂ per {data.attr} value and UTC day; objective {objectivePct(o)}</caption>
          <thead>
            <tr>
              <th scope="col" style={{ textAlign: 'left' }}>{data.attr}</th>
              <th scope="col">all days</th>
              {days.map((d) => <th key={d} scope="col" title={d}>{d.slice(5)}</th>)}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.value}>
                <th scope="row" title={r.value}>{r.value}</th>
                <Cell cell={r.overall} objective={o} label={`${data.attr}=${r.value}, all days`} overall />
                {r.cells.slice(skip).map((c) => <Cell key={c.day} cell={c} objective={o} label={`${data.attr}=${r.value} on ${c.day}`} />)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="heat-legend">
        <span>q̂ vs objective {objectivePct(o)}:</span>
        {BUCKETS.map((b) => <span key={b.min}><span class="sw" style={{ background: b.color }} />{b.label(o)}</span>)}
        <span><span class="sw hatch" />under minSamples ({data.minSamples})</span>
        <span><span class="sw flag" />flagged (below objective or worse than the rest that day)</span>
        {skip > 0 ? <span>{skip} earlier day{skip === 1 ? '' : 's'} without judged requests not shown</span> : null}
      </div>
    </div>
  );
}
