/**
 * The movies dataset: 3,201 real US releases (mostly 1980–2010) shipped in the `vega-datasets` npm package
 * (`data/movies.json`): title, genre, release date, budget, grosses, MPAA rating, creative type, source,
 * running time, the Rotten Tomatoes critics' score and the IMDB users' rating and votes. The demo keeps the
 * 2,746 movies with a genre and an IMDB rating: the rating is what viewers thought of the movie, the
 * ground truth the ranker's relevance labels come from.
 */
import { loadVegaRows, vegaDataPath } from '../vega-data.ts';

export interface Movie {
  /** `m<row>`: the row of the movie in movies.json, stable across runs. */
  readonly id: string;
  readonly title: string;
  readonly genre: string;
  readonly year: number;
  /** IMDB users' mean rating, 1–10: what viewers thought (never a model input). */
  readonly imdbRating: number;
  readonly imdbVotes: number;
  /** Rotten Tomatoes critics' score, 0–100, known at release; missing for ~15% of these movies. */
  readonly criticScore: number | null;
  readonly budget: number | null;
  readonly worldwideGross: number | null;
  readonly runningTime: number | null;
  readonly mpaa: string | null;
  readonly creativeType: string | null;
  readonly source: string | null;
}

export function moviesPath(): string {
  return vegaDataPath('movies.json');
}

export function loadMovies(path: string = moviesPath()): Movie[] {
  return loadVegaRows(path, parseMovie);
}

type Raw = Readonly<Record<string, unknown>>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function parseMovie(row: unknown, where: string): Movie | undefined {
  if (row === null || typeof row !== 'object') throw new TypeError(`${where}: not a movie row`);
  const r = row as Raw;
  const genre = str(r['Major Genre']);
  const imdbRating = num(r['IMDB Rating']);
  const imdbVotes = num(r['IMDB Votes']);
  const date = str(r['Release Date']);
  if (genre === null || imdbRating === null || imdbVotes === null || date === null) return undefined;
  const m = /(\d{4})$/.exec(date);
  if (m === null) throw new TypeError(`${where}: release date ${date}`);
  // The file was made from two-digit years: "Nov 21 2046" is The Best Years of Our Lives (1946).
  const y = Number(m[1]);
  const worldwide = num(r['Worldwide Gross']);
  return {
    id: `m${where.slice(where.lastIndexOf('[') + 1, -1)}`,
    title: String(r.Title),
    genre,
    year: y > 2012 ? y - 100 : y,
    imdbRating,
    imdbVotes,
    criticScore: num(r['Rotten Tomatoes Rating']),
    budget: num(r['Production Budget']),
    worldwideGross: worldwide === 0 ? null : worldwide,
    runningTime: num(r['Running Time min']),
    mpaa: str(r['MPAA Rating']),
    creativeType: str(r['Creative Type']),
    source: str(r.Source),
  };
}
