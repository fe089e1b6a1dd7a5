/**
 * `MlsloClient`: records events from a model server and delivers them to `POST /v1/events` in batches,
 * in order, one request at a time, retrying what can succeed later and reporting what cannot.
 *
 * `record()` only serializes and enqueues. The single sender loop (`#drain`) takes batches from the
 * head of the queue; a batch leaves the queue only once it is acknowledged or given up, so a retry
 * resends the same events (ids make that idempotent: the server counts them as duplicates).
 */
import { backoffDelay } from './backoff.ts';
import { EventQueue } from './event-queue.ts';
import { resolveOptions, SERVER_MAX_BODY_BYTES, type ResolvedOptions } from './options.ts';
import { sendBatch, type SendOutcome } from './send-batch.ts';
import { installShutdownHooks, type ShutdownHookOptions } from './shutdown-hooks.ts';
import { MlsloClientError, type ClientStats, type CloseResult, type MlsloClientOptions, type MlsloEvent, type RejectedEvent } from './types.ts';

interface Counters {
  sentBatches: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  dropped: number;
  retries: number;
  failed: number;
  lastError: string | undefined;
}

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
}

/** The batch on the wire: `evicted` of its oldest events were pushed out of the queue meanwhile. */
interface OnWire {
  readonly count: number;
  evicted: number;
}

export class MlsloClient {
  readonly #o: ResolvedOptions;
  readonly #queue = new EventQueue();
  readonly #c: Counters = { sentBatches: 0, accepted: 0, duplicates: 0, rejected: 0, dropped: 0, retries: 0, failed: 0, lastError: undefined };
  /** Aborts a request on the wire and the backoff sleep when `close()` runs out of time. */
  readonly #abort = new AbortController();
  /** Events with a smaller sequence number are sent even in a batch that is not full. */
  #flushUpTo = 0;
  #flushTimer: NodeJS.Timeout | undefined;
  #sleep: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  #draining: Promise<void> | undefined;
  #onWire: OnWire | undefined;
  /** Batch sizes still owed after a 413 split, next on top. */
  readonly #splits: number[] = [];
  /** Consecutive failed attempts, for the backoff. */
  #failures = 0;
  #waiters: Waiter[] = [];
  #closing: Promise<CloseResult> | undefined;
  #stopped = false;

  constructor(options: MlsloClientOptions) {
    this.#o = resolveOptions(options);
  }

  /**
   * Enqueues one event; never blocks, never throws. A full batch is sent at once, otherwise within
   * `flushIntervalMs`. The event is serialized now: later changes to the object are not sent.
   */
  record(event: MlsloEvent): void {
    if (this.#closing !== undefined) {
      this.#c.dropped++;
      return;
    }
    if (typeof event !== 'object' || event === null) {
      this.#rejectUnserializable(event, new TypeError('an event must be a JSON object'));
      return;
    }
    let line: unknown; // JSON.stringify yields undefined when a toJSON() says so
    try {
      line = JSON.stringify(event.ts === undefined ? { ...event, ts: new Date().toISOString() } : event);
    } catch (e) {
      this.#rejectUnserializable(event, e);
      return;
    }
    if (typeof line !== 'string' || !line.startsWith('{')) {
      this.#rejectUnserializable(event, new TypeError('an event must be a JSON object'));
      return;
    }
    this.#queue.push(line);
    while (this.#queue.length > this.#o.maxQueue) this.#evictOldest();
    if (this.#queue.length >= this.#o.maxBatchSize) this.#kick();
    else this.#armFlushTimer();
  }

  /** Sends everything recorded so far; resolves once it is acknowledged or given up (or after `timeoutMs`, if given). */
  async flush(options: { timeoutMs?: number } = {}): Promise<void> {
    const target = this.#queue.tailSeq;
    if (this.#queue.headSeq >= target) return;
    this.#flushUpTo = Math.max(this.#flushUpTo, target);
    const settled = this.#waitFor(target);
    // Someone is waiting now: the backoff sleep must keep the process alive.
    this.#sleep?.timer.ref();
    this.#kick();
    if (options.timeoutMs === undefined) return settled.promise;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs);
    });
    await Promise.race([settled.promise, timedOut]);
    clearTimeout(timer);
    settled.cancel();
  }

  /**
   * Stops the timers, sends what is queued within `timeoutMs` (default 10 s), then gives up the rest:
   * it is counted as `failed`, reported via `onError`, and returned. Later `record()`s are dropped.
   */
  close(options: { timeoutMs?: number } = {}): Promise<CloseResult> {
    this.#closing ??= this.#close(options.timeoutMs ?? 10_000);
    return this.#closing;
  }

  /**
   * Closes the client on SIGTERM/SIGINT (then lets the signal do what it would have done) and when the
   * event loop runs dry with events held (`beforeExit`). Returns a function that removes the hooks.
   */
  installShutdownHooks(options: ShutdownHookOptions = {}): () => void {
    return installShutdownHooks(this, options);
  }

  stats(): ClientStats {
    const inFlight = this.#onWire === undefined ? 0 : this.#onWire.count - this.#onWire.evicted;
    return { ...this.#c, queued: this.#queue.length - inFlight, inFlight };
  }

  async #close(timeoutMs: number): Promise<CloseResult> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const target = this.#queue.tailSeq;
    this.#flushUpTo = Math.max(this.#flushUpTo, target);
    this.#sleep?.timer.ref();
    this.#kick();
    let deadline: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<'timeout'>((resolve) => {
      deadline = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const first = await Promise.race([this.#waitFor(target).promise.then(() => 'done' as const), outOfTime]);
    clearTimeout(deadline);
    let undelivered = 0;
    if (first === 'timeout') {
      this.#stopped = true;
      this.#abort.abort();
      this.#sleep?.wake();
      await this.#draining;
      undelivered = this.#queue.shift(this.#queue.length);
      this.#c.failed += undelivered;
      this.#settleWaiters();
      if (undelivered > 0) {
        this.#reportError(new MlsloClientError('undelivered', `${undelivered} event(s) not acknowledged within ${timeoutMs} ms of close()`, undelivered));
      }
    }
    this.#stopped = true;
    return { undelivered, stats: this.stats() };
  }

  #rejectUnserializable(event: unknown, e: unknown): void {
    this.#c.rejected++;
    this.#callOnRejected([{ event, code: 'unserializable', message: (e as Error).message ?? String(e), path: '' }]);
  }

  /** Drops the oldest event held. Part of a batch on the wire, it is counted once that attempt ends. */
  #evictOldest(): void {
    const w = this.#onWire;
    if (w !== undefined && w.evicted < w.count) w.evicted++;
    else this.#c.dropped++;
    this.#queue.shift(1);
    this.#settleWaiters();
  }

  #armFlushTimer(): void {
    if (this.#flushTimer !== undefined || this.#closing !== undefined) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#flushUpTo = Math.max(this.#flushUpTo, this.#queue.tailSeq);
      this.#kick();
    }, this.#o.flushIntervalMs);
    this.#flushTimer.unref(); // the client never keeps a process alive on its own
  }

  #kick(): void {
    if (this.#draining !== undefined || this.#stopped) return;
    let crashed = false;
    this.#draining = this.#drain().catch((e: unknown) => {
      // A bug here must not become an unhandled rejection that takes the model server down.
      crashed = true;
      this.#onWire = undefined;
      this.#c.lastError = `internal: ${(e as Error).message ?? String(e)}`;
    }).finally(() => {
      this.#draining = undefined;
      if (this.#stopped) return;
      // record()/flush() calls that came in while the loop was winding down found it still running.
      // After a crash, try again on the timer rather than spin.
      if (!crashed && this.#due()) this.#kick();
      // What is left is a batch not yet due: it goes when the timer fires or the batch fills.
      else if (this.#queue.length > 0) this.#armFlushTimer();
    });
  }

  #due(): boolean {
    const n = this.#queue.length;
    return n > 0 && (n >= this.#o.maxBatchSize || this.#splits.length > 0 || this.#queue.headSeq < this.#flushUpTo);
  }

  async #drain(): Promise<void> {
    while (!this.#stopped && this.#due()) {
      const cap = this.#splits.pop() ?? this.#o.maxBatchSize;
      const lines = this.#takeBatch(cap);
      const wire: OnWire = { count: lines.length, evicted: 0 };
      this.#onWire = wire;
      const outcome = await sendBatch({
        endpoint: this.#o.endpoint, key: this.#o.key, lines, gzip: this.#o.gzip, timeoutMs: this.#o.timeoutMs,
        signal: this.#abort.signal, fetch: this.#o.fetch, now: Date.now,
      });
      this.#onWire = undefined;
      const delay = this.#settle(outcome, lines, wire, cap);
      if (this.#queue.length === 0) this.#splits.length = 0; // halves owed to events since dropped
      this.#settleWaiters();
      if (delay !== undefined && !this.#stopped) await this.#sleepFor(delay);
    }
  }

  /** Up to `cap` events from the head, and no more than the server's default body limit. */
  #takeBatch(cap: number): string[] {
    const lines = this.#queue.peek(cap);
    let bytes = 0;
    for (let i = 0; i < lines.length; i++) {
      bytes += Buffer.byteLength(lines[i]!) + 1;
      if (bytes > SERVER_MAX_BODY_BYTES && i > 0) return lines.slice(0, i);
    }
    return lines;
  }

  /** Applies an attempt's outcome to the queue and counters; returns the delay before retrying, if any. */
  #settle(outcome: SendOutcome, lines: readonly string[], wire: OnWire, cap: number): number | undefined {
    const remaining = wire.count - wire.evicted; // still at the head of the queue
    switch (outcome.kind) {
      case 'delivered': {
        // Events evicted meanwhile were delivered all the same: not dropped.
        this.#queue.shift(remaining);
        this.#failures = 0;
        this.#c.sentBatches++;
        this.#c.accepted += outcome.accepted;
        this.#c.duplicates += outcome.duplicates;
        if (outcome.rejected.length > 0) {
          this.#c.rejected += outcome.rejected.length;
          this.#callOnRejected(outcome.rejected.map((r) => ({ event: parseLine(lines[r.index]), code: r.code, message: r.message, path: r.path })));
        }
        return undefined;
      }
      case 'retry': {
        this.#c.dropped += wire.evicted;
        this.#failures++;
        this.#c.lastError = outcome.reason;
        if (this.#stopped) return undefined;
        this.#c.retries++;
        this.#splits.push(cap);
        return backoffDelay(this.#failures, this.#o.backoff, Math.random, outcome.retryAfterMs);
      }
      case 'too_large': {
        this.#c.dropped += wire.evicted;
        this.#failures = 0;
        if (remaining === 1) {
          this.#queue.shift(1);
          this.#c.failed++;
          this.#reportError(new MlsloClientError('event_too_large', `an event alone is over the server's body limit: ${outcome.reason}`, 1, 413));
        } else if (remaining > 1) {
          const first = Math.ceil(remaining / 2);
          this.#splits.push(remaining - first, first);
        }
        return undefined;
      }
      case 'refused': {
        this.#c.dropped += wire.evicted;
        this.#failures = 0;
        this.#queue.shift(remaining);
        this.#c.failed += remaining;
        this.#reportError(new MlsloClientError('batch_refused', `batch of ${remaining} event(s) dropped: ${outcome.reason}`, remaining, outcome.status));
        return undefined;
      }
    }
  }

  #sleepFor(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleep = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      // Retrying in the background must not keep the process alive; a pending flush()/close() must.
      if (this.#waiters.length === 0) timer.unref();
      this.#sleep = { timer, wake };
    });
  }

  /** Resolves once every event with a sequence number below `seq` is acknowledged or given up. */
  #waitFor(seq: number): { promise: Promise<void>; cancel: () => void } {
    if (this.#queue.headSeq >= seq) return { promise: Promise.resolve(), cancel: () => undefined };
    let waiter!: Waiter;
    const promise = new Promise<void>((resolve) => {
      waiter = { seq, resolve };
      this.#waiters.push(waiter);
    });
    return { promise, cancel: () => { this.#waiters = this.#waiters.filter((w) => w !== waiter); } };
  }

  #settleWaiters(): void {
    if (this.#waiters.length === 0) return;
    const head = this.#queue.headSeq;
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.seq <= head) w.resolve();
      else still.push(w);
    }
    this.#waiters = still;
  }

  #callOnRejected(items: RejectedEvent[]): void {
    const cb = this.#o.onRejected;
    if (cb === undefined) return;
    try {
      cb(items);
    } catch (e) {
      this.#reportError(new MlsloClientError('callback_failed', `onRejected threw: ${(e as Error).message ?? String(e)}`, 0, undefined, { cause: e }));
    }
  }

  #reportError(error: MlsloClientError): void {
    const cb = this.#o.onError;
    if (cb === undefined) {
      process.emitWarning(error.message, { type: 'MlsloClientWarning', code: error.code });
      return;
    }
    try {
      cb(error);
    } catch {
      // onError is the last resort; a throwing one must not stop delivery.
    }
  }
}

function parseLine(line: string | undefined): unknown {
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}
