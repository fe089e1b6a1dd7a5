/** `mlslo validate` end to end: the real command on the examples and on every *.bad.yaml fixture. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli } from '../helpers/cli.ts';

const examples = readdirSync(join(REPO, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => `examples/${f}`);
const bad = readdirSync(join(REPO, 'testdata')).filter((f) => f.endsWith('.bad.yaml'));

test('the shipped examples and the demo specs are valid: exit 0', async () => {
  assert.ok(examples.length >= 3);
  const r = await runCli(['validate', ...examples, 'demo/']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('ok  ')).length, examples.length + readdirSync(join(REPO, 'demo')).filter((f) => f.endsWith('.yaml')).length);
});

test('there are bad fixtures to check', () => {
  assert.ok(bad.length >= 10, `found ${bad.length}`);
});

for (const file of bad) {
  test(`validate testdata/${file}: exit 1 with exactly the expected problems`, async () => {
    const expected = readFileSync(join(REPO, 'testdata', file.replace(/\.yaml$/, '.expected')), 'utf8');
    const r = await runCli(['validate', `testdata/${file}`]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, expected);
  });
}

test('usage errors exit 2; --help lists every command', async () => {
  assert.equal((await runCli(['validate'])).code, 2);
  assert.equal((await runCli(['frobnicate'])).code, 2);
  const h = await runCli(['--help']);
  assert.equal(h.code, 0);
  for (const c of ['serve', 'keys', 'validate', 'report']) assert.match(h.stdout, new RegExp(`\\b${c}\\b`));
  const s = await runCli(['serve', '--help']);
  for (const f of ['--port', '--host', '--data', '--specs', '--demo', '--max-event-age', '--config']) assert.match(s.stdout, new RegExp(f));
});
