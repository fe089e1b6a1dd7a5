/**
 * Drift reports (DESIGN §2.6): production histograms of a window (the drift folder's cells) against the
 * service's newest baseline, per feature, for the dataset, for the prediction, and optionally per cohort
 * value; and a daily series for the dashboard. The statistics are core/drift's; this module reads cells,
 * merges them and caches each baseline's prepared form (sorted values, decile counts) by baseline id.
 */
import { datasetDrift, featureDrift, type DatasetDrift, type FeatureDrift } from '../core/drift/evaluate.ts';
import { mergeInto, type FeatureHistogram, emptyHistogram } from '../core/drift/histogram.ts';
import { buildLayout, type DriftLayout } from '../core/drift/layout.ts';
import { prepareFeature, type PreparedFeature } from '../core/drift/prepared-baseline.ts';
import { DAY_MS, HOUR_MS, type ServiceSpec } from '../core/spec.ts';
import { readDriftStatus, type DriftFolder } from '../ingest/drift-folder.ts';
import type { BaselineMeta, DriftCell, Store } from '../store/port.ts';

export interface DriftQuery {
  /** A whole number of hours. */
  readonly windowMs: number;
  readonly at: number;
  /** Only this model version's requests; undefined: all. */
  readonly model: string | undefined;
  readonly byCohort: boolean;
}

export interface CohortDrift {
  readonly attr: string;
  readonly value: string;
  readonly dataset: DatasetDrift;
  readonly features: readonly FeatureDrift[];
}

export interface DriftReport {
  readonly service: string;
  /** [from, to): the whole hours ending with the hour that holds `at`. */
  readonly from: number;
  readonly to: number;
  readonly at: number;
  readonly model: string | undefined;
  readonly baseline: Omit<BaselineMeta, 'features' | 'service'>;
  /** Share done while the histograms are being re-binned for a new baseline; undefined otherwise. */
  readonly rebuilding: number | undefined;
  readonly features: readonly FeatureDrift[];
  readonly dataset: DatasetDrift;
  /** The same tests on `prediction.label` / `prediction.score` / `prediction.value`, when the baseline has them. */
  readonly prediction: readonly FeatureDrift[];
  readonly cohorts: readonly CohortDrift[] | undefined;
}

export interface DailyDrift {
  readonly day: number;
  readonly requests: number;
  readonly dataset: DatasetDrift;
  readonly features: ReadonlyArray<Pick<FeatureDrift, 'name' | 'method' | 'statistic' | 'pValue' | 'threshold' | 'drifted' | 'psi' | 'status'>>;
}

interface Prepared {
  readonly meta: BaselineMeta;
  readonly layout: DriftLayout;
  readonly features: ReadonlyMap<string, PreparedFeature>;
}

/** Baselines kept prepared (sorted values etc.); a service normally uses one. */
const CACHED_BASELINES = 8;
const PREDICTION = 'prediction.';

/** The window a drift report covers when none is asked for (the API's and /metrics' default): the last day. */
export const DEFAULT_DRIFT_WINDOW_MS = 24 * HOUR_MS;

/** Hour-aligned [from, to) for a window ending with the hour that holds `at`. */
export function driftWindow(windowMs: number, at: number): { readonly from: number; readonly to: number } {
  const to = Math.ceil(at / HOUR_MS) * HOUR_MS;
  return { from: to - windowMs, to };
}

export class DriftReader {
  readonly #prepared = new Map<string, Prepared>();

  /**
   * `folder`: this process's drift folder, caught up before each read. Undefined where another process
   * folds (an api or ingest replica): reads then see the histograms as that process last saved them.
   */
  constructor(private readonly store: Store, private readonly folder: DriftFolder | undefined) {}

  /** Drift of the window; undefined when the service has no baseline. */
  async report(spec: ServiceSpec, q: DriftQuery): Promise<DriftReport | undefined> {
    await this.folder?.catchUp();
    const p = await this.#baseline(spec.name);
    if (p === undefined) return undefined;
    const { from, to } = driftWindow(q.windowMs, q.at);
    const cells = await this.#cells(spec.name, p.meta.id, from, to, q.byCohort);
    const groups = groupCells(cells, q.model);
    const overall = this.#evaluate(spec, p, groups.get('\u0000') ?? new Map<string, FeatureHistogram>());
    const cohorts = q.byCohort
      ? [...groups].filter(([k]) => k !== '\u0000').map(([k, hists]) => {
        const [attr, value] = k.split('\u0000') as [string, string];
        const r = this.#evaluate(spec, p, hists);
        return { attr, value, dataset: r.dataset, features: r.features };
      }).sort((a, b) => b.dataset.driftedShare - a.dataset.driftedShare || a.attr.localeCompare(b.attr) || a.value.localeCompare(b.value))
      : undefined;
    const { id, model, createdAt, rows } = p.meta;
    const status = this.folder === undefined ? await readDriftStatus(this.store, spec.name) : await this.folder.status(spec.name);
    return {
      service: spec.name, from, to, at: q.at, model: q.model, baseline: { id, model, createdAt, rows },
      rebuilding: status?.rebuilding, ...overall, cohorts,
    };
  }

  /** One evaluation per UTC day, oldest first, for the `days` days ending with the day that holds `at`. */
  async series(spec: ServiceSpec, days: number, at: number, model: string | undefined): Promise<DailyDrift[] | undefined> {
    await this.folder?.catchUp();
    const p = await this.#baseline(spec.name);
    if (p === undefined) return undefined;
    const to = Math.floor(at / DAY_MS) * DAY_MS + DAY_MS;
    const from = to - days * DAY_MS;
    const cells = await this.store.readDriftCells({ service: spec.name, layout: p.meta.id, resolution: 'd', from, to, cohorts: false });
    const out: DailyDrift[] = [];
    for (let day = from; day < to; day += DAY_MS) {
      const hists: ReadonlyMap<string, FeatureHistogram> = groupCells(cells.filter((c) => c.bucket === day), model).get('\u0000') ?? new Map<string, FeatureHistogram>();
      const r = this.#evaluate(spec, p, hists);
      out.push({
        day,
        requests: Math.max(0, ...[...hists.values()].map((h) => h.count + h.missing)),
        dataset: r.dataset,
        features: r.features.map(({ name, method, statistic, pValue, threshold, drifted, psi, status }) => ({ name, method, statistic, pValue, threshold, drifted, psi, status })),
      });
    }
    return out;
  }

  #evaluate(spec: ServiceSpec, p: Prepared, hists: ReadonlyMap<string, FeatureHistogram>): { features: FeatureDrift[]; dataset: DatasetDrift; prediction: FeatureDrift[] } {
    const critical = new Set(spec.drift.critical);
    const results = Object.entries(p.layout.features).map(([name, layout]) => featureDrift({
      name,
      type: p.meta.features[name]?.type ?? (layout.kind === 'numeric' ? 'numeric' : 'categorical'),
      layout,
      baseline: p.features.get(name)!,
      current: hists.get(name) ?? emptyHistogram(layout),
      critical: critical.has(name),
      override: spec.drift.overrides[name],
    }));
    const features = results.filter((f) => !f.name.startsWith(PREDICTION));
    return { features, dataset: datasetDrift(features, spec.drift.datasetShare), prediction: results.filter((f) => f.name.startsWith(PREDICTION)) };
  }

  /** Whole UTC days from day cells, the rest from hour cells. */
  async #cells(service: string, layout: string, from: number, to: number, cohorts: boolean): Promise<DriftCell[]> {
    const dayFrom = Math.ceil(from / DAY_MS) * DAY_MS;
    const dayTo = Math.floor(to / DAY_MS) * DAY_MS;
    if (dayTo <= dayFrom) return this.store.readDriftCells({ service, layout, resolution: 'h', from, to, cohorts });
    const [head, days, tail] = await Promise.all([
      this.store.readDriftCells({ service, layout, resolution: 'h', from, to: dayFrom, cohorts }),
      this.store.readDriftCells({ service, layout, resolution: 'd', from: dayFrom, to: dayTo, cohorts }),
      this.store.readDriftCells({ service, layout, resolution: 'h', from: dayTo, to, cohorts }),
    ]);
    return [...head, ...days, ...tail];
  }

  async #baseline(service: string): Promise<Prepared | undefined> {
    const newest = (await this.store.listBaselines(service))[0];
    if (newest === undefined) return undefined;
    const hit = this.#prepared.get(newest.id);
    if (hit !== undefined) return hit;
    const b = await this.store.getBaseline(service);
    if (b === undefined) return undefined;
    const layout = buildLayout(b.id, b.features, b.values);
    const features = new Map<string, PreparedFeature>();
    for (const [name, fl] of Object.entries(layout.features)) features.set(name, prepareFeature(fl, b.values[name] ?? []));
    const meta: BaselineMeta = { id: b.id, service: b.service, model: b.model, createdAt: b.createdAt, rows: b.rows, features: b.features };
    const p: Prepared = { meta, layout, features };
    if (this.#prepared.size >= CACHED_BASELINES) this.#prepared.delete(this.#prepared.keys().next().value!);
    this.#prepared.set(b.id, p);
    return p;
  }
}

/** Cells merged per cohort group (`attr\0value`, overall is `\0`) and feature, over buckets and models. */
function groupCells(cells: readonly DriftCell[], model: string | undefined): Map<string, Map<string, FeatureHistogram>> {
  const groups = new Map<string, Map<string, FeatureHistogram>>();
  for (const c of cells) {
    if (model !== undefined && c.model !== model) continue;
    const g = `${c.attr}\u0000${c.value}`;
    let byFeature = groups.get(g);
    if (byFeature === undefined) groups.set(g, (byFeature = new Map<string, FeatureHistogram>()));
    const acc = byFeature.get(c.feature);
    if (acc === undefined) byFeature.set(c.feature, c.hist);
    else mergeInto(acc, c.hist);
  }
  return groups;
}
