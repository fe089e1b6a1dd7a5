/**
 * The drift folder (DESIGN §2.6): keeps the mergeable drift histograms (port.ts DriftCell) in step with
 * the stored inferences. It reads the store's inference feed in insert order from a watermark, bins each
 * eligible request's features (and prediction) by its service's newest baseline (core/drift/layout.ts)
 * into hour cells — overall and per cohort value, per model — and adds them to the stored hour and day
 * cells together with the new watermark in one transaction. So:
 *
 * - ingest stays one transaction per batch; the histograms trail it by at most one `catchUp` (the server
 *   runs one every second, and the drift API runs one before it answers);
 * - a crash loses nothing and counts nothing twice: cells and watermark commit together, and a restart
 *   resumes from the watermark;
 * - a new baseline means new bins: the service switches layout at once (new requests are binned by it)
 *   and a REBUILD re-bins its stored requests of the last `rebuildDays` up to the switch, in chunks
 *   between live steps, then drops the old layout's cells. Drift reports say while one is running.
 */
import type { DriftLayout } from '../core/drift/layout.ts';
import { buildLayout } from '../core/drift/layout.ts';
import { addValue, emptyHistogram } from '../core/drift/histogram.ts';
import { cohortValue, type InferenceEvent } from '../core/event.ts';
import { DAY_MS, HOUR_MS, type ServiceSpec } from '../core/spec.ts';
import type { DriftCell, InferenceTail, Store } from '../store/port.ts';
import type { CohortRegistry } from './cohort-registry.ts';

export interface DriftFolderOptions {
  readonly store: Store;
  readonly specs: () => ReadonlyMap<string, ServiceSpec>;
  readonly cohorts: CohortRegistry;
  readonly now: () => number;
  /** Inferences read per step. */
  readonly batchSize?: number;
  /** How far back a new baseline re-bins stored requests. */
  readonly rebuildDays: number;
  /**
   * Look up every service's newest baseline on each catch-up, for a folder whose baselines are uploaded
   * through another process (an api replica) that cannot call `baselineChanged` here. One small read per
   * service per catch-up.
   */
  readonly pollBaselines?: boolean;
}

interface Rebuild {
  readonly service: string;
  readonly layout: string;
  /** Re-binned up to this seq … */
  cursor: number;
  /** … of the requests with seq ≤ upto (the watermark when the layout switched) and ts ≥ fromTs. */
  readonly upto: number;
  readonly fromTs: number;
}

interface FolderState {
  watermark: number;
  /** The layout (baseline id) each service's requests are binned by now. */
  layouts: Record<string, string>;
  rebuilds: Rebuild[];
}

export interface DriftFolderStatus {
  readonly layout: string | undefined;
  /** Share of the rebuild done, when the service's histograms are being rebuilt for a new baseline. */
  readonly rebuilding: number | undefined;
}

const DEFAULT_BATCH = 5000;

/** A feature's value in a request: `prediction.label|score|value` read the prediction, others `features`. */
export function featureValue(e: InferenceEvent, name: string): unknown {
  if (name.startsWith('prediction.')) {
    const p = e.status === 'ok' ? e.prediction : undefined;
    if (p === undefined) return undefined;
    if (name === 'prediction.label') return p.kind === 'label' ? p.label : undefined;
    if (name === 'prediction.score') return p.kind === 'label' ? p.score : undefined;
    if (name === 'prediction.value') return p.kind === 'value' ? p.value : undefined;
  }
  return e.features[name];
}

function statusOf(state: FolderState, service: string): DriftFolderStatus {
  const r = state.rebuilds.find((x) => x.service === service);
  return {
    layout: state.layouts[service],
    rebuilding: r === undefined ? undefined : r.upto === 0 ? 0 : Math.min(1, r.cursor / r.upto),
  };
}

/** The status as last saved, for a process that reads drift but does not fold it (an api replica). */
export async function readDriftStatus(store: Store, service: string): Promise<DriftFolderStatus> {
  const raw = await store.loadDriftState();
  return statusOf(raw === undefined ? { watermark: 0, layouts: {}, rebuilds: [] } : JSON.parse(raw) as FolderState, service);
}

export class DriftFolder {
  #state: FolderState | undefined;
  readonly #layouts = new Map<string, DriftLayout>();
  /** Services whose newest baseline must be looked up again before the next step. */
  readonly #stale = new Set<string>();
  #checkedAll = false;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #batch: number;

  constructor(private readonly opts: DriftFolderOptions) {
    this.#batch = opts.batchSize ?? DEFAULT_BATCH;
  }

  /** A baseline was stored for `service`: the next catch-up switches its layout. */
  baselineChanged(service: string): void {
    this.#stale.add(service);
  }

  /** Folds every stored inference not folded yet (and finishes pending rebuilds). Calls run one at a time. */
  catchUp(): Promise<void> {
    const run = this.#queue.then(() => this.#catchUp());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The layout a service's histograms use now, and rebuild progress. */
  async status(service: string): Promise<DriftFolderStatus> {
    return statusOf(await this.#load(), service);
  }

  async #load(): Promise<FolderState> {
    if (this.#state === undefined) {
      const raw = await this.opts.store.loadDriftState();
      this.#state = raw === undefined ? { watermark: 0, layouts: {}, rebuilds: [] } : JSON.parse(raw) as FolderState;
    }
    return this.#state;
  }

  async #catchUp(): Promise<void> {
    const state = await this.#load();
    try {
      await this.#refreshLayouts(state);
      for (;;) {
        const more = state.rebuilds.length > 0 ? await this.#rebuildStep(state) : await this.#liveStep(state);
        if (!more && state.rebuilds.length === 0) return;
      }
    } catch (e) {
      // The steps advance the state in memory before saving it; after a failed save, the stored state is the truth.
      this.#state = undefined;
      this.#checkedAll = false;
      throw e;
    }
  }

  /** Looks up the newest baseline of every service once, then of those marked stale; switches layouts. */
  async #refreshLayouts(state: FolderState): Promise<void> {
    const services = this.#checkedAll && this.opts.pollBaselines !== true ? [...this.#stale] : [...this.opts.specs().keys()];
    this.#checkedAll = true;
    this.#stale.clear();
    for (const service of services) {
      if (!this.opts.specs().has(service)) continue;
      const newest = (await this.opts.store.listBaselines(service))[0];
      if (newest === undefined) continue;
      if (state.layouts[service] === newest.id && this.#layouts.has(service)) continue;
      const b = await this.opts.store.getBaseline(service);
      if (b === undefined) continue;
      this.#layouts.set(service, buildLayout(b.id, b.features, b.values));
      if (state.layouts[service] === b.id) continue; // restart: same layout, bins rebuilt in memory only
      state.layouts[service] = b.id;
      state.rebuilds = state.rebuilds.filter((r) => r.service !== service);
      state.rebuilds.push({ service, layout: b.id, cursor: 0, upto: state.watermark, fromTs: this.opts.now() - this.opts.rebuildDays * DAY_MS });
    }
  }

  async #liveStep(state: FolderState): Promise<boolean> {
    if (Object.keys(state.layouts).length === 0) {
      // No service has a baseline: nothing to bin. Skip ahead instead of reading every request (a store
      // from before drift detection would otherwise be re-read in full at start-up); a first baseline's
      // rebuild covers the requests up to this watermark.
      const last = await this.opts.store.lastInferenceSeq();
      if (last === state.watermark) return false;
      state.watermark = last;
      await this.opts.store.mergeDriftCells([], JSON.stringify(state));
      return false;
    }
    const rows = await this.opts.store.readInferencesAfter({ afterSeq: state.watermark, limit: this.#batch });
    if (rows.length === 0) return false;
    const cells = await this.#fold(rows, (service) => {
      const layout = this.#layouts.get(service);
      return layout === undefined || state.layouts[service] !== layout.id ? undefined : layout;
    });
    state.watermark = rows[rows.length - 1]!.seq;
    await this.opts.store.mergeDriftCells(cells, JSON.stringify(state));
    return rows.length === this.#batch;
  }

  async #rebuildStep(state: FolderState): Promise<boolean> {
    const r = state.rebuilds[0]!;
    const layout = this.#layouts.get(r.service);
    if (layout === undefined || layout.id !== r.layout) { // superseded by a newer baseline: nothing to keep
      state.rebuilds.shift();
      await this.opts.store.mergeDriftCells([], JSON.stringify(state));
      return true;
    }
    const rows = await this.opts.store.readInferencesAfter({
      afterSeq: r.cursor, uptoSeq: r.upto, service: r.service, fromTs: r.fromTs, limit: this.#batch,
    });
    const cells = await this.#fold(rows, (service) => (service === r.service ? layout : undefined));
    const done = rows.length < this.#batch;
    if (done) state.rebuilds.shift();
    else r.cursor = rows[rows.length - 1]!.seq;
    await this.opts.store.mergeDriftCells(cells, JSON.stringify(state));
    if (done) await this.opts.store.dropDriftLayouts(r.service, r.layout);
    return true;
  }

  /** Bins `rows` into hour cells, each also added to its day cell. */
  async #fold(rows: readonly InferenceTail[], layoutOf: (service: string) => DriftLayout | undefined): Promise<DriftCell[]> {
    const specs = this.opts.specs();
    const hours = new Map<string, DriftCell>();
    for (const { event: e, eligible } of rows) {
      if (!eligible) continue;
      const layout = layoutOf(e.service);
      const spec = specs.get(e.service);
      if (layout === undefined || spec === undefined) continue;
      await this.opts.cohorts.load(e.service);
      const groups: Array<[string, string]> = [['', '']];
      for (const attr of spec.cohorts) {
        const v = cohortValue(e.cohort, attr);
        if (v !== undefined) groups.push([attr, this.opts.cohorts.resolve(e.service, attr, v, spec.cohortCap)]);
      }
      const bucket = Math.floor(e.ts / HOUR_MS) * HOUR_MS;
      for (const [feature, fl] of Object.entries(layout.features)) {
        const v = featureValue(e, feature);
        for (const [attr, value] of groups) {
          const k = `${e.service}\u0000${bucket}\u0000${attr}\u0000${value}\u0000${e.model}\u0000${feature}`;
          let cell = hours.get(k);
          if (cell === undefined) {
            cell = { service: e.service, layout: layout.id, resolution: 'h', bucket, model: e.model, feature, attr, value, hist: emptyHistogram(fl) };
            hours.set(k, cell);
          }
          addValue(cell.hist, fl, v);
        }
      }
    }
    const out: DriftCell[] = [];
    for (const c of hours.values()) out.push(c, { ...c, resolution: 'd', bucket: Math.floor(c.bucket / DAY_MS) * DAY_MS });
    return out;
  }
}
