/**
 * Client options: one defaults object, checked once in the constructor (a wrong option is a programming
 * error and throws there; nothing after construction throws at the caller).
 */
import type { FetchLike, MlsloClientError, MlsloClientOptions, RejectedEvent } from './types.ts';

/** The server's default limits (DESIGN §3.1); a server configured lower answers 413 and batches are split. */
export const SERVER_MAX_ITEMS = 10_000;
export const SERVER_MAX_BODY_BYTES = 10 * 1024 * 1024;

export const DEFAULTS = Object.freeze({
  maxBatchSize: 500,
  flushIntervalMs: 1000,
  maxQueue: 10_000,
  gzip: true,
  timeoutMs: 10_000,
  backoff: Object.freeze({ initialMs: 200, maxMs: 30_000 }),
});

export interface ResolvedOptions {
  readonly endpoint: string;
  readonly key: string;
  readonly maxBatchSize: number;
  readonly flushIntervalMs: number;
  readonly maxQueue: number;
  readonly gzip: boolean;
  readonly timeoutMs: number;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  readonly onRejected: ((items: RejectedEvent[]) => void) | undefined;
  readonly onError: ((error: MlsloClientError) => void) | undefined;
  readonly fetch: FetchLike;
}

function integer(name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`mlslo client: ${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  return v;
}

export function resolveOptions(o: MlsloClientOptions): ResolvedOptions {
  if (typeof o.url !== 'string' || !URL.canParse(o.url)) throw new TypeError(`mlslo client: url must be an absolute URL, got ${String(o.url)}`);
  if (typeof o.key !== 'string' || o.key === '') throw new TypeError('mlslo client: key must be a non-empty string');
  const base = new URL(o.url);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const backoff = { ...DEFAULTS.backoff, ...o.backoff };
  if (o.fetch === undefined && typeof globalThis.fetch !== 'function') throw new TypeError('mlslo client: no global fetch; pass options.fetch');
  // Called unbound: some fetch implementations insist on their own `this`.
  const fetchImpl: FetchLike = o.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const resolved: ResolvedOptions = {
    endpoint: new URL('v1/events', base).href,
    key: o.key,
    maxBatchSize: integer('maxBatchSize', o.maxBatchSize ?? DEFAULTS.maxBatchSize, 1, SERVER_MAX_ITEMS),
    flushIntervalMs: integer('flushIntervalMs', o.flushIntervalMs ?? DEFAULTS.flushIntervalMs, 0),
    maxQueue: integer('maxQueue', o.maxQueue ?? DEFAULTS.maxQueue, 1),
    gzip: o.gzip ?? DEFAULTS.gzip,
    timeoutMs: integer('timeoutMs', o.timeoutMs ?? DEFAULTS.timeoutMs, 1),
    backoff: { initialMs: integer('backoff.initialMs', backoff.initialMs, 0), maxMs: integer('backoff.maxMs', backoff.maxMs, 0) },
    onRejected: o.onRejected,
    onError: o.onError,
    fetch: fetchImpl,
  };
  if (resolved.backoff.maxMs < resolved.backoff.initialMs) throw new RangeError('mlslo client: backoff.maxMs must be ≥ backoff.initialMs');
  return Object.freeze(resolved);
}
