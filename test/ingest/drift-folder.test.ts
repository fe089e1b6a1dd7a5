/**
 * The drift folder on the memory store (logic; HTTP + SQLite in test/server/drift-http.test.ts): what it
 * folds, that a new baseline re-bins what is stored and drops the old bins, that a restarted folder
 * resumes from its watermark without counting twice, and that excluded requests stay out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CohortRegistry } from '../../src/ingest/cohort-registry.ts';
import { DriftFolder, featureValue } from '../../src/ingest/drift-folder.ts';
import { Ingestor } from '../../src/ingest/ingest.ts';
import { parseSpec } from '../../src/spec/load-spec.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import type { DriftCell, Store } from '../../src/store/port.ts';

const parsed = parseSpec(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: o, oncall: s, tier: 2}
spec:
  task: classification
  cohorts: [region]
  errors: {exclude: [client_error]}
  drift: {features: {amount: numeric, country: categorical}}
`, 'inline.yaml');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const specs = new Map([['svc', parsed.spec]]);
const NOW = Date.parse('2026-11-28T10:30:00Z');
const H10 = Date.parse('2026-11-28T10:00:00Z');
const H09 = Date.parse('2026-11-28T09:00:00Z');
const DAY = Date.parse('2026-11-28T00:00:00Z');

let n = 0;
function inf(amount: number | null, country: string, region: string, ts = '2026-11-28T10:10:00Z', error?: string): unknown {
  const base = { kind: 'inference', id: `r${n++}`, service: 'svc', model: 'v1', ts, cohort: { region }, features: { amount, country } };
  return error === undefined ? { ...base, status: 'ok', latencyMs: 5, prediction: { label: 'a', score: 0.5 } } : { ...base, status: 'error', errorType: error };
}

function setup(store: Store = createMemoryStore(), batchSize = 5000) {
  const cohorts = new CohortRegistry(store);
  const ingestor = new Ingestor({ store, specs: () => specs, now: () => NOW, maxEventAgeMs: 7 * 86_400_000, maxQueue: 8, cohorts });
  const folder = new DriftFolder({ store, specs: () => specs, cohorts, now: () => NOW, rebuildDays: 31, batchSize });
  return { store, ingestor, folder };
}

async function baseline(store: Store, amounts: number[], countries: string[]): Promise<string> {
  return store.saveBaseline({
    service: 'svc', model: '', createdAt: NOW, rows: amounts.length,
    features: { amount: { type: 'numeric', inferred: false }, country: { type: 'categorical', inferred: false } },
    values: { amount: amounts, country: countries },
  });
}

async function cells(store: Store, layout: string, resolution: 'h' | 'd' = 'h'): Promise<Record<string, [number, number]>> {
  const from = resolution === 'h' ? H09 : DAY;
  const list: DriftCell[] = await store.readDriftCells({ service: 'svc', layout, resolution, from, to: from + 2 * 86_400_000, cohorts: true });
  return Object.fromEntries(list.map((c) => [`${c.bucket === H09 ? '09' : c.bucket === H10 ? '10' : 'day'}/${c.attr === '' ? '' : `${c.attr}=${c.value}`}/${c.feature}`, [c.hist.count, c.hist.missing]]));
}

test('reads features and the prediction of a request', () => {
  const e = { kind: 'inference', id: 'x', service: 's', model: '', ts: 0, input: {}, cohort: {}, features: { a: 1, 'b.c': 'z' }, status: 'ok', latencyMs: 1, prediction: { kind: 'label', label: 'cat', score: 0.7 } } as const;
  assert.equal(featureValue(e, 'a'), 1);
  assert.equal(featureValue(e, 'b.c'), 'z');
  assert.equal(featureValue(e, 'missing'), undefined);
  assert.equal(featureValue(e, 'prediction.label'), 'cat');
  assert.equal(featureValue(e, 'prediction.score'), 0.7);
  assert.equal(featureValue(e, 'prediction.value'), undefined);
  assert.equal(featureValue({ ...e, status: 'error', errorType: 'oom' } as never, 'prediction.label'), undefined);
});

test('requests stored before the baseline are re-binned for it; later ones fold live; excluded errors stay out', async () => {
  const { store, ingestor, folder } = setup(createMemoryStore(), 2); // chunks of 2: the rebuild takes several steps
  const scope = { service: undefined };
  await ingestor.ingest([inf(5, 'US', 'eu'), inf(15, 'DE', 'us', '2026-11-28T09:30:00Z'), inf(null, 'US', 'eu'), inf(7, 'US', 'eu', undefined, 'client_error')], scope);
  await folder.catchUp();
  assert.deepEqual(await store.readDriftCells({ service: 'svc', layout: '1', resolution: 'h', from: 0, to: NOW * 2, cohorts: true }), [], 'no baseline, no bins');

  const id = await baseline(store, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], ['US', 'US', 'DE', 'FR', 'US', 'DE', 'US', 'FR', 'US', 'DE']);
  folder.baselineChanged('svc');
  await folder.catchUp();
  assert.deepEqual((await folder.status('svc')), { layout: id, rebuilding: undefined });
  assert.deepEqual(await cells(store, id), {
    '10//amount': [1, 1], '10//country': [2, 0], '10/region=eu/amount': [1, 1], '10/region=eu/country': [2, 0],
    '09//amount': [1, 0], '09//country': [1, 0], '09/region=us/amount': [1, 0], '09/region=us/country': [1, 0],
  });

  await ingestor.ingest([inf(3, 'BR', 'us'), inf(4, 'US', 'us')], scope);
  await folder.catchUp();
  const day = await cells(store, id, 'd');
  assert.deepEqual(day['day//amount'], [4, 1], 'the day cell holds both hours');
  assert.deepEqual(day['day/region=us/country'], [3, 0]);

  // A restarted folder resumes from the stored watermark: nothing is counted twice.
  const again = new DriftFolder({ store, specs: () => specs, cohorts: new CohortRegistry(store), now: () => NOW, rebuildDays: 31 });
  await again.catchUp();
  assert.deepEqual((await cells(store, id, 'd'))['day//amount'], [4, 1]);
  await ingestor.ingest([inf(6, 'FR', 'eu')], scope);
  await again.catchUp();
  assert.deepEqual((await cells(store, id, 'd'))['day//amount'], [5, 1]);

  // A newer baseline: every stored request is re-binned by it, and the old bins are dropped.
  const id2 = await baseline(store, [100, 200, 300], ['X', 'Y', 'Z']);
  again.baselineChanged('svc');
  await again.catchUp();
  assert.deepEqual(await cells(store, id), {}, 'old layout dropped');
  const fresh = await cells(store, id2, 'd');
  assert.deepEqual(fresh['day//amount'], [5, 1]);
  assert.deepEqual(fresh['day//country'], [6, 0]);
});

test('a rebuild interrupted by a restart finishes from its cursor', async () => {
  const store = createMemoryStore();
  const first = setup(store, 1);
  await first.ingestor.ingest([inf(1, 'US', 'eu'), inf(2, 'US', 'eu'), inf(3, 'US', 'eu')], { service: undefined });
  await first.folder.catchUp();
  const id = await baseline(store, [1, 2, 3, 4, 5, 6, 7], ['US', 'US', 'US', 'US', 'US', 'US', 'DE']);
  // Let the store fail after the first rebuild chunk, as a crash would.
  let saves = 0;
  const crashing = new Proxy(store, {
    get(target, prop) {
      if (prop === 'mergeDriftCells') {
        return (cells: readonly DriftCell[], state: string) => (++saves > 1 ? Promise.reject(new Error('crash')) : target.mergeDriftCells(cells, state));
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const doomed = new DriftFolder({ store: crashing, specs: () => specs, cohorts: new CohortRegistry(store), now: () => NOW, rebuildDays: 31, batchSize: 1 });
  await assert.rejects(doomed.catchUp(), /crash/);
  assert.deepEqual((await cells(store, id))['10//amount'], [1, 0], 'one chunk saved before the crash');
  const restarted = new DriftFolder({ store, specs: () => specs, cohorts: new CohortRegistry(store), now: () => NOW, rebuildDays: 31, batchSize: 1 });
  await restarted.catchUp();
  assert.deepEqual((await cells(store, id))['10//amount'], [3, 0]);
});
