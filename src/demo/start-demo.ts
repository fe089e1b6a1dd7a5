/**
 * `mlslo serve --demo`: trains the flight-delay tree, backfills two days of traffic for
 * `flight-delay-classifier` (with its scripted incidents), then streams live traffic until aborted.
 */
import { DEFAULT_TRAIN, delayedShare, trainFlightModel, type FlightModel } from './flight-model.ts';
import { loadFlights } from './flights.ts';
import { INCIDENTS } from './incidents.ts';
import { mulberry32 } from './random.ts';
import { sendEvents, sleep } from './sender.ts';
import { createTraffic, type Request, type Traffic } from './traffic.ts';
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

export const DEFAULT_TUNING: DemoTuning = {
  seed: 7,
  backfillHours: 48,
  backfillPerMinute: 6,
  livePerMinute: 90,
  tickMs: 1000,
  labelShare: 0.2,
  humanShare: 0.1,
};

export async function startDemo(opts: DemoOptions, tuning: DemoTuning = DEFAULT_TUNING, model?: FlightModel): Promise<void> {
  // Let the caller finish its start-up output before training blocks the event loop for a few seconds.
  await new Promise((resolve) => setImmediate(resolve));
  const trained = model ?? trainAndReport(opts.log);
  const anchorMs = opts.now();
  const traffic = createTraffic({
    model: trained,
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
    await backfill(opts, tuning, traffic, anchorMs, pending);
    await streamLive(opts, tuning, traffic, anchorMs, pending);
  } catch (err) {
    if (!opts.signal.aborted) throw err;
  }
}

function trainAndReport(log: (line: string) => void): FlightModel {
  const flights = loadFlights();
  const m = trainFlightModel(flights, DEFAULT_TRAIN);
  const acc = m.heldOut.filter((f) => m.predict(f).delayed === f.delayed).length / m.heldOut.length;
  const baseline = Math.max(delayedShare(m.heldOut), 1 - delayedShare(m.heldOut));
  log(`demo: trained a decision tree on ${DEFAULT_TRAIN.treeRows} of ${m.train.length} real 2001 flights in ` +
    `${(m.trainMs / 1000).toFixed(1)} s; held-out accuracy ${acc.toFixed(3)} (always "on_time": ${baseline.toFixed(3)})`);
  return m;
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
