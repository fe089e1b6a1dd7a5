/**
 * A byte stream cut into lines at the newline byte (which never occurs inside a UTF-8 sequence), each
 * with its 1-based number and the offset just past it, so a reader can tell where to resume. A line
 * longer than `maxLineBytes` is reported without its bytes, which are dropped as they arrive: memory
 * stays bounded whatever a file holds.
 */
import type { ReadPosition } from './source-record.ts';

export interface PhysicalLine {
  readonly line: number;
  /** Byte offset just past the line (and its newline, when it has one). */
  readonly end: number;
  /** The line's bytes with its newline; undefined when it was longer than the limit. */
  readonly bytes: Buffer | undefined;
}

export async function* physicalLines(chunks: AsyncIterable<Buffer>, from: ReadPosition, maxLineBytes: number): AsyncGenerator<PhysicalLine> {
  let offset = from.offset; // where the pending line starts
  let line = from.line;
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const stop = nl === -1 ? chunk.length : nl + 1;
      // Past the limit the bytes are only counted: `parts` is emptied once and stays so.
      if (size + stop - start <= maxLineBytes) parts.push(chunk.subarray(start, stop));
      else parts = [];
      size += stop - start;
      start = stop;
      if (nl === -1) break;
      line++;
      offset += size;
      yield { line, end: offset, bytes: size <= maxLineBytes ? concat(parts) : undefined };
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield { line: line + 1, end: offset + size, bytes: size <= maxLineBytes ? concat(parts) : undefined };
}

function concat(parts: Buffer[]): Buffer {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
