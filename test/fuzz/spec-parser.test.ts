/**
 * Fuzzing the spec parser (src/spec/load-spec.ts, yaml-reader.ts): it never throws, and for every
 * input it either returns specs or problems — each with the file, a line and column inside the text,
 * and a JSON pointer that names the offending node at that position (yaml.ts `problemProblems`).
 * Inputs: arbitrary text; the project's own specs (examples/, demo/, testdata/) mutated as text and as
 * documents; hostile YAML (10,000-deep nesting, alias bombs, tags, `__proto__` keys, NUL, BOM, lone
 * surrogates); raw bytes that are not UTF-8, through `loadSpecFiles`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadSpecFiles, parseSpec, parseSpecDocuments } from '../../src/spec/load-spec.ts';
import { assertNoPollution, params, prototypeSnapshot } from './knobs.ts';
import { applyTextEdit, HUGE_YAML_TOKENS, pathsOf, problemProblems, specTexts, textEditArb, withKey, withValue, YAML_TOKENS, yamlValueArb } from './yaml.ts';
import { parseDocument } from 'yaml';

const FILE = 'fuzz.yaml';
const seeds = specTexts();
/** Seeds that parse without problems: a mutation of one has a known cause for any problem. */
const valid = seeds.filter((s) => parseSpecDocuments(s.text, s.name).problems.length === 0 && parseSpecDocuments(s.text, s.name).specs.length === 1);
let checked = 0;

let prototypes: string[];
before(() => {
  prototypes = prototypeSnapshot();
  assert.ok(valid.length >= 6, `only ${valid.length} valid seeds`);
});
after(() => {
  assertNoPollution(prototypes);
  console.log(`# spec texts parsed: ${checked}`);
});

/**
 * Parses `text` (as one document with `parseSpec`, and with `parseSpecDocuments` when `both`) and
 * returns every broken promise: a throw, or an imprecise problem.
 */
function check(text: string, both = false): string[] {
  checked++;
  let one: ReturnType<typeof parseSpec>;
  let all: ReturnType<typeof parseSpecDocuments> | undefined;
  try {
    one = parseSpec(text, FILE);
    if (both) all = parseSpecDocuments(text, FILE);
  } catch (e) {
    return [`threw ${e instanceof Error ? e.stack ?? e.message : String(e)}`];
  }
  const out: string[] = [];
  if (one.ok && one.spec === undefined) out.push('ok without a spec');
  if (!one.ok && one.problems.length === 0) out.push('not ok, yet no problem');
  if (all !== undefined && all.specs.length === 0 && all.problems.length === 0) out.push('no spec and no problem');
  for (const p of [...(one.ok ? [] : one.problems), ...(all?.problems ?? [])]) out.push(...problemProblems(p, FILE, text));
  return [...new Set(out)];
}

const show = (t: string) => (t.length > 600 ? `${t.slice(0, 600)}… (${t.length} chars)` : t);

test('the shipped specs parse, and their problems (for the *.bad ones) are precise', () => {
  for (const s of seeds) {
    const r = parseSpecDocuments(s.text, FILE);
    assert.deepEqual(check(s.text, true), [], s.name);
    if (!s.name.includes('.bad.') && !s.name.includes('openslo')) assert.equal(r.problems.length, 0, `${s.name}: ${JSON.stringify(r.problems)}`);
  }
});

test('arbitrary text never makes the parser throw, and every problem it reports is precise', () => {
  const textArb = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: fc.constantFrom(' ', '\n', '\t', ':', '-', '[', ']', '{', '}', '&', '*', '!', '?', '|', '>', '#', '"', "'", 'a', 'k', '1', '\r', '%', '@', '`', ','), maxLength: 120 }),
    fc.array(fc.constantFrom(...YAML_TOKENS.filter((t) => t.length < 1000), 'apiVersion: mlslo/v1', 'kind: Service', 'metadata:', '  name: x', 'spec:', '  task: ranking', '- a'), { maxLength: 12 }).map((xs) => xs.join('\n')),
  );
  fc.assert(fc.property(textArb, (text) => {
    assert.deepEqual(check(text, true), [], show(text));
  }), params(0x5eed21, 1500));
});

test('the shipped specs mutated as text: never a throw, every problem precise', () => {
  fc.assert(fc.property(fc.nat(), fc.array(textEditArb, { minLength: 1, maxLength: 5 }), (i, edits) => {
    const seed = seeds[i % seeds.length]!;
    const text = edits.reduce(applyTextEdit, seed.text);
    assert.deepEqual(check(text), [], `${seed.name} with ${JSON.stringify(edits)}:\n${show(text)}`);
  }), params(0x5eed22, 1500));
});

test('the valid specs mutated as documents: a value replaced anywhere; never a throw, every problem precise', () => {
  fc.assert(fc.property(fc.nat(), fc.nat(), yamlValueArb, (i, j, value) => {
    const seed = valid[i % valid.length]!;
    const paths = pathsOf(parseDocument(seed.text));
    const { path } = paths[j % paths.length]!;
    const text = withValue(seed.text, path, value);
    assert.deepEqual(check(text), [], `${seed.name} with ${JSON.stringify(path)} = ${show(JSON.stringify(value) ?? String(value))}:\n${show(text)}`);
  }), params(0x5eed23, 600));
});

/** Keys DESIGN §3.2 gives each mapping, with the required ones. */
const KNOWN: Record<string, { required: readonly string[] }> = {
  '': { required: ['apiVersion', 'kind', 'metadata', 'spec'] },
  '/metadata': { required: ['name', 'owner', 'oncall', 'tier'] },
  '/spec': { required: ['task'] },
  '/spec/objectives': { required: [] },
  '/spec/latency': { required: [] },
  '/spec/quality': { required: [] },
  '/spec/errors': { required: [] },
  '/spec/drift': { required: [] },
  '/spec/retrain': { required: [] },
};

test('a key renamed to an unknown one is reported there; a required key deleted is reported missing there', () => {
  fc.assert(fc.property(fc.nat(), fc.nat(), fc.boolean(), fc.constantFrom('zzUnknown', '__proto__', 'constructor', 'prototype', 'toString', 'a/b~c', ''), (i, j, rename, to) => {
    const seed = valid[i % valid.length]!;
    const candidates = pathsOf(parseDocument(seed.text)).filter((p) => {
      const parent = p.pointer.slice(0, p.pointer.lastIndexOf('/'));
      const name = String(p.path[p.path.length - 1]);
      return p.parentIsMap && KNOWN[parent] !== undefined && (rename || KNOWN[parent].required.includes(name));
    });
    if (candidates.length === 0) return;
    const c = candidates[j % candidates.length]!;
    const parent = c.pointer.slice(0, c.pointer.lastIndexOf('/'));
    const text = withKey(seed.text, c.path, rename ? to : undefined);
    assert.deepEqual(check(text), [], show(text));
    const r = parseSpec(text, FILE);
    assert.ok(!r.ok, `${seed.name}: ${rename ? `renaming ${c.pointer} to ${to}` : `deleting ${c.pointer}`} went unnoticed`);
    const escaped = to.replace(/~/g, '~0').replace(/\//g, '~1');
    const want = rename ? { pointer: `${parent}/${escaped}`, message: /^unknown field/ } : { pointer: c.pointer, message: /^missing required field/ };
    assert.ok(r.problems.some((p) => p.pointer === want.pointer && want.message.test(p.message)),
      `${seed.name}: expected a problem at ${want.pointer} (${String(want.message)}), got ${JSON.stringify(r.problems)}`);
  }), params(0x5eed24, 200));
});

test('hostile YAML: deep nesting, alias bombs, tags, prototype keys, NUL, BOM, lone surrogates, huge scalars', () => {
  const base = valid[0]!.text;
  const cases: string[] = [
    `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    `a: ${'{b: '.repeat(10_000)}1${'}'.repeat(10_000)}`,
    Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
    Array.from({ length: 5000 }, () => '- ').join(''),
    base.replace('spec:', `spec:\n  cohorts: ${'['.repeat(10_000)}${']'.repeat(10_000)}`),
    `x: &a [x, x, x, x, x, x, x, x, x]\ny: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nz: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nw: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n${base}`,
    base.replace(/^spec:/m, 'x: &a [a, b]\nspec:').replace(/cohorts: \[[^\]]*\]/, 'cohorts: [*a, *a, *a, *a, *a, *a, *a, *a]'),
    base.replace(/^metadata:/m, '__proto__: {polluted: 1}\nconstructor: {prototype: {polluted: 1}}\nmetadata:'),
    base.replace(/^spec:/m, 'spec:\n  __proto__: {polluted: 1}'),
    base.replace(/^metadata:/m, 'metadata:\n  <<: {name: merged}'),
    `\ufeff${base}`, base.replace(/\n/g, '\r\n'), base.replace(/: /, ':\u0000 '), base.replace(/name: ([\w-]+)/, 'name: "$1\\ud800"'),
    base.replace(/owner: .*/, 'owner: !!binary aGVsbG8='), base.replace(/owner: .*/, 'owner: !!js/function "function(){}"'),
    base.replace(/owner: .*/, `owner: ${'x'.repeat(5_000_000)}`), base.replace(/owner: .*/, 'owner: *nowhere'),
    `${base}\n---\n${base}`, `${base}\n---\n`, '---\n---\n---', '%YAML 2.0\n---\na: 1', '\u0000', '\ud800', '\ufeff', '', ' ', '#',
    'apiVersion: mlslo/v1\nkind: Service\nmetadata: !!set {a, b}\nspec: !!omap [task: ranking]',
    'apiVersion: mlslo/v1\nkind: Service\n? [complex, key]\n: 1\nmetadata: {name: x}\nspec: {}',
  ];
  // Each expensive token (a second or more of parsing each) in three valid specs, where the spec section starts.
  for (const s of valid.slice(0, 3)) {
    const at = s.text.indexOf('spec:') + 6;
    for (const tok of HUGE_YAML_TOKENS) cases.push(s.text.slice(0, at) + tok + s.text.slice(at));
  }
  for (const text of cases) assert.deepEqual(check(text, true), [], show(text));
});

test('spec files of raw bytes (not UTF-8, NUL, BOM) through loadSpecFiles: never a throw, problems name the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-fuzz-spec-'));
  try {
    const bytesArb = fc.tuple(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })), { maxLength: 4 }));
    await fc.assert(fc.asyncProperty(bytesArb, async ([i, inserts]) => {
      let bytes = Buffer.from(seeds[i % seeds.length]!.text);
      for (const [at, b] of inserts) {
        const k = at % (bytes.length + 1);
        bytes = Buffer.concat([bytes.subarray(0, k), Buffer.from(b), bytes.subarray(k)]);
      }
      const file = join(dir, 'spec.yaml');
      writeFileSync(file, bytes);
      const r = await loadSpecFiles([file, join(dir, 'missing.yaml'), dir]);
      checked++;
      // What the server reads: the file decoded as UTF-8 (bad bytes become U+FFFD).
      const text = bytes.toString('utf8');
      const problems = r.problems.filter((p) => p.file === file).flatMap((p) => problemProblems(p, file, text));
      assert.deepEqual(problems, []);
      assert.ok(r.problems.some((p) => p.file === join(dir, 'missing.yaml') && p.line === 0 && p.message.includes('no such file')));
    }), params(0x5eed25, 100));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
