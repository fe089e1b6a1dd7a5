/**
 * Gauges computed at scrape time from the server's own reads — the report, drift and alerts the API
 * serves — through prom-client `collect()` callbacks. One computation over every service feeds them all
 * and is cached for the serve config's `metricsTtl` (server time), so a scrape storm or many services do
 * not recompute reports on every scrape. Each service's report and drift are computed apart: a failure
 * is logged and counted, and the scrape still exports everything else.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { GAUGE_ERRORS, INGEST_QUEUED_BATCHES } from '../../core/metric-names.ts';
import type { ServerContext } from '../context.ts';
import { addAlertSamples } from './alert-samples.ts';
import { addDriftSamples } from './drift-samples.ts';
import { DEFAULT_DRIFT_WINDOW_MS } from '../../engine/drift.ts';
import { GAUGES, Samples, type GaugeName } from './gauge-table.ts';
import { addReportSamples } from './report-samples.ts';
import { TtlCache } from './ttl-cache.ts';

/** What the gauges read: the same functions the API routes call. */
export type GaugeSource = Pick<ServerContext, 'specs' | 'now' | 'report' | 'drift' | 'alerts' | 'ingestor'>;

const SOURCES = ['report', 'drift', 'alerts'] as const;
type Source = (typeof SOURCES)[number];

export interface ScrapeGaugeOptions {
  readonly ttlMs: number;
  readonly log: (line: string) => void;
}

export function installScrapeGauges(registry: Registry, src: GaugeSource, opts: ScrapeGaugeOptions): void {
  const registers = [registry];
  const errors: Counter<'source'> = new Counter({
    name: GAUGE_ERRORS, help: 'Scrape-time gauge computations that failed (logged; the other gauges were still exported).', labelNames: ['source'], registers,
    // prom-client reads every metric of a scrape concurrently: wait for this scrape's computation, so a
    // failure shows in the very scrape that lacks the failed gauges.
    async collect() {
      await cache.get();
    },
  });
  for (const source of SOURCES) errors.inc({ source }, 0);

  /** Runs one part; on failure logs and counts it, and the part's gauges are left out of this scrape. */
  const guarded = async (source: Source, what: string, part: () => Promise<void>): Promise<void> => {
    try {
      await part();
    } catch (e) {
      errors.inc({ source });
      opts.log(`metrics: cannot compute the ${source} gauges of ${what}: ${(e as Error).message}`);
    }
  };

  const cache = new TtlCache(async () => {
    const out = new Samples();
    const now = src.now();
    for (const spec of src.specs().values()) {
      await guarded('report', spec.name, async () => addReportSamples(out, await src.report(spec, undefined, now, now)));
      await guarded('drift', spec.name, async () => {
        const r = await src.drift.report(spec, { windowMs: DEFAULT_DRIFT_WINDOW_MS, at: now, model: undefined, byCohort: false });
        if (r !== undefined) addDriftSamples(out, r); // no baseline, no drift gauges
      });
    }
    await guarded('alerts', 'every service', async () => addAlertSamples(out, await src.alerts()));
    return out;
  }, opts.ttlMs, src.now);

  for (const [name, def] of Object.entries(GAUGES) as Array<[GaugeName, (typeof GAUGES)[GaugeName]]>) {
    const gauge: Gauge = new Gauge({
      name, help: def.help, labelNames: def.labels, registers,
      async collect() {
        const samples = (await cache.get()).of(name);
        // Replace, not update: a series absent from this computation (no data now) must not linger.
        gauge.reset();
        for (const s of samples) gauge.set(s.labels, s.value);
      },
    });
  }

  // Live, not cached: the depth changes by the millisecond and costs nothing to read.
  const queued: Gauge = new Gauge({
    name: INGEST_QUEUED_BATCHES, help: 'Batches waiting for the ingest writer (at maxQueue new ones are refused).', registers,
    collect() {
      queued.set(src.ingestor.queueDepth);
    },
  });
}
