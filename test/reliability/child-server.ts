/**
 * Runs the real `mlslo serve` (bin/mlslo, config from a YAML file) as a child process, for reliability
 * tests that must see the process from outside: its memory in /proc/<pid>/status, whether it is still
 * alive, what it logged. Waits for conditions, never for a time (test/helpers/wait.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { ServeConfig } from '../../src/cli/config.ts';
import { generateKey } from '../../src/server/api-keys.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Role } from '../../src/store/port.ts';

const MLSLO = fileURLToPath(new URL('../../bin/mlslo', import.meta.url));

export interface ChildServer {
  readonly url: string;
  readonly pid: number;
  /** The process has not exited. */
  alive(): boolean;
  /** What the process wrote to stderr so far: the `log` lines of src/server/run.ts. */
  stderr(): string;
  /** What the process wrote to stdout so far: its banner, then Fastify's JSON log (5xx errors with their cause). */
  stdout(): string;
  /** `VmRSS` and `VmHWM` (peak RSS since start or the last `resetPeak`) in bytes, from /proc/<pid>/status. */
  memory(): { rss: number; peak: number };
  /** Resets `VmHWM` to the current RSS (`echo 5 > /proc/<pid>/clear_refs`, Linux ≥ 4.0). */
  resetPeak(): void;
  /** SIGTERM, then the exit code once the process has stopped (it closes the store first). */
  stop(): Promise<number | null>;
  /** SIGKILL if still running; for `finally` blocks. */
  kill(): Promise<void>;
}

/** Creates an API key in the data directory through a second store connection, as `mlslo keys create` does. */
export async function createKey(data: string, role: Role): Promise<string> {
  const store = await openStore(data);
  try {
    const { key, record } = generateKey(role, undefined, Date.now());
    await store.createKey(record);
    return key;
  } finally {
    await store.close();
  }
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/**
 * Starts `mlslo serve --config <dir>/mlslo.yaml` with `config` (port 0, loopback) and the spec in
 * `<dir>/spec.yaml`; resolves once it prints its URL. `dir` holds the config and spec, not the data.
 */
export async function startChildServer(dir: string, specYaml: string, config: Partial<ServeConfig>): Promise<ChildServer> {
  const specFile = join(dir, 'spec.yaml');
  writeFileSync(specFile, specYaml);
  const configFile = join(dir, 'mlslo.yaml');
  writeFileSync(configFile, stringify({ port: 0, host: '127.0.0.1', specs: [specFile], logLevel: 'warn', ...config }));
  const child: ChildProcess = spawn(process.execPath, [MLSLO, 'serve', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exit = { code, signal };
    resolve();
  }));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /mlslo listening on (\S+)/.exec(out);
      if (m !== null) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`mlslo serve exited (${JSON.stringify(exit)}) before listening:\n${err}`)));
  });
  const pid = child.pid!;
  return {
    url,
    pid,
    alive: () => exit === undefined,
    stderr: () => err,
    stdout: () => out,
    memory: () => ({ rss: statusField(pid, 'VmRSS'), peak: statusField(pid, 'VmHWM') }),
    resetPeak: () => writeFileSync(`/proc/${pid}/clear_refs`, '5'),
    async stop() {
      if (exit === undefined) child.kill('SIGTERM');
      await exited;
      return exit!.code;
    },
    async kill() {
      if (exit === undefined) child.kill('SIGKILL');
      await exited;
    },
  };
}
