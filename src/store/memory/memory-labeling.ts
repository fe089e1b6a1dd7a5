/** The labeling queue of the memory adapter, with the SQLite adapter's semantics (port.ts). */
import type { LabelActionRecord, LabelItemRecord, LeaseOutcome, NewLabelItem } from '../port.ts';

interface Item {
  rec: LabelItemRecord;
  /** Insert order: the numeric id, the tie-break after createdAt. */
  readonly seq: number;
}

function open(r: LabelItemRecord): boolean {
  return !r.flagged && r.labels < r.needed;
}

export class MemoryLabelQueue {
  readonly #items = new Map<string, Item>();
  /** refKey-like `service\0requestId` → item id: the enqueue dedup. */
  readonly #byRequest = new Map<string, string>();
  readonly #actions: LabelActionRecord[] = [];
  /** `itemId\0labeler` of every action. */
  readonly #acted = new Set<string>();

  enqueue(items: readonly NewLabelItem[]): number {
    let added = 0;
    for (const i of items) {
      const k = `${i.service}\u0000${i.requestId}`;
      if (this.#byRequest.has(k)) continue;
      const seq = this.#items.size + 1;
      const id = String(seq);
      this.#items.set(id, {
        seq,
        rec: {
          id, service: i.service, requestId: i.requestId, day: i.day, createdAt: i.createdAt, samplingProb: i.samplingProb,
          stratum: i.stratum, needed: i.needed, request: i.request, labels: 0, flagged: false, leasedBy: undefined, leasedUntil: undefined,
        },
      });
      this.#byRequest.set(k, id);
      added++;
    }
    return added;
  }

  #hasActed(itemId: string, labeler: string): boolean {
    return this.#acted.has(`${itemId}\u0000${labeler}`);
  }

  lease(services: readonly string[], labeler: string, now: number, leaseUntil: number): LabelItemRecord | undefined {
    const wanted = new Set(services);
    const candidates = [...this.#items.values()]
      .filter((i) => wanted.has(i.rec.service) && open(i.rec) && !this.#hasActed(i.rec.id, labeler))
      .sort((a, b) => a.rec.createdAt - b.rec.createdAt || a.seq - b.seq);
    const live = (i: Item): boolean => i.rec.leasedUntil !== undefined && i.rec.leasedUntil > now;
    const pick = candidates.find((i) => i.rec.leasedBy === labeler && live(i)) ?? candidates.find((i) => !live(i));
    if (pick === undefined) return undefined;
    pick.rec = { ...pick.rec, leasedBy: labeler, leasedUntil: leaseUntil };
    return { ...pick.rec };
  }

  get(id: string): LabelItemRecord | undefined {
    const i = this.#items.get(id);
    return i === undefined ? undefined : { ...i.rec };
  }

  record(a: LabelActionRecord, now: number): LeaseOutcome {
    const item = this.#items.get(a.itemId);
    if (item === undefined || item.rec.service !== a.service) return { kind: 'not_found' };
    const r = item.rec;
    if (r.leasedBy !== undefined && r.leasedBy !== a.labeler && r.leasedUntil !== undefined && r.leasedUntil > now) {
      return { kind: 'conflict', reason: 'another labeler holds the lease on this item' };
    }
    if (this.#hasActed(a.itemId, a.labeler)) return { kind: 'conflict', reason: 'this labeler already acted on this item' };
    this.#actions.push({ ...a });
    this.#acted.add(`${a.itemId}\u0000${a.labeler}`);
    item.rec = {
      ...r, leasedBy: undefined, leasedUntil: undefined,
      labels: r.labels + (a.action === 'label' ? 1 : 0), flagged: r.flagged || a.action === 'flag',
    };
    return { kind: 'ok' };
  }

  actions(service: string, q: { readonly from?: number; readonly to?: number } = {}): LabelActionRecord[] {
    const from = q.from ?? Number.MIN_SAFE_INTEGER;
    const to = q.to ?? Number.MAX_SAFE_INTEGER;
    return this.#actions.map((a, i) => ({ a, i })).filter(({ a }) => a.service === service && a.at >= from && a.at < to)
      .sort((x, y) => x.a.at - y.a.at || x.i - y.i).map(({ a }) => ({ ...a }));
  }

  list(service: string, q: { readonly fromDay: number; readonly toDay: number; readonly limit: number }): LabelItemRecord[] {
    return [...this.#items.values()].filter((i) => i.rec.service === service && i.rec.day >= q.fromDay && i.rec.day < q.toDay)
      .sort((a, b) => a.rec.createdAt - b.rec.createdAt || a.seq - b.seq)
      .slice(0, Math.max(0, q.limit)).map((i) => ({ ...i.rec }));
  }
}
