/**
 * What a request's outcomes make of it: its quality verdict (sources and precedence of the spec) and,
 * when the spec has a feedback rule but does not count feedback as quality, the feedback-proxy verdict
 * shown beside quality (DESIGN §2.3) — each as a step function of the as-of time, and the rollup
 * contribution of each state. Pure; plan.ts applies the differences.
 */
import type { InferenceEvent, OutcomeEvent } from '../core/event.ts';
import { verdictSums } from '../core/quality-metrics/contributions.ts';
import { addQuality, addSums, createQualityAcc, negateQuality, verdictQuality, type MetricSums, type QualityAcc, type RollupCell } from '../core/rollup.ts';
import type { ServiceSpec } from '../core/spec.ts';
import { judge, resolveVerdict, verdictTimeline, type Verdict as JudgedVerdict, type VerdictOptions, type VerdictPoint } from '../core/verdict.ts';
import type { Verdict, VerdictStep } from '../store/port.ts';

/** The request's verdicts at one as-of time. */
export interface Judgement {
  readonly quality: JudgedVerdict | undefined;
  /** The feedback proxy, kept apart from quality (§2.3); undefined when the spec counts feedback or has no rule. */
  readonly proxy: JudgedVerdict | undefined;
}

export const NO_JUDGEMENT: Judgement = { quality: undefined, proxy: undefined };

/** What a judgement adds to its cells: quality counts and metric contributions (proxy|… included). */
export interface Contribution {
  readonly quality: QualityAcc;
  readonly sums: MetricSums;
}

const PROXY: VerdictOptions = { sources: ['feedback'], precedence: ['feedback'] };

export function contribution(spec: ServiceSpec, e: InferenceEvent, j: Judgement): Contribution {
  if (e.status !== 'ok') return { quality: createQualityAcc(), sums: {} };
  const v = j.quality;
  const quality = v === undefined ? createQualityAcc() : verdictQuality(v.good, v.weight);
  const sums = v === undefined ? {} : verdictSums(spec.quality.verdict, e.prediction, v.outcome.payload, v.weight);
  const p = j.proxy;
  if (p !== undefined) addSums(sums, { 'proxy|n': [1, p.weight], ...(p.good ? { 'proxy|good': [1, p.weight] as [number, number] } : {}) });
  return { quality, sums };
}

/** a − b */
export function difference(a: Contribution, b: Contribution): Contribution {
  const q = a.quality;
  const quality = { judged: q.judged, good: q.good, sumW: q.sumW, sumW2: q.sumW2, sumWGood: q.sumWGood };
  addQuality(quality, negateQuality(b.quality));
  // A copy of a.sums (structuredClone costs microseconds per call): addSums into {} copies each pair.
  const sums: MetricSums = {};
  addSums(sums, a.sums);
  addSums(sums, b.sums, -1);
  return { quality, sums };
}

export function isNothing(c: Contribution): boolean {
  const q = c.quality;
  return q.judged === 0 && q.good === 0 && q.sumW === 0 && q.sumW2 === 0 && q.sumWGood === 0 && Object.keys(c.sums).length === 0;
}

export function addTo(cells: readonly RollupCell[], c: Contribution): void {
  for (const cell of cells) {
    addQuality(cell.quality, c.quality);
    addSums(cell.sums, c.sums);
  }
}

/** The port's stored form of the quality verdict: what decided it, without the outcome itself. */
export function storedForm(j: Judgement): Verdict | undefined {
  const v = j.quality;
  return v === undefined ? undefined : { good: v.good, weight: v.weight, source: v.source, ts: v.ts };
}

export interface JudgementTimeline {
  /** Before this batch's outcomes (undefined verdicts for a request first seen now). */
  readonly before: Judgement;
  readonly after: Judgement;
  /** Every as-of time at which the judgement changes, ascending. */
  readonly points: ReadonlyArray<{ readonly ts: number; readonly judgement: Judgement }>;
}

function at(points: readonly VerdictPoint[], ts: number): JudgedVerdict | undefined {
  let v: JudgedVerdict | undefined;
  for (const p of points) if (p.ts <= ts) v = p.verdict;
  return v;
}

export function judgeRequest(spec: ServiceSpec, e: InferenceEvent, stored: readonly OutcomeEvent[], arriving: readonly OutcomeEvent[]): JudgementTimeline {
  const prediction = e.status === 'ok' ? e.prediction : undefined;
  const q = spec.quality;
  const decide = (o: OutcomeEvent): boolean | undefined => judge(q.verdict, prediction, o.payload, q.feedbackRule);
  const proxyRule = q.feedbackRule !== undefined && !q.sources.includes('feedback') ? q.feedbackRule : undefined;
  const decideProxy = (o: OutcomeEvent): boolean | undefined => (proxyRule === undefined ? undefined : judge(q.verdict, prediction, o.payload, proxyRule));
  const all = [...stored, ...arriving];
  const main = verdictTimeline(all, q, decide);
  const proxy = proxyRule === undefined ? [] : verdictTimeline(all, PROXY, decideProxy);
  const times = [...new Set([...main, ...proxy].map((p) => p.ts))].sort((a, b) => a - b);
  const points = times.map((ts) => ({ ts, judgement: { quality: at(main, ts), proxy: at(proxy, ts) } }));
  const before: Judgement = stored.length === 0 ? NO_JUDGEMENT : {
    quality: resolveVerdict(stored, q, decide),
    proxy: proxyRule === undefined ? undefined : resolveVerdict(stored, PROXY, decideProxy),
  };
  return { before, after: points.at(-1)?.judgement ?? NO_JUDGEMENT, points };
}

/**
 * Quality verdicts that arrived with this batch: the timeline points decided by an arriving outcome.
 * They count on the verdict-time axis at the outcome's `ts` (DESIGN §2.4). A verdict counted by an
 * earlier batch stays counted there even if a later outcome re-orders history: the axis records
 * arrivals, which is what burn-rate alerting on fresh labels needs.
 */
export function arrivals(timeline: JudgementTimeline, arriving: readonly OutcomeEvent[]): JudgedVerdict[] {
  const keys = new Set(arriving.map((o) => o.key));
  const out: JudgedVerdict[] = [];
  let prevKey: string | undefined;
  for (const p of timeline.points) {
    const v = p.judgement.quality;
    if (v !== undefined && v.outcome.key !== prevKey && keys.has(v.outcome.key)) out.push(v);
    prevKey = v?.outcome.key;
  }
  return out;
}

export function stepsOf(spec: ServiceSpec, e: InferenceEvent, timeline: JudgementTimeline, cohort: Readonly<Record<string, string>>): VerdictStep[] {
  const steps: VerdictStep[] = [];
  let prev = contribution(spec, e, NO_JUDGEMENT);
  for (const point of timeline.points) {
    const next = contribution(spec, e, point.judgement);
    const d = difference(next, prev);
    steps.push({ service: e.service, requestId: e.id, requestTs: e.ts, model: e.model, cohort, stepTs: point.ts, delta: d.quality, sums: d.sums });
    prev = next;
  }
  return steps;
}
