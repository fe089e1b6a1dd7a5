/**
 * A throwaway ClickHouse server for the benchmarks (Debian's `clickhouse-server`, 18.16, run as root):
 * started from its binary with a generated config under a fresh temp folder (data, tmp, logs there too),
 * listening on 127.0.0.1 only, on free ports. It is stopped and its folder removed by `stop()`, and also
 * by the bench's cleanup handlers (normal exit, an uncaught error, Ctrl-C), which must be synchronous:
 * there the server gets SIGKILL and the folder is removed once the process is gone.
 *
 * This mirrors test/helpers/clickhouse.ts (same config) without importing from test/: the bench needs
 * the synchronous cleanup, the tests need nothing of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from './cleanup.ts';

export const CLICKHOUSE_BIN = '/usr/sbin/clickhouse-server';
export const CLICKHOUSE_INSTALL = 'apt-get install -y clickhouse-server clickhouse-client';

/** Why the ClickHouse column cannot be measured, or false when the binary is there. */
export function clickHouseMissing(): string | false {
  return existsSync(CLICKHOUSE_BIN) ? false : `${CLICKHOUSE_BIN} is not installed; install it with: ${CLICKHOUSE_INSTALL}`;
}

export interface BenchClickHouse {
  /** The HTTP interface, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly pid: number;
  /** The temp folder holding the server's data (its size is reported). */
  readonly dir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Loopback only, every path under `dir`; caches as in the test harness (the box is shared). */
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

/** True while `pid` is a live (not zombie) process. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Synchronous stop for the exit handlers: SIGKILL, wait (≤ 5 s) until the process is gone, then remove the folder. */
function killNow(proc: ChildProcess, dir: string): void {
  if (proc.pid !== undefined && proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGKILL');
    const until = Date.now() + 5000;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    while (alive(proc.pid) && Date.now() < until) Atomics.wait(nap, 0, 0, 20);
  }
  rmSync(dir, { recursive: true, force: true });
}

async function answersSelect1(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/?query=${encodeURIComponent('SELECT 1')}`);
    return res.ok && (await res.text()).trim() === '1';
  } catch {
    return false;
  }
}

export async function startBenchClickHouse(): Promise<BenchClickHouse> {
  const missing = clickHouseMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-bench-clickhouse-'));
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) mkdirSync(join(dir, sub));
  const ports = { http: await freePort(), tcp: await freePort(), interserver: await freePort() };
  writeFileSync(join(dir, 'config.xml'), configXml(dir, ports));
  writeFileSync(join(dir, 'users.xml'), USERS_XML);
  const url = `http://127.0.0.1:${ports.http}`;
  let output = '';
  const proc = spawn(CLICKHOUSE_BIN, [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (c: Buffer): void => {
    output = (output + c.toString()).slice(-20_000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const unregister = onCleanup(() => killNow(proc, dir));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const hard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(hard);
    }
    unregister(); // removes the folder (the process is gone)
  };
  const until = Date.now() + 60_000;
  while (!await answersSelect1(url)) {
    if (proc.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`clickhouse-server did not start (exit ${String(proc.exitCode)}): ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, pid: proc.pid!, dir, stop };
}
