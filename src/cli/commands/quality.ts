import type { QualityDocument } from '../../core/quality-report.ts';
import { getJson, type ClientOptions } from '../client.ts';
import { renderQuality } from '../render-quality.ts';

const BREAKDOWNS = new Set(['cohort', 'version', 'day']);

export async function qualityCommand(name: string, opts: ClientOptions & { window?: string; at?: string; by?: string; json?: boolean }): Promise<void> {
  const q = new URLSearchParams();
  if (opts.window !== undefined) q.set('window', opts.window);
  if (opts.at !== undefined) q.set('at', opts.at);
  // `--by region` is shorthand for the cohort breakdown of one attribute.
  if (opts.by !== undefined) {
    if (BREAKDOWNS.has(opts.by)) q.set('by', opts.by);
    else q.set('attr', opts.by);
  }
  const qs = q.size > 0 ? `?${q.toString()}` : '';
  const doc = (await getJson(`/v1/services/${encodeURIComponent(name)}/quality${qs}`, opts)) as QualityDocument;
  process.stdout.write(opts.json === true ? `${JSON.stringify(doc, null, 2)}\n` : renderQuality(doc));
}
