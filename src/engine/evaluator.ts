/**
 * The evaluation loop (DESIGN §2.9, issue 4): every `intervalMs`, for each service, evaluate the alert
 * conditions at an explicit time (core/alerting, deterministic for the same data and time), advance
 * each alert's state machine, and persist states and transitions with their notices (the outbox rows,
 * engine/notify/outbox.ts) in one transaction. Notices are sent by engine/notify/dispatcher.ts, not here.
 */
import type { BurnPolicy } from '../core/burn-policy.ts';
import { advance, INACTIVE, type AlertState } from '../core/alerting/alert-state.ts';
import type { Alert, AlertCondition } from '../core/alerting/alert.ts';
import { evaluateAlerts } from '../core/alerting/evaluate.ts';
import type { ServiceSpec } from '../core/spec.ts';
import type { AlertRecord, AlertTransitionRecord, NewDelivery, Store } from '../store/port.ts';
import { driftConditions } from '../core/alerting/drift-alerts.ts';
import { alertInput } from './alert-input.ts';
import type { DriftReader } from './drift.ts';
import { evalAlertConditions } from './evals/eval-alerts.ts';
import { deliveriesFor } from './notify/outbox.ts';
import { RetrainTrigger } from './retrain-trigger.ts';

/**
 * How long a condition must hold before its alert fires. Burn alerts fire at once: the short window
 * already confirms the burn (SRE Workbook). Eval alerts too: a run's significance test is the
 * confirmation, and the next run is hours away. Objective and coverage alerts wait 15 minutes, so one
 * evaluation on a thin sample cannot open a ticket.
 */
export function forDuration(c: AlertCondition, spec: ServiceSpec): number {
  if (c.kind === 'drift') return spec.drift.alertForMs;
  return c.kind === 'burn' || c.kind === 'eval' ? 0 : 15 * 60_000;
}

export interface EvaluatorOptions {
  readonly store: Store;
  readonly specs: () => ReadonlyMap<string, ServiceSpec>;
  readonly policyOf: (spec: ServiceSpec) => BurnPolicy;
  readonly now: () => number;
  readonly intervalMs: number;
  readonly log: (line: string) => void;
  /** Drift reports for drift alerts and the retraining trigger's drift condition; without it, no drift alerts. */
  readonly drift?: DriftReader;
  /**
   * Other evaluators may run on the same store (HA, docs/deployment.md). Then the loop evaluates at
   * instants aligned to the interval, so replicas evaluating the same data make the same transitions
   * with the same dedup keys (their outbox rows coincide), and every evaluation starts from the stored
   * states, so a transition another replica already saved is not made, and notified, again.
   */
  readonly shared?: boolean;
}

interface Known {
  readonly state: AlertState;
  readonly condition: AlertCondition;
}

export class Evaluator {
  private known: Map<string, Known> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  /** Evaluations run one at a time: the loop's and explicit ones share the alert states. */
  private queue: Promise<unknown> = Promise.resolve();

  private readonly retrain: RetrainTrigger;

  constructor(private readonly opts: EvaluatorOptions) {
    this.retrain = new RetrainTrigger(opts.store);
  }

  start(): void {
    const tick = (): void => {
      const now = this.opts.now();
      const at = this.opts.shared === true ? Math.floor(now / this.opts.intervalMs) * this.opts.intervalMs : now;
      this.running = this.evaluate(at).catch((e: unknown) => this.opts.log(`alert evaluation failed: ${(e as Error).message}`));
    };
    tick();
    this.timer = setInterval(tick, this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.running;
  }

  private async load(): Promise<Map<string, Known>> {
    if (this.known === undefined) {
      this.known = new Map();
      for (const r of await this.opts.store.loadAlerts()) this.known.set(r.id, known(r));
    }
    return this.known;
  }

  /** Evaluates every service at `at` and returns the alerts that are pending or firing. */
  evaluate(at: number): Promise<Alert[]> {
    const run = this.queue.then(() => this.evaluateNow(at));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async evaluateNow(at: number): Promise<Alert[]> {
    if (this.opts.shared === true) this.known = undefined;
    const known = await this.load();
    const now = this.opts.now();
    const records: AlertRecord[] = [];
    const transitions: AlertTransitionRecord[] = [];
    const deliveries: NewDelivery[] = [];
    for (const spec of this.opts.specs().values()) {
      const input = await alertInput(this.opts.store, spec, this.opts.policyOf(spec), at, now);
      const conditions = evaluateAlerts(input, at);
      const drift = await this.opts.drift?.report(spec, { windowMs: spec.drift.alertWindowMs, at, model: undefined, byCohort: false });
      let drifting: boolean | undefined;
      if (drift !== undefined) {
        const requests = Math.max(0, ...drift.features.map((f) => f.currentCount + f.currentMissing));
        const driftCs = driftConditions(spec, {
          windowMs: drift.to - drift.from, baseline: drift.baseline.id, requests, features: drift.features, dataset: drift.dataset,
        }, at);
        drifting = driftCs[0]!.holds; // the dataset condition
        conditions.push(...driftCs);
      }
      conditions.push(...await evalAlertConditions(this.opts.store, spec, at));
      const seen = new Set<string>();
      const step = (c: AlertCondition): void => {
        seen.add(c.id);
        const prev = known.get(c.id)?.state ?? INACTIVE;
        const next = advance(prev, c.holds, at, forDuration(c, spec));
        if (next.state === prev && !c.holds) return; // inactive and quiet: nothing to keep
        known.set(c.id, { state: next.state, condition: c });
        records.push({ id: c.id, service: c.service, state: JSON.stringify(next.state), body: JSON.stringify(c), updatedAt: at });
        if (next.transition !== undefined) {
          transitions.push({ alertId: c.id, service: c.service, at, transition: next.transition, body: JSON.stringify({ ...c, state: next.state }) });
          // The notices, one per target of the alert's route: saved in the same transaction (outbox).
          deliveries.push(...deliveriesFor({ ...c, state: next.state }, next.transition, spec.notify[c.route], at));
        }
      };
      for (const c of conditions) step(c);
      // An alert whose condition is no longer produced (e.g. a cohort gone quiet) no longer holds.
      for (const [id, k] of known) if (k.condition.service === spec.name && !seen.has(id)) step({ ...k.condition, holds: false, at });
      await this.retrain.evaluate(spec, this.opts.policyOf(spec), input, at, now, drifting);
    }
    if (records.length > 0) {
      try {
        await this.opts.store.saveAlerts(records, transitions, deliveries);
      } catch (e) {
        // The states above moved in memory only: forget them and reload what the store holds, so the next
        // evaluation makes the same transitions again and their notices are not lost (e.g. disk full).
        this.known = undefined;
        throw e;
      }
    }
    return this.active();
  }

  /** Pending and firing alerts as last evaluated (the API and CLI read these). */
  async current(): Promise<Alert[]> {
    await this.load();
    return this.active();
  }

  private active(): Alert[] {
    return activeAlerts((this.known ?? new Map<string, Known>()).values());
  }
}

/** Pending and firing alerts, pages first, then by id. */
function activeAlerts(known: Iterable<Known>): Alert[] {
  return [...known]
    .filter((k) => k.state.kind === 'pending' || k.state.kind === 'firing')
    .map((k) => ({ ...k.condition, state: k.state }))
    .sort((a, b) => (a.severity === b.severity ? a.id.localeCompare(b.id) : a.severity === 'page' ? -1 : 1));
}

/**
 * Pending and firing alerts as the store holds them: for a process that serves alerts but does not
 * evaluate them (an api replica), read at every call since an evaluator replica changes them.
 */
export async function storedAlerts(store: Store): Promise<Alert[]> {
  return activeAlerts((await store.loadAlerts()).map(known));
}

function known(r: AlertRecord): Known {
  return { state: JSON.parse(r.state) as AlertState, condition: JSON.parse(r.body) as AlertCondition };
}
