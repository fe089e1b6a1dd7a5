import type { ServiceReport } from '../../core/slo-report.ts';
import { getJson, type ClientOptions } from '../client.ts';
import { renderReport } from '../render-report.ts';

export async function reportCommand(name: string, opts: ClientOptions & { window?: string; at?: string; json?: boolean }): Promise<void> {
  const q = new URLSearchParams();
  if (opts.window !== undefined) q.set('window', opts.window);
  if (opts.at !== undefined) q.set('at', opts.at);
  const qs = q.size > 0 ? `?${q.toString()}` : '';
  const report = (await getJson(`/v1/services/${encodeURIComponent(name)}/report${qs}`, opts)) as ServiceReport;
  process.stdout.write(opts.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
}
