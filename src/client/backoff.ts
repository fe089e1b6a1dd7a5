/**
 * How long to wait before the next attempt. Pure: time and randomness are arguments.
 *
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015):
 * delay = random() · min(maxMs, initialMs · 2^(failures − 1)). A server's `Retry-After` is a floor.
 */

/** A `Retry-After` further out than this is treated as this: a misconfigured proxy must not park the client for hours. */
export const RETRY_AFTER_CAP_MS = 5 * 60_000;

/** `Retry-After` as milliseconds from `nowMs`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  // delay-seconds is an integer; a decimal is read leniently.
  if (/^\d+(\.\d+)?$/.test(v)) return Math.min(Number(v) * 1000, RETRY_AFTER_CAP_MS);
  // All three HTTP-date forms start with a day name; Date.parse alone would read "-1" as a year.
  if (!/^[A-Za-z]{3}/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), RETRY_AFTER_CAP_MS);
}

/** The delay before retry number `failures` (1 for the first retry). */
export function backoffDelay(failures: number, backoff: { readonly initialMs: number; readonly maxMs: number }, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, failures - 1));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}
