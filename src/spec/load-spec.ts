/**
 * The public API of the spec package: YAML text or files → `ServiceSpec`s, or every problem found.
 * `parseSpec`/`parseSpecDocuments` are pure; `loadSpecFiles` reads the file system.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isScalar, parseAllDocuments, type Document, type YAMLError } from 'yaml';
import { MlsloError } from '../core/errors.ts';
import type { ServiceSpec } from '../core/spec.ts';
import { readService } from './document.ts';
import { compareProblems, formatProblem, ProblemSink, textLines, type SpecProblem } from './problems.ts';
import { Reader } from './yaml-reader.ts';

export { formatProblem, type SpecProblem };

export type SpecResult = { ok: true; spec: ServiceSpec } | { ok: false; problems: SpecProblem[] };

interface Named {
  readonly spec: ServiceSpec;
  readonly where: SpecProblem;
}

function yamlProblem(sink: ProblemSink, e: YAMLError): void {
  // The library appends " at line L, column C:" and a source excerpt; we carry the position ourselves.
  // Nesting deeper than the parser's stack surfaces as a stack overflow: say what the author can fix.
  const head = /call stack/i.test(e.message) ? 'nested too deeply (the parser ran out of stack)' : e.message.split(/ at line \d+, column \d+/)[0] ?? e.message;
  sink.atOffset(e.pos[0], '', `invalid YAML: ${head.charAt(0).toLowerCase()}${head.slice(1).replace(/[.:]\s*$/, '')}`);
}

function isEmpty(doc: Document.Parsed): boolean {
  const c = doc.contents;
  return c === null || (isScalar(c) && c.value === null && doc.errors.length === 0);
}

function parseNamed(text: string, file: string): { named: Named[]; problems: SpecProblem[]; documents: number } {
  const lines = textLines(text);
  const sink = new ProblemSink(file, lines);
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const named: Named[] = [];
  let documents = 0;
  for (const doc of docs) {
    if (isEmpty(doc)) continue;
    documents++;
    const yamlErrors = [...doc.errors, ...doc.warnings];
    // After a syntax error the tree is a guess; validating it would report phantom problems.
    if (yamlErrors.length > 0) {
      // A stack overflow is reported once per level it unwinds through: keep the first.
      const deep = yamlErrors.filter((e) => e.code === 'RESOURCE_EXHAUSTION');
      for (const e of yamlErrors) if (e.code !== 'RESOURCE_EXHAUSTION' || e === deep[0]) yamlProblem(sink, e);
      continue;
    }
    const r = new Reader(sink, doc, text);
    const { spec, name } = readService(r, { node: doc.contents!, pointer: '' });
    if (spec === undefined || name === undefined) continue;
    const { line, col } = lines.linePos(name.at.node.range?.[0] ?? 0);
    named.push({ spec: deepFreeze(spec), where: { file, line, column: col, pointer: name.at.pointer, message: '' } });
  }
  if (documents === 0 && sink.problems.length === 0) sink.atOffset(0, '', 'the file holds no Service document');
  return { named, problems: sink.problems.sort(compareProblems), documents };
}

/** Specs are shared by every subsystem for the process's life: freeze them so none can drift. */
function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** Reports each service name defined twice, at its second and later definitions. */
function duplicateNames(named: readonly Named[]): SpecProblem[] {
  const first = new Map<string, SpecProblem>();
  const out: SpecProblem[] = [];
  for (const n of named) {
    const prev = first.get(n.spec.name);
    if (prev === undefined) first.set(n.spec.name, n.where);
    else out.push({ ...n.where, message: `service \`${n.spec.name}\` is already defined at ${prev.file}:${prev.line}:${prev.column}` });
  }
  return out;
}

/** Every Service document of one YAML text (documents separated by `---`). */
export function parseSpecDocuments(text: string, file: string): { specs: ServiceSpec[]; problems: SpecProblem[] } {
  const { named, problems } = parseNamed(text, file);
  const dups = duplicateNames(named);
  return { specs: dups.length > 0 ? [] : named.map((n) => n.spec), problems: [...problems, ...dups].sort(compareProblems) };
}

/** Exactly one Service document; use `parseSpecDocuments` for texts holding several. */
export function parseSpec(text: string, file: string): SpecResult {
  const { named, problems, documents } = parseNamed(text, file);
  if (documents > 1) {
    problems.push({ file, line: 1, column: 1, pointer: '', message: `expected one Service document, found ${documents}` });
  }
  const only = named[0];
  return problems.length === 0 && only !== undefined ? { ok: true, spec: only.spec } : { ok: false, problems };
}

async function expand(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const files: string[] = [];
  for (const n of names) if ((await stat(join(path, n))).isFile()) files.push(join(path, n));
  return files;
}

function errorText(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads spec files; a directory stands for its `*.yaml`/`*.yml` files (not recursive, sorted by name).
 * Specs come from every document without problems; a service name defined in two places is a
 * problem at the second definition.
 */
export async function loadSpecFiles(paths: string[]): Promise<{ specs: ServiceSpec[]; problems: SpecProblem[] }> {
  const problems: SpecProblem[] = [];
  const named: Named[] = [];
  const order = new Map<string, number>();
  for (const path of paths) {
    order.set(path, order.size);
    let files: string[];
    try {
      files = await expand(path);
    } catch (e) {
      problems.push({ file: path, line: 0, column: 0, pointer: '', message: `cannot read: ${errorText(e)}` });
      continue;
    }
    for (const file of files) {
      order.set(file, order.size);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        problems.push({ file, line: 0, column: 0, pointer: '', message: `cannot read: ${errorText(e)}` });
        continue;
      }
      const r = parseNamed(text, file);
      problems.push(...r.problems);
      named.push(...r.named);
    }
  }
  const dups = duplicateNames(named);
  problems.push(...dups);
  // Files in the order read, each top to bottom.
  problems.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || compareProblems(a, b));
  return { specs: named.filter((n) => !dups.some((d) => d.file === n.where.file && d.line === n.where.line && d.column === n.where.column)).map((n) => n.spec), problems };
}

/** The catalogue error for callers that fail fast (server start, CLI); the problems ride in `details`. */
export function specInvalidError(problems: readonly SpecProblem[]): MlsloError {
  const first = problems[0];
  const detail = first === undefined ? undefined : `${formatProblem(first)}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`;
  return new MlsloError('MLSLO_ERR_SPEC_INVALID', detail, { details: problems });
}
