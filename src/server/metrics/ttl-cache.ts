/**
 * One computation shared by every caller while it runs and for `ttlMs` after it started, so the dozen
 * gauges of one scrape (prom-client collects them concurrently) and a burst of scrapes cost one
 * computation. With `ttlMs` 0 each scrape computes afresh. A failed computation is not kept.
 */
export class TtlCache<T> {
  #entry: { readonly value: Promise<T>; readonly startedAt: number; settled: boolean } | undefined;

  constructor(private readonly compute: () => Promise<T>, private readonly ttlMs: number, private readonly now: () => number) {}

  get(): Promise<T> {
    const t = this.now();
    const e = this.#entry;
    if (e !== undefined && (!e.settled || (t >= e.startedAt && t - e.startedAt < this.ttlMs))) return e.value;
    const entry = { value: this.compute(), startedAt: t, settled: false };
    this.#entry = entry;
    entry.value.then(
      () => { entry.settled = true; },
      () => { if (this.#entry === entry) this.#entry = undefined; },
    );
    return entry.value;
  }
}
