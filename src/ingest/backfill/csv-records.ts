/**
 * CSV records of a byte stream as backfill records (source-record.ts), parsed by csv-parse (RFC 4180)
 * and mapped to events by csv-mapping.ts. The parser reports how many bytes it had consumed when it
 * completed each record, which is the record's exact resume offset; the line numbers come from the
 * lines fed to it up to there (its own line count is off for CRLF inside quoted fields).
 *
 * Leniency, chosen so one bad record never costs the records after it: a quote that does not open a
 * field is kept as text (`relax_quotes`, as Python's csv module reads it); a record with another number
 * of fields than the header is rejected alone (`invalid_csv`). Only a quote that opens a field and is
 * not closed within MAX_RECORD_BYTES stops the file: from there no record boundary can be trusted.
 */
import { isUtf8 } from 'node:buffer';
import { parse, type Parser } from 'csv-parse';
import { MlsloError } from '../../core/errors.ts';
import { csvEvent, csvMapping, type CsvMapping } from './csv-mapping.ts';
import { physicalLines } from './physical-lines.ts';
import type { LineProblem, ReadPosition, SourceRecord } from './source-record.ts';

export const MAX_RECORD_BYTES = 1024 * 1024;

/** Where to start, and the header when resuming past it (it is then not in the stream). */
export interface CsvStart extends ReadPosition {
  readonly header: readonly string[] | undefined;
}

/** A record as the parser completed it, and the bytes it had consumed by then. */
type Parsed = { readonly consumed: number } & ({ readonly fields: string[] } | { readonly error: string });

/** A line fed to the parser and not yet part of a completed record. */
interface FedLine {
  readonly line: number;
  /** Bytes fed up to the end of this line. */
  readonly fedEnd: number;
  readonly blank: boolean;
  readonly utf8: boolean;
}

/**
 * `consumedAtError` tells how far a skipped record reached: csv-parse's own byte count is not brought up
 * to date when the error is found at the end of the input (an unclosed quote).
 */
function newParser(out: Parsed[], consumedAtError: () => number): Parser {
  const parser = parse({
    bom: true,
    record_delimiter: ['\r\n', '\n'],
    relax_quotes: true,
    relax_column_count: true, // the mapping rejects a record with another field count, alone
    skip_empty_lines: true,
    skip_records_with_error: true,
    // Records are taken here, in order with the errors below, not from the readable side.
    on_record: (fields: string[], info) => {
      out.push({ consumed: info.bytes, fields });
      return null;
    },
  });
  parser.on('skip', (e: Error & { code?: string }) => out.push({ consumed: consumedAtError(), error: skipMessage(e) }));
  return parser;
}

/** csv-parse's message, but without its own line number, which disagrees with ours (see the header). */
function skipMessage(e: Error & { code?: string }): string {
  return e.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted field is not closed before the end of the file' : e.message;
}

function finish(parser: Parser): Promise<void> {
  return new Promise((resolve, reject) => {
    parser.once('error', reject);
    parser.end(() => resolve());
  });
}

function isBlank(b: Buffer): boolean {
  return b.length === 1 ? b[0] === 0x0a : b.length === 2 && b[0] === 0x0d && b[1] === 0x0a;
}

export async function* csvRecords(chunks: AsyncIterable<Buffer>, start: CsvStart, onHeader: (header: readonly string[]) => void): AsyncGenerator<SourceRecord> {
  const completed: Parsed[] = [];
  let fedBytes = 0;
  let ended = false;
  const parser = newParser(completed, () => (ended ? fedBytes : parser.info.bytes));
  let mapping: CsvMapping | undefined = start.header === undefined ? undefined : csvMapping(start.header);
  const fed: FedLine[] = [];
  let recordEnd = 0; // bytes fed up to the end of the last completed record

  /** The records completed so far, each with the first non-blank line it spans. */
  const take = function* (): Generator<SourceRecord> {
    for (const p of completed.splice(0)) {
      let first: FedLine | undefined;
      let last: FedLine | undefined;
      let utf8 = true;
      while (fed.length > 0 && fed[0]!.fedEnd <= p.consumed) {
        last = fed.shift()!;
        if (!last.blank) first ??= last;
        utf8 &&= last.utf8;
      }
      recordEnd = p.consumed;
      const line = first?.line ?? start.line + 1;
      const at = { line, endLine: last?.line ?? line, end: start.offset + p.consumed };
      const problem = (m: LineProblem): SourceRecord => ({ kind: 'problem', ...at, problem: m });
      if ('error' in p) yield problem({ code: 'invalid_csv', path: '', message: p.error });
      // csv-parse would read bad bytes as U+FFFD: text the file never held (decode-body.ts refuses it too).
      else if (!utf8) yield problem({ code: 'invalid_csv', path: '', message: 'the record is not UTF-8' });
      else if (mapping === undefined) {
        mapping = csvMapping(p.fields);
        onHeader(p.fields);
      } else {
        const r = csvEvent(p.fields, mapping);
        yield 'item' in r ? { kind: 'item', ...at, item: r.item } : problem(r.problem);
      }
    }
  };

  for await (const { line, bytes } of physicalLines(chunks, start, MAX_RECORD_BYTES)) {
    if (bytes === undefined || fedBytes + bytes.length - recordEnd > MAX_RECORD_BYTES) {
      throw new MlsloError('MLSLO_ERR_IMPORT_INVALID', `line ${fed.find((l) => !l.blank)?.line ?? line}: a record longer than ${MAX_RECORD_BYTES} bytes; `
        + 'a quoted field that is not closed? No later record boundary can be trusted');
    }
    fedBytes += bytes.length;
    fed.push({ line, fedEnd: fedBytes, blank: isBlank(bytes), utf8: isUtf8(bytes) });
    parser.write(bytes); // the transform runs synchronously: `completed` holds what this line completed
    yield* take();
  }
  ended = true;
  await finish(parser);
  yield* take();
}
