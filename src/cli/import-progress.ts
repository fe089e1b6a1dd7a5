/**
 * Progress of `mlslo import` on stderr: on a terminal a bar of bytes read against the file's size,
 * with lines/s and the accepted and rejected counts, and rejected lines printed above it; elsewhere a
 * plain line every PLAIN_EVERY_MS (none with --quiet). Same library as the upload bar (upload-progress.ts).
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import { humanBytes } from './upload-progress.ts';

export interface ProgressCounts {
  readonly records: number;
  readonly accepted: number;
  readonly rejected: number;
}

export interface ImportProgress {
  /** A new file; `total` is its size in bytes (undefined for stdin), `at` the bytes already behind a resume. */
  start(name: string, total: number | undefined, at: number): void;
  update(bytesRead: number, counts: ProgressCounts): void;
  /** Prints a line (a rejection) without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

const PLAIN_EVERY_MS = 10_000;

function rate(records: number, since: number): string {
  const s = (performance.now() - since) / 1000;
  return s > 0 ? Math.round(records / s).toLocaleString('en-US') : '0';
}

function terminalProgress(stream: NodeJS.WriteStream): ImportProgress {
  const bars = new MultiBar({
    format: '{name} [{bar}] {percentage}% {read} / {total_h} | {rate} lines/s | {accepted} accepted, {rejected} rejected',
    hideCursor: true, clearOnComplete: true, stream,
  });
  let bar: SingleBar | undefined;
  let started = 0;
  let total = '';
  return {
    start(name, size, at) {
      started = performance.now();
      total = size === undefined ? '?' : humanBytes(size);
      bar = bars.create(size ?? 0, at, { name, read: humanBytes(at), total_h: total, rate: '0', accepted: 0, rejected: 0 });
    },
    update(bytesRead, c) {
      bar?.update(bytesRead, { read: humanBytes(bytesRead), rate: rate(c.records, started), accepted: c.accepted, rejected: c.rejected });
    },
    log(line) {
      bars.log(`${line}\n`);
    },
    stop() {
      bars.stop();
    },
  };
}

function plainProgress(stream: NodeJS.WriteStream, quiet: boolean): ImportProgress {
  let name = '';
  let size: number | undefined;
  let started = 0;
  let lastAt = 0;
  return {
    start(n, s) {
      name = n;
      size = s;
      started = lastAt = performance.now();
    },
    update(bytesRead, c) {
      const now = performance.now();
      if (quiet || now - lastAt < PLAIN_EVERY_MS) return;
      lastAt = now;
      const share = size === undefined || size === 0 ? '' : ` ${Math.floor((100 * bytesRead) / size)}%`;
      stream.write(`${name}:${share} ${humanBytes(bytesRead)} read, ${c.records} lines, ${c.accepted} accepted, ${c.rejected} rejected, ${rate(c.records, started)} lines/s\n`);
    },
    log(line) {
      stream.write(`${line}\n`);
    },
    stop() {},
  };
}

export function importProgress(stream: NodeJS.WriteStream, quiet: boolean): ImportProgress {
  return stream.isTTY === true && !quiet ? terminalProgress(stream) : plainProgress(stream, quiet);
}
