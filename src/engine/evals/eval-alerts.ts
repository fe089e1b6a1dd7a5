/**
 * Eval alert conditions of one service (DESIGN §2.9 `eval`): for each golden set of the spec, the
 * comparisons of its latest done run, turned into conditions by core/alerting/eval-alerts.ts. The
 * evaluator puts them beside burn, quality and drift conditions, so they share the state machine,
 * routing (owner) and the outbox. A later done run without a regression makes them stop holding.
 */
import type { EvalCondition } from '../../core/alerting/alert.ts';
import { evalConditions } from '../../core/alerting/eval-alerts.ts';
import type { ServiceSpec } from '../../core/spec.ts';
import type { Store } from '../../store/port.ts';
import type { EvalComparison } from './golden-run.ts';

export async function evalAlertConditions(store: Store, spec: ServiceSpec, at: number): Promise<EvalCondition[]> {
  const out: EvalCondition[] = [];
  for (const set of spec.evals.goldenSets) {
    const [run] = await store.listEvalRuns({ service: spec.name, kind: 'golden', name: set.name, status: 'done', limit: 1 });
    if (run === undefined || run.summary === '') continue;
    const comparisons = (JSON.parse(run.summary) as { readonly comparisons?: readonly EvalComparison[] }).comparisons ?? [];
    out.push(...evalConditions(spec, set, { id: run.id, model: run.model, finishedAt: run.finishedAt ?? run.startedAt }, comparisons, at));
  }
  return out;
}
