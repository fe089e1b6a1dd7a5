/** Shared by the OpenSLO tests: fixtures, importing texts, loading the shipped specs and burn policies. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BurnPolicy } from '../../src/core/burn-policy.ts';
import type { ServiceSpec } from '../../src/core/spec.ts';
import { importOpenSlo, type ImportResult } from '../../src/openslo/import.ts';
import { formatNote, type ImportNote } from '../../src/openslo/notes.ts';
import { loadBurnPolicies, policyForSpec } from '../../src/spec/burn-policy-file.ts';
import { formatProblem, loadSpecFiles, parseSpecDocuments } from '../../src/spec/load-spec.ts';
import { REPO } from '../helpers/cli.ts';

export const FIXTURES = join(REPO, 'test/fixtures/openslo');

/** A fixture's path relative to the repository, as the CLI tests pass it. */
export function fixture(path: string): string {
  return relative(REPO, join(FIXTURES, path));
}

/** Imports fixture files, named by their paths relative to the repository. */
export function importFixtures(...paths: string[]): ImportResult {
  return importOpenSlo(paths.map((p) => ({ file: fixture(p), text: readFileSync(join(FIXTURES, p), 'utf8') })));
}

/** Imports YAML texts named `in-1.yaml`, `in-2.yaml`, … */
export function importTexts(...texts: string[]): ImportResult {
  return importOpenSlo(texts.map((text, i) => ({ file: `in-${i + 1}.yaml`, text })));
}

export function formatted(notes: readonly ImportNote[]): string[] {
  return notes.map(formatNote);
}

/** The imported specs, through the project's spec loader; fails the test on any problem. */
export function importedSpecs(r: ImportResult): ServiceSpec[] {
  const { specs, problems } = parseSpecDocuments(r.yaml, 'imported.yaml');
  assert.deepEqual(problems.map(formatProblem), []);
  return specs;
}

/** The one note about `document` at `field`; fails unless there is exactly one. */
export function noteAt(r: ImportResult, document: string, field: string): ImportNote {
  const found = r.notes.filter((n) => n.document === document && n.field === field);
  assert.equal(found.length, 1, `notes at ${document} ${field}:\n${formatted(r.notes).join('\n')}`);
  return found[0]!;
}

export async function shippedSpecs(): Promise<ServiceSpec[]> {
  const { specs, problems } = await loadSpecFiles(['examples', 'demo']);
  assert.deepEqual(problems.map(formatProblem), []);
  return specs;
}

let policies: Promise<Map<number, BurnPolicy>> | undefined;

/** The burn policy the server applies to the spec's window (a calendar month counts as 30 days). */
export async function policyFor(spec: ServiceSpec): Promise<BurnPolicy> {
  policies ??= loadBurnPolicies();
  return policyForSpec(await policies, spec);
}
