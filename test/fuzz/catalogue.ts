/**
 * What docs/errors.md promises, read from the page itself (not from src/core/errors.ts), so a fuzz
 * property checks the server against the documented contract: the body-level codes with their
 * categories, the category → HTTP status table, and the item codes of `POST /v1/events`.
 */
import { readFileSync } from 'node:fs';

export interface Catalogue {
  /** Code → category, from the "Error codes" table. */
  readonly codes: ReadonlyMap<string, string>;
  /** Category → HTTP status, from "The HTTP status follows the error's category: …". */
  readonly statusOf: ReadonlyMap<string, number>;
  /** Codes of the "Item codes of `POST /v1/events`" table. */
  readonly itemCodes: ReadonlySet<string>;
}

function section(text: string, heading: string): string {
  const start = text.indexOf(heading);
  if (start === -1) throw new Error(`docs/errors.md has no section ${heading}`);
  const next = text.indexOf('\n## ', start + heading.length);
  return text.slice(start, next === -1 ? text.length : next);
}

function firstCells(table: string): string[][] {
  return table.split('\n').filter((l) => /^\| `/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim().replace(/^`|`$/g, '')));
}

export function readCatalogue(path = new URL('../../docs/errors.md', import.meta.url)): Catalogue {
  const text = readFileSync(path, 'utf8');
  const codes = new Map<string, string>();
  for (const [code, category] of firstCells(section(text, '## Error codes'))) codes.set(code!, category!);
  const itemCodes = new Set(firstCells(section(text, '## Item codes')).map((r) => r[0]!));
  const sentence = /The HTTP status follows the error's category:([^.]*)\./s.exec(text)?.[1] ?? '';
  const statusOf = new Map<string, number>();
  for (const m of sentence.matchAll(/`([a-z_]+)` (\d{3})/g)) statusOf.set(m[1]!, Number(m[2]));
  if (codes.size < 10 || itemCodes.size < 10 || statusOf.size < 8) throw new Error('docs/errors.md: tables not found where expected');
  return { codes, statusOf, itemCodes };
}
