/**
 * The public status page (DESIGN §2.10): `GET /status` (HTML) and `GET /status.json`, without a key.
 * Only services whose spec says `public: true` appear; there is no `?at=` (the query string is ignored),
 * so every request is served from one document computed at most once per 30 seconds however many
 * clients ask — concurrent requests share the computation in flight — gzipped once, and revalidated
 * with an ETag.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { publicStatus } from '../../engine/status.ts';
import type { ServerContext } from '../context.ts';
import { NO_KEY, operation, SERVER_ERRORS } from '../openapi.ts';
import { StatusResponseSchema, type StatusResponse } from '../schemas/status.ts';
import { renderStatusPage, STATUS_PAGE_CSP } from '../status-page.ts';
import { wire } from '../wire.ts';

/** How long a computed page is served, in the server's clock (`ctx.now`), and what shared caches may keep. */
export const STATUS_TTL_MS = 30_000;
const CACHE_CONTROL = 'public, max-age=30, stale-while-revalidate=30';

/** One page in both codings, each with its own strong ETag (RFC 9110 §8.8.3: codings are representations). */
interface Rendered {
  readonly body: string;
  readonly etag: string;
  readonly gzip: Buffer;
  readonly gzipEtag: string;
}

interface StatusPages {
  readonly html: Rendered;
  readonly json: Rendered;
}

function rendered(body: string): Rendered {
  // Strong validator: a digest of the exact text served.
  const tag = createHash('sha256').update(body).digest('base64url').slice(0, 32);
  return { body, etag: `"${tag}"`, gzip: gzipSync(body), gzipEtag: `"${tag}-gzip"` };
}

/** Whether `Accept-Encoding` allows gzip: listed (or `*`) with a q-value above 0. */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  const q = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((x) => x.trim());
    if (name === undefined || name === '') continue;
    const qv = params.find((p) => p.startsWith('q='));
    q.set(name, qv === undefined ? 1 : Number(qv.slice(2)) || 0);
  }
  return (q.get('gzip') ?? q.get('x-gzip') ?? q.get('*') ?? 0) > 0;
}

/** `If-None-Match` matches when it lists the tag (weak comparison, RFC 9110 §13.1.2) or is `*`. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = (t: string): string => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}

/** One computation per TTL; a failure is not cached, so the next request retries. */
export class StatusCache<T> {
  private entry: { readonly at: number; readonly pages: Promise<T> } | undefined;

  constructor(private readonly compute: (at: number) => Promise<T>, private readonly ttlMs = STATUS_TTL_MS) {}

  get(now: number): Promise<T> {
    const e = this.entry;
    if (e !== undefined && now >= e.at && now - e.at < this.ttlMs) return e.pages;
    const pages = this.compute(now);
    const entry = { at: now, pages };
    this.entry = entry;
    pages.catch(() => {
      if (this.entry === entry) this.entry = undefined;
    });
    return pages;
  }
}

function send(req: FastifyRequest, reply: FastifyReply, page: Rendered, type: string): FastifyReply {
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  const etag = gzip ? page.gzipEtag : page.etag;
  void reply
    .header('cache-control', CACHE_CONTROL)
    .header('vary', 'accept-encoding')
    .header('etag', etag)
    .header('x-content-type-options', 'nosniff');
  if (matchesEtag(req.headers['if-none-match'], etag)) return reply.code(304).send();
  if (gzip) return reply.type(type).header('content-encoding', 'gzip').send(page.gzip);
  return reply.type(type).send(page.body);
}

/** What every status response carries (see `send`). */
const CACHE_HEADERS = {
  etag: { type: 'string', description: 'Strong validator of the page in this coding; send it back as `If-None-Match`' },
  'cache-control': { type: 'string', description: '`public, max-age=30, stale-while-revalidate=30`' },
} as const;

/** `response` of a status page served as `type` (the query string is ignored; gzip when accepted). */
function pageResponses(type: string, schema: object, description: string) {
  return {
    200: { description, headers: CACHE_HEADERS, content: { [type]: { schema } } },
    304: { description: '`If-None-Match` matches the current ETag: the page has not changed', headers: CACHE_HEADERS, type: 'null' },
    ...SERVER_ERRORS,
  };
}

const PAGE_DOC = 'Only services whose spec says `public: true`. Computed at most once per 30 seconds however many ask, revalidated with an ETag, gzip when accepted; the query string is ignored.';

export function statusRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const cache = new StatusCache(async (at): Promise<StatusPages> => {
    const doc = await publicStatus({ store: ctx.store, specs: ctx.specs, report: (spec, t) => ctx.report(spec, undefined, t, t) }, at);
    return { html: rendered(renderStatusPage(doc)), json: rendered(JSON.stringify(wire<StatusResponse>()(doc))) };
  });

  app.get('/status', {
    schema: {
      ...operation({ id: 'getStatusPage', tag: 'status', summary: 'The public status page', description: PAGE_DOC, security: NO_KEY }),
      response: pageResponses('text/html', { type: 'string' }, 'The page, HTML'),
    },
  }, async (req, reply) => {
    const { html } = await cache.get(ctx.now());
    void reply.header('content-security-policy', STATUS_PAGE_CSP).header('referrer-policy', 'no-referrer');
    return send(req, reply, html, 'text/html; charset=utf-8');
  });

  app.get('/status.json', {
    schema: {
      ...operation({
        id: 'getStatus', tag: 'status', summary: 'The public status page as data', security: NO_KEY,
        description: `${PAGE_DOC} Any site may read it (\`Access-Control-Allow-Origin: *\`).`,
      }),
      response: pageResponses('application/json', StatusResponseSchema, 'The status of the public services (docs/status-page.md)'),
    },
  }, async (req, reply) => {
    const { json } = await cache.get(ctx.now());
    // Other sites may embed the status (it is public and carries no credentials).
    void reply.header('access-control-allow-origin', '*');
    return send(req, reply, json, 'application/json; charset=utf-8');
  });
}
