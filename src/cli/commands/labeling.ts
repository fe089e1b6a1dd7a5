/**
 * `mlslo labeling sample NAME [--day]`, `mlslo labeling agreement NAME [--window]` and
 * `mlslo calibration NAME [--window]` (docs/labeling.md "CLI"): the sampler run on demand, inter-labeler
 * agreement and how far the automatic signals agree with humans, as tables or (--json) the API's documents.
 */
import type { Command } from 'commander';
import { getJson, requestJson, type ClientOptions } from '../client.ts';
import { int, num, pct, table } from '../render-report.ts';
import type { AgreementResponse, CalibrationResponse, SampleResponse } from '../../server/schemas/labeling.ts';

export interface LabelingOptions extends ClientOptions {
  readonly json?: boolean;
}

const svc = (name: string): string => `/v1/services/${encodeURIComponent(name)}`;
const query = (window: string | undefined): string => (window === undefined ? '' : `?window=${encodeURIComponent(window)}`);

export function renderSample(r: SampleResponse): string {
  const t = table(['stratum', 'requests', 'already labelled', 'top-up', 'by size', 'drawn', 'π']);
  for (const a of r.allocation) t.push([a.stratum, int(a.size), int(a.alreadyLabelled), int(a.topUp), int(a.proportional), int(a.draw), a.size === 0 ? '—' : num(a.draw / a.size, 4)]);
  return `${r.service} — ${r.day}: ${int(r.candidates)} candidates, ${int(r.queued)} queued\n${t.toString()}\n`;
}

const kappa = (k: { value: number | null; n: number }): string => (k.value === null ? `— (n=${k.n})` : `${num(k.value, 3)} (n=${k.n})`);

export function renderAgreement(r: AgreementResponse): string {
  const out = [
    `${r.service} — labels from ${r.from} to ${r.to}`,
    `overlap items: ${int(r.overlapItems)}; Krippendorff's α ${r.alpha.value === null ? '—' : num(r.alpha.value, 3)} (${int(r.alpha.units)} items); Cohen's κ ${kappa(r.kappa)}, raw agreement ${pct(r.kappa.n === 0 ? null : r.kappa.observed, 1)}`,
  ];
  const t = table(['labeler', 'labels', 'skips', 'flags', 'κ vs the other label']);
  for (const l of r.labelers) t.push([l.labeler, int(l.labels), int(l.skips), int(l.flags), kappa(l.kappa)]);
  out.push(t.toString());
  return `${out.join('\n')}\n`;
}

export function renderCalibration(r: CalibrationResponse): string {
  const out = [`${r.service} — ${int(r.humanJudged)} requests with a human verdict, labeled from ${r.from} to ${r.to}`];
  const t = table(['signal', 'n', 'agreement', '95% interval', 'κ', 'good/good', 'good/bad', 'bad/good', 'bad/bad']);
  for (const s of r.signals) {
    const a = s.agreement;
    t.push([s.signal, int(s.n), pct(a?.value, 1), a === null ? '' : `[${pct(a.interval.lower, 1)}, ${pct(a.interval.upper, 1)}]`, kappa(s.kappa),
      int(s.confusion.goodGood), int(s.confusion.goodBad), int(s.confusion.badGood), int(s.confusion.badBad)]);
  }
  out.push(t.toString(), 'confusion columns: signal verdict / human verdict');
  for (const s of r.signals.filter((x) => x.scores.length > 0)) {
    const st = table([`${s.signal} score`, 'mean when human good', 'mean when human bad']);
    for (const c of s.scores) st.push([c.criterion, num(c.meanWhenGood, 3), num(c.meanWhenBad, 3)]);
    out.push(st.toString());
  }
  return `${out.join('\n')}\n`;
}

export async function labelingSampleCommand(name: string, opts: LabelingOptions & { day?: string }): Promise<void> {
  const qs = opts.day === undefined ? '' : `?day=${encodeURIComponent(opts.day)}`;
  const r = (await requestJson(`${svc(name)}/labeling/sample${qs}`, opts, { method: 'POST' })) as SampleResponse;
  process.stdout.write(opts.json === true ? `${JSON.stringify(r, null, 2)}\n` : renderSample(r));
}

export async function labelingAgreementCommand(name: string, opts: LabelingOptions & { window?: string }): Promise<void> {
  const r = (await getJson(`${svc(name)}/labeling/agreement${query(opts.window)}`, opts)) as AgreementResponse;
  process.stdout.write(opts.json === true ? `${JSON.stringify(r, null, 2)}\n` : renderAgreement(r));
}

export async function calibrationCommand(name: string, opts: LabelingOptions & { window?: string }): Promise<void> {
  const r = (await getJson(`${svc(name)}/calibration${query(opts.window)}`, opts)) as CalibrationResponse;
  process.stdout.write(opts.json === true ? `${JSON.stringify(r, null, 2)}\n` : renderCalibration(r));
}

const URL_HELP = 'server URL (default $MLSLO_URL or http://127.0.0.1:7070)';

/** The flags of `mlslo labeling` and `mlslo calibration`, wired by main.ts. */
export function addLabelingCommands(program: Command): void {
  const labeling = program.command('labeling').description('human labeling: the daily sampler and agreement between labelers (docs/labeling.md)');
  labeling.command('sample')
    .description('draw a day\'s requests for labeling now and queue them (the server does so for yesterday once a day); prints the allocation per stratum')
    .argument('<name>', 'service name')
    .option('--day <YYYY-MM-DD>', 'the UTC day to sample (default yesterday)')
    .option('--json', 'print the result as JSON')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', 'API key with the admin role (default $MLSLO_KEY)')
    .action(labelingSampleCommand);
  labeling.command('agreement')
    .description('inter-labeler agreement on double-labeled items: Krippendorff\'s α, Cohen\'s κ, and per labeler')
    .argument('<name>', 'service name')
    .option('--window <duration>', 'labels given in this window up to now, e.g. 7d (default: the spec\'s window)')
    .option('--json', 'print the report as JSON')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', 'API key with the read role (default $MLSLO_KEY)')
    .action(labelingAgreementCommand);
  program.command('calibration')
    .description('how far each automatic signal (judge, feedback proxy, ground truth) agrees with human verdicts: agreement, κ, confusion')
    .argument('<name>', 'service name')
    .option('--window <duration>', 'requests labeled in this window up to now, e.g. 7d (default: the spec\'s window)')
    .option('--json', 'print the report as JSON')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', 'API key with the read role (default $MLSLO_KEY)')
    .action(calibrationCommand);
}
