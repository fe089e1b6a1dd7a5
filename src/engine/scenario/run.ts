/**
 * Runs a scenario on the real pipeline: the in-memory store, the real Ingestor (its clock is the
 * simulated time, so acceptance windows hold) and the real Evaluator, then checks each assertion.
 *
 * Evaluation schedule (docs/scenario-tests.md): every `evaluation_interval` during the hour before each
 * assertion, and every `coarse_interval` elsewhere. An alert's state at an assertion depends only on the
 * evaluations of its current streak of holding, and `for` is at most 15 minutes (engine/evaluator.ts),
 * so pending vs firing at an assertion is exactly what evaluating at every step would give; only
 * episodes shorter than the coarse step between assertions can be missed (they matter for `resolved`).
 */
import type { BurnPolicy } from '../../core/burn-policy.ts';
import type { AlertState } from '../../core/alerting/alert-state.ts';
import type { AlertCondition } from '../../core/alerting/alert.ts';
import { startOfMonth } from '../../core/calendar.ts';
import { DAY_MS, type ServiceSpec } from '../../core/spec.ts';
import { Ingestor } from '../../ingest/ingest.ts';
import { createMemoryStore } from '../../store/memory/memory-store.ts';
import type { Store } from '../../store/port.ts';
import { Evaluator } from '../evaluator.ts';
import { serviceReport } from '../report.ts';
import { checkAlerts, checkBudget, type AlertView, type Failure } from './check.ts';
import { SeriesGenerator, type Generated } from './generate.ts';
import type { Assertion, Scenario } from './model.ts';

const MIN = 60_000;
/** Dense evaluation before each assertion: longer than any `for` (15m) plus a step. */
export const DENSE_SPAN_MS = 60 * MIN;
/** Inferences are generated in time order; nothing is ever too old for a simulated clock. */
const MAX_EVENT_AGE_MS = 3650 * DAY_MS;

export interface ScenarioResult {
  readonly checks: number;
  readonly failures: ReadonlyArray<{ readonly assertion: Assertion; readonly failure: Failure }>;
  readonly requests: number;
  readonly labels: number;
  readonly evaluations: number;
}

/** Every evaluation time up to the last assertion, ascending. */
export function evaluationTimes(sc: Scenario): number[] {
  const last = sc.asserts.reduce((m, a) => Math.max(m, a.at), sc.start);
  const times = new Set<number>();
  for (let t = sc.start + sc.coarseIntervalMs; t <= last; t += sc.coarseIntervalMs) times.add(t);
  for (const a of sc.asserts) {
    for (let t = a.at; t > sc.start && t >= a.at - DENSE_SPAN_MS; t -= sc.evaluationIntervalMs) times.add(t);
  }
  return [...times].sort((a, b) => a - b);
}

function windowMsOf(spec: ServiceSpec, at: number): number {
  if (spec.window.kind === 'rolling') return spec.window.days * DAY_MS;
  return Math.max(MIN, Math.ceil((at - startOfMonth(at, spec.window.timeZone)) / MIN) * MIN);
}

async function alertViews(store: Store): Promise<AlertView[]> {
  return (await store.loadAlerts()).map((r) => {
    const c = JSON.parse(r.body) as AlertCondition;
    return { id: r.id, state: (JSON.parse(r.state) as AlertState).kind, route: c.route, hint: c.hint?.kind };
  });
}

export async function runScenario(sc: Scenario, policyOf: (spec: ServiceSpec) => BurnPolicy): Promise<ScenarioResult> {
  const specs = new Map(sc.specs.map((s) => [s.name, s] as const));
  const store = createMemoryStore();
  let clock = sc.start;
  const ingestor = new Ingestor({ store, specs: () => specs, now: () => clock, maxEventAgeMs: MAX_EVENT_AGE_MS, maxQueue: Number.MAX_SAFE_INTEGER });
  const evaluator = new Evaluator({ store, specs: () => specs, policyOf, now: () => clock, intervalMs: sc.evaluationIntervalMs, log: () => undefined });
  const generators = sc.series.map((s) => new SeriesGenerator(s, specs.get(s.service)!));
  /** Outcomes by the minute their `ts` falls in, ingested when the clock gets there. */
  const later = new Map<number, unknown[]>();
  const failures: Array<{ assertion: Assertion; failure: Failure }> = [];
  let requests = 0;
  let labels = 0;
  let evaluations = 0;
  let checks = 0;

  const ingest = async (items: unknown[]): Promise<void> => {
    if (items.length === 0) return;
    const r = await ingestor.ingest(items, { service: undefined });
    const first = r.rejected[0];
    if (first !== undefined) throw new Error(`the ingestor rejected a generated event (${first.code} at ${first.path}): ${first.message}; event: ${JSON.stringify(items[first.index])}`);
  };

  let cursor = sc.start;
  for (const t of evaluationTimes(sc)) {
    const batch: Generated = { inferences: [], outcomes: [] };
    const due: unknown[] = [];
    for (let m = cursor; m < t; m += MIN) {
      for (const g of generators) g.minute(m, batch);
      for (const o of batch.outcomes.splice(0)) {
        const k = Math.floor(o.ts / MIN) * MIN;
        const list = later.get(k);
        if (list === undefined) later.set(k, [o.item]);
        else list.push(o.item);
      }
      due.push(...(later.get(m) ?? []));
      later.delete(m);
    }
    cursor = t;
    clock = t;
    requests += batch.inferences.length;
    labels += due.length;
    // Requests first, so every outcome finds its request already stored.
    await ingest(batch.inferences);
    await ingest(due);
    await evaluator.evaluate(t);
    evaluations++;
    const here = sc.asserts.filter((a) => a.at === t);
    if (here.length === 0) continue;
    const views = await alertViews(store);
    for (const a of here) {
      checks += a.alerts.length + a.budget.length;
      for (const failure of checkAlerts(a, views)) failures.push({ assertion: a, failure });
      if (a.budget.length === 0) continue;
      const spec = specs.get(a.service ?? '');
      if (spec === undefined) throw new Error(`assertion ${a.index}: no service for \`budget\``);
      const windowMs = a.windowMs ?? windowMsOf(spec, t);
      const report = await serviceReport(store, { spec, policy: policyOf(spec), windowMs, windowLabel: '', at: t, now: t });
      for (const failure of checkBudget(a, report)) failures.push({ assertion: a, failure });
    }
  }
  await store.close();
  return { checks, failures, requests, labels, evaluations };
}
