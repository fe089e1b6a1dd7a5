/**
 * The labeling queue in the storage contract (port.ts enqueueLabelItems … listLabelItems): run by
 * storeContract for every adapter. Expectations are written by hand.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LabelAction, LabelActionRecord, LabelItemRecord, NewLabelItem, Store } from '../../src/store/port.ts';
import type { StoreHarness } from './contract.ts';
import { storeRunner } from './with-store.ts';

const SVC = 'fraud-scorer';
const OTHER = 'recommender';
const DAY = Date.UTC(2026, 10, 28);
const D = 86_400_000;

function item(requestId: string, createdAt: number, over: Partial<NewLabelItem> = {}): NewLabelItem {
  return {
    service: SVC, requestId, day: DAY, createdAt, samplingProb: 0.25, stratum: 'language=pt', needed: 1,
    request: `{"kind":"inference","id":"${requestId}"}`, ...over,
  };
}

function queued(i: NewLabelItem, id: string, over: Partial<LabelItemRecord> = {}): LabelItemRecord {
  return { ...i, id, labels: 0, flagged: false, leasedBy: undefined, leasedUntil: undefined, ...over };
}

function act(it: LabelItemRecord, labeler: string, at: number, action: LabelAction, over: Partial<LabelActionRecord> = {}): LabelActionRecord {
  return {
    itemId: it.id, service: it.service, requestId: it.requestId, labeler, at, action,
    label: action === 'label' ? '{"label":"fraud"}' : null, note: action === 'flag' ? 'contains a card number' : null, ...over,
  };
}

/** Finds the item a request was queued as (ids are store-assigned). */
async function byRequest(s: Store, requestId: string, service = SVC): Promise<LabelItemRecord> {
  const all = await s.listLabelItems(service, { fromDay: 0, toDay: Number.MAX_SAFE_INTEGER, limit: 100 });
  const found = all.find((i) => i.requestId === requestId);
  assert.ok(found, `item for ${requestId}`);
  return found;
}

export function labelContract(make: () => Promise<StoreHarness>): void {
  const withStore = storeRunner(make);

  it('labeling: enqueue skips a (service, request) already queued; items list by day, oldest first', () => withStore(async (s) => {
    const i1 = item('r-1', 100);
    const i2 = item('r-2', 200, { needed: 2, stratum: 'language=en', samplingProb: 0.05 });
    const i3 = item('r-3', 50, { day: DAY + D });
    const o1 = item('r-1', 100, { service: OTHER });
    assert.equal(await s.enqueueLabelItems([i1, i2, item('r-1', 300)]), 2, 'a duplicate within one call is skipped');
    assert.equal(await s.enqueueLabelItems([item('r-2', 400), i3, o1]), 2, 'and one already stored');
    assert.equal(await s.enqueueLabelItems([]), 0);

    const day0 = await s.listLabelItems(SVC, { fromDay: DAY, toDay: DAY + D, limit: 10 });
    assert.deepEqual(day0.map((i) => i.requestId), ['r-1', 'r-2']);
    const [a, b] = day0 as [LabelItemRecord, LabelItemRecord];
    assert.deepEqual(a, queued(i1, a.id), 'the first enqueue of r-1 is the one kept');
    assert.deepEqual(b, queued(i2, b.id));
    assert.deepEqual(await s.getLabelItem(a.id), a);
    assert.equal(await s.getLabelItem('999999'), undefined);
    assert.equal(await s.getLabelItem('nope'), undefined);
    assert.deepEqual((await s.listLabelItems(SVC, { fromDay: DAY, toDay: DAY + 2 * D, limit: 10 })).map((i) => i.requestId), ['r-3', 'r-1', 'r-2'], 'by createdAt');
    assert.deepEqual((await s.listLabelItems(SVC, { fromDay: DAY, toDay: DAY + 2 * D, limit: 1 })).map((i) => i.requestId), ['r-3']);
    assert.deepEqual((await s.listLabelItems(SVC, { fromDay: DAY + D, toDay: DAY + 2 * D, limit: 10 })).map((i) => i.requestId), ['r-3'], 'fromDay <= day < toDay');
    assert.deepEqual((await s.listLabelItems(OTHER, { fromDay: DAY, toDay: DAY + D, limit: 10 })).map((i) => [i.service, i.requestId]), [[OTHER, 'r-1']]);
  }));

  it('labeling: leases go oldest first; a live lease blocks others, comes back to its holder, and frees the item when it expires', () => withStore(async (s) => {
    await s.enqueueLabelItems([item('a', 100), item('b', 200), item('c', 300), item('o', 50, { service: OTHER })]);
    const lease = async (labeler: string, now: number, until: number, services = [SVC]) => {
      const got = await s.leaseLabelItem(services, labeler, now, until);
      return got === undefined ? undefined : [got.requestId, got.leasedBy, got.leasedUntil];
    };
    assert.deepEqual(await lease('alice', 1000, 3000), ['a', 'alice', 3000]);
    assert.deepEqual(await lease('bob', 1000, 2000), ['b', 'bob', 2000], 'alice\'s live lease blocks a');
    assert.deepEqual(await lease('alice', 1500, 3500), ['a', 'alice', 3500], 'her live lease comes back, extended');
    assert.deepEqual(await lease('carol', 1500, 2500, [SVC, OTHER]), ['o', 'carol', 2500], 'oldest across the services asked for');
    assert.deepEqual(await lease('carol', 1500, 2600), ['c', 'carol', 2600], 'her lease on o is in a service not asked for');
    assert.equal(await lease('dave', 1500, 4000), undefined, 'everything is leased live');
    // 2000: bob's lease (until 2000) has expired — b is free again, and older than carol's c
    assert.deepEqual(await lease('carol', 2000, 3000), ['c', 'carol', 3000], 'a labeler\'s live lease comes first');
    assert.deepEqual(await lease('dave', 2000, 4000), ['b', 'dave', 4000], 'an expired lease frees the item');
    assert.equal(await lease('bob', 2000, 4000), undefined);
    assert.equal(await lease('alice', 2000, 4000, []), undefined);
    assert.equal(await lease('alice', 2000, 4000, ['nobody']), undefined);
    const b = await byRequest(s, 'b');
    assert.deepEqual([b.leasedBy, b.leasedUntil, b.labels], ['dave', 4000, 0]);
  }));

  it('labeling: actions — conflicts, not_found, label counts, skip frees, flag removes, two labelers for needed=2', () => withStore(async (s) => {
    await s.enqueueLabelItems([item('a', 100), item('b', 200, { needed: 2 }), item('c', 300)]);
    const a = await byRequest(s, 'a');
    const b = await byRequest(s, 'b');
    const c = await byRequest(s, 'c');

    assert.equal((await s.leaseLabelItem([SVC], 'alice', 1000, 2000))?.id, a.id);
    const bobOnA = await s.recordLabelAction(act(a, 'bob', 1500, 'label'), 1500);
    assert.equal(bobOnA.kind, 'conflict', 'alice holds a live lease');
    assert.equal((await s.getLabelItem(a.id))?.labels, 0, 'a conflict changes nothing');
    assert.deepEqual(await s.recordLabelAction(act(a, 'alice', 1500, 'label', { itemId: '999999' }), 1500), { kind: 'not_found' });
    assert.deepEqual(await s.recordLabelAction(act(a, 'alice', 1500, 'label', { itemId: 'nope' }), 1500), { kind: 'not_found' });
    assert.deepEqual(await s.recordLabelAction(act(a, 'alice', 1500, 'label', { service: OTHER }), 1500), { kind: 'not_found' }, 'another service\'s id');

    assert.deepEqual(await s.recordLabelAction(act(a, 'alice', 1500, 'label'), 1500), { kind: 'ok' });
    assert.deepEqual(await s.getLabelItem(a.id), { ...a, labels: 1, leasedBy: undefined, leasedUntil: undefined }, 'counted, lease cleared');
    assert.equal((await s.recordLabelAction(act(a, 'alice', 1600, 'label'), 1600)).kind, 'conflict', 'the same labeler acts once');
    assert.equal((await s.getLabelItem(a.id))?.labels, 1);

    assert.equal((await s.leaseLabelItem([SVC], 'alice', 1600, 2600))?.id, b.id, 'a has its label');
    assert.deepEqual(await s.recordLabelAction(act(b, 'alice', 1700, 'label'), 1700), { kind: 'ok' });
    assert.equal((await s.leaseLabelItem([SVC], 'alice', 1700, 2700))?.id, c.id, 'b wants a second label, but not alice\'s');
    assert.deepEqual(await s.recordLabelAction(act(c, 'alice', 1800, 'skip'), 1800), { kind: 'ok' });
    assert.deepEqual(await s.getLabelItem(c.id), { ...c, labels: 0, flagged: false, leasedBy: undefined, leasedUntil: undefined }, 'a skip counts nothing');
    assert.equal(await s.leaseLabelItem([SVC], 'alice', 1800, 2800), undefined, 'alice has acted on every open item');

    assert.equal((await s.leaseLabelItem([SVC], 'bob', 1900, 2900))?.id, b.id, 'the second labeler of b');
    assert.deepEqual(await s.recordLabelAction(act(b, 'bob', 2000, 'label', { label: '{"label":"legit"}' }), 2000), { kind: 'ok' });
    assert.equal((await s.getLabelItem(b.id))?.labels, 2);
    assert.equal((await s.leaseLabelItem([SVC], 'bob', 2000, 3000))?.id, c.id, 'alice\'s skip left c to others');
    assert.deepEqual(await s.recordLabelAction(act(c, 'bob', 2100, 'flag'), 2100), { kind: 'ok' });
    assert.equal((await s.getLabelItem(c.id))?.flagged, true);
    assert.equal(await s.leaseLabelItem([SVC], 'carol', 2200, 3200), undefined, 'a and b have their labels, c is flagged');

    // an expired lease does not block an action; acting without a lease is fine
    await s.enqueueLabelItems([item('d', 400)]);
    const d = await byRequest(s, 'd');
    assert.equal((await s.leaseLabelItem([SVC], 'carol', 3000, 3100))?.id, d.id);
    assert.equal((await s.recordLabelAction(act(d, 'dave', 3050, 'skip'), 3050)).kind, 'conflict');
    assert.deepEqual(await s.recordLabelAction(act(d, 'dave', 3100, 'skip'), 3100), { kind: 'ok' }, 'carol\'s lease ended at 3100');
    assert.deepEqual(await s.getLabelItem(d.id), { ...d, leasedBy: undefined, leasedUntil: undefined }, 'the action cleared the expired lease');

    const actions = await s.listLabelActions(SVC);
    assert.deepEqual(actions.map((x) => [x.requestId, x.labeler, x.at, x.action]), [
      ['a', 'alice', 1500, 'label'], ['b', 'alice', 1700, 'label'], ['c', 'alice', 1800, 'skip'],
      ['b', 'bob', 2000, 'label'], ['c', 'bob', 2100, 'flag'], ['d', 'dave', 3100, 'skip'],
    ], 'oldest first; conflicts recorded nothing');
    assert.deepEqual(actions[3], act(b, 'bob', 2000, 'label', { label: '{"label":"legit"}' }));
    assert.deepEqual(actions[4], act(c, 'bob', 2100, 'flag'));
    assert.deepEqual((await s.listLabelActions(SVC, { from: 1700, to: 2100 })).map((x) => x.at), [1700, 1800, 2000], 'from <= at < to');
    assert.deepEqual((await s.listLabelActions(SVC, { from: 2000 })).map((x) => x.at), [2000, 2100, 3100]);
    assert.deepEqual(await s.listLabelActions(OTHER), []);

    // a later action on a flagged item keeps the flag
    assert.deepEqual(await s.recordLabelAction(act(c, 'carol', 4000, 'skip'), 4000), { kind: 'ok' });
    assert.deepEqual(await s.getLabelItem(c.id), { ...c, flagged: true }, 'still flagged, no label counted');
  }));
}
