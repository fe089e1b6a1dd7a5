/** The text `mlslo test` prints per file, in the manner of `promtool test rules`. */
import { formatProblem, type SpecProblem } from '../../spec/problems.ts';
import type { ScenarioResult } from './run.ts';

export function formatProblems(file: string, problems: readonly SpecProblem[]): string {
  return `Unit testing: ${file}\n  FAILED (the file is not a valid scenario):\n${problems.map((p) => `    ${formatProblem(p)}\n`).join('')}`;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/**
 * Failures are listed in assertion order, each as `FILE:LINE:COL: assert[i] at OFFSET (ISO): what`
 * with `exp:` and `got:` lines. The success line carries the elapsed time; failure text has none, so it
 * can be compared as a golden file.
 */
export function formatResult(file: string, r: ScenarioResult, elapsedMs: number): string {
  const head = `Unit testing: ${file}\n`;
  const size = `${count(r.requests, 'request')}, ${count(r.labels, 'label')}, ${count(r.evaluations, 'evaluation')}`;
  if (r.failures.length === 0) {
    return `${head}  SUCCESS: ${count(r.checks, 'check')} passed (${size}) in ${(elapsedMs / 1000).toFixed(1)} s\n`;
  }
  const lines = r.failures.map(({ assertion: a, failure: f }) => [
    `    ${file}:${f.place.line}:${f.place.column}: assert[${a.index}] at ${a.label} (${new Date(a.at).toISOString()}): ${f.what}`,
    `        exp: ${f.exp}`,
    `        got: ${f.got}`,
  ].join('\n'));
  return `${head}  FAILED: ${r.failures.length} of ${count(r.checks, 'check')} (${size}):\n${lines.join('\n')}\n`;
}
