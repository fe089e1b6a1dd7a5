/**
 * Helpers for labeling tests on a real server (test/helpers/server.ts): JSON calls with any method,
 * and the queue's items read through a second store connection, as an operator's tool would.
 */
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.ts';
import type { LabelItemRecord } from '../../src/store/port.ts';
import type { TestServer } from './server.ts';

export async function call(s: TestServer, method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

/** Every queued item of `service`, oldest first. */
export async function labelItems(s: TestServer, service: string): Promise<LabelItemRecord[]> {
  const store = await openStore(join(s.dir, 'data'));
  try {
    return await store.listLabelItems(service, { fromDay: 0, toDay: Number.MAX_SAFE_INTEGER, limit: 1_000_000 });
  } finally {
    await store.close();
  }
}
