/**
 * Reference vectors computed by scipy / sklearn / numpy (testdata/reference, see its README.md; a copy
 * of the project's shared reference data, kept in the repository so a clean clone tests by itself).
 * The one place that knows where they live.
 */
import { readFileSync } from 'node:fs';

export interface ReferenceCase<I, E> {
  readonly name: string;
  readonly note?: string;
  readonly input: I;
  readonly expected: E;
}

export interface ReferenceFile<I, E> {
  readonly description: string;
  readonly generator: string;
  readonly cases: readonly ReferenceCase<I, E>[];
}

export const REFERENCE_DIR = new URL('../../testdata/reference/', import.meta.url);

/** Parses `<name>.json` (name with or without the extension). Shapes are the caller's to declare. */
export function loadReference<I = unknown, E = unknown>(name: string): ReferenceFile<I, E> {
  const file = name.endsWith('.json') ? name : `${name}.json`;
  return JSON.parse(readFileSync(new URL(file, REFERENCE_DIR), 'utf8')) as ReferenceFile<I, E>;
}

/** |actual − expected| ≤ rel·|expected| + abs, with a readable failure. */
export function assertClose(actual: number, expected: number, rel: number, abs = 0, what = ''): void {
  const ok = actual === expected || Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
  if (!ok) {
    throw new Error(`${what} expected ${expected}, got ${actual} (diff ${Math.abs(actual - expected)}, rel tol ${rel}, abs tol ${abs})`);
  }
}
