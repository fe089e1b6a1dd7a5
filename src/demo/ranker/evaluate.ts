/**
 * Offline evaluation of a ranker on the demo's own query process: hit@k (a title the viewer engages
 * with among the first k, the spec's verdict), against a random order of the same candidates.
 */
import { mulberry32, shuffled } from '../random.ts';
import type { Movie } from './movies.ts';
import type { RankerModel } from './ranker-model.ts';
import { engagedWith, HIT_K, queryGenerator, topIds, type Era } from './traffic.ts';

export interface RankerQuality {
  readonly queries: number;
  readonly hit: number;
  /** The same queries with the candidates in random order. */
  readonly randomHit: number;
  /** hit@k per era filter of the query (`any`: none). */
  readonly byEra: Readonly<Record<Era, { readonly queries: number; readonly hit: number }>>;
}

export function rankerQuality(model: RankerModel, catalogue: readonly Movie[], seed: number, n = 2000, k = HIT_K): RankerQuality {
  const rng = mulberry32(seed);
  const query = queryGenerator(catalogue);
  const scores = new Map(catalogue.map((m) => [m.id, model.score(m)] as const));
  let hits = 0;
  let randomHits = 0;
  const byEra: Record<Era, [number, number]> = { 'any': [0, 0], 'pre-1990': [0, 0], '1990s': [0, 0], '2000s': [0, 0] };
  for (let i = 0; i < n; i++) {
    const q = query(rng);
    const relevant = new Set(engagedWith(rng, q.candidates));
    const hit = topIds(scores, q.candidates, k).some((id) => relevant.has(id));
    if (hit) hits++;
    if (shuffled(rng, q.candidates).slice(0, k).some((m) => relevant.has(m.id))) randomHits++;
    const cell = byEra[q.era];
    cell[0]++;
    if (hit) cell[1]++;
  }
  const era = (e: Era): { queries: number; hit: number } => ({ queries: byEra[e][0], hit: byEra[e][1] / Math.max(1, byEra[e][0]) });
  return { queries: n, hit: hits / n, randomHit: randomHits / n, byEra: { 'any': era('any'), 'pre-1990': era('pre-1990'), '1990s': era('1990s'), '2000s': era('2000s') } };
}

