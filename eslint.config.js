// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ioModules = ['fs', 'net', 'http', 'https', 'http2', 'child_process', 'dgram', 'dns', 'tls', 'os',
  'worker_threads', 'cluster', 'process', 'readline', 'timers', 'perf_hooks', 'zlib', 'stream'];
const ioPaths = ioModules.flatMap((m) => [m, `node:${m}`, `${m}/promises`, `node:${m}/promises`]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'web/dist/**', 'dist/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      // node:test's test()/describe() return promises the runner tracks itself.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The core is pure: no I/O, no clock. Time and data arrive as arguments (CONVENTIONS.md §2).
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioPaths.map((name) => ({ name, message: 'src/core is pure: do I/O in store/ingest/engine and pass data in.' })),
        patterns: [{ group: ['../store/*', '../ingest/*', '../engine/*', '../server/*', '../cli/*', '**/store/**', '**/server/**'],
          message: 'src/core must not depend on outer layers.' }],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'src/core must not read the environment.' },
        { name: 'setTimeout', message: 'src/core has no clock.' },
        { name: 'setInterval', message: 'src/core has no clock.' },
        { name: 'performance', message: 'src/core has no clock.' },
        { name: 'fetch', message: 'src/core does no I/O.' }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'src/core has no clock: take the time as an argument.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'src/core has no clock: take the time as an argument.' }],
    },
  },
  {
    // The dashboard runs in the browser. It reads the server's response schemas as types only, so no
    // server code reaches the bundle, and it renders text through Preact only (no raw HTML).
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['**/src/**', '!./**'], allowTypeImports: true, message: 'web/ imports server code as types only (import type …).' }],
      }],
      'no-restricted-syntax': ['error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render text through Preact; never inject HTML.' },
        { selector: "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]", message: 'Use textContent; never inject HTML.' },
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Never inject HTML.' }],
    },
  },
  {
    // Vite's config runs in Node, with its own tsconfig (web/tsconfig.json is the browser's).
    files: ['web/vite.config.ts'],
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: false, project: ['./web/tsconfig.node.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Tests read JSON documents off the wire; asserting on them is the point, so `any` is allowed there.
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
);
