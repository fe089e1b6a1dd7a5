/** Runs one contract case on a fresh store from `make` and cleans it up, whatever the case does. */
import type { Store } from '../../src/store/port.ts';
import type { StoreHarness } from './contract.ts';

export function storeRunner(make: () => Promise<StoreHarness>): (fn: (s: Store) => Promise<void>) => Promise<void> {
  return async (fn) => {
    const h = await make();
    try {
      await fn(h.store);
    } finally {
      await h.cleanup();
    }
  };
}
