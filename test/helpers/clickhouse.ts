/**
 * A real ClickHouse (Debian's `clickhouse-server`, 18.16) on loopback for integration tests: started from
 * its binary with a generated config under a fresh temp folder (data, tmp, user files and logs there too),
 * listening on 127.0.0.1 only, on free ports; stopped and removed with `stop()`. Tests check
 * `CLICKHOUSE_MISSING` first and skip, with the install command, when the binary is absent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './wait.ts';

const BIN = '/usr/sbin/clickhouse-server';
const INSTALL = 'apt-get install -y clickhouse-server clickhouse-client';

export const CLICKHOUSE_MISSING: string | false = existsSync(BIN) ? false : `${BIN} is not installed; install it with: ${INSTALL}`;

export interface ClickHouseServer {
  /** The HTTP interface, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  stop(): Promise<void>;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The server's config: loopback only (no `::`), every path under `dir`, small caches for a test box. */
function configXml(dir: string, ports: { http: number; tcp: number; interserver: number }): string {
  const p = (sub: string): string => escapeXml(join(dir, sub) + '/');
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${escapeXml(join(dir, 'log', 'server.log'))}</log><errorlog>${escapeXml(join(dir, 'log', 'error.log'))}</errorlog>
    <size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${p('data')}</path>
  <tmp_path>${p('tmp')}</tmp_path>
  <user_files_path>${p('user_files')}</user_files_path>
  <format_schema_path>${p('format_schemas')}</format_schema_path>
  <users_config>${escapeXml(join(dir, 'users.xml'))}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <mlock_executable>false</mlock_executable>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows>
    <read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

export async function startClickHouse(): Promise<ClickHouseServer> {
  if (CLICKHOUSE_MISSING) throw new Error(CLICKHOUSE_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-clickhouse-'));
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) mkdirSync(join(dir, sub));
  const ports = { http: await freePort(), tcp: await freePort(), interserver: await freePort() };
  writeFileSync(join(dir, 'config.xml'), configXml(dir, ports));
  writeFileSync(join(dir, 'users.xml'), USERS_XML);
  const url = `http://127.0.0.1:${ports.http}`;
  let output = '';
  const proc: ChildProcess = spawn(BIN, [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (c: Buffer): void => {
    output = (output + c.toString()).slice(-20_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      // Killed outright: its folder is deleted next, so there is nothing to shut down cleanly, and a
      // SIGTERM costs every test file about 10 s while the server waits out its idle client connections.
      proc.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('ClickHouse to answer SELECT 1', async () => {
      if (proc.exitCode !== null) throw new Error(`clickhouse-server exited (${proc.exitCode}): ${output}`);
      try {
        const res = await fetch(`${url}/?query=${encodeURIComponent('SELECT 1')}`);
        return res.ok && (await res.text()).trim() === '1' ? true : undefined;
      } catch {
        return undefined;
      }
    }, 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop };
}
