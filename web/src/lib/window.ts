/** SLO window choices and their bucket step for the series charts. */

export const WINDOW_CHOICES = ['1h', '6h', '1d', '7d', '30d'] as const;

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `6h` → ms; `month` → 31 days (an upper bound is all the callers need). */
export function windowMs(w: string): number | undefined {
  if (w === 'month') return 31 * UNIT_MS.d!;
  const m = /^(\d+)([mhd])$/.exec(w);
  return m === null ? undefined : Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** Hourly buckets up to a week (≤ 168 points), daily beyond. */
export function seriesStep(w: string): '1h' | '1d' {
  const ms = windowMs(w);
  return ms !== undefined && ms <= 7 * UNIT_MS.d! ? '1h' : '1d';
}

/** Drift windows are whole hours; a calendar month falls back to drift's own default, a day. */
export function driftWindow(w: string): string {
  const ms = windowMs(w);
  return w !== 'month' && ms !== undefined && ms % UNIT_MS.h! === 0 ? w : '1d';
}
