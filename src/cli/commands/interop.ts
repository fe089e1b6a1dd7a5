/**
 * `mlslo export …` and `mlslo import …`: fitting into the ecosystem (issue 8) — Prometheus rules over
 * mlslo's exported counters, and OpenSLO v1 documents. Each format's flags live beside its command.
 */
import type { Command } from 'commander';
import { addOpenSloCommands } from './openslo-cli.ts';
import { addPrometheusRulesCommand } from './prometheus-rules-cli.ts';

export function addInteropCommands(program: Command): void {
  const exporter = program.command('export').description('write mlslo specs in other tools\' formats');
  const importer = program.command('import').description('read other tools\' formats into mlslo specs');
  addPrometheusRulesCommand(exporter);
  addOpenSloCommands(exporter, importer);
}
