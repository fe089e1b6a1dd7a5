/**
 * Runs Prometheus' `promtool` for the rules tests. Without it the tests report themselves skipped with the
 * command that installs it — they never pass unchecked.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export const PROMTOOL_MISSING = 'promtool not found: apt-get install -y --no-install-recommends prometheus';

const found = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error === undefined;

/** True when promtool can run; otherwise marks `t` skipped, saying how to install it. */
export function havePromtool(t: TestContext): boolean {
  if (!found) t.skip(PROMTOOL_MISSING);
  return found;
}

export interface PromtoolResult {
  readonly code: number | null;
  /** stdout and stderr together: promtool splits its reports between them. */
  readonly output: string;
}

export function promtool(args: readonly string[], cwd: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', args, { cwd });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** A fresh temporary directory, removed when the test file's tests are done. */
export function tempDir(prefix: string, after: (fn: () => void) => void): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
