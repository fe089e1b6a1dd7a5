/** Spawns bench/lib/server-child.ts and hands back its URL, ingest key and pid; stops it on cleanup. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly key: string;
  readonly pid: number;
  /** Asks the child to close (stdin EOF) and waits for it to exit (so a CPU profile gets written). */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  readonly cpuProfDir?: string;
  /** Config keys over the child's defaults (bench/lib/server-child.ts), e.g. the ClickHouse store and a role. */
  readonly config?: Readonly<Record<string, unknown>>;
}

export async function spawnServer(dataDir: string, specFile: string, opts: SpawnOptions = {}): Promise<ServerProcess> {
  const prof = opts.cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir];
  const config = opts.config === undefined ? [] : [JSON.stringify(opts.config)];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', CHILD, dataDir, specFile, ...config], {
    cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server child did not start within 60 s')), 60_000);
    lines.once('line', (l) => { clearTimeout(timer); resolve(l); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the server child exited with ${String(code)} before printing its URL`)); });
  });
  const info = JSON.parse(first) as { url: string; key: string; pid: number };
  return {
    ...info,
    async stop() {
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGTERM'), 15_000);
      await exited;
      clearTimeout(t);
      lines.close();
      kill();
    },
  };
}
