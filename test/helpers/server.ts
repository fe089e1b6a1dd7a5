/**
 * Starts a real mlslo server on loopback with a fresh SQLite data directory and a controllable clock,
 * for integration tests. Keys are created through a second store connection, as `mlslo keys create`
 * does while a server runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type ServeConfig } from '../../src/cli/config.ts';
import { generateKey } from '../../src/server/api-keys.ts';
import { startServer, type RunningServer } from '../../src/server/run.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Role } from '../../src/store/port.ts';

export interface TestServer {
  readonly url: string;
  readonly dir: string;
  clock: number;
  /** Jitter of notification retries: 0.5 of the backoff ceiling unless a test changes it. */
  random: () => number;
  key(role: Role, service?: string): Promise<string>;
  post(body: string | Buffer, key: string, headers?: Record<string, string>): Promise<{ status: number; json: any }>;
  get(path: string, key?: string): Promise<{ status: number; json: any }>;
  restart(): Promise<void>;
  /** Evaluates alerts at the test clock's time. */
  evaluate(): Promise<unknown[]>;
  /** Runs one notification dispatch pass at the test clock's time. */
  dispatch(): Promise<{ claimed: number; delivered: number; retried: number; failed: number }>;
  stop(): Promise<void>;
}

export async function startTestServer(specYaml: string, clock: number, overrides: Partial<ServeConfig> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-test-'));
  const specFile = join(dir, 'spec.yaml');
  writeFileSync(specFile, specYaml);
  // Receivers in tests listen on loopback, which production refuses (allowPrivateTargets: false).
  const cfg: ServeConfig = { ...DEFAULT_CONFIG, port: 0, data: join(dir, 'data'), specs: [specFile], logLevel: 'silent', allowPrivateTargets: true, ...overrides };
  let server: RunningServer | undefined;
  const t: TestServer = {
    url: '',
    dir,
    clock,
    random: () => 0.5,
    async key(role, service) {
      const store = await openStore(cfg.data);
      const { key, record } = generateKey(role, service, t.clock);
      await store.createKey(record);
      await store.close();
      return key;
    },
    async post(body, key, headers = {}) {
      const res = await fetch(`${t.url}/v1/events`, {
        method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
      });
      return { status: res.status, json: await res.json() };
    },
    async get(path, key) {
      const res = await fetch(`${t.url}${path}`, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
      return { status: res.status, json: await res.json() };
    },
    evaluate() {
      return server!.evaluate(t.clock);
    },
    dispatch() {
      return server!.dispatch();
    },
    async restart() {
      await server?.close();
      server = await startServer({ ...cfg, port: Number(new URL(t.url).port) }, { now: () => t.clock, log: () => undefined, random: () => t.random() });
    },
    async stop() {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  server = await startServer(cfg, { now: () => t.clock, log: () => undefined, random: () => t.random() });
  (t as { url: string }).url = server.url;
  return t;
}
