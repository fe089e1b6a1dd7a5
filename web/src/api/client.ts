/**
 * Calls to the mlslo HTTP API. Errors keep the API's envelope (`{"error": {"code", "message"}}`) so the
 * page can show what the server said, not a generic failure.
 */
import { getKey } from '../lib/session.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get unauthenticated(): boolean {
    return this.status === 401;
  }
}

interface Envelope {
  readonly error?: { readonly code?: unknown; readonly message?: unknown };
}

/** Listeners told when the key stops working (revoked, server restarted with a new store). */
const onUnauthenticated = new Set<() => void>();

export function whenUnauthenticated(f: () => void): () => void {
  onUnauthenticated.add(f);
  return () => onUnauthenticated.delete(f);
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** A key to try instead of the session's (sign-in); a refusal then does not sign the session out. */
  readonly key?: string;
}

async function request<T>(method: 'GET' | 'POST', path: string, body: unknown, opts: RequestOptions): Promise<T> {
  const key = opts.key ?? getKey();
  const headers: Record<string, string> = { accept: 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', `cannot reach the mlslo server (${(e as Error).message})`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const err = (parsed as Envelope | undefined)?.error;
    const code = typeof err?.code === 'string' ? err.code : `HTTP_${res.status}`;
    const message = typeof err?.message === 'string' ? err.message : `${res.status} ${res.statusText}`;
    const e = new ApiError(res.status, code, message);
    if (e.unauthenticated && opts.key === undefined) for (const f of onUnauthenticated) f();
    throw e;
  }
  if (parsed === undefined) throw new ApiError(res.status, 'BAD_RESPONSE', `${path} did not answer JSON`);
  return parsed as T;
}

export function apiGet<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  return request<T>('GET', path, undefined, opts);
}

/** A POST with a JSON body (an empty object when the route takes none). */
export function apiPost<T>(path: string, body: unknown = {}, opts: RequestOptions = {}): Promise<T> {
  return request<T>('POST', path, body, opts);
}

/** `/v1/services/{name}/…` with the name escaped and the query's empty values dropped. */
export function servicePath(name: string, rest: string, query: Readonly<Record<string, string | number | undefined>> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `/v1/services/${encodeURIComponent(name)}${rest}${s === '' ? '' : `?${s}`}`;
}
