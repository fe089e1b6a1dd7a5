/**
 * Retry timing (docs/notifications.md): full-jitter exponential backoff — a delay drawn uniformly from
 * [0, min(cap, base · 2^(attempt−1))) — unless the receiver sent `Retry-After`, which is honoured as given
 * (seconds or an HTTP date), bounded by MAX_RETRY_AFTER_MS. Pure: `random` and `now` are arguments.
 */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 5 * 60_000;
/** A Retry-After further out than this is shortened to it (a receiver cannot park a notice for days). */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** Delay before the next try after `failures` failed attempts (≥ 1). */
export function backoffMs(failures: number, random: () => number, base = BACKOFF_BASE_MS, cap = BACKOFF_CAP_MS): number {
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/** `Retry-After` in ms from `now` (RFC 9110 §10.2.3: delay-seconds or HTTP-date); undefined when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  if (!/[a-z]/i.test(v)) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.min(Math.max(0, t - now), MAX_RETRY_AFTER_MS);
}
