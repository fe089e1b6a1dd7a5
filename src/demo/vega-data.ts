/**
 * Real public datasets shipped in the `vega-datasets` npm package (a dependency), read from disk. The
 * package exports only its index, so data files are found beside the resolved entry point.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function vegaDataPath(file: string): string {
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return join(dirname(entry), '..', 'data', file);
}

/** A JSON array file of the package; `parse` checks each row (and names it in the error). */
export function loadVegaRows<T>(path: string, parse: (row: unknown, where: string) => T | undefined): T[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (!Array.isArray(raw)) throw new TypeError(`${path}: expected a JSON array`);
  const out: T[] = [];
  raw.forEach((row, i) => {
    const parsed = parse(row, `${path}[${i}]`);
    if (parsed !== undefined) out.push(parsed);
  });
  return out;
}
