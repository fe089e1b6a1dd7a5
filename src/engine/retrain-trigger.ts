/**
 * The retraining trigger in the evaluation loop (DESIGN §2.9): after each service's alerts are evaluated,
 * observe its quality budget, objectives and flagged cohorts, let core/retrain.ts decide, and persist the
 * state — with a `retrain.requested` delivery to the spec's training webhook when it asks, in the same
 * transaction (the outbox sends it, at least once).
 */
import type { AlertInput } from '../core/alerting/input.ts';
import type { BurnPolicy } from '../core/burn-policy.ts';
import { decideRetrain, INITIAL_RETRAIN_STATE, type RetrainObservation, type RetrainState } from '../core/retrain.ts';
import { formatWindow } from '../core/slo-report.ts';
import type { ServiceSpec } from '../core/spec.ts';
import type { NewDelivery, Store } from '../store/port.ts';
import type { RetrainNotice } from './notify/notice.ts';
import { deliveryId } from './notify/outbox.ts';
import { serviceReport, sloElapsed, sloWindowMs } from './report.ts';

const DAY = 86_400_000;

/** Names of the objectives the input's results call violated, with the cohort for per-cohort ones. */
function violated(input: AlertInput): string[] {
  const o = input.objectives;
  if (o === undefined) return [];
  return [
    ...o.overall.filter((r) => r.status === 'violated').map((r) => r.name),
    ...o.cohorts.flatMap((c) => c.results.filter((r) => r.status === 'violated').map((r) => `${r.name} ${c.attr}=${c.value}`)),
  ];
}

export class RetrainTrigger {
  private states: Map<string, RetrainState> | undefined;

  constructor(private readonly store: Store) {}

  private async load(): Promise<Map<string, RetrainState>> {
    if (this.states === undefined) {
      this.states = new Map((await this.store.loadRetrainStates()).map((r) => [r.service, JSON.parse(r.state) as RetrainState]));
    }
    return this.states;
  }

  /** `drifting`: dataset drift in the drift alert's window now; undefined when the service has no baseline. */
  async evaluate(spec: ServiceSpec, policy: BurnPolicy, input: AlertInput, at: number, now: number, drifting: boolean | undefined): Promise<void> {
    const retrain = spec.retrain;
    if (retrain === undefined) return;
    const states = await this.load();
    const windowMs = sloWindowMs(spec, at);
    const report = await serviceReport(this.store, { spec, policy, windowMs, windowLabel: formatWindow(windowMs), at, now });
    const observation: RetrainObservation = {
      at,
      budget: { remaining: report.quality.remaining, burn1d: report.quality.burnRates['1d'] ?? null, elapsed: sloElapsed(spec, at) },
      violatedObjectives: violated(input),
      drifting,
      cohorts: (input.cohorts?.(DAY) ?? []).filter((c) => c.flags.length > 0).map((c) => ({ attr: c.attr, value: c.value, qHat: c.quality.qHat })),
      windowMs,
    };
    const before = states.get(spec.name) ?? INITIAL_RETRAIN_STATE;
    const { state, request } = decideRetrain(retrain, before, observation);
    if (request === undefined && JSON.stringify(state) === JSON.stringify(before)) return;
    states.set(spec.name, state);
    const deliveries: NewDelivery[] = [];
    if (request !== undefined) {
      const dedupKey = `${spec.name}/retrain#${at}`;
      const notice: RetrainNotice = { kind: 'retrain', at, dedupKey, service: spec.name, request };
      deliveries.push({
        id: deliveryId(dedupKey, { channel: 'retrain', url: retrain.webhook }),
        alertId: `${spec.name}/retrain`, service: spec.name, channel: 'retrain', target: retrain.webhook,
        payload: JSON.stringify(notice), dedupKey, createdAt: at, nextAttemptAt: at,
      });
    }
    await this.store.saveRetrain(spec.name, JSON.stringify(state),
      request === undefined ? undefined : { service: spec.name, at, body: JSON.stringify({ service: spec.name, ...request }) }, deliveries);
  }
}
