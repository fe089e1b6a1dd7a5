/** Reading a run's results back, and the small facts the runner derives from them. */
import type { EvalResultRecord, Store } from '../../store/port.ts';

const PAGE = 2000;

/** Every result of a run, in index order. */
export async function readAllResults(store: Store, runId: string): Promise<EvalResultRecord[]> {
  const out: EvalResultRecord[] = [];
  for (;;) {
    const page = await store.readEvalResults(runId, { offset: out.length, limit: PAGE });
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

/** The model version reported most often (ties: the smaller name); `''` when none was reported. */
export function mostFrequentModel(results: readonly EvalResultRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of results) if (r.model !== '') counts.set(r.model, (counts.get(r.model) ?? 0) + 1);
  let best = '';
  let bestN = 0;
  for (const [m, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (n > bestN) [best, bestN] = [m, n];
  }
  return best;
}

/** The segments results fall into, sorted; `''` included when some have none. */
export function segmentsOf(results: readonly EvalResultRecord[]): string[] {
  return [...new Set(results.map((r) => r.segment))].sort();
}
