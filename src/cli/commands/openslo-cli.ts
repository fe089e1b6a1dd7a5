/**
 * `mlslo export openslo` and `mlslo import openslo` (docs/openslo.md), wired by interop.ts. The mapping
 * is pure (src/openslo/); this file reads and writes files and sets the exit code.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MlsloError } from '../../core/errors.ts';
import { exportOpenSlo } from '../../openslo/export.ts';
import { importOpenSlo, type SourceText } from '../../openslo/import.ts';
import { formatNote } from '../../openslo/notes.ts';
import { loadBurnPolicies, policyForSpec } from '../../spec/burn-policy-file.ts';
import { formatProblem, loadSpecFiles } from '../../spec/load-spec.ts';

interface OutOption {
  readonly out?: string;
}

async function emit(text: string, out: string | undefined): Promise<void> {
  if (out === undefined) process.stdout.write(text);
  else await writeFile(out, text);
}

async function exportCommand(name: string, opts: OutOption & { readonly specs: string[] }): Promise<void> {
  const { specs, problems } = await loadSpecFiles(opts.specs);
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
    process.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the specs; nothing exported\n`);
    process.exitCode = 1;
    return;
  }
  const spec = specs.find((s) => s.name === name);
  if (spec === undefined) throw new MlsloError('MLSLO_ERR_SERVICE_NOT_FOUND', `\`${name}\` is not defined in ${opts.specs.join(', ')}`);
  const policy = policyForSpec(await loadBurnPolicies(), spec);
  await emit(exportOpenSlo(spec, policy), opts.out);
}

async function importCommand(files: string[], opts: OutOption): Promise<void> {
  const sources: SourceText[] = [];
  for (const file of files) {
    try {
      sources.push({ file, text: await readFile(file, 'utf8') });
    } catch (e) {
      process.stderr.write(`${file}: cannot read: ${(e as Error).message}\n`);
    }
  }
  const r = importOpenSlo(sources);
  for (const n of r.notes) process.stderr.write(`${formatNote(n)}\n`);
  if (r.services.length === 0) {
    process.stderr.write('nothing imported: no OpenSLO objective maps to an mlslo objective\n');
    process.exitCode = 1;
    return;
  }
  await emit(r.yaml, opts.out);
  const what = r.services.map((s) => `${s.name} (${s.dimensions.join(', ')})`).join(', ');
  process.stderr.write(`imported ${what}${opts.out === undefined ? '' : ` into ${opts.out}`}; review the values marked REVIEW\n`);
}

export function addOpenSloCommands(exporter: Command, importer: Command): void {
  exporter.command('openslo')
    .description('write a service as OpenSLO v1: an SLO per dimension over mlslo\'s counters, the burn policy as alert policies; what OpenSLO cannot hold is named in a comment')
    .argument('<name>', 'service name')
    .requiredOption('--specs <path...>', 'spec files or directories of *.yaml')
    .option('--out <file>', 'write the documents to this file instead of stdout')
    .action(exportCommand);
  importer.command('openslo')
    .description('read OpenSLO v1 documents into mlslo/v1 service specs (latency and error objectives); says on stderr what does not map and why; exit 1 if nothing maps')
    .argument('<file...>', 'OpenSLO v1 YAML files')
    .option('--out <file>', 'write the specs to this file instead of stdout')
    .action(importCommand);
}
