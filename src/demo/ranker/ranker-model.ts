/**
 * The movie ranker's model: ridge regression over what a catalogue knows about a movie before anyone
 * has watched it on the service — the critics' score, popularity (IMDB votes), budget, box office,
 * running time, year, genre, MPAA rating, creative type and source — trained at start-up to predict how
 * much viewers will like it (the IMDB rating). A query's candidates are ranked by the prediction.
 *
 * Two versions share one train/catalogue split: `ranker-v7`, production, and `ranker-v8`, the canary —
 * a retrain "for engagement" whose target is box office (log worldwide gross) instead of the rating, so
 * it pushes blockbusters that viewers do not necessarily love.
 */
import { mulberry32, shuffled } from '../random.ts';
import type { Movie } from './movies.ts';
import { dot, fitRidge } from './ridge.ts';

export type RankerTarget = 'rating' | 'box_office';

export interface RankerTrainOptions {
  readonly seed: number;
  /** Share of the movies held out as the served catalogue (never trained on). */
  readonly holdOut: number;
  readonly lambda: number;
  readonly target: RankerTarget;
}

export const RANKER_TRAIN: RankerTrainOptions = { seed: 11, holdOut: 0.5, lambda: 10, target: 'rating' };
export const RANKER_CANARY_TRAIN: RankerTrainOptions = { ...RANKER_TRAIN, target: 'box_office' };

export interface RankerModel {
  readonly train: readonly Movie[];
  /** The held-out movies the service ranks. */
  readonly catalogue: readonly Movie[];
  readonly trainMs: number;
  /** Predicted score (higher ranks first). */
  score(movie: Movie): number;
}

const CATEGORICAL: readonly ((m: Movie) => string | null)[] = [
  (m) => m.genre, (m) => m.mpaa, (m) => m.creativeType, (m) => m.source,
];
/** Categories seen fewer times than this in training share one "rare" column. */
const MIN_CATEGORY = 10;

const log10p = (x: number | null): number | null => (x === null || x <= 0 ? null : Math.log10(x));

/** Raw numeric inputs, null when unknown; each also gets a "missing" indicator column. */
function numeric(m: Movie): (number | null)[] {
  const roi = m.worldwideGross !== null && m.budget !== null && m.budget > 0 ? Math.log10(m.worldwideGross / m.budget) : null;
  return [m.criticScore, log10p(m.imdbVotes), log10p(m.budget), roi, m.runningTime, m.year];
}

export function trainRanker(movies: readonly Movie[], opts: RankerTrainOptions = RANKER_TRAIN): RankerModel {
  const rows = shuffled(mulberry32(opts.seed), movies);
  const nHeld = Math.round(rows.length * opts.holdOut);
  const catalogue = rows.slice(0, nHeld);
  const train = rows.slice(nHeld);
  const started = performance.now();
  const encode = encoder(train);
  const target = (m: Movie): number => (opts.target === 'rating' ? m.imdbRating : (log10p(m.worldwideGross) ?? 4));
  const w = fitRidge(train.map(encode), train.map(target), opts.lambda);
  const trainMs = performance.now() - started;
  return { train, catalogue, trainMs, score: (m) => dot(w, encode(m)) };
}

/** Standardised numeric columns with missing indicators, one-hot categories, and an intercept first. */
function encoder(train: readonly Movie[]): (m: Movie) => number[] {
  const nums = train.map(numeric);
  const p = nums[0]?.length ?? 0;
  const stats = Array.from({ length: p }, (_, j) => {
    const v = nums.map((r) => r[j]).filter((x): x is number => x !== null && x !== undefined);
    const mean = v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, v.length)) || 1;
    return { mean, sd };
  });
  const levels = CATEGORICAL.map((get) => {
    const counts = new Map<string, number>();
    for (const m of train) {
      const c = get(m) ?? '(none)';
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    return [...counts].filter(([, n]) => n >= MIN_CATEGORY).map(([c]) => c).sort();
  });
  return (m) => {
    const out = [1];
    numeric(m).forEach((x, j) => {
      const s = stats[j]!;
      out.push(x === null ? 0 : (x - s.mean) / s.sd, x === null ? 1 : 0);
    });
    CATEGORICAL.forEach((get, i) => {
      const c = get(m) ?? '(none)';
      // The first level is the reference category (no column), so the columns are not collinear.
      for (const level of levels[i]!.slice(1)) out.push(c === level ? 1 : 0);
    });
    return out;
  };
}

/** The ids of the `k` best-scored candidates, best first (ties by id, so a ranking is deterministic). */
export function rankTop(model: RankerModel, candidates: readonly Movie[], k: number): Movie[] {
  return candidates
    .map((m) => ({ m, s: model.score(m) }))
    .sort((a, b) => b.s - a.s || (a.m.id < b.m.id ? -1 : 1))
    .slice(0, k)
    .map((x) => x.m);
}
