/**
 * One service: header, window and as-of pickers, then the SLO (cards, SLI charts, burn-down, burn rates,
 * bad events), quality (summary, cohorts, heatmap), model versions, evals, labeler agreement and signal
 * calibration, drift and alerts. Every document is fetched for the window and as-of in the URL; with no
 * as-of they refresh every 30 s.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { servicePath } from '../../api/client.ts';
import type {
  AgreementResponse, AlertHistoryResponse, AlertsResponse, BaselinesResponse, CalibrationResponse, DriftResponse, DriftSeriesResponse,
  EvalRunsResponse, GoldenSetsResponse, HeatmapResponse, QualityResponse, ReportResponse, RetrainHistoryResponse, SeriesResponse,
  ServicesResponse,
} from '../../api/types.ts';
import { useApi, useTicker } from '../../api/use-api.ts';
import { Async, ErrorBox } from '../../components/async.tsx';
import { StateBadge } from '../../components/badges.tsx';
import { objectivePct } from '../../lib/format.ts';
import { linkHandler, navigate, withQuery, type Location } from '../../lib/router.ts';
import { serverNow, type ServerClock } from '../../lib/server-clock.ts';
import { driftWindow, seriesStep } from '../../lib/window.ts';
import { AgreementSection } from './agreement.tsx';
import { AlertsSection, alertPaths } from './alerts.tsx';
import { BadEvents, BurnRates } from './burn.tsx';
import { BurnDownChart, SliCharts } from './charts.tsx';
import { DriftSection } from './drift.tsx';
import { EvalsSection, evalPaths } from './evals.tsx';
import { Heatmap } from './heatmap.tsx';
import { Kpis } from './kpis.tsx';
import { CohortTable, QualitySummary } from './quality.tsx';
import { Toolbar } from './toolbar.tsx';
import { Versions } from './versions.tsx';

const REFRESH_MS = 30_000;
const HEATMAP_DAYS = 14;
const DRIFT_DAYS = 30;

function Section(props: { id: string; title: string; sub?: string; children: ComponentChildren }) {
  return (
    <section id={props.id} class="stack" aria-labelledby={`${props.id}-title`}>
      <div class="section-title">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        {props.sub === undefined ? null : <span class="sub">{props.sub}</span>}
      </div>
      {props.children}
    </section>
  );
}

export function ServicePage({ name, loc, clock }: { name: string; loc: Location; clock: ServerClock | undefined }) {
  const window = loc.query.get('window') ?? undefined;
  const at = loc.query.get('at') ?? undefined;
  const tick = useTicker(REFRESH_MS, at === undefined);
  const now = serverNow(clock);

  const services = useApi<ServicesResponse>('/v1/services', tick);
  const summary = services.kind === 'ok' ? services.data.services.find((s) => s.name === name) : undefined;
  const effectiveWindow = window ?? summary?.window;

  const report = useApi<ReportResponse>(servicePath(name, '/report', { window, at }), tick);
  // Without a window the server picks the spec's window and its step, so the first chart waits for nothing else.
  const series = useApi<SeriesResponse>(servicePath(name, '/series', { window, step: window === undefined ? undefined : seriesStep(window), at }), tick);
  // Everything below the fold waits for the SLO report and the series: on a busy server the first
  // screen then competes with nothing (browsers open only six connections per origin).
  const primaryDone = report.kind !== 'loading' && series.kind !== 'loading';
  const [secondary, setSecondary] = useState(false);
  useEffect(() => {
    if (primaryDone) setSecondary(true);
  }, [primaryDone]);
  const later = (path: string | null): string | null => (secondary ? path : null);

  const byCohort = useApi<QualityResponse>(later(servicePath(name, '/quality', { window, at, by: 'cohort' })), tick);
  const byVersion = useApi<QualityResponse>(later(servicePath(name, '/quality', { window, at, by: 'version' })), tick);
  const attrs = report.kind === 'ok' ? [...new Set(report.data.cohorts.map((c) => c.attr))] : [];
  // The heatmap opens on the attribute with a flagged value, if any: that is where the story is.
  const flagged = report.kind === 'ok' ? report.data.cohorts.find((c) => c.flags.length > 0)?.attr : undefined;
  const attr = loc.query.get('attr') ?? flagged ?? attrs[0];
  const heatmap = useApi<HeatmapResponse>(later(attr === undefined ? null : servicePath(name, '/quality/heatmap', { attr, days: HEATMAP_DAYS, at })), tick);
  const baselines = useApi<BaselinesResponse>(later(servicePath(name, '/baselines')), tick);
  // Drift is asked for only once a baseline is known to exist: without one the API answers 404, which
  // the browser would log as an error on every service page of a service that has none.
  const hasBaseline = baselines.kind === 'ok' && baselines.data.baselines.length > 0;
  const drift = useApi<DriftResponse>(
    hasBaseline && effectiveWindow !== undefined ? servicePath(name, '/drift', { window: driftWindow(effectiveWindow), at }) : null, tick,
  );
  const driftSeries = useApi<DriftSeriesResponse>(hasBaseline ? servicePath(name, '/drift/series', { days: DRIFT_DAYS, at }) : null, tick);
  const paths = alertPaths(name);
  const alerts = useApi<AlertsResponse>(later(paths.alerts), tick);
  const history = useApi<AlertHistoryResponse>(later(paths.history), tick);
  const retrain = useApi<RetrainHistoryResponse>(later(paths.retrain), tick);
  const evals = evalPaths(name);
  const evalRuns = useApi<EvalRunsResponse>(later(evals.runs), tick);
  const goldenSets = useApi<GoldenSetsResponse>(later(evals.sets), tick);
  // Agreement and calibration are over the page's window (the spec's when none is picked), ending now.
  // A calendar month is the spec's own window, which the server uses when none is given.
  const labelWindow = effectiveWindow === undefined ? null : { window: effectiveWindow === 'month' ? undefined : effectiveWindow };
  const agreement = useApi<AgreementResponse>(later(labelWindow === null ? null : servicePath(name, '/labeling/agreement', labelWindow)), tick);
  const calibration = useApi<CalibrationResponse>(later(labelWindow === null ? null : servicePath(name, '/calibration', labelWindow)), tick);

  if (report.kind === 'error' && report.error.code === 'MLSLO_ERR_SERVICE_NOT_FOUND') {
    return <div class="panel"><ErrorBox error={report.error} what={`service ${name}`} /><div class="empty"><a href="/" onClick={linkHandler}>Back to the services</a></div></div>;
  }

  return (
    <div class="stack">
      <div class="panel svc-head">
        <div style={{ flex: 1, minWidth: 0 }}>
          <div class="title">
            <h1>{name}</h1>
            {summary === undefined ? null : <StateBadge state={summary.state} />}
            {summary === undefined ? null : <span class="faint" title="the state is always the current one, whatever the as-of">now</span>}
            {summary !== undefined && summary.firing > 0 ? <a class="badge bad plain" href="#alerts">{summary.firing} burn-rate row{summary.firing === 1 ? '' : 's'} firing</a> : null}
          </div>
          {summary === undefined ? null : (
            <dl>
              <div><dt>task</dt><dd>{summary.task}</dd></div>
              <div><dt>tier</dt><dd>{summary.tier}</dd></div>
              <div><dt>owner (model team)</dt><dd>{summary.owner}</dd></div>
              <div><dt>on-call (SRE)</dt><dd>{summary.oncall}</dd></div>
              <div><dt>SLO window</dt><dd>{summary.window}</dd></div>
              <div><dt>objectives</dt><dd>
                errors {objectivePct(summary.objectives.errors)} · latency {objectivePct(summary.objectives.latency)} · quality {objectivePct(summary.objectives.quality)} · composite {objectivePct(summary.objectives.composite)}
              </dd></div>
              {summary.public ? <div><dt>status page</dt><dd><a href="/status">public</a></dd></div> : null}
            </dl>
          )}
        </div>
      </div>

      <Toolbar loc={loc} specWindow={summary?.window} now={now} asOf={report.kind === 'ok' ? report.data.asOf : undefined} />

      <Async value={report} what="the SLO report">
        {(r) => (
          <div class="stack">
            <div class="faint">
              Window <b>{r.window}</b>: {r.from.replace('T', ' ').slice(0, 16)} → {r.to.replace('T', ' ').slice(0, 16)} UTC · labels known as of {r.asOf.replace('T', ' ').slice(0, 19)} UTC
              {r.orphans > 0 ? ` · ${r.orphans} orphan outcomes` : ''}
            </div>
            <Kpis report={r} />
          </div>
        )}
      </Async>

      <Section id="slis" title="SLIs over time" sub="per bucket, against each objective">
        <Async value={series} what="the SLI series">{(s) => <SliCharts series={s} />}</Async>
      </Section>

      <Section id="budget" title="Error budget">
        <div class="grid-2">
          <Async value={series} what="the burn-down">{(s) => <BurnDownChart series={s} />}</Async>
          <Async value={report} what="the bad events">{(r) => <BadEvents report={r} />}</Async>
        </div>
        <div id="burn" style={{ scrollMarginTop: '104px' }}>
          <Async value={report} what="the burn rates">{(r) => <BurnRates report={r} />}</Async>
        </div>
      </Section>

      <Section id="quality" title="Quality" sub="realized from judged requests; the label-free estimate beside it, never mixed in">
        <Async value={byCohort} what="the quality report">{(q) => <QualitySummary doc={q} />}</Async>
      </Section>

      <Section id="cohorts" title="Cohorts">
        <Async value={byCohort} what="quality per cohort">{(q) => <CohortTable doc={q} />}</Async>
        <div class="panel">
          <header>
            <h3>Cohort × day</h3>
            <span class="sub">q̂ per UTC day over the last {HEATMAP_DAYS} days, by request time</span>
            {attrs.length > 1 ? (
              <span class="right">
                <label class="field">attribute
                  <select value={attr} onChange={(e) => navigate(withQuery(loc, { attr: (e.currentTarget).value }), { replace: true })}>
                    {attrs.map((a) => <option key={a} value={a}>{a}</option>)}
                  </select>
                </label>
              </span>
            ) : null}
          </header>
          <div class="panel-body">
            {attr === undefined && report.kind === 'ok' ? <div class="empty">No cohort attribute is declared.</div> : (
              <Async value={heatmap} what="the heatmap">{(h) => <Heatmap data={h} />}</Async>
            )}
          </div>
        </div>
      </Section>

      <Section id="versions" title="Model versions" sub="side by side over the window">
        <div class="panel">
          <Async value={report} what="the versions">
            {(r) => <Versions report={r} quality={byVersion.kind === 'ok' ? byVersion.data : undefined} />}
          </Async>
        </div>
      </Section>

      <Section id="evals" title="Evals" sub="golden sets and production replays, scored with the service's verdict rule · the latest runs, whatever the as-of">
        <EvalsSection runs={evalRuns} sets={goldenSets} loc={loc} now={now} />
      </Section>

      <Section id="labels" title="Agreement & calibration" sub="human labels from the labeling queue: do labelers agree, and can the automatic signals be trusted?">
        <AgreementSection agreement={agreement} calibration={calibration} asOf={at} />
      </Section>

      <Section id="drift" title="Drift" sub="production inputs and predictions against the training baseline">
        <DriftSection service={name} drift={drift} series={driftSeries} baselines={baselines} />
      </Section>

      <Section id="alerts" title="Alerts">
        <AlertsSection alerts={alerts} history={history} retrain={retrain} now={now} />
      </Section>
    </div>
  );
}
