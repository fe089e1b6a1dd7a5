/** Calendar SLO windows (DESIGN §2.2: `month` with a time zone). Intl is pure: no clock is read. */

/** Offset of `tz` from UTC at instant `t`, in ms (e.g. +3 600 000 for Europe/Berlin in winter). */
function offsetAt(t: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(t);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - Math.floor(t / 1000) * 1000;
}

/** The instant local midnight of the first day of the month holding `at` in time zone `tz`. */
export function startOfMonth(at: number, tz: string): number {
  const local = new Date(at + offsetAt(at, tz));
  const guess = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1);
  // Midnight local = guess − offset; the offset at that instant may differ from `at`'s (DST), so settle it.
  let t = guess - offsetAt(guess, tz);
  t = guess - offsetAt(t, tz);
  return t;
}
