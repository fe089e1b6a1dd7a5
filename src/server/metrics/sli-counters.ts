/**
 * The four SLI counters the Prometheus rules read (src/core/metric-names.ts has their semantics).
 * They grow by what each ingest commit made durable: the whole-service rollup deltas for errors and
 * latency (new requests only), the verdict-time deltas for quality. Duplicates and conflicts never
 * reach a commit, so they are never counted.
 */
import { Counter, type Registry } from 'prom-client';
import {
  COUNTED_SLIS, LABEL_SERVICE, LABEL_SLI, QUALITY_GOOD_VERDICT_WEIGHT, QUALITY_VERDICT_WEIGHT, SLI_EVENTS, SLI_GOOD_EVENTS, type CountedSli,
} from '../../core/metric-names.ts';
import { eligible, okFast } from '../../core/rollup.ts';
import type { IngestWrite } from '../../store/port.ts';

/** What one commit adds to one service's counters. */
export interface SliIncrement {
  readonly events: Record<CountedSli, number>;
  readonly good: Record<CountedSli, number>;
  verdictWeight: number;
  goodVerdictWeight: number;
}

function emptyIncrement(): SliIncrement {
  return { events: { errors: 0, latency: 0, quality: 0 }, good: { errors: 0, latency: 0, quality: 0 }, verdictWeight: 0, goodVerdictWeight: 0 };
}

/**
 * The increments of one commit, per service. Only whole-service rollup rows (`attr === ''`) count — one
 * per model × minute, so they are summed; cohort rows repeat the same requests. A row for a request
 * stored earlier (a late verdict) changes quality fields only, which quality counts by verdict time.
 */
export function sliIncrements(write: IngestWrite): Map<string, SliIncrement> {
  const out = new Map<string, SliIncrement>();
  const of = (service: string): SliIncrement => {
    let inc = out.get(service);
    if (inc === undefined) out.set(service, (inc = emptyIncrement()));
    return inc;
  };
  for (const r of write.rollups) {
    if (r.attr !== '') continue;
    const inc = of(r.service);
    inc.events.errors += eligible(r.cell);
    inc.good.errors += r.cell.ok;
    inc.events.latency += r.cell.ok;
    inc.good.latency += okFast(r.cell);
  }
  for (const v of write.verdictTime) {
    const inc = of(v.service);
    inc.events.quality += v.quality.judged;
    inc.good.quality += v.quality.good;
    inc.verdictWeight += v.quality.sumW;
    inc.goodVerdictWeight += v.quality.sumWGood;
  }
  return out;
}

export class SliCounters {
  readonly #events: Counter<'service' | 'sli'>;
  readonly #good: Counter<'service' | 'sli'>;
  readonly #weight: Counter<'service'>;
  readonly #goodWeight: Counter<'service'>;

  /** Every service × SLI series starts at 0, so `rate()` sees the first increase. */
  constructor(registry: Registry, services: Iterable<string>) {
    const registers = [registry];
    const bySli = [LABEL_SERVICE, LABEL_SLI] as const;
    this.#events = new Counter({ name: SLI_EVENTS, help: 'Events each SLI counts, when ingest made them durable (quality: verdicts, when they arrived).', labelNames: bySli, registers });
    this.#good = new Counter({ name: SLI_GOOD_EVENTS, help: 'The good ones among mlslo_sli_events_total.', labelNames: bySli, registers });
    this.#weight = new Counter({ name: QUALITY_VERDICT_WEIGHT, help: 'Sum of 1/samplingProb over arrived verdicts (Hajek weights).', labelNames: [LABEL_SERVICE], registers });
    this.#goodWeight = new Counter({ name: QUALITY_GOOD_VERDICT_WEIGHT, help: 'Sum of 1/samplingProb over arrived good verdicts.', labelNames: [LABEL_SERVICE], registers });
    for (const service of services) {
      for (const sli of COUNTED_SLIS) {
        this.#events.inc({ service, sli }, 0);
        this.#good.inc({ service, sli }, 0);
      }
      this.#weight.inc({ service }, 0);
      this.#goodWeight.inc({ service }, 0);
    }
  }

  /** Counts one durable commit. */
  count(write: IngestWrite): void {
    for (const [service, inc] of sliIncrements(write)) {
      for (const sli of COUNTED_SLIS) {
        add(this.#events, { service, sli }, inc.events[sli]);
        add(this.#good, { service, sli }, inc.good[sli]);
      }
      add(this.#weight, { service }, inc.verdictWeight);
      add(this.#goodWeight, { service }, inc.goodVerdictWeight);
    }
  }
}

/** Only positive amounts: prom-client throws on a negative one, and a zero one would only add noise. */
function add<L extends string>(counter: Counter<L>, labels: Partial<Record<L, string>>, amount: number): void {
  if (amount > 0) counter.inc(labels, amount);
}
