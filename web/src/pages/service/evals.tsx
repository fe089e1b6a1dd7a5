/**
 * Offline evals (DESIGN §2.7): the service's recent eval runs — golden sets and production replays —
 * with status, pass rate and its Wilson interval, and each comparison (paired delta, McNemar p-value,
 * regression); then the selected run (`?run=`) in depth: per segment, per model version, timing, and its
 * bad examples, read page by page from the run's results.
 */
import { useState } from 'preact/hooks';
import { servicePath } from '../../api/client.ts';
import type { Comparison, EvalResultsResponse, EvalRun, EvalRunsResponse, GoldenSetsResponse, Rate } from '../../api/types.ts';
import type { Loadable } from '../../api/use-api.ts';
import { useApi } from '../../api/use-api.ts';
import { Async } from '../../components/async.tsx';
import { JsonView } from '../../components/json-view.tsx';
import { SortableTable, type Column } from '../../components/sortable-table.tsx';
import { ago, count, ms, pct, pctRange, points, pValue, stat, utc } from '../../lib/format.ts';
import { navigate, withQuery, type Location } from '../../lib/router.ts';

export const EVAL_RUNS_LIMIT = 20;
const RESULTS_PAGE = 25;

export function evalPaths(name: string): { runs: string; sets: string } {
  return { runs: servicePath(name, '/evals', { limit: EVAL_RUNS_LIMIT }), sets: servicePath(name, '/golden-sets') };
}

function RateCell({ rate }: { rate: Rate }) {
  return (
    <span class="nowrap">
      <b>{pct(rate.value)}</b>
      <span class="faint"> {pctRange(rate.interval.lower, rate.interval.upper)} · n {count(rate.n)}</span>
    </span>
  );
}

function againstLabel(c: Comparison): string {
  switch (c.against) {
    case 'previous_run': return `previous run${c.model === '' ? '' : ` (${c.model})`}`;
    case 'model_version': return `model ${c.model === '' ? '(none reported)' : c.model}`;
    case 'production': return `production${c.model === '' ? '' : ` (${c.model})`}`;
  }
}

function ComparisonLine({ c }: { c: Comparison }) {
  const cls = c.regression ? 't-bad' : c.delta < 0 ? 't-warn' : undefined;
  return (
    <div class="cmp">
      <span class="faint">vs {againstLabel(c)}{c.segment === undefined ? '' : ` · ${c.segment === '' ? '(no segment)' : c.segment}`}:</span>{' '}
      <b class={cls}>{points(c.delta)}</b>{' '}
      <span class="faint" title="McNemar's test on the paired verdicts">p {pValue(c.mcnemar.pValue)}</span>
      {c.regression ? <> <span class="badge bad plain">regression</span></> : null}
    </div>
  );
}

function StatusCell({ run, now }: { run: EvalRun; now: number }) {
  if (run.status === 'running') {
    const share = run.total === 0 ? 0 : run.done / run.total;
    return (
      <div>
        <span class="badge info">running</span>
        <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={run.total} aria-valuenow={run.done} aria-label={`${run.name}: ${run.done} of ${run.total} examples`}>
          <span style={{ width: `${Math.round(share * 100)}%` }} />
        </div>
        <span class="faint">{count(run.done)} / {count(run.total)}</span>
      </div>
    );
  }
  if (run.status === 'failed') return <div><span class="badge bad">failed</span><div class="faint clip" title={run.error ?? ''}>{run.error ?? ''}</div></div>;
  return (
    <div>
      <span class="badge good">done</span>
      <div class="faint">{run.finishedAt === null ? '' : ago(run.finishedAt, now)}</div>
    </div>
  );
}

function runColumns(now: number, selected: string | undefined, onSelect: (id: string) => void): Column<EvalRun>[] {
  return [
    {
      key: 'name', label: 'Run', sort: (r) => r.name,
      render: (r) => (
        <div>
          <button type="button" class="link" aria-pressed={r.id === selected} onClick={() => onSelect(r.id)} title="show this run's segments and bad examples">{r.name}</button>
          <div class="faint mono" style={{ fontSize: '0.82rem' }}>{r.id}</div>
        </div>
      ),
    },
    { key: 'kind', label: 'Kind', sort: (r) => r.kind, render: (r) => <span class="tag">{r.kind}</span> },
    { key: 'status', label: 'Status', sort: (r) => r.status, render: (r) => <StatusCell run={r} now={now} /> },
    { key: 'model', label: 'Model', sort: (r) => r.model, render: (r) => (r.model === '' ? <span class="faint">—</span> : <span class="mono">{r.model}</span>) },
    {
      key: 'pass', label: 'Pass rate (95%)', title: 'share of scored examples judged good, with its Wilson interval', sort: (r) => r.summary?.passRate.value ?? null,
      render: (r) => (r.summary === null ? <span class="faint">—</span> : <RateCell rate={r.summary.passRate} />),
    },
    {
      key: 'cmp', label: 'Compared with', title: 'paired on the examples both runs scored; McNemar p-value; a regression is a drop of at least maxDrop that is significant',
      sort: (r) => (r.summary === null ? null : Math.min(0, ...r.summary.comparisons.filter((c) => c.segment === undefined).map((c) => c.delta))),
      render: (r) => {
        const cs = r.summary?.comparisons.filter((c) => c.segment === undefined) ?? [];
        return cs.length === 0 ? <span class="faint">nothing to compare with</span> : <div>{cs.map((c, i) => <ComparisonLine key={i} c={c} />)}</div>;
      },
    },
    { key: 'started', label: 'Started', sort: (r) => Date.parse(r.startedAt), render: (r) => <span class="nowrap" title={utc(r.startedAt, true)}>{ago(r.startedAt, now)}<div class="faint">{r.trigger}</div></span> },
  ];
}

function BadExamples({ run }: { run: EvalRun }) {
  const [open, setOpen] = useState(false);
  const [offset, setOffset] = useState(0);
  const path = open ? `/v1/evals/${encodeURIComponent(run.id)}/results?${new URLSearchParams({ offset: String(offset), limit: String(RESULTS_PAGE), onlyBad: 'true' }).toString()}` : null;
  const results = useApi<EvalResultsResponse>(path);
  const bad = run.summary === null ? null : run.summary.passRate.n - run.summary.passRate.good + run.summary.failed;
  return (
    <details class="raw bad-examples" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Bad examples{bad === null ? '' : ` (${count(bad)}: judged bad or failed)`}</summary>
      {!open ? null : (
        <Async value={results} what="the bad examples">
          {(data) => (
            <div class="stack tight">
              {data.results.length === 0 ? <div class="empty">{offset === 0 ? 'No bad example: every scored example passed.' : 'No more.'}</div> : (
                <div class="table-wrap"><table class="data compact">
                  <thead><tr><th>#</th><th>Example</th><th>Segment</th><th>Model</th><th>Verdict</th><th class="num">Score</th><th>Prediction</th><th class="num">Latency</th></tr></thead>
                  <tbody>
                    {data.results.map((x) => (
                      <tr key={x.index}>
                        <td class="num faint">{x.index}</td>
                        <td class="mono">{x.exampleId}</td>
                        <td>{x.segment === '' ? <span class="faint">—</span> : x.segment}</td>
                        <td class="mono">{x.model === '' ? '—' : x.model}</td>
                        <td>{x.error !== null ? <span class="badge bad plain" title={x.error}>failed</span> : x.verdict === false ? <span class="badge bad plain">bad</span> : <span class="badge grey plain">{x.verdict === null ? 'no verdict' : 'good'}</span>}
                          {x.baselineVerdict === true ? <div class="faint" style={{ fontSize: '0.82rem' }}>was good before</div> : null}</td>
                        <td class="num">{x.score === null ? '—' : stat(x.score)}</td>
                        <td class="pred-cell">{x.error !== null ? <span class="t-bad">{x.error}</span> : <JsonView value={x.prediction} />}</td>
                        <td class="num">{ms(x.latencyMs)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table></div>
              )}
              <div class="actions">
                <button type="button" class="btn small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - RESULTS_PAGE))}>Previous {RESULTS_PAGE}</button>
                <button type="button" class="btn small" disabled={data.results.length < RESULTS_PAGE} onClick={() => setOffset(offset + RESULTS_PAGE)}>Next {RESULTS_PAGE}</button>
              </div>
            </div>
          )}
        </Async>
      )}
    </details>
  );
}

function RunDetails({ run }: { run: EvalRun }) {
  const s = run.summary;
  return (
    <div class="panel" aria-label={`Eval run ${run.name}`}>
      <header>
        <h3>{run.name} <span class="faint mono" style={{ fontWeight: 400 }}>{run.id}</span></h3>
        <span class="sub">{run.kind === 'golden' ? 'golden set' : 'production replay'} · model {run.model === '' ? '—' : run.model} · started {utc(run.startedAt)}{run.finishedAt === null ? '' : ` · finished ${utc(run.finishedAt)}`}</span>
      </header>
      <div class="panel-body stack">
        {run.status === 'failed' ? <div class="callout warn">The run failed: {run.error ?? 'no reason recorded'}</div> : null}
        {s === null ? <div class="empty">{run.status === 'running' ? `Running: ${count(run.done)} of ${count(run.total)} examples scored. Segments appear when it is done.` : 'No summary.'}</div> : (
          <>
            <dl class="kv">
              <dt>pass rate</dt><dd><RateCell rate={s.passRate} /></dd>
              {s.weightedPassRate === null ? null : <><dt>weighted (1/π)</dt><dd>{pct(s.weightedPassRate.value)} <span class="faint">{pctRange(s.weightedPassRate.interval.lower, s.weightedPassRate.interval.upper)} · the production estimate of a stratified replay</span></dd></>}
              {s.score === null ? null : <><dt>mean score</dt><dd>{stat(s.score.mean)} <span class="faint">{stat(s.score.interval.lower)} – {stat(s.score.interval.upper)} · n {count(s.score.n)}</span></dd></>}
              <dt>failed calls</dt><dd>{s.failed > 0 ? <span class="t-warn">{count(s.failed)}</span> : '0'} <span class="faint">after retries, not scored</span></dd>
              <dt>timing</dt><dd>{ms(s.timing.durationMs)} <span class="faint">· p50 {ms(s.timing.p50Ms)} · p95 {ms(s.timing.p95Ms)} · max {ms(s.timing.maxMs)}</span></dd>
            </dl>
            {s.segments.length === 0 ? null : (
              <div class="table-wrap"><table class="data">
                <caption class="sr-only">Pass rate per segment</caption>
                <thead><tr><th>Segment</th><th class="num">Pass rate</th><th class="num">95% interval</th><th class="num">n</th><th class="num">Score</th><th class="num">Failed</th><th>vs comparison</th></tr></thead>
                <tbody>
                  {s.segments.map((g) => {
                    const cs = s.comparisons.filter((c) => c.segment === g.segment);
                    return (
                      <tr key={g.segment} class={cs.some((c) => c.regression) ? 'row-bad' : undefined}>
                        <td>{g.segment === '' ? <span class="faint">(no segment)</span> : <b>{g.segment}</b>}</td>
                        <td class="num">{pct(g.passRate.value)}</td>
                        <td class="num faint">{pctRange(g.passRate.interval.lower, g.passRate.interval.upper)}</td>
                        <td class="num">{count(g.passRate.n)}</td>
                        <td class="num">{g.score === null ? '—' : stat(g.score.mean)}</td>
                        <td class="num">{count(g.failed)}</td>
                        <td>{cs.length === 0 ? <span class="faint">—</span> : cs.map((c, i) => <ComparisonLine key={i} c={c} />)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table></div>
            )}
            {s.versions.length < 2 ? null : (
              <div class="table-wrap"><table class="data compact">
                <caption class="sr-only">Pass rate per model version behind the endpoint</caption>
                <thead><tr><th>Model version answering</th><th class="num">Pass rate</th><th class="num">95% interval</th><th class="num">n</th></tr></thead>
                <tbody>{s.versions.map((v) => <tr key={v.model}><td class="mono">{v.model === '' ? '(none reported)' : v.model}</td><td class="num">{pct(v.passRate.value)}</td><td class="num faint">{pctRange(v.passRate.interval.lower, v.passRate.interval.upper)}</td><td class="num">{count(v.passRate.n)}</td></tr>)}</tbody>
              </table></div>
            )}
            {s.comparisons.filter((c) => c.segment === undefined).length === 0 ? null : (
              <div class="table-wrap"><table class="data compact">
                <caption class="sr-only">Comparisons</caption>
                <thead><tr><th>Compared with</th><th class="num">Paired</th><th class="num">This</th><th class="num">Other</th><th class="num">Δ</th><th class="num" title="McNemar: b = good here and bad there, c = bad here and good there">b / c</th><th class="num">p</th><th class="num" title="Wilcoxon signed-rank on paired scores">score Δ (p)</th><th /></tr></thead>
                <tbody>
                  {s.comparisons.filter((c) => c.segment === undefined).map((c, i) => (
                    <tr key={i} class={c.regression ? 'row-bad' : undefined}>
                      <td>{againstLabel(c)}{c.runId === null ? '' : <span class="faint mono"> {c.runId}</span>}</td>
                      <td class="num">{count(c.paired)}</td>
                      <td class="num">{pct(c.passRate)}</td>
                      <td class="num">{pct(c.otherPassRate)}</td>
                      <td class={`num ${c.regression ? 't-bad' : ''}`}>{points(c.delta)}</td>
                      <td class="num faint">{c.mcnemar.b} / {c.mcnemar.c}</td>
                      <td class="num">{pValue(c.mcnemar.pValue)}{c.mcnemar.exact ? <span class="faint"> exact</span> : null}</td>
                      <td class="num">{c.scores === null ? '—' : `${stat(c.scores.meanDelta)} (${pValue(c.scores.pValue)})`}</td>
                      <td>{c.regression ? <span class="badge bad plain">regression</span> : null}</td>
                    </tr>
                  ))}
                </tbody>
              </table></div>
            )}
          </>
        )}
        <BadExamples key={run.id} run={run} />
      </div>
    </div>
  );
}

export function EvalsSection(props: { runs: Loadable<EvalRunsResponse>; sets: Loadable<GoldenSetsResponse>; loc: Location; now: number }) {
  const { loc, now } = props;
  const selectedParam = loc.query.get('run') ?? undefined;
  const select = (id: string): void => navigate(withQuery(loc, { run: id }), { replace: true });
  return (
    <Async value={props.runs} what="the eval runs">
      {(data) => {
        const selected = data.runs.find((r) => r.id === selectedParam) ?? data.runs[0];
        const sets = props.sets.kind === 'ok' ? props.sets.data.goldenSets : [];
        return (
          <div class="stack">
            <div class="panel">
              <header>
                <h3>Eval runs</h3>
                <span class="sub">the last {EVAL_RUNS_LIMIT}, newest first · golden sets and production replays</span>
                {sets.length === 0 ? null : <span class="right faint">{sets.length} golden set{sets.length === 1 ? '' : 's'}: {sets.map((g) => `${g.name} (${count(g.examples)}${g.nextRunAt === null ? '' : `, next ${utc(g.nextRunAt)}`})`).join(', ')}</span>}
              </header>
              {data.runs.length === 0 ? (
                <div class="empty">
                  <div>
                    No eval runs yet — upload a golden set and run <code>mlslo eval run …</code>
                    {sets.length === 0 ? <> (<code>PUT /v1/services/{data.service}/golden-sets/NAME</code> takes JSONL lines of <code>input</code>, <code>expected</code>, optional <code>segment</code>).</> : <>; golden sets uploaded: {sets.map((g) => g.name).join(', ')}.</>}
                  </div>
                </div>
              ) : (
                <SortableTable
                  caption="Eval runs"
                  columns={runColumns(now, selected?.id, select)}
                  rows={data.runs}
                  rowKey={(r) => r.id}
                  initial={{ key: 'started', dir: 'desc' }}
                  rowClass={(r) => (r.id === selected?.id ? 'row-info' : r.summary?.comparisons.some((c) => c.regression) === true ? 'row-bad' : undefined)}
                  onRowClick={(r) => select(r.id)}
                />
              )}
            </div>
            {selected === undefined ? null : <RunDetails run={selected} />}
          </div>
        );
      }}
    </Async>
  );
}
