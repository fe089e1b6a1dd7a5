/**
 * The pure decision of an ingest batch: given the valid items and what the store already holds, which
 * events are new, duplicates or conflicts; which outcomes join which requests; how each touched
 * request's verdict and verdict timeline change; and the rollup deltas that follow. No I/O: the writer
 * (ingest.ts) looks up, calls this, and commits the result atomically.
 */
import { cohortValue, type InferenceEvent, type MlEvent, type OutcomeEvent } from '../core/event.ts';
import { predictionSums } from '../core/quality-metrics/contributions.ts';
import { classify } from '../core/input-class.ts';
import { addLatency } from '../core/latency-sketch.ts';
import { addQuality, addSums, classAcc, createCell, verdictQuality, type QualityAcc, type RollupCell } from '../core/rollup.ts';
import type { ServiceSpec } from '../core/spec.ts';
import {
  refKey, type IngestSnapshot, type IngestWrite, type NewInference, type RollupDelta, type StoredOutcome, type Verdict, type VerdictStep, type VerdictTimeDelta,
} from '../store/port.ts';
import {
  addTo, arrivals, contribution, difference, isNothing, judgeRequest, NO_JUDGEMENT, stepsOf, storedForm, type JudgementTimeline,
} from './judgement.ts';
import { derivedOutcomeKey, type ItemProblem } from './validate-event.ts';

/** A new inference of this batch; its verdict is set once its outcomes are judged. */
interface FreshInference extends NewInference {
  verdict: Verdict | undefined;
}

export interface PlannedItem {
  /** The request (HTTP batch) the item came in; batches are committed in groups. */
  readonly ticket: number;
  readonly index: number;
  readonly event: MlEvent;
  readonly json: string;
  readonly hash: string;
}

export interface Rejection extends ItemProblem {
  readonly index: number;
}

export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  readonly rejected: Rejection[];
}

export interface Plan {
  readonly write: IngestWrite;
  /** Per ticket (see PlannedItem). */
  readonly batches: ReadonlyMap<number, BatchOutcome>;
}

const MINUTE = 60_000;
/** The empty list, shared (most requests have no outcomes). */
const NONE: readonly never[] = [];

function sameVerdict(a: Verdict | undefined, b: Verdict | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.good === b.good && a.weight === b.weight && a.source === b.source && a.ts === b.ts;
}

function isZero(q: QualityAcc): boolean {
  return q.judged === 0 && q.good === 0 && q.sumW === 0 && q.sumW2 === 0 && q.sumWGood === 0;
}

export function isEligible(spec: ServiceSpec, e: InferenceEvent): boolean {
  return e.status === 'ok' || !spec.errors.exclude.includes(e.errorType);
}

/** An outcome whose identity is stored with other content: `/id` when it has one, else the whole item (its identity is requestId, source, annotator and ts). */
function outcomeConflict(index: number, e: OutcomeEvent): Rejection {
  const keyless = e.key === derivedOutcomeKey(e.requestId, e.source, e.annotator, e.ts);
  return keyless
    ? { index, code: 'conflict', path: '', message: 'an outcome with this requestId, source, annotator and ts is stored with other content; give it an `id` to send a different outcome' }
    : { index, code: 'conflict', path: '/id', message: 'an outcome with this id is stored with other content' };
}

/** Maps a cohort value to its row value under the cardinality cap (cohort-registry.ts). */
export type CohortResolver = (service: string, attr: string, value: string, cap: number) => string;

/** Cohort attributes of the event that the spec declares: the rows besides the whole-service one. */
export function cohortOf(spec: ServiceSpec, e: InferenceEvent, resolve: CohortResolver): Record<string, string> {
  const out: Record<string, string> = {};
  for (const attr of spec.cohorts) {
    const v = cohortValue(e.cohort, attr);
    if (v !== undefined) out[attr] = resolve(e.service, attr, v, spec.cohortCap);
  }
  return out;
}

/** Verdict-time deltas of one batch, summed per (service, minute, model). */
class VerdictTimeBuilder {
  private readonly deltas = new Map<string, VerdictTimeDelta>();

  add(service: string, ts: number, model: string, q: QualityAcc): void {
    const minute = Math.floor(ts / MINUTE) * MINUTE;
    const k = `${service}\u0000${minute}\u0000${model}`;
    const d = this.deltas.get(k);
    if (d === undefined) this.deltas.set(k, { service, minute, model, quality: { judged: q.judged, good: q.good, sumW: q.sumW, sumW2: q.sumW2, sumWGood: q.sumWGood } });
    else addQuality(d.quality, q);
  }

  list(): VerdictTimeDelta[] {
    return [...this.deltas.values()];
  }
}

/** The cells of one (service, minute, model): the whole-service cell and attr → value → cell. */
interface MinuteCells {
  readonly service: string;
  readonly minute: number;
  readonly model: string;
  readonly whole: RollupCell;
  readonly cohorts: Map<string, Map<string, RollupCell>>;
}

class RollupBuilder {
  private readonly groups = new Map<string, MinuteCells>();
  /** The group of the previous event: a batch's events mostly share service, minute and model. */
  private last: MinuteCells | undefined;
  private readonly order: RollupDelta[] = [];

  constructor(private readonly resolve: CohortResolver) {}

  /** The cells an inference event counts in: the whole service first, then each declared cohort value. */
  cellsFor(spec: ServiceSpec, e: InferenceEvent): RollupCell[] {
    const g = this.group(e.service, Math.floor(e.ts / MINUTE) * MINUTE, e.model);
    const out = [g.whole];
    for (const attr of uniqueCohorts(spec)) {
      const v = cohortValue(e.cohort, attr);
      if (v === undefined) continue;
      const value = this.resolve(e.service, attr, v, spec.cohortCap);
      let byValue = g.cohorts.get(attr);
      if (byValue === undefined) g.cohorts.set(attr, (byValue = new Map<string, RollupCell>()));
      let cell = byValue.get(value);
      if (cell === undefined) {
        cell = createCell();
        byValue.set(value, cell);
        this.order.push({ service: g.service, minute: g.minute, model: g.model, attr, value, cell });
      }
      out.push(cell);
    }
    return out;
  }

  private group(service: string, minute: number, model: string): MinuteCells {
    const l = this.last;
    if (l !== undefined && l.minute === minute && l.model === model && l.service === service) return l;
    const k = `${service}\u0000${minute}\u0000${model}`;
    let g = this.groups.get(k);
    if (g === undefined) {
      g = { service, minute, model, whole: createCell(), cohorts: new Map() };
      this.groups.set(k, g);
      this.order.push({ service, minute, model, attr: '', value: '', cell: g.whole });
    }
    this.last = g;
    return g;
  }

  deltas(): RollupDelta[] {
    return this.order;
  }
}

/** The spec's cohort attributes, each once (as cohortOf's record has them), per spec. */
const cohortsOf = new WeakMap<ServiceSpec, readonly string[]>();

function uniqueCohorts(spec: ServiceSpec): readonly string[] {
  let c = cohortsOf.get(spec);
  if (c === undefined) cohortsOf.set(spec, (c = [...new Set(spec.cohorts)]));
  return c;
}

/** Latency threshold per input class name, per spec (specs are immutable once loaded). */
const thresholdsOf = new WeakMap<ServiceSpec, ReadonlyMap<string, number>>();

function thresholds(spec: ServiceSpec): ReadonlyMap<string, number> {
  let t = thresholdsOf.get(spec);
  if (t === undefined) {
    const m = new Map<string, number>();
    // The first class of a name wins, as `find` would.
    for (const c of spec.latency.classes) if (!m.has(c.name)) m.set(c.name, c.thresholdMs);
    thresholdsOf.set(spec, (t = m));
  }
  return t;
}

function countInference(cells: RollupCell[], n: NewInference, spec: ServiceSpec): void {
  const e = n.event;
  const threshold = n.inputClass === undefined ? 0 : thresholds(spec).get(n.inputClass) ?? 0;
  // Label-free contributions (the CBPE estimate from predicted probabilities), known at inference time.
  const free = e.status === 'ok' && n.eligible ? predictionSums(e.prediction) : {};
  const label = Object.keys(free).length > 0 ? free : undefined;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    c.total += 1;
    if (!n.eligible) c.excluded += 1;
    else if (e.status === 'ok') {
      c.ok += 1;
      const acc = classAcc(c, n.inputClass!);
      acc.ok += 1;
      if (e.latencyMs <= threshold) acc.fast += 1;
      // Latency percentiles are kept for the whole service only (cells[0]); cohort rows count ok and
      // fast, which is all their SLIs need, and a sketch per cohort value would triple the ingest cost.
      if (i === 0) addLatency(acc.sketch, e.latencyMs);
      if (label !== undefined) addSums(c.sums, label);
    } else c.errors[e.errorType] = (c.errors[e.errorType] ?? 0) + 1;
  }
}

export function planIngest(
  items: readonly PlannedItem[],
  snapshot: IngestSnapshot,
  specs: ReadonlyMap<string, ServiceSpec>,
  resolveCohort: CohortResolver,
): Plan {
  const batches = new Map<number, BatchOutcome>();
  // Items come grouped by ticket: remember the last one.
  let lastTicket = -1;
  let lastBatch: BatchOutcome | undefined;
  const batchOf = (ticket: number): BatchOutcome => {
    if (ticket === lastTicket && lastBatch !== undefined) return lastBatch;
    let b = batches.get(ticket);
    if (b === undefined) batches.set(ticket, (b = { accepted: 0, duplicates: 0, rejected: [] }));
    lastTicket = ticket;
    lastBatch = b;
    return b;
  };
  const fresh = new Map<string, FreshInference>();
  const freshOutcomes = new Map<string, { event: OutcomeEvent; hash: string }>();
  const outcomesByRequest = new Map<string, Array<{ event: OutcomeEvent; contentHash: string; body: string }>>();
  const touched = new Set<string>();

  for (const item of items) {
    const e = item.event;
    const batch = batchOf(item.ticket);
    if (e.kind === 'inference') {
      const k = refKey(e.service, e.id);
      const known = snapshot.inferences.get(k)?.contentHash ?? fresh.get(k)?.contentHash;
      if (known !== undefined) {
        if (known === item.hash) batch.duplicates++;
        else batch.rejected.push({ index: item.index, code: 'conflict', path: '/id', message: `request \`${e.id}\` is stored with other content; ids are never overwritten` });
        continue;
      }
      const spec = specs.get(e.service)!;
      const eligible = isEligible(spec, e);
      const inputClass = e.status === 'ok' && eligible ? classify(spec.latency.classes, { input: e.input }).name : undefined;
      fresh.set(k, { event: e, contentHash: item.hash, inputClass, eligible, verdict: undefined, body: item.json });
      touched.add(k);
      batch.accepted++;
    } else {
      const k = refKey(e.service, e.key);
      const known = snapshot.outcomeHashes.get(k) ?? freshOutcomes.get(k)?.hash;
      if (known !== undefined) {
        if (known === item.hash) batch.duplicates++;
        else batch.rejected.push(outcomeConflict(item.index, e));
        continue;
      }
      freshOutcomes.set(k, { event: e, hash: item.hash });
      batch.accepted++;
      const r = refKey(e.service, e.requestId);
      let list = outcomesByRequest.get(r);
      if (list === undefined) outcomesByRequest.set(r, (list = []));
      list.push({ event: e, contentHash: item.hash, body: item.json });
      touched.add(r);
    }
  }

  const rollups = new RollupBuilder(resolveCohort);
  const verdictTime = new VerdictTimeBuilder();
  const write = {
    inferences: [] as NewInference[],
    outcomes: [] as Array<{ event: OutcomeEvent; contentHash: string; joined: boolean; body: string }>,
    verdicts: [] as Array<{ service: string; requestId: string; verdict: Verdict | undefined }>,
    joinedOutcomes: [] as Array<{ service: string; key: string }>,
    verdictSteps: [] as Array<{ service: string; requestId: string; steps: VerdictStep[] }>,
    rollups: [] as RollupDelta[],
    verdictTime: [] as VerdictTimeDelta[],
  };

  for (const r of touched) {
    const stored = snapshot.inferences.get(r);
    const isNew = fresh.get(r);
    const newOutcomes = outcomesByRequest.get(r) ?? NONE;
    const oldOutcomes: readonly StoredOutcome[] = snapshot.outcomesByRequest.get(r) ?? NONE;
    const n: NewInference | undefined = isNew ?? stored;
    for (const o of newOutcomes) write.outcomes.push({ event: o.event, contentHash: o.contentHash, joined: n !== undefined, body: o.body });
    if (n === undefined) continue; // orphans: held until their inference arrives (§2.3)
    const e = n.event;
    const spec = specs.get(e.service)!;
    if (isNew !== undefined) for (const o of oldOutcomes) write.joinedOutcomes.push({ service: e.service, key: o.event.key });

    let judged: JudgementTimeline | undefined;
    if (e.status === 'ok' && n.eligible && oldOutcomes.length + newOutcomes.length > 0) {
      // A request stored before is judged from its stored outcomes (`before`) plus the arriving ones; for
      // a request first seen now, its orphan outcomes arrive together with it.
      const held = oldOutcomes.map((o) => o.event);
      const stored = isNew === undefined ? held : [];
      const arriving = [...(isNew === undefined ? [] : held), ...newOutcomes.map((o) => o.event)];
      judged = judgeRequest(spec, e, stored, arriving);
      write.verdictSteps.push({ service: e.service, requestId: e.id, steps: stepsOf(spec, e, judged, cohortOf(spec, e, resolveCohort)) });
      for (const v of arrivals(judged, arriving)) verdictTime.add(e.service, v.ts, e.model, verdictQuality(v.good, v.weight));
    }
    const after = judged?.after ?? NO_JUDGEMENT;

    const cells = rollups.cellsFor(spec, e);
    if (isNew !== undefined) {
      // `isNew` was made above and is not shared: set its verdict in place (no copy per event).
      isNew.verdict = storedForm(after);
      write.inferences.push(isNew);
      countInference(cells, isNew, spec);
      // Without a judgement the contribution is nothing (contribution(spec, e, NO_JUDGEMENT) is zero).
      if (judged !== undefined) addTo(cells, contribution(spec, e, after));
    } else if (judged !== undefined) {
      if (!sameVerdict(n.verdict, storedForm(after))) write.verdicts.push({ service: e.service, requestId: e.id, verdict: storedForm(after) });
      const d = difference(contribution(spec, e, after), contribution(spec, e, judged.before));
      if (!isNothing(d)) addTo(cells, d);
    }
  }
  write.rollups = rollups.deltas().filter((d) => d.cell.total !== 0 || !isZero(d.cell.quality) || Object.keys(d.cell.sums).length > 0);
  write.verdictTime = verdictTime.list();
  return { write, batches };
}
