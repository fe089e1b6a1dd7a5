/**
 * `mlslo baseline upload NAME FILE [--model v7]` (docs/baselines.md): streams a JSONL or CSV file (`.gz`
 * is sent gzip-encoded as it is) to `POST /v1/services/{name}/baselines`, with a progress bar of bytes
 * sent when stdout is a terminal, and prints the feature types the server settled on.
 */
import { statSync } from 'node:fs';
import { MlsloError } from '../../core/errors.ts';
import { uploadBody } from '../upload-progress.ts';
import { requestJson, type ClientOptions } from '../client.ts';

export interface BaselineUploadOptions extends ClientOptions {
  readonly model?: string;
  readonly format?: 'jsonl' | 'csv';
}

interface UploadResult {
  readonly service: string;
  readonly model: string | null;
  readonly rows: number;
  readonly features: Record<string, { type: string; inferred: boolean }>;
  readonly rejected: Array<{ line: number; message: string }>;
  readonly rejectedCount?: number;
}

const CONTENT_TYPE = { jsonl: 'application/x-ndjson', csv: 'text/csv' } as const;

/** The format and encoding a file name implies: `.csv`, `.jsonl`/`.ndjson`/`.json`, each optionally `.gz`. */
export function uploadFormat(file: string, format: 'jsonl' | 'csv' | undefined): { format: 'jsonl' | 'csv'; gzip: boolean } {
  const lower = file.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  const guessed = base.endsWith('.csv') ? 'csv' : /\.(jsonl|ndjson|json)$/.test(base) ? 'jsonl' : undefined;
  const f = format ?? guessed;
  if (f === undefined) throw new MlsloError('MLSLO_ERR_UNSUPPORTED_MEDIA', `cannot tell the format of ${file}; name it .jsonl or .csv, or pass --format`);
  return { format: f, gzip };
}


export async function baselineUploadCommand(name: string, file: string, opts: BaselineUploadOptions): Promise<void> {
  const { format, gzip } = uploadFormat(file, opts.format);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new MlsloError('MLSLO_ERR_BASELINE_INVALID', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  const { body, done } = uploadBody(file, size);
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[format], ...(gzip ? { 'content-encoding': 'gzip' } : {}) };
  const qs = opts.model === undefined ? '' : `?${new URLSearchParams({ model: opts.model }).toString()}`;
  let result: UploadResult;
  try {
    result = (await requestJson(`/v1/services/${encodeURIComponent(name)}/baselines${qs}`, opts, { method: 'POST', body, headers, duplex: 'half' })) as UploadResult;
  } finally {
    done();
  }
  process.stdout.write(renderUpload(result));
}

export function renderUpload(r: UploadResult): string {
  const names = Object.keys(r.features);
  const width = Math.max(7, ...names.map((n) => n.length));
  const lines = [
    `baseline stored for ${r.service}${r.model === null ? '' : ` (model ${r.model})`}: ${r.rows} rows, ${names.length} features`,
    '',
    `  ${'feature'.padEnd(width)}  type`,
    ...names.map((n) => {
      const f = r.features[n]!;
      return `  ${n.padEnd(width)}  ${f.type}${f.inferred ? ' (inferred)' : ' (from the spec)'}`;
    }),
  ];
  const count = r.rejectedCount ?? r.rejected.length;
  if (count > 0) {
    lines.push('', `rejected ${count} line${count === 1 ? '' : 's'}:`, ...r.rejected.slice(0, 20).map((x) => `  line ${x.line}: ${x.message}`));
    if (count > 20) lines.push(`  … and ${count - 20} more`);
  }
  return `${lines.join('\n')}\n`;
}

export interface BaselineWindowOptions extends ClientOptions {
  readonly from: string;
  readonly to: string;
  readonly model?: string;
}

/** `mlslo baseline from-window NAME --from ISO --to ISO [--model V]`: a production window as the reference. */
export async function baselineWindowCommand(name: string, opts: BaselineWindowOptions): Promise<void> {
  const q = new URLSearchParams({ from: opts.from, to: opts.to, ...(opts.model === undefined ? {} : { model: opts.model }) });
  const r = (await requestJson(`/v1/services/${encodeURIComponent(name)}/baselines/window?${q.toString()}`, opts, { method: 'POST' })) as UploadResult & { requests: number };
  process.stdout.write(`${r.requests} requests in the window, ${r.rows === r.requests ? 'all' : `a uniform sample of ${r.rows}`} kept\n`);
  process.stdout.write(renderUpload(r));
}
