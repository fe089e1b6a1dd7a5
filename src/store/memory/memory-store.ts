/**
 * In-memory adapter with the SQLite adapter's semantics and no durability, for logic unit tests. Events
 * go through JSON like the SQLite bodies do, and cells are copied in and out, so callers can never alias
 * stored state.
 */
import { decodeHistogram, encodeHistogram, mergeInto } from '../../core/drift/histogram.ts';
import type { InferenceEvent, OutcomeEvent } from '../../core/event.ts';
import { addQuality, createQualityAcc, mergeCell, type QualityAcc } from '../../core/rollup.ts';
import { bucketStart, cloneCell, foldDeltas, RESOLUTIONS, rowKey, type FoldedRow } from '../fold-deltas.ts';
import {
  refKey,
  type AlertRecord, type AlertTransitionRecord, type ApiKeyRecord, type CohortRef, type DeliveryRecord, type DeliveryResult, type NewDelivery, type IngestLookup, type IngestSnapshot, type IngestWrite, type Resolution, type RollupQuery,
  type RollupRow, type Store, type StoredInference, type StoredOutcome, type Verdict, type VerdictStep, type VerdictTimeRow,
  type RetrainRequestRecord, type BaselineMeta, type BaselineRecord, type NewBaseline,
  type DriftCell, type DriftCellKey, type DriftCellQuery, type InferenceTail, type InferenceTailQuery,
  type EvalResultRecord, type EvalRunQuery, type EvalRunRecord, type GoldenExample, type GoldenSetMeta, type GoldenSetRecord, type NewEvalRun,
  type LabelActionRecord, type LabelItemRecord, type LeaseOutcome, type NewLabelItem,
} from '../port.ts';
import { MemoryEvals } from './memory-evals.ts';
import { MemoryLabelQueue } from './memory-labeling.ts';
import { MemoryOutbox } from './memory-outbox.ts';

interface InferenceRec {
  readonly body: string;
  readonly contentHash: string;
  readonly inputClass: string | undefined;
  readonly eligible: boolean;
  verdict: Verdict | undefined;
}

interface OutcomeRec {
  readonly service: string;
  readonly ts: number;
  readonly body: string;
  readonly contentHash: string;
  joined: boolean;
}

interface StepRec {
  readonly seq: number;
  readonly step: VerdictStep;
}

/** A stored rollup row: the fold's own shape. */
type RollupRec = FoldedRow;

function copyStep(s: VerdictStep): VerdictStep {
  return { ...s, cohort: { ...s.cohort }, delta: { ...s.delta }, sums: structuredClone(s.sums) };
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

class MemoryStore implements Store {
  readonly kind = 'memory';
  readonly #inferences = new Map<string, InferenceRec>();
  readonly #outcomesByKey = new Map<string, OutcomeRec[]>();
  readonly #outcomesByRequest = new Map<string, OutcomeRec[]>();
  readonly #steps = new Map<string, StepRec[]>();
  readonly #rollups = new Map<string, RollupRec>();
  readonly #keys = new Map<string, ApiKeyRecord>();
  readonly #alerts = new Map<string, AlertRecord>();
  readonly #transitions: AlertTransitionRecord[] = [];
  readonly #verdictTime = new Map<string, { resolution: Resolution; service: string; bucket: number; model: string; quality: QualityAcc }>();
  readonly #outbox = new MemoryOutbox();
  readonly #retrainStates = new Map<string, string>();
  readonly #retrainRequests: RetrainRequestRecord[] = [];
  /** In save order; copied in and out. */
  readonly #baselines: BaselineRecord[] = [];
  #seq = 0;
  /** Inferences in insert order; `seq` is the 1-based position. */
  readonly #feed: Array<{ readonly seq: number; readonly key: string; readonly service: string; readonly id: string; readonly ts: number }> = [];
  readonly #driftCells = new Map<string, DriftCell>();
  #driftState: string | undefined;
  readonly #evals = new MemoryEvals();
  readonly #labels = new MemoryLabelQueue();
  readonly #state = new Map<string, string>();

  close(): Promise<void> {
    return Promise.resolve();
  }

  lookupForIngest(q: IngestLookup): Promise<IngestSnapshot> {
    const inferences = new Map<string, StoredInference>();
    for (const r of q.inferences) {
      const k = refKey(r.service, r.id);
      const rec = this.#inferences.get(k);
      if (rec === undefined) continue;
      inferences.set(k, {
        event: JSON.parse(rec.body) as InferenceEvent,
        contentHash: rec.contentHash,
        inputClass: rec.inputClass,
        eligible: rec.eligible,
        verdict: rec.verdict === undefined ? undefined : { ...rec.verdict },
      });
    }
    const outcomesByRequest = new Map<string, StoredOutcome[]>();
    for (const r of q.requests) {
      const k = refKey(r.service, r.id);
      const list = this.#outcomesByRequest.get(k);
      if (list === undefined || list.length === 0) continue;
      outcomesByRequest.set(k, list.map((o) => ({ event: JSON.parse(o.body) as OutcomeEvent, contentHash: o.contentHash })));
    }
    const outcomeHashes = new Map<string, string>();
    for (const r of q.outcomeKeys) {
      const k = refKey(r.service, r.key);
      const first = this.#outcomesByKey.get(k)?.[0];
      if (first !== undefined) outcomeHashes.set(k, first.contentHash);
    }
    return Promise.resolve({ inferences, outcomesByRequest, outcomeHashes });
  }

  commitIngest(w: IngestWrite): Promise<void> {
    for (const n of w.inferences) {
      const e = n.event;
      const key = refKey(e.service, e.id);
      if (!this.#inferences.has(key)) this.#feed.push({ seq: this.#feed.length + 1, key, service: e.service, id: e.id, ts: e.ts });
      this.#inferences.set(key, {
        body: JSON.stringify(e),
        contentHash: n.contentHash,
        inputClass: n.inputClass,
        eligible: n.eligible,
        verdict: n.verdict === undefined ? undefined : { ...n.verdict },
      });
    }
    for (const o of w.outcomes) {
      const e = o.event;
      const rec: OutcomeRec = { service: e.service, ts: e.ts, body: JSON.stringify(e), contentHash: o.contentHash, joined: o.joined };
      push(this.#outcomesByKey, refKey(e.service, e.key), rec);
      push(this.#outcomesByRequest, refKey(e.service, e.requestId), rec);
    }
    for (const v of w.verdicts) {
      const rec = this.#inferences.get(refKey(v.service, v.requestId));
      if (rec !== undefined) rec.verdict = v.verdict === undefined ? undefined : { ...v.verdict };
    }
    for (const j of w.joinedOutcomes) {
      for (const rec of this.#outcomesByKey.get(refKey(j.service, j.key)) ?? []) rec.joined = true;
    }
    for (const r of w.verdictSteps) {
      const k = refKey(r.service, r.requestId);
      this.#steps.delete(k);
      for (const s of r.steps) push(this.#steps, k, { seq: this.#seq++, step: copyStep(s) });
    }
    for (const row of foldDeltas(w.rollups)) {
      const k = rowKey(row.resolution, row.service, row.bucket, row.model, row.attr, row.value);
      const stored = this.#rollups.get(k);
      if (stored === undefined) this.#rollups.set(k, row);
      else mergeCell(stored.cell, row.cell);
    }
    for (const d of w.verdictTime) {
      for (const resolution of RESOLUTIONS) {
        const bucket = bucketStart(d.minute, resolution);
        const k = `${resolution}\u0000${d.service}\u0000${bucket}\u0000${d.model}`;
        let rec = this.#verdictTime.get(k);
        if (rec === undefined) this.#verdictTime.set(k, (rec = { resolution, service: d.service, bucket, model: d.model, quality: createQualityAcc() }));
        addQuality(rec.quality, d.quality);
      }
    }
    return Promise.resolve();
  }

  readVerdictTime(service: string, resolution: Resolution, from: number, to: number): Promise<VerdictTimeRow[]> {
    const out: VerdictTimeRow[] = [];
    for (const r of this.#verdictTime.values()) {
      if (r.resolution === resolution && r.service === service && r.bucket >= from && r.bucket < to) out.push({ bucket: r.bucket, model: r.model, quality: { ...r.quality } });
    }
    out.sort((a, b) => cmp(a.bucket, b.bucket) || cmp(a.model, b.model));
    return Promise.resolve(out);
  }

  readRollups(q: RollupQuery): Promise<RollupRow[]> {
    const out: RollupRow[] = [];
    for (const r of this.#rollups.values()) {
      if (r.resolution !== q.resolution || r.service !== q.service || r.bucket < q.from || r.bucket >= q.to) continue;
      if (!q.cohorts && r.attr !== '') continue;
      out.push({ bucket: r.bucket, model: r.model, attr: r.attr, value: r.value, cell: cloneCell(r.cell) });
    }
    out.sort((a, b) => cmp(a.bucket, b.bucket) || cmp(a.model, b.model) || cmp(a.attr, b.attr) || cmp(a.value, b.value));
    return Promise.resolve(out);
  }

  readVerdictStepsAfter(service: string, after: number, requestFrom: number, requestTo: number): Promise<VerdictStep[]> {
    const hits: StepRec[] = [];
    for (const list of this.#steps.values()) {
      for (const r of list) {
        const s = r.step;
        if (s.service === service && s.stepTs > after && s.requestTs >= requestFrom && s.requestTs < requestTo) hits.push(r);
      }
    }
    hits.sort((a, b) => a.step.stepTs - b.step.stepTs || a.seq - b.seq);
    return Promise.resolve(hits.map((r) => copyStep(r.step)));
  }

  listCohortValues(service: string): Promise<CohortRef[]> {
    const seen = new Map<string, CohortRef>();
    for (const r of this.#rollups.values()) {
      if (r.service === service && r.resolution === 'd' && r.attr !== '') seen.set(`${r.attr}\u0000${r.value}`, { attr: r.attr, value: r.value });
    }
    return Promise.resolve([...seen.values()].sort((a, b) => cmp(a.attr, b.attr) || cmp(a.value, b.value)));
  }

  countOrphans(service: string, before: number): Promise<number> {
    let n = 0;
    for (const list of this.#outcomesByKey.values()) {
      for (const o of list) if (o.service === service && !o.joined && o.ts < before) n++;
    }
    return Promise.resolve(n);
  }

  loadAlerts(): Promise<AlertRecord[]> {
    return Promise.resolve([...this.#alerts.values()].sort((a, b) => cmp(a.id, b.id)).map((a) => ({ ...a })));
  }

  loadRetrainStates(): Promise<Array<{ readonly service: string; readonly state: string }>> {
    return Promise.resolve([...this.#retrainStates].sort((a, b) => cmp(a[0], b[0])).map(([service, state]) => ({ service, state })));
  }

  saveRetrain(service: string, state: string, request: RetrainRequestRecord | undefined, deliveries: readonly NewDelivery[]): Promise<void> {
    const bad = this.#outbox.invalid(deliveries);
    if (bad !== undefined) return Promise.reject(bad);
    this.#retrainStates.set(service, state);
    if (request !== undefined) this.#retrainRequests.push({ ...request });
    this.#outbox.enqueue(deliveries);
    return Promise.resolve();
  }

  retrainHistory(q: { readonly service?: string; readonly limit: number }): Promise<RetrainRequestRecord[]> {
    const all = this.#retrainRequests.map((r, i) => ({ r, i })).filter(({ r }) => q.service === undefined || r.service === q.service);
    all.sort((a, b) => b.r.at - a.r.at || b.i - a.i);
    return Promise.resolve(all.slice(0, q.limit).map(({ r }) => ({ ...r })));
  }

  saveAlerts(alerts: readonly AlertRecord[], transitions: readonly AlertTransitionRecord[], deliveries: readonly NewDelivery[] = []): Promise<void> {
    const bad = this.#outbox.invalid(deliveries); // all or nothing, like the SQLite transaction
    if (bad !== undefined) return Promise.reject(bad);
    for (const a of alerts) this.#alerts.set(a.id, { ...a });
    for (const t of transitions) this.#transitions.push({ ...t });
    this.#outbox.enqueue(deliveries);
    return Promise.resolve();
  }

  enqueueDeliveries(deliveries: readonly NewDelivery[]): Promise<number> {
    const bad = this.#outbox.invalid(deliveries);
    if (bad !== undefined) return Promise.reject(bad);
    return Promise.resolve(this.#outbox.enqueue(deliveries));
  }

  claimDeliveries(now: number, limit: number, leaseUntil: number): Promise<DeliveryRecord[]> {
    return Promise.resolve(this.#outbox.claim(now, limit, leaseUntil));
  }

  recordDelivery(id: string, result: DeliveryResult): Promise<void> {
    this.#outbox.record(id, result);
    return Promise.resolve();
  }

  listDeliveries(alertId: string): Promise<DeliveryRecord[]> {
    return Promise.resolve(this.#outbox.list(alertId));
  }

  alertHistory(q: { readonly service?: string; readonly limit: number }): Promise<AlertTransitionRecord[]> {
    const all = this.#transitions.map((t, i) => ({ t, i })).filter(({ t }) => q.service === undefined || t.service === q.service);
    all.sort((a, b) => b.t.at - a.t.at || b.i - a.i);
    return Promise.resolve(all.slice(0, q.limit).map(({ t }) => ({ ...t })));
  }

  saveBaseline(b: NewBaseline): Promise<string> {
    const id = String(this.#baselines.length + 1);
    this.#baselines.push(structuredClone({ ...b, id }));
    return Promise.resolve(id);
  }

  getBaseline(service: string, model?: string): Promise<BaselineRecord | undefined> {
    const newest = (model === undefined ? undefined : this.#newestBaselines(service).find((b) => b.model === model))
      ?? this.#newestBaselines(service)[0];
    return Promise.resolve(newest === undefined ? undefined : structuredClone(newest));
  }

  listBaselines(service: string): Promise<BaselineMeta[]> {
    return Promise.resolve(this.#newestBaselines(service).map(({ values: _values, ...meta }) => structuredClone(meta)));
  }

  #newestBaselines(service: string): BaselineRecord[] {
    return this.#baselines.map((b, i) => ({ b, i })).filter(({ b }) => b.service === service)
      .sort((x, y) => y.b.createdAt - x.b.createdAt || y.i - x.i).map(({ b }) => b);
  }

  readInferencesAfter(q: InferenceTailQuery): Promise<InferenceTail[]> {
    const out: InferenceTail[] = [];
    const upto = Math.min(q.uptoSeq ?? Number.MAX_SAFE_INTEGER, this.#feed.length);
    for (let i = Math.max(0, q.afterSeq); i < upto && out.length < q.limit; i++) {
      const f = this.#feed[i]!;
      if ((q.service !== undefined && f.service !== q.service) || (q.fromTs !== undefined && f.ts < q.fromTs)) continue;
      const rec = this.#inferences.get(f.key)!;
      out.push({ seq: f.seq, eligible: rec.eligible, event: JSON.parse(rec.body) as InferenceEvent });
    }
    return Promise.resolve(out);
  }

  lastInferenceSeq(): Promise<number> {
    return Promise.resolve(this.#feed.length);
  }

  loadDriftState(): Promise<string | undefined> {
    return Promise.resolve(this.#driftState);
  }

  mergeDriftCells(cells: readonly DriftCell[], state: string): Promise<void> {
    for (const c of cells) {
      const k = driftKey(c);
      const stored = this.#driftCells.get(k);
      // Copy through the codec, so callers' histograms and the stored ones never alias.
      const add = decodeHistogram(encodeHistogram(c.hist));
      if (stored === undefined) this.#driftCells.set(k, { ...c, hist: add });
      else mergeInto(stored.hist, add);
    }
    this.#driftState = state;
    return Promise.resolve();
  }

  readDriftCells(q: DriftCellQuery): Promise<DriftCell[]> {
    const out: DriftCell[] = [];
    for (const c of this.#driftCells.values()) {
      if (c.service !== q.service || c.layout !== q.layout || c.resolution !== q.resolution || c.bucket < q.from || c.bucket >= q.to) continue;
      if (!q.cohorts && c.attr !== '') continue;
      out.push({ ...c, hist: decodeHistogram(encodeHistogram(c.hist)) });
    }
    out.sort((a, b) => a.bucket - b.bucket || cmp(a.attr, b.attr) || cmp(a.value, b.value) || cmp(a.model, b.model) || cmp(a.feature, b.feature));
    return Promise.resolve(out);
  }

  dropDriftLayouts(service: string, keep: string): Promise<void> {
    for (const [k, c] of this.#driftCells) if (c.service === service && c.layout !== keep) this.#driftCells.delete(k);
    return Promise.resolve();
  }

  saveGoldenSet(meta: Omit<GoldenSetMeta, 'id'>, items: readonly GoldenExample[]): Promise<string> {
    return Promise.resolve(this.#evals.saveGoldenSet(meta, items));
  }

  getGoldenSet(service: string, name: string, id?: string): Promise<GoldenSetRecord | undefined> {
    return Promise.resolve(this.#evals.getGoldenSet(service, name, id));
  }

  listGoldenSets(service: string): Promise<GoldenSetMeta[]> {
    return Promise.resolve(this.#evals.listGoldenSets(service));
  }

  createEvalRun(run: NewEvalRun): Promise<string> {
    return Promise.resolve(this.#evals.createEvalRun(run));
  }

  appendEvalResults(runId: string, results: readonly EvalResultRecord[]): Promise<void> {
    this.#evals.appendEvalResults(runId, results);
    return Promise.resolve();
  }

  finishEvalRun(runId: string, end: Parameters<Store['finishEvalRun']>[1]): Promise<void> {
    this.#evals.finishEvalRun(runId, end);
    return Promise.resolve();
  }

  getEvalRun(id: string): Promise<EvalRunRecord | undefined> {
    return Promise.resolve(this.#evals.getEvalRun(id));
  }

  listEvalRuns(q: EvalRunQuery): Promise<EvalRunRecord[]> {
    return Promise.resolve(this.#evals.listEvalRuns(q));
  }

  readEvalResults(runId: string, q: Parameters<Store['readEvalResults']>[1]): Promise<EvalResultRecord[]> {
    return Promise.resolve(this.#evals.readEvalResults(runId, q));
  }

  readInferences(q: Parameters<Store['readInferences']>[0]): Promise<Array<{ event: InferenceEvent; eligible: boolean; verdict: Verdict | undefined }>> {
    const after = q.after;
    const hits = this.#feed.filter((f) => f.service === q.service && f.ts >= q.from && f.ts < q.to
      && (after === undefined || f.ts > after.ts || (f.ts === after.ts && f.id > after.id)));
    hits.sort((a, b) => a.ts - b.ts || cmp(a.id, b.id));
    return Promise.resolve(hits.slice(0, Math.max(0, q.limit)).map((f) => {
      const rec = this.#inferences.get(f.key)!;
      return { event: JSON.parse(rec.body) as InferenceEvent, eligible: rec.eligible, verdict: rec.verdict === undefined ? undefined : { ...rec.verdict } };
    }));
  }

  enqueueLabelItems(items: readonly NewLabelItem[]): Promise<number> {
    return Promise.resolve(this.#labels.enqueue(items));
  }

  leaseLabelItem(services: readonly string[], labeler: string, now: number, leaseUntil: number): Promise<LabelItemRecord | undefined> {
    return Promise.resolve(this.#labels.lease(services, labeler, now, leaseUntil));
  }

  getLabelItem(id: string): Promise<LabelItemRecord | undefined> {
    return Promise.resolve(this.#labels.get(id));
  }

  recordLabelAction(a: LabelActionRecord, now: number): Promise<LeaseOutcome> {
    return Promise.resolve(this.#labels.record(a, now));
  }

  listLabelActions(service: string, q?: { readonly from?: number; readonly to?: number }): Promise<LabelActionRecord[]> {
    return Promise.resolve(this.#labels.actions(service, q));
  }

  listLabelItems(service: string, q: { readonly fromDay: number; readonly toDay: number; readonly limit: number }): Promise<LabelItemRecord[]> {
    return Promise.resolve(this.#labels.list(service, q));
  }

  getState(key: string): Promise<string | undefined> {
    return Promise.resolve(this.#state.get(key));
  }

  setState(key: string, value: string): Promise<void> {
    this.#state.set(key, value);
    return Promise.resolve();
  }

  createKey(k: ApiKeyRecord): Promise<void> {
    if (this.#keys.has(k.hash) || [...this.#keys.values()].some((x) => x.id === k.id)) {
      return Promise.reject(new Error(`an API key with hash or id ${k.id} already exists`));
    }
    this.#keys.set(k.hash, { ...k });
    return Promise.resolve();
  }

  findKey(hash: string): Promise<ApiKeyRecord | undefined> {
    const k = this.#keys.get(hash);
    return Promise.resolve(k === undefined ? undefined : { ...k });
  }

  listKeys(): Promise<ApiKeyRecord[]> {
    const all = [...this.#keys.values()].map((k) => ({ ...k }));
    all.sort((a, b) => a.createdAt - b.createdAt || cmp(a.id, b.id));
    return Promise.resolve(all);
  }

  revokeKey(id: string): Promise<boolean> {
    const hit = [...this.#keys.values()].find((k) => k.id === id);
    if (hit !== undefined) this.#keys.delete(hit.hash);
    return Promise.resolve(hit !== undefined);
  }
}

function driftKey(c: DriftCellKey): string {
  return [c.service, c.layout, c.resolution, c.bucket, c.attr, c.value, c.model, c.feature].join('\u0000');
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

export function createMemoryStore(): Store {
  return new MemoryStore();
}
