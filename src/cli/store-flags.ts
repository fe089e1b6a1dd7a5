/**
 * The flags that say which store a command works on, shared by every command that opens one (serve,
 * keys, migrate, import): `--config FILE`, `--data DIR`, `--store sqlite|clickhouse`, `--clickhouse-url`,
 * `--clickhouse-database`. They layer over the config file exactly as `mlslo serve`'s do (config.ts), so
 * a command pointed at the same config file opens the same store as the server.
 */
import { Option, type Command } from 'commander';
import { readConfigFile, resolveConfig, type ServeConfig } from './config.ts';

export interface StoreFlags {
  config?: string;
  data?: string;
  store?: 'sqlite' | 'clickhouse';
  clickhouseUrl?: string;
  clickhouseDatabase?: string;
}

/** Adds the store flags to `cmd`. */
export function addStoreOptions(cmd: Command): Command {
  return addStoreChoice(cmd
    .option('--config <file>', 'YAML config file (as for `mlslo serve`); flags override it')
    .option('--data <dir>', 'data directory holding mlslo.sqlite (default ./data)'));
}

/** Adds `--store`, `--clickhouse-url` and `--clickhouse-database`: for a command that has `--config` and `--data` of its own (import). */
export function addStoreChoice(cmd: Command): Command {
  return cmd
    .addOption(new Option('--store <store>', 'where data lives (default sqlite)').choices(['sqlite', 'clickhouse']))
    .option('--clickhouse-url <url>', 'with --store clickhouse: the HTTP interface, e.g. http://127.0.0.1:8123 (password: $MLSLO_CLICKHOUSE_PASSWORD)')
    .option('--clickhouse-database <name>', 'with --store clickhouse: the database');
}

/** The store flags given, as config keys (nothing for a flag left out, so the file's value stands). */
export function storeFlagValues(flags: StoreFlags): Partial<ServeConfig> {
  const clickhouse = {
    ...(flags.clickhouseUrl === undefined ? {} : { url: flags.clickhouseUrl }),
    ...(flags.clickhouseDatabase === undefined ? {} : { database: flags.clickhouseDatabase }),
  };
  return {
    ...(flags.data === undefined ? {} : { data: flags.data }),
    ...(flags.store === undefined ? {} : { store: flags.store }),
    // Partial: the file's block fills in the rest, and resolveConfig validates the whole.
    ...(Object.keys(clickhouse).length === 0 ? {} : { clickhouse: clickhouse as ServeConfig['clickhouse'] }),
  };
}

/** The configuration of a command that opens the store: file, then these flags and `more`, over the defaults. */
export async function commandConfig(flags: StoreFlags, more: Partial<ServeConfig> = {}): Promise<ServeConfig> {
  const file = flags.config === undefined ? {} : await readConfigFile(flags.config);
  return resolveConfig(file, { ...storeFlagValues(flags), ...more }, flags.config ?? 'flags');
}
