/**
 * Durations as written in specs, flags and query strings: `30d`, `6h`, `5m`, `1d12h`, `250ms`. Units
 * in decreasing order, each at most once, as Prometheus writes them.
 */
const UNIT_MS = [604_800_000, 86_400_000, 3_600_000, 60_000, 1000, 1] as const;
const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds, or undefined when the text is not a positive duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (m === null || text === '') return undefined;
  let ms = 0;
  UNIT_MS.forEach((size, i) => {
    const n = m[i + 1];
    if (n !== undefined) ms += Number(n) * size;
  });
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}
