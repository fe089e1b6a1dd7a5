/**
 * One HTTP attempt and its classification (docs/notifications.md): 2xx delivered; 408, 429, 5xx and
 * network errors or timeouts retried (with the receiver's Retry-After when it sent one); any other status
 * — other 4xx, and 3xx since redirects are not followed — failed for good. Errors never quote the URL.
 */
import type { HttpRequest } from './request.ts';
import { parseRetryAfter } from './backoff.ts';

export type SendOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'retry'; readonly error: string; readonly retryAfterMs: number | undefined }
  | { readonly kind: 'failed'; readonly error: string };

export interface SendOptions {
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly now: () => number;
}

async function snippet(res: Response): Promise<string> {
  try {
    const text = (await res.text()).replace(/\s+/g, ' ').trim();
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return '';
  }
}

function networkError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
  const code = err.cause?.code;
  return `network error: ${code ?? err.cause?.message ?? err.message}`;
}

export async function sendRequest(req: HttpRequest, opts: SendOptions): Promise<SendOutcome> {
  let res: Response;
  try {
    res = await opts.fetch(req.url, {
      method: 'POST',
      headers: req.headers as Record<string, string>,
      body: JSON.stringify(req.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (e) {
    return { kind: 'retry', error: networkError(e), retryAfterMs: undefined };
  }
  const body = await snippet(res);
  const error = `HTTP ${res.status}${body === '' ? '' : `: ${body}`}`;
  if (res.status >= 200 && res.status < 300) return { kind: 'delivered', status: res.status };
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    return { kind: 'retry', error, retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), opts.now()) };
  }
  if (res.status >= 300 && res.status < 400) return { kind: 'failed', error: `${error} (redirects are not followed)` };
  return { kind: 'failed', error };
}
