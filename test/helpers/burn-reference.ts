/** The shape of testdata/reference/burn.json (see its README) and the window sums both burn tests need. */
import { loadReference } from './reference.ts';

export interface BurnInput {
  objective: number;
  slo_period: string;
  policy: { name: string; severity: 'page' | 'ticket'; long_minutes: number; short_minutes: number; factor: number }[];
  min_events: number;
  windows_minutes: Record<string, number>;
  series: { total: number[]; good: number[] };
}

export interface BurnExpected {
  t: number[];
  good: Record<string, number[]>;
  total: Record<string, number[]>;
  burn: Record<string, (number | null)[]>;
  fires: Record<string, boolean[]>;
  fires_with_min_events_guard: Record<string, boolean[]>;
}

export const burnReference = loadReference<BurnInput, BurnExpected>('burn');

/** Sums of buckets t − w + 1 … t (1-based), i.e. minutes [t − w, t); buckets before the start are empty. */
export function windowSums(series: BurnInput['series'], t: number, w: number): { good: number; total: number } {
  let good = 0;
  let total = 0;
  for (let k = Math.max(1, t - w + 1); k <= t; k++) {
    good += series.good[k - 1]!;
    total += series.total[k - 1]!;
  }
  return { good, total };
}
