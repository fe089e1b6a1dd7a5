/**
 * The flights dataset: 20,000 real US domestic flights of Jan–Mar 2001 shipped in the `vega-datasets`
 * npm package (`data/flights-20k.json`; the 200k file has no airports). `delay` is the arrival delay
 * in minutes; a flight counts as delayed beyond 15 minutes, the US DOT on-time definition.
 */
import { loadVegaRows, vegaDataPath } from '../vega-data.ts';

export const DELAY_THRESHOLD_MIN = 15;

export interface Flight {
  /** Scheduled departure, local time, as in the dataset: `YYYY/MM/DD HH:mm`. */
  readonly date: string;
  readonly hour: number;
  readonly distance: number;
  readonly origin: string;
  readonly destination: string;
  readonly delayed: boolean;
  /**
   * Share of the flights touching the origin airport earlier the same day that were delayed (smoothed
   * toward the overall rate) — the "delays so far today" signal a real service reads from a live feed.
   * Only earlier flights count, so the feature never peeks at the flight's own outcome.
   */
  readonly originDelayShare: number;
}

interface RawFlight {
  readonly date: string;
  readonly delay: number;
  readonly distance: number;
  readonly origin: string;
  readonly destination: string;
}

export function flightsPath(): string {
  return vegaDataPath('flights-20k.json');
}

export function loadFlights(path: string = flightsPath()): Flight[] {
  return withOriginDelayShare(loadVegaRows(path, parseRow));
}

function parseRow(row: unknown, where: string): RawFlight {
  const r = row as Partial<Record<keyof RawFlight, unknown>>;
  if (typeof r.date !== 'string' || !/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/.test(r.date)
    || typeof r.delay !== 'number' || typeof r.distance !== 'number'
    || typeof r.origin !== 'string' || typeof r.destination !== 'string') {
    throw new TypeError(`${where}: not a flight row`);
  }
  return { date: r.date, delay: r.delay, distance: r.distance, origin: r.origin, destination: r.destination };
}

/** Prior weight (in flights) of the overall delay rate in the smoothed same-day share. */
const SHARE_PRIOR_WEIGHT = 2;

function withOriginDelayShare(rows: readonly RawFlight[]): Flight[] {
  const ordered = [...rows].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const isDelayed = (r: RawFlight): boolean => r.delay > DELAY_THRESHOLD_MIN;
  const prior = ordered.filter(isDelayed).length / Math.max(1, ordered.length);
  // Per day and airport: [delayed, seen] over flights that departed before the current one.
  const seen = new Map<string, [number, number]>();
  const out: Flight[] = [];
  for (const r of ordered) {
    const day = r.date.slice(0, 10);
    const key = `${day} ${r.origin}`;
    const [d, n] = seen.get(key) ?? [0, 0];
    const share = (d + SHARE_PRIOR_WEIGHT * prior) / (n + SHARE_PRIOR_WEIGHT);
    out.push({
      date: r.date,
      hour: Number(r.date.slice(11, 13)),
      distance: r.distance,
      origin: r.origin,
      destination: r.destination,
      delayed: isDelayed(r),
      originDelayShare: Math.round(share * 20) / 20,
    });
    for (const airport of [r.origin, r.destination]) {
      const k = `${day} ${airport}`;
      const e = seen.get(k) ?? [0, 0];
      seen.set(k, [e[0] + (isDelayed(r) ? 1 : 0), e[1] + 1]);
    }
  }
  return out;
}
