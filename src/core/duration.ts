/** Durations as written in specs, flags and query strings: `30d`, `6h`, `5m`, `90s`, `250ms`. */
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds, or undefined when `s` is not a positive whole number followed by a unit. */
export function parseDuration(s: string): number | undefined {
  const m = /^([1-9]\d{0,8})(ms|s|m|h|d|w)$/.exec(s.trim());
  if (m === null) return undefined;
  return Number(m[1]) * UNITS[m[2]!]!;
}
