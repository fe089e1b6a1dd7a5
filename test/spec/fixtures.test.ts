// Every testdata/*.bad.yaml is paired with testdata/<name>.bad.expected: the exact problems, one per line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { formatProblem, loadSpecFiles, parseSpec, parseSpecDocuments } from '../../src/spec/load-spec.ts';

const fixtures = readdirSync('testdata').filter((f) => f.endsWith('.bad.yaml')).sort();

test('there are at least 10 bad fixtures, each with an expected file', () => {
  assert.ok(fixtures.length >= 10, `only ${fixtures.length} fixtures`);
  const expected = new Set(readdirSync('testdata').filter((f) => f.endsWith('.bad.expected')));
  for (const f of fixtures) assert.ok(expected.has(f.replace(/\.yaml$/, '.expected')), `${f} has no .expected file`);
});

for (const name of fixtures) {
  const file = `testdata/${name}`;
  test(`${file} reports exactly the expected problems`, async () => {
    const want = readFileSync(file.replace(/\.yaml$/, '.expected'), 'utf8').split('\n').filter((l) => l !== '');
    const { problems } = await loadSpecFiles([file]);
    assert.deepEqual(problems.map(formatProblem), want);
  });

  test(`${file}: the pure parser agrees with the loader`, async () => {
    const text = readFileSync(file, 'utf8');
    const pure = parseSpecDocuments(text, file);
    const loaded = await loadSpecFiles([file]);
    assert.deepEqual(pure.problems, loaded.problems);
    assert.equal(parseSpec(text, file).ok, false);
  });
}

test('messages start lower-case, end without a period, and every position is 1-based', async () => {
  const { problems } = await loadSpecFiles(fixtures.map((f) => `testdata/${f}`));
  assert.ok(problems.length > 50);
  for (const p of problems) {
    assert.match(p.message, /^[a-z`]/, p.message);
    assert.doesNotMatch(p.message, /\.$/, p.message);
    assert.ok(p.line >= 1 && p.column >= 1);
    assert.ok(p.pointer === '' || p.pointer.startsWith('/'));
  }
});
