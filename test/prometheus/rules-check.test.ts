/**
 * `promtool check rules` accepts the rules generated for every spec shipped in examples/ and demo/ (issue 8):
 * each alone, with the rule count worked out from the policy, and all together in one file, as
 * `mlslo export prometheus-rules examples/ demo/` writes it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prometheusRulesFile } from '../../src/cli/commands/prometheus-rules-cli.ts';
import { loadSpecFiles } from '../../src/spec/load-spec.ts';
import { REPO } from '../helpers/cli.ts';
import { havePromtool, promtool, tempDir } from './promtool.ts';

const shipped = ['examples', 'demo'].flatMap((d) => readdirSync(join(REPO, d)).filter((f) => f.endsWith('.yaml')).map((f) => `${d}/${f}`));
const dir = tempDir('mlslo-rules-check-', after);

/**
 * Every shipped policy has the Workbook's 4 rows over 7 windows (5m 30m 1h 2h 6h 1d 3d), 4 of them long.
 * Recordings: 4 objectives; per window 5 counter rates and counts, q̂, widened q̂, widened verdicts, okFast,
 * 3 error ratios (errors+latency, quality, composite) and a burn rate = 13; per long window 2 bad-event
 * rules and a quality share = 3. Alerts: errors, latency and quality per severity, the composite per
 * severity and route (owner, oncall); tier 2 has one severity.
 */
function expectedRules(tier: number): number {
  const recordings = 4 + 7 * 13 + 4 * 3;
  const severities = tier === 2 ? 1 : 2;
  return recordings + severities * (3 + 2);
}

test('the shipped specs are there to check', () => {
  assert.ok(shipped.length >= 6, shipped.join(' '));
});

for (const file of shipped) {
  test(`promtool check rules accepts the rules of ${file}`, async (t) => {
    if (!havePromtool(t)) return;
    const { specs, problems } = await loadSpecFiles([join(REPO, file)]);
    assert.deepEqual(problems, []);
    const out = join(dir, file.replace('/', '-'));
    writeFileSync(out, await prometheusRulesFile(specs, [file]));
    const r = await promtool(['check', 'rules', out], dir);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, new RegExp(`SUCCESS: ${expectedRules(specs[0]!.tier)} rules found`));
  });
}

test('promtool check rules accepts examples/ and demo/ in one file: no two rules share a name and labels', async (t) => {
  if (!havePromtool(t)) return;
  const { specs, problems } = await loadSpecFiles([join(REPO, 'examples'), join(REPO, 'demo')]);
  assert.deepEqual(problems, []);
  const out = join(dir, 'all.yaml');
  writeFileSync(out, await prometheusRulesFile(specs, ['examples/ demo/']));
  const r = await promtool(['check', 'rules', out], dir);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, new RegExp(`SUCCESS: ${specs.reduce((n, s) => n + expectedRules(s.tier), 0)} rules found`));
});
