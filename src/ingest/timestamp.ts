/**
 * ISO-8601 timestamps with an explicit offset (DESIGN §3.1): `Z` or `±hh:mm`. A time without one is
 * rejected, not guessed. `Date.parse` alone would accept `2026-02-30` (rolling into March) and local
 * times, so the fields are checked here first.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return 29;
  return DAYS[month - 1] ?? 0;
}

/** Epoch milliseconds, or undefined when `s` is not an ISO-8601 time with an explicit offset. */
export function parseTimestamp(s: string): number | undefined {
  const m = ISO.exec(s);
  if (m === null) return undefined;
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  const hour = Number(m[4]), minute = Number(m[5]), second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return undefined;
  const frac = m[7] === undefined ? '' : m[7].slice(0, 4); // '.123' — millisecond precision is kept
  const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${frac}${m[8]}`);
  return Number.isNaN(t) ? undefined : t;
}
