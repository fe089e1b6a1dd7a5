/**
 * The public status page (DESIGN §2.10) as one self-contained HTML document: no JavaScript, no external
 * assets, bars as a row of titled `<span>`s with a text summary per row (the last 30 days on a phone,
 * all 90 wider), readable in a screen reader. Every value from a spec or the store goes through `html` (html.ts), which
 * escapes it; the page's Content-Security-Policy (routes/status.ts) allows only the one inline style
 * sheet below, by hash, so even a missed escape could not run script.
 */
import { createHash } from 'node:crypto';
import type { AttainmentStatus, PublicStatus, ServiceStatus, StatusDay, StatusDimension } from '../core/public-status.ts';
import { formatObjective } from '../core/quality-meaning.ts';
import type { ServiceState } from '../core/service-state.ts';
import type { Dimension } from '../core/slo-report.ts';
import { html, type SafeHtml } from './html.ts';

const STATE_LABEL: Readonly<Record<ServiceState, string>> = {
  operational: 'Operational',
  degraded: 'Degraded performance',
  quality_degraded: 'Quality degraded',
  outage: 'Outage',
  no_data: 'No data',
};

const DIMENSION_TEXT: Readonly<Record<Dimension, { readonly label: string; readonly hint: string }>> = {
  errors: { label: 'Availability', hint: 'Requests answered without a server-side error.' },
  latency: { label: 'Latency', hint: 'Successful requests answered within their latency target.' },
  quality: { label: 'Quality', hint: 'Answers that were correct, judged as described above.' },
  composite: { label: 'Overall', hint: 'Requests answered without error, fast enough and correctly — all three at once.' },
};
const DIMENSION_ORDER: readonly Dimension[] = ['composite', 'errors', 'latency', 'quality'];

const DAY_STATUS: Readonly<Record<AttainmentStatus, string>> = {
  met: 'objective met',
  missed: 'objective missed',
  no_data: 'no data',
  insufficient: 'not enough labelled requests',
};

/** The cohort table's last column is headed "Objective": its cells say only how it went. */
const COHORT_STATUS: Readonly<Record<AttainmentStatus, string>> = {
  met: 'met',
  missed: 'missed',
  no_data: 'no data',
  insufficient: 'not enough labels',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-11-20` → `20 Nov 2026`, without the host's locale. */
function longDate(isoDay: string): string {
  const [y, m, d] = isoDay.split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1] ?? m} ${y}`;
}

function asOfText(iso: string): string {
  return `${longDate(iso.slice(0, 10))}, ${iso.slice(11, 16)} UTC`;
}

/**
 * An SLI as a percentage with up to three decimals, rounded down so a page never shows 100% for a day
 * that had a failure (the epsilon absorbs binary representation error, as floor4 in src/spec does).
 */
export function formatSli(sli: number): string {
  return `${Math.floor(sli * 100_000 + 1e-6) / 1000}%`;
}

function windowText(window: string): string {
  if (window === 'month') return 'this calendar month';
  const days = /^(\d+)d$/.exec(window);
  return days === null ? `the last ${window}` : `the last ${days[1]} days`;
}

function badge(state: ServiceState): SafeHtml {
  return html`<span class="badge s-${state}">${STATE_LABEL[state]}</span>`;
}

function attainmentText(d: Dimension, dim: StatusDimension, window: string): SafeHtml {
  const over = windowText(window);
  const objective = formatObjective(dim.objective);
  switch (dim.status) {
    case 'no_data':
      return html`No requests over ${over} · objective ${objective}`;
    case 'insufficient':
      return d === 'composite' && dim.attainment !== null
        ? html`At most <strong>${formatSli(dim.attainment)}</strong> over ${over} (not enough labelled requests to say more) · objective ${objective}`
        : html`Not enough labelled requests over ${over} to measure · objective ${objective}`;
    case 'met':
    case 'missed':
      return html`<strong>${formatSli(dim.attainment!)}</strong> over ${over} · objective ${objective} · <span class="v-${dim.status}">${dim.status === 'met' ? 'met' : 'missed'}</span>`;
  }
}

function dayTitle(d: Dimension, day: StatusDay): string {
  const when = longDate(day.date);
  if (day.sli === null) return `${when}: ${DAY_STATUS[day.status]}`;
  const value = d === 'composite' && day.status === 'insufficient' ? `at most ${formatSli(day.sli)}` : formatSli(day.sli);
  return `${when}: ${value}, ${DAY_STATUS[day.status]}`;
}

/**
 * One `<span>` per day in a flex row, so a narrow screen can hide the oldest 60 with CSS alone (the
 * last 30 days stay legible on a phone). The row is one image to assistive technology, labelled by the
 * text summary under it; each bar's `title` gives its day and value on hover.
 */
function bars(d: Dimension, dim: StatusDimension, id: string): SafeHtml {
  return html`<div class="bars" role="img" aria-labelledby="${id}-sum">${dim.days.map((day) => html`<span class="bar b-${day.status}" title="${dayTitle(d, day)}"></span>`)}</div>`;
}

function summary(dim: StatusDimension, days: number): SafeHtml {
  const count = (s: AttainmentStatus): number => dim.days.filter((x) => x.status === s).length;
  const missed = dim.days.filter((x) => x.status === 'missed').map((x) => longDate(x.date));
  const parts: SafeHtml[] = [html`objective met on ${count('met')} of ${days} days`];
  if (missed.length > 0) {
    const shown = missed.length > 10 ? [...missed.slice(-10), `and ${missed.length - 10} earlier`] : missed;
    parts.push(html`missed on ${missed.length} (${shown.join(', ')})`);
  }
  if (count('insufficient') > 0) parts.push(html`not enough labels on ${count('insufficient')}`);
  if (count('no_data') > 0) parts.push(html`no data on ${count('no_data')}`);
  return html`last ${days} days: ${parts.map((p, i) => html`${i === 0 ? '' : ', '}${p}`)}.`;
}

function dimensionRow(s: ServiceStatus, d: Dimension, days: number): SafeHtml {
  const dim = s.dimensions[d];
  const id = `svc-${s.name}-${d}`;
  const { label, hint } = DIMENSION_TEXT[d];
  return html`
<div class="dim">
  <div class="dim-head">
    <h3 id="${id}">${label}</h3>
    <p class="att">${attainmentText(d, dim, s.window)}</p>
  </div>
  <p class="hint">${hint}</p>
  ${bars(d, dim, id)}
  <div class="axis" aria-hidden="true"><span><span class="all">${days} days ago</span><span class="recent">30 days ago</span></span><span>Today</span></div>
  <p class="sum" id="${id}-sum">${label}, ${summary(dim, days)}</p>
</div>`;
}

function cohortTables(s: ServiceStatus): SafeHtml[] {
  return s.cohorts.filter((c) => c.values.length > 0).map((c) => html`
<div class="cohort">
  <p class="cohort-title" id="${`cohort-${s.name}-${c.attr}`}">Quality by ${c.attr}, over ${windowText(s.window)} · objective ${formatObjective(s.dimensions.quality.objective)}</p>
  <table aria-labelledby="${`cohort-${s.name}-${c.attr}`}">
    <thead><tr><th scope="col">${c.attr}</th><th scope="col">Quality</th><th scope="col">Objective</th></tr></thead>
    <tbody>${c.values.map((v) => html`
      <tr><th scope="row">${v.value}</th><td>${v.quality === null ? 'not enough labels' : formatSli(v.quality)}</td><td><span class="v-${v.status}">${COHORT_STATUS[v.status]}</span></td></tr>`)}
    </tbody>
  </table>
</div>`);
}

function serviceSection(s: ServiceStatus, days: number): SafeHtml {
  return html`
<section class="service" id="svc-${s.name}" aria-labelledby="svc-${s.name}-h">
  <div class="svc-head">
    <h2 id="svc-${s.name}-h">${s.name}</h2>
    ${badge(s.state)}
  </div>
  ${s.description === null ? '' : html`<p class="desc">${s.description}</p>`}
  <p class="meaning">${s.qualityMeaning}</p>
  ${DIMENSION_ORDER.map((d) => dimensionRow(s, d, days))}
  ${cohortTables(s)}
</section>`;
}

function headline(doc: PublicStatus): string {
  const n = (state: ServiceState): number => doc.services.filter((s) => s.state === state).length;
  const services = (k: number): string => `${k} service${k === 1 ? '' : 's'}`;
  if (doc.services.length === 0) return 'No services are published on this status page';
  switch (doc.state) {
    case 'outage': return `Outage affecting ${services(n('outage'))}`;
    case 'quality_degraded': return `Degraded answer quality on ${services(n('quality_degraded'))}`;
    case 'degraded': return `Degraded performance on ${services(n('degraded'))}`;
    case 'operational': return 'All systems operational';
    case 'no_data': return 'No recent traffic to report';
  }
}

/** A template without values: trusted markup, so `html` leaves its quotes alone. */
const CSS = html`
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;
--met:#1a7f37;--missed:#cf222e;--insufficient:#6e7781;--none:#c4ccd4}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;
--met:#3fb950;--missed:#f85149;--insufficient:#9198a1;--none:#3d444d}}
*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.wrap{max-width:60rem;margin:0 auto;padding:0 1rem}
.skip{position:absolute;left:-999rem}
.skip:focus{left:1rem;top:1rem;background:var(--bg);color:var(--fg);padding:.5rem;outline:3px solid var(--fg)}
header.site{border-bottom:1px solid var(--line)}
.brand{font-weight:700;font-size:1.25rem;margin:.75rem 0}
h1{font-size:1.5rem;margin:0}
h2{font-size:1.375rem;margin:0;overflow-wrap:anywhere}
h3{font-size:1.125rem;margin:0}
.banner{margin:1.5rem 0;padding:1rem 1.25rem;border-radius:.5rem;color:#fff}
.banner p{margin:.25rem 0 0}
.s-operational{background:#1a7f37}.s-degraded{background:#9a6700}.s-quality_degraded{background:#8250df}
.s-outage{background:#cf222e}.s-no_data{background:#59636e}
.badge{display:inline-block;color:#fff;border-radius:999px;padding:.125rem .75rem;font-weight:600;white-space:nowrap}
nav ul{list-style:none;padding:0;margin:0 0 1.5rem;border:1px solid var(--line);border-radius:.5rem}
nav li{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.5rem 1rem;border-top:1px solid var(--line);flex-wrap:wrap}
nav li:first-child{border-top:0}
nav a{color:inherit;overflow-wrap:anywhere}
.service{border:1px solid var(--line);border-radius:.5rem;padding:1rem 1.25rem;margin:0 0 1.5rem}
.svc-head{display:flex;justify-content:space-between;align-items:center;gap:.75rem;flex-wrap:wrap}
.desc{margin:.5rem 0 0;overflow-wrap:anywhere}
.meaning{margin:.5rem 0 0;padding:.5rem .75rem;background:var(--card);border-radius:.375rem;overflow-wrap:anywhere}
.dim{margin-top:1.25rem}
.dim-head{display:flex;justify-content:space-between;align-items:baseline;gap:.25rem 1rem;flex-wrap:wrap}
.att{margin:0}
.hint,.sum,.axis{color:var(--muted);margin:.25rem 0}
.bars{display:flex;gap:2px;height:2.5rem;margin-top:.5rem}
.bar{flex:1 1 0;min-width:0;border-radius:1px}
.bar:hover{opacity:.7}
.axis{display:flex;justify-content:space-between}
.recent{display:none}
.b-met{background:var(--met)}.b-missed{background:var(--missed)}.b-insufficient{background:repeating-linear-gradient(135deg,var(--insufficient) 0 3px,var(--none) 3px 6px)}.b-no_data{background:var(--none)}
.v-met{color:var(--met);font-weight:600}.v-missed{color:var(--missed);font-weight:600}
.v-insufficient,.v-no_data{color:var(--muted)}
table{border-collapse:collapse;width:100%}
caption,.cohort-title{text-align:left;font-weight:600;padding-bottom:.25rem;margin:1.25rem 0 0}
th,td{text-align:left;padding:.375rem .5rem;border-top:1px solid var(--line)}
.cohort{overflow-x:auto}
.legend{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;list-style:none;padding:0;margin:0 0 1.5rem}
.key{display:inline-block;width:.75rem;height:1.25rem;vertical-align:middle;margin-right:.375rem;border-radius:2px}
.k-met{background:var(--met)}.k-missed{background:var(--missed)}.k-insufficient{background:repeating-linear-gradient(135deg,var(--insufficient) 0 3px,var(--none) 3px 6px)}.k-no_data{background:var(--none)}
footer{color:var(--muted);border-top:1px solid var(--line);padding-top:1rem;margin-top:1rem;padding-bottom:2rem}
@media (max-width:40rem){.bar:nth-child(-n+60){display:none}.all{display:none}.recent{display:inline}.bars{gap:3px}}
@media (max-width:30rem){.service{padding:.75rem}}
`;

/** For the page's Content-Security-Policy: the style sheet above is the only one allowed. */
export const STATUS_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS.value).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export function renderStatusPage(doc: PublicStatus): string {
  const title = headline(doc);
  const legend: AttainmentStatus[] = ['met', 'missed', 'insufficient', 'no_data'];
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Status — ${title}</title>
<style>${CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><div class="wrap"><p class="brand">Service status</p></div></header>
<main id="main" class="wrap">
<section class="banner s-${doc.services.length === 0 ? 'no_data' : doc.state}" aria-labelledby="headline">
  <h1 id="headline">${title}</h1>
  <p>As of <time datetime="${doc.asOf}">${asOfText(doc.asOf)}</time>; refreshed every 30 seconds.</p>
</section>
${doc.services.length === 0 ? '' : html`
<nav aria-label="Services">
  <ul>${doc.services.map((s) => html`
    <li><a href="#svc-${s.name}">${s.name}</a>${badge(s.state)}</li>`)}
  </ul>
</nav>
<ul class="legend" aria-label="Legend">${legend.map((k) => html`<li><span class="key k-${k}" aria-hidden="true"></span>${DAY_STATUS[k][0]!.toUpperCase()}${DAY_STATUS[k].slice(1)}</li>`)}</ul>
${doc.services.map((s) => serviceSection(s, doc.days))}`}
</main>
<footer class="wrap">
  <p>Each bar is one UTC day, today on the right; hover over a bar for its value. Quality counts only requests whose answer could be checked, and a day's quality may still change as labels arrive.</p>
</footer>
</body>
</html>
`;
  return page.value;
}

