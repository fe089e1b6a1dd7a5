/**
 * Reads what the public status page needs (DESIGN §2.10): for each service whose spec is `public`, its
 * SLO report at `at` (state and attainment) and its whole-service rollups of the last 90 UTC days in
 * one range read — day buckets for the past days, hour and minute buckets for today so far — never raw
 * events and never one report per day.
 */
import { buildPublicStatus, buildServiceStatus, STATUS_DAYS, type PublicStatus } from '../core/public-status.ts';
import { createCell, mergeCell, type RollupCell } from '../core/rollup.ts';
import type { ServiceReport } from '../core/slo-report.ts';
import { DAY_MS, type ServiceSpec } from '../core/spec.ts';
import type { Store } from '../store/port.ts';
import { windowEnd } from './report.ts';
import { readRange } from './window-cells.ts';

export interface StatusSource {
  readonly store: Store;
  readonly specs: () => ReadonlyMap<string, ServiceSpec>;
  /** The report of `spec` over its own SLO window ending at `at`. */
  readonly report: (spec: ServiceSpec, at: number) => Promise<ServiceReport>;
}

/** Whole-service cells per UTC day start over the 90 days ending with the one holding `at`. */
export async function readStatusDays(store: Store, service: string, at: number): Promise<Map<number, RollupCell>> {
  const to = windowEnd(at);
  const from = Math.floor(at / DAY_MS) * DAY_MS - (STATUS_DAYS - 1) * DAY_MS;
  const days = new Map<number, RollupCell>();
  for (const r of await readRange(store, service, from, to, false, false)) {
    if (r.attr !== '') continue;
    const day = Math.floor(r.bucket / DAY_MS) * DAY_MS;
    let cell = days.get(day);
    if (cell === undefined) days.set(day, (cell = createCell()));
    mergeCell(cell, r.cell);
  }
  return days;
}

/** Only services whose spec says `public: true`, sorted by name; the others are not mentioned at all. */
export async function publicStatus(src: StatusSource, at: number): Promise<PublicStatus> {
  const specs = [...src.specs().values()].filter((s) => s.public).sort((a, b) => (a.name < b.name ? -1 : 1));
  const services = [];
  for (const spec of specs) {
    const [report, days] = await Promise.all([src.report(spec, at), readStatusDays(src.store, spec.name, at)]);
    services.push(buildServiceStatus({ spec, report, days, at }));
  }
  return buildPublicStatus(services, at);
}
