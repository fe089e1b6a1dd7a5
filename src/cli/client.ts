/** A small client for the commands that talk to a running server (`--url`/`--key`, or MLSLO_URL/MLSLO_KEY). */
import { MlsloError } from '../core/errors.ts';

export interface ClientOptions {
  readonly url?: string;
  readonly key?: string;
}

export async function getJson(path: string, opts: ClientOptions): Promise<unknown> {
  return requestJson(path, opts, {});
}

/** `init` is fetch's; a streamed body needs `duplex: 'half'`. */
export async function requestJson(path: string, opts: ClientOptions, init: RequestInit & { duplex?: 'half' }): Promise<unknown> {
  const base = (opts.url ?? process.env.MLSLO_URL ?? 'http://127.0.0.1:7070').replace(/\/+$/, '');
  const key = opts.key ?? process.env.MLSLO_KEY;
  if (key === undefined || key === '') throw new MlsloError('MLSLO_ERR_UNAUTHENTICATED', 'pass --key or set MLSLO_KEY');
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${key}`, accept: 'application/json' } });
  } catch (e) {
    throw new MlsloError('MLSLO_ERR_CLIENT_UNREACHABLE', `${base}: ${(e as Error).message}`, { cause: e });
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new Error(`${res.status} ${err?.code ?? ''} ${err?.message ?? res.statusText}`.replace(/\s+/g, ' ').trim());
  }
  return body;
}
