/**
 * Everything one server exports at `GET /metrics` (docs/metrics.md), on a registry of its own — never
 * prom-client's global one, so two servers in one process (tests) never share a series.
 *
 * Built before the ingest writer, whose hooks feed the counters; the scrape-time gauges read the
 * finished server context, so they are installed once it exists (`watch`, called by routes/metrics.ts).
 */
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { STORE_MAINTENANCE_PASSES } from '../../core/metric-names.ts';
import type { IngestHooks } from '../../ingest/ingest.ts';
import type { MaintenanceResult } from '../store-maintenance.ts';
import { HttpMetrics } from './http-metrics.ts';
import { IngestMetrics } from './ingest-metrics.ts';
import { installScrapeGauges, type GaugeSource } from './scrape-gauges.ts';
import { SliCounters } from './sli-counters.ts';

/**
 * prom-client's default gauges that end in `_total` (Prometheus reserves the suffix for counters, and
 * `promtool check metrics` rejects them); each is only the sum of its by-type sibling, which stays.
 */
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export interface ServerMetricsOptions {
  /** Services whose SLI series start at 0. */
  readonly services: Iterable<string>;
  /** How long computed gauges are reused, in server time (the serve config's `metricsTtl`); 0: never. */
  readonly gaugeTtlMs: number;
  readonly log: (line: string) => void;
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly http: HttpMetrics;
  readonly #sli: SliCounters;
  readonly #ingest: IngestMetrics;
  readonly #maintenance: Counter<'result'>;
  #watching = false;

  constructor(private readonly opts: ServerMetricsOptions) {
    collectDefaultMetrics({ register: this.registry });
    for (const name of MISNAMED_DEFAULTS) this.registry.removeSingleMetric(name);
    this.#sli = new SliCounters(this.registry, opts.services);
    this.#ingest = new IngestMetrics(this.registry);
    this.http = new HttpMetrics(this.registry);
    this.#maintenance = new Counter({
      name: STORE_MAINTENANCE_PASSES, help: 'Passes of the store\'s housekeeping (ClickHouse compaction) by result: ok, failed.', labelNames: ['result'], registers: [this.registry],
    });
    for (const result of ['ok', 'failed'] as const) this.#maintenance.inc({ result }, 0);
  }

  /** Counts one pass of the store maintenance loop. */
  maintenancePass(result: MaintenanceResult): void {
    this.#maintenance.inc({ result });
  }

  /** For the ingest writer's options. */
  get ingestHooks(): IngestHooks {
    return {
      onCommit: (write, seconds) => {
        this.#sli.count(write);
        this.#ingest.committed(seconds);
      },
      onResult: (r) => this.#ingest.result(r),
      onOverloaded: () => this.#ingest.overloaded(),
    };
  }

  /** Installs the scrape-time gauges over `src`; once per server. */
  watch(src: GaugeSource): void {
    if (this.#watching) throw new Error('ServerMetrics.watch: the gauges are installed already');
    this.#watching = true;
    installScrapeGauges(this.registry, src, { ttlMs: this.opts.gaugeTtlMs, log: this.opts.log });
  }

  /** The exposition text and its content type. */
  async exposition(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
