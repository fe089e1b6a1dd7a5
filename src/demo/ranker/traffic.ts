/**
 * Synthetic traffic for `movie-ranker`: viewers browse a genre of a streaming catalogue (the held-out half
 * of the real movies), sometimes filtered to an era; the serving model version ranks the matching titles
 * and returns its top ten. Ground truth comes from the real IMDB ratings: a viewer's taste is the movie's
 * rating plus personal noise (σ = 1 rating point), and the titles the viewer engages with — played for at
 * least 10 minutes — are the top 10% of the candidates by that taste. They are known 5–60 minutes after
 * the request for the 30% of viewers who are signed in (`samplingProb` 0.3).
 *
 * Every viewer's behaviour is logged as feedback 20–90 s after the request (the spec's feedback proxy:
 * `clicked == true && dwellMs >= 600000`): the viewer plays the first of the top three titles they engage
 * with and watches on (median 40 minutes), except 8% who are interrupted within minutes; a viewer who
 * engages with none of the three still clicks one 35% of the time and gives up after a few minutes. So
 * the proxy tracks hit@3 but reads a little low, which the calibration report against human labels shows.
 * Feedback draws from its own generator (seeded by the request id), so the ground-truth stream is the
 * same with or without it.
 */
import { lognormal, mulberry32, normal, pick, type Rng } from '../random.ts';
import { activeIncident, rolloutActive, type Incident, type Rollout } from '../script.ts';
import { arrivals, drawError, errorLatency, requestId, round1, weighted } from '../traffic-kit.ts';
import type { Request, Traffic, WireInference, WireOutcome } from '../wire.ts';
import type { Movie } from './movies.ts';
import type { RankerModel } from './ranker-model.ts';

export const RANKER_SERVICE = 'movie-ranker';
export const RANKER_MODEL = 'ranker-v7';
/** Titles returned per request. */
export const RESULTS = 10;
/** The spec's `quality.k`: a request is good when the viewer engages with one of the first three titles. */
export const HIT_K = 3;
/** Share of the candidates a viewer engages with (at least one). */
export const RELEVANT_SHARE = 0.1;
/** Spread of one viewer's taste around the IMDB mean rating, in rating points. */
export const TASTE_SD = 1;
export const RANKER_LABEL_SHARE = 0.3;

export type Era = 'any' | 'pre-1990' | '1990s' | '2000s';
export const ERAS: readonly Exclude<Era, 'any'>[] = ['pre-1990', '1990s', '2000s'];

export function eraOf(year: number): Exclude<Era, 'any'> {
  return year < 1990 ? 'pre-1990' : year < 2000 ? '1990s' : '2000s';
}

/** A browse query: a genre, optionally an era, and the catalogue titles that match. */
export interface Query {
  readonly genre: string;
  readonly era: Era;
  readonly candidates: readonly Movie[];
}

/** Fewer matching titles than this and the era filter is dropped (the UI shows the whole genre). */
const MIN_CANDIDATES = 8;

/**
 * Draws queries over `catalogue`: genres as often as the catalogue holds them (genres with fewer than
 * MIN_CANDIDATES titles never), an era filter on 45% of queries.
 */
export function queryGenerator(catalogue: readonly Movie[]): (rng: Rng) => Query {
  const byGenre = new Map<string, Movie[]>();
  for (const m of catalogue) byGenre.set(m.genre, [...(byGenre.get(m.genre) ?? []), m]);
  const genres = [...byGenre].filter(([, ms]) => ms.length >= MIN_CANDIDATES).map(([g, ms]) => [g, ms.length] as const);
  return (rng) => {
    const genre = weighted(rng, genres);
    const all = byGenre.get(genre) ?? [];
    if (rng() < 0.45) {
      const era = pick(rng, ERAS);
      const some = all.filter((m) => eraOf(m.year) === era);
      if (some.length >= MIN_CANDIDATES) return { genre, era, candidates: some };
    }
    return { genre, era: 'any', candidates: all };
  };
}

/** The titles one viewer engages with: the top RELEVANT_SHARE of the candidates by the viewer's taste. */
export function engagedWith(rng: Rng, candidates: readonly Movie[]): string[] {
  const taste = candidates.map((m) => ({ id: m.id, t: m.imdbRating + TASTE_SD * normal(rng) }));
  taste.sort((a, b) => b.t - a.t);
  return taste.slice(0, Math.max(1, Math.round(candidates.length * RELEVANT_SHARE))).map((x) => x.id);
}

/** Ranks by precomputed scores (the catalogue is fixed), best first, ties by id. */
export function topIds(scores: ReadonlyMap<string, number>, candidates: readonly Movie[], n: number): string[] {
  return candidates
    .map((m) => ({ id: m.id, s: scores.get(m.id) ?? -Infinity }))
    .sort((a, b) => b.s - a.s || (a.id < b.id ? -1 : 1))
    .slice(0, n)
    .map((x) => x.id);
}

export interface RankerTrafficOptions {
  readonly model: RankerModel;
  readonly rollout?: { readonly plan: Rollout; readonly model: RankerModel };
  readonly rng: Rng;
  readonly anchorMs: number;
  readonly incidents: readonly Incident[];
  readonly perMinute: (ms: number) => number;
  readonly runTag: string;
  readonly labelShare?: number;
  /** Log viewers' clicks and watch time as feedback outcomes (default true). */
  readonly feedback?: boolean;
}

/** A 32-bit FNV-1a hash: seeds a request's own feedback generator from its id. */
function seedOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The viewer's clicks and watch time (header): `relevant` when the ground truth was drawn, else drawn here. */
function viewerFeedback(
  id: string, ms: number, items: readonly string[], candidates: readonly Movie[], relevant: readonly string[] | undefined,
): { dueMs: number; event: WireOutcome } {
  const rng = mulberry32(seedOf(id));
  const engaged = new Set(relevant ?? engagedWith(rng, candidates));
  const top = items.slice(0, HIT_K);
  const hit = top.some((m) => engaged.has(m));
  const clicked = hit || rng() < 0.35;
  const watched = hit && rng() >= 0.08;
  const dwellMs = !clicked ? undefined : Math.round((watched ? lognormal(rng, 40, 0.5) : lognormal(rng, 3, 0.6)) * 60_000);
  const dueMs = ms + Math.round(20_000 + 70_000 * rng());
  return {
    dueMs,
    event: {
      kind: 'outcome', id: `${id}-fb`, requestId: id, service: RANKER_SERVICE, ts: new Date(dueMs).toISOString(),
      source: 'feedback', samplingProb: 1, feedback: dwellMs === undefined ? { clicked } : { clicked, dwellMs },
    },
  };
}

export function createRankerTraffic(opts: RankerTrafficOptions): Traffic {
  const { rng } = opts;
  const next = arrivals(rng, opts.perMinute);
  const query = queryGenerator(opts.model.catalogue);
  const scoresOf = (m: RankerModel): Map<string, number> => new Map(m.catalogue.map((x) => [x.id, m.score(x)]));
  const mainScores = scoresOf(opts.model);
  const canaryScores = opts.rollout === undefined ? mainScores : scoresOf(opts.rollout.model);
  const labelShare = opts.labelShare ?? RANKER_LABEL_SHARE;
  let seq = 0;

  const make = (ms: number): Request => {
    const incident = activeIncident(opts.incidents, opts.anchorMs, ms);
    const q = query(rng);
    const r = opts.rollout;
    const version = incident?.model ?? (r !== undefined && rolloutActive(r.plan, opts.anchorMs, ms) && rng() < r.plan.share ? r.plan.model : RANKER_MODEL);
    const id = requestId('mvr', ms, opts.runTag, seq++);
    const n = q.candidates.length;
    const base = {
      kind: 'inference' as const,
      id,
      service: RANKER_SERVICE,
      model: version,
      ts: new Date(ms).toISOString(),
      input: { candidates: n },
      cohort: { genre: q.genre, era: q.era },
      features: { genre: q.genre, era: q.era, candidates: n },
    };
    const errorType = drawError(rng, incident);
    if (errorType !== undefined) {
      return { inference: { ...base, status: 'error', errorType, latencyMs: round1(errorLatency(rng, errorType)) }, outcomes: [] };
    }
    // Scoring is linear in the candidates; a cache miss on the feature store now and then.
    const latencyMs = lognormal(rng, 25 + 0.45 * n, 0.3) * (rng() < 0.003 ? 5 : 1) * (incident?.latencyFactor ?? 1);
    const items = topIds(version === RANKER_MODEL ? mainScores : canaryScores, q.candidates, RESULTS);
    const inference: WireInference = { ...base, status: 'ok', latencyMs: round1(latencyMs), prediction: { items } };
    if (rng() >= labelShare) return { inference, outcomes: opts.feedback === false ? [] : [viewerFeedback(id, ms, items, q.candidates, undefined)] };
    const dueMs = ms + Math.round(Math.min(60, Math.max(5, lognormal(rng, 20, 0.5))) * 60_000);
    const relevant = engagedWith(rng, q.candidates);
    const event: WireOutcome = {
      kind: 'outcome', id: `${id}-gt`, requestId: id, service: RANKER_SERVICE, ts: new Date(dueMs).toISOString(),
      source: 'ground_truth', relevant, samplingProb: labelShare,
    };
    const outcomes: Array<{ dueMs: number; event: WireOutcome }> = [{ dueMs, event }];
    if (opts.feedback !== false) outcomes.push(viewerFeedback(id, ms, items, q.candidates, relevant));
    return { inference, outcomes };
  };

  return { between: (fromMs, toMs) => next(fromMs, toMs).map(make) };
}
