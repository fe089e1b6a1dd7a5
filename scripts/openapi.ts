/**
 * Writes docs/openapi.json, the OpenAPI document generated from the routes (src/server/openapi.ts):
 *   npm run openapi              regenerate it
 *   npm run openapi -- --check   exit 1 when the committed file differs from what the routes generate (CI)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_CONFIG } from '../src/cli/config.ts';
import { buildServer } from '../src/server/app.ts';
import type { ServerContext } from '../src/server/context.ts';
import { renderOpenApi } from '../src/server/openapi.ts';

export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

/**
 * A ServerContext for building the routes without serving them. No handler runs, so no member is used for
 * real; route modules may still wire hooks and watchers while they add routes (routes/metrics.ts), so every
 * member is inert — callable, returning another inert value — except `limits`, which Fastify reads as
 * numbers. test/server/openapi.test.ts checks that a real server serves the same document.
 */
function inertContext(): ServerContext {
  const inert: unknown = new Proxy(() => undefined, {
    // `then` stays undefined so that an inert value is never taken for a promise.
    get: (_target, key) => (key === 'then' ? undefined : inert),
    apply: () => inert,
  });
  const limits = { maxBytes: DEFAULT_CONFIG.maxBodyBytes, maxItems: DEFAULT_CONFIG.maxItems };
  return new Proxy({ limits }, { get: (target, key) => (key === 'limits' ? target.limits : inert) }) as unknown as ServerContext;
}

/** The server whose routes the document describes, built but not listening (call `ready()` before `swagger()`). */
export function documentedServer(): FastifyInstance {
  return buildServer(inertContext());
}

/** The document as docs/openapi.json must hold it. */
export async function generateOpenApi(): Promise<string> {
  const app = documentedServer();
  try {
    await app.ready();
    return renderOpenApi(app);
  } finally {
    await app.close();
  }
}

async function main(args: readonly string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`openapi: unknown argument ${unknown.join(' ')}; usage: npm run openapi [-- --check]`);
    return 2;
  }
  const text = await generateOpenApi();
  if (!args.includes('--check')) {
    writeFileSync(OPENAPI_FILE, text);
    console.log(`wrote ${OPENAPI_FILE}`);
    return 0;
  }
  let committed: string | undefined;
  try {
    committed = readFileSync(OPENAPI_FILE, 'utf8');
  } catch {
    committed = undefined;
  }
  if (committed === text) return 0;
  console.error(committed === undefined
    ? 'docs/openapi.json is missing: run `npm run openapi` and commit it'
    : `docs/openapi.json is out of date (first difference at line ${firstDifferentLine(committed, text)}): run \`npm run openapi\`, review \`git diff docs/openapi.json\`, and commit it`);
  return 1;
}

function firstDifferentLine(a: string, b: string): number {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i + 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
