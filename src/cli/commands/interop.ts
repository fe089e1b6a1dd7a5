/**
 * `mlslo export …` and `mlslo import …`: fitting into the ecosystem (issue 8) — Prometheus rules over
 * mlslo's exported counters, and OpenSLO v1 documents — and backfilling events from files (issue 10;
 * `events` is the default, so `mlslo import FILE…` backfills). Each format's flags live beside its command.
 */
import type { Command } from 'commander';
import { addImportEventsCommand } from './import-events.ts';
import { addOpenSloCommands } from './openslo-cli.ts';
import { addPrometheusRulesCommand } from './prometheus-rules-cli.ts';

export function addInteropCommands(program: Command): void {
  const exporter = program.command('export').description('write mlslo specs in other tools\' formats');
  const importer = program.command('import').description('backfill events from files (the default: mlslo import FILE…), or read OpenSLO documents into mlslo specs');
  addPrometheusRulesCommand(exporter);
  addImportEventsCommand(importer);
  addOpenSloCommands(exporter, importer);
}
