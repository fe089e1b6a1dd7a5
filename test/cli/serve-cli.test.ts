/** `mlslo serve` as users run it: prints its URL, answers /healthz, stops cleanly on Ctrl-C (SIGINT). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';

const BIN = fileURLToPath(new URL('../../bin/mlslo', import.meta.url));

test('serve with a config file: URL printed, healthz 200, SIGINT exits 0 and keeps the data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-serve-'));
  try {
    writeFileSync(join(dir, 'mlslo.yaml'), `port: 0\ndata: ${join(dir, 'data')}\nspecs: [${join(fileURLToPath(new URL('../../examples/', import.meta.url)))}]\n`);
    const child = spawn(process.execPath, [BIN, 'serve', '--config', join(dir, 'mlslo.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    // The data directory holds a usable store: a key can be created on it after the server stopped.
    const k = await runCli(['keys', 'create', '--role', 'read', '--data', join(dir, 'data')]);
    assert.equal(k.code, 0, k.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve refuses an invalid config with exit 1 and says why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-serve-'));
  try {
    writeFileSync(join(dir, 'bad.yaml'), 'port: 0\nbogus: true\n');
    const r = await runCli(['serve', '--config', join(dir, 'bad.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown key `bogus`/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
