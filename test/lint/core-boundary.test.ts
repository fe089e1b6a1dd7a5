/**
 * The core is pure (CONVENTIONS §2): the lint configuration makes I/O imports, clock reads and imports
 * of outer layers inside src/core errors — and only there. Type-aware rules are switched off for these
 * virtual files (they are not on disk); the boundary rules are syntactic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { REPO } from '../helpers/cli.ts';

const eslint = new ESLint({ cwd: REPO, overrideConfig: [{ files: ['src/**/*.ts'], ...tseslint.configs.disableTypeChecked }] });

async function boundaryErrors(code: string, file: string): Promise<Array<[string | null, number]>> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO}${file}` });
  return result!.messages
    .filter((m) => m.ruleId === null || m.ruleId.startsWith('no-restricted'))
    .map((m) => [m.ruleId, m.line]);
}

const IMPURE = [
  "import { readFileSync } from 'node:fs';",
  "import * as net from 'net';",
  "import { writeFile } from 'fs/promises';",
  "import type { Store } from '../store/port.ts';",
  'export const a = (): number => Date.now();',
  'export const b = (): Date => new Date();',
  'export const c = (): number => performance.now();',
  'setTimeout(() => undefined, 1);',
  'export const d = (): string | undefined => process.env.HOME;',
].join('\n');

test('every I/O import, clock read and outer-layer import in src/core is a lint error', async () => {
  const errors = await boundaryErrors(IMPURE, 'src/core/probe.ts');
  assert.deepEqual(errors.map(([, line]) => line).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('the same code outside src/core is allowed', async () => {
  assert.deepEqual(await boundaryErrors(IMPURE, 'src/engine/probe.ts'), []);
});

test('pure code in src/core passes, including time taken as an argument', async () => {
  const pure = "import type { RollupCell } from './rollup.ts';\nexport const f = (at: number, c: RollupCell): string => new Date(at).toISOString() + String(c.total);";
  assert.deepEqual(await boundaryErrors(pure, 'src/core/probe.ts'), []);
});
