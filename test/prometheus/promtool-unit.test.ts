/**
 * `promtool test rules` on the hand-written scenarios beside this file (*.promtest.yaml, issue 8): series of
 * mlslo's counters in, alerts and recorded values out, every expectation worked out by hand in the file.
 * The rules are generated for the specs in fixtures/, one file per service (`<service>.rules.yaml`, which
 * each scenario's `rule_files` names), into a temporary directory the scenarios are copied to.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prometheusRulesFile } from '../../src/cli/commands/prometheus-rules-cli.ts';
import { loadSpecFiles } from '../../src/spec/load-spec.ts';
import { havePromtool, promtool, tempDir } from './promtool.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const scenarios = readdirSync(HERE).filter((n) => n.endsWith('.promtest.yaml')).sort();
const dir = tempDir('mlslo-promtest-', after);

before(async () => {
  const { specs, problems } = await loadSpecFiles([join(HERE, 'fixtures')]);
  assert.deepEqual(problems, []);
  for (const spec of specs) {
    writeFileSync(join(dir, `${spec.name}.rules.yaml`), await prometheusRulesFile([spec], [`test/prometheus/fixtures: ${spec.name}`]));
  }
});

test('the scenarios of issue 8 are all there', () => {
  assert.deepEqual(scenarios, [
    'composite-routing.promtest.yaml', 'errors-burn.promtest.yaml', 'exact-values.promtest.yaml', 'quality.promtest.yaml', 'tier2.promtest.yaml',
  ]);
});

for (const name of scenarios) {
  test(`promtool test rules ${name}`, async (t) => {
    if (!havePromtool(t)) return;
    copyFileSync(join(HERE, name), join(dir, name));
    const r = await promtool(['test', 'rules', name], dir);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /SUCCESS/);
  });
}

test('a wrong expectation fails: the harness can tell a broken rule from a working one', async (t) => {
  if (!havePromtool(t)) return;
  const text = readFileSync(join(HERE, 'exact-values.promtest.yaml'), 'utf8');
  const wrong = text.replace(/( +- labels: 'mlslo:sli_burn:rate5m\{service="exact-values", sli="errors"\}'\n +value: )8\n/, '$19\n');
  assert.notEqual(wrong, text);
  writeFileSync(join(dir, 'wrong.promtest.yaml'), wrong);
  const r = await promtool(['test', 'rules', 'wrong.promtest.yaml'], dir);
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, /FAILED[\s\S]*exp: .*sli="errors"\} 9E\+00[\s\S]*got: .*sli="errors"\} 8E\+00/);
});
