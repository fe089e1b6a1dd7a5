/**
 * Import messages: what did not map from OpenSLO, and what was guessed. Each names the file, line and
 * column, the document (`Kind/name`) and the field, as `mlslo validate` does for specs, so a user can
 * find and fix the input — or know exactly what the generated spec lacks.
 */
import { isMap, isSeq, type LineCounter, type Node } from 'yaml';

export interface ImportNote {
  readonly file: string;
  /** 1-based; 0 when there is no position (the file cannot be read). */
  readonly line: number;
  readonly column: number;
  /** `SLO/search-slo`, or `document 2` when the document has no readable kind and name. */
  readonly document: string;
  /** Dotted path inside the document (`spec.objectives[1].target`); empty for the document itself. */
  readonly field: string;
  readonly message: string;
}

/** `file:line:col: SLO/name: spec.field: message`. */
export function formatNote(n: ImportNote): string {
  const where = n.line > 0 ? `${n.file}:${n.line}:${n.column}` : n.file;
  return [where, n.document, n.field, n.message].filter((s) => s !== '').join(': ');
}

export type FieldPath = readonly (string | number)[];

/** `['spec', 'objectives', 1, 'target']` → `spec.objectives[1].target`. */
export function fieldName(path: FieldPath): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? k : `${s}.${k}`), '');
}

/** Where one OpenSLO object sits in its file, so a note about any of its fields gets a position. */
export class Locator {
  constructor(
    readonly file: string,
    /** `Kind/name` as shown in notes. */
    readonly document: string,
    private readonly node: Node,
    private readonly lines: LineCounter,
  ) {}

  /** A note at the field, or at the nearest enclosing node that exists when the field is absent. */
  note(path: FieldPath, message: string): ImportNote {
    let node: Node = this.node;
    for (const key of path) {
      const next: unknown = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
      if (next === undefined || next === null) break;
      node = next as Node;
    }
    const { line, col } = this.lines.linePos(node.range?.[0] ?? 0);
    return { file: this.file, line, column: col, document: this.document, field: fieldName(path), message };
  }
}

/** Orders notes by the files in the order given, then top to bottom. */
export function sortNotes(notes: readonly ImportNote[], files: readonly string[]): ImportNote[] {
  const order = new Map(files.map((f, i) => [f, i]));
  return [...notes].sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.column - b.column);
}

/** A value as messages quote it: strings in backticks, the rest as JSON. */
export function quote(v: unknown): string {
  return typeof v === 'string' ? `\`${v}\`` : v === undefined ? 'nothing' : JSON.stringify(v);
}
