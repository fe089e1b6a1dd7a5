/**
 * `bin/mlslo serve` as a child process, the way an operator runs it, for the crash and corrupt-file tests:
 * start it on a data directory and learn its URL (or how it refused to start), SIGKILL it, stop it cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /** Sends `signal` and resolves when the process has exited. */
  stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<Exit>;
}

export type ServeStart =
  | { readonly kind: 'listening'; readonly server: ServeChild }
  | { readonly kind: 'exited'; readonly exit: Exit; readonly stdout: string; readonly stderr: string };

/** Runs `mlslo serve --port 0 --data DIR --specs …` and waits until it listens or exits. */
export function startServe(dataDir: string, specs: readonly string[]): Promise<ServeStart> {
  const args = [BIN, 'serve', '--port', '0', '--data', dataDir, ...specs.flatMap((s) => ['--specs', s])];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const output = (): string => `--- stdout\n${stdout}\n--- stderr\n${stderr}`;
  const stop = async (signal: 'SIGKILL' | 'SIGTERM'): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise<ServeStart>((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mlslo serve neither listened nor exited within ${START_DEADLINE_MS} ms\n${output()}`));
    }, START_DEADLINE_MS);
    const onData = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m === null) return;
      clearTimeout(guard);
      child.stdout!.off('data', onData);
      resolve({ kind: 'listening', server: { url: m[1]!, pid: child.pid!, output, stop } });
    };
    child.stdout!.on('data', onData);
    void exited.then((exit) => {
      clearTimeout(guard);
      // Resolving twice is a no-op when it had already started listening.
      resolve({ kind: 'exited', exit, stdout, stderr });
    });
  });
}

/** startServe that must listen; throws with the child's output otherwise. */
export async function mustServe(dataDir: string, specs: readonly string[]): Promise<ServeChild> {
  const s = await startServe(dataDir, specs);
  if (s.kind === 'exited') throw new Error(`mlslo serve exited (${s.exit.code ?? s.exit.signal}) instead of listening\n--- stdout\n${s.stdout}\n--- stderr\n${s.stderr}`);
  return s.server;
}
