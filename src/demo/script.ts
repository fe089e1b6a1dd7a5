/**
 * The demo's scripted trouble, as data: incidents (extra errors and latency for a while) and rollouts (a
 * model version serving a share of traffic from some time on), each placed in **server minutes relative
 * to the demo's anchor** — negative in the back-filled history, positive in the live part. Every fresh run
 * tells the same story; with time compression (clock.ts) one real minute is `speed` server minutes.
 */
export interface Incident {
  readonly name: string;
  /** Start, in server minutes after the anchor (negative: in the history). */
  readonly startMin: number;
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
  /** Start, in server minutes after the anchor (negative: in the history). */
  readonly startMin: number;
  /** Share of requests it serves, outside incidents that pin a model. */
  readonly share: number;
}

export function activeIncident(incidents: readonly Incident[], anchorMs: number, tsMs: number): Incident | undefined {
  return incidents.find((i) => {
    const start = anchorMs + i.startMin * 60_000;
    return tsMs >= start && tsMs < start + i.durationMin * 60_000;
  });
}

export function rolloutActive(rollout: Rollout, anchorMs: number, tsMs: number): boolean {
  return tsMs >= anchorMs + rollout.startMin * 60_000;
}

/** One line of the live timeline printed at start (story.ts). */
export interface StoryEvent {
  readonly service: string;
  /** Server minutes after the anchor. */
  readonly atMin: number;
  readonly what: string;
}
