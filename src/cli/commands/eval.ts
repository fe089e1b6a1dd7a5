/**
 * `mlslo eval run NAME --set SET [--json]` and `mlslo eval list NAME` (docs/evals.md "CLI"). A run is
 * started on the server (which calls the model), followed by polling `GET /v1/evals/{id}` about four
 * times a second with a progress bar on a terminal, then summarised: pass rate with its interval, per
 * segment, per model version, the comparisons with their deltas and p-values (regressions marked), and
 * timing. Exit code 1 when a comparison is a regression, 2 when the run failed — so a CI job can gate a
 * rollout on it. `mlslo replay` (replay.ts) follows and prints its run the same way.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import type { Comparison, EvalRun, EvalRunsResponse, EvalSummary, Rate } from '../../server/schemas/evals.ts';
import { getJson, requestJson, type ClientOptions } from '../client.ts';
import { int, pct, table } from '../render-report.ts';

export interface EvalRunOptions extends ClientOptions {
  readonly set: string;
  readonly json?: boolean;
}

const POLL_MS = 250;

const path = (name: string): string => `/v1/services/${encodeURIComponent(name)}`;

/** Polls the run until it is no longer running, with a progress bar of examples done when stdout is a terminal. */
export async function followRun(run: EvalRun, opts: ClientOptions, label: string): Promise<EvalRun> {
  const bar = process.stdout.isTTY === true
    ? new SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, hideCursor: true, clearOnComplete: true, stream: process.stdout })
    : undefined;
  bar?.start(run.total, run.done);
  let current = run;
  try {
    while (current.status === 'running') {
      await sleep(POLL_MS);
      current = (await getJson(`/v1/evals/${encodeURIComponent(current.id)}`, opts)) as EvalRun;
      bar?.update(current.done);
    }
  } finally {
    bar?.stop();
  }
  return current;
}

/** Prints the finished run and sets the exit code: 2 failed, 1 regression, else 0. */
export function finishRun(run: EvalRun, json: boolean | undefined): void {
  process.stdout.write(json === true ? `${JSON.stringify(run, null, 2)}\n` : renderRun(run));
  if (run.status === 'failed') process.exitCode = 2;
  else if (run.summary?.comparisons.some((c) => c.regression) === true) process.exitCode = 1;
}

export async function evalRunCommand(name: string, opts: EvalRunOptions): Promise<void> {
  const started = (await requestJson(`${path(name)}/evals`, opts, {
    method: 'POST', body: JSON.stringify({ goldenSet: opts.set, trigger: 'cli' }), headers: { 'content-type': 'application/json' },
  })) as EvalRun;
  finishRun(await followRun(started, opts, `${name}/${opts.set}`), opts.json);
}

export async function evalListCommand(name: string, opts: ClientOptions & { set?: string; kind?: string; limit?: string; json?: boolean }): Promise<void> {
  const q = new URLSearchParams();
  if (opts.set !== undefined) q.set('goldenSet', opts.set);
  if (opts.kind !== undefined) q.set('kind', opts.kind);
  if (opts.limit !== undefined) q.set('limit', opts.limit);
  const body = (await getJson(`${path(name)}/evals${q.size > 0 ? `?${q.toString()}` : ''}`, opts)) as EvalRunsResponse;
  if (opts.json === true) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  if (body.runs.length === 0) {
    process.stdout.write(`no eval runs of ${name} yet\n`);
    return;
  }
  const t = table(['run', 'kind', 'name', 'status', 'trigger', 'started', 'model', 'done', 'pass rate', 'regression']);
  for (const r of body.runs) {
    const s = r.summary;
    t.push([r.id, r.kind, r.name, r.status, r.trigger, r.startedAt, r.model || '—', `${int(r.done)}/${int(r.total)}`,
      s === null ? '—' : rate(s.passRate), s === null ? '' : s.comparisons.some((c) => c.regression) ? 'yes' : 'no']);
  }
  process.stdout.write(`${t.toString()}\n`);
}

function rate(r: Rate): string {
  return r.n === 0 ? '—' : `${pct(r.value, 1)} [${pct(r.interval.lower, 1)}, ${pct(r.interval.upper, 1)}]`;
}

/** p-values: four decimals, or scientific notation below 0.001. */
function pValue(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(4);
}

function ms(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`;
}

function points(delta: number): string {
  return `${delta >= 0 ? '+' : '−'}${(Math.abs(delta) * 100).toFixed(1)} pts`;
}

function againstLabel(c: Comparison): string {
  const what = c.against === 'previous_run' ? 'previous run' : c.against === 'model_version' ? 'model version' : 'production';
  return c.segment === undefined ? what : `${what} [${c.segment === '' ? '(none)' : c.segment}]`;
}

function renderSummary(s: EvalSummary, kind: EvalRun['kind']): string[] {
  const out: string[] = [];
  const scored = s.passRate.n;
  out.push(`pass rate ${rate(s.passRate)}: ${int(s.passRate.good)} of ${int(scored)} scored${s.failed > 0 ? `, ${int(s.failed)} failed calls not scored` : ''}`);
  if (s.weightedPassRate !== null) {
    const w = s.weightedPassRate;
    out.push(`weighted to the window (Hájek, 1/π): ${pct(w.value, 1)} [${pct(w.interval.lower, 1)}, ${pct(w.interval.upper, 1)}]`);
  }
  if (s.score !== null) out.push(`score mean ${s.score.mean.toFixed(3)} [${s.score.interval.lower.toFixed(3)}, ${s.score.interval.upper.toFixed(3)}] (n=${int(s.score.n)})`);
  if (s.segments.length > 1 || (s.segments.length === 1 && s.segments[0]!.segment !== '')) {
    const t = table([kind === 'replay' ? 'cohort' : 'segment', 'scored', 'pass rate', 'score', 'failed']);
    for (const g of s.segments) t.push([g.segment === '' ? '(none)' : g.segment, int(g.passRate.n), rate(g.passRate), g.score === null ? '—' : g.score.mean.toFixed(3), int(g.failed)]);
    out.push('', t.toString());
  }
  if (s.versions.length > 0) {
    const t = table(['model version', 'scored', 'pass rate']);
    for (const v of s.versions) t.push([v.model === '' ? '(none)' : v.model, int(v.passRate.n), rate(v.passRate)]);
    out.push('', t.toString());
  }
  if (s.comparisons.length > 0) {
    const t = table(['compared with', 'model', 'paired', 'pass rate', 'other', 'delta', 'McNemar b/c', 'p', 'scores p', '']);
    for (const c of s.comparisons) {
      t.push([againstLabel(c), c.model === '' ? '(none)' : c.model, int(c.paired), pct(c.passRate, 1), pct(c.otherPassRate, 1), points(c.delta),
        `${c.mcnemar.b}/${c.mcnemar.c}`, pValue(c.mcnemar.pValue), c.scores === null ? '—' : pValue(c.scores.pValue), c.regression ? '▼ REGRESSION' : '']);
    }
    out.push('', t.toString());
  } else {
    out.push('', 'no earlier run to compare with');
  }
  const tm = s.timing;
  out.push('', `took ${ms(tm.durationMs)}; calls p50 ${ms(tm.p50Ms)}, p95 ${ms(tm.p95Ms)}, max ${ms(tm.maxMs)}`);
  return out;
}

export function renderRun(r: EvalRun): string {
  const what = r.kind === 'golden' ? `golden set ${r.name}` : `replay against ${r.name}`;
  const out = [`${r.service} ${what} — run ${r.id} (${r.status}, trigger ${r.trigger}), model ${r.model === '' ? '(not reported)' : r.model}`,
    `${int(r.total)} ${r.kind === 'golden' ? 'examples' : 'requests'}, started ${r.startedAt}${r.finishedAt === null ? '' : `, finished ${r.finishedAt}`}`];
  if (r.status === 'failed') out.push(`FAILED: ${r.error ?? 'unknown error'} (${int(r.done)} of ${int(r.total)} done)`);
  if (r.summary !== null) {
    out.push('', ...renderSummary(r.summary, r.kind));
    const regressions = r.summary.comparisons.filter((c) => c.regression);
    if (regressions.length > 0) {
      out.push('', `REGRESSION: ${regressions.map((c) => `${points(c.delta)} vs ${againstLabel(c)}${c.model === '' ? '' : ` (${c.model})`}, p = ${pValue(c.mcnemar.pValue)}`).join('; ')}`);
    }
  }
  return `${out.join('\n')}\n`;
}
