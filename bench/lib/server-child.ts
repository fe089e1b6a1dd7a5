/**
 * The server under test, in its own process (own event loop, own core):
 *
 *   node --import tsx bench/lib/server-child.ts <dataDir> <specFile> [<config JSON>]
 *
 * The optional third argument overrides config keys, e.g. `{"store":"clickhouse","clickhouse":{…},"role":"ingest"}`
 * (the ClickHouse benchmark: the schema is migrated by the parent before replicas start).
 *
 * Creates an ingest key in the data directory (as `mlslo keys create` does), starts the real server
 * (startServer, port 0 on 127.0.0.1, silent logs) and prints one JSON line {url, key, pid} on stdout.
 * It shuts down cleanly when its stdin closes (the parent exited or is done) or on SIGTERM/SIGINT, so a
 * `--cpu-prof` profile is written on the way out.
 */
import { DEFAULT_CONFIG, storeConfigOf, type ServeConfig } from '../../src/cli/config.ts';
import { generateKey } from '../../src/server/api-keys.ts';
import { startServer } from '../../src/server/run.ts';
import { openConfiguredStore } from '../../src/store/open-store.ts';

const [dataDir, specFile, overrides] = process.argv.slice(2);
if (dataDir === undefined || specFile === undefined) {
  process.stderr.write('usage: server-child.ts <dataDir> <specFile>\n');
  process.exit(2);
}

const cfg: ServeConfig = {
  ...DEFAULT_CONFIG, port: 0, host: '127.0.0.1', data: dataDir, specs: [specFile], logLevel: 'silent',
  ...(overrides === undefined ? {} : JSON.parse(overrides) as Partial<ServeConfig>),
};

const store = await openConfiguredStore(storeConfigOf(cfg), { migrate: cfg.role === 'all' });
const { key, record } = generateKey('ingest', undefined, Date.now());
await store.createKey(record);
await store.close();

const server = await startServer(cfg, { log: (line) => process.stderr.write(`${line}\n`) });

let closing = false;
async function shutdown(code: number): Promise<void> {
  if (closing) return;
  closing = true;
  try {
    await server.close();
  } finally {
    process.exit(code);
  }
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.stdin.on('end', () => void shutdown(0));
process.stdin.on('error', () => void shutdown(0));
process.stdin.resume();

process.stdout.write(`${JSON.stringify({ url: server.url, key, pid: process.pid })}\n`);
