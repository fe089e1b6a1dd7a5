/**
 * A file as a request body that shows a progress bar of bytes sent on a terminal (baseline and golden-set
 * uploads). Streamed, so a large file is never held in memory.
 */
import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { SingleBar } from 'cli-progress';

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The body, and `done()` to stop the bar (call it whether the upload succeeded or not). */
export function uploadBody(file: string, size: number): { body: ReadableStream<Uint8Array>; done: () => void } {
  const bar = process.stdout.isTTY === true
    ? new SingleBar({
      format: 'uploading [{bar}] {percentage}% {sent} / {total_h}',
      hideCursor: true, clearOnComplete: true, stream: process.stdout,
    })
    : undefined;
  bar?.start(size, 0, { sent: humanBytes(0), total_h: humanBytes(size) });
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      bar?.update(sent, { sent: humanBytes(sent) });
      done(null, chunk);
    },
  });
  return { body: Readable.toWeb(createReadStream(file).pipe(counter)) as ReadableStream<Uint8Array>, done: () => bar?.stop() };
}
