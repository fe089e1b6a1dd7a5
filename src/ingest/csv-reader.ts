/**
 * An incremental RFC 4180 reader: comma-separated fields, double-quoted fields that may hold commas,
 * line breaks and `""` for a quote, records ended by CRLF, LF or CR. Text arrives in chunks of any size;
 * each record is emitted with the line it starts on (1-based). A malformed record (a quote inside an
 * unquoted field, text after a closing quote, an unterminated quote) is emitted with an `error` and
 * the reader goes on at the next line. Blank lines are skipped.
 */

export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
  readonly error?: string;
}

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted' | 'skip';

export class CsvReader {
  #state: State = 'fieldStart';
  #field = '';
  #fields: string[] = [];
  #any = false;
  #error: string | undefined;
  #line = 1;
  #recordLine = 1;
  #skipLf = false;

  constructor(private readonly emit: (r: CsvRecord) => void) {}

  push(chunk: string): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.#skipLf) {
        this.#skipLf = false;
        if (c === '\n') continue;
      }
      switch (this.#state) {
        case 'quoted':
          if (c === '"') this.#state = 'quoteInQuoted';
          else {
            if (c === '\n') this.#line++;
            this.#field += c;
          }
          break;
        case 'quoteInQuoted':
          if (c === '"') {
            this.#field += '"';
            this.#state = 'quoted';
          } else if (c === ',') this.#endField();
          else if (c === '\n' || c === '\r') this.#endRecord(c);
          else this.#fail(`text after a closing quote (column ${this.#fields.length + 1})`);
          break;
        case 'skip':
          if (c === '\n' || c === '\r') this.#endRecord(c);
          break;
        default: // fieldStart, unquoted
          if (c === ',') {
            this.#any = true;
            this.#endField();
          } else if (c === '\n' || c === '\r') this.#endRecord(c);
          else if (c === '"') {
            if (this.#state === 'unquoted') this.#fail(`a quote inside an unquoted field (column ${this.#fields.length + 1})`);
            else {
              this.#any = true;
              this.#state = 'quoted';
            }
          } else {
            this.#any = true;
            this.#field += c;
            this.#state = 'unquoted';
          }
      }
    }
  }

  end(): void {
    if (this.#state === 'quoted') this.#fail(`unterminated quoted field (column ${this.#fields.length + 1})`);
    if (this.#any || this.#error !== undefined) this.#emitRecord();
  }

  #fail(message: string): void {
    this.#error ??= message;
    this.#state = 'skip';
  }

  #endField(): void {
    this.#fields.push(this.#field);
    this.#field = '';
    this.#state = 'fieldStart';
  }

  #endRecord(c: string): void {
    if (this.#any || this.#error !== undefined) this.#emitRecord();
    this.#reset();
    this.#line++;
    this.#recordLine = this.#line;
    if (c === '\r') this.#skipLf = true;
  }

  #emitRecord(): void {
    this.#fields.push(this.#field);
    this.emit(this.#error === undefined ? { line: this.#recordLine, fields: this.#fields } : { line: this.#recordLine, fields: this.#fields, error: this.#error });
  }

  #reset(): void {
    this.#fields = [];
    this.#field = '';
    this.#any = false;
    this.#error = undefined;
    this.#state = 'fieldStart';
  }
}

/** Reads a whole text (tests and small inputs). */
export function readCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  const r = new CsvReader((rec) => out.push(rec));
  r.push(text);
  r.end();
  return out;
}
