/**
 * A local HTTP receiver for notification tests: listens on 127.0.0.1 (port 0), records every request
 * with its parsed JSON body, and answers with whatever `respond` says (200 by default).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: any;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly requests: Received[];
  respond: (r: Received) => Reply;
  /** Stops listening (the receiver is "down"); `start()` listens again on the same port. */
  down(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<Receiver> {
  let server: Server | undefined;
  const r: Receiver = {
    url: '',
    port,
    requests: [],
    respond: () => ({ status: 200, body: 'ok' }),
    async start() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          const rec: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
          r.requests.push(rec);
          const reply = r.respond(rec);
          res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
          res.end(reply.body ?? '');
        });
      });
      server.keepAliveTimeout = 1;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(r.port, '127.0.0.1', () => resolve());
      });
      const p = (server.address() as AddressInfo).port;
      (r as { port: number }).port = p;
      (r as { url: string }).url = `http://127.0.0.1:${p}`;
    },
    async down() {
      const s = server;
      server = undefined;
      if (s === undefined) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    close() {
      return r.down();
    },
  };
  await r.start();
  return r;
}
