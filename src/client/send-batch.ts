/**
 * One `POST /v1/events` attempt (DESIGN §3.1) and what it means for the batch. Never throws: every
 * failure becomes an outcome the client acts on.
 *
 * The body is NDJSON: events are serialized once, at `record()`, and a batch is those lines joined —
 * no second serialization, and the server judges each line on its own, so no single event can cost a
 * whole batch (a JSON array that fails to parse is a 400 and stores nothing). `rejected[].index` is
 * the line number, i.e. the position in the batch.
 */
import { gzip as gzipCallback } from 'node:zlib';
import { promisify } from 'node:util';
import { parseRetryAfter } from './backoff.ts';
import type { FetchLike } from './types.ts';

const gzip = promisify(gzipCallback);

export interface WireRejection {
  readonly index: number;
  readonly code: string;
  readonly message: string;
  readonly path: string;
}

export type SendOutcome =
  /** 2xx: durable. Counts come from the body; an unreadable 2xx body counts every event as accepted. */
  | { readonly kind: 'delivered'; readonly accepted: number; readonly duplicates: number; readonly rejected: readonly WireRejection[] }
  /** Network error, timeout, 408, 429 or 5xx: the batch stays at the head and is sent again. */
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs: number | undefined }
  /** 413: the batch is split. */
  | { readonly kind: 'too_large'; readonly reason: string }
  /** Any other answer: retrying the same bytes cannot help. */
  | { readonly kind: 'refused'; readonly status: number; readonly reason: string };

export interface SendRequest {
  readonly endpoint: string;
  readonly key: string;
  readonly lines: readonly string[];
  readonly gzip: boolean;
  readonly timeoutMs: number;
  /** Aborts the attempt early (the client closing past its deadline). */
  readonly signal: AbortSignal;
  readonly fetch: FetchLike;
  readonly now: () => number;
}

const USER_AGENT = 'mlslo-client-js';

function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** `503 MLSLO_ERR_OVERLOADED: …` from the error envelope, or the status and the start of the body. */
function describe(status: number, body: string): string {
  try {
    const e = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
    if (e !== undefined && typeof e.code === 'string') return `${status} ${e.code}: ${String(e.message)}`;
  } catch {
    // not the mlslo envelope (a proxy's page, say)
  }
  const text = body.trim().slice(0, 200);
  return text === '' ? `HTTP ${status}` : `HTTP ${status}: ${text}`;
}

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

function parseAck(body: string, n: number): { accepted: number; duplicates: number; rejected: WireRejection[] } {
  try {
    const b = JSON.parse(body) as { accepted?: unknown; duplicates?: unknown; rejected?: unknown };
    const rejected = Array.isArray(b.rejected)
      ? (b.rejected as Array<Record<string, unknown>>).map((r) => ({
        index: typeof r.index === 'number' ? r.index : -1,
        code: str(r.code, 'rejected'),
        message: str(r.message, ''),
        path: str(r.path, ''),
      }))
      : [];
    if (typeof b.accepted === 'number' && typeof b.duplicates === 'number') return { accepted: b.accepted, duplicates: b.duplicates, rejected };
  } catch {
    // fall through: a 2xx still means durable
  }
  return { accepted: n, duplicates: 0, rejected: [] };
}

function networkReason(e: unknown, timedOut: boolean): string {
  if (timedOut) return 'timeout';
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.cause?.code !== undefined) return err.cause.code;
  return `${err.name ?? 'Error'}: ${err.cause?.message ?? err.message ?? String(e)}`;
}

export async function sendBatch(req: SendRequest): Promise<SendOutcome> {
  const raw = Buffer.from(req.lines.join('\n'), 'utf8');
  const headers: Record<string, string> = {
    'content-type': 'application/x-ndjson',
    authorization: `Bearer ${req.key}`,
    'user-agent': USER_AGENT,
  };
  let body: Uint8Array = raw;
  if (req.gzip) {
    // Off the main thread (libuv pool): a model server's event loop is not held up by compression.
    body = await gzip(raw);
    headers['content-encoding'] = 'gzip';
  }
  // One controller per attempt, aborted by its own timeout or by the client closing. (Not
  // AbortSignal.any: listeners on the client's long-lived signal are removed here, every time.)
  const attempt = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attempt.abort();
  }, req.timeoutMs);
  timer.unref(); // the request's socket keeps the process alive, not this timer
  const onClose = (): void => attempt.abort();
  if (req.signal.aborted) attempt.abort();
  else req.signal.addEventListener('abort', onClose, { once: true });
  try {
    const res = await req.fetch(req.endpoint, { method: 'POST', headers, body, signal: attempt.signal, redirect: 'manual' });
    const text = await res.text(); // read in full: it frees the connection for the next request
    const status = res.status;
    if (status >= 200 && status < 300) return { kind: 'delivered', ...parseAck(text, req.lines.length) };
    if (isRetryable(status)) return { kind: 'retry', reason: describe(status, text), retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), req.now()) };
    if (status === 413) return { kind: 'too_large', reason: describe(status, text) };
    return { kind: 'refused', status, reason: describe(status, text) };
  } catch (e) {
    return { kind: 'retry', reason: networkReason(e, timedOut), retryAfterMs: undefined };
  } finally {
    clearTimeout(timer);
    req.signal.removeEventListener('abort', onClose);
  }
}
