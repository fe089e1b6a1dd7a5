/**
 * OpenSLO files → checked objects. A file holds YAML documents separated by `---`; each is one object
 * or, as the OpenSLO Go SDK writes them (pkg/openslo/v1/examples), a list of objects. Every object is
 * checked against the schema of its kind (schema.ts); one that fails is reported field by field and
 * left out, and reading carries on, so bad input never stops the others from mapping.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { Locator, quote, type FieldPath, type ImportNote } from './notes.ts';
import { DOC_SCHEMAS, OPENSLO_API_VERSION, OPENSLO_KINDS, type OsloBody, type OsloKind } from './schema.ts';

export interface SourceText {
  readonly file: string;
  readonly text: string;
}

/** A checked object of one kind, with where it came from. */
export type OsloObject = { [K in OsloKind]: { readonly kind: K; readonly name: string; readonly body: OsloBody<K>; readonly at: Locator } }[OsloKind];
export type OsloObjectOf<K extends OsloKind> = Extract<OsloObject, { kind: K }>;

const ajv = new Ajv({ allErrors: true, verbose: true });
const validators = Object.fromEntries(OPENSLO_KINDS.map((k) => [k, ajv.compile(DOC_SCHEMAS[k])])) as Record<OsloKind, ReturnType<typeof ajv.compile>>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `/spec/objectives/0` → `['spec', 'objectives', 0]` (RFC 6901 unescaping). */
function pathOf(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((t) => {
    const s = t.replaceAll('~1', '/').replaceAll('~0', '~');
    return /^\d+$/.test(s) ? Number(s) : s;
  });
}

/** One schema error → a field and a sentence a user can act on. */
function explain(e: ErrorObject): { path: FieldPath; message: string } {
  const path = pathOf(e.instancePath);
  const p = e.params as Record<string, unknown>;
  const got = `got ${quote(e.data)}`;
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(p.missingProperty)], message: 'missing required field' };
    case 'type':
      return { path, message: `must be ${p.type === 'object' ? 'a mapping' : p.type === 'array' ? 'a list' : `a ${String(p.type)}`}, ${got}` };
    case 'enum':
      return { path, message: `must be one of ${(p.allowedValues as unknown[]).map(quote).join(', ')}, ${got}` };
    case 'pattern': {
      const description = (e.parentSchema as { description?: string } | undefined)?.description;
      return { path, message: `must be ${description ?? `text matching ${String(p.pattern)}`}, ${got}` };
    }
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return { path, message: `must be ${String(p.comparison)} ${String(p.limit)}, ${got}` };
    case 'minItems':
      return { path, message: `must hold at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { path, message: `must hold ${p.limit === 1 ? 'exactly one item' : `at most ${String(p.limit)} items`}, got ${(e.data as unknown[]).length}` };
    case 'minLength':
      return { path, message: 'must not be empty' };
    default:
      return { path, message: e.message ?? 'is invalid' };
  }
}

/** `Kind/name` from whatever the object holds, for notes about objects that may not pass their schema. */
function label(raw: Record<string, unknown>, ordinal: number): string {
  const kind = typeof raw.kind === 'string' ? raw.kind : undefined;
  const name = isRecord(raw.metadata) && typeof raw.metadata.name === 'string' ? raw.metadata.name : undefined;
  if (kind !== undefined && name !== undefined) return `${kind}/${name}`;
  return kind !== undefined ? `${kind} (document ${ordinal}, no name)` : `document ${ordinal}`;
}

/** Where a document is being read: its file, its place in the file, and the notes so far. */
interface DocContext {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** 1-based position of the document in its file, naming documents that have no kind and name. */
  readonly ordinal: number;
  readonly notes: ImportNote[];
}

function readObject(node: Node, { file, doc, lines, ordinal, notes }: DocContext): OsloObject | undefined {
  const { line, col } = lines.linePos(node.range?.[0] ?? 0);
  const skip = (message: string): undefined => {
    notes.push({ file, line, column: col, document: `document ${ordinal}`, field: '', message: `${message}; skipped` });
    return undefined;
  };
  let raw: unknown;
  try {
    raw = node.toJS(doc);
  } catch (e) {
    // An alias to no anchor, or more aliases than the library expands (a "billion laughs" document).
    return skip(`cannot be read: ${(e as Error).message}`);
  }
  if (!isRecord(raw)) return skip('must be an OpenSLO object (a mapping with apiVersion, kind, metadata and spec) or a list of them');
  const at = new Locator(file, label(raw, ordinal), node, lines);
  // A foreign apiVersion or kind means a schema mlslo does not know: checking the rest would be noise.
  if (raw.apiVersion !== OPENSLO_API_VERSION) {
    notes.push(at.note(['apiVersion'], `${raw.apiVersion === undefined ? 'missing' : `unsupported apiVersion ${quote(raw.apiVersion)}`}: mlslo reads \`${OPENSLO_API_VERSION}\`; skipped`));
    return undefined;
  }
  const kind = OPENSLO_KINDS.find((k) => k === raw.kind);
  if (kind === undefined) {
    notes.push(at.note(['kind'], `${raw.kind === undefined ? 'missing' : `unknown kind ${quote(raw.kind)}`}: OpenSLO v1 defines ${OPENSLO_KINDS.join(', ')}; skipped`));
    return undefined;
  }
  const validate = validators[kind];
  if (!validate(raw)) {
    const errors = validate.errors ?? [];
    // At the document's start, so that it heads the field messages when sorted by position.
    notes.push(at.note([], `not read: ${errors.length === 1 ? 'a field does' : `${errors.length} fields do`} not fit OpenSLO v1`));
    for (const e of errors) {
      const { path, message } = explain(e);
      notes.push(at.note(path, message));
    }
    return undefined;
  }
  return { kind, name: (raw as { metadata: { name: string } }).metadata.name, body: raw, at } as OsloObject;
}

/**
 * Every object of every file, in file order, top to bottom. An object defined twice (same kind and
 * name) is reported at its second definition and left out: references by name would be ambiguous.
 */
export function readOpenSloFiles(sources: readonly SourceText[]): { objects: OsloObject[]; notes: ImportNote[] } {
  const objects: OsloObject[] = [];
  const notes: ImportNote[] = [];
  const seen = new Map<string, OsloObject>();
  for (const { file, text } of sources) {
    const lines = new LineCounter();
    let ordinal = 0;
    for (const doc of parseAllDocuments(text, { lineCounter: lines, prettyErrors: false })) {
      ordinal++;
      const errors = [...doc.errors, ...doc.warnings];
      if (errors.length > 0) {
        for (const e of errors) {
          const { line, col } = lines.linePos(e.pos[0]);
          notes.push({ file, line, column: col, document: `document ${ordinal}`, field: '', message: `invalid YAML: ${e.message.split(/ at line \d+/)[0] ?? e.message}; document skipped` });
        }
        continue;
      }
      const c = doc.contents;
      if (c === null || (isScalar(c) && c.value === null)) continue;
      for (const node of isSeq(c) ? (c.items as Node[]) : [c]) {
        const o = readObject(node, { file, doc, lines, ordinal, notes });
        if (o === undefined) continue;
        const key = `${o.kind}/${o.name}`;
        const first = seen.get(key);
        if (first !== undefined) {
          const where = first.at.note([], '');
          notes.push(o.at.note(['metadata', 'name'], `${key} is already defined at ${where.file}:${where.line}:${where.column}; this one is ignored`));
          continue;
        }
        seen.set(key, o);
        objects.push(o);
      }
    }
  }
  return { objects, notes };
}

/** Objects by kind and name, as OpenSLO references them (`indicatorRef`, `alertPolicyRef`, …). */
export class ObjectIndex {
  private readonly byKey = new Map<string, OsloObject>();

  constructor(objects: readonly OsloObject[]) {
    for (const o of objects) this.byKey.set(`${o.kind}/${o.name}`, o);
  }

  get<K extends OsloKind>(kind: K, name: string): OsloObjectOf<K> | undefined {
    return this.byKey.get(`${kind}/${name}`) as OsloObjectOf<K> | undefined;
  }
}
