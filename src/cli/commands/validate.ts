import { formatProblem, loadSpecFiles } from '../../spec/load-spec.ts';

export async function validateCommand(files: string[]): Promise<void> {
  const { specs, problems } = await loadSpecFiles(files);
  for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
  if (problems.length > 0) {
    process.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} found\n`);
    process.exitCode = 1;
    return;
  }
  for (const s of specs) {
    process.stdout.write(`ok  ${s.name} (tier ${s.tier} ${s.task}; objectives errors ${s.objectives.errors}, latency ${s.objectives.latency}, quality ${s.objectives.quality}, composite ${s.objectives.composite})\n`);
  }
}
