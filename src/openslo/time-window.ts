/**
 * SLO windows both ways. mlslo has rolling windows of whole days and the calendar month in a time zone
 * (DESIGN §2.2); OpenSLO's `timeWindow` is a duration shorthand, rolling or calendar-aligned.
 */
import type { SloWindow } from '../core/spec.ts';
import { DEFAULTS } from '../spec/defaults.ts';
import { isTimeZone } from '../spec/duration.ts';
import type { TimeWindowBody } from './schema.ts';

/**
 * Where exported calendar windows start. Any midnight on the 1st of a month says the same (mlslo's
 * months start there); a fixed date keeps the output deterministic.
 */
export const CALENDAR_START = '2024-01-01 00:00:00';
const MONTH_START = /^\d{4}-\d{2}-01(?:[T ]00:00(?::00(?:\.0+)?)?)?(?:Z|[+-]00:?00)?$/;

export type WindowRead =
  | { readonly ok: true; readonly window: SloWindow; readonly notes: readonly string[] }
  | { readonly ok: false; readonly why: string };

export function toTimeWindow(w: SloWindow): TimeWindowBody {
  return w.kind === 'rolling'
    ? { duration: `${w.days}d`, isRolling: true }
    : { duration: '1M', isRolling: false, calendar: { startTime: CALENDAR_START, timeZone: w.timeZone } };
}

/** Also the text messages use for a window. */
export function formatSloWindow(w: SloWindow): string {
  return w.kind === 'rolling' ? `${w.days}d` : `month (${w.timeZone})`;
}

export function sameWindow(a: SloWindow, b: SloWindow): boolean {
  return formatSloWindow(a) === formatSloWindow(b);
}

function readCalendar(tw: TimeWindowBody): WindowRead {
  if (tw.duration !== '1M') {
    return { ok: false, why: `a calendar window of \`${tw.duration}\` does not map: mlslo's calendar window is the month (\`1M\`); a rolling window in whole days is the alternative` };
  }
  const notes: string[] = [];
  const tz = tw.calendar?.timeZone;
  if (tz === undefined) notes.push(`no calendar.timeZone; months are taken in ${DEFAULTS.timeZone}`);
  else if (!isTimeZone(tz)) return { ok: false, why: `calendar.timeZone \`${tz}\` is not an IANA time zone mlslo knows` };
  const start = tw.calendar?.startTime;
  if (start !== undefined && !MONTH_START.test(start)) {
    notes.push(`calendar.startTime \`${start}\` is ignored: mlslo's months start at midnight on the 1st in the time zone`);
  }
  return { ok: true, window: { kind: 'calendar', unit: 'month', timeZone: tz ?? DEFAULTS.timeZone }, notes };
}

/** One OpenSLO time window → mlslo's, or why it has none. */
export function readTimeWindow(tw: TimeWindowBody): WindowRead {
  // The spec: "isRolling … if omitted assumed `false` if `calendar:` is present".
  const rolling = tw.isRolling ?? tw.calendar === undefined;
  if (!rolling) return readCalendar(tw);
  const m = /^(\d+)([mhdwMQY])$/.exec(tw.duration);
  const n = Number(m?.[1]);
  const unit = m?.[2];
  const notes = tw.calendar === undefined ? [] : ['calendar is ignored: the window is rolling (isRolling: true)'];
  if (unit === 'd') return { ok: true, window: { kind: 'rolling', days: n }, notes };
  if (unit === 'w') return { ok: true, window: { kind: 'rolling', days: 7 * n }, notes };
  const why = unit === 'm' || unit === 'h' ? 'is shorter than a day' : 'has no fixed number of days (months, quarters and years vary)';
  return { ok: false, why: `a rolling window of \`${tw.duration}\` does not map: mlslo's rolling windows are whole days, and this ${why}` };
}
