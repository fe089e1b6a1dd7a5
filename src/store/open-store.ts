/**
 * Opens the store: by default the SQLite file of a data directory, `<dataDir>/mlslo.sqlite`, creating the
 * directory when it is missing; or a ClickHouse database (openConfiguredStore). Server and CLI
 * (`mlslo keys create`) both come through here, so they share one store.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openClickHouseStore } from './clickhouse/clickhouse-store.ts';
import type { ClickHouseConnection } from './clickhouse/db.ts';
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

/** Which store a deployment uses (docs/clickhouse.md): one config key switches between the two modes. */
export type StoreConfig =
  | { readonly store: 'sqlite'; readonly data: string }
  | { readonly store: 'clickhouse'; readonly data: string; readonly clickhouse: ClickHouseConnection };

/** Opens the configured store; a ClickHouse database is migrated on open like the SQLite file. */
export function openConfiguredStore(config: StoreConfig): Promise<Store> {
  return config.store === 'clickhouse' ? openClickHouseStore(config.clickhouse) : openStore(config.data);
}
