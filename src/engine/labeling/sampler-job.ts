/**
 * The labeling sampler (DESIGN §2.8, docs/labeling.md "How sampling works"): once per UTC day and
 * service with `spec.labeling`, the previous day's eligible ok requests with a prediction and no human
 * verdict are drawn by core/labeling/sampler.ts and queued for labelers, each with its inclusion
 * probability π as the `samplingProb` its labels will carry. Also run on demand for any past day
 * (`POST /v1/services/{name}/labeling/sample`).
 *
 * Reruns are safe: the random source is seeded from service and day and the candidates are read in a
 * fixed (ts, id) order, so a rerun over unchanged data draws the same requests, and the queue skips
 * requests already queued. The day done is kept in the store (`sampler/<service>`) only after the
 * items are queued, so a crash in between reruns the day.
 */
import { createHash } from 'node:crypto';
import { sampleForLabeling, stratumKey, type SampleCandidate, type StratumAllocation } from '../../core/labeling/sampler.ts';
import { DAY_MS, type LabelingSpec, type ServiceSpec } from '../../core/spec.ts';
import { mulberry32 } from '../../demo/random.ts';
import { OTHER } from '../../ingest/cohort-registry.ts';
import { refKey, type NewLabelItem, type Store } from '../../store/port.ts';
import { sloWindowMs } from '../report.ts';
import { inferenceWire } from './inference-wire.ts';
import { cohortValue } from '../../core/event.ts';

export const utcDay = (t: number): number => Math.floor(t / DAY_MS) * DAY_MS;
export const isoDay = (day: number): string => new Date(day).toISOString().slice(0, 10);

/** The stratum value of a request without the attribute. */
export const NO_VALUE = '(none)';
/** The one stratum of a service that stratifies by nothing. */
export const ALL = '(all)';

export interface SampleRun {
  readonly service: string;
  /** The UTC day sampled, epoch ms of 00:00. */
  readonly day: number;
  readonly candidates: number;
  /** Items added to the queue (requests already queued are not added again). */
  readonly queued: number;
  readonly allocation: readonly StratumAllocation[];
}

const PAGE = 5000;
const LOOKUP_CHUNK = 500;

/** A 32-bit hash of `text` (the first 4 bytes of its SHA-256). */
function hash32(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** The seed of a day's draw: the same service and day always draw alike. */
export function samplerSeed(service: string, day: number): number {
  return hash32(`sampler\u0000${service}\u0000${isoDay(day)}`);
}

/**
 * Whether a request is one of the `overlap` share labeled twice: a hash of the request, not a random
 * draw, so it is independent of the sample and the same on every rerun.
 */
export function isOverlap(service: string, requestId: string, overlap: number): boolean {
  return hash32(`overlap\u0000${service}\u0000${requestId}`) / 2 ** 32 < overlap;
}

interface RawCandidate {
  readonly id: string;
  readonly values: readonly string[];
  readonly uncertainty: number | undefined;
}

/**
 * Stratum keys with each attribute capped at `cap` values (the most frequent that day, ties by value);
 * the rest fold into `(other)`, as cohort rollups do, so a high-cardinality attribute cannot turn every
 * request into a stratum of its own that each needs a minSamples top-up.
 */
function strata(raw: readonly RawCandidate[], attrs: number, cap: number): string[] {
  const keep = Array.from({ length: attrs }, (_, a) => {
    const counts = new Map<string, number>();
    for (const c of raw) counts.set(c.values[a]!, (counts.get(c.values[a]!) ?? 0) + 1);
    if (counts.size <= cap) return undefined;
    const top = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).slice(0, cap);
    return new Set(top.map(([v]) => v));
  });
  if (attrs === 0) return raw.map(() => ALL);
  return raw.map((c) => stratumKey(c.values.map((v, a) => (keep[a] === undefined || keep[a].has(v) ? v : OTHER))));
}

async function readCandidates(store: Store, spec: ServiceSpec, labeling: LabelingSpec, day: number): Promise<RawCandidate[]> {
  const out: RawCandidate[] = [];
  let after: { ts: number; id: string } | undefined;
  for (;;) {
    const page = await store.readInferences({ service: spec.name, from: day, to: day + DAY_MS, limit: PAGE, ...(after === undefined ? {} : { after }) });
    for (const { event: e, eligible, verdict } of page) {
      if (!eligible || e.status !== 'ok' || e.prediction === undefined || verdict?.source === 'human') continue;
      const p = e.prediction;
      const uncertainty = p.kind === 'label' && p.score !== undefined ? Math.min(1, Math.max(0, 1 - p.score)) : undefined;
      out.push({ id: e.id, values: labeling.stratifyBy.map((a) => cohortValue(e.cohort, a) ?? NO_VALUE), uncertainty });
    }
    if (page.length < PAGE) return out;
    const last = page[page.length - 1]!.event;
    after = { ts: last.ts, id: last.id };
  }
}

/** Requests with at least one human label per stratum, among the items drawn within the spec window up to `day`. */
async function labelledByStratum(store: Store, spec: ServiceSpec, day: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const from = utcDay(day - sloWindowMs(spec, day));
  // One day per call: `listLabelItems` has no cursor, and a day holds about one budget of items.
  for (let d = from; d <= day; d += DAY_MS) {
    for (const item of await store.listLabelItems(spec.name, { fromDay: d, toDay: d + DAY_MS, limit: 1_000_000 })) {
      if (item.labels > 0) out.set(item.stratum, (out.get(item.stratum) ?? 0) + 1);
    }
  }
  return out;
}

/** Draws `day` (epoch ms of a UTC midnight) of one service and queues the selected requests. */
export async function sampleDay(store: Store, spec: ServiceSpec, day: number, now: number): Promise<SampleRun> {
  const labeling = spec.labeling;
  if (labeling === undefined) throw new RangeError(`sampleDay: ${spec.name} has no labeling section`);
  const raw = await readCandidates(store, spec, labeling, day);
  const keys = strata(raw, labeling.stratifyBy.length, spec.cohortCap);
  const candidates: SampleCandidate[] = raw.map((c, i) => ({ id: c.id, stratum: keys[i]!, ...(c.uncertainty === undefined ? {} : { uncertainty: c.uncertainty }) }));
  const decision = sampleForLabeling(candidates, {
    budget: labeling.dailyBudget,
    minSamples: spec.quality.minSamples,
    labelled: await labelledByStratum(store, spec, day),
    favourUncertain: labeling.favourUncertain,
  }, mulberry32(samplerSeed(spec.name, day)));

  const stratumOf = new Map(candidates.map((c) => [c.id, c.stratum] as const));
  const items: NewLabelItem[] = [];
  for (let i = 0; i < decision.selected.length; i += LOOKUP_CHUNK) {
    const ids = decision.selected.slice(i, i + LOOKUP_CHUNK);
    const snap = await store.lookupForIngest({ inferences: ids.map((id) => ({ service: spec.name, id })), requests: [], outcomeKeys: [] });
    for (const id of ids) {
      const stored = snap.inferences.get(refKey(spec.name, id));
      if (stored === undefined) continue;
      items.push({
        service: spec.name, requestId: id, day, createdAt: now,
        samplingProb: decision.probabilities.get(id)!,
        stratum: stratumOf.get(id)!,
        needed: isOverlap(spec.name, id, labeling.overlap) ? 2 : 1,
        request: JSON.stringify(inferenceWire(stored.event)),
      });
    }
  }
  const queued = items.length === 0 ? 0 : await store.enqueueLabelItems(items);
  return { service: spec.name, day, candidates: candidates.length, queued, allocation: decision.allocation };
}

export interface SamplerJobOptions {
  readonly store: Store;
  readonly specs: () => ReadonlyMap<string, ServiceSpec>;
  readonly now: () => number;
  readonly log: (line: string) => void;
  /** How often to check whether a day is due (default 5 minutes). */
  readonly intervalMs?: number;
  /** The first check after start (default 30 s, so start-up is not slowed by a day's draw). */
  readonly firstDelayMs?: number;
}

interface SamplerState {
  /** The latest day sampled, YYYY-MM-DD. */
  readonly lastDay: string;
  readonly at: string;
  readonly queued: number;
}

export class SamplerJob {
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;
  /** Runs one at a time: the loop's and on-demand ones. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: SamplerJobOptions) {}

  start(): void {
    const tick = (): void => {
      void this.runDue().catch((e: unknown) => this.opts.log(`labeling sampler: ${(e as Error).message}`));
    };
    this.first = setTimeout(tick, this.opts.firstDelayMs ?? 30_000);
    this.first.unref();
    this.timer = setInterval(tick, this.opts.intervalMs ?? 5 * 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.first);
    clearInterval(this.timer);
    await this.queue.catch(() => undefined);
  }

  /** Samples yesterday (UTC) for every service with labeling that has not had it yet. */
  runDue(now = this.opts.now()): Promise<SampleRun[]> {
    return this.serial(async () => {
      const day = utcDay(now) - DAY_MS;
      const runs: SampleRun[] = [];
      for (const spec of this.opts.specs().values()) {
        if (spec.labeling === undefined) continue;
        const state = await this.opts.store.getState(stateKey(spec.name));
        const last = state === undefined ? undefined : (JSON.parse(state) as SamplerState).lastDay;
        if (last !== undefined && last >= isoDay(day)) continue;
        runs.push(await this.sampleAndRecord(spec, day, now));
      }
      return runs;
    });
  }

  /** Samples `day` of `spec` now, whether or not it was sampled before (the queue skips repeats). */
  sample(spec: ServiceSpec, day: number): Promise<SampleRun> {
    return this.serial(() => this.sampleAndRecord(spec, day, this.opts.now()));
  }

  private async sampleAndRecord(spec: ServiceSpec, day: number, now: number): Promise<SampleRun> {
    const run = await sampleDay(this.opts.store, spec, day, now);
    const key = stateKey(spec.name);
    const before = await this.opts.store.getState(key);
    const last = before === undefined ? undefined : (JSON.parse(before) as SamplerState).lastDay;
    if (last === undefined || last < isoDay(day)) {
      const state: SamplerState = { lastDay: isoDay(day), at: new Date(now).toISOString(), queued: run.queued };
      await this.opts.store.setState(key, JSON.stringify(state));
    }
    return run;
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(f, f);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function stateKey(service: string): string {
  return `sampler/${service}`;
}
