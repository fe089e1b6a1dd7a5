/**
 * The real `mlslo serve` (bin/mlslo) as a child process, the way an operator runs it, for the tests that
 * must see the process from outside: how it refused to start, its memory in /proc/<pid>/status, whether
 * it is still alive, what it logged; SIGKILL or a clean SIGTERM. Waits for conditions, never for a time.
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

const BIN = fileURLToPath(new URL('../../bin/mlslo', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Hang guard only (a start under heavy load can take many seconds); never a timed assertion. */
const START_DEADLINE_MS = 180_000;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServeChild {
  readonly url: string;
  readonly pid: number;
  /** The process has not exited. */
  alive(): boolean;
  /** What the process wrote to stdout so far: its banner, then Fastify's JSON log (5xx errors with their cause). */
  stdout(): string;
  /** What the process wrote to stderr so far: the `log` lines of src/server/run.ts. */
  stderr(): string;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /** `VmRSS` and `VmHWM` (peak RSS since start or the last `resetPeak`) in bytes, from /proc/<pid>/status. */
  memory(): { rss: number; peak: number };
  /** Resets `VmHWM` to the current RSS (`echo 5 > /proc/<pid>/clear_refs`, Linux ≥ 4.0). */
  resetPeak(): void;
  /** Sends `signal` (if still running) and resolves when the process has exited. */
  stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<Exit>;
}

export type ServeStart =
  | { readonly kind: 'listening'; readonly server: ServeChild }
  | { readonly kind: 'exited'; readonly exit: Exit; readonly stdout: string; readonly stderr: string };

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/** Runs `mlslo serve ARGS…` and waits until it listens or exits. */
export function startServeWith(args: readonly string[]): Promise<ServeStart> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  let exit: Exit | undefined;
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve((exit = { code, signal }))));
  const output = (): string => `--- stdout\n${out}\n--- stderr\n${err}`;
  const pid = child.pid!;
  const server: Omit<ServeChild, 'url'> = {
    pid,
    alive: () => exit === undefined,
    stdout: () => out,
    stderr: () => err,
    output,
    memory: () => ({ rss: statusField(pid, 'VmRSS'), peak: statusField(pid, 'VmHWM') }),
    resetPeak: () => writeFileSync(`/proc/${pid}/clear_refs`, '5'),
    async stop(signal) {
      if (exit === undefined) child.kill(signal);
      return exited;
    },
  };
  return new Promise<ServeStart>((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mlslo serve neither listened nor exited within ${START_DEADLINE_MS} ms\n${output()}`));
    }, START_DEADLINE_MS);
    const onData = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m === null) return;
      clearTimeout(guard);
      child.stdout!.off('data', onData);
      resolve({ kind: 'listening', server: { ...server, url: m[1]! } });
    };
    child.stdout!.on('data', onData);
    void exited.then((e) => {
      clearTimeout(guard);
      // Resolving twice is a no-op when it had already started listening.
      resolve({ kind: 'exited', exit: e, stdout: out, stderr: err });
    });
  });
}

/** Runs `mlslo serve --port 0 --data DIR --specs …` and waits until it listens or exits. */
export function startServe(dataDir: string, specs: readonly string[]): Promise<ServeStart> {
  return startServeWith(['--port', '0', '--data', dataDir, ...specs.flatMap((s) => ['--specs', s])]);
}

async function listening(start: Promise<ServeStart>): Promise<ServeChild> {
  const s = await start;
  if (s.kind === 'exited') throw new Error(`mlslo serve exited (${s.exit.code ?? s.exit.signal}) instead of listening\n--- stdout\n${s.stdout}\n--- stderr\n${s.stderr}`);
  return s.server;
}

/** startServe that must listen; throws with the child's output otherwise. */
export function mustServe(dataDir: string, specs: readonly string[]): Promise<ServeChild> {
  return listening(startServe(dataDir, specs));
}

/**
 * Starts `mlslo serve --config <dir>/mlslo.yaml` with `config` (port 0, loopback, log level warn) and the
 * spec in `<dir>/spec.yaml`; resolves once it listens. `dir` holds the config and spec, not the data.
 */
export function startChildServer(dir: string, specYaml: string, config: Partial<ServeConfig>): Promise<ServeChild> {
  const specFile = join(dir, 'spec.yaml');
  writeFileSync(specFile, specYaml);
  const configFile = join(dir, 'mlslo.yaml');
  writeFileSync(configFile, stringify({ port: 0, host: '127.0.0.1', specs: [specFile], logLevel: 'warn', ...config }));
  return listening(startServeWith(['--config', configFile]));
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
