/**
 * Raw HTTP for fuzzing: exact headers (or none — fetch always adds a Content-Type to a string body),
 * and a socket-level sender for requests no HTTP client writes (a Content-Length that lies).
 */
import { request } from 'node:http';
import { connect } from 'node:net';

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  readonly json: any;
}

function asJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * POSTs `body` with exactly `headers` (plus Content-Length); undefined values are left out. A server
 * that refuses a body before reading it all and closes may reset the connection under the rest of the
 * upload, and the kernel then drops its answer unread: that is status 0.
 */
export function post(url: string, path: string, body: Buffer, headers: Record<string, string | undefined>): Promise<Answer> {
  const h: Record<string, string> = { 'content-length': String(body.length) };
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) h[k] = v;
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method: 'POST', headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: asJson(text) });
      });
      res.on('error', reject);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ECONNRESET') resolve({ status: 0, headers: {}, text: `connection reset (${e.code})`, json: undefined });
      else reject(e);
    });
    req.end(body);
  });
}

/** Writes `head` and `body` to a socket as they are and returns what the server answers before closing. */
export function raw(url: string, head: string, body: Buffer, endAfter = true): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect(Number(u.port), u.hostname, () => {
      s.write(head.replace(/\n/g, '\r\n') + '\r\n');
      s.write(body);
      if (endAfter) s.end();
    });
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      // One response is all we wait for: a complete head and a body of its Content-Length.
      const text = Buffer.concat(chunks).toString('latin1');
      const [headText, rest] = text.split('\r\n\r\n', 2) as [string, string | undefined];
      const len = /content-length: *(\d+)/i.exec(headText)?.[1];
      if (rest !== undefined && len !== undefined && Buffer.byteLength(rest, 'latin1') >= Number(len)) s.destroy();
    });
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
    s.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}

/** `n` bytes of spaces in 1 MiB chunks of HTTP/1.1 chunked encoding, without the final empty chunk. */
export function chunkedBody(n: number): Buffer {
  const parts: Buffer[] = [];
  for (let left = n; left > 0; left -= 1024 * 1024) {
    const size = Math.min(left, 1024 * 1024);
    parts.push(Buffer.from(`${size.toString(16)}\r\n`), Buffer.alloc(size, 0x20), Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}
