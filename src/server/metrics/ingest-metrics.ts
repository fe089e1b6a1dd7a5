/**
 * mlslo's own ingest, for whoever runs it: what became of each posted item, how long the writer's
 * commits take and how often a full queue turned batches away. Labels are bounded: three results, and
 * the item codes of the error catalogue (each series starts at 0, so `rate()` sees the first one).
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { ITEM_CODES, type ItemCode } from '../../core/errors.ts';
import { INGEST_COMMIT_DURATION, INGEST_ITEMS, INGEST_OVERLOADED_BATCHES, INGEST_REJECTED_ITEMS } from '../../core/metric-names.ts';
import type { IngestResult } from '../../ingest/ingest.ts';

const RESULTS = ['accepted', 'duplicate', 'rejected'] as const;

/** A commit groups up to 50,000 items (ingest.ts), so the buckets reach well past a second. */
const COMMIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class IngestMetrics {
  readonly #items: Counter<'result'>;
  readonly #rejected: Counter<'code'>;
  readonly #commits: Histogram;
  readonly #overloaded: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#items = new Counter({ name: INGEST_ITEMS, help: 'Posted event items by result: accepted (stored), duplicate, rejected.', labelNames: ['result'], registers });
    this.#rejected = new Counter({ name: INGEST_REJECTED_ITEMS, help: 'Rejected event items by rejection code (docs/errors.md).', labelNames: ['code'], registers });
    this.#commits = new Histogram({ name: INGEST_COMMIT_DURATION, help: 'Time the single writer spent on one group commit: lookup, plan and durable commit.', buckets: COMMIT_BUCKETS, registers });
    this.#overloaded = new Counter({ name: INGEST_OVERLOADED_BATCHES, help: 'Batches refused with 429 because the writer queue was full (maxQueue).', registers });
    for (const result of RESULTS) this.#items.inc({ result }, 0);
    for (const code of Object.keys(ITEM_CODES) as ItemCode[]) this.#rejected.inc({ code }, 0);
  }

  result(r: IngestResult): void {
    if (r.accepted > 0) this.#items.inc({ result: 'accepted' }, r.accepted);
    if (r.duplicates > 0) this.#items.inc({ result: 'duplicate' }, r.duplicates);
    if (r.rejected.length > 0) this.#items.inc({ result: 'rejected' }, r.rejected.length);
    for (const x of r.rejected) this.#rejected.inc({ code: x.code });
  }

  committed(seconds: number): void {
    this.#commits.observe(seconds);
  }

  overloaded(): void {
    this.#overloaded.inc();
  }
}
