/**
 * The store's housekeeping on a timer, in the processes that run the engine (run.ts): whatever the
 * adapter's optional `maintain` does — on ClickHouse, compaction of the delta rows that every commit
 * adds (docs/clickhouse.md, "Compaction"). SQLite has none, so no timer is set.
 *
 * A failed pass (ClickHouse unreachable, say) is logged and counted, and the next tick tries again:
 * housekeeping never stops the engine. Passes never overlap: a tick that finds the last pass still
 * running (a large first compaction) is skipped rather than queued.
 */
import type { Store } from '../store/port.ts';

export type MaintenanceResult = 'ok' | 'failed';

export interface StoreMaintenanceOptions {
  readonly store: Store;
  readonly intervalMs: number;
  readonly log: (line: string) => void;
  /** Told how each pass ended (the /metrics counter). */
  readonly onPass?: (result: MaintenanceResult) => void;
}

export class StoreMaintenance {
  readonly #opts: StoreMaintenanceOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(opts: StoreMaintenanceOptions) {
    this.#opts = opts;
  }

  start(): void {
    if (this.#opts.store.maintain === undefined) return;
    this.#timer = setInterval(() => this.#tick(), this.#opts.intervalMs);
    this.#timer.unref();
  }

  #tick(): void {
    if (this.#running !== undefined) return;
    this.#running = this.runOnce().finally(() => {
      this.#running = undefined;
    });
  }

  /**
   * One pass now. The wall clock, not the server's clock: the adapter's row versions are wall-clock
   * time, while a server's clock may be a test's or the demo's compressed one.
   */
  async runOnce(): Promise<void> {
    try {
      await this.#opts.store.maintain?.(Date.now());
      this.#opts.onPass?.('ok');
    } catch (e) {
      this.#opts.log(`store maintenance (compaction) failed: ${(e as Error).message}`);
      this.#opts.onPass?.('failed');
    }
  }

  /** Stops the timer and waits for a pass in progress, so the store is not closed under it. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
