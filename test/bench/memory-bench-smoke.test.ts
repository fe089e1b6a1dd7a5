/**
 * Smoke test of `npm run bench -- --only memory` at a tiny size: the run must finish cleanly, re-send its
 * template with new ids (every request is checked for accepted = items, duplicates = 0 by the bench
 * itself) and print the RSS line at its three checkpoints. No assertion on RSS or timing — the full
 * 30M-event run is what measures the DESIGN §5 memory bar (docs/benchmarks.md).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('bench/run.ts --only memory at 30k events exits 0 and prints the RSS checkpoints', { timeout: 120_000 }, async () => {
  const args = ['--import', 'tsx', 'bench/run.ts', '--only', 'memory', '--memory-events', '30000', '--per-request', '1000', '--memory-template', '4', '--concurrency', '2'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.equal(code, 0, `exit ${String(code)}\nstdout:\n${out}\nstderr:\n${err}`);
  assert.match(out, /^memory \(server RSS at 10k \/ 20k \/ 30k events\)\s+\d+ MiB \/ \d+ MiB \/ \d+ MiB\s+change [+-][\d.]+% \/ [+-][\d.]+%/m);
  assert.match(out, /30,000 events over HTTP in [\d.]+ min .*per tenth of the run/);
});
