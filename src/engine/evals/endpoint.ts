/**
 * Calling a model endpoint for one example (DESIGN §2.7, docs/evals.md "Running evals"). `prepareEndpoint`
 * does everything that can fail before a run starts — `${ENV}` header values, the JSONPaths, the URL and
 * the private-target check shared with notifications (engine/notify/target-guard.ts) — so a run that
 * starts does not fail on its configuration halfway. `callEndpoint` renders the request template, POSTs
 * (or PUTs) JSON with a timeout, retries network errors, timeouts, 5xx and 429 with full-jitter
 * exponential backoff (429's `Retry-After` seconds honoured, capped at 30 s), never other 4xx, and
 * extracts prediction, score and model version with the endpoint's JSONPaths.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { parseJsonPath, selectJsonPath, type JsonPathSegment } from '../../core/evals/json-path.ts';
import { renderTemplate } from '../../core/evals/template.ts';
import { MlsloError } from '../../core/errors.ts';
import type { EndpointSpec } from '../../core/spec.ts';
import { backoffMs } from '../notify/backoff.ts';
import { checkTarget } from '../notify/target-guard.ts';

type JsonPath = readonly JsonPathSegment[];

/** What a request template may refer to (core/evals/template.ts): `id`, `input`, `expected`, `segment`; replay adds `features`, `cohort`; a judge `output`. */
export type TemplateData = Readonly<Record<string, unknown>>;

/** First retry waits up to this (full jitter), doubling per failure up to RETRY_CAP_MS. */
export const RETRY_BASE_MS = 250;
export const RETRY_CAP_MS = 10_000;
/** A 429's Retry-After longer than this is shortened to it: an eval run must not stall for minutes. */
export const MAX_RETRY_AFTER_MS = 30_000;
/** A model's answer larger than this is refused (not retried): a run must not hold unbounded bodies. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface PreparedEndpoint {
  readonly spec: EndpointSpec;
  /** Header values with `${ENV}` expanded. Secrets: never logged. */
  readonly headers: Readonly<Record<string, string>>;
  readonly prediction: JsonPath;
  readonly score: JsonPath | undefined;
  readonly model: JsonPath | undefined;
}

export interface CallResult {
  /** The value at the prediction path; undefined when the call failed. */
  readonly prediction: unknown;
  readonly score: unknown;
  /** Model version the response reports, `''` when none. */
  readonly model: string;
  /** Of the last attempt: the model's answer time, not the backoff. */
  readonly latencyMs: number;
  readonly attempts: number;
  /** Why the call failed after its retries (or the response could not be read); null on success. */
  readonly error: string | null;
}

export interface CallOptions {
  readonly random: () => number;
  readonly fetch?: typeof fetch;
  /** Aborts waiting and in-flight requests (server shutdown). */
  readonly signal?: AbortSignal;
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function path(p: string, what: string): JsonPath {
  const r = parseJsonPath(p);
  if (!r.ok) throw new MlsloError('MLSLO_ERR_SPEC_INVALID', `${what}: JSONPath ${p}: ${r.message}`);
  return r.segments;
}

/**
 * Resolves what a run needs before it starts. `what` names the endpoint in errors
 * (e.g. `golden set smoke endpoint`). Every missing environment variable is reported at once.
 */
export async function prepareEndpoint(spec: EndpointSpec, what: string, env: NodeJS.ProcessEnv, allowPrivateTargets: boolean): Promise<PreparedEndpoint> {
  const missing = new Set<string>();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.headers)) {
    headers[name] = value.replace(ENV_REF, (_m, v: string) => {
      const x = env[v];
      if (x === undefined) missing.add(v);
      return x ?? '';
    });
  }
  if (missing.size > 0) {
    throw new MlsloError('MLSLO_ERR_EVAL_ENV_MISSING', `${what}: header values name ${[...missing].map((m) => `\${${m}}`).join(', ')}, not set in the server's environment`);
  }
  let check;
  try {
    check = await checkTarget(spec.url, allowPrivateTargets);
  } catch (e) {
    throw new MlsloError('MLSLO_ERR_EVAL_ENDPOINT_REFUSED', `${what}: ${(e as Error).message}`, { cause: e });
  }
  if (!check.ok) throw new MlsloError('MLSLO_ERR_EVAL_ENDPOINT_REFUSED', `${what}: ${check.reason}`);
  return {
    spec, headers,
    prediction: path(spec.prediction, what),
    score: spec.score === undefined ? undefined : path(spec.score, what),
    model: spec.model === undefined ? undefined : path(spec.model, what),
  };
}

type Attempt =
  | { readonly kind: 'ok'; readonly body: unknown; readonly latencyMs: number }
  | { readonly kind: 'retry'; readonly error: string; readonly retryAfterMs: number | undefined; readonly latencyMs: number }
  | { readonly kind: 'failed'; readonly error: string; readonly latencyMs: number };

async function snippet(res: Response): Promise<string> {
  const text = (await res.text().catch(() => '')).replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function networkError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  if (err.name === 'AbortError') return 'aborted';
  return `network error: ${err.cause?.code ?? err.cause?.message ?? err.message}`;
}

/** `Retry-After` as delay-seconds (the form model servers send), capped; undefined otherwise. */
function retryAfter(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
}

async function attempt(ep: PreparedEndpoint, body: string, opts: CallOptions): Promise<Attempt> {
  const t0 = performance.now();
  const elapsed = (): number => Math.round((performance.now() - t0) * 10) / 10;
  const timeout = AbortSignal.timeout(ep.spec.timeoutMs);
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(ep.spec.url, {
      method: ep.spec.method,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...ep.headers },
      body,
      redirect: 'manual',
      signal: opts.signal === undefined ? timeout : AbortSignal.any([timeout, opts.signal]),
    });
  } catch (e) {
    return { kind: 'retry', error: networkError(e), retryAfterMs: undefined, latencyMs: elapsed() };
  }
  if (res.status < 200 || res.status >= 300) {
    const text = await snippet(res);
    const error = `HTTP ${res.status}${text === '' ? '' : `: ${text}`}`;
    if (res.status === 429 || res.status >= 500) return { kind: 'retry', error, retryAfterMs: res.status === 429 ? retryAfter(res.headers.get('retry-after')) : undefined, latencyMs: elapsed() };
    return { kind: 'failed', error: res.status < 400 ? `${error} (redirects are not followed)` : error, latencyMs: elapsed() };
  }
  let text: string | undefined;
  try {
    text = await boundedText(res, MAX_RESPONSE_BYTES);
  } catch (e) {
    return { kind: 'retry', error: networkError(e), retryAfterMs: undefined, latencyMs: elapsed() };
  }
  const latencyMs = elapsed();
  if (text === undefined) return { kind: 'failed', error: `the response is larger than ${MAX_RESPONSE_BYTES} bytes`, latencyMs };
  try {
    return { kind: 'ok', body: JSON.parse(text) as unknown, latencyMs };
  } catch {
    return { kind: 'failed', error: 'the response is not JSON', latencyMs };
  }
}

/** The body as text, or undefined (the rest left unread) once it exceeds `limit` bytes. */
async function boundedText(res: Response, limit: number): Promise<string | undefined> {
  if (Number(res.headers.get('content-length') ?? 0) > limit) {
    await res.body?.cancel();
    return undefined;
  }
  if (res.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function modelOf(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** One example through the endpoint, with its retries. Never throws except when `opts.signal` aborts. */
export async function callEndpoint(ep: PreparedEndpoint, data: TemplateData, opts: CallOptions): Promise<CallResult> {
  const body = JSON.stringify(renderTemplate(ep.spec.request, data));
  const maxAttempts = 1 + ep.spec.retries;
  for (let n = 1; ; n++) {
    const a = await attempt(ep, body, opts);
    opts.signal?.throwIfAborted();
    if (a.kind === 'ok') {
      const prediction = selectJsonPath(ep.prediction, a.body);
      const fail = prediction === undefined ? `the response has nothing at ${ep.spec.prediction}` : null;
      return {
        prediction, error: fail, latencyMs: a.latencyMs, attempts: n,
        score: ep.score === undefined ? undefined : selectJsonPath(ep.score, a.body),
        model: ep.model === undefined ? '' : modelOf(selectJsonPath(ep.model, a.body)),
      };
    }
    if (a.kind === 'failed' || n >= maxAttempts) {
      return { prediction: undefined, score: undefined, model: '', latencyMs: a.latencyMs, attempts: n, error: n > 1 ? `${a.error} (after ${n} attempts)` : a.error };
    }
    const delay = a.retryAfterMs ?? backoffMs(n, opts.random, RETRY_BASE_MS, RETRY_CAP_MS);
    await sleepFor(delay, undefined, opts.signal === undefined ? {} : { signal: opts.signal });
  }
}
