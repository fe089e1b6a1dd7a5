/**
 * Synthetic traffic for `flight-delay-classifier`: real held-out flights, the real predictions of the
 * model version serving each request (production, or the canary for its share), lognormal latency per
 * input class, background and scripted errors, ground-truth labels that arrive late for a sample of
 * requests — and, from `feedV2FromMs` on, the vendor's v2 feed with its unit bugs: `distance` in
 * kilometres and `originDelayShare` in percent, and the model scores what it is sent.
 */
import { haulOf, regionOf } from './airports.ts';
import type { Flight } from './flights.ts';
import type { FlightModel } from './flight-model.ts';
import { KM_PER_MILE } from './incidents.ts';
import { exponential, lognormal, pick, type Rng } from '../random.ts';
import { activeIncident, rolloutActive, type Incident, type Rollout } from '../script.ts';
import { arrivals, drawError, errorLatency, requestId, round1 } from '../traffic-kit.ts';
import type { Request, Traffic, WireInference, WireOutcome } from '../wire.ts';

export const SERVICE = 'flight-delay-classifier';
export const MODEL = 'tree-v3';

export interface TrafficOptions {
  /** The production model, `MODEL`. */
  readonly model: FlightModel;
  /**
   * A second version and the model behind it (trained on the same hold-out split). Incidents that
   * name its version are served by it too; without it every version is served by `model`.
   */
  readonly rollout?: { readonly plan: Rollout; readonly model: FlightModel };
  readonly rng: Rng;
  /** The demo's start: incidents are placed relative to it. */
  readonly anchorMs: number;
  readonly incidents: readonly Incident[];
  /** Mean requests per server minute at a time; a diurnal swing of ±50% is applied around it. */
  readonly perMinute: (ms: number) => number;
  /** Distinguishes runs so ids of two runs never collide. */
  readonly runTag: string;
  /** Share of ok requests whose true label is later reported (`samplingProb`). */
  readonly labelShare: number;
  /** Share of labelled requests an ops reviewer also labels (`source: human`). */
  readonly humanShare: number;
  /** From this instant on the v2 feed sends `distance` in km and `originDelayShare` in percent; never when absent. */
  readonly feedV2FromMs?: number;
}

export function createTraffic(opts: TrafficOptions): Traffic {
  const { rng } = opts;
  let seq = 0;
  let cursor = 0;
  const next = arrivals(rng, opts.perMinute);

  const make = (ms: number): Request => {
    const flight = opts.model.heldOut[cursor % opts.model.heldOut.length];
    cursor++;
    if (flight === undefined) throw new RangeError('the model has no held-out flights to serve');
    const incident = activeIncident(opts.incidents, opts.anchorMs, ms);
    const candidates = drawCandidates(rng);
    const version = incident?.model ?? drawVersion(rng, opts, ms);
    const served = version === opts.rollout?.plan.model ? opts.rollout.model : opts.model;
    const id = requestId('fdc', ms, opts.runTag, seq++);
    // What the model is sent: from the v2 feed on, kilometres and percent (the haul cohort comes from the
    // booking system, which still knows miles).
    const sent: Flight = opts.feedV2FromMs !== undefined && ms >= opts.feedV2FromMs
      ? { ...flight, distance: Math.round(flight.distance * KM_PER_MILE), originDelayShare: Math.round(flight.originDelayShare * 100) }
      : flight;
    const base = {
      kind: 'inference' as const,
      id,
      service: SERVICE,
      model: version,
      ts: new Date(ms).toISOString(),
      input: { candidates },
      cohort: { region: regionOf(flight.origin), haul: haulOf(flight.distance) },
      features: {
        hour: sent.hour,
        distance: sent.distance,
        origin: sent.origin,
        destination: sent.destination,
        originDelayShare: sent.originDelayShare,
      },
    };
    const errorType = drawError(rng, incident);
    if (errorType !== undefined) {
      return { inference: { ...base, status: 'error', errorType, latencyMs: round1(errorLatency(rng, errorType)) }, outcomes: [] };
    }
    const scored = served.predict(sent);
    const latencyMs = okLatency(rng, candidates) * (incident?.latencyFactor ?? 1);
    const inference: WireInference = {
      ...base,
      status: 'ok',
      latencyMs: round1(latencyMs),
      prediction: { label: scored.delayed ? 'delayed' : 'on_time', score: Math.round(scored.score * 1000) / 1000 },
    };
    return { inference, outcomes: drawOutcomes(rng, opts, id, ms, flight.delayed ? 'delayed' : 'on_time') };
  };

  return { between: (fromMs, toMs) => next(fromMs, toMs).map(make) };
}

function drawVersion(rng: Rng, opts: TrafficOptions, ms: number): string {
  const r = opts.rollout;
  if (r === undefined || !rolloutActive(r.plan, opts.anchorMs, ms)) return MODEL;
  return rng() < r.plan.share ? r.plan.model : MODEL;
}

/** Flights scored per request (the asked flight plus rebooking alternatives): mostly few, sometimes many. */
function drawCandidates(rng: Rng): number {
  if (rng() < 0.7) return 1 + Math.floor(rng() * 5);
  return 6 + Math.floor(exponential(rng, 1 / 10));
}

/** Median grows with the candidates scored; 0.2% of requests hit a GC pause or cold cache. */
function okLatency(rng: Rng, candidates: number): number {
  const ms = candidates <= 5 ? lognormal(rng, 45, 0.45) : lognormal(rng, 40 + 5 * candidates, 0.35);
  return rng() < 0.002 ? ms * (4 + 11 * rng()) : ms;
}

function drawOutcomes(rng: Rng, opts: TrafficOptions, requestId: string, ms: number, label: string): Request['outcomes'] {
  if (rng() >= opts.labelShare) return [];
  // Arrival status is known once the flight lands: 5–90 minutes after the request, median ~35.
  const truthDelayMin = Math.min(90, Math.max(5, lognormal(rng, 35, 0.6)));
  const outcome = (source: 'ground_truth' | 'human', delayMin: number, annotator?: string): Request['outcomes'][number] => {
    const dueMs = ms + Math.round(delayMin * 60_000);
    const event: WireOutcome = {
      kind: 'outcome',
      id: `${requestId}-${source === 'human' ? 'h' : 'gt'}`,
      requestId,
      service: SERVICE,
      ts: new Date(dueMs).toISOString(),
      source,
      label,
      samplingProb: opts.labelShare,
      ...(annotator === undefined ? {} : { annotator }),
    };
    return { dueMs, event };
  };
  const out = [outcome('ground_truth', truthDelayMin)];
  // An ops reviewer confirms some of the labelled flights; human verdicts take precedence (§2.3).
  if (rng() < opts.humanShare) out.push(outcome('human', truthDelayMin + 10 + rng() * 50, pick(rng, ['ops-ana', 'ops-ben'])));
  return out;
}
