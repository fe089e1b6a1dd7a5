/**
 * `mlslo migrate`: brings the configured store's schema to this mlslo's version and prints each migration
 * it applied; run again, it applies nothing. A scale-out deployment runs it once before starting (or
 * upgrading) its replicas: only `serve --role all` migrates by itself (docs/deployment.md).
 */
import { migrateConfiguredStore } from '../../store/open-store.ts';
import { storeConfigOf } from '../config.ts';
import { commandConfig, type StoreFlags } from '../store-flags.ts';

export async function migrateCommand(flags: StoreFlags): Promise<void> {
  const report = await migrateConfiguredStore(storeConfigOf(await commandConfig(flags)));
  for (const m of report.applied) process.stdout.write(`applied migration ${m.version}: ${m.name}\n`);
  process.stdout.write(report.applied.length === 0
    ? `${report.target}: schema is current (version ${report.version}); nothing to apply\n`
    : `${report.target}: schema is now version ${report.version}\n`);
}
