/**
 * Smoke test of the drift benchmark (bench/drift.ts, issue 5) at a tiny size: it must exit 0, its binned
 * statistics must agree with our exact raw-array ones and with scipy's, and it must print the ratio line.
 * No timing assertions (the machine is shared). Without /usr/bin/python3 + numpy + scipy the scipy part
 * reports itself skipped (CI installs python3-scipy, see .ci/run); the bench is run with --no-install so a
 * test never runs apt-get.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('bench/run.ts --only drift at 20k × 20 vs 5k: statistics agree, ratio line printed', { timeout: 120_000 }, async (t) => {
  const args = ['--import', 'tsx', 'bench/run.ts', '--only', 'drift', '--rows', '20000', '--baseline-rows', '5000', '--no-install'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const dump = `exit ${String(code)}\nstdout:\n${out}\nstderr:\n${err}`;
  assert.equal(code, 0, dump);

  // Our side always runs: 20 features evaluated, fold and evaluation timed, binned vs exact raw arrays checked.
  assert.match(out, /^drift: 20,000 production rows × 20 features \(14 numeric, 6 categorical\) against 5,000 baseline rows/m, dump);
  assert.equal(out.match(/^ {2}\S+\s+(wasserstein|jensenshannon) /gm)?.length, 20, dump);
  assert.match(out, /^ {2}mlslo full evaluation \(b\)\s+[\d.,]+ ms/m, dump);
  assert.match(out, /^ {2}mlslo fold \(a\), at ingest\s+[\d.,]+ ms .* rows\/s/m, dump);
  assert.match(out, /^ {2}binned\/raw\s+W \|Δ\| max .* OK$/m, dump);
  assert.match(out, /^drift: agreement OK$/m, dump);
  assert.doesNotMatch(out, /MISMATCH/, dump);

  if (/^drift: scipy skipped/m.test(out)) {
    assert.match(out, /^drift ratio: n\/a — scipy skipped/m, dump);
    t.skip('install: apt-get install -y python3-scipy');
    return;
  }
  assert.match(out, /^ {2}binned\/scipy\s+W \|Δ\| max .*; JS rel max .*; PSI rel max .* OK$/m, dump);
  assert.match(out, /^ {2}raw\/scipy\s+W rel max .* OK$/m, dump);
  assert.match(out, /^ {2}scipy\s+[\d.,]+ ms\s+python [\d.]+, numpy [\d.]+, scipy [\d.]+/m, dump);
  assert.match(out, /^drift ratio: scipy \/ mlslo evaluation [\d.,]+×\s+scipy \/ \(mlslo fold \+ evaluation\) [\d.,]+×/m, dump);
  assert.match(out, /^drift 20k rows × 20 features vs 5k baseline\s+evaluation [\d.,]+ ms\s+fold [\d.,]+ ms .*ratio scipy\/evaluation [\d.,]+×\s+scipy\/\(fold \+ evaluation\) [\d.,]+×$/m, dump);
});
