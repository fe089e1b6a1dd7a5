/**
 * A scriptable model endpoint for eval tests: listens on 127.0.0.1 (port 0), parses each request's JSON
 * body and answers with what `answer` returns — a status, a JSON body, optional headers, and an optional
 * delay (to exercise timeouts). Every request is recorded.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: any;
}

export interface ModelAnswer {
  readonly status?: number;
  readonly body?: unknown;
  /** Sent as is instead of JSON. */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
  readonly delayMs?: number;
}

export interface ModelServer {
  readonly url: string;
  readonly requests: ModelRequest[];
  answer: (r: ModelRequest) => ModelAnswer | Promise<ModelAnswer>;
  close(): Promise<void>;
}

export async function startModelServer(answer: ModelServer['answer'] = () => ({ body: {} })): Promise<ModelServer> {
  const m: ModelServer = { url: '', requests: [], answer, close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const r: ModelRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      m.requests.push(r);
      void Promise.resolve(m.answer(r)).then(async (a) => {
        if (a.delayMs !== undefined) await new Promise((ok) => setTimeout(ok, a.delayMs));
        if (res.destroyed) return;
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers });
        res.end(a.raw ?? JSON.stringify(a.body ?? {}));
      });
    });
  });
  // Keep-alive sockets would hold close() open after a test.
  server.keepAliveTimeout = 1;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  (m as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  m.close = () => new Promise((ok) => {
    server.closeAllConnections();
    server.close(() => ok());
  });
  return m;
}
