/**
 * The `mlslo` command (DESIGN §3.4). Each subcommand lives in commands/; this file only wires flags.
 * Exit codes: 0 success, 1 failure (e.g. an invalid spec, an unreachable server), 2 usage error.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isMlsloError } from '../core/errors.ts';
import { alertsCommand } from './commands/alerts.ts';
import { baselineUploadCommand, baselineWindowCommand } from './commands/baseline.ts';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './commands/keys.ts';
import { addLabelingCommands } from './commands/labeling.ts';
import { driftCommand } from './commands/drift.ts';
import { addEvalCommands } from './commands/eval-cli.ts';
import { addInteropCommands } from './commands/interop.ts';
import { qualityCommand } from './commands/quality.ts';
import { reportCommand } from './commands/report.ts';
import { migrateCommand } from './commands/migrate.ts';
import { serveCommand } from './commands/serve.ts';
import { testCommand } from './commands/test.ts';
import { validateCommand } from './commands/validate.ts';
import { SERVER_ROLES } from '../server/roles.ts';
import { addStoreOptions } from './store-flags.ts';

function speed(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1 || n > 1000) throw new InvalidArgumentError('must be a number from 1 (real time) to 1000');
  return n;
}

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0–65535)');
  return n;
}

const collect = (value: string, prev: string[] | undefined): string[] => [...(prev ?? []), value];

export function buildProgram(): Command {
  const program = new Command('mlslo')
    .description('SLOs for machine-learning services: latency, errors and model quality judged together')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();

  addStoreOptions(program.command('serve')
    .description('run the server: ingest, reports and (with --demo) a demo service with live data; Ctrl-C stops cleanly')
    .option('--port <port>', 'TCP port (default 7070; 0 picks a free one)', int)
    .option('--host <host>', 'address to listen on (default 127.0.0.1)'))
    .addOption(new Option('--role <role>', 'what this process runs (default all): ingest = POST /v1/events; api = reads, admin, labeling, dashboard; evaluator = alerts, notifications, drift, sampler, eval schedules').choices(SERVER_ROLES))
    .option('--public-url <url>', 'the address notifications link to (default this server\'s URL; set it on evaluators to the API\'s)')
    .option('--specs <path...>', 'service spec files or directories of *.yaml (repeatable)', collect)
    .option('--demo', 'also run the demo services with live data, and print an admin key')
    .option('--demo-speed <factor>', 'with --demo: server minutes per real minute (default 10; 1 = real time)', speed)
    .option('--max-event-age <duration>', 'oldest inference event accepted (default 7d)')
    .addHelpText('after', '\nConfig file keys: port, host, store, data, clickhouse {url, database, username, password}, role, publicUrl, specs, demo, demoSpeed, maxEventAge, maxBodyBytes, maxItems, maxQueue, logLevel, compactInterval (ClickHouse compaction, default 1m).\nThe ClickHouse password may come from $MLSLO_CLICKHOUSE_PASSWORD. Scale-out roles: docs/deployment.md.')
    .action(serveCommand);

  addStoreOptions(program.command('migrate')
    .description('apply the schema migrations the configured store lacks (SQLite or ClickHouse) and print them; safe to run again'))
    .action(migrateCommand);

  const keys = program.command('keys').description('manage API keys');
  addStoreOptions(keys.command('create')
    .description('create an API key and print it once (works whether or not a server runs on the store)')
    .addOption(new Option('--role <role>', 'what the key may do').choices(['ingest', 'read', 'admin', 'labeler']).makeOptionMandatory())
    .option('--service <name>', 'limit the key to one service'))
    .action(keysCreateCommand);
  addStoreOptions(keys.command('list')
    .description('list API keys: id, role, service scope, creation time (secrets are not stored)'))
    .action(keysListCommand);
  addStoreOptions(keys.command('revoke')
    .description('revoke an API key by id; a running server refuses it from the next request')
    .argument('<id>', 'the key id (`keys create` prints it, `keys list` shows it)'))
    .action(keysRevokeCommand);

  program.command('validate')
    .description('check service spec files; prints every problem as FILE:LINE:COL: /pointer: message; exit 1 if any')
    .argument('<file...>', 'spec files (YAML, apiVersion mlslo/v1)')
    .action(validateCommand);

  program.command('test')
    .description('run scenario tests: synthetic traffic through the real ingest and alert engine, with expected alert states and budgets at given times (docs/scenario-tests.md); exit 1 if any check fails')
    .argument('<file...>', 'scenario files (YAML)')
    .action(testCommand);

  program.command('report')
    .description('print the SLO report of a service from a running server')
    .argument('<name>', 'service name')
    .option('--window <duration>', 'report window such as 30d, 7d or 6h (default: the spec\'s window)')
    .option('--at <iso>', 'evaluate as of this instant (ISO-8601 with offset)')
    .option('--json', 'print the report document as JSON')
    .option('--url <url>', 'server URL (default $MLSLO_URL or http://127.0.0.1:7070)')
    .option('--key <key>', 'API key with the read role (default $MLSLO_KEY)')
    .action(reportCommand);

  program.command('quality')
    .description('print the quality of a service — realized q̂ and metrics with intervals, the label-free estimate, objectives — optionally broken down')
    .argument('<name>', 'service name')
    .option('--by <breakdown>', 'cohort, version, day, or a cohort attribute such as region')
    .option('--window <duration>', 'window such as 30d, 7d or 6h (default: the spec\'s window)')
    .option('--at <iso>', 'as of this instant: only labels learned by then count')
    .option('--json', 'print the quality document as JSON')
    .option('--url <url>', 'server URL (default $MLSLO_URL or http://127.0.0.1:7070)')
    .option('--key <key>', 'API key with the read role (default $MLSLO_KEY)')
    .action(qualityCommand);

  program.command('alerts')
    .description('list the alerts pending or firing, as the server last evaluated them (every 30 s by default)')
    .option('--service <name>', 'only this service')
    .option('--json', 'print the alerts as JSON, with their evidence')
    .option('--url <url>', 'server URL (default $MLSLO_URL or http://127.0.0.1:7070)')
    .option('--key <key>', 'API key with the read role (default $MLSLO_KEY)')
    .action(alertsCommand);

  program.command('drift')
    .description('print input and prediction drift of a service against its baseline, per feature, with the dataset-drift verdict')
    .argument('<name>', 'service name')
    .option('--window <duration>', 'whole hours such as 1h, 6h or 1d (default 1d)')
    .option('--at <iso>', 'the window ends with the hour holding this instant (ISO-8601 with offset)')
    .addOption(new Option('--by <breakdown>', 'also per cohort value').choices(['cohort']))
    .option('--model <version>', 'only requests served by this model version')
    .option('--json', 'print the drift document as JSON')
    .option('--url <url>', 'server URL (default $MLSLO_URL or http://127.0.0.1:7070)')
    .option('--key <key>', 'API key with the read role (default $MLSLO_KEY)')
    .action(driftCommand);

  const baseline = program.command('baseline').description('drift baselines: training samples per service and model version');
  baseline.command('upload')
    .description('upload a JSONL or CSV training sample (.gz is sent compressed) and print the feature types; a progress bar shows on a terminal')
    .argument('<name>', 'service name')
    .argument('<file>', 'the sample: .jsonl/.ndjson or .csv, optionally .gz')
    .option('--model <version>', 'model version the sample trained (default: none; drift then uses it for every version)')
    .addOption(new Option('--format <format>', 'file format when the name does not tell').choices(['jsonl', 'csv']))
    .option('--url <url>', 'server URL (default $MLSLO_URL or http://127.0.0.1:7070)')
    .option('--key <key>', 'API key with the ingest role for the service, or admin (default $MLSLO_KEY)')
    .action(baselineUploadCommand);
  baseline.command('from-window')
    .description('use a production window of stored requests (up to 100,000 sampled uniformly) as the baseline')
    .argument('<name>', 'service name')
    .requiredOption('--from <iso>', 'window start (ISO-8601 with offset)')
    .requiredOption('--to <iso>', 'window end, exclusive')
    .option('--model <version>', 'only requests of this model version; the baseline is then that version\'s')
    .option('--url <url>', 'server URL (default $MLSLO_URL or http://127.0.0.1:7070)')
    .option('--key <key>', 'API key with the ingest role for the service, or admin (default $MLSLO_KEY)')
    .action(baselineWindowCommand);

  addEvalCommands(program);
  addLabelingCommands(program);
  addInteropCommands(program);

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    process.stderr.write(`mlslo: ${isMlsloError(e) ? e.message : (e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
