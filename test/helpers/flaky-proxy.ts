/**
 * A real HTTP proxy on 127.0.0.1 in front of a running mlslo, for client SDK tests: it forwards requests
 * byte for byte, and can instead answer the next N requests with 429 (or 503) and `Retry-After`, or be
 * down (not listening) for a while and come back on the same port. It records what it saw and answered.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly bodyBytes: number;
  /** The status the client got: forwarded from mlslo, or the proxy's own 429/503. */
  readonly status: number;
  readonly at: number;
}

export interface FlakyProxy {
  readonly url: string;
  readonly port: number;
  readonly requests: ProxiedRequest[];
  /** Answers the next `n` requests with `status` (429 by default) and `Retry-After: retryAfter` (seconds, or omitted when undefined). */
  throttle(n: number, retryAfter: number | undefined, status?: 429 | 503): void;
  /** Stops listening and drops open connections: the server is "down". */
  down(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  let refuse: { left: number; retryAfter: number | undefined; status: number } = { left: 0, retryAfter: undefined, status: 429 };
  let server: Server | undefined;
  let port = 0;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const record = (status: number): void => {
        requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, bodyBytes: body.length, status, at: Date.now() });
      };
      if (refuse.left > 0) {
        refuse.left--;
        record(refuse.status);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (refuse.retryAfter !== undefined) headers['retry-after'] = String(refuse.retryAfter);
        res.writeHead(refuse.status, headers);
        res.end(JSON.stringify({ error: { code: 'MLSLO_ERR_OVERLOADED', message: 'the proxy says: slow down' } }));
        return;
      }
      const out = httpRequest({
        host: upstream.hostname, port: upstream.port, method: req.method, path: req.url,
        headers: { ...req.headers, host: upstream.host, 'content-length': String(body.length) },
      }, (up) => {
        record(up.statusCode ?? 0);
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', (e) => {
        record(502);
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(e.message);
      });
      out.end(body);
    });
  };

  const listen = async (): Promise<void> => {
    const s = createServer(handler);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    server = s;
    port = (s.address() as AddressInfo).port;
  };
  await listen();

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    requests,
    throttle(n, retryAfter, status = 429) {
      refuse = { left: n, retryAfter, status };
    },
    async down() {
      const s = server;
      server = undefined;
      if (s === undefined) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    start: listen,
    async close() {
      const s = server;
      server = undefined;
      if (s === undefined) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
