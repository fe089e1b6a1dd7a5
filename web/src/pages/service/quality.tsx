/**
 * Quality in depth: q̂ with its interval, coverage and pending labels, the spec's quality objectives,
 * the label-free estimate beside the realized value, and every cohort value with its interval against
 * the objective and its flags (below-objective, worse-than-rest after Benjamini–Hochberg).
 */
import { Fragment } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { ObjectiveResult, QualityResponse } from '../../api/types.ts';
import { FlagTags } from '../../components/badges.tsx';
import { IntervalBar, scaleFor } from '../../components/interval-bar.tsx';
import { SortableTable, type Column } from '../../components/sortable-table.tsx';
import { count, objectivePct, pct, pctRange, pValue, stat } from '../../lib/format.ts';

type CohortDoc = Extract<QualityResponse, { by: 'cohort' }>;
type CohortGroup = CohortDoc['groups'][number];

const OBJECTIVE_STATUS: Readonly<Record<ObjectiveResult['status'], string>> = {
  met: 'good', at_risk: 'warn', violated: 'bad', insufficient: 'grey',
};

function metricValue(o: ObjectiveResult): string {
  if (o.value === undefined) return '—';
  return ['mae', 'rmse', 'score_mean'].includes(o.metric) ? stat(o.value) : pct(o.value);
}

function Objectives({ objectives }: { objectives: readonly ObjectiveResult[] }) {
  if (objectives.length === 0) return null;
  return (
    <div class="table-wrap"><table class="data">
      <thead><tr><th>Objective</th><th class="num">Target</th><th class="num">Value</th><th class="num">95% interval</th><th class="num">n</th><th>Status</th></tr></thead>
      <tbody>
        {objectives.map((o) => (
          <tr key={o.name}>
            <td class="mono">{o.name}</td>
            <td class="num">{o.direction === 'lower_is_better' ? '≤ ' : '≥ '}{['mae', 'rmse', 'score_mean'].includes(o.metric) ? stat(o.target) : objectivePct(o.target)}</td>
            <td class="num">{metricValue(o)}</td>
            <td class="num faint">{o.interval === undefined ? '—' : `${metricValue({ ...o, value: o.interval.lower })} – ${metricValue({ ...o, value: o.interval.upper })}`}</td>
            <td class="num">{count(o.n)}</td>
            <td><span class={`badge ${OBJECTIVE_STATUS[o.status]}`}>{o.status.replace('_', ' ')}</span></td>
          </tr>
        ))}
      </tbody>
    </table></div>
  );
}

export function QualitySummary({ doc }: { doc: QualityResponse }) {
  const o = doc.overall;
  const est = o.estimated;
  return (
    <div class="panel">
      <header>
        <h3>Overall</h3>
        <span class="sub">{doc.task} · q̂ is Hájek-weighted over judged ok requests · minSamples {doc.minSamples}</span>
      </header>
      <div class="panel-body stack" style={{ gap: '0.8rem' }}>
        <dl class="kv">
          <dt>q̂</dt>
          <dd>
            {o.status === 'insufficient' ? <span class="t-warn">insufficient ({count(o.judged)} judged &lt; {doc.minSamples})</span> : (
              <><b class={o.interval !== null && o.interval.upper < doc.objective ? 't-bad' : undefined}>{pct(o.qHat)}</b>
                <span class="faint"> (95% {o.interval === null ? '—' : `${pctRange(o.interval.lower, o.interval.upper)}`}) · objective {objectivePct(doc.objective)}</span></>
            )}
          </dd>
          <dt>judged / ok</dt><dd>{count(o.judged)} / {count(o.ok)} <span class="faint">· coverage {pct(o.coverage, 1)}{o.effectiveN === null ? '' : ` · effective n ${count(o.effectiveN)}`}</span></dd>
          <dt>pending labels</dt><dd>{count(o.pending)} <span class="faint">ok requests within labelGrace without a verdict yet</span></dd>
          {est === null ? null : (
            <>
              <dt>estimated (CBPE)</dt>
              <dd>
                {pct(est.accuracy)} <span class="faint">from predicted probabilities over {count(est.n)} scored requests · </span>
                <span class={est.trust.trusted ? 't-good' : 't-warn'}>{est.trust.trusted ? 'calibrated' : 'not trusted'}</span>
                <span class="faint"> — {est.trust.reason}</span>
              </dd>
            </>
          )}
          {o.proxy === null ? null : (
            <>
              <dt>feedback proxy (not counted)</dt>
              <dd>
                <span class="proxy" title="from user feedback (clicks, dwell, follow-ups) by the spec's proxy rule; never part of q̂ or the SLI">{pct(o.proxy.value)}</span>
                <span class="faint"> over {count(o.proxy.n)} requests with feedback · a proxy beside ground truth, not part of q̂ or the SLI</span>
              </dd>
            </>
          )}
          {doc.stratified.map((s) => <Fragment key={s.attr}><dt>stratified by {s.attr}</dt><dd>{pct(s.qHat)}</dd></Fragment>)}
        </dl>
        <Objectives objectives={doc.objectives} />
        {doc.warnings.map((w) => <div key={w} class="callout warn">{w}</div>)}
      </div>
    </div>
  );
}

export function CohortTable({ doc }: { doc: QualityResponse }) {
  const groups: readonly CohortGroup[] = doc.by === 'cohort' ? doc.groups : [];
  const attrs = useMemo(() => [...new Set(groups.map((g) => g.attr))], [groups]);
  const [attr, setAttr] = useState<string>('');
  const rows = attr === '' ? groups : groups.filter((g) => g.attr === attr);
  const scale = useMemo(() => scaleFor(rows.map((g) => g.interval), doc.objective), [rows, doc.objective]);
  const columns = useMemo((): Column<CohortGroup>[] => [
    { key: 'attr', label: 'Attribute', sort: (g) => g.attr, render: (g) => <span class="faint">{g.attr}</span> },
    { key: 'value', label: 'Value', sort: (g) => g.value, render: (g) => <b>{g.value}</b> },
    { key: 'qhat', label: 'q̂', num: true, sort: (g) => g.qHat, render: (g) => (g.status === 'insufficient' ? <span class="faint">insufficient</span> : pct(g.qHat)) },
    {
      key: 'ci', label: `95% interval vs objective ${objectivePct(doc.objective)}`, sort: (g) => g.interval?.upper ?? null,
      render: (g) => (
        <div style={{ display: 'flex', gap: '0.6rem', alignItems: 'center' }}>
          <IntervalBar value={g.qHat} interval={g.interval} objective={doc.objective} scale={scale} />
          <span class="faint nowrap">{g.interval === null ? '' : `${pctRange(g.interval.lower, g.interval.upper)}`}</span>
        </div>
      ),
    },
    { key: 'judged', label: 'Judged', num: true, sort: (g) => g.judged, render: (g) => count(g.judged) },
    { key: 'coverage', label: 'Coverage', num: true, sort: (g) => g.coverage, render: (g) => pct(g.coverage, 1) },
    { key: 'p', label: 'adj. p', title: 'two-proportion z-test against the rest, Benjamini–Hochberg adjusted', num: true, sort: (g) => g.test?.adjustedP ?? null, render: (g) => pValue(g.test?.adjustedP) },
    { key: 'flags', label: 'Flags', sort: (g) => -g.flags.length, render: (g) => <FlagTags flags={g.flags} /> },
  ], [doc.objective, scale]);

  return (
    <div class="panel">
      <header>
        <h3>Quality per cohort</h3>
        <span class="sub">{groups.length} cohort values · worst q̂ first · values under minSamples are not tested</span>
        {attrs.length < 2 ? null : <span class="right">
          <label class="field">attribute
            <select value={attr} onChange={(e) => setAttr((e.currentTarget).value)}>
              <option value="">all</option>
              {attrs.map((a) => <option key={a} value={a}>{a}</option>)}
            </select>
          </label>
        </span>}
      </header>
      {groups.length === 0 ? <div class="empty">No cohort attributes are declared (spec <code>cohorts:</code>), or no traffic carried them.</div> : (
        <SortableTable
          caption="Quality per cohort value"
          columns={columns}
          rows={rows}
          rowKey={(g) => `${g.attr}\u0000${g.value}`}
          initial={{ key: 'qhat', dir: 'asc' }}
          tiebreak={(a, b) => b.judged - a.judged}
          rowClass={(g) => (g.flags.includes('below-objective') ? 'row-bad' : g.flags.length > 0 ? 'row-warn' : undefined)}
        />
      )}
    </div>
  );
}
