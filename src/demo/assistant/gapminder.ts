/**
 * The Gapminder dataset shipped in the `vega-datasets` npm package (`data/gapminder.json`): population,
 * life expectancy and fertility of 62 countries every five years from 1955 to 2005 (682 rows), with the
 * world region each country belongs to. The assistant answers questions about it; its judge checks the
 * answers against it.
 */
import { loadVegaRows, vegaDataPath } from '../vega-data.ts';

export type Metric = 'life_expect' | 'pop' | 'fertility';
export const METRICS: readonly Metric[] = ['life_expect', 'pop', 'fertility'];

export interface CountryYear {
  readonly country: string;
  readonly year: number;
  readonly region: string;
  readonly pop: number;
  readonly life_expect: number;
  readonly fertility: number;
}

/** The dataset's `cluster` codes, as the Gapminder World chart names its regions. */
const REGIONS = ['south_asia', 'europe_central_asia', 'sub_saharan_africa', 'america', 'east_asia_pacific', 'middle_east_north_africa'] as const;

export function gapminderPath(): string {
  return vegaDataPath('gapminder.json');
}

export interface Gapminder {
  readonly rows: readonly CountryYear[];
  readonly countries: readonly string[];
  readonly years: readonly number[];
  /** The row of `country` in `year`, if the dataset has it. */
  get(country: string, year: number): CountryYear | undefined;
  regionOf(country: string): string;
}

export function loadGapminder(path: string = gapminderPath()): Gapminder {
  const rows = loadVegaRows(path, (row, where): CountryYear => {
    const r = row as Partial<Record<string, unknown>>;
    if (typeof r.country !== 'string' || typeof r.year !== 'number' || typeof r.cluster !== 'number'
      || typeof r.pop !== 'number' || typeof r.life_expect !== 'number' || typeof r.fertility !== 'number') {
      throw new TypeError(`${where}: not a gapminder row`);
    }
    return {
      country: r.country, year: r.year, region: REGIONS[r.cluster] ?? 'other',
      pop: r.pop, life_expect: r.life_expect, fertility: r.fertility,
    };
  });
  const index = new Map(rows.map((r) => [`${r.country}|${r.year}`, r] as const));
  const regions = new Map(rows.map((r) => [r.country, r.region] as const));
  return {
    rows,
    countries: [...regions.keys()].sort(),
    years: [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b),
    get: (country, year) => index.get(`${country}|${year}`),
    regionOf: (country) => regions.get(country) ?? 'other',
  };
}
