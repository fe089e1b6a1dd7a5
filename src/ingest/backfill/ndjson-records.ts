/**
 * NDJSON lines of a byte stream as backfill records (source-record.ts), decoded exactly as
 * `POST /v1/events` decodes an NDJSON line (decode-body.ts), so a line means the same in a file and in
 * a request. Blank lines are not items but keep their numbers.
 */
import { decodeNdjsonLine } from '../decode-body.ts';
import { physicalLines } from './physical-lines.ts';
import type { ReadPosition, SourceRecord } from './source-record.ts';

/** An NDJSON line may be as long as a whole request body may be (DESIGN §3.1, 10 MiB). */
export const MAX_NDJSON_LINE_BYTES = 10 * 1024 * 1024;

/** `b` without a leading UTF-8 byte order mark, which decode-body.ts ignores too (RFC 8259 §8.1). */
function withoutBom(b: Buffer): Buffer {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
}

export async function* ndjsonRecords(chunks: AsyncIterable<Buffer>, from: ReadPosition, maxLineBytes = MAX_NDJSON_LINE_BYTES): AsyncGenerator<SourceRecord> {
  for await (const { line, end, bytes } of physicalLines(chunks, from, maxLineBytes)) {
    if (bytes === undefined) {
      yield { kind: 'problem', line, endLine: line, end, problem: { code: 'invalid_json', path: '', message: `the line is longer than ${maxLineBytes} bytes` } };
      continue;
    }
    const item = decodeNdjsonLine(line === 1 ? withoutBom(bytes) : bytes);
    if (item !== undefined) yield { kind: 'item', line, endLine: line, end, item };
  }
}
