/**
 * `mlslo keys create | list | revoke` (DESIGN §3.4). They work on the configured store (the data
 * directory, or ClickHouse with `--store clickhouse`), whether or not a server runs on it; a running
 * server honours a new key, and stops honouring a revoked one, from the moment the command returns
 * (server/auth.ts looks every key up in the store).
 */
import { generateKey } from '../../server/api-keys.ts';
import { openConfiguredStore } from '../../store/open-store.ts';
import type { Role, Store } from '../../store/port.ts';
import { storeConfigOf } from '../config.ts';
import { commandConfig, type StoreFlags } from '../store-flags.ts';

/** The store the flags name, migrated when behind (as `serve --role all` does), so a key can be made before the first start. */
async function openKeyStore(flags: StoreFlags): Promise<Store> {
  return openConfiguredStore(storeConfigOf(await commandConfig(flags)));
}

export async function keysCreateCommand(opts: StoreFlags & { role: Role; service?: string }): Promise<void> {
  const store = await openKeyStore(opts);
  try {
    const { key, record } = generateKey(opts.role, opts.service, Date.now());
    await store.createKey(record);
    process.stdout.write(`${key}\n`);
    process.stderr.write(`created ${record.role} key ${record.id}${record.service === undefined ? '' : ` for service ${record.service}`}; it is shown only this once\n`);
  } finally {
    await store.close();
  }
}

/** One line per key: id, role, scope, creation time. Secrets are not stored, so none can be shown. */
export async function keysListCommand(opts: StoreFlags): Promise<void> {
  const store = await openKeyStore(opts);
  try {
    for (const k of await store.listKeys()) {
      process.stdout.write(`${k.id}\t${k.role}\t${k.service ?? '*'}\t${new Date(k.createdAt).toISOString()}\n`);
    }
  } finally {
    await store.close();
  }
}

/** Revokes the key with public id `id` (as `keys create` and `keys list` print it); exit 1 when none. */
export async function keysRevokeCommand(id: string, opts: StoreFlags): Promise<void> {
  const store = await openKeyStore(opts);
  try {
    if (await store.revokeKey(id)) {
      process.stderr.write(`revoked key ${id}: it authenticates nothing from now on\n`);
    } else {
      process.stderr.write(`mlslo: no key with id ${id} in this store (\`mlslo keys list\` shows them)\n`);
      process.exitCode = 1;
    }
  } finally {
    await store.close();
  }
}
