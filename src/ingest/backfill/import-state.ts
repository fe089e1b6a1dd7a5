/**
 * Where each imported file got to (docs/backfill.md, "Resuming"): per file, by absolute path, the
 * offset and line just past the last committed line, and whether the file was read to its end. A file
 * is the same file only while its size, mtime and first KiB are unchanged; otherwise it starts over.
 *
 * The state is written after each committed batch, atomically (temp file, fsync, rename, fsync of the
 * directory), so a crash leaves either the old or the new state. A crash between a commit and this
 * write re-sends that batch on resume, and the store counts its events as duplicates: nothing twice.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MlsloError } from '../../core/errors.ts';

export type ImportFormat = 'ndjson' | 'csv';

/** What makes a file the same file on the next run. */
export interface FileIdentity {
  readonly size: number;
  readonly mtimeMs: number;
  /** sha256 of the first KiB of the file as stored (compressed, for gzip). */
  readonly head: string;
}

export interface FileProgress extends FileIdentity {
  readonly format: ImportFormat;
  /** The CSV header, which a resumed read starts past. */
  readonly header?: readonly string[];
  /** Byte offset (of the decompressed stream, for gzip) just past the last committed line. */
  readonly offset: number;
  readonly line: number;
  readonly done: boolean;
  /** Totals over every run on this file. */
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
}

interface StateFile {
  readonly version: 1;
  readonly files: Record<string, FileProgress>;
}

export const HEAD_BYTES = 1024;

export function headDigest(head: Buffer): string {
  return createHash('sha256').update(head).digest('hex');
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.head === b.head;
}

async function readState(path: string): Promise<StateFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, files: {} };
    throw new MlsloError('MLSLO_ERR_IMPORT_READ', `cannot read the import state ${path}`, { cause: e });
  }
  try {
    const doc = JSON.parse(text) as StateFile;
    if (doc.version === 1 && typeof doc.files === 'object' && doc.files !== null) return doc;
  } catch {
    // reported below, with the file name
  }
  throw new MlsloError('MLSLO_ERR_IMPORT_INVALID', `${path} is not an mlslo import state file; move it aside to start over`);
}

/** Writes `text` to `path` so that a crash leaves the old or the new content, never a torn file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  // The directory may not exist yet: with ClickHouse nothing else creates the data directory.
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const f = await open(tmp, 'w');
  try {
    await f.writeFile(text);
    await f.sync();
  } finally {
    await f.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync(); // the rename itself is durable only once the directory is
  } finally {
    await dir.close();
  }
}

/** The state file of one import run; each save re-reads it so concurrent imports of other files keep their entries. */
export class ImportState {
  constructor(readonly path: string) {}

  async get(file: string): Promise<FileProgress | undefined> {
    return (await readState(this.path)).files[file];
  }

  async save(file: string, progress: FileProgress): Promise<void> {
    const state = await readState(this.path);
    await writeAtomically(this.path, `${JSON.stringify({ version: 1, files: { ...state.files, [file]: progress } }, null, 1)}\n`);
  }
}
