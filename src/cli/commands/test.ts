/**
 * `mlslo test FILE…`: runs scenario files (docs/scenario-tests.md) against the real ingest and alert
 * engine on an in-memory store, like `promtool test rules`. Exit 0 when every check of every file
 * passes, 1 when any fails or a file is invalid (2, usage, is commander's).
 */
import { readFile } from 'node:fs/promises';
import type { ServiceSpec } from '../../core/spec.ts';
import { loadBurnPolicies, policyForSpec } from '../../spec/burn-policy-file.ts';
import { loadSpecFiles } from '../../spec/load-spec.ts';
import { formatProblems, formatResult } from '../../engine/scenario/format.ts';
import { parseScenario } from '../../engine/scenario/parse.ts';
import { runScenario } from '../../engine/scenario/run.ts';

export async function testCommand(files: string[]): Promise<void> {
  const policies = await loadBurnPolicies();
  const policyOf = (spec: ServiceSpec) => policyForSpec(policies, spec);
  let failed = 0;
  for (const [i, file] of files.entries()) {
    if (i > 0) process.stdout.write('\n');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      process.stdout.write(formatProblems(file, [{ file, line: 0, column: 0, pointer: '', message: `cannot read: ${(e as Error).message}` }]));
      failed++;
      continue;
    }
    const parsed = await parseScenario(text, file, loadSpecFiles);
    if (!parsed.ok) {
      process.stdout.write(formatProblems(file, parsed.problems));
      failed++;
      continue;
    }
    const t0 = performance.now();
    const result = await runScenario(parsed.scenario, policyOf);
    process.stdout.write(formatResult(file, result, performance.now() - t0));
    if (result.failures.length > 0) failed++;
  }
  if (failed > 0) {
    process.stderr.write(`${failed} of ${files.length} scenario file${files.length === 1 ? '' : 's'} failed\n`);
    process.exitCode = 1;
  }
}
