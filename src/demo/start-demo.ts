/**
 * `mlslo serve --demo`: trains the demo's models on real public data (vega-datasets) and feeds three
 * services through the HTTP API — `flight-delay-classifier` (decision trees on US flights),
 * `movie-ranker` (ridge regression over movie features, judged by viewers' real ratings) and
 * `world-stats-assistant` (a retrieval-augmented Q&A assistant over Gapminder, scored by a judge against
 * the real numbers). For each: the training sample goes up as its drift baseline, up to 48 hours of
 * history are back-filled (with the scripted incidents and rollouts), then live traffic streams on the
 * (compressed) server clock until aborted, with the live story of story.ts.
 */
import { answerQuestion, createRetriever, drawQuestion } from './assistant/assistant-model.ts';
import { loadGapminder, type Gapminder } from './assistant/gapminder.ts';
import { ASSISTANT_INCIDENTS } from './assistant/incidents.ts';
import { judgeAnswer } from './assistant/judge.ts';
import { ASSISTANT_MODEL, ASSISTANT_SERVICE, createAssistantTraffic, questionAttributes } from './assistant/traffic.ts';
import {
  accuracyOn, CANARY_TRAIN, DEFAULT_TRAIN, delayedShare, delayRecallOn, trainFlightModel, type FlightModel,
} from './classifier/flight-model.ts';
import { loadFlights } from './classifier/flights.ts';
import { CANARY, FEED_V2_FROM_MIN, INCIDENTS } from './classifier/incidents.ts';
import { createTraffic, MODEL as MAIN_MODEL, SERVICE } from './classifier/traffic.ts';
import { DEFAULT_DEMO_SPEED } from './clock.ts';
import { mulberry32 } from './random.ts';
import { RANKER_CANARY, RANKER_INCIDENTS } from './ranker/incidents.ts';
import { loadMovies } from './ranker/movies.ts';
import { RANKER_CANARY_TRAIN, RANKER_TRAIN, trainRanker, type RankerModel } from './ranker/ranker-model.ts';
import { createRankerTraffic, queryGenerator, RANKER_MODEL, RANKER_SERVICE } from './ranker/traffic.ts';
import { rankerQuality } from './ranker/evaluate.ts';
import type { Incident } from './script.ts';
import { sendEvents, sleep, uploadBaseline } from './sender.ts';
import { timelineLines } from './story.ts';
import type { Request, Traffic, WireEvent, WireOutcome } from './wire.ts';

export interface DemoOptions {
  readonly url: string;
  readonly ingestKey: string;
  /** The server's clock (compressed in demo mode, clock.ts): traffic is generated up to it. */
  readonly now: () => number;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal;
  /** The clock's speed factor, for the printed timeline (default 10). */
  readonly speed?: number;
  /**
   * Per service, where its stored history ends (a restarted demo on the same data directory, clock.ts):
   * the back-fill covers only the gap, and a service with history keeps its baseline.
   */
  readonly lastServedMs?: ReadonlyMap<string, number>;
  /** Told after each batch of live traffic up to which server instant everything due was sent. */
  readonly onProgress?: (sentUpToMs: number) => void;
  /** Called once the history is in, right before live traffic starts: starts the compressed clock. */
  readonly startClock?: () => void;
}

export interface DemoTuning {
  readonly seed: number;
  readonly backfillHours: number;
  /**
   * Mean requests per server minute and service in the back-filled history older than `recentHours`
   * (±50% diurnal). Thinner than live traffic: ingesting the back-fill costs ~0.5 ms of CPU an event.
   */
  readonly backfillPerMinute: number;
  /**
   * The last hours of the history run at the live rate, so the long burn windows (the 6h page row) compare
   * like with like: a live burst's share of them does not depend on how thin the older history is.
   */
  readonly recentHours: number;
  /**
   * Mean requests per server minute and service once live. At the default 10× that is ~1.7 requests per
   * real second per service: enough for every burn window (≥ minEvents in a 5-minute window even at the
   * diurnal trough) at little CPU.
   */
  readonly livePerMinute: number;
  /** Real milliseconds between live batches. */
  readonly tickMs: number;
  /** Classifier: share of requests whose ground truth is reported, and share of those a human confirms. */
  readonly labelShare: number;
  readonly humanShare: number;
}

/** The models the demo serves, trained on the same splits they are evaluated on. */
export interface DemoModels {
  readonly classifier: { readonly main: FlightModel; readonly canary: FlightModel };
  readonly ranker: { readonly main: RankerModel; readonly canary: RankerModel };
  readonly gapminder: Gapminder;
}

/** The classifier's traffic relative to the other services'. */
export const CLASSIFIER_RATE = 1.5;

export const DEFAULT_TUNING: DemoTuning = {
  seed: 7,
  backfillHours: 48,
  backfillPerMinute: 3,
  recentHours: 6,
  livePerMinute: 10,
  tickMs: 1000,
  labelShare: 0.2,
  humanShare: 0.1,
};

/** Baseline rows: the features each service sends, and the prediction where there is one. */
type BaselineRow = Record<string, number | string>;

interface DemoService {
  readonly name: string;
  readonly baselineModel: string;
  readonly baseline: () => BaselineRow[];
  readonly traffic: Traffic;
  readonly incidents: readonly Incident[];
}

export async function startDemo(opts: DemoOptions, tuning: Partial<DemoTuning> = {}, models?: DemoModels): Promise<void> {
  const t: DemoTuning = { ...DEFAULT_TUNING, ...tuning };
  // Let the caller finish its start-up output before training blocks the event loop for a few seconds.
  await new Promise((resolve) => setImmediate(resolve));
  const trained = models ?? trainAndReport(opts.log);
  const anchorMs = opts.now();
  const services = demoServices(trained, t, anchorMs);
  const pending: { dueMs: number; event: WireOutcome }[] = [];
  if ((opts.lastServedMs?.size ?? 0) > 0) {
    const ahead = (anchorMs - Date.now()) / 3_600_000;
    opts.log(`demo: resuming the history in this data directory: server time continues at ${new Date(anchorMs).toISOString()}` +
      (ahead >= 0.1 ? ` (${ahead.toFixed(1)} h ahead of the wall clock: compressed time of earlier runs)` : ''));
  }
  try {
    for (const s of services) {
      if (opts.lastServedMs?.has(s.name) === true) continue;
      const rows = await uploadBaseline(s.name, s.baselineModel, s.baseline(), opts);
      opts.log(`demo: uploaded ${rows} training rows of ${s.name} (${s.baselineModel}) as its drift baseline`);
    }
    await backfill(opts, t, services, anchorMs, pending);
    for (const line of timelineLines(opts.speed ?? DEFAULT_DEMO_SPEED)) opts.log(line);
    opts.startClock?.();
    await streamLive(opts, t, services, anchorMs, pending);
  } catch (err) {
    if (!opts.signal.aborted) throw err;
  }
}

export function demoServices(trained: DemoModels, t: DemoTuning, anchorMs: number): DemoService[] {
  const recentFrom = anchorMs - t.recentHours * 3_600_000;
  const rate = (weight: number) => (ms: number): number => weight * (ms < recentFrom ? t.backfillPerMinute : t.livePerMinute);
  const perMinute = rate(1);
  const runTag = (anchorMs % 46_656).toString(36);
  const { classifier, ranker, gapminder } = trained;
  return [
    {
      name: SERVICE,
      baselineModel: MAIN_MODEL,
      baseline: () => trainingSample(classifier.main),
      incidents: INCIDENTS,
      traffic: createTraffic({
        model: classifier.main,
        rollout: { plan: CANARY, model: classifier.canary },
        rng: mulberry32(t.seed),
        anchorMs,
        incidents: INCIDENTS,
        // The busiest service: its 2h drift windows need ≥ 450 requests even at the diurnal trough, where
        // the normed Wasserstein noise of distance stays below the spec's 0.15 (demo/flight-delay-classifier.yaml).
        perMinute: rate(CLASSIFIER_RATE),
        runTag,
        labelShare: t.labelShare,
        humanShare: t.humanShare,
        feedV2FromMs: anchorMs + FEED_V2_FROM_MIN * 60_000,
      }),
    },
    {
      name: RANKER_SERVICE,
      baselineModel: RANKER_MODEL,
      baseline: () => rankerBaseline(ranker.main, t.seed),
      incidents: RANKER_INCIDENTS,
      traffic: createRankerTraffic({
        model: ranker.main,
        rollout: { plan: RANKER_CANARY, model: ranker.canary },
        rng: mulberry32(t.seed + 1),
        anchorMs,
        incidents: RANKER_INCIDENTS,
        perMinute,
        runTag,
      }),
    },
    {
      name: ASSISTANT_SERVICE,
      baselineModel: ASSISTANT_MODEL,
      baseline: () => assistantBaseline(gapminder, t.seed),
      incidents: ASSISTANT_INCIDENTS,
      traffic: createAssistantTraffic({ data: gapminder, rng: mulberry32(t.seed + 2), anchorMs, incidents: ASSISTANT_INCIDENTS, perMinute, runTag }),
    },
  ];
}

export function trainAndReport(log: (line: string) => void): DemoModels {
  const flights = loadFlights();
  const main = trainFlightModel(flights, DEFAULT_TRAIN);
  const baseline = Math.max(delayedShare(main.heldOut), 1 - delayedShare(main.heldOut));
  log(`demo: ${SERVICE}: trained tree-v3 (a decision tree) on ${DEFAULT_TRAIN.treeRows} of ${main.train.length} real 2001 flights in ` +
    `${(main.trainMs / 1000).toFixed(1)} s; held-out accuracy ${accuracyOn(main, main.heldOut).toFixed(3)}, ` +
    `delay recall ${delayRecallOn(main, main.heldOut).toFixed(2)} (always "on_time": ${baseline.toFixed(3)})`);
  const canary = trainFlightModel(flights, CANARY_TRAIN);
  log(`demo: ${SERVICE}: trained the tree-v4 canary, a retrain to catch more delays: ${CANARY_TRAIN.treeRows} flights with the ` +
    `delayed ones oversampled ${CANARY_TRAIN.oversampleDelayed ?? 1}×, leaves not recalibrated, in ` +
    `${(canary.trainMs / 1000).toFixed(1)} s; on the same held-out flights accuracy ` +
    `${accuracyOn(canary, canary.heldOut).toFixed(3)}, delay recall ${delayRecallOn(canary, canary.heldOut).toFixed(2)}`);

  const movies = loadMovies();
  const rMain = trainRanker(movies, RANKER_TRAIN);
  const rCanary = trainRanker(movies, RANKER_CANARY_TRAIN);
  const [qMain, qCanary] = [rankerQuality(rMain, rMain.catalogue, 1), rankerQuality(rCanary, rMain.catalogue, 1)];
  log(`demo: ${RANKER_SERVICE}: trained ${RANKER_MODEL} (ridge regression on critics' score, popularity, budget, box office, genre…) ` +
    `on ${rMain.train.length} real movies in ${rMain.trainMs.toFixed(0)} ms to predict viewers' IMDB rating; on the ` +
    `${rMain.catalogue.length} held-out catalogue movies hit@3 ${qMain.hit.toFixed(2)} (random order: ${qMain.randomHit.toFixed(2)}); ` +
    `the ${RANKER_CANARY.model} retrain for box office: hit@3 ${qCanary.hit.toFixed(2)}`);

  const gapminder = loadGapminder();
  const pass = assistantPassRate(gapminder, 1, 2000);
  log(`demo: ${ASSISTANT_SERVICE}: ${ASSISTANT_MODEL} answers questions on ${gapminder.rows.length} real Gapminder rows ` +
    `(${gapminder.countries.length} countries, ${gapminder.years[0]}–${gapminder.years.at(-1)}); on 2,000 evaluation ` +
    `questions the judge passes ${(pass.all * 100).toFixed(0)}% (English ${(pass.en * 100).toFixed(0)}%, other languages ` +
    `${(pass.other * 100).toFixed(0)}%: the retriever matches country names in English)`);
  return { classifier: { main, canary }, ranker: { main: rMain, canary: rCanary }, gapminder };
}

/** The flights tree-v3 learned from, as drift baseline rows: the features production sends, and the prediction. */
export function trainingSample(model: FlightModel): BaselineRow[] {
  return model.train.map((f) => {
    const p = model.predict(f);
    return {
      hour: f.hour, distance: f.distance, origin: f.origin, destination: f.destination, originDelayShare: f.originDelayShare,
      'prediction.label': p.delayed ? 'delayed' : 'on_time', 'prediction.score': Math.round(p.score * 1000) / 1000,
    };
  });
}

/** The ranker's validation queries (its training period's query log): the features production sends. */
export function rankerBaseline(model: RankerModel, seed: number, n = 3000): BaselineRow[] {
  const rng = mulberry32(seed + 101);
  const query = queryGenerator(model.catalogue);
  return Array.from({ length: n }, () => {
    const q = query(rng);
    return { genre: q.genre, era: q.era, candidates: q.candidates.length };
  });
}

/** The assistant's evaluation questions: the features production sends. */
export function assistantBaseline(data: Gapminder, seed: number, n = 3000): BaselineRow[] {
  const rng = mulberry32(seed + 202);
  const retrieve = createRetriever(data.countries);
  return Array.from({ length: n }, () => {
    const q = drawQuestion(rng, data);
    return questionAttributes(data, q, answerQuestion(rng, data, retrieve, q)).features;
  });
}

/** Share of `n` drawn questions whose answer meets the spec's criteria, overall and by language. */
export function assistantPassRate(data: Gapminder, seed: number, n: number): { all: number; en: number; other: number } {
  const rng = mulberry32(seed);
  const retrieve = createRetriever(data.countries);
  const tally = { en: [0, 0], other: [0, 0] };
  for (let i = 0; i < n; i++) {
    const q = drawQuestion(rng, data);
    const s = judgeAnswer(data, q, answerQuestion(rng, data, retrieve, q).text);
    const cell = q.language === 'en' ? tally.en : tally.other;
    cell[0]! += s.faithfulness >= 0.8 && s.format >= 0.75 ? 1 : 0;
    cell[1]! += 1;
  }
  const share = ([good, all]: number[]): number => (good ?? 0) / Math.max(1, all ?? 0);
  return { all: ((tally.en[0] ?? 0) + (tally.other[0] ?? 0)) / n, en: share(tally.en), other: share(tally.other) };
}

/** Splits generated requests into events due by `nowMs` and outcomes still in the future. */
export function dueEvents(requests: readonly Request[], pending: { dueMs: number; event: WireOutcome }[], nowMs: number): WireEvent[] {
  const events: WireEvent[] = requests.map((r) => r.inference);
  for (const r of requests) pending.push(...r.outcomes);
  pending.sort((a, b) => a.dueMs - b.dueMs);
  let due = 0;
  while (due < pending.length && (pending[due]?.dueMs ?? Infinity) <= nowMs) due++;
  for (const o of pending.splice(0, due)) events.push(o.event);
  return events;
}

async function backfill(opts: DemoOptions, t: DemoTuning, services: readonly DemoService[], anchorMs: number,
  pending: { dueMs: number; event: WireOutcome }[]): Promise<void> {
  for (const s of services) {
    const started = Date.now();
    const from = Math.max(anchorMs - t.backfillHours * 3_600_000, opts.lastServedMs?.get(s.name) ?? -Infinity);
    const requests = s.traffic.between(from, anchorMs);
    const events = dueEvents(requests, pending, anchorMs);
    const r = await sendEvents(events, opts);
    const hours = (anchorMs - from) / 3_600_000;
    if (requests.length === 0) {
      opts.log(`demo: ${s.name}: its history is up to date`);
      continue;
    }
    opts.log(`demo: ${s.name}: back-filled ${hours >= 1 ? `${Math.round(hours)} h` : `${Math.round(hours * 60)} min`} of history: ` +
      `${requests.length} requests, ${events.length - requests.length} late labels (accepted ${r.accepted}, duplicates ` +
      `${r.duplicates}, rejected ${r.rejected}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const i of s.incidents.filter((x) => x.startMin < 0 && anchorMs + x.startMin * 60_000 >= from)) {
      opts.log(`demo: ${s.name}: in the history, ${Math.round(-i.startMin / 60)} h before the start: ${i.name}`);
    }
  }
  opts.log(`demo: ${SERVICE}: since ${Math.round(-CANARY.startMin / 60)} h before the start: ${CANARY.name}`);
  opts.log(`demo: ${pending.length} labels still due`);
}

async function streamLive(opts: DemoOptions, t: DemoTuning, services: readonly DemoService[], anchorMs: number,
  pending: { dueMs: number; event: WireOutcome }[]): Promise<void> {
  opts.log(`demo: streaming live traffic (~${t.livePerMinute} requests per server minute and service) until stopped`);
  let last = anchorMs;
  let failures = 0;
  opts.onProgress?.(last);
  while (!opts.signal.aborted) {
    await sleep(t.tickMs, opts.signal);
    if (opts.signal.aborted) break;
    const nowMs = Math.max(last, opts.now());
    const requests = services.flatMap((s) => s.traffic.between(last, nowMs));
    const events = dueEvents(requests, pending, nowMs);
    last = nowMs;
    if (events.length > 0) {
      try {
        await sendEvents(events, opts);
        failures = 0;
      } catch (err) {
        if (opts.signal.aborted) break;
        // A live demo keeps going through a server hiccup; the events of that tick are dropped.
        if (failures++ % 30 === 0) opts.log(`demo: sending live events failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    opts.onProgress?.(nowMs);
  }
}
