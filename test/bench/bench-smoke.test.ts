/**
 * Smoke test of `npm run bench`: the quick run must finish cleanly and print the ingest and report ratio
 * lines and the drift summary. No timing assertions — the machine is shared and absolute numbers swing
 * 2–3×; the bench itself reports ratios. `--no-install`: a test never apt-gets python3-scipy; the drift
 * benchmark's scipy side is checked (or reported skipped) by drift-bench-smoke.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('bench/run.ts --quick exits 0 and prints the ingest and report ratio lines and the drift summary', { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--no-install'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.equal(code, 0, `exit ${String(code)}\nstdout:\n${out}\nstderr:\n${err}`);
  assert.match(out, /^ingest \(HTTP → SQLite, durable\)\s+[\d,]+ events\/s\s+JSON\.parse [\d,]+ events\/s\s+ratio [\d.]+%/m);
  assert.match(out, /^report \d+d × .*p50 [\d.,]+ ms\s+p99 [\d.,]+ ms.*SQL over raw \(scaled\) [\d.,]+ ms\s+ratio [\d.,]+×/m);
  assert.match(out, /first 10% of requests [\d,]+ events\/s, last 10% [\d,]+ events\/s/);
  assert.match(out, /server RSS before \d+ MiB, after \d+ MiB/);
  assert.match(out, /^drift 100k rows × 20 features vs 10k baseline\s+evaluation [\d.,]+ ms\s+fold [\d.,]+ ms .*\bratio\b/m);
  assert.match(out, /agreement with .*: OK$/m);
});
