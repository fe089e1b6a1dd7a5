/**
 * The scripted trouble of the demo, relative to its start, so every fresh run shows the same story:
 * a canary of `tree-v4` that serves 30% of traffic for the last 12 hours and live, fast and error-free
 * but clearly less accurate (only the delayed labels show it); an attempt to promote it to 100% five
 * hours ago that ran out of GPU memory (errors burn fast, then the rollback to the canary); and a slow
 * feature store the day before (latency degrades, within budget). Background error rates apply at all
 * times.
 */
export interface Incident {
  readonly name: string;
  readonly startAgoMin: number;
  readonly durationMin: number;
  /** Extra probability that a request fails, and with which error types (weights). */
  readonly errorProb: number;
  readonly errorTypes: readonly (readonly [string, number])[];
  readonly latencyFactor: number;
  /** Model version serving during the incident, when a rollout caused it. */
  readonly model?: string;
}

/** A model version serving a share of the traffic from some time on (and on into live traffic). */
export interface Rollout {
  readonly name: string;
  readonly model: string;
  readonly startAgoMin: number;
  /** Share of requests it serves, outside incidents that pin a model. */
  readonly share: number;
}

export const CANARY: Rollout = {
  name: 'tree-v4 canary (classes rebalanced, delayed flights oversampled 4×, to catch more delays) serves 30% of traffic',
  model: 'tree-v4',
  startAgoMin: 12 * 60,
  share: 0.3,
};

export const INCIDENTS: readonly Incident[] = [
  {
    name: 'promoting the tree-v4 canary to 100% runs out of GPU memory; rolled back to 30% after 20 minutes',
    startAgoMin: 5 * 60,
    durationMin: 20,
    errorProb: 0.3,
    errorTypes: [['gpu_oom', 3], ['model_load', 1]],
    latencyFactor: 1.3,
    model: 'tree-v4',
  },
  {
    name: 'feature store slowdown',
    startAgoMin: 26 * 60,
    durationMin: 45,
    errorProb: 0.002,
    errorTypes: [['timeout', 1]],
    latencyFactor: 2.5,
  },
];

/** Per-request probabilities of the background failures; client errors are excluded by the spec. */
export const BACKGROUND_ERRORS: readonly (readonly [string, number])[] = [
  ['timeout', 0.0008],
  ['http_5xx', 0.0004],
  ['client_error', 0.003],
];

export function activeIncident(incidents: readonly Incident[], anchorMs: number, tsMs: number): Incident | undefined {
  return incidents.find((i) => {
    const start = anchorMs - i.startAgoMin * 60_000;
    return tsMs >= start && tsMs < start + i.durationMin * 60_000;
  });
}

export function rolloutActive(rollout: Rollout, anchorMs: number, tsMs: number): boolean {
  return tsMs >= anchorMs - rollout.startAgoMin * 60_000;
}
