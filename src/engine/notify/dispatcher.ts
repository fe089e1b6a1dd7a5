/**
 * The notification dispatcher (DESIGN §2.9, docs/notifications.md): every `intervalMs` it enqueues the
 * Alertmanager resends that are due, claims due outbox rows, checks each target, encodes and sends it,
 * and records the result — delivered, retry at a backoff time, or failed for good (logged). Rows live in
 * the store, so a restart resumes whatever was pending: delivery is at least once. A retryable failure is
 * retried for as long as it takes (DESIGN §5: a dead receiver loses no notification) — past `staleAfterMs`
 * the row is reported as failing, in its last error and the log, but never dropped.
 *
 * Deterministic under test: `now`, `random` and `fetch` are injected, retries are times in the store
 * (nothing sleeps), and `runOnce()` runs one pass on demand.
 */
import type { Alert, AlertCondition } from '../../core/alerting/alert.ts';
import type { AlertState } from '../../core/alerting/alert-state.ts';
import { MlsloError } from '../../core/errors.ts';
import type { ServiceSpec } from '../../core/spec.ts';
import type { DeliveryRecord, DeliveryResult, Store } from '../../store/port.ts';
import { backoffMs } from './backoff.ts';
import { encodeNotice } from './encode.ts';
import { parseNotice } from './notice.ts';
import { resendsFor } from './outbox.ts';
import { PAGERDUTY_EVENTS_URL } from './pagerduty.ts';
import { sendRequest } from './send.ts';
import { checkTarget, systemLookup, type Lookup } from './target-guard.ts';
import { redactTarget, targetFromRow } from './targets.ts';

export interface DispatcherOptions {
  readonly store: Store;
  readonly specs: () => ReadonlyMap<string, ServiceSpec>;
  readonly now: () => number;
  readonly log: (line: string) => void;
  /** mlslo's base URL, for links in notices. */
  readonly baseUrl: string;
  readonly allowPrivateTargets: boolean;
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly resendMs?: number;
  readonly pagerdutyUrl?: string;
  /**
   * Undelivered this long after enqueue (24 h by default), a notice is reported as failing: its last error
   * and the log line say so. It is still retried, at the backoff cap, until its receiver takes it.
   */
  readonly staleAfterMs?: number;
  readonly batch?: number;
  readonly random?: () => number;
  readonly fetch?: typeof fetch;
  readonly lookup?: Lookup;
}

export interface DispatchReport {
  readonly claimed: number;
  readonly delivered: number;
  readonly retried: number;
  readonly failed: number;
}

const EMPTY: DispatchReport = { claimed: 0, delivered: 0, retried: 0, failed: 0 };

export class Dispatcher {
  readonly #o: Required<Omit<DispatcherOptions, 'fetch'>> & { readonly fetch: typeof fetch };
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #lastResendSlot: number | undefined;
  #stopped = false;

  constructor(opts: DispatcherOptions) {
    this.#o = {
      intervalMs: 1000, timeoutMs: 10_000, resendMs: 60_000, pagerdutyUrl: PAGERDUTY_EVENTS_URL, staleAfterMs: 24 * 3_600_000, batch: 32,
      random: Math.random, lookup: systemLookup, ...opts, fetch: opts.fetch ?? ((input, init) => fetch(input, init)),
    };
  }

  /** Runs a pass at once (resuming what a previous process left pending), then every intervalMs. */
  start(): void {
    this.#stopped = false;
    const tick = (): void => {
      void this.runOnce().catch((e: unknown) => this.#o.log(`notification dispatch failed: ${(e as Error).message}`));
    };
    tick();
    this.#timer = setInterval(tick, this.#o.intervalMs);
    this.#timer.unref();
  }

  /** Stops the loop and waits for the pass in flight: no row is left leased by a clean shutdown. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#queue;
  }

  /** One pass: resends due, then every due delivery (in batches). Passes run one at a time. */
  runOnce(): Promise<DispatchReport> {
    const run = this.#queue.then(() => this.#pass());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #pass(): Promise<DispatchReport> {
    await this.#resend();
    let total = EMPTY;
    // Claim again while rows come back: a delivered notice unblocks the next one to its target. Bounded,
    // so a pass always ends; what is left waits for the next tick.
    for (let round = 0; round < 20; round++) {
      const now = this.#o.now();
      const rows = await this.#o.store.claimDeliveries(now, this.#o.batch, now + this.#o.timeoutMs + 30_000);
      if (rows.length === 0) return total;
      const results = await Promise.all(rows.map((r) => this.#deliver(r)));
      total = {
        claimed: total.claimed + rows.length,
        delivered: total.delivered + results.filter((k) => k === 'delivered').length,
        retried: total.retried + results.filter((k) => k === 'retry').length,
        failed: total.failed + results.filter((k) => k === 'failed').length,
      };
      if (this.#stopped) break;
    }
    return total;
  }

  /** Once per resend slot: a refresh of every firing alert for its route's Alertmanager. */
  async #resend(): Promise<void> {
    const now = this.#o.now();
    const slot = Math.floor(now / this.#o.resendMs);
    if (slot === this.#lastResendSlot) return;
    this.#lastResendSlot = slot;
    const specs = this.#o.specs();
    const rows = [];
    for (const r of await this.#o.store.loadAlerts()) {
      const state = JSON.parse(r.state) as AlertState;
      if (state.kind !== 'firing') continue;
      const spec = specs.get(r.service);
      const alert = { ...(JSON.parse(r.body) as AlertCondition), state } as Alert;
      rows.push(...resendsFor(alert, spec?.notify[alert.route], now, this.#o.resendMs));
    }
    if (rows.length > 0) await this.#o.store.enqueueDeliveries(rows);
  }

  async #deliver(d: DeliveryRecord): Promise<DeliveryResult['kind']> {
    const o = this.#o;
    const target = targetFromRow(d.channel, d.target);
    const request = encodeNotice(parseNotice(d.payload), target, {
      now: o.now(), pagerdutyUrl: o.pagerdutyUrl, baseUrl: o.baseUrl, resendMs: o.resendMs,
    });
    let result: DeliveryResult;
    try {
      const check = await checkTarget(request.url, o.allowPrivateTargets, o.lookup);
      if (!check.ok) {
        const refused = new MlsloError('MLSLO_ERR_TARGET_REFUSED', check.reason);
        result = { kind: 'failed', at: o.now(), error: `${refused.code}: ${refused.message}` };
      } else {
        const out = await sendRequest(request, { fetch: o.fetch, timeoutMs: o.timeoutMs, now: o.now });
        result = this.#result(d, out.kind === 'delivered' ? { kind: 'delivered' } : out);
      }
    } catch (e) {
      result = this.#result(d, { kind: 'retry', error: `cannot resolve the target host: ${(e as Error).message}`, retryAfterMs: undefined });
    }
    await o.store.recordDelivery(d.id, result);
    if (result.kind !== 'delivered') {
      const what = `${d.channel} notice ${d.dedupKey} to ${redactTarget(d.channel, d.target)} (delivery ${d.id}, attempt ${d.attempts + 1})`;
      o.log(result.kind === 'failed'
        ? `notification failed permanently: ${what}: ${result.error}`
        : `notification will be retried at ${new Date(result.nextAttemptAt).toISOString()}: ${what}: ${result.error}`);
    }
    return result.kind;
  }

  #result(d: DeliveryRecord, out: { kind: 'delivered' } | { kind: 'retry'; error: string; retryAfterMs: number | undefined } | { kind: 'failed'; error: string }): DeliveryResult {
    const at = this.#o.now();
    switch (out.kind) {
      case 'delivered': return { kind: 'delivered', at };
      case 'failed': return { kind: 'failed', at, error: out.error };
      case 'retry': {
        // At least 1 ms: a retry is never due again within the pass that failed it.
        const delay = Math.max(1, out.retryAfterMs ?? backoffMs(d.attempts + 1, this.#o.random));
        const age = at - d.createdAt;
        const error = age >= this.#o.staleAfterMs ? `undelivered for ${formatAge(age)}, still retrying: ${out.error}` : out.error;
        return { kind: 'retry', at, nextAttemptAt: at + delay, error };
      }
    }
  }
}

/** `40 min`, `26 h`, `3 d 2 h`: how long a notice has waited, for the log and the delivery log. */
function formatAge(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  if (h === 0) return `${Math.floor(ms / 60_000)} min`;
  return h < 48 ? `${h} h` : `${Math.floor(h / 24)} d ${h % 24} h`;
}
