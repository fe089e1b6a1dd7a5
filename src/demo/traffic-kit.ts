/** Pieces every demo service's traffic generator shares: arrivals, failures, late outcomes. */
import { exponential, lognormal, pick, type Rng } from './random.ts';
import type { Incident } from './script.ts';

/**
 * Poisson arrivals at `perMinute(ms)` requests per server minute with a diurnal swing of ±50% (peak at
 * 17:00 UTC, US mid-day; trough twelve hours later). `next(fromMs, toMs)` yields the arrival times in
 * [fromMs, toMs) and continues the stream on the next call.
 */
export function arrivals(rng: Rng, perMinute: (ms: number) => number): (fromMs: number, toMs: number) => number[] {
  let nextMs: number | undefined;
  const rateAt = (ms: number): number => {
    const hourUtc = (ms / 3_600_000) % 24;
    return perMinute(ms) * (1 + 0.5 * Math.cos((2 * Math.PI * (hourUtc - 17)) / 24));
  };
  const step = (ms: number): number => ms + exponential(rng, rateAt(ms)) * 60_000;
  return (fromMs, toMs) => {
    const out: number[] = [];
    if (nextMs === undefined || nextMs < fromMs) nextMs = step(fromMs);
    while (nextMs < toMs) {
      out.push(Math.floor(nextMs));
      nextMs = step(nextMs);
    }
    return out;
  };
}

/** Per-request probabilities of the background failures; client errors are excluded by the specs. */
export const BACKGROUND_ERRORS: readonly (readonly [string, number])[] = [
  ['timeout', 0.0008],
  ['http_5xx', 0.0004],
  ['client_error', 0.003],
];

/** The error type a request fails with, if it fails: a scripted incident first, then background noise. */
export function drawError(rng: Rng, incident: Incident | undefined, background = BACKGROUND_ERRORS): string | undefined {
  if (incident !== undefined && rng() < incident.errorProb) return weighted(rng, incident.errorTypes);
  for (const [type, p] of background) if (rng() < p) return type;
  return undefined;
}

export function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = rng() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return pick(rng, items)[0];
}

/** How long a failed request took, by error type. */
export function errorLatency(rng: Rng, errorType: string): number {
  switch (errorType) {
    case 'timeout': return 2500 + rng() * 50;
    case 'model_load': return lognormal(rng, 4000, 0.3);
    case 'gpu_oom': return lognormal(rng, 600, 0.4);
    case 'client_error': return lognormal(rng, 4, 0.3);
    default: return lognormal(rng, 30, 0.5);
  }
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** A request id: time-ordered, unique across runs (`runTag`) and services (`prefix`). */
export function requestId(prefix: string, ms: number, runTag: string, seq: number): string {
  return `${prefix}-${ms.toString(36)}-${runTag}-${seq.toString(36)}`;
}
