/**
 * The dashboard: the single-page app in web/, built by `npm run build:web` into web/dist, served at `/`.
 *
 * Only the client's own paths are registered (`/`, `/login`, `/services`, `/services/*`, `/labeling`, `/labeling/*`, `/assets/*`), so
 * `/v1/*`, `/status*` and `/healthz` can never be shadowed and unknown paths keep the API's 404 envelope.
 * Vite puts a content hash in every asset name, so assets are cached for a year as immutable; index.html
 * names the current hashes and is therefore never cached, and is read per request so a rebuild while the
 * server runs is served at once. A hashed asset never changes, so it is read and gzipped once and kept.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** The client's own paths: each serves index.html, and the client routes on from there. */
export const APP_PATHS = ['/', '/login', '/services', '/services/*', '/labeling', '/labeling/*'] as const;
export const ASSETS_PATH = '/assets/*';

/** The dashboard's pages and files are not the API: the OpenAPI document leaves them out. */
const HIDDEN = { hide: true };

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  woff2: 'font/woff2',
  map: 'application/json; charset=utf-8',
};

/** Vite's output names: `name-HASH.ext`, no directories; anything else (`..`, `%2F`) is not ours. */
const ASSET_NAME = /^[A-Za-z0-9_-]+(?:[.-][A-Za-z0-9_-]+)*\.([a-z0-9]+)$/;

/**
 * The page is same-origin only: scripts and styles from our own files, API calls to our own origin. Preact
 * and uPlot set styles through the CSSOM (`el.style.x = …`), which `style-src 'self'` allows.
 */
const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
  "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mlslo — dashboard not built</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:42rem;margin:4rem auto;padding:0 1rem;color:#1f2933}
code,pre{background:#f1f3f5;border-radius:4px;padding:.1rem .3rem}pre{padding:.75rem}</style></head>
<body><h1>The dashboard is not built</h1>
<p>This server serves the dashboard from <code>web/dist</code>, which does not exist yet. Build it with</p>
<pre>npm run build:web</pre>
<p>(<code>npm start</code> does this for you). The HTTP API works without it: <code>GET /healthz</code>,
<code>GET /v1/services</code> with <code>Authorization: Bearer &lt;key&gt;</code>, and the rest in the README.</p>
</body></html>
`;

const gzipAsync = promisify(gzip);

/** Hashed assets held in memory, raw and gzipped; a build has a handful, a rebuild adds a handful more. */
const MAX_CACHED_ASSETS = 64;

interface CachedAsset {
  readonly raw: Buffer;
  readonly gz: Buffer;
}

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

export function webRoutes(app: FastifyInstance, distDir: string = WEB_DIST): void {
  const assets = new Map<string, CachedAsset>();

  async function asset(name: string): Promise<CachedAsset> {
    let a = assets.get(name);
    if (a === undefined) {
      const raw = await readFile(`${distDir}assets/${name}`);
      a = { raw, gz: await gzipAsync(raw) };
      if (assets.size >= MAX_CACHED_ASSETS) assets.clear();
      assets.set(name, a);
    }
    return a;
  }

  async function sendIndex(reply: FastifyReply): Promise<FastifyReply> {
    void reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
    try {
      const html = await readFile(`${distDir}index.html`);
      return reply.header('content-security-policy', CSP).type('text/html; charset=utf-8').send(html);
    } catch (e) {
      if (!isMissing(e)) throw e;
      return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    }
  }

  for (const path of APP_PATHS) {
    app.get(path, { schema: HIDDEN }, (_req, reply) => sendIndex(reply));
  }

  app.get<{ Params: { '*': string } }>(ASSETS_PATH, { schema: HIDDEN }, async (req, reply) => {
    const name = req.params['*'];
    const ext = ASSET_NAME.exec(name)?.[1];
    const type = ext === undefined ? undefined : CONTENT_TYPES[ext];
    if (type === undefined) return reply.callNotFound();
    try {
      const a = await asset(name);
      void reply.header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff')
        .header('vary', 'accept-encoding').type(type);
      const gz = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '') && a.gz.length < a.raw.length;
      return gz ? reply.header('content-encoding', 'gzip').send(a.gz) : reply.send(a.raw);
    } catch (e) {
      if (!isMissing(e)) throw e;
      return reply.callNotFound();
    }
  });
}
