/** Verdict-time windows: the verdicts that arrived in [from, to), whatever their requests' time (§2.4). */
import { addQuality, createQualityAcc, type QualityAcc } from '../core/rollup.ts';
import { planSegments } from '../core/window-plan.ts';
import type { Store } from '../store/port.ts';

export async function readVerdictWindow(store: Store, service: string, from: number, to: number): Promise<QualityAcc> {
  const acc = createQualityAcc();
  for (const s of planSegments(from, to)) {
    for (const r of await store.readVerdictTime(service, s.resolution, s.from, s.to)) addQuality(acc, r.quality);
  }
  return acc;
}
