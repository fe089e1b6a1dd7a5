/**
 * `mlslo golden upload NAME SET FILE` and `mlslo golden list NAME` (docs/evals.md "CLI"): streams a JSONL
 * golden set (`.gz` is sent gzip-encoded as it is) to `PUT /v1/services/{name}/golden-sets/{set}` with a
 * progress bar of bytes sent on a terminal, and prints what was stored and the rejected lines.
 */
import { statSync } from 'node:fs';
import { MlsloError } from '../../core/errors.ts';
import { uploadBody } from '../upload-progress.ts';
import type { GoldenSetsResponse, GoldenSetUploadResponse } from '../../server/schemas/evals.ts';
import { getJson, requestJson, type ClientOptions } from '../client.ts';
import { int, table } from '../render-report.ts';


function segmentList(segments: Readonly<Record<string, number>>): string {
  const names = Object.keys(segments).sort();
  if (names.length === 0 || (names.length === 1 && names[0] === '')) return '';
  return ` (segments: ${names.map((s) => `${s === '' ? '(none)' : s} ${int(segments[s]!)}`).join(', ')})`;
}

export async function goldenUploadCommand(name: string, set: string, file: string, opts: ClientOptions): Promise<void> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new MlsloError('MLSLO_ERR_GOLDEN_SET_INVALID', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  const gzip = file.toLowerCase().endsWith('.gz');
  const { body, done } = uploadBody(file, size);
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson', ...(gzip ? { 'content-encoding': 'gzip' } : {}) };
  let r: GoldenSetUploadResponse;
  try {
    r = (await requestJson(`/v1/services/${encodeURIComponent(name)}/golden-sets/${encodeURIComponent(set)}`, opts, { method: 'PUT', body, headers, duplex: 'half' })) as GoldenSetUploadResponse;
  } finally {
    done();
  }
  process.stdout.write(renderGoldenUpload(r));
}

export function renderGoldenUpload(r: GoldenSetUploadResponse): string {
  const lines = [`golden set ${r.name} stored for ${r.service} (version ${r.id}): ${int(r.examples)} example${r.examples === 1 ? '' : 's'}${segmentList(r.segments)}`];
  if (r.rejectedCount > 0) {
    lines.push('', `rejected ${int(r.rejectedCount)} line${r.rejectedCount === 1 ? '' : 's'}:`, ...r.rejected.slice(0, 20).map((x) => `  line ${x.line}: ${x.message}`));
    if (r.rejectedCount > 20) lines.push(`  … and ${int(r.rejectedCount - 20)} more`);
  }
  return `${lines.join('\n')}\n`;
}

export async function goldenListCommand(name: string, opts: ClientOptions & { json?: boolean }): Promise<void> {
  const body = (await getJson(`/v1/services/${encodeURIComponent(name)}/golden-sets`, opts)) as GoldenSetsResponse;
  if (opts.json === true) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  if (body.goldenSets.length === 0) {
    process.stdout.write(`no golden set of ${name} is uploaded\n`);
    return;
  }
  const t = table(['golden set', 'version', 'uploaded', 'examples', 'segments', 'schedule', 'next run']);
  for (const g of body.goldenSets) {
    t.push([g.name, g.id, g.createdAt, int(g.examples), Object.keys(g.segments).filter((s) => s !== '').length.toString(), g.schedule ?? '(not in the spec)', g.nextRunAt ?? '—']);
  }
  process.stdout.write(`${t.toString()}\n`);
}
