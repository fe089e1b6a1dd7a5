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
