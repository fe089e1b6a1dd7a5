/**
 * Synthetic traffic for `flight-delay-classifier`: real held-out flights, the real predictions of the
 * model version serving each request (production, or the canary for its share), lognormal latency per input class, background and scripted errors, and ground-truth
 * labels that arrive late for a sample of requests.
 */
import { haulOf, regionOf } from './airports.ts';
import type { FlightModel } from './flight-model.ts';
import { activeIncident, BACKGROUND_ERRORS, rolloutActive, type Incident, type Rollout } from './incidents.ts';
import { exponential, lognormal, pick, type Rng } from './random.ts';
import type { WireInference, WireOutcome } from './wire.ts';

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
  /** Mean requests per minute at a time; a diurnal swing of ±50% is applied around it. */
  readonly perMinute: (ms: number) => number;
  /** Distinguishes runs so ids of two runs never collide. */
  readonly runTag: string;
  /** Share of ok requests whose true label is later reported (`samplingProb`). */
  readonly labelShare: number;
  /** Share of labelled requests an ops reviewer also labels (`source: human`). */
  readonly humanShare: number;
}

export interface Request {
  readonly inference: WireInference;
  /** Late labels, possibly due after the present: the caller holds them until their ts. */
  readonly outcomes: readonly { readonly dueMs: number; readonly event: WireOutcome }[];
}

export interface Traffic {
  /** Requests with `fromMs ≤ ts < toMs`, in time order; successive calls continue the stream. */
  between(fromMs: number, toMs: number): Request[];
}

export function createTraffic(opts: TrafficOptions): Traffic {
  const { rng } = opts;
  let seq = 0;
  let cursor = 0;
  let nextMs: number | undefined;

  const rateAt = (ms: number): number => {
    const hourUtc = (ms / 3_600_000) % 24;
    // Peak around 17:00 UTC (US mid-day), trough twelve hours later.
    return opts.perMinute(ms) * (1 + 0.5 * Math.cos((2 * Math.PI * (hourUtc - 17)) / 24));
  };

  const make = (ms: number): Request => {
    const flight = opts.model.heldOut[cursor % opts.model.heldOut.length];
    cursor++;
    if (flight === undefined) throw new RangeError('the model has no held-out flights to serve');
    const incident = activeIncident(opts.incidents, opts.anchorMs, ms);
    const candidates = drawCandidates(rng);
    const version = incident?.model ?? drawVersion(rng, opts, ms);
    const served = version === opts.rollout?.plan.model ? opts.rollout.model : opts.model;
    const id = `fdc-${ms.toString(36)}-${opts.runTag}-${(seq++).toString(36)}`;
    const base = {
      kind: 'inference' as const,
      id,
      service: SERVICE,
      model: version,
      ts: new Date(ms).toISOString(),
      input: { candidates },
      cohort: { region: regionOf(flight.origin), haul: haulOf(flight.distance) },
      features: {
        hour: flight.hour,
        distance: flight.distance,
        origin: flight.origin,
        destination: flight.destination,
        originDelayShare: flight.originDelayShare,
      },
    };
    const errorType = drawError(rng, incident);
    if (errorType !== undefined) {
      return { inference: { ...base, status: 'error', errorType, latencyMs: round1(errorLatency(rng, errorType)) }, outcomes: [] };
    }
    const scored = served.predict(flight);
    const latencyMs = okLatency(rng, candidates) * (incident?.latencyFactor ?? 1);
    const inference: WireInference = {
      ...base,
      status: 'ok',
      latencyMs: round1(latencyMs),
      prediction: { label: scored.delayed ? 'delayed' : 'on_time', score: Math.round(scored.score * 1000) / 1000 },
    };
    return { inference, outcomes: drawOutcomes(rng, opts, id, ms, flight.delayed ? 'delayed' : 'on_time') };
  };

  return {
    between(fromMs, toMs) {
      const out: Request[] = [];
      const step = (ms: number): number => ms + exponential(rng, rateAt(ms)) * 60_000;
      if (nextMs === undefined || nextMs < fromMs) nextMs = step(fromMs);
      while (nextMs < toMs) {
        out.push(make(Math.floor(nextMs)));
        nextMs = step(nextMs);
      }
      return out;
    },
  };
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

function errorLatency(rng: Rng, errorType: string): number {
  switch (errorType) {
    case 'timeout': return 2500 + rng() * 50;
    case 'model_load': return lognormal(rng, 4000, 0.3);
    case 'gpu_oom': return lognormal(rng, 600, 0.4);
    case 'client_error': return lognormal(rng, 4, 0.3);
    default: return lognormal(rng, 30, 0.5);
  }
}

function drawError(rng: Rng, incident: Incident | undefined): string | undefined {
  if (incident !== undefined && rng() < incident.errorProb) return weighted(rng, incident.errorTypes);
  for (const [type, p] of BACKGROUND_ERRORS) if (rng() < p) return type;
  return undefined;
}

function weighted(rng: Rng, items: readonly (readonly [string, number])[]): string {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = rng() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return pick(rng, items)[0];
}

function drawOutcomes(rng: Rng, opts: TrafficOptions, requestId: string, ms: number, label: string): Request['outcomes'] {
  if (rng() >= opts.labelShare) return [];
  // Arrival status is known once the flight lands: 5–90 minutes after the request, median ~35.
  const truthDelayMin = Math.min(90, Math.max(5, lognormal(rng, 35, 0.6)));
  const outcome = (source: WireOutcome['source'], delayMin: number, annotator?: string): Request['outcomes'][number] => {
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

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
