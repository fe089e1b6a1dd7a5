/**
 * Every service at a glance, worst first: state, firing burn alerts, and per dimension the error budget
 * left with the SLI against its objective. Refreshes every 30 s while the tab is visible.
 */
import { useMemo } from 'preact/hooks';
import type { Dimension, ServiceSummary, ServicesResponse } from '../api/types.ts';
import { DIMENSIONS, DIMENSION_LABEL } from '../api/types.ts';
import { useApi, useTicker } from '../api/use-api.ts';
import { Async } from '../components/async.tsx';
import { StateBadge, stateRank } from '../components/badges.tsx';
import { BudgetBar } from '../components/budget-bar.tsx';
import { SortableTable, type Column } from '../components/sortable-table.tsx';
import { count, objectivePct, pct, utc } from '../lib/format.ts';
import { linkHandler, navigate, servicePath } from '../lib/router.ts';

const REFRESH_MS = 30_000;

function minRemaining(s: ServiceSummary): number {
  return Math.min(...DIMENSIONS.map((d) => s.remaining[d]));
}

function sliClass(sli: number | null, objective: number): string {
  if (sli === null) return 'faint';
  return sli >= objective ? 't-good' : 't-bad';
}

function dimensionColumn(d: Dimension): Column<ServiceSummary> {
  return {
    key: d,
    label: DIMENSION_LABEL[d],
    title: `${DIMENSION_LABEL[d]}: error budget left over the SLO window, and SLI vs objective`,
    num: true,
    sort: (s) => s.remaining[d],
    render: (s) => {
      const insufficient = d === 'quality' && s.quality.status === 'insufficient';
      return (
        <div>
          <BudgetBar remaining={insufficient ? null : s.remaining[d]} label={`${DIMENSION_LABEL[d]} budget`} />
          <div class="faint" style={{ fontSize: '0.88rem' }}>
            {insufficient ? <span title="fewer judged requests than minSamples: q̂ is not estimated">insufficient · {count(s.quality.judged)} judged</span> : (
              <>
                <span class={sliClass(s.sli[d], s.objectives[d])}>{pct(s.sli[d])}</span>
                {' / '}{objectivePct(s.objectives[d])}
                {d === 'composite' && s.quality.status === 'insufficient' ? ' (upper bound)' : ''}
              </>
            )}
          </div>
        </div>
      );
    },
  };
}

const COLUMNS: readonly Column<ServiceSummary>[] = [
  {
    key: 'name', label: 'Service', sort: (s) => s.name,
    render: (s) => (
      <div>
        <a href={servicePath(s.name)} onClick={linkHandler} style={{ fontWeight: 600 }}>{s.name}</a>
        <div class="faint" style={{ fontSize: '0.88rem' }}>{s.task} · owner {s.owner} · on-call {s.oncall}</div>
      </div>
    ),
  },
  {
    key: 'state', label: 'State', title: 'Worst first: outage, quality degraded, degraded, no data, operational; then by the least budget left',
    sort: (s) => stateRank(s.state) * 10 + Math.max(-5, Math.min(1, minRemaining(s))),
    render: (s) => <StateBadge state={s.state} />,
  },
  {
    key: 'firing', label: 'Firing', title: 'Burn-rate policy rows firing now', num: true, sort: (s) => -s.firing,
    render: (s) => (s.firing > 0 ? <span class="badge bad plain">{s.firing}</span> : <span class="faint">0</span>),
  },
  ...DIMENSIONS.map(dimensionColumn),
  {
    key: 'judged', label: 'Judged', title: 'Judged requests in the window, and coverage (judged ÷ ok)', num: true, sort: (s) => s.quality.judged,
    render: (s) => (
      <div>
        {count(s.quality.judged)}
        <div class="faint" style={{ fontSize: '0.88rem' }}>{s.quality.coverage === null ? '—' : `${pct(s.quality.coverage, 1)} coverage`}</div>
      </div>
    ),
  },
  { key: 'tier', label: 'Tier', num: true, hideNarrow: true, sort: (s) => s.tier, render: (s) => <span class="tag">tier {s.tier}</span> },
  { key: 'window', label: 'Window', hideNarrow: true, sort: (s) => s.window, render: (s) => <span class="mono">{s.window}</span> },
];

function Tiles({ services }: { services: readonly ServiceSummary[] }) {
  const by = (st: ServiceSummary['state']): number => services.filter((s) => s.state === st).length;
  const firing = services.reduce((a, s) => a + s.firing, 0);
  const tiles: Array<{ n: number; l: string; cls?: string }> = [
    { n: services.length, l: 'services' },
    { n: by('outage'), l: 'outage', cls: by('outage') > 0 ? 't-bad' : undefined },
    { n: by('quality_degraded') + by('degraded'), l: 'degraded', cls: by('quality_degraded') + by('degraded') > 0 ? 't-warn' : undefined },
    { n: by('operational'), l: 'operational', cls: 't-good' },
    { n: firing, l: 'burn-rate rows firing', cls: firing > 0 ? 't-bad' : undefined },
  ];
  return (
    <div class="tiles">
      {tiles.map((t) => (
        <div key={t.l} class="panel tile">
          <div class={`n ${t.cls ?? ''}`}>{t.n}</div>
          <div class="l">{t.l}</div>
        </div>
      ))}
    </div>
  );
}

export function Overview() {
  const tick = useTicker(REFRESH_MS, true);
  const services = useApi<ServicesResponse>('/v1/services', tick);
  const tiebreak = useMemo(() => (a: ServiceSummary, b: ServiceSummary) => a.name.localeCompare(b.name), []);

  return (
    <div class="stack">
      <div class="page-head">
        <h1>Services</h1>
        <div class="right">
          {services.kind === 'ok' ? (
            <span class="live" title="refreshes every 30 s">
              <span class="dot" aria-hidden="true" />live · as of {utc(services.data.asOf, true)}
            </span>
          ) : null}
        </div>
      </div>
      <Async value={services} what="the services">
        {(data) => (
          <div class="stack">
            <Tiles services={data.services} />
            <div class="panel">
              <header>
                <h2>All services</h2>
                <span class="sub">over each service's SLO window · budget left, and SLI / objective<span class="wide-only"> · click a column to sort</span></span>
              </header>
              {data.services.length === 0 ? (
                <div class="empty">No service is defined, or this key may read none. Start the server with <code>--specs DIR</code>.</div>
              ) : (
                <SortableTable
                  caption="Services, worst first"
                  columns={COLUMNS}
                  rows={data.services}
                  rowKey={(s) => s.name}
                  initial={{ key: 'state', dir: 'asc' }}
                  tiebreak={tiebreak}
                  rowClass={(s) => (s.state === 'outage' ? 'row-bad' : s.state === 'degraded' || s.state === 'quality_degraded' ? 'row-warn' : undefined)}
                  onRowClick={(s) => navigate(servicePath(s.name))}
                  cards
                />
              )}
            </div>
          </div>
        )}
      </Async>
    </div>
  );
}
