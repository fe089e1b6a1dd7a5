/**
 * Synthetic traffic for `world-stats-assistant`: questions drawn over the real Gapminder data in four
 * languages, answered by the assistant (assistant-model.ts), with latency from the prompt and answer
 * lengths, background and scripted errors, and judge scores (judge.ts) that arrive 2–20 minutes later for
 * 30% of the answers. The judge is itself a model and errs: 3% of its faithfulness scores are noise. A
 * reviewer scores 10% of the judged answers by hand an hour or two later (`source: human`, precise),
 * which is what the judge's calibration is measured against.
 */
import { lognormal, pick, type Rng } from '../random.ts';
import { activeIncident, type Incident } from '../script.ts';
import { arrivals, drawError, errorLatency, requestId, round1 } from '../traffic-kit.ts';
import type { Request, Traffic, WireInference, WireOutcome } from '../wire.ts';
import { answerQuestion, createRetriever, drawQuestion, type Answer, type Question } from './assistant-model.ts';
import type { Gapminder } from './gapminder.ts';
import { judgeAnswer, type Scores } from './judge.ts';

export const ASSISTANT_SERVICE = 'world-stats-assistant';
export const ASSISTANT_MODEL = 'rag-v3';
export const JUDGE_SHARE = 0.3;
export const HUMAN_SHARE = 0.1;
/** Share of the judge's faithfulness scores that are noise (a misread answer). */
export const JUDGE_NOISE = 0.03;

export interface AssistantTrafficOptions {
  readonly data: Gapminder;
  readonly rng: Rng;
  readonly anchorMs: number;
  readonly incidents: readonly Incident[];
  readonly perMinute: (ms: number) => number;
  readonly runTag: string;
}

/** The request attributes the service reports for a question: cohorts and drift features. */
export function questionAttributes(data: Gapminder, q: Question, a: Pick<Answer, 'promptTokens'>): {
  cohort: Record<string, string>; features: Record<string, string | number>;
} {
  const region = data.regionOf(q.countries[0]!);
  return {
    cohort: { language: q.language, region, questionType: q.type },
    features: { language: q.language, questionType: q.type, metric: q.metric, region, promptTokens: a.promptTokens },
  };
}

/** Prefill per prompt token, then decoding per output token; 0.5% of requests queue behind a long batch. */
export function assistantLatency(rng: Rng, a: Pick<Answer, 'promptTokens' | 'outputTokens'>): number {
  const ms = 120 + 0.5 * a.promptTokens + a.outputTokens * lognormal(rng, 18, 0.2);
  return rng() < 0.005 ? ms * (2 + 2 * rng()) : ms;
}

export function createAssistantTraffic(opts: AssistantTrafficOptions): Traffic {
  const { rng, data } = opts;
  const next = arrivals(rng, opts.perMinute);
  const retrieve = createRetriever(data.countries);
  let seq = 0;

  const make = (ms: number): Request => {
    const incident = activeIncident(opts.incidents, opts.anchorMs, ms);
    const q = drawQuestion(rng, data);
    const a = answerQuestion(rng, data, retrieve, q);
    const id = requestId('wsa', ms, opts.runTag, seq++);
    const base = {
      kind: 'inference' as const,
      id,
      service: ASSISTANT_SERVICE,
      model: ASSISTANT_MODEL,
      ts: new Date(ms).toISOString(),
      input: { promptTokens: a.promptTokens },
      ...questionAttributes(data, q, a),
    };
    const errorType = drawError(rng, incident);
    if (errorType !== undefined) {
      return { inference: { ...base, status: 'error', errorType, latencyMs: round1(errorLatency(rng, errorType)) }, outcomes: [] };
    }
    const latencyMs = assistantLatency(rng, a) * (incident?.latencyFactor ?? 1);
    const inference: WireInference = { ...base, status: 'ok', latencyMs: round1(latencyMs), prediction: { text: a.text } };
    if (rng() >= JUDGE_SHARE) return { inference, outcomes: [] };
    const truth = judgeAnswer(data, q, a.text);
    const judged: Scores = rng() < JUDGE_NOISE ? { ...truth, faithfulness: Math.round(rng() * 100) / 100 } : truth;
    const judgeDelayMin = Math.min(20, Math.max(2, lognormal(rng, 5, 0.6)));
    const outcomes = [scored(id, ms, judgeDelayMin, 'judge', judged)];
    if (rng() < HUMAN_SHARE) outcomes.push(scored(id, ms, judgeDelayMin + 60 + 60 * rng(), 'human', truth, pick(rng, ['rev-chen', 'rev-dara'])));
    return { inference, outcomes };
  };

  return { between: (fromMs, toMs) => next(fromMs, toMs).map(make) };
}

function scored(requestId: string, ms: number, delayMin: number, source: 'judge' | 'human', scores: Scores, annotator?: string): Request['outcomes'][number] {
  const dueMs = ms + Math.round(delayMin * 60_000);
  const event: WireOutcome = {
    kind: 'outcome',
    id: `${requestId}-${source === 'human' ? 'h' : 'j'}`,
    requestId,
    service: ASSISTANT_SERVICE,
    ts: new Date(dueMs).toISOString(),
    source,
    scores: { faithfulness: scores.faithfulness, format: scores.format },
    // A reviewer re-scores a judged answer: the request is in the judged sample either way (its
    // inclusion probability), and the human verdict replaces the judge's by precedence (§2.3).
    samplingProb: JUDGE_SHARE,
    ...(annotator === undefined ? {} : { annotator }),
  };
  return { dueMs, event };
}
