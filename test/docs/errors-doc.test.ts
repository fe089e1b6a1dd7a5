import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERRORS, ITEM_CODES } from '../../src/core/errors.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

function tableRows(heading: string): string[][] {
  const section = doc.split(/^## /m).find((s) => s.startsWith(heading));
  assert.ok(section, `docs/errors.md has a "## ${heading}" section`);
  return section.split('\n').filter((l) => l.startsWith('| `')).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
}

test('every error code in src/core/errors.ts is documented with its category, and nothing else is', () => {
  const rows = tableRows('Error codes');
  const documented = new Map(rows.map((r) => [r[0]!.replace(/`/g, ''), r[1]]));
  assert.deepEqual([...documented.keys()].sort(), Object.keys(ERRORS).sort());
  for (const [code, def] of Object.entries(ERRORS)) assert.equal(documented.get(code), def.category, `category of ${code}`);
});

test('every per-item rejection code is documented, and nothing else is', () => {
  const rows = tableRows('Item codes');
  assert.deepEqual(rows.map((r) => r[0]!.replace(/`/g, '')).sort(), Object.keys(ITEM_CODES).sort());
});
