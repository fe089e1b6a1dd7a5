/**
 * Alerts of the service: what fires or is pending, with its route, hint and evidence (burn windows, bad
 * events by dimension, worst cohorts and versions), the notification delivery log of each, the
 * fired/resolved history and the retraining requests sent.
 */
import { useState } from 'preact/hooks';
import { servicePath } from '../../api/client.ts';
import type {
  Alert, AlertHistoryResponse, AlertsResponse, DeliveriesResponse, Hint, RetrainHistoryResponse,
} from '../../api/types.ts';
import { DIMENSION_LABEL } from '../../api/types.ts';
import { useApi, type Loadable } from '../../api/use-api.ts';
import { AlertStateBadge, FlagTags, SeverityBadge } from '../../components/badges.tsx';
import { Async } from '../../components/async.tsx';
import { JsonView } from '../../components/json-view.tsx';
import { ago, burn, count, estCount, objectivePct, pct, pctRange, pValue, utc } from '../../lib/format.ts';

type Evidence = Alert['evidence'];
type BurnEvidence = Extract<Evidence, { kind: 'burn' }>;
type Breakdowns = NonNullable<BurnEvidence['breakdowns']>;

export function hintText(h: Hint): string {
  switch (h.kind) {
    case 'rollback':
      return `Roll back ${h.from} → ${h.to}: quality ${pct(h.evidence.from.qHat)} vs ${pct(h.evidence.to.qHat)} over ${h.evidence.window} (${h.evidence.basis === 'worse-than-rest' ? `worse than the rest, adj. p ${pValue(h.evidence.adjustedP)}` : 'intervals do not overlap'}).`;
    case 'gate_cohort':
      return `Gate cohort ${h.attr}=${h.value}: quality ${pct(h.qHat)}, significantly worse than the rest (adj. p ${pValue(h.adjustedP)}).`;
    case 'retrain':
      return 'Retrain: quality fell across the board and no earlier version did better.';
    case 'investigate_errors':
      return `Investigate errors: ${h.errorTypes.slice(0, 4).map((e) => `${e.type} ${pct(e.share, 0)} (${count(e.count)})`).join(', ')}.`;
    case 'check_capacity':
      return `Check capacity: ${count(h.slow)} of ${count(h.ok)} ok requests were over their latency threshold.`;
    case 'check_verdict_pipeline':
      return `Check the label / judge pipeline: no verdict arrived in the window (${count(h.verdictsBefore)} before it).`;
  }
}

function BreakdownTables({ b }: { b: Breakdowns }) {
  return (
    <div class="grid-2" style={{ gap: '0.75rem' }}>
      <div>
        <h4 style={{ margin: '0 0 0.25rem' }}>Worst cohorts <span class="faint">({b.window})</span></h4>
        {b.worstCohorts.length === 0 ? <div class="faint">No flagged cohort.</div> : (
          <div class="table-wrap"><table class="data">
            <thead><tr><th>Cohort</th><th class="num">q̂</th><th class="num">Judged</th><th class="num">adj. p</th><th>Flags</th></tr></thead>
            <tbody>
              {b.worstCohorts.map((c) => (
                <tr key={`${c.attr}=${c.value}`}><td>{c.attr}=<b>{c.value}</b></td><td class="num">{pct(c.qHat)}</td><td class="num">{count(c.judged)}</td><td class="num">{pValue(c.adjustedP)}</td><td><FlagTags flags={c.flags} /></td></tr>
              ))}
            </tbody>
          </table></div>
        )}
      </div>
      <div>
        <h4 style={{ margin: '0 0 0.25rem' }}>Versions <span class="faint">({b.window})</span></h4>
        <div class="table-wrap"><table class="data">
          <thead><tr><th>Model</th><th class="num">Traffic</th><th class="num">Errors</th><th class="num">Latency</th><th class="num">q̂</th><th>Flags</th></tr></thead>
          <tbody>
            {b.versions.map((v) => (
              <tr key={v.model}>
                <td class="mono">{v.model}{v.current ? <span class="tag" style={{ marginLeft: '0.3rem' }}>current</span> : null}</td>
                <td class="num">{count(v.eligible)}</td><td class="num">{pct(v.errorsSli)}</td><td class="num">{pct(v.latencySli)}</td>
                <td class="num">{pct(v.qHat)}</td><td><FlagTags flags={v.flags} /></td>
              </tr>
            ))}
          </tbody>
        </table></div>
      </div>
    </div>
  );
}

function BurnEvidenceView({ e }: { e: BurnEvidence }) {
  return (
    <div class="stack" style={{ gap: '0.6rem' }}>
      <div class="faint">
        {DIMENSION_LABEL[e.dimension]} objective {objectivePct(e.objective)} · {e.timeAxis === 'verdict' ? 'verdict-time windows (labels that arrived in each window)' : 'request-time windows'} · policy {e.policySource}
      </div>
      <div class="table-wrap"><table class="data">
        <thead><tr><th>Windows</th><th class="num">Long burn</th><th class="num">Short burn</th><th class="num">Factor</th><th class="num">Short-window events</th><th>Fires</th></tr></thead>
        <tbody>
          {e.rows.map((r) => (
            <tr key={`${r.longWindow}/${r.shortWindow}`} class={r.fires ? 'row-bad' : undefined}>
              <td>{r.longWindow} / {r.shortWindow}{r.verdictWindows?.long.kind === 'ok' && r.verdictWindows.long.widened ? <span class="faint"> (widened to {r.verdictWindows.long.used})</span> : null}</td>
              <td class={`num ${r.longBurn !== null && r.longBurn >= r.factor ? 't-bad' : ''}`}>{burn(r.longBurn)}</td>
              <td class={`num ${r.shortBurn !== null && r.shortBurn >= r.factor ? 't-bad' : ''}`}>{burn(r.shortBurn)}</td>
              <td class="num">{burn(r.factor)}</td>
              <td class="num">{count(r.shortEvents)}</td>
              <td>{r.fires ? <span class="badge bad">yes</span> : <span class="faint">no</span>}</td>
            </tr>
          ))}
        </tbody>
      </table></div>
      <div>
        Bad events over {e.bad.window}: errors <b>{count(e.bad.errors)}</b> · latency <b>{count(e.bad.latency)}</b> · quality{' '}
        <b>{e.bad.qualityEstimated ? estCount(e.bad.quality) : 'unknown'}</b>
        {/* Without a judged request in the window the share is not 0 but unknown (the server counts it as 0). */}
        {!e.bad.qualityEstimated ? <span class="faint"> (no judged request in the window yet)</span>
          : e.bad.qualityShare === null ? null : <span class="faint"> (quality {pct(e.bad.qualityShare, 0)} of the bad events)</span>}
      </div>
      {e.breakdowns === undefined ? null : <BreakdownTables b={e.breakdowns} />}
    </div>
  );
}

function EvidenceView({ e }: { e: Evidence }) {
  switch (e.kind) {
    case 'burn':
      return <BurnEvidenceView e={e} />;
    case 'quality':
      return (
        <div class="stack" style={{ gap: '0.5rem' }}>
          <dl class="kv">
            <dt>objective</dt><dd class="mono">{e.objective.name} {e.objective.direction === 'lower_is_better' ? '≤' : '≥'} {e.objective.target}</dd>
            <dt>value</dt><dd>{e.objective.value === undefined ? '—' : pct(e.objective.value)}{e.objective.interval === undefined ? '' : ` (95% ${pctRange(e.objective.interval.lower, e.objective.interval.upper)})`} over {count(e.objective.n)} · {e.objective.status}</dd>
            {e.cohort === undefined ? null : <><dt>cohort</dt><dd>{e.cohort.attr}=<b>{e.cohort.value}</b></dd></>}
            <dt>window</dt><dd>{e.window}</dd>
          </dl>
          {e.breakdowns === undefined ? null : <BreakdownTables b={e.breakdowns} />}
        </div>
      );
    case 'coverage':
      return (
        <dl class="kv">
          <dt>window</dt><dd>{e.window}</dd>
          <dt>ok requests</dt><dd>{count(e.ok)}</dd>
          <dt>verdicts in window</dt><dd class={e.verdicts === 0 ? 't-bad' : undefined}>{count(e.verdicts)}</dd>
          <dt>verdicts before</dt><dd>{count(e.verdictsBefore)}</dd>
        </dl>
      );
    case 'drift':
      return (
        <div class="stack" style={{ gap: '0.5rem' }}>
          <div>Window {e.window} · baseline {e.baseline}{e.model === undefined ? '' : ` · model ${e.model}`} · {e.datasetDrift ? <b class="t-bad">dataset drift</b> : 'no dataset drift'} ({pct(e.driftedShare, 0)} of features)</div>
          <div class="table-wrap"><table class="data">
            <thead><tr><th>Feature</th><th>Method</th><th class="num">Statistic</th><th class="num">Threshold</th><th class="num">PSI</th><th>Drifted</th></tr></thead>
            <tbody>
              {e.features.map((f) => (
                <tr key={f.name} class={f.drifted ? 'row-bad' : undefined}>
                  <td>{f.name}{f.critical ? <span class="tag bad" style={{ marginLeft: '0.3rem' }}>critical</span> : null}</td>
                  <td>{f.method}</td><td class="num">{f.statistic === null ? '—' : f.statistic.toPrecision(3)}</td>
                  <td class="num">{f.threshold}</td><td class="num">{f.psi === null ? '—' : f.psi.toFixed(3)}</td>
                  <td>{f.drifted ? <span class="badge bad">yes</span> : <span class="faint">no</span>}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
        </div>
      );
    case 'eval':
      return <JsonView value={e} />;
  }
}

function Deliveries({ id }: { id: string }) {
  const log = useApi<DeliveriesResponse>(`/v1/alerts/${encodeURIComponent(id)}/deliveries`);
  return (
    <Async value={log} what="the delivery log">
      {(d) => (d.deliveries.length === 0 ? <div class="faint">No notification was sent for this alert (no channel configured, or it never fired).</div> : (
        <div class="table-wrap"><table class="data">
          <thead><tr><th>Channel</th><th>Target</th><th>Notice</th><th>Status</th><th class="num">Attempts</th><th>Created</th><th>Delivered / next try</th><th>Last error</th></tr></thead>
          <tbody>
            {d.deliveries.map((x) => (
              <tr key={x.id} class={x.status === 'failed' ? 'row-bad' : x.status === 'pending' ? 'row-warn' : undefined}>
                <td>{x.channel}</td><td class="mono">{x.target}</td><td>{x.notice}</td>
                <td><span class={`badge ${x.status === 'delivered' ? 'good' : x.status === 'failed' ? 'bad' : 'warn'}`}>{x.status}</span></td>
                <td class="num">{x.attempts}</td><td class="nowrap">{utc(x.createdAt, true)}</td>
                <td class="nowrap">{x.deliveredAt !== null ? utc(x.deliveredAt, true) : x.nextAttemptAt !== null ? `next ${utc(x.nextAttemptAt, true)}` : '—'}</td>
                <td class="faint">{x.lastError ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      ))}
    </Async>
  );
}

function AlertCard({ alert, now, open }: { alert: Alert; now: number; open: boolean }) {
  const [shown, setShown] = useState(open);
  const since = alert.state.kind === 'firing' ? alert.state.firingSince : alert.state.kind === 'inactive' ? undefined : alert.state.since;
  return (
    <details class="alert-card" open={open} onToggle={(e) => setShown((e.currentTarget).open)}>
      <summary>
        <span class="chev" aria-hidden="true">▶</span>
        <span>
          <span class="summary-line">{alert.summary}</span>
          <div class="id">{alert.id}</div>
        </span>
        <span style={{ display: 'flex', gap: '0.4rem', alignItems: 'center', flexWrap: 'wrap', justifyContent: 'flex-end' }}>
          <AlertStateBadge state={alert.state.kind} />
          <SeverityBadge severity={alert.severity} />
          <span class="tag" title={alert.route === 'owner' ? "the model team's route" : 'the SRE on call'}>→ {alert.route}</span>
          {since === undefined ? null : <span class="faint nowrap" title={utc(since, true)}>{alert.state.kind} {ago(since, now)}</span>}
        </span>
      </summary>
      {shown ? (
        <div class="alert-body">
          {alert.hint === undefined ? null : <div class="hint"><b>Hint:</b> {hintText(alert.hint)}</div>}
          <EvidenceView e={alert.evidence} />
          <details class="raw">
            <summary>Evidence as JSON</summary>
            <JsonView value={alert.evidence} />
          </details>
          <div>
            <h4 style={{ margin: '0 0 0.3rem' }}>Notifications</h4>
            <Deliveries id={alert.id} />
          </div>
        </div>
      ) : null}
    </details>
  );
}

export function AlertsSection(props: {
  alerts: Loadable<AlertsResponse>;
  history: Loadable<AlertHistoryResponse>;
  retrain: Loadable<RetrainHistoryResponse>;
  now: number;
}) {
  return (
    <div class="stack">
      <div class="panel">
        <header><h3>Pending and firing</h3><span class="sub">as last evaluated · expand for evidence and notifications</span></header>
        <Async value={props.alerts} what="the alerts">
          {(a) => (a.alerts.length === 0 ? <div class="empty"><span class="t-good">●</span> Nothing pending or firing.</div> : (
            <div>
              {[...a.alerts].sort((x, y) => Number(y.state.kind === 'firing') - Number(x.state.kind === 'firing') || Number(y.severity === 'page') - Number(x.severity === 'page'))
                .map((al, i) => <AlertCard key={al.id} alert={al} now={props.now} open={i === 0} />)}
            </div>
          ))}
        </Async>
      </div>
      <div class="grid-2">
        <div class="panel">
          <header><h3>History</h3><span class="sub">fired and resolved, newest first</span></header>
          <Async value={props.history} what="the alert history">
            {(h) => (h.transitions.length === 0 ? <div class="empty">No alert has fired yet.</div> : (
              <div class="table-wrap" style={{ maxHeight: '22rem', overflowY: 'auto' }}>
                <table class="data">
                  <thead><tr><th>When</th><th>Transition</th><th>Alert</th></tr></thead>
                  <tbody>
                    {h.transitions.map((t, i) => (
                      <tr key={`${t.alertId}-${t.at}-${i}`}>
                        <td class="nowrap">{utc(t.at)}</td>
                        <td><span class={`badge ${t.transition === 'fired' ? 'bad' : 'good'}`}>{t.transition}</span></td>
                        <td><div>{t.alert.summary}</div><div class="id mono faint" style={{ fontSize: '0.85rem' }}>{t.alertId}</div></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          </Async>
        </div>
        <div class="panel">
          <header><h3>Retraining requests</h3><span class="sub">retrain.requested events sent to the training webhook</span></header>
          <Async value={props.retrain} what="the retraining requests">
            {(r) => (r.requests.length === 0 ? <div class="empty">None sent.</div> : (
              <div class="table-wrap"><table class="data">
                <thead><tr><th>When</th><th>Reasons</th><th>Suggested data</th><th>Cohorts</th></tr></thead>
                <tbody>
                  {r.requests.map((q) => (
                    <tr key={q.at}>
                      <td class="nowrap">{utc(q.at)}</td>
                      <td>{q.reasons.map((x) => x.kind.replace('_', ' ')).join(', ')}</td>
                      <td class="nowrap faint">{utc(q.suggestedDataWindow.from)} → {utc(q.suggestedDataWindow.to)}</td>
                      <td>{q.cohorts.map((c) => `${c.attr}=${c.value}`).join(', ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table></div>
            ))}
          </Async>
        </div>
      </div>
    </div>
  );
}

/** The service's alert documents (used by the service page). */
export function alertPaths(service: string): { alerts: string; history: string; retrain: string } {
  const q = `service=${encodeURIComponent(service)}`;
  return { alerts: servicePath(service, '/alerts'), history: `/v1/alerts/history?${q}&limit=50`, retrain: `/v1/retrain?${q}&limit=20` };
}
