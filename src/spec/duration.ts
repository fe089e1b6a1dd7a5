/** SLO windows (`28d`, `month`) and time zones as written in specs; durations are core/duration.ts. */
export { parseDuration } from '../core/duration.ts';

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
