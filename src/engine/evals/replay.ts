/**
 * Production replay (DESIGN §2.7, docs/evals.md "Production replay"): a shadow eval of an endpoint — a
 * candidate model — on stored production requests that have ground truth or a human verdict. The
 * requests of the window are sampled stratified by cohort (core/labeling/sampler.ts,
 * plain stratified SRS, seeded by the window so the same window gives the same sample), sent to the
 * endpoint with their input, features and cohort, and the candidate's prediction is judged against the
 * outcome that decides the stored verdict (core/verdict.ts). Each result keeps production's verdict
 * (`baselineVerdict`) and the inclusion probability π, so the summary compares the candidate with
 * production on the same requests and weights the pass rate back to the window (Hájek).
 */
import { compareWithProduction } from '../../core/evals/summary.ts';
import { predictionFromResponse } from '../../core/evals/score.ts';
import { cohortValue, type InferenceEvent, type OutcomeEvent } from '../../core/event.ts';
import { MlsloError } from '../../core/errors.ts';
import { sampleForLabeling, stratumKey, type SampleCandidate } from '../../core/labeling/sampler.ts';
import type { ServiceSpec } from '../../core/spec.ts';
import { judge, resolveVerdict } from '../../core/verdict.ts';
import { refKey, type EvalResultRecord, type Verdict } from '../../store/port.ts';
import { callEndpoint, prepareEndpoint, type CallOptions, type PreparedEndpoint } from './endpoint.ts';
import type { EvalComparison, PlanContext, RunPlan } from './golden-run.ts';
import { segmentsOf } from './results.ts';

export interface ReplayQuery {
  readonly from: number;
  readonly to: number;
  /** Requests to replay (at most what the window holds). */
  readonly size: number;
  readonly trigger: string;
}

/** Replays have no golden-set entry in the spec: the defaults of one (core/spec.ts GoldenSetSpec). */
export const REPLAY_MAX_DROP = 0.02;
export const REPLAY_ALPHA = 0.05;

const PAGE = 5000;
const LOOKUP_CHUNK = 500;
const HUMAN_SOURCES = new Set(['ground_truth', 'human']);

type OkInference = Extract<InferenceEvent, { status: 'ok' }>;

interface Sampled {
  readonly event: OkInference;
  readonly verdict: Verdict;
  readonly stratum: string;
  readonly pi: number;
  /** The outcome that decides the stored verdict; undefined if it no longer does (then unscored). */
  readonly outcome: OutcomeEvent | undefined;
}

/** mulberry32: a small seeded generator (the core owns no randomness). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The attributes whose values form the strata, as for the labeling sampler: `quality.stratifyBy`, else
 * the first declared cohort attribute (every attribute jointly would split a sample into too many cells).
 */
function strataAttrs(spec: ServiceSpec): readonly string[] {
  return spec.quality.stratifyBy.length > 0 ? spec.quality.stratifyBy : spec.cohorts.slice(0, 1);
}

function stratumOf(attrs: readonly string[], e: InferenceEvent): string {
  return attrs.length === 0 ? '' : stratumKey(attrs.map((a) => cohortValue(e.cohort, a) ?? ''));
}

async function sample(ctx: PlanContext, spec: ServiceSpec, q: ReplayQuery): Promise<Sampled[]> {
  const candidates: SampleCandidate[] = [];
  const kept = new Map<string, { event: OkInference; verdict: Verdict }>();
  const attrs = strataAttrs(spec);
  let after: { ts: number; id: string } | undefined;
  for (;;) {
    const rows = await ctx.store.readInferences({ service: spec.name, from: q.from, to: q.to, limit: PAGE, ...(after === undefined ? {} : { after }) });
    for (const r of rows) {
      const e = r.event;
      if (!r.eligible || e.status !== 'ok' || e.prediction === undefined || r.verdict === undefined || !HUMAN_SOURCES.has(r.verdict.source)) continue;
      candidates.push({ id: e.id, stratum: stratumOf(attrs, e) });
      kept.set(e.id, { event: e, verdict: r.verdict });
    }
    if (rows.length < PAGE) break;
    const last = rows[rows.length - 1]!.event;
    after = { ts: last.ts, id: last.id };
  }
  if (candidates.length === 0) {
    throw new MlsloError('MLSLO_ERR_REPLAY_INVALID', `no stored request of ${spec.name} in [${new Date(q.from).toISOString()}, ${new Date(q.to).toISOString()}) has ground truth or a human verdict`);
  }
  const size = Math.min(q.size, candidates.length);
  const decision = sampleForLabeling(candidates, { budget: size, minSamples: 0, favourUncertain: 0 }, seeded(q.from ^ q.to ^ size));
  const outcomes = new Map<string, readonly OutcomeEvent[]>();
  for (let i = 0; i < decision.selected.length; i += LOOKUP_CHUNK) {
    const requests = decision.selected.slice(i, i + LOOKUP_CHUNK).map((id) => ({ service: spec.name, id }));
    const snap = await ctx.store.lookupForIngest({ inferences: [], requests, outcomeKeys: [] });
    for (const r of requests) outcomes.set(r.id, (snap.outcomesByRequest.get(refKey(spec.name, r.id)) ?? []).map((o) => o.event));
  }
  const rule = spec.quality.verdict;
  const stratum = new Map(candidates.map((c) => [c.id, c.stratum]));
  return decision.selected.map((id) => {
    const { event, verdict } = kept.get(id)!;
    const counted = (outcomes.get(id) ?? []).filter((o) => HUMAN_SOURCES.has(o.source));
    const decided = resolveVerdict(counted, { sources: spec.quality.sources, precedence: spec.quality.precedence }, (o) => judge(rule, event.prediction, o.payload, spec.quality.feedbackRule));
    return { event, verdict, stratum: stratum.get(id)!, pi: decision.probabilities.get(id)!, outcome: decided?.outcome };
  });
}

export async function planReplay(ctx: PlanContext, spec: ServiceSpec, endpointName: string, q: ReplayQuery): Promise<RunPlan> {
  const endpointSpec = Object.hasOwn(spec.evals.endpoints, endpointName) ? spec.evals.endpoints[endpointName] : undefined;
  if (endpointSpec === undefined) {
    const known = Object.keys(spec.evals.endpoints);
    throw new MlsloError('MLSLO_ERR_EVAL_ENDPOINT_NOT_FOUND', `the spec of ${spec.name} declares no endpoint \`${endpointName}\` under evals.endpoints${known.length > 0 ? ` (it declares ${known.join(', ')})` : ''}`);
  }
  if (spec.task === 'generative') {
    throw new MlsloError('MLSLO_ERR_REPLAY_INVALID', `${spec.name} is generative: a replayed output needs a judge to score it; run a golden set with a judge instead`);
  }
  const endpoint = await prepareEndpoint(endpointSpec, `endpoint ${endpointName}`, ctx.env, ctx.allowPrivateTargets);
  const items = await sample(ctx, spec, q);
  const productionModels = [...new Set(items.map((s) => s.event.model))].sort().join(',');
  return {
    concurrency: endpointSpec.concurrency,
    run: { service: spec.name, kind: 'replay', name: endpointName, goldenSetId: undefined, trigger: q.trigger, startedAt: ctx.now, model: '', total: items.length },
    evaluate: (runId, index, opts) => replayOne(spec, endpoint, items[index]!, runId, index, opts),
    compare: (_runId, _model, results) => Promise.resolve(replayComparisons(results, productionModels)),
  };
}

async function replayOne(spec: ServiceSpec, endpoint: PreparedEndpoint, s: Sampled, runId: string, index: number, opts: CallOptions): Promise<EvalResultRecord> {
  const e = s.event;
  const call = await callEndpoint(endpoint, { id: e.id, input: e.input, features: e.features, cohort: e.cohort, segment: s.stratum }, opts);
  const base = {
    runId, index, exampleId: e.id, segment: s.stratum, requestId: e.id, model: call.model,
    baselineVerdict: s.verdict.good, weight: s.pi, latencyMs: call.latencyMs, attempts: call.attempts,
    prediction: call.prediction === undefined ? null : JSON.stringify(call.prediction),
  };
  const unscored = (error: string): EvalResultRecord => ({ ...base, verdict: null, score: null, error });
  if (call.error !== null) return unscored(call.error);
  const prediction = predictionFromResponse(spec.task, call.prediction, call.score);
  if (prediction === undefined) return unscored(`the value at ${endpoint.spec.prediction} is not a ${spec.task} prediction`);
  if (s.outcome === undefined) return unscored('the stored outcomes no longer decide a verdict');
  const payload = s.outcome.payload;
  const good = judge(spec.quality.verdict, prediction, payload, spec.quality.feedbackRule);
  const score = prediction.kind === 'value' && payload.kind === 'value' ? Math.abs(prediction.value - payload.value) : null;
  return { ...base, verdict: good ?? null, score, error: null };
}

/** Against production on the same requests, overall and, with more than one stratum, per stratum. */
function replayComparisons(results: readonly EvalResultRecord[], model: string): EvalComparison[] {
  const opts = { model, maxDrop: REPLAY_MAX_DROP, alpha: REPLAY_ALPHA };
  const out = [compareWithProduction(results, opts)];
  const segments = segmentsOf(results);
  if (segments.length > 1) for (const segment of segments) out.push(compareWithProduction(results, { ...opts, segment }));
  return out;
}
