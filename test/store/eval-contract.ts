/**
 * Golden sets and eval runs in the storage contract (port.ts saveGoldenSet … readEvalResults): run by
 * storeContract for every adapter. Expectations are written by hand.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { EvalResultRecord, EvalRunRecord, GoldenExample, NewEvalRun, Store } from '../../src/store/port.ts';
import type { StoreHarness } from './contract.ts';
import { storeRunner } from './with-store.ts';

const SVC = 'fraud-scorer';
const OTHER = 'recommender';

function result(index: number, over: Partial<EvalResultRecord> = {}): EvalResultRecord {
  return {
    runId: '', index, exampleId: `line-${index + 1}`, segment: 'pt', requestId: undefined, model: 'v7', verdict: true, score: null,
    prediction: '{"label":"fraud"}', baselineVerdict: null, weight: 1, latencyMs: 84.5, attempts: 1, error: null, ...over,
  };
}

function run(over: Partial<NewEvalRun> = {}): NewEvalRun {
  return { service: SVC, kind: 'golden', name: 'smoke', goldenSetId: '7', trigger: 'schedule', startedAt: 1000, model: '', total: 4, ...over };
}

export function evalContract(make: () => Promise<StoreHarness>): void {
  const withStore = storeRunner(make);

  it('golden sets: every save is a version, the newest wins, ids reach older ones, listings show the newest per name', () => withStore(async (s) => {
    const v1Items: GoldenExample[] = [
      { id: 'tx-1', input: { amount: 12.5, country: 'BR', note: null }, expected: { label: 'fraud' }, segment: 'pt' },
      { id: 'line-2', input: [1, 'dois', { três: true }], expected: 'legit', segment: '' },
    ];
    const v2Items: GoldenExample[] = [
      { id: 'tx-1', input: { amount: 13 }, expected: { label: 'legit' }, segment: 'pt' },
      { id: 'tx-2', input: 'olá "mundo"\n', expected: 0.25, segment: 'pt' },
      { id: 'tx-3', input: { nested: { deep: [null, false] } }, expected: null, segment: 'en' },
    ];
    const v1 = { service: SVC, name: 'smoke', createdAt: 100, examples: 2, segments: { pt: 1, '': 1 } };
    const v2 = { service: SVC, name: 'smoke', createdAt: 200, examples: 3, segments: { pt: 2, en: 1 } };
    const reg = { service: SVC, name: 'regression', createdAt: 150, examples: 1, segments: { '': 1 } };
    const id1 = await s.saveGoldenSet(v1, v1Items);
    const id2 = await s.saveGoldenSet(v2, v2Items);
    const idReg = await s.saveGoldenSet(reg, [{ id: 'line-1', input: 1, expected: 2, segment: '' }]);
    const idOld = await s.saveGoldenSet({ ...v1, createdAt: 50 }, v1Items); // saved last, but the oldest
    const idOther = await s.saveGoldenSet({ ...v1, service: OTHER }, v1Items);
    assert.equal(new Set([id1, id2, idReg, idOld, idOther]).size, 5, 'every version gets its own id');

    assert.deepEqual(await s.getGoldenSet(SVC, 'smoke'), { ...v2, id: id2, items: v2Items });
    assert.deepEqual(await s.getGoldenSet(SVC, 'smoke', id1), { ...v1, id: id1, items: v1Items });
    assert.deepEqual((await s.getGoldenSet(OTHER, 'smoke'))?.id, idOther);
    assert.equal(await s.getGoldenSet(SVC, 'smoke', idOther), undefined, 'an id of another service\'s set');
    assert.equal(await s.getGoldenSet(SVC, 'regression', id1), undefined, 'an id of another set');
    assert.equal(await s.getGoldenSet(SVC, 'smoke', 'nope'), undefined);
    assert.equal(await s.getGoldenSet(SVC, 'missing'), undefined);

    assert.deepEqual(await s.listGoldenSets(SVC), [{ ...reg, id: idReg }, { ...v2, id: id2 }], 'newest per name, by name, without items');
    assert.deepEqual(await s.listGoldenSets('nobody'), []);

    // a version created at the same instant as the newest: the later save wins
    const tie = await s.saveGoldenSet({ ...v2, examples: 1, segments: { en: 1 } }, [v2Items[2]!]);
    assert.deepEqual((await s.getGoldenSet(SVC, 'smoke'))?.id, tie);
    assert.deepEqual((await s.listGoldenSets(SVC)).map((m) => [m.name, m.id, m.examples, m.segments]), [['regression', idReg, 1, { '': 1 }], ['smoke', tie, 1, { en: 1 }]]);
  }));

  it('golden sets: 100 000 examples round-trip in upload order', () => withStore(async (s) => {
    const n = 100_000;
    const items: GoldenExample[] = Array.from({ length: n }, (_, i) => ({
      id: `line-${i + 1}`, input: { text: `request ${i}`, amount: i * 0.5 }, expected: { label: i % 3 === 0 ? 'fraud' : 'legit' }, segment: i % 2 === 0 ? 'pt' : 'en',
    }));
    const meta = { service: SVC, name: 'big', createdAt: 1, examples: n, segments: { pt: 50_000, en: 50_000 } };
    const id = await s.saveGoldenSet(meta, items);
    const got = await s.getGoldenSet(SVC, 'big');
    assert.equal(got?.items.length, n);
    assert.deepEqual(got, { ...meta, id, items });
  }));

  it('eval runs: start, results appended out of order, done counted, finished', () => withStore(async (s) => {
    const r1 = await s.createEvalRun(run());
    const started: EvalRunRecord = {
      id: r1, service: SVC, kind: 'golden', name: 'smoke', goldenSetId: '7', status: 'running', trigger: 'schedule', startedAt: 1000,
      finishedAt: undefined, model: '', total: 4, done: 0, summary: '', error: undefined,
    };
    assert.deepEqual(await s.getEvalRun(r1), started);

    const res = [
      result(0, { verdict: true, score: 0.5 }),
      result(1, { verdict: false, segment: 'en', requestId: 'r-8f2c', baselineVerdict: true, weight: 4, attempts: 2 }),
      result(2, { verdict: null, prediction: null, error: 'timeout after 3 attempts', attempts: 3, model: '', baselineVerdict: false }),
      result(3, { verdict: true, exampleId: 'tx-9' }),
    ].map((r) => ({ ...r, runId: r1 }));
    await s.appendEvalResults(r1, [res[3]!, res[2]!]);
    assert.equal((await s.getEvalRun(r1))?.done, 2);
    await s.appendEvalResults(r1, [res[1]!, res[0]!]);
    assert.equal((await s.getEvalRun(r1))?.done, 4);
    await s.appendEvalResults(r1, [res[0]!]);
    assert.equal((await s.getEvalRun(r1))?.done, 4, 'done is the stored count: an index stored again counts once');
    await s.appendEvalResults(r1, []);
    assert.equal((await s.getEvalRun(r1))?.done, 4);

    assert.deepEqual(await s.readEvalResults(r1, { offset: 0, limit: 10 }), res, 'in index order, every field round-trips');
    assert.deepEqual((await s.readEvalResults(r1, { offset: 1, limit: 2 })).map((r) => r.index), [1, 2]);
    assert.deepEqual((await s.readEvalResults(r1, { offset: 4, limit: 2 })), []);
    assert.deepEqual((await s.readEvalResults(r1, { offset: 0, limit: 10, onlyBad: true })).map((r) => r.index), [1, 2], 'verdict false or null');
    assert.deepEqual((await s.readEvalResults(r1, { offset: 1, limit: 10, onlyBad: true })).map((r) => r.index), [2], 'the offset counts bad results');
    assert.deepEqual(await s.readEvalResults('nope', { offset: 0, limit: 10 }), []);

    await s.finishEvalRun(r1, { status: 'done', finishedAt: 5000, summary: '{"accuracy":0.5}', model: 'v7', error: undefined });
    assert.deepEqual(await s.getEvalRun(r1), { ...started, status: 'done', finishedAt: 5000, summary: '{"accuracy":0.5}', model: 'v7', done: 4 });

    const r2 = await s.createEvalRun(run({ kind: 'replay', name: 'shadow', goldenSetId: undefined, trigger: 'api', startedAt: 2000, total: 0 }));
    await s.finishEvalRun(r2, { status: 'failed', finishedAt: 2100, summary: '', model: '', error: 'endpoint refused the connection' });
    const failed = await s.getEvalRun(r2);
    assert.deepEqual(failed, {
      id: r2, service: SVC, kind: 'replay', name: 'shadow', goldenSetId: undefined, status: 'failed', trigger: 'api', startedAt: 2000,
      finishedAt: 2100, model: '', total: 0, done: 0, summary: '', error: 'endpoint refused the connection',
    });

    await s.appendEvalResults('nope', [result(0)]);
    assert.equal(await s.getEvalRun('nope'), undefined, 'results of an unknown run create no run');
  }));

  it('eval runs: ids are time-ordered; listings newest first with kind, name, status, before and limit', () => withStore(async (s) => {
    const r1 = await s.createEvalRun(run({ startedAt: 1000 }));
    const r2 = await s.createEvalRun(run({ kind: 'replay', name: 'shadow', goldenSetId: undefined, startedAt: 2000 }));
    const r3 = await s.createEvalRun(run({ startedAt: 3000 }));
    const r4 = await s.createEvalRun(run({ startedAt: 3000, trigger: 'cli' })); // same millisecond, created after r3
    const r5 = await s.createEvalRun(run({ startedAt: 1_800_000_000_000 }));
    const rOther = await s.createEvalRun(run({ service: OTHER, startedAt: 2500 }));
    assert.equal(new Set([r1, r2, r3, r4, r5, rOther]).size, 6);
    const ids = [r1, r2, r3, r4, r5];
    assert.deepEqual([...ids].sort(), ids, 'a later run\'s id sorts after an earlier one\'s');

    await s.finishEvalRun(r1, { status: 'done', finishedAt: 1500, summary: '{}', model: 'v7', error: undefined });
    await s.finishEvalRun(r2, { status: 'failed', finishedAt: 2500, summary: '', model: '', error: 'boom' });

    const list = async (q: Partial<Parameters<Store['listEvalRuns']>[0]> = {}) => (await s.listEvalRuns({ service: SVC, limit: 10, ...q })).map((r) => r.id);
    assert.deepEqual(await list(), [r5, r4, r3, r2, r1]);
    assert.deepEqual(await list({ limit: 2 }), [r5, r4]);
    assert.deepEqual(await list({ kind: 'replay' }), [r2]);
    assert.deepEqual(await list({ kind: 'golden' }), [r5, r4, r3, r1]);
    assert.deepEqual(await list({ name: 'smoke', status: 'running' }), [r5, r4, r3]);
    assert.deepEqual(await list({ status: 'done' }), [r1]);
    assert.deepEqual(await list({ status: 'failed' }), [r2]);
    assert.deepEqual(await list({ before: 3000 }), [r2, r1], 'started strictly before');
    assert.deepEqual(await list({ before: 3001, limit: 1 }), [r4]);
    assert.deepEqual(await list({ service: OTHER }), [rOther]);
    assert.deepEqual((await s.listEvalRuns({ service: SVC, limit: 1 }))[0], {
      id: r5, service: SVC, kind: 'golden', name: 'smoke', goldenSetId: '7', status: 'running', trigger: 'schedule', startedAt: 1_800_000_000_000,
      finishedAt: undefined, model: '', total: 4, done: 0, summary: '', error: undefined,
    });
  }));
}
