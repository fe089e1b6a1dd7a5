/**
 * The bytes of a file to import: plain or gzip, told apart by the gzip magic bytes (RFC 1952 §2.3.1),
 * not by the name; streamed, so a file of any size costs a few chunks of memory. A plain file resumes
 * by seeking; a gzip stream cannot seek, so it is inflated from the start and the part already
 * imported is dropped. Stdin (`-`) is read once, from the start.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { MlsloError } from '../../core/errors.ts';
import { HEAD_BYTES, headDigest, type FileIdentity } from './import-state.ts';

export interface InputBytes {
  /** Decompressed bytes, from the offset asked for. */
  readonly chunks: AsyncIterable<Buffer>;
  readonly gzip: boolean;
  /** Bytes read from the file or stdin so far (compressed, for gzip): the progress bar's measure. */
  bytesRead(): number;
}

function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function readError(name: string, e: unknown): MlsloError {
  if (e instanceof MlsloError) return e;
  const gz = (e as { code?: string }).code?.startsWith('Z_') === true;
  return new MlsloError('MLSLO_ERR_IMPORT_READ', `${name}: ${gz ? 'the gzip stream is corrupt' : 'cannot read'}: ${(e as Error).message}`, { cause: e });
}

/** Size, mtime and a digest of the first KiB: what resume compares (import-state.ts). */
export async function fileIdentity(path: string): Promise<FileIdentity & { readonly gzip: boolean }> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new MlsloError('MLSLO_ERR_IMPORT_READ', `${path}: not a regular file`);
    const f = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await f.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
      const head = buffer.subarray(0, bytesRead);
      return { size: st.size, mtimeMs: st.mtimeMs, head: headDigest(head), gzip: isGzip(head) };
    } finally {
      await f.close();
    }
  } catch (e) {
    throw readError(path, e);
  }
}

/** Counts the raw bytes, and turns stream errors into MLSLO_ERR_IMPORT_READ naming the input. */
async function* counted(raw: AsyncIterable<Buffer>, name: string, count: (n: number) => void): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of raw) {
      count(chunk.length);
      yield chunk;
    }
  } catch (e) {
    throw readError(name, e);
  }
}

/** `chunks` inflated; a corrupt or cut-off stream is an error, never a silent end. */
async function* gunzip(chunks: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const inflater = createGunzip();
  // pipeline destroys the inflater with the source's error (or its own), so the loop below sees it.
  pipeline(Readable.from(chunks), inflater, () => undefined);
  try {
    for await (const c of inflater as AsyncIterable<Buffer>) yield c;
  } catch (e) {
    throw readError(name, e);
  } finally {
    inflater.destroy();
  }
}

/** `chunks` without their first `n` bytes. */
async function* skip(chunks: AsyncIterable<Buffer>, n: number): AsyncGenerator<Buffer> {
  let left = n;
  for await (const c of chunks) {
    if (left >= c.length) {
      left -= c.length;
      continue;
    }
    yield left > 0 ? c.subarray(left) : c;
    left = 0;
  }
}

/** A file's decompressed bytes from `offset`. */
export function fileBytes(path: string, gzip: boolean, offset: number): InputBytes {
  let read = gzip ? 0 : offset;
  const raw = counted(createReadStream(path, { start: gzip ? 0 : offset, highWaterMark: 256 * 1024 }), path, (n) => (read += n));
  return { chunks: gzip ? skip(gunzip(raw, path), offset) : raw, gzip, bytesRead: () => read };
}

/** Stdin's bytes, inflated when they start with the gzip magic. */
export async function stdinBytes(stdin: Readable): Promise<InputBytes> {
  let read = 0;
  const raw = counted(stdin, 'stdin', (n) => (read += n));
  const first: Buffer[] = [];
  let head = Buffer.alloc(0);
  // Peek at least two bytes (a pipe may deliver one) to look for the magic.
  while (head.length < 2) {
    const next = await raw.next();
    if (next.done === true) break;
    first.push(next.value);
    head = Buffer.concat([head, next.value]);
  }
  const all = (async function* () {
    yield* first;
    yield* raw;
  })();
  const gzip = isGzip(head);
  return { chunks: gzip ? gunzip(all, 'stdin') : all, gzip, bytesRead: () => read };
}
