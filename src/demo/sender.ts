/** Posts events to `POST /v1/events` as NDJSON, in batches, honouring `Retry-After` on 429/503. */
import type { WireEvent } from './wire.ts';

export const MAX_BATCH = 5000;

export interface SenderOptions {
  readonly url: string;
  readonly ingestKey: string;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal;
  /** Attempts per batch on 429/503 or a network failure. */
  readonly attempts?: number;
}

export interface SendResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
}

interface IngestResponse {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: readonly { readonly index: number; readonly code: string; readonly message: string; readonly path?: string }[];
}

export async function sendEvents(events: readonly WireEvent[], opts: SenderOptions): Promise<SendResult> {
  const total = { accepted: 0, duplicates: 0, rejected: 0 };
  for (let i = 0; i < events.length; i += MAX_BATCH) {
    const batch = events.slice(i, i + MAX_BATCH);
    const r = await postBatch(batch, opts);
    total.accepted += r.accepted;
    total.duplicates += r.duplicates;
    total.rejected += r.rejected.length;
    for (const item of r.rejected.slice(0, 10)) {
      const ev = batch[item.index];
      opts.log(`demo: rejected ${ev?.kind ?? '?'} ${ev === undefined ? '' : ev.id}: ${item.code} ${item.path ?? ''} ${item.message}`);
    }
    if (r.rejected.length > 10) opts.log(`demo: … and ${r.rejected.length - 10} more rejected in this batch`);
  }
  return total;
}

async function postBatch(batch: readonly WireEvent[], opts: SenderOptions): Promise<IngestResponse> {
  const body = batch.map((e) => JSON.stringify(e)).join('\n') + '\n';
  const attempts = opts.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(`${opts.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${opts.ingestKey}`, 'content-type': 'application/x-ndjson' },
        body,
        signal: opts.signal,
      });
    } catch (err) {
      if (opts.signal.aborted || attempt >= attempts) throw err;
      await sleep(backoffMs(attempt), opts.signal);
      continue;
    }
    if (res.status === 200) return parseResponse(await res.json());
    const text = await res.text();
    if ((res.status === 429 || res.status === 503) && attempt < attempts) {
      const wait = retryAfterMs(res.headers.get('retry-after')) ?? backoffMs(attempt);
      opts.log(`demo: ingest answered ${res.status}; retrying in ${Math.round(wait)} ms`);
      await sleep(wait, opts.signal);
      continue;
    }
    throw new Error(`POST ${opts.url}/v1/events answered ${res.status}: ${text.slice(0, 300)}`);
  }
}

function parseResponse(json: unknown): IngestResponse {
  const r = json as Partial<IngestResponse> | null;
  if (r === null || typeof r !== 'object' || typeof r.accepted !== 'number' || !Array.isArray(r.rejected)) {
    throw new Error(`unexpected ingest response: ${JSON.stringify(json).slice(0, 300)}`);
  }
  return { accepted: r.accepted, duplicates: typeof r.duplicates === 'number' ? r.duplicates : 0, rejected: r.rejected };
}

/** `Retry-After` is delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, nowMs: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function backoffMs(attempt: number): number {
  return Math.min(10_000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Uploads the training sample as the drift baseline (`POST /v1/services/{name}/baselines`, JSONL), so drift
 * compares production features with what the model learned from.
 */
export async function uploadBaseline(service: string, model: string, rows: readonly Readonly<Record<string, number | string>>[], opts: SenderOptions): Promise<number> {
  const res = await fetch(`${opts.url}/v1/services/${encodeURIComponent(service)}/baselines?model=${encodeURIComponent(model)}`, {
    method: 'POST',
    body: rows.map((r) => JSON.stringify(r)).join('\n'),
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${opts.ingestKey}` },
    signal: opts.signal,
  });
  const body = await res.json() as { rows?: number };
  if (res.status !== 201) throw new Error(`baseline upload answered ${res.status}: ${JSON.stringify(body)}`);
  return body.rows ?? 0;
}
