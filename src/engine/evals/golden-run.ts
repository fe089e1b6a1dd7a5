/**
 * A golden-set run (DESIGN §2.7): the newest uploaded version of the set, each example through the
 * set's endpoint (and, for generative services, its output through the judge), scored with the
 * service's verdict rule (core/evals/score.ts); then compared with the previous done run of the set and
 * with the latest done run of every other model version the set was run against (paired, McNemar and
 * Wilcoxon; core/evals/summary.ts) — the comparisons eval alerts read (engine/evals/eval-alerts.ts).
 */
import { compareResults } from '../../core/evals/summary.ts';
import { predictionFromResponse, scoreExample } from '../../core/evals/score.ts';
import type { EvalComparison } from '../../core/evals/types.ts';
import type { Prediction } from '../../core/event.ts';
import { MlsloError } from '../../core/errors.ts';
import type { GoldenSetSpec, ServiceSpec } from '../../core/spec.ts';
import type { EvalResultRecord, GoldenSetRecord, NewEvalRun, Store } from '../../store/port.ts';
import { callEndpoint, prepareEndpoint, type CallOptions, type PreparedEndpoint } from './endpoint.ts';
import { readAllResults, segmentsOf } from './results.ts';

export type { EvalComparison };

/** What the runner needs to execute any kind of run. */
export interface RunPlan {
  readonly run: NewEvalRun;
  readonly concurrency: number;
  evaluate(runId: string, index: number, opts: CallOptions): Promise<EvalResultRecord>;
  compare(runId: string, model: string, results: readonly EvalResultRecord[]): Promise<EvalComparison[]>;
}

export interface PlanContext {
  readonly store: Store;
  readonly now: number;
  readonly env: NodeJS.ProcessEnv;
  readonly allowPrivateTargets: boolean;
}

/** How many other model versions' runs are looked at for `model_version` comparisons. */
const VERSION_LOOKBACK = 200;

function outputText(p: Prediction): string {
  return p.kind === 'text' ? p.text ?? '' : JSON.stringify(p);
}

function isScores(v: unknown): v is Readonly<Record<string, number>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x));
}

export function goldenSetOf(spec: ServiceSpec, name: string): GoldenSetSpec {
  const set = spec.evals.goldenSets.find((g) => g.name === name);
  if (set === undefined) {
    const known = spec.evals.goldenSets.map((g) => g.name);
    throw new MlsloError('MLSLO_ERR_GOLDEN_SET_NOT_FOUND', `the spec of ${spec.name} declares no golden set \`${name}\`${known.length > 0 ? ` (it declares ${known.join(', ')})` : ''}`);
  }
  return set;
}

export async function planGoldenRun(ctx: PlanContext, spec: ServiceSpec, setName: string, trigger: string): Promise<RunPlan> {
  const set = goldenSetOf(spec, setName);
  const rule = spec.quality.verdict;
  if (rule.task === 'generative' && set.judge === undefined) {
    throw new MlsloError('MLSLO_ERR_SPEC_INVALID', `golden set ${setName} of ${spec.name}: a generative service's golden set needs a judge`);
  }
  const endpoint = await prepareEndpoint(set.endpoint, `golden set ${setName} endpoint`, ctx.env, ctx.allowPrivateTargets);
  const judge = set.judge === undefined ? undefined : await prepareEndpoint(set.judge, `golden set ${setName} judge`, ctx.env, ctx.allowPrivateTargets);
  const golden = await ctx.store.getGoldenSet(spec.name, setName);
  if (golden === undefined) {
    throw new MlsloError('MLSLO_ERR_GOLDEN_SET_NOT_FOUND', `no examples of golden set \`${setName}\` of ${spec.name} are uploaded; PUT them to /v1/services/${spec.name}/golden-sets/${setName} (mlslo golden upload)`);
  }
  return {
    concurrency: set.endpoint.concurrency,
    run: { service: spec.name, kind: 'golden', name: setName, goldenSetId: golden.id, trigger, startedAt: ctx.now, model: '', total: golden.items.length },
    evaluate: (runId, index, opts) => evaluateExample(spec, golden, endpoint, judge, runId, index, opts),
    compare: (runId, model, results) => goldenComparisons(ctx.store, spec.name, set, { id: runId, model }, results),
  };
}

async function evaluateExample(
  spec: ServiceSpec, golden: GoldenSetRecord, endpoint: PreparedEndpoint, judge: PreparedEndpoint | undefined,
  runId: string, index: number, opts: CallOptions,
): Promise<EvalResultRecord> {
  const ex = golden.items[index]!;
  const data = { id: ex.id, input: ex.input, expected: ex.expected, segment: ex.segment };
  const call = await callEndpoint(endpoint, data, opts);
  const base = {
    runId, index, exampleId: ex.id, segment: ex.segment, requestId: undefined, model: call.model,
    baselineVerdict: null, weight: 1, latencyMs: call.latencyMs, attempts: call.attempts,
    prediction: call.prediction === undefined ? null : JSON.stringify(call.prediction),
  };
  const unscored = (error: string): EvalResultRecord => ({ ...base, verdict: null, score: null, error });
  if (call.error !== null) return unscored(call.error);
  const prediction = predictionFromResponse(spec.task, call.prediction, call.score);
  if (prediction === undefined) return unscored(`the value at ${endpoint.spec.prediction} is not a ${spec.task} prediction`);
  let scores: Readonly<Record<string, number>> | undefined;
  if (judge !== undefined) {
    const j = await callEndpoint(judge, { ...data, output: outputText(prediction) }, opts);
    if (j.error !== null) return unscored(`judge: ${j.error}`);
    if (!isScores(j.prediction)) return unscored(`judge: the value at ${judge.spec.prediction} is not an object of numeric scores`);
    scores = j.prediction;
  }
  const s = scoreExample(spec.quality.verdict, ex.expected, prediction, scores);
  return { ...base, verdict: s.verdict, score: s.score, error: null };
}

/**
 * Against the previous done run of the set (overall and, when the set has segments, per segment), and
 * against the newest done run of each other model version. Runs that report no model version are
 * compared only with the previous run: there is no version to tell apart.
 */
export async function goldenComparisons(
  store: Store, service: string, set: GoldenSetSpec, run: { readonly id: string; readonly model: string }, results: readonly EvalResultRecord[],
): Promise<EvalComparison[]> {
  const opts = { maxDrop: set.maxDrop, alpha: set.alpha };
  const done = (await store.listEvalRuns({ service, kind: 'golden', name: set.name, status: 'done', limit: VERSION_LOOKBACK })).filter((r) => r.id !== run.id);
  const out: EvalComparison[] = [];
  const cache = new Map<string, Promise<EvalResultRecord[]>>();
  const resultsOf = (id: string): Promise<EvalResultRecord[]> => {
    let p = cache.get(id);
    if (p === undefined) cache.set(id, (p = readAllResults(store, id)));
    return p;
  };
  const previous = done[0];
  if (previous !== undefined) {
    const other = await resultsOf(previous.id);
    const against = { against: 'previous_run', runId: previous.id, model: previous.model, ...opts } as const;
    out.push(compareResults(results, other, against));
    const segments = segmentsOf(results);
    if (segments.length > 1) for (const segment of segments) out.push(compareResults(results, other, { ...against, segment }));
  }
  if (run.model !== '') {
    const seen = new Set([run.model, '']);
    for (const r of done) {
      if (seen.has(r.model)) continue;
      seen.add(r.model);
      out.push(compareResults(results, await resultsOf(r.id), { against: 'model_version', runId: r.id, model: r.model, ...opts }));
    }
  }
  return out;
}
