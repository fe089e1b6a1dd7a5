/**
 * The two mechanics of an eval run: a pool of `concurrency` workers over the examples, and a sink that
 * appends results to the store in batches (every `every` results or `everyMs`, whichever comes first),
 * so `done` shows progress without one write per example. Writes run one at a time, in order.
 */
import type { EvalResultRecord, Store } from '../../store/port.ts';

/**
 * Runs `work(i)` for i in [0, n) with at most `concurrency` in flight. After a failure no new work
 * starts; it resolves once the work in flight has settled, then rejects with the first failure.
 */
export async function runPool(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { readonly e: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < n) {
      const i = next++;
      try {
        await work(i);
      } catch (e) {
        failure ??= { e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, worker));
  if (failure !== undefined) throw failure.e;
}

export class ResultSink {
  private buffer: EvalResultRecord[] = [];
  private writing: Promise<void> = Promise.resolve();
  private error: unknown;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly store: Store, private readonly runId: string, private readonly every: number, everyMs: number) {
    this.timer = setInterval(() => this.flush(), everyMs);
    this.timer.unref();
  }

  push(r: EvalResultRecord): void {
    if (this.error !== undefined) throw this.error as Error;
    this.buffer.push(r);
    if (this.buffer.length >= this.every) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(() => this.store.appendEvalResults(this.runId, batch)).catch((e: unknown) => {
      this.error ??= e;
    });
  }

  /** Writes what is left; rejects when any write failed. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    await this.writing;
    if (this.error !== undefined) throw this.error as Error;
  }

  /** Stops the timer without writing (the run failed; what was written stays). */
  async abandon(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
  }
}
