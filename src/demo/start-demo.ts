/**
 * `mlslo serve --demo`: trains the flight-delay trees (production `tree-v3` and the canary
 * `tree-v4`), backfills two days of traffic for `flight-delay-classifier` (with its canary and scripted
 * incidents), then streams live traffic until aborted.
 */
import {
  accuracyOn, CANARY_TRAIN, DEFAULT_TRAIN, delayedShare, delayRecallOn, trainFlightModel, type FlightModel,
} from './flight-model.ts';
import { loadFlights } from './flights.ts';
import { CANARY, INCIDENTS } from './incidents.ts';
import { mulberry32 } from './random.ts';
import { sendEvents, sleep, uploadBaseline } from './sender.ts';
import { createTraffic, MODEL as MAIN_MODEL, SERVICE, type Request, type Traffic } from './traffic.ts';
import type { WireEvent, WireOutcome } from './wire.ts';

export interface DemoOptions {
  readonly url: string;
  readonly ingestKey: string;
  readonly now: () => number;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal;
}

export interface DemoTuning {
  readonly seed: number;
  readonly backfillHours: number;
  /** Mean requests per minute in the backfill (±50% diurnal). */
  readonly backfillPerMinute: number;
  /** Mean requests per minute once live. */
  readonly livePerMinute: number;
  readonly tickMs: number;
  readonly labelShare: number;
  readonly humanShare: number;
}

/** The production model and the canary's, trained on the same hold-out split. */
export interface DemoModels {
  readonly main: FlightModel;
  readonly canary: FlightModel;
}

export const DEFAULT_TUNING: DemoTuning = {
  seed: 7,
  backfillHours: 48,
  backfillPerMinute: 8,
  livePerMinute: 90,
  tickMs: 1000,
  labelShare: 0.2,
  humanShare: 0.1,
};

export async function startDemo(opts: DemoOptions, tuning: DemoTuning = DEFAULT_TUNING, models?: DemoModels): Promise<void> {
  // Let the caller finish its start-up output before training blocks the event loop for a few seconds.
  await new Promise((resolve) => setImmediate(resolve));
  const trained = models ?? trainAndReport(opts.log);
  const anchorMs = opts.now();
  const traffic = createTraffic({
    model: trained.main,
    rollout: { plan: CANARY, model: trained.canary },
    rng: mulberry32(tuning.seed),
    anchorMs,
    incidents: INCIDENTS,
    perMinute: (ms) => (ms < anchorMs ? tuning.backfillPerMinute : tuning.livePerMinute),
    runTag: (anchorMs % 46_656).toString(36),
    labelShare: tuning.labelShare,
    humanShare: tuning.humanShare,
  });
  const pending: { dueMs: number; event: WireOutcome }[] = [];
  try {
    const rows = await uploadBaseline(SERVICE, MAIN_MODEL, trainingSample(trained.main), opts);
    opts.log(`demo: uploaded ${rows} training flights of ${MAIN_MODEL} as the drift baseline`);
    await backfill(opts, tuning, traffic, anchorMs, pending);
    await streamLive(opts, tuning, traffic, anchorMs, pending);
  } catch (err) {
    if (!opts.signal.aborted) throw err;
  }
}

function trainAndReport(log: (line: string) => void): DemoModels {
  const flights = loadFlights();
  const main = trainFlightModel(flights, DEFAULT_TRAIN);
  const baseline = Math.max(delayedShare(main.heldOut), 1 - delayedShare(main.heldOut));
  log(`demo: trained tree-v3 (a decision tree) on ${DEFAULT_TRAIN.treeRows} of ${main.train.length} real 2001 flights in ` +
    `${(main.trainMs / 1000).toFixed(1)} s; held-out accuracy ${accuracyOn(main, main.heldOut).toFixed(3)}, ` +
    `delay recall ${delayRecallOn(main, main.heldOut).toFixed(2)} (always "on_time": ${baseline.toFixed(3)})`);
  const canary = trainFlightModel(flights, CANARY_TRAIN);
  log(`demo: trained the tree-v4 canary, a retrain to catch more delays: ${CANARY_TRAIN.treeRows} flights with the ` +
    `delayed ones oversampled ${CANARY_TRAIN.oversampleDelayed ?? 1}×, leaves not recalibrated, in ` +
    `${(canary.trainMs / 1000).toFixed(1)} s; on the same held-out flights accuracy ` +
    `${accuracyOn(canary, canary.heldOut).toFixed(3)}, delay recall ${delayRecallOn(canary, canary.heldOut).toFixed(2)}`);
  return { main, canary };
}

/** The flights tree-v3 learned from, as drift baseline rows: the features production sends, and the prediction. */
export function trainingSample(model: FlightModel): Array<Record<string, number | string>> {
  return model.train.map((f) => {
    const p = model.predict(f);
    return {
      hour: f.hour, distance: f.distance, origin: f.origin, destination: f.destination, originDelayShare: f.originDelayShare,
      'prediction.label': p.delayed ? 'delayed' : 'on_time', 'prediction.score': Math.round(p.score * 1000) / 1000,
    };
  });
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

async function backfill(opts: DemoOptions, tuning: DemoTuning, traffic: Traffic, anchorMs: number,
  pending: { dueMs: number; event: WireOutcome }[]): Promise<void> {
  const started = Date.now();
  const requests = traffic.between(anchorMs - tuning.backfillHours * 3_600_000, anchorMs);
  const events = dueEvents(requests, pending, anchorMs);
  const r = await sendEvents(events, opts);
  opts.log(`demo: backfilled ${tuning.backfillHours} h of flight-delay-classifier: ${requests.length} requests, ` +
    `${events.length - requests.length} late labels (accepted ${r.accepted}, duplicates ${r.duplicates}, ` +
    `rejected ${r.rejected}) in ${((Date.now() - started) / 1000).toFixed(1)} s; ${pending.length} labels still due`);
  const canary = requests.filter((q) => q.inference.model === CANARY.model);
  opts.log(`demo: rollout since ${CANARY.startAgoMin} min ago: ${CANARY.name}; backfilled ${canary.length} of its ` +
    `requests, ${canary.filter((q) => q.outcomes.length > 0).length} of them labelled`);
  for (const i of INCIDENTS) opts.log(`demo: scripted incident ${i.startAgoMin} min ago: ${i.name}`);
}

async function streamLive(opts: DemoOptions, tuning: DemoTuning, traffic: Traffic, anchorMs: number,
  pending: { dueMs: number; event: WireOutcome }[]): Promise<void> {
  opts.log(`demo: streaming live traffic (~${Math.round(tuning.livePerMinute / 60)} requests/s) until stopped`);
  let last = anchorMs;
  let failures = 0;
  while (!opts.signal.aborted) {
    await sleep(tuning.tickMs, opts.signal);
    if (opts.signal.aborted) break;
    const nowMs = Math.max(last, opts.now());
    const events = dueEvents(traffic.between(last, nowMs), pending, nowMs);
    last = nowMs;
    if (events.length === 0) continue;
    try {
      await sendEvents(events, opts);
      failures = 0;
    } catch (err) {
      if (opts.signal.aborted) break;
      // A live demo keeps going through a server hiccup; the events of that tick are dropped.
      if (failures++ % 30 === 0) opts.log(`demo: sending live events failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
