/**
 * `mlslo replay NAME --endpoint E [--from ISO] [--to ISO] [--size N] [--json]` (docs/evals.md
 * "Production replay"): replays a stratified sample of the window's production requests that have ground
 * truth or a human verdict against the spec's endpoint E (a candidate model), with the same progress bar,
 * summary and exit codes as `mlslo eval run`.
 */
import { InvalidArgumentError } from 'commander';
import type { EvalRun } from '../../server/schemas/evals.ts';
import { requestJson, type ClientOptions } from '../client.ts';
import { finishRun, followRun } from './eval.ts';

export interface ReplayOptions extends ClientOptions {
  readonly endpoint: string;
  readonly from?: string;
  readonly to?: string;
  readonly size?: number;
  readonly json?: boolean;
}

/** `--size`: requests to replay, 1–100,000. */
export function replaySize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('must be an integer from 1 to 100000');
  return n;
}

export async function replayCommand(name: string, opts: ReplayOptions): Promise<void> {
  const body = {
    endpoint: opts.endpoint, trigger: 'cli',
    ...(opts.from === undefined ? {} : { from: opts.from }), ...(opts.to === undefined ? {} : { to: opts.to }), ...(opts.size === undefined ? {} : { size: opts.size }),
  };
  const started = (await requestJson(`/v1/services/${encodeURIComponent(name)}/replays`, opts, {
    method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
  })) as EvalRun;
  finishRun(await followRun(started, opts, `${name} replay ${opts.endpoint}`), opts.json);
}
