/**
 * Current burn rates per policy row (both windows must exceed the factor to fire, DESIGN §2.2), and the
 * bad events of the window by dimension with what drove them (error types, latency classes).
 */
import type { BurnAlertRow, Dimension, ReportResponse } from '../../api/types.ts';
import { DIMENSIONS, DIMENSION_COLOR, DIMENSION_LABEL } from '../../api/types.ts';
import { SeverityBadge } from '../../components/badges.tsx';
import { burn, count, estCount, ms, pct } from '../../lib/format.ts';

function BurnCell({ value, factor }: { value: number | null; factor: number }) {
  if (value === null) return <span class="faint" title="no events in this window: no burn rate, never fires">—</span>;
  const over = value >= factor;
  return <span class={over ? 't-bad' : value >= factor * 0.5 ? 't-warn' : undefined} style={{ fontWeight: over ? 600 : undefined }}>{burn(value)}</span>;
}

/** The policy rows (severity, long/short window, factor) in policy order, each with every dimension's burn. */
function policyRows(report: ReportResponse): Array<{ key: string; head: BurnAlertRow; byDim: Map<Dimension, BurnAlertRow> }> {
  const rows = new Map<string, { key: string; head: BurnAlertRow; byDim: Map<Dimension, BurnAlertRow> }>();
  for (const r of report.burnAlerts) {
    const key = `${r.severity}|${r.longWindow}|${r.shortWindow}|${r.factor}`;
    const row = rows.get(key) ?? { key, head: r, byDim: new Map() };
    row.byDim.set(r.dimension, r);
    rows.set(key, row);
  }
  return [...rows.values()];
}

export function BurnRates({ report }: { report: ReportResponse }) {
  const rows = policyRows(report);
  return (
    <div class="panel">
      <header>
        <h3>Current burn rate per policy window</h3>
        <span class="sub">long window · short window; a row fires when both burn at or above its factor (DESIGN §2.2) · 1× spends the budget exactly over the SLO window</span>
      </header>
      <div class="table-wrap">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Severity</th><th scope="col">Windows</th><th scope="col" class="num">Factor</th>
              {DIMENSIONS.map((d) => <th key={d} scope="col" class="num" style={{ color: DIMENSION_COLOR[d] }}>{DIMENSION_LABEL[d]}</th>)}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ key, head, byDim }) => {
              const firing = [...byDim.values()].some((r) => r.firing);
              return (
                <tr key={key} class={firing ? 'row-bad' : undefined}>
                  <td><SeverityBadge severity={head.severity} /></td>
                  <td class="nowrap">{head.longWindow} · {head.shortWindow}</td>
                  <td class="num">{burn(head.factor)}</td>
                  {DIMENSIONS.map((d) => {
                    const r = byDim.get(d);
                    if (r === undefined) return <td key={d} class="num faint">—</td>;
                    return (
                      <td key={d} class="num nowrap">
                        <BurnCell value={r.longBurn} factor={r.factor} /> <span class="faint">·</span> <BurnCell value={r.shortBurn} factor={r.factor} />
                        {r.firing ? <> <span class="badge bad plain">firing</span></> : null}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function BadEvents({ report }: { report: ReportResponse }) {
  const bad: Record<Dimension, number> = {
    errors: report.errors.consumed, latency: report.latency.consumed, quality: report.quality.consumed, composite: report.composite.consumed,
  };
  const max = Math.max(1, ...DIMENSIONS.map((d) => Math.max(bad[d], report[d].budget)));
  const types = Object.entries(report.errors.byType).sort((a, b) => b[1] - a[1]);
  return (
    <div class="panel">
      <header>
        <h3>Bad events by dimension</h3>
        <span class="sub">over the window · the tick is the budget (allowed bad events)</span>
      </header>
      <div class="panel-body stack" style={{ gap: '0.9rem' }}>
        <div style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr max-content', gap: '0.45rem 0.8rem', alignItems: 'center' }}>
          {DIMENSIONS.map((d) => {
            const w = (bad[d] / max) * 100;
            const tick = (report[d].budget / max) * 100;
            const estimated = d === 'quality' || d === 'composite';
            return [
              <span key={`${d}-l`} style={{ color: DIMENSION_COLOR[d], fontWeight: 600 }}>{DIMENSION_LABEL[d]}</span>,
              <div key={`${d}-b`} style={{ position: 'relative', height: '12px', background: 'var(--grey-soft)', borderRadius: '3px' }} aria-hidden="true">
                <div style={{ position: 'absolute', inset: '0 auto 0 0', width: `${w}%`, background: DIMENSION_COLOR[d], borderRadius: '3px', opacity: 0.85 }} />
                <div style={{ position: 'absolute', top: '-3px', bottom: '-3px', left: `${tick}%`, borderLeft: '2px solid var(--text)' }} />
              </div>,
              <span key={`${d}-n`} class="num">
                {estimated ? estCount(bad[d]) : count(bad[d])}
                <span class="faint"> / {estCount(report[d].budget)}{estimated ? ' est.' : ''}</span>
              </span>,
            ];
          })}
        </div>
        <div style={{ display: 'grid', gap: '0.75rem', gridTemplateColumns: 'minmax(0, 2fr) minmax(0, 3fr)' }}>
          <div>
            <h3 style={{ fontSize: '0.92rem', marginBottom: '0.3rem' }}>Errors by type</h3>
            {types.length === 0 ? <div class="faint">No errors in the window.</div> : (
              <table class="data compact">
                <tbody>
                  {types.map(([t, n]) => (
                    <tr key={t}><td class="mono">{t}</td><td class="num">{count(n)}</td><td class="num faint">{pct(n / Math.max(1, report.errors.consumed), 1)}</td></tr>
                  ))}
                </tbody>
              </table>
            )}
            {report.errors.excluded > 0 ? <p class="note">{count(report.errors.excluded)} excluded requests (e.g. client errors) are not counted.</p> : null}
          </div>
          <div>
            <h3 style={{ fontSize: '0.92rem', marginBottom: '0.3rem' }}>Latency by input class</h3>
            <div class="table-wrap"><table class="data compact">
              <thead><tr><th>Class</th><th class="num">Threshold</th><th class="num">Slow</th><th class="num">p50</th><th class="num">p99</th></tr></thead>
              <tbody>
                {report.latency.classes.map((c) => (
                  <tr key={c.name}>
                    <td>{c.name}</td>
                    <td class="num">{ms(c.thresholdMs)}</td>
                    <td class="num">{count(c.ok - c.fast)}</td>
                    <td class="num">{ms(c.p50)}</td>
                    <td class={`num ${c.p99 !== null && c.p99 > c.thresholdMs ? 't-bad' : ''}`}>{ms(c.p99)}</td>
                  </tr>
                ))}
              </tbody>
            </table></div>
          </div>
        </div>
      </div>
    </div>
  );
}
