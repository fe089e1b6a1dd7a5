/**
 * Inputs and checks for fuzzing the spec parser (src/spec/load-spec.ts): the valid specs of
 * examples/, demo/ and testdata/ as seeds, text-level mutations (lines, indentation, hostile tokens,
 * anchors, 10,000-deep nesting, BOM, NUL, lone surrogates, CRLF), document-level mutations through the
 * yaml library (a value replaced, a key renamed or deleted), and the precision check every reported
 * problem must pass: a position inside the text that lies on the node its JSON pointer names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, type Document, type Node } from 'yaml';
import { escapeToken, tokens } from './pointer.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Every spec file the project ships or tests with, by name. */
export function specTexts(): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  for (const dir of ['examples', 'demo', 'testdata', 'test/fixtures/openslo']) {
    for (const f of readdirSync(join(ROOT, dir)).sort()) {
      if (/\.ya?ml$/.test(f)) out.push({ name: `${dir}/${f}`, text: readFileSync(join(ROOT, dir, f), 'utf8') });
    }
  }
  return out;
}

const DEEP = 10_000;
export const YAML_TOKENS = [
  '.nan', '.inf', '-.inf', '1e400', '-0', '0x1F', '0o17', '~', 'null', 'true', 'yes', 'on', '[]', '{}', '""', "''", '|', '>-', '!!binary aGk=', '!!js/undefined ~',
  '!!js/function "function(){}"', '!<tag:x,2000:y> 1', '!!set {a, b}', '!!omap [a: 1]', '!!timestamp 2001-12-14', '&a', '*a', '*undefined_anchor', '<<: *a',
  '? [a, b]\n: c', '"\\ud800"', '"\\0"', '"\\x00"', '\u0000', '\ufeff', '\ud800', '\t', '\r\n', '\r', '---', '...', '%YAML 1.1\n---', '%TAG ! tag:x:\n---', '#',
  '__proto__: {polluted: 1}', 'constructor: {prototype: {polluted: 1}}', 'prototype: 1', '"a/b~c": 1', "'': 1",
  'a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]',
];
/** Tokens that cost the YAML parser a second or more each: spliced into every seed once, not at random. */
export const HUGE_YAML_TOKENS = [
  `[${'['.repeat(DEEP)}${']'.repeat(DEEP)}]`, `${'{a: '.repeat(DEEP)}1${'}'.repeat(DEEP)}`, `"${'x'.repeat(200_000)}"`, `[${'1, '.repeat(20_000)}1]`,
];
const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', '<<', '"a/b"', '"~0"', "''", 'zzUnknown', 'apiversion', 'Kind', 'taget'];

export type TextEdit =
  | { readonly kind: 'deleteLine' | 'duplicateLine' | 'swapLines'; readonly line: number }
  | { readonly kind: 'indent'; readonly line: number; readonly by: number }
  | { readonly kind: 'insert'; readonly at: number; readonly token: number }
  | { readonly kind: 'replaceValue'; readonly line: number; readonly token: number }
  | { readonly kind: 'renameKey'; readonly line: number; readonly key: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'crlf' | 'bom' | 'tabs' };

export const textEditArb: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('deleteLine' as const, 'duplicateLine' as const, 'swapLines' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.nat() }),
  fc.record({ kind: fc.constant('replaceValue' as const), line: fc.nat(), token: fc.nat() }),
  fc.record({ kind: fc.constant('renameKey' as const), line: fc.nat(), key: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.constantFrom({ kind: 'crlf' as const }, { kind: 'bom' as const }, { kind: 'tabs' as const }),
);

export function applyTextEdit(text: string, e: TextEdit): string {
  const lines = text.split('\n');
  const n = lines.length;
  const tok = (i: number) => YAML_TOKENS[i % YAML_TOKENS.length]!;
  switch (e.kind) {
    case 'deleteLine':
      return lines.filter((_, i) => i !== e.line % n).join('\n');
    case 'duplicateLine':
      return lines.flatMap((l, i) => (i === e.line % n ? [l, l] : [l])).join('\n');
    case 'swapLines': {
      const i = e.line % n;
      const j = (i + 1) % n;
      const out = [...lines];
      [out[i], out[j]] = [lines[j]!, lines[i]!];
      return out.join('\n');
    }
    case 'indent': {
      const i = e.line % n;
      const l = lines[i]!;
      const out = [...lines];
      out[i] = e.by >= 0 ? ' '.repeat(e.by) + l : l.replace(new RegExp(`^ {0,${-e.by}}`), '');
      return out.join('\n');
    }
    case 'insert': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + tok(e.token) + text.slice(at);
    }
    case 'replaceValue': {
      const i = e.line % n;
      const out = [...lines];
      out[i] = lines[i]!.replace(/(:\s+).*$/, (_, sep: string) => `${sep}${tok(e.token)}`);
      return out.join('\n');
    }
    case 'renameKey': {
      const i = e.line % n;
      const out = [...lines];
      out[i] = lines[i]!.replace(/^(\s*-?\s*)[^\s:#][^:#]*:/, (_, lead: string) => `${lead}${KEYS[e.key % KEYS.length]!}:`);
      return out.join('\n');
    }
    case 'truncate':
      return text.slice(0, e.at % (text.length + 1));
    case 'crlf':
      return text.replace(/\n/g, '\r\n');
    case 'bom':
      return `\ufeff${text}`;
    case 'tabs':
      return text.replace(/^( {2})+/gm, (m) => '\t'.repeat(m.length / 2));
  }
}

// ---------------------------------------------------------------------------------------------------
// Document-level mutations: a path of the parsed seed, and what to do there

/** Every map member and list item of a document, as yaml-library paths and JSON pointers (depth-limited). */
export function pathsOf(doc: Document): Array<{ path: Array<string | number>; pointer: string; parentIsMap: boolean }> {
  const out: Array<{ path: Array<string | number>; pointer: string; parentIsMap: boolean }> = [];
  const walk = (node: unknown, path: Array<string | number>, pointer: string, depth: number) => {
    if (depth > 8) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key) || typeof pair.key.value !== 'string') continue;
        const k = pair.key.value;
        const p = [...path, k];
        const ptr = `${pointer}/${escapeToken(k)}`;
        out.push({ path: p, pointer: ptr, parentIsMap: true });
        walk(pair.value, p, ptr, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = [...path, i];
        out.push({ path: p, pointer: `${pointer}/${i}`, parentIsMap: false });
        walk(item, p, `${pointer}/${i}`, depth + 1);
      });
    }
  };
  walk(doc.contents, [], '', 0);
  return out;
}

/** Values a document mutation writes: JSON values, and the ones YAML and JavaScript find awkward. */
export const yamlValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e308, 5e-324, '', ' ', '\u0000', 'a\ud800b', '\ufeff', 'x'.repeat(100_000)) },
  { weight: 1, arbitrary: fc.constantFrom(['__proto__', 1], ['constructor', { prototype: { polluted: 1 } }], ['prototype', 'x']).map((e) => Object.fromEntries([e]) as unknown) },
);

// ---------------------------------------------------------------------------------------------------
// Where a problem points

/** A node; or, for a pointer to where a value is missing, its nearest ancestor that is there; or nothing. */
const within = (off: number, n: Node | null | undefined) => n?.range != null && off >= n.range[0] && off <= n.range[2];

type Found = { kind: 'node'; node: Node; key?: Node } | { kind: 'absent'; ancestor: Node } | { kind: 'none' };

function deref(doc: Document, n: unknown): unknown {
  let cur = n;
  for (let i = 0; i < 32 && isAlias(cur); i++) cur = cur.resolve(doc);
  return cur;
}

/**
 * The node an RFC 6901 pointer names in a YAML document (aliases followed, keys compared as text).
 * Keys that read alike (`!!binary aGk=` twice: not duplicates to YAML, both `hi` as text) make a
 * pointer ambiguous; then the member at `offset` is taken, if one is there.
 */
export function findNode(doc: Document, pointer: string, offset = -1): Found {
  const ts = tokens(pointer);
  if (ts === undefined) return { kind: 'none' };
  let cur = deref(doc, doc.contents) as Node | undefined;
  let key: Node | undefined;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (isMap(cur)) {
      const pairs = cur.items.filter((p) => {
        const k = deref(doc, p.key);
        return isScalar(k) && String(k.value) === t;
      });
      const pair = pairs.find((p) => within(offset, p.key as Node) || within(offset, p.value as Node)) ?? pairs[0];
      // A missing member may be named below a missing mapping (`/spec/objectives/quality` without `objectives`).
      if (pair === undefined) return { kind: 'absent', ancestor: cur };
      key = deref(doc, pair.key) as Node;
      // `key:` with no value: the key stands for it (as src/spec/yaml-reader.ts does).
      cur = (deref(doc, pair.value) as Node | null) ?? key;
    } else if (isSeq(cur) && /^(0|[1-9]\d*)$/.test(t) && Number(t) < cur.items.length) {
      key = undefined;
      cur = deref(doc, cur.items[Number(t)]) as Node;
    } else return { kind: 'none' };
  }
  return cur === undefined ? { kind: 'none' } : { kind: 'node', node: cur, key };
}

export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly pointer: string;
  readonly message: string;
}

/** Offsets of line starts, counting LF only (a CR belongs to its line), as editors number lines. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}


/**
 * Problems with a reported problem: it names the file; its line and column are inside the text; its
 * pointer is well-formed and names a node of the document at that position (or, for a missing
 * member, the mapping it belongs in); the position lies on that node, its key, or that mapping.
 */
export function problemProblems(p: Problem, file: string, text: string): string[] {
  const out: string[] = [];
  const where = `${p.line}:${p.column} ${p.pointer}: ${p.message}`;
  if (p.file !== file) out.push(`file ${p.file}, expected ${file}`);
  if (typeof p.message !== 'string' || p.message.trim() === '') out.push(`${where}: no message`);
  else if (p.message.includes('[object ')) out.push(`${where}: the message looks broken`);
  const starts = lineStarts(text);
  if (!Number.isInteger(p.line) || p.line < 1 || p.line > starts.length) return [...out, `${where}: line outside the text (${starts.length} lines)`];
  const lineStart = starts[p.line - 1]!;
  const lineEnd = p.line < starts.length ? starts[p.line]! - 1 : text.length;
  if (!Number.isInteger(p.column) || p.column < 1 || p.column > lineEnd - lineStart + 1) out.push(`${where}: column outside line ${p.line}`);
  if (tokens(p.pointer) === undefined) return [...out, `${where}: malformed pointer`];
  const offset = lineStart + p.column - 1;
  if (p.message.startsWith('invalid YAML')) return out; // the tree is a guess after a syntax error; the position is the parser's
  if (p.pointer === '') return out; // the document or the file as a whole: any position in it will do
  const parsed = parseAllDocuments(text);
  const docs = Array.isArray(parsed) ? parsed : [];
  // The last document that starts at or before the position (one document's end is the next one's start).
  const doc = docs.filter((d) => d.range[0] <= offset).pop() ?? docs[0];
  if (doc === undefined) return [...out, `${where}: no document at this position`];
  const found = findNode(doc, p.pointer, offset);
  if (found.kind === 'none') out.push(`${where}: the pointer names nothing in the document`);
  else if (found.kind === 'absent') {
    if (!/missing|required|must set/.test(p.message)) out.push(`${where}: the pointer names a missing member, but the problem is not that it is missing`);
    if (!within(offset, found.ancestor)) out.push(`${where}: the position is not on the mapping the member belongs in`);
  } else if (!within(offset, found.node) && !within(offset, found.key)) {
    out.push(`${where}: the position is not on the node the pointer names (${found.node.range?.join('-')})`);
  }
  return out;
}

/** A seed document with `value` written at `path`. */
export function withValue(text: string, path: Array<string | number>, value: unknown): string {
  const doc = parseDocument(text);
  doc.setIn(path, doc.createNode(value));
  return doc.toString({ lineWidth: 0 });
}

/** A seed document with the member at `path` deleted, or renamed to `to`. */
export function withKey(text: string, path: Array<string | number>, to: string | undefined): string {
  const doc = parseDocument(text);
  if (to === undefined) doc.deleteIn(path);
  else {
    const value = doc.getIn(path, true);
    doc.deleteIn(path);
    doc.setIn([...path.slice(0, -1), to], value ?? null);
  }
  return doc.toString({ lineWidth: 0 });
}
