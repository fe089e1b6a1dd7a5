/**
 * Opens the default store of a data directory: `<dataDir>/mlslo.sqlite`, creating the directory when
 * it is missing. Server and CLI (`mlslo keys create`) both come through here, so they share one file.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from './port.ts';
import { mapStoreError } from './sqlite/errors.ts';
import { checkDataFile } from './sqlite/integrity.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

export const DB_FILE = 'mlslo.sqlite';

export function openStore(dataDir: string): Promise<Store> {
  try {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, DB_FILE);
    checkDataFile(path); // damaged files are refused before anything writes to them (docs/reliability.md)
    return Promise.resolve(openSqliteStore({ path }));
  } catch (e) {
    return Promise.reject(mapStoreError(e, `opening the data directory ${dataDir}`));
  }
}
