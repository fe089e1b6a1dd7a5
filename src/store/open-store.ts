/**
 * Opens the store: by default the SQLite file of a data directory, `<dataDir>/mlslo.sqlite`, creating the
 * directory when it is missing; or a ClickHouse database. Every command that opens a store (serve, keys,
 * migrate, import) comes through `openConfiguredStore`, so one config key (`store`) switches them all
 * (docs/deployment.md).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrateClickHouse, openClickHouseStore } from './clickhouse/clickhouse-store.ts';
import type { ClickHouseConnection } from './clickhouse/db.ts';
import { MIGRATIONS as CLICKHOUSE_MIGRATIONS } from './clickhouse/migrations.ts';
import type { TimingOptions } from './clickhouse/timing.ts';
import type { Store } from './port.ts';
import { mapStoreError } from './sqlite/errors.ts';
import { checkDataFile } from './sqlite/integrity.ts';
import { MIGRATIONS as SQLITE_MIGRATIONS } from './sqlite/migrations.ts';
import { migrateSqliteFile, openSqliteStore } from './sqlite/sqlite-store.ts';

export const DB_FILE = 'mlslo.sqlite';

/** The SQLite file of `dataDir`, the directory created when missing; a damaged file is refused (docs/reliability.md). */
function sqlitePath(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, DB_FILE);
  checkDataFile(path); // damaged files are refused before anything writes to them
  return path;
}

export function openStore(dataDir: string): Promise<Store> {
  try {
    return Promise.resolve(openSqliteStore({ path: sqlitePath(dataDir) }));
  } catch (e) {
    return Promise.reject(mapStoreError(e, `opening the data directory ${dataDir}`));
  }
}

/** Which store a deployment uses (docs/deployment.md): one config key switches between the two modes. */
export type StoreConfig =
  | { readonly store: 'sqlite'; readonly data: string }
  | { readonly store: 'clickhouse'; readonly data: string; readonly clickhouse: ClickHouseConnection };

export interface OpenOptions {
  /**
   * Apply missing migrations on open (default). false: a ClickHouse schema that is not current is refused
   * with MLSLO_ERR_STORE_UNAVAILABLE naming `mlslo migrate`. SQLite always migrates on open: its
   * migrations are transactions on a local file, safe from any process.
   */
  readonly migrate?: boolean;
  /**
   * ClickHouse claim TTL, compaction lag and GC grace (timing.ts): the defaults unless a test shortens
   * them. Not a config key: every process on one database must use the same.
   */
  readonly clickhouseTiming?: TimingOptions;
}

/** Opens the configured store. */
export function openConfiguredStore(config: StoreConfig, opts: OpenOptions = {}): Promise<Store> {
  return config.store === 'clickhouse'
    ? openClickHouseStore({ ...config.clickhouse, migrate: opts.migrate !== false, ...(opts.clickhouseTiming === undefined ? {} : { timing: opts.clickhouseTiming }) })
    : openStore(config.data);
}

export interface MigrationReport {
  /** Where: the SQLite file or `database at url`. */
  readonly target: string;
  /** The migrations this call applied, oldest first (none: the schema was current). */
  readonly applied: ReadonlyArray<{ readonly version: number; readonly name: string }>;
  /** The schema version the store is at now. */
  readonly version: number;
}

/** A URL as it may be printed: credentials written into it (`http://user:secret@host`) are left out. */
function printableUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(an invalid URL)';
  }
}

function migrateDataDir(dataDir: string): number[] {
  try {
    return migrateSqliteFile(sqlitePath(dataDir));
  } catch (e) {
    throw mapStoreError(e, `migrating the data directory ${dataDir}`);
  }
}

/** `mlslo migrate`: brings the configured store's schema to this mlslo's version; safe to run again. */
export async function migrateConfiguredStore(config: StoreConfig): Promise<MigrationReport> {
  const [migrations, target, versions] = config.store === 'clickhouse'
    ? [CLICKHOUSE_MIGRATIONS, `database ${config.clickhouse.database} at ${printableUrl(config.clickhouse.url)}`, await migrateClickHouse(config.clickhouse)]
    : [SQLITE_MIGRATIONS, join(config.data, DB_FILE), migrateDataDir(config.data)];
  return {
    target,
    applied: migrations.filter((m) => versions.includes(m.version)).map(({ version, name }) => ({ version, name })),
    version: Math.max(0, ...migrations.map((m) => m.version)),
  };
}
