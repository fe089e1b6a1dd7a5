/** One card per dimension: the SLI against its objective, its interval, and the error budget left. */
import type { Dimension, ReportResponse } from '../../api/types.ts';
import { DIMENSIONS, DIMENSION_COLOR, DIMENSION_LABEL } from '../../api/types.ts';
import { budgetClass } from '../../components/budget-bar.tsx';
import { budgetPct, count, estCount, objectivePct, pct, pctRange } from '../../lib/format.ts';

function Card({ d, r }: { d: Dimension; r: ReportResponse }) {
  const dim = r[d];
  const insufficient = d === 'quality' && r.quality.status === 'insufficient';
  const met = dim.sli !== null && dim.sli >= dim.objective;
  const cls = budgetClass(insufficient ? null : dim.remaining);
  const meter = Math.max(0, Math.min(1, dim.remaining)) * 100;
  const counted = d === 'errors' || d === 'latency';
  return (
    <div class="panel kpi">
      <div class="label">
        <span class="swatch" style={{ background: DIMENSION_COLOR[d] }} aria-hidden="true" />
        {DIMENSION_LABEL[d]}
        {d === 'composite' && r.composite.upperBound ? <span class="tag warn" title="q̂ is insufficient: the composite is the upper bound okFast ÷ eligible">upper bound</span> : null}
      </div>
      <div>
        <span class={`big ${dim.sli === null ? 'faint' : met ? '' : 't-bad'}`}>{insufficient ? 'insufficient' : pct(dim.sli)}</span>{' '}
        <span class="vs">/ {objectivePct(dim.objective)}</span>
      </div>
      <div class="row">
        <span>95% interval</span>
        <b>{dim.interval === null ? '—' : `${pctRange(dim.interval.lower, dim.interval.upper)}`}</b>
      </div>
      <div class="row">
        <span>budget left</span>
        <b class={cls === 'grey' ? 'faint' : `t-${cls}`}>{insufficient ? '—' : budgetPct(dim.remaining)}</b>
      </div>
      <div class="meter" aria-hidden="true">
        <span style={{ width: `${dim.remaining < 0 ? 100 : meter}%`, background: cls === 'grey' ? 'var(--faint)' : `var(--${cls})` }} />
      </div>
      <div class="row">
        <span>{counted ? 'bad' : 'bad (est.)'} / allowed</span>
        <b>{counted ? count(dim.consumed) : estCount(dim.consumed)} / {estCount(dim.budget)}</b>
      </div>
      <div class="row">
        <span>{d === 'latency' || d === 'quality' ? 'ok requests' : 'eligible requests'}</span>
        <b>{count(dim.total)}</b>
      </div>
      {d === 'quality' ? (
        <>
          <div class="row">
            <span>judged</span>
            <b>{count(r.quality.judged)} <span class="faint" style={{ fontWeight: 400 }}>({pct(r.quality.coverage, 1)} coverage)</span></b>
          </div>
          <div class="row">
            <span title="ok requests within labelGrace without a verdict yet">pending labels</span>
            <b>{count(r.quality.pending)}</b>
          </div>
        </>
      ) : null}
    </div>
  );
}

export function Kpis({ report }: { report: ReportResponse }) {
  return <div class="grid-4">{DIMENSIONS.map((d) => <Card key={d} d={d} r={report} />)}</div>;
}
