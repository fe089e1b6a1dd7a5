/** The flags of `mlslo eval`, `mlslo golden` and `mlslo replay` (docs/evals.md "CLI"), wired by main.ts. */
import { Option, type Command } from 'commander';
import { evalListCommand, evalRunCommand } from './eval.ts';
import { goldenListCommand, goldenUploadCommand } from './golden.ts';
import { replayCommand, replaySize } from './replay.ts';

const URL_HELP = 'server URL (default $MLSLO_URL or http://127.0.0.1:7070)';

export function addEvalCommands(program: Command): void {
  const evals = program.command('eval').description('golden-set eval runs: call the model endpoint on every example and score it');
  evals.command('run')
    .description('start a run of a golden set on the server, follow it with a progress bar, print the summary; exit 1 on a regression, 2 if the run failed')
    .argument('<name>', 'service name')
    .requiredOption('--set <set>', 'golden set name (spec evals.goldenSets[].name)')
    .option('--json', 'print the finished run as JSON')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', 'API key with the admin role (default $MLSLO_KEY)')
    .action(evalRunCommand);
  evals.command('list')
    .description('list eval runs of a service, newest first')
    .argument('<name>', 'service name')
    .option('--set <set>', 'only runs of this golden set')
    .addOption(new Option('--kind <kind>', 'only golden-set runs or replays').choices(['golden', 'replay']))
    .option('--limit <n>', 'at most this many runs (default 20, at most 200)')
    .option('--json', 'print the runs as JSON')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', 'API key with the read role (default $MLSLO_KEY)')
    .action(evalListCommand);

  const golden = program.command('golden').description('golden sets: labeled examples (JSONL: input, expected, optional segment and id)');
  golden.command('upload')
    .description('upload a JSONL golden set (.gz is sent compressed) as a new version of SET; a progress bar shows on a terminal')
    .argument('<name>', 'service name')
    .argument('<set>', 'golden set name')
    .argument('<file>', 'the examples: .jsonl, optionally .gz')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', 'API key with the ingest role for the service, or admin (default $MLSLO_KEY)')
    .action(goldenUploadCommand);
  golden.command('list')
    .description('list the uploaded golden sets of a service with their schedules')
    .argument('<name>', 'service name')
    .option('--json', 'print the golden sets as JSON')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', 'API key with the read role (default $MLSLO_KEY)')
    .action(goldenListCommand);

  program.command('replay')
    .description('replay sampled production requests with ground truth against an endpoint of the spec (a candidate model) and compare with production; exit 1 on a regression, 2 if the run failed')
    .argument('<name>', 'service name')
    .requiredOption('--endpoint <endpoint>', 'endpoint name (spec evals.endpoints)')
    .option('--from <iso>', 'window start (default: 7 days before --to)')
    .option('--to <iso>', 'window end, exclusive (default: now)')
    .option('--size <n>', 'requests to replay (default 500)', replaySize)
    .option('--json', 'print the finished run as JSON')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', 'API key with the admin role (default $MLSLO_KEY)')
    .action(replayCommand);
}
