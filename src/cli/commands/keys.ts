/**
 * `mlslo keys create | list | revoke` (DESIGN §3.4). They work on the data directory, whether or not a
 * server runs on it; a running server honours a new key, and stops honouring a revoked one, from the
 * moment the command returns (server/auth.ts looks every key up in the store).
 */
import { generateKey } from '../../server/api-keys.ts';
import { openStore } from '../../store/open-store.ts';
import type { Role } from '../../store/port.ts';

export async function keysCreateCommand(opts: { role: Role; service?: string; data: string }): Promise<void> {
  const store = await openStore(opts.data);
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
export async function keysListCommand(opts: { data: string }): Promise<void> {
  const store = await openStore(opts.data);
  try {
    for (const k of await store.listKeys()) {
      process.stdout.write(`${k.id}\t${k.role}\t${k.service ?? '*'}\t${new Date(k.createdAt).toISOString()}\n`);
    }
  } finally {
    await store.close();
  }
}

/** Revokes the key with public id `id` (as `keys create` and `keys list` print it); exit 1 when none. */
export async function keysRevokeCommand(id: string, opts: { data: string }): Promise<void> {
  const store = await openStore(opts.data);
  try {
    if (await store.revokeKey(id)) {
      process.stderr.write(`revoked key ${id}: it authenticates nothing from now on\n`);
    } else {
      process.stderr.write(`mlslo: no key with id ${id} in ${opts.data} (\`mlslo keys list\` shows them)\n`);
      process.exitCode = 1;
    }
  } finally {
    await store.close();
  }
}
