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

/** Why docs/openapi.json is not what the routes generate, or undefined when it is. */
export async function staleOpenApi(): Promise<string | undefined> {
  const generated = await generateOpenApi();
  let committed: string;
  try {
    committed = readFileSync(OPENAPI_FILE, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return 'docs/openapi.json is missing: run `npm run openapi` and commit it';
  }
  if (committed === generated) return undefined;
  const a = committed.split('\n');
  const b = generated.split('\n');
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  return `docs/openapi.json differs from what the routes generate, from line ${line + 1} on: run \`npm run openapi\`, review \`git diff docs/openapi.json\` and commit it`;
}

async function main(args: readonly string[]): Promise<number> {
  if (args.length > 1 || (args.length === 1 && args[0] !== '--check')) {
    console.error(`openapi: unexpected arguments ${args.join(' ')}; usage: npm run openapi [-- --check]`);
    return 2;
  }
  if (args[0] === '--check') {
    const problem = await staleOpenApi();
    if (problem !== undefined) console.error(problem);
    return problem === undefined ? 0 : 1;
  }
  writeFileSync(OPENAPI_FILE, await generateOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
