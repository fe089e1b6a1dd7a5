/** Durations (`30d`, `12h`, `1d12h`) and SLO windows (`28d`, `month`) as written in specs. */
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../core/spec.ts';

const UNIT_MS: Readonly<Record<string, number>> = { w: 7 * DAY_MS, d: DAY_MS, h: HOUR_MS, m: MINUTE_MS, s: 1000 };
// Units in decreasing order, each at most once, as Prometheus writes durations.
const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Milliseconds, or undefined when the text is not a positive duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (m === null || text === '') return undefined;
  const units = ['w', 'd', 'h', 'm', 's'];
  let ms = 0;
  units.forEach((u, i) => {
    const n = m[i + 1];
    if (n !== undefined) ms += Number(n) * UNIT_MS[u]!;
  });
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/** Whole days of a rolling window (`30d`), or undefined. */
export function parseWindowDays(text: string): number | undefined {
  const m = /^(\d+)d$/.exec(text);
  if (m === null) return undefined;
  const days = Number(m[1]);
  return days >= 1 && Number.isSafeInteger(days) ? days : undefined;
}

/** True when the runtime knows the IANA time zone. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
