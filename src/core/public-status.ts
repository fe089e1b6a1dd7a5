/**
 * The public status document (DESIGN §2.10): per public service its headline state, the attainment of
 * each dimension over the SLO window, one bar per UTC day over the last 90 days, and what "quality"
 * means. Pure: the engine reads the report and the day cells (src/engine/status.ts) and passes the time.
 *
 * Published on purpose: SLIs, objectives, met/missed, and per-value quality of the cohort attributes the
 * spec lists in `statusPage.cohorts`. Never: owners, on-call routes, request counts, error types,
 * features, model versions, burn rates or alert internals.
 */
import { compositeEstimate } from './composite.ts';
import { estimateQuality } from './quality-estimate.ts';
import { qualityMeaning } from './quality-meaning.ts';
import { eligible, okFast, type RollupCell } from './rollup.ts';
import { STATE_SEVERITY, serviceState, type ServiceState } from './service-state.ts';
import type { Dimension, ServiceReport } from './slo-report.ts';
import { DAY_MS, type ServiceSpec } from './spec.ts';

/** How many daily bars a dimension gets. */
export const STATUS_DAYS = 90;

/**
 * - `met` / `missed`: the SLI against the dimension's objective;
 * - `no_data`: no requests (quality: no successful requests);
 * - `insufficient`: requests, but fewer than `minSamples` judged — quality is not estimated, and the
 *   composite's SLI is only an upper bound (it is `missed` anyway when even the bound is short).
 */
export type AttainmentStatus = 'met' | 'missed' | 'no_data' | 'insufficient';

export interface StatusDay {
  /** The UTC day, `YYYY-MM-DD`. */
  readonly date: string;
  readonly sli: number | null;
  readonly status: AttainmentStatus;
}

export interface StatusDimension {
  readonly objective: number;
  /** The SLI over the SLO window; for the composite with too few labels, an upper bound. */
  readonly attainment: number | null;
  readonly status: AttainmentStatus;
  /** Oldest first; the last is today so far. */
  readonly days: readonly StatusDay[];
}

export interface StatusCohortValue {
  readonly value: string;
  readonly quality: number | null;
  readonly status: 'met' | 'missed' | 'insufficient';
}

export interface StatusCohort {
  readonly attr: string;
  readonly values: readonly StatusCohortValue[];
}

export interface ServiceStatus {
  readonly name: string;
  readonly description: string | null;
  readonly state: ServiceState;
  /** The SLO window attainment is measured over: `30d`, `28d`, `month`, … */
  readonly window: string;
  readonly qualityMeaning: string;
  readonly dimensions: Readonly<Record<Dimension, StatusDimension>>;
  readonly cohorts: readonly StatusCohort[];
}

export interface PublicStatus {
  readonly asOf: string;
  /** The worst state of any public service; `no_data` when none has traffic or none is public. */
  readonly state: ServiceState;
  readonly days: number;
  readonly services: readonly ServiceStatus[];
}

/** The UTC day starts of the bars: the last STATUS_DAYS days, today included. */
export function statusDayStarts(at: number): number[] {
  const today = Math.floor(at / DAY_MS) * DAY_MS;
  return Array.from({ length: STATUS_DAYS }, (_, i) => today - (STATUS_DAYS - 1 - i) * DAY_MS);
}

const versus = (sli: number, objective: number): 'met' | 'missed' => (sli >= objective ? 'met' : 'missed');

/** One dimension of one cell (a day), with the report's counting conventions (core/slo-report.ts). */
export function cellAttainment(d: Dimension, cell: RollupCell, spec: ServiceSpec): { sli: number | null; status: AttainmentStatus } {
  const objective = spec.objectives[d];
  const n = eligible(cell);
  if (n === 0) return { sli: null, status: 'no_data' };
  switch (d) {
    case 'errors':
      return { sli: cell.ok / n, status: versus(cell.ok / n, objective) };
    case 'latency': {
      if (cell.ok === 0) return { sli: null, status: 'no_data' };
      const sli = okFast(cell) / cell.ok;
      return { sli, status: versus(sli, objective) };
    }
    case 'quality': {
      if (cell.ok === 0) return { sli: null, status: 'no_data' };
      const q = estimateQuality(cell.quality, spec.quality.minSamples);
      return q.status === 'ok' ? { sli: q.qHat, status: versus(q.qHat, objective) } : { sli: null, status: 'insufficient' };
    }
    case 'composite': {
      const c = compositeEstimate({ eligible: n, okFast: okFast(cell), quality: estimateQuality(cell.quality, spec.quality.minSamples) });
      const sli = c.sli!;
      return { sli, status: c.upperBound && sli >= objective ? 'insufficient' : versus(sli, objective) };
    }
  }
}

function windowAttainment(d: Dimension, r: ServiceReport): { attainment: number | null; status: AttainmentStatus } {
  const dim = r[d];
  if (r.errors.total === 0) return { attainment: null, status: 'no_data' };
  switch (d) {
    case 'errors':
    case 'latency':
      return dim.sli === null ? { attainment: null, status: 'no_data' } : { attainment: dim.sli, status: versus(dim.sli, dim.objective) };
    case 'quality':
      if (r.latency.total === 0) return { attainment: null, status: 'no_data' };
      return r.quality.status === 'ok' && r.quality.sli !== null
        ? { attainment: r.quality.sli, status: versus(r.quality.sli, dim.objective) }
        : { attainment: null, status: 'insufficient' };
    case 'composite': {
      const sli = r.composite.sli!;
      return { attainment: sli, status: r.composite.upperBound && sli >= dim.objective ? 'insufficient' : versus(sli, dim.objective) };
    }
  }
}

export function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export interface ServiceStatusInput {
  readonly spec: ServiceSpec;
  /** The SLO report at the as-of time, over the spec's window. */
  readonly report: ServiceReport;
  /** Whole-service cell per UTC day start; days without traffic may be absent. */
  readonly days: ReadonlyMap<number, RollupCell>;
  readonly at: number;
}

export function buildServiceStatus(input: ServiceStatusInput): ServiceStatus {
  const { spec, report } = input;
  const starts = statusDayStarts(input.at);
  const dimension = (d: Dimension): StatusDimension => ({
    objective: spec.objectives[d],
    ...windowAttainment(d, report),
    days: starts.map((start): StatusDay => {
      const cell = input.days.get(start);
      return { date: isoDay(start), ...(cell === undefined ? { sli: null, status: 'no_data' as const } : cellAttainment(d, cell, spec)) };
    }),
  });
  const dimensions = { errors: dimension('errors'), latency: dimension('latency'), quality: dimension('quality'), composite: dimension('composite') };
  const cohorts = spec.statusPage.cohorts.map((attr): StatusCohort => ({
    attr,
    values: report.cohorts
      .filter((c) => c.attr === attr && c.value !== undefined)
      .map((c): StatusCohortValue => (c.quality.status === 'ok' && c.quality.qHat !== null
        ? { value: c.value, quality: c.quality.qHat, status: versus(c.quality.qHat, spec.objectives.quality) }
        : { value: c.value, quality: null, status: 'insufficient' }))
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)),
  }));
  return {
    name: spec.name,
    description: spec.description ?? null,
    state: serviceState(report),
    window: report.window,
    qualityMeaning: qualityMeaning(spec),
    dimensions,
    cohorts,
  };
}

export function buildPublicStatus(services: readonly ServiceStatus[], at: number): PublicStatus {
  let state: ServiceState = 'no_data';
  for (const s of services) if (STATE_SEVERITY[s.state] > STATE_SEVERITY[state]) state = s.state;
  return { asOf: new Date(at).toISOString(), state, days: STATUS_DAYS, services };
}
