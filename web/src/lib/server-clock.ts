/**
 * The server's clock, from `GET /v1/info` (or `GET /v1/whoami`, for keys that may not read info). "Now"
 * for windows, the as-of picker and lease times is the server's instant, not the browser's: the demo's
 * clock runs `speed` times faster than wall time, and a test server's clock stands still.
 */
import type { InfoResponse } from '../api/types.ts';

export interface ServerClock {
  readonly info: Pick<InfoResponse, 'now' | 'demo'>;
  /** Browser time when `info.now` was read. */
  readonly readAt: number;
}

export function serverNow(c: ServerClock | undefined): number {
  if (c === undefined) return Date.now();
  const speed = c.info.demo?.speed ?? 1;
  return Date.parse(c.info.now) + (Date.now() - c.readAt) * speed;
}
