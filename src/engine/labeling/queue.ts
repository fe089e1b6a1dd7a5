/**
 * The labeling queue (DESIGN §2.8, docs/labeling.md "The queue"): labelers lease items, see the request
 * and a form for the task, and label, skip or flag them. A label becomes a human outcome event that goes
 * through the Ingestor exactly as `POST /v1/events` would store it — durable before the action is
 * recorded — with the item's inclusion probability as its `samplingProb`, so the Hájek estimate weighs
 * it by 1/π (DESIGN §2.4).
 *
 * The outcome's id is `label:<item>:<labeler>`: a retried submit finds its outcome already stored and
 * is answered as a success without a second label; a different label from the same labeler is refused.
 * If the process stops between the two writes the outcome counts and the action is recorded on retry.
 */
import { MlsloError } from '../../core/errors.ts';
import type { Label, OutcomeEvent } from '../../core/event.ts';
import { DAY_MS, type LabelingSpec, type ServiceSpec, type Task } from '../../core/spec.ts';
import type { Ingestor } from '../../ingest/ingest.ts';
import { refKey, type ApiKeyRecord, type LabelAction, type LabelActionRecord, type LabelItemRecord, type Store } from '../../store/port.ts';
import { predictionOf } from './inference-wire.ts';
import { labelForm, parseSubmission, payloadWire, sortLabels, type LabelFormSpec } from './label-form.ts';
import { utcDay } from './sampler-job.ts';

export interface LabelQueueOptions {
  readonly store: Store;
  readonly specs: () => ReadonlyMap<string, ServiceSpec>;
  readonly now: () => number;
  readonly ingestor: Ingestor;
}

export interface QueueView {
  readonly service: string;
  readonly task: Task;
  readonly open: number;
  readonly available: number;
  readonly done: number;
  readonly flagged: number;
}

export interface LeasedView {
  readonly id: string;
  readonly service: string;
  readonly requestId: string;
  readonly leasedUntil: number;
  readonly request: unknown;
  readonly form: LabelFormSpec;
  readonly remaining: number;
}

export interface ActionView {
  readonly itemId: string;
  readonly action: LabelAction;
  /** The human outcome's id (action `label`), else null. */
  readonly outcome: string | null;
}

/** How far back the class list of a classification form looks (queued requests and their labels). */
const CLASS_LOOKBACK_DAYS = 7;
const CLASS_SAMPLE = 500;
const CLASS_CACHE_MS = 60_000;
export const MAX_NOTE = 500;

const conflict = (why: string): MlsloError => new MlsloError('MLSLO_ERR_LABEL_CONFLICT', why);

/** JSON with object keys sorted, so two payloads compare by content. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function liveLeaseByOther(item: LabelItemRecord, labeler: string, now: number): boolean {
  return item.leasedBy !== undefined && item.leasedBy !== labeler && item.leasedUntil !== undefined && item.leasedUntil > now;
}

/** An item a labeler could take now: open, not held by someone else, not acted on by this labeler. */
function availableTo(item: LabelItemRecord, labeler: string, acted: ReadonlySet<string>, now: number): boolean {
  return !item.flagged && item.labels < item.needed && !liveLeaseByOther(item, labeler, now) && !acted.has(item.id);
}

export class LabelQueue {
  private readonly classCache = new Map<string, { readonly until: number; readonly classes: readonly Label[] }>();

  constructor(private readonly opts: LabelQueueOptions) {}

  /** The services a key may label: its scope (when that service has labeling), else every service with labeling. */
  servicesOf(key: ApiKeyRecord): ServiceSpec[] {
    return [...this.opts.specs().values()].filter((s) => s.labeling !== undefined && (key.service === undefined || key.service === s.name));
  }

  async queues(key: ApiKeyRecord): Promise<QueueView[]> {
    const now = this.opts.now();
    const out: QueueView[] = [];
    for (const spec of this.servicesOf(key)) {
      const { items, acted } = await this.recent(spec, key.id, now);
      out.push({
        service: spec.name, task: spec.task,
        open: items.filter((i) => !i.flagged && i.labels < i.needed).length,
        available: items.filter((i) => availableTo(i, key.id, acted, now)).length,
        done: items.filter((i) => i.labels >= i.needed).length,
        flagged: items.filter((i) => i.flagged).length,
      });
    }
    return out;
  }

  /** Leases the next item for the key (of `service`, or of any service it may label); undefined when none is available. */
  async lease(key: ApiKeyRecord, service?: string): Promise<LeasedView | undefined> {
    let specs = this.servicesOf(key);
    if (service !== undefined) {
      const spec = this.opts.specs().get(service);
      if (spec === undefined) throw new MlsloError('MLSLO_ERR_SERVICE_NOT_FOUND', `\`${service}\``);
      if (key.service !== undefined && key.service !== service) throw new MlsloError('MLSLO_ERR_FORBIDDEN', `this key is scoped to service \`${key.service}\``);
      if (spec.labeling === undefined) throw new MlsloError('MLSLO_ERR_LABELING_OFF', `\`${service}\``);
      specs = [spec];
    }
    if (specs.length === 0) return undefined;
    const now = this.opts.now();
    // One lease length per call: with several services, the shortest of theirs (a lease may end early, never late).
    const leaseMs = Math.min(...specs.map((s) => s.labeling!.leaseMs));
    const item = await this.opts.store.leaseLabelItem(specs.map((s) => s.name), key.id, now, now + leaseMs);
    if (item === undefined) return undefined;
    const spec = this.opts.specs().get(item.service)!;
    const request = JSON.parse(item.request) as unknown;
    const prediction = predictionOf(request);
    const classes = spec.task === 'classification' ? await this.classesFor(spec, request, now) : [];
    let remaining = 0;
    for (const s of specs) {
      const { items, acted } = await this.recent(s, key.id, now);
      remaining += items.filter((i) => i.id !== item.id && availableTo(i, key.id, acted, now)).length;
    }
    return {
      id: item.id, service: item.service, requestId: item.requestId, leasedUntil: item.leasedUntil ?? now + leaseMs,
      request, form: labelForm(spec.task, spec.labeling!, prediction, classes), remaining,
    };
  }

  /** Validates the label, stores it as a human outcome (durable), then records the action. */
  async label(key: ApiKeyRecord, itemId: string, body: unknown): Promise<ActionView> {
    const { item, spec, labeling } = await this.itemFor(key, itemId);
    const prediction = predictionOf(JSON.parse(item.request) as unknown);
    const parsed = parseSubmission(body, spec.task, labelForm(spec.task, labeling, prediction, []));
    if (!parsed.ok) {
      throw new MlsloError('MLSLO_ERR_LABEL_INVALID', parsed.problems.map((p) => `${p.path === '' ? '/' : p.path}: ${p.message}`).join('; '), { details: { problems: parsed.problems } });
    }
    const outcomeId = `label:${item.id}:${key.id}`;
    const stored = await this.storedOutcome(item, outcomeId);
    const now = this.opts.now();
    if (stored !== undefined) {
      if (stableJson(stored.payload) !== stableJson(parsed.payload)) {
        throw conflict('this labeler already labeled the item differently; labels are never overwritten');
      }
    } else {
      await this.checkCanAct(item, key.id, now);
      const event = {
        kind: 'outcome', id: outcomeId, requestId: item.requestId, service: item.service, ts: new Date(now).toISOString(),
        source: 'human', annotator: key.id, samplingProb: item.samplingProb, ...payloadWire(parsed.payload),
      };
      const r = await this.opts.ingestor.ingest([event], { service: undefined });
      const rejected = r.rejected[0];
      if (rejected !== undefined) {
        if (rejected.code === 'conflict') throw conflict('a different label of this labeler for the item is stored');
        throw new MlsloError('MLSLO_ERR_LABEL_INVALID', `${rejected.path}: ${rejected.message}`);
      }
    }
    const result = await this.opts.store.recordLabelAction(this.action(item, key.id, now, 'label', JSON.stringify(parsed.label), null), now);
    if (result.kind === 'not_found') throw new MlsloError('MLSLO_ERR_LABEL_ITEM_NOT_FOUND', `\`${itemId}\``);
    // A retry whose first attempt recorded the action already: the label is in, answer as then.
    if (result.kind === 'conflict' && !(stored !== undefined && (await this.hasActed(item, key.id, 'label')))) throw conflict(result.reason);
    return { itemId: item.id, action: 'label', outcome: outcomeId };
  }

  skip(key: ApiKeyRecord, itemId: string): Promise<ActionView> {
    return this.act(key, itemId, 'skip', null);
  }

  flag(key: ApiKeyRecord, itemId: string, note: string | undefined): Promise<ActionView> {
    if (note !== undefined && note.length > MAX_NOTE) {
      const problems = [{ path: '/note', message: `must be at most ${MAX_NOTE} characters` }];
      throw new MlsloError('MLSLO_ERR_LABEL_INVALID', `/note: ${problems[0]!.message}`, { details: { problems } });
    }
    return this.act(key, itemId, 'flag', note ?? null);
  }

  /** Skip and flag record an action only; repeating one's own action is answered as a success. */
  private async act(key: ApiKeyRecord, itemId: string, action: 'skip' | 'flag', note: string | null): Promise<ActionView> {
    const { item } = await this.itemFor(key, itemId);
    const view: ActionView = { itemId: item.id, action, outcome: null };
    if (await this.hasActed(item, key.id, action)) return view;
    const now = this.opts.now();
    if (action === 'skip') await this.checkCanAct(item, key.id, now);
    const result = await this.opts.store.recordLabelAction(this.action(item, key.id, now, action, null, note), now);
    if (result.kind === 'not_found') throw new MlsloError('MLSLO_ERR_LABEL_ITEM_NOT_FOUND', `\`${itemId}\``);
    if (result.kind === 'conflict') throw conflict(result.reason);
    return view;
  }

  private action(item: LabelItemRecord, labeler: string, at: number, action: LabelAction, label: string | null, note: string | null): LabelActionRecord {
    return { itemId: item.id, service: item.service, requestId: item.requestId, labeler, at, action, label, note };
  }

  /** The item, checked against the key's scope and the service's spec. */
  private async itemFor(key: ApiKeyRecord, itemId: string): Promise<{ item: LabelItemRecord; spec: ServiceSpec; labeling: LabelingSpec }> {
    const item = await this.opts.store.getLabelItem(itemId);
    const spec = item === undefined ? undefined : this.opts.specs().get(item.service);
    if (item === undefined || spec === undefined) throw new MlsloError('MLSLO_ERR_LABEL_ITEM_NOT_FOUND', `\`${itemId}\``);
    if (key.service !== undefined && key.service !== item.service) throw new MlsloError('MLSLO_ERR_FORBIDDEN', `this key is scoped to service \`${key.service}\``);
    if (spec.labeling === undefined) throw new MlsloError('MLSLO_ERR_LABELING_OFF', `\`${item.service}\``);
    return { item, spec, labeling: spec.labeling };
  }

  /** Refuses, before anything is stored, what the store would refuse after the outcome is ingested. */
  private async checkCanAct(item: LabelItemRecord, labeler: string, now: number): Promise<void> {
    if (item.flagged) throw conflict('the item is flagged');
    if (item.labels >= item.needed) throw conflict(`the item already has its ${item.needed === 1 ? 'label' : `${item.needed} labels`}`);
    if (liveLeaseByOther(item, labeler, now)) throw conflict(`another labeler holds the item until ${new Date(item.leasedUntil!).toISOString()}`);
    const mine = await this.actionsOf(item, labeler);
    if (mine.length > 0) throw conflict(`this labeler already acted on the item (${mine[0]!.action})`);
  }

  private async actionsOf(item: LabelItemRecord, labeler: string): Promise<LabelActionRecord[]> {
    const all = await this.opts.store.listLabelActions(item.service, { from: item.createdAt });
    return all.filter((a) => a.itemId === item.id && a.labeler === labeler);
  }

  private async hasActed(item: LabelItemRecord, labeler: string, action: LabelAction): Promise<boolean> {
    return (await this.actionsOf(item, labeler)).some((a) => a.action === action);
  }

  private async storedOutcome(item: LabelItemRecord, id: string): Promise<OutcomeEvent | undefined> {
    const snap = await this.opts.store.lookupForIngest({ inferences: [], requests: [{ service: item.service, id: item.requestId }], outcomeKeys: [] });
    return snap.outcomesByRequest.get(refKey(item.service, item.requestId))?.find((o) => o.event.key === id)?.event;
  }

  /**
   * The items the queue counts — those drawn within the label grace (older requests' labels are
   * rarely wanted any more) — and the ids of those this labeler acted on.
   */
  private async recent(spec: ServiceSpec, labeler: string, now: number): Promise<{ items: LabelItemRecord[]; acted: Set<string> }> {
    const from = utcDay(now - spec.quality.labelGraceMs);
    const items: LabelItemRecord[] = [];
    for (let d = from; d <= utcDay(now); d += DAY_MS) items.push(...(await this.opts.store.listLabelItems(spec.name, { fromDay: d, toDay: d + DAY_MS, limit: 1_000_000 })));
    const first = items.reduce((m, i) => Math.min(m, i.createdAt), now);
    const acted = new Set((await this.opts.store.listLabelActions(spec.name, { from: first })).filter((a) => a.labeler === labeler).map((a) => a.itemId));
    return { items, acted };
  }

  /**
   * The classes a classification form offers: the item's predicted label and the labels of its
   * probabilities, plus, for the service, the predicted labels of the requests queued in the last
   * week and their human and ground-truth labels (cached a minute). A labeler may still submit a
   * label outside the list.
   */
  private async classesFor(spec: ServiceSpec, request: unknown, now: number): Promise<Label[]> {
    const own = new Set<Label>();
    const p = predictionOf(request);
    if (p?.kind === 'label') {
      own.add(p.label);
      // Probabilities are keyed by strings; an integer-labelled model's keys name integer labels.
      for (const k of Object.keys(p.probabilities ?? {})) own.add(typeof p.label === 'number' && /^-?\d+$/.test(k) && Number.isSafeInteger(Number(k)) ? Number(k) : k);
    }
    let cached = this.classCache.get(spec.name);
    if (cached === undefined || cached.until <= now) {
      cached = { until: now + CLASS_CACHE_MS, classes: await this.recentClasses(spec, now) };
      this.classCache.set(spec.name, cached);
    }
    return sortLabels(new Set([...own, ...cached.classes]));
  }

  private async recentClasses(spec: ServiceSpec, now: number): Promise<Label[]> {
    const items = await this.opts.store.listLabelItems(spec.name, { fromDay: utcDay(now) - CLASS_LOOKBACK_DAYS * DAY_MS, toDay: utcDay(now) + DAY_MS, limit: CLASS_SAMPLE });
    const out = new Set<Label>();
    for (const i of items) {
      const p = predictionOf(JSON.parse(i.request) as unknown);
      if (p?.kind === 'label') out.add(p.label);
    }
    if (items.length > 0) {
      const requests = items.map((i) => ({ service: spec.name, id: i.requestId }));
      const snap = await this.opts.store.lookupForIngest({ inferences: [], requests, outcomeKeys: [] });
      for (const list of snap.outcomesByRequest.values()) {
        for (const { event: o } of list) if ((o.source === 'human' || o.source === 'ground_truth') && o.payload.kind === 'label') out.add(o.payload.label);
      }
    }
    return [...out];
  }
}
