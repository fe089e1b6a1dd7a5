/**
 * The labeling queue on ClickHouse (DESIGN §2.8). Items are written once; what changes is derived from
 * append-only rows: `labels` counts the item's `label` actions, `flagged` is any `flag` action, and the
 * lease is the item's newest lease row unless an action came after it (an action clears the lease).
 *
 * Without compare-and-set, leaseLabelItem writes a lease row and reads the item's leases back: the lease
 * is taken when the newest one is its own, otherwise it tries the next item. One API replica serving the
 * queue behaves exactly like SQLite. With several, two labelers leasing at the same instant can both read
 * their own row back before the other's lands and get the same item; both can then act on it (two labels
 * where one was wanted): wasted work, never a lost label. Likewise enqueueing the same request from two
 * processes at once can queue it twice.
 */
import type { LabelAction, LabelActionRecord, LabelItemRecord, LeaseOutcome, NewLabelItem } from '../port.ts';
import type { Db, Versions } from './db.ts';
import { chunks, int, str, strList } from './sql.ts';

interface ItemRow {
  readonly id: string;
  readonly service: string;
  readonly request_id: string;
  readonly day: number;
  readonly created_at: number;
  readonly sampling_prob: number;
  readonly stratum: string;
  readonly needed: number;
  readonly request: string;
  readonly ver: number;
}

const ITEM_COLUMNS = 'id, service, request_id, day, created_at, sampling_prob, stratum, needed, request, ver';

interface ActionRow {
  readonly item_id: string;
  readonly service: string;
  readonly request_id: string;
  readonly labeler: string;
  readonly at: number;
  readonly action: string;
  readonly label: string | null;
  readonly note: string | null;
  readonly ver: number;
}

const ACTION_COLUMNS = 'item_id, service, request_id, labeler, at, action, label, note, ver';

interface LeaseRow {
  readonly item_id: string;
  readonly labeler: string;
  readonly until: number;
  readonly ver: number;
}

/** What the action and lease rows say about an item now. */
interface ItemState {
  readonly labels: number;
  readonly flagged: boolean;
  readonly actedBy: ReadonlySet<string>;
  readonly lease: LeaseRow | undefined;
}

function stateOf(actions: readonly ActionRow[], leases: readonly LeaseRow[]): ItemState {
  let lease: LeaseRow | undefined;
  for (const l of leases) if (lease === undefined || l.ver > lease.ver) lease = l;
  const lastAction = Math.max(0, ...actions.map((a) => a.ver));
  return {
    labels: actions.filter((a) => a.action === 'label').length,
    flagged: actions.some((a) => a.action === 'flag'),
    actedBy: new Set(actions.map((a) => a.labeler)),
    lease: lease !== undefined && lease.ver > lastAction ? lease : undefined,
  };
}

function record(r: ItemRow, s: ItemState): LabelItemRecord {
  return {
    id: r.id, service: r.service, requestId: r.request_id, day: r.day, createdAt: r.created_at, samplingProb: r.sampling_prob,
    stratum: r.stratum, needed: r.needed, request: r.request, labels: s.labels, flagged: s.flagged,
    leasedBy: s.lease?.labeler, leasedUntil: s.lease?.until,
  };
}

function actionRecord(r: ActionRow): LabelActionRecord {
  return { itemId: r.item_id, service: r.service, requestId: r.request_id, labeler: r.labeler, at: r.at, action: r.action as LabelAction, label: r.label, note: r.note };
}

function group<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(key(r));
    if (list === undefined) m.set(key(r), [r]);
    else list.push(r);
  }
  return m;
}

/** Oldest first: createdAt, then the earlier enqueue. */
function byAge(a: ItemRow, b: ItemRow): number {
  return a.created_at - b.created_at || a.ver - b.ver;
}

export class ClickHouseLabelQueue {
  readonly #db: Db;
  readonly #versions: Versions;

  constructor(db: Db, versions: Versions) {
    this.#db = db;
    this.#versions = versions;
  }

  async enqueue(items: readonly NewLabelItem[]): Promise<number> {
    if (items.length === 0) return 0;
    const queued = new Set<string>();
    for (const [service, list] of group(items, (i) => i.service)) {
      for (const part of chunks([...new Set(list.map((i) => i.requestId))], 1000)) {
        const rows = await this.#db.rows<{ request_id: string }>(`SELECT request_id FROM ${this.#db.table('label_item')}
          WHERE service = ${str(service)} AND request_id IN ${strList(part)}`, 'queueing label items');
        for (const r of rows) queued.add(`${service}\u0000${r.request_id}`);
      }
    }
    const first = this.#versions.take(items.length);
    const add: ItemRow[] = [];
    items.forEach((i, n) => {
      const k = `${i.service}\u0000${i.requestId}`;
      if (queued.has(k)) return;
      queued.add(k);
      const ver = first + n;
      add.push({
        id: String(ver), service: i.service, request_id: i.requestId, day: i.day, created_at: i.createdAt, sampling_prob: i.samplingProb,
        stratum: i.stratum, needed: i.needed, request: i.request, ver,
      });
    });
    await this.#db.insert('label_item', add, 'queueing label items');
    return add.length;
  }

  /** Items with their derived state. */
  async #withState(items: readonly ItemRow[]): Promise<Array<{ item: ItemRow; state: ItemState }>> {
    if (items.length === 0) return [];
    const actions: ActionRow[] = [];
    const leases: LeaseRow[] = [];
    for (const part of chunks(items.map((i) => i.id), 1000)) {
      actions.push(...await this.#db.rows<ActionRow>(`SELECT ${ACTION_COLUMNS} FROM ${this.#db.table('label_action')}
        WHERE item_id IN ${strList(part)}`, 'reading label actions'));
      leases.push(...await this.#db.rows<LeaseRow>(`SELECT item_id, labeler, until, ver FROM ${this.#db.table('label_lease')}
        WHERE item_id IN ${strList(part)}`, 'reading label leases'));
    }
    const actionsOf = group(actions, (a) => a.item_id);
    const leasesOf = group(leases, (l) => l.item_id);
    return items.map((item) => ({ item, state: stateOf(actionsOf.get(item.id) ?? [], leasesOf.get(item.id) ?? []) }));
  }

  async #items(where: string): Promise<ItemRow[]> {
    return this.#db.rows<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM ${this.#db.table('label_item')} WHERE ${where}`, 'reading label items');
  }

  async lease(services: readonly string[], labeler: string, now: number, leaseUntil: number): Promise<LabelItemRecord | undefined> {
    if (services.length === 0) return undefined;
    const live = (s: ItemState): boolean => s.lease !== undefined && s.lease.until > now;
    const open = (await this.#withState(await this.#items(`service IN ${strList(services)}`)))
      .filter(({ item, state }) => !state.flagged && state.labels < item.needed && !state.actedBy.has(labeler))
      .sort((a, b) => byAge(a.item, b.item));
    const own = open.filter(({ state }) => live(state) && state.lease!.labeler === labeler);
    const free = open.filter(({ state }) => !live(state));
    for (const { item, state } of [...own.slice(0, 1), ...free]) {
      const ver = this.#versions.take();
      await this.#db.insert('label_lease', [{ item_id: item.id, labeler, until: leaseUntil, ver }], 'leasing a label item');
      const leases = await this.#db.rows<LeaseRow>(`SELECT item_id, labeler, until, ver FROM ${this.#db.table('label_lease')}
        WHERE item_id = ${str(item.id)} ORDER BY ver DESC LIMIT 1`, 'leasing a label item');
      if (leases[0]?.ver === ver) return record(item, { ...state, lease: { item_id: item.id, labeler, until: leaseUntil, ver } });
      // Someone leased it since we read it: the next one.
    }
    return undefined;
  }

  async get(id: string): Promise<LabelItemRecord | undefined> {
    const [found] = await this.#withState(await this.#items(`id = ${str(id)}`));
    return found === undefined ? undefined : record(found.item, found.state);
  }

  async record(a: LabelActionRecord, now: number): Promise<LeaseOutcome> {
    const [found] = await this.#withState(await this.#items(`id = ${str(a.itemId)}`));
    if (found === undefined || found.item.service !== a.service) return { kind: 'not_found' };
    const { lease, actedBy } = found.state;
    if (lease !== undefined && lease.labeler !== a.labeler && lease.until > now) {
      return { kind: 'conflict', reason: 'another labeler holds the lease on this item' };
    }
    if (actedBy.has(a.labeler)) return { kind: 'conflict', reason: 'this labeler already acted on this item' };
    await this.#db.insert('label_action', [{
      item_id: a.itemId, service: a.service, request_id: a.requestId, labeler: a.labeler, at: a.at, action: a.action, label: a.label, note: a.note,
      ver: this.#versions.take(),
    }], 'recording a label');
    return { kind: 'ok' };
  }

  async actions(service: string, q: { readonly from?: number; readonly to?: number } = {}): Promise<LabelActionRecord[]> {
    const rows = await this.#db.rows<ActionRow>(`SELECT ${ACTION_COLUMNS} FROM ${this.#db.table('label_action')}
      WHERE service = ${str(service)} AND at >= ${int(Math.max(q.from ?? Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER))}
        AND at < ${int(Math.min(q.to ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER))} ORDER BY at, ver`, 'listing labels');
    return rows.map(actionRecord);
  }

  async list(service: string, q: { readonly fromDay: number; readonly toDay: number; readonly limit: number }): Promise<LabelItemRecord[]> {
    const items = await this.#db.rows<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM ${this.#db.table('label_item')}
      WHERE service = ${str(service)} AND day >= ${int(q.fromDay)} AND day < ${int(Math.min(q.toDay, Number.MAX_SAFE_INTEGER))}
      ORDER BY created_at, ver LIMIT ${int(Math.max(0, q.limit))}`, 'listing label items');
    return (await this.#withState(items)).map(({ item, state }) => record(item, state));
  }
}
