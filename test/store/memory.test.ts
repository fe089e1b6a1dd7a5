import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import { storeContract } from './contract.ts';

storeContract('memory', () => {
  const store = createMemoryStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
}, { durable: false });
