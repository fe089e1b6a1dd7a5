/**
 * The store maintenance loop (src/server/store-maintenance.ts) over a stand-in store: a failed pass is
 * logged and counted and the next tick runs again; passes never overlap; a store without `maintain`
 * (SQLite) gets no timer at all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../src/store/port.ts';
import { StoreMaintenance, type MaintenanceResult } from '../../src/server/store-maintenance.ts';
import { waitFor } from '../helpers/wait.ts';

/** Only what the loop touches: `maintain`, or its absence. */
function storeWith(maintain: Store['maintain']): Store {
  return (maintain === undefined ? {} : { maintain }) as Store;
}

test('a failed pass is logged and counted; the loop keeps running and later passes succeed', async () => {
  let calls = 0;
  const logged: string[] = [];
  const passes: MaintenanceResult[] = [];
  const m = new StoreMaintenance({
    store: storeWith(() => (++calls === 1 ? Promise.reject(new Error('ClickHouse cannot be reached')) : Promise.resolve())),
    intervalMs: 10, log: (l) => logged.push(l), onPass: (r) => passes.push(r),
  });
  m.start();
  await waitFor('three passes', () => (passes.length >= 3 ? true : undefined), 5000, 5);
  await m.stop();
  assert.deepEqual(passes.slice(0, 3), ['failed', 'ok', 'ok']);
  assert.deepEqual(logged, ['store maintenance (compaction) failed: ClickHouse cannot be reached']);
});

test('a pass longer than the interval is not overlapped by the next tick; stop waits for it', async () => {
  let running = 0;
  let most = 0;
  let done = 0;
  const m = new StoreMaintenance({
    store: storeWith(async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 60));
      running--;
      done++;
    }),
    intervalMs: 5, log: () => undefined,
  });
  m.start();
  await waitFor('two passes', () => (done >= 2 ? true : undefined), 5000, 5);
  await m.stop();
  assert.equal(most, 1);
  assert.equal(running, 0, 'stop() returned after the pass in progress');
});

test('a store without maintain (SQLite) gets no timer; passes are told the wall clock', async () => {
  const passes: MaintenanceResult[] = [];
  const idle = new StoreMaintenance({ store: storeWith(undefined), intervalMs: 5, log: () => undefined, onPass: (r) => passes.push(r) });
  idle.start();
  await new Promise((r) => setTimeout(r, 50));
  await idle.stop();
  assert.deepEqual(passes, []);

  let told = 0;
  const before = Date.now();
  await new StoreMaintenance({ store: storeWith((now) => Promise.resolve(void (told = now))), intervalMs: 1000, log: () => undefined }).runOnce();
  assert.ok(told >= before && told <= Date.now());
});
