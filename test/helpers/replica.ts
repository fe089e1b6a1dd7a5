/**
 * mlslo servers in one role each, for scale-out tests: in-process (startServer), each with its own store
 * client, sharing one controllable clock. The store is a SQLite data directory or a ClickHouse database.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_CONFIG, type ServeConfig } from '../../src/cli/config.ts';
import { backoffDelay, parseRetryAfter } from '../../src/client/backoff.ts';
import { DEFAULTS as CLIENT_DEFAULTS } from '../../src/client/options.ts';
import { generateKey } from '../../src/server/api-keys.ts';
import type { ServerRole } from '../../src/server/roles.ts';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/run.ts';
import { openConfiguredStore, type StoreConfig } from '../../src/store/open-store.ts';
import type { Role } from '../../src/store/port.ts';

export interface Clock {
  now: number;
}

/** The config keys that name a store. */
export function storeKeys(s: StoreConfig): Partial<ServeConfig> {
  return s.store === 'clickhouse' ? { store: 'clickhouse', data: s.data, clickhouse: s.clickhouse } : { store: 'sqlite', data: s.data };
}

/**
 * A server of `role` on `store`. The loops are slowed to an hour so that only the test's explicit
 * `evaluate()` / `dispatch()` calls move alerts and notices, drift folds only when read, and nothing
 * compacts unless a test asks (`compactInterval` in `more`).
 */
export function startReplica(role: ServerRole, store: StoreConfig, specFile: string, clock: Clock, more: Partial<ServeConfig> = {},
  start: Pick<StartOptions, 'clickhouseTiming' | 'log'> = {}): Promise<RunningServer> {
  return startServer({
    ...DEFAULT_CONFIG, ...storeKeys(store), role, port: 0, specs: [specFile], logLevel: 'silent', allowPrivateTargets: true,
    evalInterval: '1h', notifyInterval: '1h', driftInterval: '1h', compactInterval: '1h', ...more,
  }, { now: () => clock.now, log: () => undefined, random: () => 0.5, ...start });
}

/** A key of `role`, created in the store as `mlslo keys create` does. */
export async function createKey(store: StoreConfig, role: Role, at: number): Promise<string> {
  const s = await openConfiguredStore(store);
  try {
    const { key, record } = generateKey(role, undefined, at);
    await s.createKey(record);
    return key;
  } finally {
    await s.close();
  }
}

export async function getJson(base: string, path: string, key: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, json: await res.json() };
}

export async function postJson(base: string, path: string, key: string, body: string, contentType = 'application/json'): Promise<{ status: number; json: any }> {
  const { status, json } = await post(base, path, key, body, contentType);
  return { status, json };
}

async function post(base: string, path: string, key: string, body: string, contentType: string): Promise<{ status: number; json: any; retryAfter: string | null }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': contentType, authorization: `Bearer ${key}` } });
  return { status: res.status, json: await res.json(), retryAfter: res.headers.get('retry-after') };
}

/**
 * Posts events as the SDK does: a 503 or 429 is retried after the SDK's backoff, with `Retry-After` as
 * its floor (src/client/backoff.ts), e.g. MLSLO_ERR_STORE_CONFLICT from two ingest replicas adding the
 * same events at once. `retried` counts those answers.
 */
export async function postEvents(base: string, key: string, body: string, retried: { count: number }): Promise<{ status: number; json: any }> {
  for (let failures = 1; ; failures++) {
    const r = await post(base, '/v1/events', key, body, 'application/json');
    if ((r.status !== 503 && r.status !== 429) || failures > 8) return { status: r.status, json: r.json };
    retried.count++;
    await sleep(backoffDelay(failures, CLIENT_DEFAULTS.backoff, Math.random, parseRetryAfter(r.retryAfter, Date.now())));
  }
}
