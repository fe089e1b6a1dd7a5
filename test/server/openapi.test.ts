/**
 * The OpenAPI document (src/server/openapi.ts, docs/openapi.json): committed as generated, served as
 * committed, valid OpenAPI 3.1, and complete — every route Fastify serves is in it but the dashboard's.
 * That each documented response schema matches real responses is test/server/api-schemas.test.ts's job.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { documentedServer, OPENAPI_FILE, staleOpenApi } from '../../scripts/openapi.ts';
import { APP_PATHS, ASSETS_PATH } from '../../src/server/routes/web.ts';
import { startTestServer } from '../helpers/server.ts';

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;

interface Operation {
  readonly operationId?: string;
  readonly summary?: string;
  readonly tags?: readonly string[];
  readonly parameters?: ReadonlyArray<{ readonly name: string; readonly in: string; readonly schema: object }>;
  readonly requestBody?: { readonly content: Record<string, { readonly schema: object }> };
  readonly responses: Record<string, { readonly content?: Record<string, { readonly schema: object }> }>;
}

interface Document {
  readonly tags: ReadonlyArray<{ readonly name: string }>;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { readonly schemas: Record<string, object> };
}

const committed = readFileSync(OPENAPI_FILE, 'utf8');
const doc = JSON.parse(committed) as Document;
const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

let app: FastifyInstance;
before(async () => {
  app = documentedServer();
  await app.ready();
});
after(() => app.close());

test('docs/openapi.json is what the routes generate', async () => {
  const problem = await staleOpenApi();
  assert.equal(problem, undefined, problem);
});

test('GET /openapi.json on a real server serves docs/openapi.json, without a key', async () => {
  const s = await startTestServer('apiVersion: mlslo/v1\nkind: Service\nmetadata: {name: svc, owner: ml, oncall: sre, tier: 2, public: true}\nspec: {task: classification}\n', Date.now());
  try {
    const res = await fetch(`${s.url}/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.ok(await res.text() === committed, 'GET /openapi.json differs from docs/openapi.json: run `npm run openapi`');
  } finally {
    await s.stop();
  }
});

test('the document is valid OpenAPI 3.1, and each of its schemas valid JSON Schema 2020-12', async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
  assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
  assert.equal(validator.version, '3.1');
  // References resolved, every schema must compile in strict mode: no unknown keyword, no dangling reference.
  const resolved = validator.resolveRefs() as unknown as Document;
  const ajv = addFormats(new Ajv2020({ strict: true, allowUnionTypes: true }));
  const schemas: Array<[string, object]> = Object.entries(resolved.components.schemas).map(([name, s]) => [`components.schemas.${name}`, s]);
  for (const [path, item] of Object.entries(resolved.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const p of op.parameters ?? []) schemas.push([`${where} ${p.in} ${p.name}`, p.schema]);
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) schemas.push([`${where} body ${type}`, media.schema]);
      for (const [code, r] of Object.entries(op.responses)) for (const [type, media] of Object.entries(r.content ?? {})) schemas.push([`${where} ${code} ${type}`, media.schema]);
    }
  }
  for (const [where, schema] of schemas) assert.doesNotThrow(() => ajv.compile(schema), where);
});

/** Every (method, path) Fastify routes, read from its radix tree as `printRoutes()` draws it; HEAD aside (Fastify adds one per GET). */
function fastifyRoutes(server: FastifyInstance): Array<{ method: string; path: string }> {
  const routes: Array<{ method: string; path: string }> = [];
  const prefixes: string[] = [];
  for (const line of server.printRoutes().split('\n')) {
    const at = line.indexOf('── ');
    if (at < 1) continue;
    const depth = (at - 1) / 4;
    const m = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 3))!;
    const path = (depth === 0 ? '' : prefixes[depth - 1]!) + m[1]!;
    prefixes[depth] = path;
    for (const method of m[2]?.split(', ') ?? []) if (method !== 'HEAD') routes.push({ method, path });
  }
  return routes;
}

test('every route Fastify serves is in the document with its methods, but the dashboard\'s pages and files', () => {
  const routes = fastifyRoutes(app);
  assert.ok(routes.length > 40, `read ${routes.length} routes off printRoutes(): has its drawing changed?`);
  const hidden = new Set<string>([...APP_PATHS, ASSETS_PATH]);
  const inDocument = new Set(operations.map(({ path, method }) => `${method.toUpperCase()} ${path}`));
  const expected = routes.filter((r) => !hidden.has(r.path)).map(({ method, path }) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
  assert.deepEqual(expected.filter((r) => !inDocument.has(r)), [], 'routes missing from the document');
  assert.deepEqual([...inDocument].filter((r) => !expected.includes(r)), [], 'operations Fastify does not serve');
  assert.deepEqual(routes.filter((r) => hidden.has(r.path)).map((r) => r.path).sort(), [...hidden].sort(), 'the dashboard\'s routes');
});

test('every operation has a unique operationId, a summary and a declared tag', () => {
  const declared = new Set(doc.tags.map((t) => t.name));
  const incomplete = operations
    .filter(({ op }) => op.operationId === undefined || op.summary === undefined || op.tags?.length !== 1 || !declared.has(op.tags[0]!))
    .map(({ path, method }) => `${method.toUpperCase()} ${path}`);
  assert.deepEqual(incomplete, [], 'operations without operation(…) in their route\'s schema (src/server/openapi.ts)');
  const ids = operations.map(({ op }) => op.operationId);
  assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'operationIds used twice');
});
