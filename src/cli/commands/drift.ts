import { getJson, type ClientOptions } from '../client.ts';
import { renderDrift, type DriftDocument } from '../render-drift.ts';

export async function driftCommand(name: string, opts: ClientOptions & { window?: string; at?: string; by?: string; model?: string; json?: boolean }): Promise<void> {
  const q = new URLSearchParams();
  if (opts.window !== undefined) q.set('window', opts.window);
  if (opts.at !== undefined) q.set('at', opts.at);
  if (opts.by !== undefined) q.set('by', opts.by);
  if (opts.model !== undefined) q.set('model', opts.model);
  const qs = q.size > 0 ? `?${q.toString()}` : '';
  const doc = (await getJson(`/v1/services/${encodeURIComponent(name)}/drift${qs}`, opts)) as DriftDocument;
  process.stdout.write(opts.json === true ? `${JSON.stringify(doc, null, 2)}\n` : renderDrift(doc));
}
