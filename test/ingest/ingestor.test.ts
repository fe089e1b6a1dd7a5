/** The single writer with group commit, on the in-memory store (logic only; HTTP + SQLite elsewhere). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MlsloError } from '../../src/core/errors.ts';
import { Ingestor } from '../../src/ingest/ingest.ts';
import { parseSpec } from '../../src/spec/load-spec.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import type { Store } from '../../src/store/port.ts';

const spec = parseSpec(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: o, oncall: s, tier: 2}
spec: {task: classification}
`, 'inline.yaml');
if (!spec.ok) throw new Error(JSON.stringify(spec.problems));
const specs = new Map([['svc', spec.spec]]);
const NOW = Date.parse('2026-11-28T10:00:00Z');

const inf = (id: string, latencyMs = 10) => ({ kind: 'inference', id, service: 'svc', ts: '2026-11-28T09:59:00Z', status: 'ok', latencyMs });

/** `store` with its commit replaced (methods bound, so the adapter's private fields still work). */
function withCommit(store: Store, commitIngest: Store['commitIngest']): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'commitIngest') return commitIngest;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

function ingestor(store: Store, maxQueue = 8): Ingestor {
  return new Ingestor({ store, specs: () => specs, now: () => NOW, maxEventAgeMs: 7 * 86_400_000, maxQueue });
}

test('concurrent batches are committed together, each answered for its own items', async () => {
  const store = createMemoryStore();
  const w = ingestor(store);
  const [a, b, c] = await Promise.all([
    w.ingest([inf('a1'), inf('shared'), inf('a2')], { service: undefined }),
    w.ingest([{ bogus: 1 }, inf('shared'), inf('b1'), inf('shared', 99)], { service: undefined }),
    w.ingest([inf('c1')], { service: undefined }),
  ]);
  assert.deepEqual([a.accepted, a.duplicates, a.rejected], [3, 0, []]);
  // Batch b: index 0 is not an event; `shared` was taken by batch a (same content → duplicate);
  // index 3 is `shared` with other content → conflict.
  assert.equal(b.accepted, 1);
  assert.equal(b.duplicates, 1);
  assert.deepEqual(b.rejected.map((r) => [r.index, r.code]), [[0, 'missing_field'], [3, 'conflict']]);
  assert.deepEqual([c.accepted, c.duplicates, c.rejected], [1, 0, []]);
  const rows = await store.readRollups({ service: 'svc', resolution: 'd', from: 0, to: NOW + 86_400_000, cohorts: false });
  assert.equal(rows.reduce((n, r) => n + r.cell.total, 0), 5);
});

test('a failed commit fails every batch of its group and acknowledges nothing', async () => {
  const store = createMemoryStore();
  const failing = withCommit(store, () => Promise.reject(new MlsloError('MLSLO_ERR_STORE_FULL')));
  const w = ingestor(failing);
  const results = await Promise.allSettled([w.ingest([inf('x1')], { service: undefined }), w.ingest([inf('x2')], { service: undefined })]);
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    assert.equal((r.reason as MlsloError).code, 'MLSLO_ERR_STORE_FULL');
  }
  assert.equal((await store.readRollups({ service: 'svc', resolution: 'd', from: 0, to: NOW + 86_400_000, cohorts: false })).length, 0);
});

test('a full queue refuses new batches with MLSLO_ERR_OVERLOADED instead of growing', async () => {
  const store = createMemoryStore();
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const slow = withCommit(store, async (wr) => {
    await gate;
    return store.commitIngest(wr);
  });
  const w = ingestor(slow, 2);
  const first = w.ingest([inf('q1')], { service: undefined }); // taken by the writer, waiting on the gate
  await new Promise((r) => setImmediate(r));
  const queued = [w.ingest([inf('q2')], { service: undefined }), w.ingest([inf('q3')], { service: undefined })];
  await assert.rejects(w.ingest([inf('q4')], { service: undefined }), (e: MlsloError) => e.code === 'MLSLO_ERR_OVERLOADED');
  release();
  assert.equal((await first).accepted, 1);
  assert.deepEqual((await Promise.all(queued)).map((r) => r.accepted), [1, 1]);
});

test('verdicts count on the verdict-time axis when they arrive, not when the request was served', async () => {
  const store = createMemoryStore();
  const w = ingestor(store);
  const label = (id: string, source: string, label: string, ts: string) => ({ kind: 'outcome', requestId: id, service: 'svc', ts, source, label });
  const withPrediction = (id: string) => ({ ...inf(id), prediction: { label: 'a' } });
  // Requests served at 09:59; ground truth learned at 09:59:30 (r1) and — an orphan first — 09:59:40 (r2).
  await w.ingest([label('r2', 'ground_truth', 'b', '2026-11-28T09:59:40Z')], { service: undefined });
  await w.ingest([withPrediction('r1'), withPrediction('r2'), label('r1', 'ground_truth', 'a', '2026-11-28T09:59:30Z')], { service: undefined });
  // A human relabels r1 at 10:00:00 (wrong now): a second arrival, at 10:00.
  await w.ingest([label('r1', 'human', 'b', '2026-11-28T10:00:00Z')], { service: undefined });
  const rows = await store.readVerdictTime('svc', 'm', 0, NOW + 60_000);
  assert.deepEqual(rows.map((r) => [new Date(r.bucket).toISOString(), r.quality.judged, r.quality.good]), [
    ['2026-11-28T09:59:00.000Z', 2, 1], // r1 good (ground truth), r2 bad (its orphan label, joined at 09:59)
    ['2026-11-28T10:00:00.000Z', 1, 0], // r1's human relabel
  ]);
});
